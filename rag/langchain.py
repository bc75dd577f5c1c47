"""LangChain-native faces of the pipeline: a ``BaseRetriever`` and a ``Runnable``.

Both read the same ingested index and call the same :class:`rag.api.Pipeline` as ``rag.ask``,
so they compose with any LangChain chain::

    >>> import rag                                                              # doctest: +SKIP
    >>> retriever = rag.as_retriever(index_dir=".rag", k=4)                     # doctest: +SKIP
    >>> [d.metadata["source"] for d in retriever.invoke("Berapa personel Polres Banyuasin?")][0]  # doctest: +SKIP
    '004_4de73d00fb467760.txt'
    >>> rag.as_runnable(index_dir=".rag").invoke("Berapa personel Polres Banyuasin?").text  # doctest: +SKIP
    '616 personel: “Polres Banyuasin, Sumsel berkomitmen ... 616 personel.” [1]'
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import (
    ensure_config,
    get_callback_manager_for_config,
    run_in_executor,
)
from pydantic import InstanceOf

from rag.api import Filters, get_pipeline, validate_question
from rag.errors import QuestionError
from rag.query import analyze_question
from rag.settings import Settings
from rag.types import Answer, Passage

# The fields of Settings that hold paths (given as str by a caller, kept as Path so that the same
# settings find the same loaded pipeline).
_PATH_FIELDS = ("corpus_dir", "index_dir", "prompts_dir", "feedback_file", "ui_secret_file", "embedding_cache_dir")


def passage_to_document(passage: Passage) -> Document:
    """A retrieved passage as a LangChain ``Document``: its text, and its article's metadata with
    the fused retrieval score (higher is better)."""
    metadata = {
        "id": passage.id, "source": passage.source, "position": passage.position, "title": passage.title,
        "url": passage.url, "outlet": passage.outlet, "date": passage.date, "place": passage.place,
        "score": passage.score,
    }  # fmt: skip
    return Document(page_content=passage.text, metadata=metadata, id=passage.id)


class HybridIndexRetriever(BaseRetriever):
    """Hybrid retrieval over an ingested index (dense + BM25, reciprocal rank fusion) as a
    LangChain retriever: ``invoke(question)`` gives the ``k`` best passages as ``Document`` s.

    The question is read as ``rag.ask`` reads it (Indonesian stemming, English questions mapped
    to Indonesian terms). When the vector store is unavailable the ranking comes from keyword
    search alone and a warning is logged.
    """

    settings: InstanceOf[Settings]  # kept as given: the same settings find the same loaded pipeline
    k: int | None = None  # None: settings.top_k
    filters: InstanceOf[Filters] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        question = analyze_question(validate_question(query, self.settings.max_question_chars))
        if self.filters:
            self.filters.check()
        best, _ = get_pipeline(self.settings).passages(question, self.k, self.filters)
        return [passage_to_document(p) for p in best]


class AnswerRunnable(Runnable[str | dict[str, Any], Answer]):
    """The whole pipeline as a ``Runnable``: a question (``str``) or ``{"question": ...,
    "history": [...]}`` in, the cited :class:`rag.types.Answer` out.

    ``history`` holds the earlier turns, as dicts in the messages format of OpenAI and Gradio or
    as LangChain messages; a follow-up is answered as the standalone question it stands for.
    ``stream`` yields what :meth:`rag.api.Pipeline.ask_stream` yields: with the LLM engine the
    reply so far (``str``, unverified) as it grows, and always, last, the verified ``Answer``.
    """

    name = "rag"

    def __init__(self, settings: Settings, filters: Filters | None = None):
        self.settings = settings
        self.filters = filters

    def invoke(self, input: str | dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        *_, answer = self._run(input, config, stream=False)
        return answer

    def stream(
        self, input: str | dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[str | Answer]:  # fmt: skip
        yield from self._run(input, config, stream=True)

    async def astream(
        self, input: str | dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[str | Answer]:  # fmt: skip
        parts = self.stream(input, config)
        done = object()
        while (part := await run_in_executor(config, next, parts, done)) is not done:  # the pipeline is sync
            yield part

    def _run(self, input: str | dict[str, Any], config: RunnableConfig | None, stream: bool) -> Iterator[str | Answer]:
        """The pipeline's parts, reported to the config's callbacks (tracing) as one chain run."""
        config = ensure_config(config)
        run = get_callback_manager_for_config(config).on_chain_start(
            None, input, name=config.get("run_name") or self.get_name(), run_id=config.pop("run_id", None)
        )
        try:
            question, history = read_input(input)
            parts = get_pipeline(self.settings).ask_stream(question, None, self.filters, history, stream=stream)
            answer = None
            for part in parts:
                if isinstance(part, Answer):
                    answer = part
                yield part
        except BaseException as exc:
            run.on_chain_error(exc)
            raise
        run.on_chain_end(answer)


def read_input(input: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """(question, history in the OpenAI messages format) from a runnable's input."""
    if isinstance(input, str):
        return input, None
    if not isinstance(input, Mapping):
        raise QuestionError(f'expected a question (str) or {{"question": ..., "history": [...]}}, got {type(input).__name__}')
    unknown = set(input) - {"question", "history"}
    if unknown:
        raise QuestionError(f"unknown input keys {sorted(unknown)}: give 'question' and optionally 'history'")
    history = input.get("history")
    if history and not all(isinstance(m, dict) for m in history):
        from langchain_core.messages import convert_to_openai_messages

        history = convert_to_openai_messages(history)
    return input.get("question", ""), list(history) if history else None


def _settings(settings: Settings | None, overrides: Mapping[str, Any]) -> Settings:
    changes = {k: Path(v) if k in _PATH_FIELDS else v for k, v in overrides.items() if v is not None}
    return Settings.from_env(**changes) if settings is None else settings.replace(**changes)


def as_retriever(
    index_dir: str | Path | None = None, k: int | None = None, settings: Settings | None = None,
    filters: Filters | None = None,
) -> HybridIndexRetriever:  # fmt: skip
    """A LangChain ``BaseRetriever`` over the index: ``invoke(question)`` returns the ``k`` best
    passages (default ``settings.top_k``) as ``Document`` s whose metadata carries id, source,
    position, title, url, outlet, date, place and score. ``filters`` restricts them to an outlet
    and/or a date range.

        >>> from langchain_core.runnables import RunnableLambda
        >>> titles = RunnableLambda(lambda docs: [d.metadata["title"] for d in docs])
        >>> chain = as_retriever(index_dir=".rag", k=3) | titles                # doctest: +SKIP
    """
    return HybridIndexRetriever(settings=_settings(settings, {"index_dir": index_dir}), k=k, filters=filters)


def as_runnable(settings: Settings | None = None, *, filters: Filters | None = None, **overrides: Any) -> AnswerRunnable:
    """The question-answering pipeline as a LangChain ``Runnable`` (see :class:`AnswerRunnable`).
    ``overrides`` are :class:`rag.settings.Settings` fields (``index_dir=".rag"``,
    ``answer_engine="llm"``, ``top_k=4``...) applied on ``settings`` or on the environment's.

        >>> runnable = as_runnable(index_dir=".rag")                             # doctest: +SKIP
        >>> runnable.batch(["Berapa personel Polres Banyuasin?", "How many did Polda Sumsel deploy?"])  # doctest: +SKIP
    """
    return AnswerRunnable(_settings(settings, overrides), filters)


__all__ = ["as_retriever", "as_runnable", "HybridIndexRetriever", "AnswerRunnable", "passage_to_document"]
