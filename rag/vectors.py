"""The Chroma vector store: embedded (a folder) by default, a Chroma server when a URL is set.

Every call to a Chroma server is bounded by ``settings.chroma_timeout`` seconds: chromadb's HTTP
client has no timeout of its own, so the call runs in a daemon thread and the caller stops
waiting when the time is up. A server that failed or froze is not asked again for
``settings.chroma_retry_after`` seconds (each question would otherwise wait the whole timeout);
every failure is a :class:`~rag.errors.VectorStoreUnavailable` with a sentence that says what to do.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar
from urllib.parse import urlparse

from rag.errors import DiskFull, IndexCorrupt, VectorStoreDiskFull, VectorStoreUnavailable
from rag.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)
T = TypeVar("T")
_BATCH = 5000  # ids per get/delete request
_WRITES = {"write vectors", "delete vectors"}  # operations (``what``) that change the store
# Free space under which an unexplained failure of the embedded store is taken for a full disk.
NEARLY_FULL_BYTES = 64 << 20


def collection_name(settings: Settings) -> str:
    """One collection per embedding model and backend: vectors of two models, or of one model
    run by two backends, never mix. (torch keeps the name it had before backends existed, so
    its older indexes stay valid.)"""
    identity = settings.embedding_model
    if settings.embedding_backend != "torch":
        identity += f"|{settings.embedding_backend}"
    digest = hashlib.sha1(identity.encode()).hexdigest()[:8]
    return f"{settings.collection}-{digest}"


@dataclass
class _Outcome(Generic[T]):
    value: T | None = None
    error: BaseException | None = None
    done: bool = False


def call_with_timeout(fn: Callable[[], T], seconds: float) -> T:
    """``fn()``, or :class:`TimeoutError` after ``seconds`` (the call keeps running in a daemon
    thread, which never keeps the process alive)."""
    outcome: _Outcome[T] = _Outcome()
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.value = fn()
        except BaseException as exc:  # handed to the caller below
            outcome.error = exc
        outcome.done = True
        finished.set()

    threading.Thread(target=run, name="chroma-call", daemon=True).start()
    if not finished.wait(seconds):
        raise TimeoutError(f"no answer within {seconds:g} s")
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]


class VectorStore:
    """Our collection (one per embedding model), connected lazily.

    Ids are chunk ids; vectors are given by the caller (Chroma's own embedding function is never
    used: it would download a model)."""

    def __init__(self, settings: Settings, index_dir: Path):
        self.settings = settings
        self.index_dir = Path(index_dir)
        self.remote = bool(settings.chroma_url)
        self.where = settings.chroma_url if self.remote else str(self.index_dir / "chroma")
        self._collection: Collection | None = None
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down_reason = ""

    # -- connection -------------------------------------------------------------------------

    def _client(self) -> ClientAPI:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.remote:
            url = urlparse(self.settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
            return client
        path = self.index_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        try:
            return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except BaseException:
            # chromadb caches a folder's system before starting it: one that failed to start (a
            # full disk, a damaged database) would be handed out again, broken, for the life of
            # the process. Dropped, the next call opens the folder afresh.
            from chromadb.api.shared_system_client import SharedSystemClient

            getattr(SharedSystemClient, "_identifier_to_system", {}).pop(str(path), None)
            raise

    def _open(self) -> Collection:
        client = self._client()
        return client.get_or_create_collection(
            name=collection_name(self.settings),
            metadata={"hnsw:space": "cosine"},
            embedding_function=None,
        )

    def connect(self) -> None:
        """Open the collection now (raises VectorStoreUnavailable / IndexCorrupt)."""
        self._call("connect", lambda c: None)

    def _call(self, what: str, fn: Callable[[Collection], T]) -> T:
        now = time.monotonic()
        if self.remote and now < self._down_until:
            raise VectorStoreUnavailable(self._down_reason)

        def work() -> T:
            with self._lock:
                if self._collection is None:
                    self._collection = self._open()
                collection = self._collection
            return fn(collection)

        try:
            if self.remote:
                return call_with_timeout(work, self.settings.chroma_timeout)
            return work()
        except TimeoutError as exc:
            self._lock = threading.Lock()  # the stuck call may hold the old one forever
            self._collection = None
            raise self._unavailable(
                f"the Chroma server at {self.where} did not answer within "
                f"{self.settings.chroma_timeout:g} s ({what}); it may be frozen or overloaded: "
                "restart it, raise RAG_CHROMA_TIMEOUT, or unset RAG_CHROMA_URL"
            ) from exc
        except (VectorStoreUnavailable, IndexCorrupt, DiskFull):
            raise
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise self._disk_full(what) from exc
            raise self._failure(what, exc) from exc
        except Exception as exc:  # chromadb and httpx raise many unrelated types for one outage
            raise self._failure(what, exc) from exc

    def _failure(self, what: str, exc: Exception) -> Exception:
        if self.remote:
            self._collection = None
            return self._unavailable(
                f"the Chroma server at {self.settings.chroma_url} is not reachable ({what}: "
                f"{type(exc).__name__}: {exc}); start it with `chroma run --path DIR --port PORT` "
                "or unset RAG_CHROMA_URL"
            )
        if "no space left" in str(exc).lower() or "disk is full" in str(exc).lower():
            return self._disk_full(what)
        if isinstance(exc, sqlite3.DatabaseError) or "database" in str(exc).lower():
            return IndexCorrupt(
                f"the vector store in {self.where} cannot be read ({what}: {exc}): "
                "run `rag doctor --repair`"
            )
        if self._device_nearly_full():
            # chromadb reports a full disk met while applying its log ("Error in compaction",
            # "backfill") without the cause; the free space on the device tells it.
            log.warning("vector store %s failed (%s: %s) with its device nearly full", self.where, what, exc)
            return self._disk_full(what)
        return VectorStoreUnavailable(f"the vector store in {self.where} failed ({what}: {type(exc).__name__}: {exc})")

    def _device_nearly_full(self) -> bool:
        try:
            st = os.statvfs(self.where)
        except OSError:
            return False
        return st.f_bavail * st.f_frsize < NEARLY_FULL_BYTES

    def _disk_full(self, what: str) -> DiskFull:
        """A full disk: fatal for a write; for a read, the store is only unavailable (chromadb
        writes to its database whenever a process opens it, so a fresh process cannot even read),
        and a question falls back to keyword search."""
        if what in _WRITES:
            return DiskFull(f"no space left on the device while writing vectors to {self.where}; the "
                            "live index is unchanged and still answers: free some space and ingest again")  # fmt: skip
        return VectorStoreDiskFull(
            f"no space left on the device of {self.where}: the vector store cannot be read (Chroma "
            "writes to its database when it opens it and to apply its log); free some space (the "
            "index itself is unchanged)"
        )

    def _unavailable(self, reason: str) -> VectorStoreUnavailable:
        self._down_until = time.monotonic() + self.settings.chroma_retry_after
        self._down_reason = reason
        return VectorStoreUnavailable(reason)

    # -- operations -------------------------------------------------------------------------

    def count(self) -> int:
        return self._call("count", lambda c: c.count())

    def ids(self) -> set[str]:
        """Every id in the collection."""
        def get_all(c: Collection) -> set[str]:
            out: set[str] = set()
            offset = 0
            while True:
                got = c.get(include=[], limit=_BATCH, offset=offset)["ids"]
                out.update(got)
                if len(got) < _BATCH:
                    return out
                offset += _BATCH

        return self._call("list ids", get_all)

    def documents(self, ids: Sequence[str]) -> dict[str, str]:
        """Stored text of those ids that exist."""
        out: dict[str, str] = {}
        for start in range(0, len(ids), _BATCH):
            part = list(ids[start : start + _BATCH])
            got = self._call("read documents", lambda c, p=part: c.get(ids=p, include=["documents"]))
            out.update({i: d or "" for i, d in zip(got["ids"], got["documents"] or [], strict=False)})
        return out

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of those ids that exist."""
        got = self._call("read vectors", lambda c: c.get(ids=list(ids), include=["embeddings"]))
        embeddings = got["embeddings"] if got["embeddings"] is not None else []
        return {i: [float(x) for x in v] for i, v in zip(got["ids"], embeddings, strict=False)}

    def upsert(
        self, ids: list[str], vectors: list[list[float]], documents: list[str], metadatas: list[dict[str, str | int]]
    ) -> None:
        self._call(
            "write vectors",
            lambda c: c.upsert(ids=ids, embeddings=vectors, documents=documents, metadatas=metadatas),
        )

    def query(self, vector: list[float], n: int) -> list[str]:
        """Ids of the ``n`` nearest vectors, nearest first."""
        hits = self._call("search", lambda c: c.query(query_embeddings=[vector], n_results=max(1, n), include=[]))
        return list(hits["ids"][0]) if hits["ids"] else []

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            part = list(ids[start : start + _BATCH])
            self._call("delete vectors", lambda c, p=part: c.delete(ids=p))


def open_vector_store(settings: Settings, index_dir: Path) -> VectorStore:
    """The vector store for ``settings``, connected (raises VectorStoreUnavailable when a server
    cannot be reached within the timeout)."""
    store = VectorStore(settings, index_dir)
    store.connect()
    return store


def forget_embedded_clients() -> None:
    """Make the next embedded client open its folder afresh. chromadb keeps one system per folder
    for the life of the process; after the folder was moved aside or its files deleted, that
    system would still read the old database."""
    import chromadb

    chromadb.api.client.SharedSystemClient.clear_system_cache()
