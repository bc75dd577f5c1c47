"""Cited question answering over Indonesian news about Pilkada 2024 security.

    from rag import ingest, ask
    ingest(corpus_dir="corpus", index_dir=".rag")
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=".rag")
    rows = facts_table(index_dir=".rag", province="Sumatera Selatan")  # who deployed how many, where

LangChain composition: ``as_retriever`` (a ``BaseRetriever``) and ``as_runnable`` (a ``Runnable``
from a question to the ``Answer``); see :mod:`rag.langchain`.
"""

from rag.settings import Settings  # noqa: I001  (sets the offline switches before anything loads)
from rag.api import ask, facts_table, ingest
from rag.errors import (
    ArticleNotFound,
    CorpusBusy,
    DiskFull,
    IndexCorrupt,
    IndexNotFound,
    IndexOutdated,
    NameConflict,
    QuestionError,
    RagError,
    UploadRejected,
    VectorStoreUnavailable,
)
from rag.types import Answer, IngestReport, Passage


def __getattr__(name: str):
    # The LangChain faces load on first use: `import rag` stays light.
    if name in ("as_retriever", "as_runnable"):
        from rag import langchain

        return getattr(langchain, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")


__all__ = [
    "ingest", "ask", "facts_table", "as_retriever", "as_runnable", "Settings", "Answer", "Passage", "IngestReport",
    "RagError", "IndexNotFound", "IndexCorrupt", "IndexOutdated", "VectorStoreUnavailable",
    "CorpusBusy", "QuestionError", "UploadRejected", "NameConflict", "ArticleNotFound", "DiskFull",
]  # fmt: skip
