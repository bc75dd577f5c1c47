"""The Python API that the CLI, the UI and the evaluation share.

    >>> from rag import ingest, ask                                         # doctest: +SKIP
    >>> ingest(corpus_dir="corpus", index_dir=".rag")                      # doctest: +SKIP
    >>> ask("Berapa personel yang diterjunkan Polres Banyuasin?").text     # doctest: +SKIP
    '616 personel: “Polres Banyuasin, Sumsel berkomitmen ... 616 personel.” [1]'
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.conversation import resolve, user_turns
from rag.corpus import CorpusChange, OnConflict, add_articles, remove_article
from rag.deployments import Fact, FactFilter, relate, select
from rag.embed import embeddings_for
from rag.errors import IndexCorrupt, IndexNotFound, QuestionError
from rag.index import Snapshot, current_name, load_snapshot, read_facts, read_files
from rag.ingestion import ProgressCallback, run_ingest
from rag.metadata import outlet_key
from rag.query import Question, analyze_question, detect_language
from rag.reader.compose import NOT_FOUND
from rag.reader.engine import Reader
from rag.reader.table import answer_from_table, is_table_question
from rag.retrieve import HybridRetriever
from rag.settings import Settings
from rag.types import Answer, IngestReport, Passage
from rag.vectors import VectorStore

log = logging.getLogger(__name__)

# The notice put in ``Answer.flagged`` when the answer was found by keyword search alone.
DENSE_UNAVAILABLE = "dense search unavailable, answered from keyword search only"


@dataclass
class _Asked:
    """A question on its way: as asked, as read (follow-ups resolved), analysed, and retrieved."""

    question: str
    standalone: str
    q: Question
    contexts: list[Passage]
    passages: list[Passage]
    unavailable: str


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
            snapshot = load_snapshot(self.index_dir, facts=False)  # the facts table is read when asked
            if snapshot is None:
                raise IndexNotFound(f"no index in {self.index_dir}: run `rag ingest` first")
            embeddings = embeddings_for(self.settings)
            store = VectorStore(self.settings, self.index_dir)  # connects at the first dense search
            s = self.settings
            self.retriever = HybridRetriever(snapshot, store, embeddings, s.dense_k, s.bm25_k, s.rrf_k, s.dense_weight)
            texts = _article_texts(snapshot)
            extractive = Reader(snapshot.document_frequency(), len(snapshot.chunks), lambda src: texts.get(src, ""))
            if s.answer_engine == "llm":
                from rag.answer.llm import LLMAnswerer

                self.engine = LLMAnswerer.from_settings(s, fallback=extractive)
            else:
                self.engine = extractive
            self.snapshot, self._loaded = snapshot, name
            log.info("index %s loaded in %.2f s (%d chunks)", name, time.perf_counter() - started, len(snapshot.chunks))

    def ask(
        self, question: str, top_k: int | None = None, filters: Filters | None = None,
        history: Sequence[dict[str, Any]] | None = None,
    ) -> Answer:  # fmt: skip
        """``history``: the conversation so far in the messages format of Gradio and OpenAI; a
        follow-up ("Kalau di Ogan Ilir?") is answered as the standalone question it stands for."""
        *_, answer = self.ask_stream(question, top_k, filters, history, stream=False)
        return answer

    def ask_stream(
        self, question: str, top_k: int | None = None, filters: Filters | None = None,
        history: Sequence[dict[str, Any]] | None = None, stream: bool = True,
    ) -> Iterator[str | Answer]:  # fmt: skip
        """Like :meth:`ask`, for the LLM engine token by token: the text so far (``str``,
        unverified), then the verified :class:`Answer`. The offline engine answers at once."""
        from rag.answer.llm import LLMAnswerer

        asked = self._asked(question, top_k, filters, history)
        if filters and filters.active and not filters.sources(self.snapshot):
            text = filters.explain_empty(asked.q.language)
            yield self._finish(asked, Answer(asked.question, text, False, [], [], asked.q.language, self.engine.name))
            return
        # across the corpus: counted from the facts table, not read from passages
        table = answer_from_table(asked.q, self._facts(filters)) if is_table_question(asked.q) else None
        if table is not None:
            yield self._finish(asked, table)
            return
        if not asked.contexts:
            yield self._finish(asked, Answer(asked.question, NOT_FOUND[asked.q.language], False, [], [], asked.q.language, self.engine.name))
            return
        if not stream or not isinstance(self.engine, LLMAnswerer):
            yield self._finish(asked, self.engine.answer(asked.q, asked.passages))
            return
        for part in self.engine.stream(asked.q, asked.passages):
            yield self._finish(asked, part) if isinstance(part, Answer) else part

    def _facts(self, filters: Filters | None) -> list[Fact]:
        """The related facts table of the loaded snapshot (made on the first table question)."""
        try:
            rows = _related_table(self.index_dir.resolve(), self.snapshot.name)
        except IndexCorrupt:
            if current_name(self.index_dir) == self.snapshot.name:
                raise
            self._ensure_loaded()  # an ingest replaced the snapshot (and deleted the old one) meanwhile
            rows = _related_table(self.index_dir.resolve(), self.snapshot.name)
        if not (filters and filters.active):
            return rows
        allowed = set(filters.sources(self.snapshot))
        return [f for f in rows if f.source in allowed]

    def _asked(self, question: str, top_k: int | None, filters: Filters | None,
               history: Sequence[dict[str, Any]] | None) -> _Asked:  # fmt: skip
        question = validate_question(question, self.settings.max_question_chars)
        if filters:
            filters.check()
        self._ensure_loaded()
        standalone = resolve(question, history)
        if history and self.engine is not None and self.engine.name == "llm":  # the model rewrites the follow-up
            from rag.answer.llm import LLMAnswerer

            if isinstance(self.engine, LLMAnswerer):
                standalone = self.engine.standalone(question, user_turns(history)) or standalone
        q = analyze_question(standalone)
        contexts, passages, unavailable = self._retrieve(q, top_k, filters)
        return _Asked(question, standalone, q, contexts, passages, unavailable)

    @staticmethod
    def _finish(asked: _Asked, answer: Answer) -> Answer:
        if asked.contexts:
            answer.contexts = asked.contexts + [c for c in answer.citations if c not in asked.contexts]
        answer.question = asked.question
        if asked.standalone != asked.question:
            answer.resolved_question = asked.standalone
        if asked.unavailable:
            answer.dense_search = False
            answer.flagged.append(f"{DENSE_UNAVAILABLE}: {asked.unavailable}")
        return answer

    def passages(self, q: Question, top_k: int | None = None, filters: Filters | None = None) -> tuple[list[Passage], list[Passage]]:
        """(the ``top_k`` best passages, every passage of their articles for the reader)."""
        contexts, passages, _ = self._retrieve(q, top_k, filters)
        return contexts, passages

    def _retrieve(self, q: Question, top_k: int | None, filters: Filters | None) -> tuple[list[Passage], list[Passage], str]:
        self._ensure_loaded()
        k = max(top_k or self.settings.top_k, 1)
        sources = filters.sources(self.snapshot) if filters and filters.active else None
        found = self.retriever.search(q, max(k, self.settings.dense_k), sources)  # one retrieval serves both
        pool = found.passages
        return pool[:k], self.retriever.article_passages(pool, self.settings.answer_articles), found.dense_unavailable


    def article(self, source: str) -> str:
        """The whole cleaned text of one indexed article (its chunks without their overlap), for
        reading a source in full; '' when the article is not in the index."""
        from rag.chunk import split_sentences

        self._ensure_loaded()
        chunks = sorted((c for c in self.snapshot.chunks.values() if c.source == source), key=lambda c: c.position)
        paragraphs: list[str] = []
        previous: set[str] = set()
        for chunk in chunks:
            text = chunk.text
            for sentence in split_sentences(chunk.text):  # the overlap repeated from the chunk before
                if sentence not in previous or text.find(sentence) < 0:
                    break
                text = text[text.find(sentence) + len(sentence) :].lstrip()
            if text.strip():
                paragraphs.append(text.strip())
            previous = set(split_sentences(chunk.text))
        return "\n\n".join(paragraphs)

    def articles(self) -> list[dict]:
        """One row per indexed article: source, title, outlet, date, place, url, chunks."""
        return [
            {"source": src, **vars(rec.meta), "chunks": len(rec.chunk_ids)}
            for src, rec in sorted(read_files(self.index_dir).items())
        ]


@dataclass(frozen=True)
class Filters:
    """Restrict answers to articles of one outlet and/or a date range (ISO dates, inclusive).
    Articles without a date are left out when a date range is set."""

    outlet: str = ""
    date_from: str = ""
    date_to: str = ""

    @property
    def active(self) -> bool:
        return bool(self.outlet or self.date_from or self.date_to)

    def check(self) -> None:
        """A date is ISO (2024, 2024-11 or 2024-11-27) and a real one, and the range is in order;
        otherwise :class:`QuestionError` says how to write it."""
        import datetime as dt

        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if not value:
                continue
            parts = value.split("-")
            try:
                if not re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
                    raise ValueError
                dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
            except ValueError:
                raise QuestionError(f"the date filter '{name}' is not a date: {value!r}; write it as 2024-11-27, 2024-11 or 2024") from None
        if self.date_from and self.date_to and self.date_from[: len(self.date_to)] > self.date_to:
            raise QuestionError(f"the date range is reversed: {self.date_from} is after {self.date_to}")

    def explain_empty(self, language: str) -> str:
        """Why no article can answer: the filters leave none."""
        en = language == "en"
        parts = []
        if self.outlet:
            parts.append(f"{'from' if en else 'dari'} {self.outlet}")
        if self.date_from and self.date_to:
            parts.append(f"{'between' if en else 'antara'} {self.date_from} {'and' if en else 'dan'} {self.date_to}")
        elif self.date_from:
            parts.append(f"{'from' if en else 'sejak'} {self.date_from}")
        elif self.date_to:
            parts.append(f"{'up to' if en else 'sampai'} {self.date_to}")
        what = " ".join(parts)
        if en:
            return f"No article {what} is in the corpus: change or clear the filters."
        return f"Tidak ada artikel {what} di korpus: ubah atau kosongkan filter."

    def sources(self, snapshot: Snapshot) -> set[str]:
        keep = set()
        for src, rec in snapshot.files.items():
            meta = rec.meta
            if self.outlet and outlet_key(meta.outlet) != outlet_key(self.outlet):
                continue
            if (self.date_from or self.date_to) and not meta.date:
                continue
            if self.date_from and meta.date[: len(self.date_from)] < self.date_from:
                continue
            if self.date_to and meta.date[: len(self.date_to)] > self.date_to:
                continue
            keep.add(src)
        return keep


def _article_texts(snapshot: Snapshot) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    for chunk in sorted(snapshot.chunks.values(), key=lambda c: (c.source, c.position)):
        texts.setdefault(chunk.source, []).append(chunk.text)
    return {src: "\n".join(parts) for src, parts in texts.items()}


def validate_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty")
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as exc:  # invalid UTF-8 on a command line arrives as lone surrogates
        raise QuestionError(
            f"the question is not valid text (an invalid UTF-8 byte or a lone surrogate at character "
            f"{exc.start + 1}): type it again or check the terminal's encoding"
        ) from exc
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
    filters: Filters | None = None,
    history: Sequence[dict[str, Any]] | None = None,
) -> Answer:
    """Answer a question from the index, with citations (see :class:`rag.types.Answer`).
    ``history`` holds the earlier turns of a conversation (``[{"role": "user", "content": ...},
    {"role": "assistant", "content": ...}]``) against which follow-ups are resolved."""
    settings = settings or Settings.from_env()
    if index_dir is not None:
        settings = settings.replace(index_dir=Path(index_dir))
    return get_pipeline(settings).ask(question, top_k, filters, history)


def facts_table(index_dir: str | Path | None = None, settings: Settings | None = None, **filters: str) -> list[Fact]:
    """The deployment facts table of the index (:mod:`rag.deployments`): one typed row per "who
    deployed how many, where, for what" of every article, related across articles (``group``,
    ``conflict``), then filtered by the fields of :class:`rag.deployments.FactFilter`
    (``province="Sumsel"``, ``unit="Polres Banyuasin"``, ``stage="voting"``, ``category="tni"``...)."""
    settings = settings or Settings.from_env()
    folder = Path(index_dir) if index_dir is not None else Path(settings.index_dir)
    known = set(FactFilter.__dataclass_fields__)
    unknown = sorted(set(filters) - known)
    if unknown:
        raise QuestionError(f"unknown filter {', '.join(unknown)}: use {', '.join(sorted(known))}")
    name = current_name(folder)
    if not name:
        raise IndexNotFound(f"no index in {folder}: run `rag ingest` first")
    rows = _related_table(folder.resolve(), name)
    return select(rows, FactFilter(**{k: str(v) for k, v in filters.items() if v}))


@lru_cache(maxsize=2)
def _related_table(folder: Path, snapshot_name: str) -> list[Fact]:
    """The related table of one snapshot, made once (a snapshot never changes: an ingest makes a
    new one, with a new name). Raises IndexCorrupt when its facts.jsonl is damaged."""
    return relate(read_facts(folder, snapshot_name))



__all__ = [
    "facts_table", "ingest", "ask", "add_articles", "remove_article", "OnConflict", "CorpusChange", "Filters", "Pipeline",
    "detect_language",
]  # fmt: skip
