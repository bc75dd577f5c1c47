"""The Python API that the CLI, the UI and the evaluation share.

    >>> from rag import ingest, ask                                         # doctest: +SKIP
    >>> ingest(corpus_dir="corpus", index_dir=".rag")                      # doctest: +SKIP
    >>> ask("Berapa personel yang diterjunkan Polres Banyuasin?").text     # doctest: +SKIP
    '616 personel: “Polres Banyuasin, Sumsel berkomitmen ... 616 personel.” [1]'
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from rag.answer.extractive import NOT_FOUND, ExtractiveAnswerer
from rag.embed import get_embeddings
from rag.index import Snapshot, current_name, load_snapshot
from rag.ingestion import ProgressCallback, run_ingest
from rag.query import analyze_question, detect_language
from rag.retrieve import HybridRetriever
from rag.settings import Settings
from rag.types import Answer, IngestReport
from rag.vectors import open_vector_store

log = logging.getLogger(__name__)


class QuestionError(ValueError):
    """The question cannot be answered as asked (empty, too long)."""


class IndexNotFound(RuntimeError):
    """Nothing has been ingested into this index folder yet."""


class Pipeline:
    """Loaded models and indexes for one settings object; reloads itself after an ingest."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self._lock = threading.Lock()
        self._loaded = ""
        self.snapshot: Snapshot | None = None
        self.retriever: HybridRetriever | None = None
        self.engine = None

    def _ensure_loaded(self) -> None:
        name = current_name(self.index_dir)
        if not name:
            raise IndexNotFound(f"no index in {self.index_dir}: run `rag ingest` first")
        if name == self._loaded:
            return
        with self._lock:
            if name == self._loaded:
                return
            started = time.perf_counter()
            snapshot = load_snapshot(self.index_dir)
            embeddings = get_embeddings(self.settings.embedding_model, self.settings.embedding_batch_size)
            store = open_vector_store(self.settings, self.index_dir, embeddings)
            s = self.settings
            self.retriever = HybridRetriever(snapshot, store, embeddings, s.dense_k, s.bm25_k, s.rrf_k)
            texts = _article_texts(snapshot)
            extractive = ExtractiveAnswerer(snapshot.document_frequency(), len(snapshot.chunks), lambda src: texts.get(src, ""))
            if s.answer_engine == "llm":
                from rag.answer.llm import LLMAnswerer

                self.engine = LLMAnswerer.from_settings(s, fallback=extractive)
            else:
                self.engine = extractive
            self.snapshot, self._loaded = snapshot, name
            log.info("index %s loaded in %.2f s (%d chunks)", name, time.perf_counter() - started, len(snapshot.chunks))

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        question = validate_question(question, self.settings.max_question_chars)
        self._ensure_loaded()
        q = analyze_question(question)
        k = max(top_k or self.settings.top_k, 1)
        pool = self.retriever.retrieve(q, max(k, self.settings.dense_k))  # one retrieval serves both
        contexts = pool[:k]
        if not contexts:
            return Answer(question, NOT_FOUND[q.language], False, [], [], q.language, self.engine.name)
        answer = self.engine.answer(q, self.retriever.article_passages(pool, self.settings.answer_articles))
        answer.contexts = contexts + [c for c in answer.citations if c not in contexts]
        return answer


def _article_texts(snapshot: Snapshot) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    for chunk in sorted(snapshot.chunks.values(), key=lambda c: (c.source, c.position)):
        texts.setdefault(chunk.source, []).append(chunk.text)
    return {src: "\n".join(parts) for src, parts in texts.items()}


def validate_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty")
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise QuestionError(f"the question is too long ({len(question)} characters; limit {max_chars})")
    return question


_pipelines: dict[Settings, Pipeline] = {}
_pipelines_lock = threading.Lock()


def get_pipeline(settings: Settings) -> Pipeline:
    with _pipelines_lock:
        if settings not in _pipelines:
            _pipelines[settings] = Pipeline(settings)
        return _pipelines[settings]


def ingest(
    corpus_dir: str | Path | None = None,
    index_dir: str | Path | None = None,
    settings: Settings | None = None,
    progress: bool | ProgressCallback = True,
) -> IngestReport:
    """Bring the index up to date with the corpus folder (incremental; see :mod:`rag.ingestion`)."""
    settings = (settings or Settings.from_env()).replace(
        **{k: Path(v) for k, v in {"corpus_dir": corpus_dir, "index_dir": index_dir}.items() if v is not None}
    )
    return run_ingest(settings, progress)


def ask(
    question: str,
    index_dir: str | Path | None = None,
    settings: Settings | None = None,
    top_k: int | None = None,
) -> Answer:
    """Answer a question from the index, with citations (see :class:`rag.types.Answer`)."""
    settings = settings or Settings.from_env()
    if index_dir is not None:
        settings = settings.replace(index_dir=Path(index_dir))
    return get_pipeline(settings).ask(question, top_k)


__all__ = ["ingest", "ask", "Pipeline", "QuestionError", "IndexNotFound", "detect_language"]
