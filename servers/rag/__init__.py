"""The RAG server: collections of documents, structure-aware chunks, hybrid retrieval with citations.

Files, text and web pages are parsed (text, Markdown, HTML, code, PDF, DOCX),
chunked along their structure, stored in LanceDB (keyword-searchable at once,
searchable by meaning as embeddings land) and answered from with citations.
Run it alone with `python -m pygent.servers.rag`.
"""
