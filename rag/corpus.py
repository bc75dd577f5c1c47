"""Corpus changes as transactions: upload and remove articles so that the corpus folder and the
live index always agree.

Each change takes the index lock first (:class:`~rag.errors.CorpusBusy` while an ingest or another
change runs, before any file is touched), changes the corpus folder, ingests, and puts the files
back if the ingest fails before its commit point. The CLI and the UI both call these functions.

    >>> from rag.corpus import OnConflict, add_articles, remove_article   # doctest: +SKIP
    >>> change = add_articles([Path("rilis.txt")], settings, OnConflict.KEEP_BOTH)  # doctest: +SKIP
    >>> change.stored, change.duplicates                                  # doctest: +SKIP
    ({'rilis.txt': 'rilis-2.txt'}, {})
    >>> remove_article("rilis-2.txt", settings).removed                   # doctest: +SKIP
    ['rilis-2.txt']
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePosixPath

from rag.errors import ArticleNotFound, NameConflict, UploadRejected
from rag.index import current_name
from rag.ingestion import ProgressCallback, index_lock, prepare_article, run_ingest
from rag.load import UnreadableFile, file_hash, list_corpus
from rag.settings import Settings
from rag.types import IngestReport

log = logging.getLogger(__name__)


class OnConflict(str, Enum):
    """What an upload does when the corpus already has a file of the same name."""

    ASK = "ask"  # change nothing and raise NameConflict listing the names
    REPLACE = "replace"  # the upload replaces the existing article
    KEEP_BOTH = "keep_both"  # the upload is stored under a free name: name-2.txt, name-3.txt...
    CANCEL = "cancel"  # the conflicting uploads are left out; the others are added


@dataclass
class CorpusChange:
    """What a corpus change did. ``report`` is the ingest's, or None when nothing changed."""

    stored: dict[str, str] = field(default_factory=dict)  # upload name -> name in the corpus
    replaced: list[str] = field(default_factory=list)  # existing articles an upload replaced
    duplicates: dict[str, str] = field(default_factory=dict)  # upload name -> article with that content
    skipped: list[str] = field(default_factory=list)  # name conflicts left out (cancel)
    removed: list[str] = field(default_factory=list)
    report: IngestReport | None = None

    @property
    def changed(self) -> bool:
        return self.report is not None

    def summary(self) -> str:
        parts = []
        if self.stored:
            parts.append("added " + ", ".join(_renaming(up, name) for up, name in self.stored.items()))
        if self.replaced:
            parts.append("replaced " + ", ".join(self.replaced))
        if self.duplicates:
            parts.append("not added, same content already in the corpus: " + ", ".join(
                f"{up} (as {src})" for up, src in self.duplicates.items()
            ))  # fmt: skip
        if self.skipped:
            parts.append("not added, the name exists: " + ", ".join(self.skipped))
        if self.removed:
            parts.append("removed " + ", ".join(self.removed))
        if self.report is not None:
            parts.append(f"{self.report.chunks} chunks in the index")
        return "; ".join(parts) or "nothing changed"


def _renaming(upload: str, name: str) -> str:
    return upload if upload == name else f"{upload} as {name}"


def check_upload_name(name: str) -> None:
    """Refuse names that would never be indexed or could leave the corpus folder."""
    if not name or name in (".", ".."):
        raise UploadRejected("the file has no name")
    if name.startswith("."):
        raise UploadRejected(f"{name}: a name starting with '.' is a hidden file that is never indexed; rename it")
    if "/" in name or "\\" in name or any(ord(ch) < 32 for ch in name):
        raise UploadRejected(f"{name!r}: the name contains a path separator or control characters; rename it")


@dataclass(frozen=True)
class _Upload:
    path: Path
    name: str
    sha256: str


def _check_upload(path: Path, settings: Settings) -> _Upload:
    check_upload_name(path.name)
    try:
        article = prepare_article(path, path.parent, settings)
    except UnreadableFile as exc:
        raise UploadRejected(f"{path.name}: {exc}") from exc
    except OSError as exc:
        raise UploadRejected(f"{path.name}: cannot read: {exc.strerror or exc}") from exc
    return _Upload(path, path.name, article.sha256)


def _corpus_hashes(corpus: Path, sizes: set[int]) -> dict[str, str]:
    """sha256 -> source of the corpus files that could equal an upload (same size)."""
    found: dict[str, str] = {}
    for path in list_corpus(corpus):
        try:
            if path.stat().st_size in sizes:
                found.setdefault(file_hash(path.read_bytes()), path.relative_to(corpus).as_posix())
        except OSError:
            continue
    return found


def _free_name(name: str, taken: set[str]) -> str:
    stem, suffix = os.path.splitext(name)
    n = 2
    while f"{stem}-{n}{suffix}" in taken:
        n += 1
    return f"{stem}-{n}{suffix}"


class _FileTransaction:
    """File changes in the corpus folder that can be undone. Replaced and removed files wait in a
    hidden folder of the corpus (never indexed: its name starts with '.') until the change ends."""

    def __init__(self, corpus: Path):
        self.corpus = corpus
        self.aside = Path(tempfile.mkdtemp(prefix=".rag-change-", dir=corpus))
        self.created: list[Path] = []
        self.moved: list[tuple[Path, Path]] = []  # (original place, where it waits)

    def put(self, source: Path, name: str) -> None:
        target = self.corpus / name
        staged = self.aside / f"new-{len(self.created)}"
        shutil.copyfile(source, staged)
        if target.exists() or target.is_symlink():
            self.remove(target)
        os.replace(staged, target)  # the article appears whole
        self.created.append(target)

    def remove(self, target: Path) -> None:
        waiting = self.aside / f"old-{len(self.moved)}"
        os.replace(target, waiting)
        self.moved.append((target, waiting))

    def rollback(self) -> None:
        for path in reversed(self.created):
            path.unlink(missing_ok=True)
        for original, waiting in reversed(self.moved):
            os.replace(waiting, original)
        self.created, self.moved = [], []

    def close(self) -> None:
        shutil.rmtree(self.aside, ignore_errors=True)


def _ingest_or_rollback(settings: Settings, txn: _FileTransaction, progress: bool | ProgressCallback) -> IngestReport:
    """Ingest the changed corpus; if the ingest fails before its commit point, undo the file changes."""
    index_dir = Path(settings.index_dir)
    live = current_name(index_dir)
    try:
        return run_ingest(settings, progress)
    except BaseException:
        if current_name(index_dir) == live:  # the old index is still live: make the corpus match it
            txn.rollback()
            log.warning("ingest failed: the corpus change was undone")
        raise
    finally:
        txn.close()


def add_articles(
    files: Sequence[Path],
    settings: Settings,
    on_conflict: OnConflict | str = OnConflict.ASK,
    progress: bool | ProgressCallback = False,
) -> CorpusChange:
    """Check every file, copy the good ones into the corpus folder and ingest, as one transaction.

    Nothing is copied when an ingest runs (CorpusBusy), when a file cannot become an article
    (UploadRejected, with the reason: hidden name, wrong type, empty, binary, too large...) or when
    a name exists and ``on_conflict`` is ``"ask"`` (NameConflict). A file whose content is already
    in the corpus, under any name, is reported in ``duplicates`` and not added twice. The caller's
    files are left where they are."""
    policy = OnConflict(on_conflict)
    corpus, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    with index_lock(index_dir):
        uploads = [_check_upload(Path(f), settings) for f in files]
        change = CorpusChange()
        known = _corpus_hashes(corpus, {u.path.stat().st_size for u in uploads})
        taken = {p.name for p in corpus.iterdir()}
        planned: list[tuple[Path, str]] = []
        conflicts: list[str] = []
        for up in uploads:
            if up.sha256 in known:
                change.duplicates[up.name] = known[up.sha256]
                continue
            name = up.name
            if name in taken:
                conflicts.append(name)
                replaceable = (corpus / name).is_file() and name not in change.stored.values()
                if policy in (OnConflict.ASK, OnConflict.CANCEL):
                    change.skipped.append(name)
                    continue
                if policy is OnConflict.REPLACE and replaceable:
                    change.replaced.append(name)
                else:
                    name = _free_name(name, taken)
            taken.add(name)
            known[up.sha256] = name
            change.stored[up.name] = name
            planned.append((up.path, name))
        if policy is OnConflict.ASK and conflicts:
            raise NameConflict(conflicts)
        if planned:
            txn = _FileTransaction(corpus)
            for path, name in planned:
                txn.put(path, name)
            change.report = _ingest_or_rollback(settings, txn, progress)
    log.info("upload: %s", change.summary())
    return change


def remove_article(source: str, settings: Settings, progress: bool | ProgressCallback = False) -> CorpusChange:
    """Delete exactly this article (its path relative to the corpus folder, as listed by
    ``Pipeline.articles()``) from the corpus folder and from the index, as one transaction.
    Raises ArticleNotFound when it is not an article of the corpus, CorpusBusy while an ingest runs;
    in both cases nothing is changed."""
    corpus, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    with index_lock(index_dir):
        path = _article_path(corpus, source)
        txn = _FileTransaction(corpus)
        txn.remove(path)
        change = CorpusChange(removed=[source])
        change.report = _ingest_or_rollback(settings, txn, progress)
    log.info("remove: %s", change.summary())
    return change


def _article_path(corpus: Path, source: str) -> Path:
    rel = PurePosixPath(source or "")
    hidden_or_outside = rel.is_absolute() or any(part.startswith(".") for part in rel.parts)
    path = corpus / rel
    if not source or hidden_or_outside or not path.is_file():
        raise ArticleNotFound(f"there is no article {source!r} in {corpus}: nothing was removed")
    return path


__all__ = [
    "OnConflict", "NameConflict", "ArticleNotFound", "CorpusChange", "add_articles", "remove_article",
    "check_upload_name",
]  # fmt: skip
