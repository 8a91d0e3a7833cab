"""Offline text embeddings and the LanceDB tables that hold them, shared by servers.

    embedder = AsyncEmbedder(load_embedder(settings.embedding_model))   # a server's setting; "e5-small"
    vectors = await embedder.passages(texts)
    table = open_table(connect(folder), "memories", schema, embedder.embedder)   # stamped, checked

Modules: `base` (interface, mismatch error), `models` (the registry), `e5` and
`minilm` (the engines), `batching` (off the event loop), `stamp` (model id and
dimension in each table's schema), `tables` (connections, open/create),
`indexing` (when to build an ANN index), `search` (vector/keyword/hybrid),
`sql` (filter literals), `backfill` (vectors that land after their rows),
`reembed` (switch a store to another model), `background` (open after start),
`conflicts` (retry writes that lose a commit race to another process).
"""
