"""Cited question answering over Indonesian news about Pilkada 2024 security.

    from rag import ingest, ask
    ingest(corpus_dir="corpus", index_dir=".rag")
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=".rag")
"""

from rag.settings import Settings  # noqa: I001  (sets the offline switches before anything loads)
from rag.api import ask, ingest
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

__all__ = [
    "ingest", "ask", "Settings", "Answer", "Passage", "IngestReport",
    "RagError", "IndexNotFound", "IndexCorrupt", "IndexOutdated", "VectorStoreUnavailable",
    "CorpusBusy", "QuestionError", "UploadRejected", "NameConflict", "ArticleNotFound", "DiskFull",
]  # fmt: skip
