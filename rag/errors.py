"""Every error the pipeline reports on purpose: one hierarchy, one sentence each.

Each exception's message is a complete sentence for the person at the keyboard: what is wrong and
what to run. The CLI prints it as ``error: <message>`` and exits non-zero; the UI shows it as is.
Catch :class:`RagError` to handle all of them::

    >>> from rag.errors import IndexNotFound, RagError
    >>> try:
    ...     raise IndexNotFound("no index in .rag: run `rag ingest` first")
    ... except RagError as exc:
    ...     print(f"error: {exc}")
    error: no index in .rag: run `rag ingest` first

==========================  ========================================================================
exception                   when, and what to do
==========================  ========================================================================
IndexNotFound               nothing has been ingested into the index folder: run ``rag ingest``
IndexCorrupt                a snapshot file is damaged or disagrees with the vector store: run
                            ``rag doctor --repair`` (``rag ingest`` repairs it too)
IndexOutdated               the index was written by an older version: run ``rag ingest``
VectorStoreUnavailable      the Chroma server cannot be reached, refused or did not answer in time:
                            start it, or unset ``RAG_CHROMA_URL``
CorpusBusy                  another ingest (or upload/removal) holds the lock on the index: wait
QuestionError               the question is empty, too long or not valid text: rephrase it
UploadRejected              an uploaded file cannot become an article; nothing was changed
NameConflict                (an UploadRejected) an upload has the name of an existing article:
                            upload again with replace, keep_both or cancel
ArticleNotFound             the article to remove is not in the corpus; nothing was changed
DiskFull                    no space left on the device while writing the index; the live index is
                            unchanged and keeps answering: free some space and ingest again
VectorStoreDiskFull         (a DiskFull and a VectorStoreUnavailable) the embedded vector store
                            cannot be opened on a full disk (Chroma writes to its database each time
                            it opens it): questions are answered from keyword search, flagged
==========================  ========================================================================
"""

from __future__ import annotations


class RagError(Exception):
    """Base of every error the pipeline raises on purpose; the message says what to do."""


class IndexNotFound(RagError):
    """Nothing has been ingested into this index folder yet."""


class IndexCorrupt(RagError):
    """A file of the live snapshot is missing, truncated or does not match its checksum, or the
    vector store disagrees with the snapshot. ``rag doctor --repair`` rebuilds it from the corpus."""


class IndexOutdated(RagError):
    """The index was written by an older version; the next ingest rebuilds it."""


class VectorStoreUnavailable(RagError):
    """The configured Chroma server cannot be reached or did not answer within the timeout (or the
    embedded store's folder cannot be opened)."""


class CorpusBusy(RagError):
    """Another ingest (or a corpus change) holds the lock on this index folder."""


class QuestionError(RagError, ValueError):
    """The question cannot be answered as asked (empty, too long, not valid text)."""


class UploadRejected(RagError, ValueError):
    """An uploaded file cannot become an article; nothing was changed."""


class DiskFull(RagError):
    """No space left on the device while writing; the previous index stays live."""


class VectorStoreDiskFull(VectorStoreUnavailable, DiskFull):
    """The embedded Chroma store cannot be opened because the disk is full: chromadb writes to its
    sqlite database each time a process opens it, so a new process needs a little free space even
    to read. A question falls back to keyword search (the ``dense search unavailable`` flag); an
    ingest stops with the live index unchanged."""


__all__ = [
    "RagError",
    "IndexNotFound",
    "IndexCorrupt",
    "IndexOutdated",
    "VectorStoreUnavailable",
    "CorpusBusy",
    "QuestionError",
    "UploadRejected",
    "DiskFull",
    "VectorStoreDiskFull",
    "NameConflict",
    "ArticleNotFound",
]


class NameConflict(UploadRejected):
    """Uploads whose names already exist in the corpus, with ``on_conflict="ask"``; nothing was
    changed. ``names`` lists them; upload again with replace, keep_both or cancel."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            f"the corpus already has an article named {', '.join(names)}: "
            "choose to replace it, keep both (the upload is renamed) or cancel; nothing was changed"
        )


class ArticleNotFound(RagError, FileNotFoundError):
    """The article to remove is not a file of the corpus folder; nothing was changed."""
