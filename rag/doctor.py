"""``rag doctor``: check that the index is whole and consistent, and repair it from the corpus.

    >>> from rag.doctor import check, repair                  # doctest: +SKIP
    >>> report = check(Settings.from_env())                   # doctest: +SKIP
    >>> print(report.summary())                               # doctest: +SKIP
    index .rag, snapshot 20261201-221500-...: 5 articles, 38 chunks, 38 vectors (3 sampled)
    ok: no problem found

What is checked, cheapest first:

1. the live snapshot exists and its manifest can be read;
2. its format is the one this version writes, and its tokens were made by the current analyzer;
3. every file of the snapshot matches the sha256 the manifest holds for it, and parses;
4. the keyword (BM25) index lists exactly the snapshot's chunks, and finds a sample of chunks by
   their own tokens;
5. the vector store answers, holds a vector for every chunk of the snapshot (count and id set)
   with the chunk's text, and a sample of stored vectors matches a fresh embedding of its text
   (cosine > 0.99).

:func:`repair` rebuilds what is broken with an ingest (a new snapshot written beside the live one,
then switched atomically: the last good snapshot is deleted only once the new one is complete).
It re-embeds only the chunks whose vector is missing or wrong, and rebuilds the keyword index.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np

from rag.errors import DiskFull, IndexCorrupt, IndexOutdated, VectorStoreUnavailable
from rag.index import (
    SNAPSHOT_FORMAT,
    Snapshot,
    checksum_problems,
    current_name,
    load_snapshot,
    read_manifest,
    snapshot_folder,
)
from rag.keyword import KeywordIndex
from rag.settings import Settings
from rag.types import IngestReport

log = logging.getLogger(__name__)

REPAIR = "rag doctor --repair"
INGEST = "rag ingest"
MIN_COSINE = 0.99


class Kind(Enum):
    """What a finding is about."""

    NO_INDEX = "no index"
    SNAPSHOT_DAMAGED = "snapshot damaged"
    NO_CHECKSUMS = "no checksums"
    FORMAT_OUTDATED = "format outdated"
    ANALYZER_OUTDATED = "analyzer outdated"
    MODEL_CHANGED = "embedding model changed"
    KEYWORD_MISMATCH = "keyword index mismatch"
    STORE_UNAVAILABLE = "vector store unavailable"
    STORE_DAMAGED = "vector store damaged"
    VECTORS_MISSING = "vectors missing"
    VECTORS_DIFFER = "vectors differ"
    EXTRA_VECTORS = "extra vectors"


class Severity(Enum):
    PROBLEM = "problem"  # answers are wrong, incomplete or impossible until it is fixed
    NOTE = "note"  # harmless; tidied by the next ingest


@dataclass(frozen=True)
class Finding:
    kind: Kind
    severity: Severity
    message: str  # what is wrong, in plain words
    fix: str = ""  # the command to run ("" when nothing needs doing)
    repairable: bool = True  # whether `rag doctor --repair` can fix it without the user

    def __str__(self) -> str:
        run = f" Run: {self.fix}" if self.fix else ""
        return f"{self.severity.value}: {self.message}.{run}"


@dataclass
class DoctorReport:
    index_dir: Path
    snapshot: str = ""
    articles: int = 0
    chunks: int = 0
    vectors: int = 0  # vectors of the snapshot's chunks found in the store
    sampled: int = 0  # stored vectors compared with a fresh embedding
    findings: list[Finding] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.PROBLEM]

    @property
    def repairable(self) -> bool:
        return any(f.repairable for f in self.problems)

    def add(self, kind: Kind, message: str, fix: str = REPAIR, severity: Severity = Severity.PROBLEM,
            repairable: bool = True) -> None:  # fmt: skip
        self.findings.append(Finding(kind, severity, message, fix, repairable))

    def summary(self) -> str:
        head = f"index {self.index_dir}"
        if self.snapshot:
            head += (f", snapshot {self.snapshot}: {self.articles} articles, {self.chunks} chunks, "
                     f"{self.vectors} vectors ({self.sampled} sampled)")  # fmt: skip
        lines = [head] + [str(f) for f in self.findings]
        if self.healthy:
            lines.append("ok: no problem found")
        return "\n".join(lines)


@dataclass
class RepairResult:
    before: DoctorReport
    after: DoctorReport
    ingest: IngestReport | None = None  # None when nothing needed repairing
    moved_aside: Path | None = None  # a damaged embedded vector store, renamed (not deleted)

    def summary(self) -> str:
        lines = [self.before.summary()]
        if self.moved_aside:
            lines.append(f"moved the damaged vector store aside to {self.moved_aside} (delete it when done)")
        if self.ingest is not None:
            lines += ["repair: " + self.ingest.summary(), "after repair: " + self.after.summary()]
        return "\n".join(lines)


def check(settings: Settings, sample: int = 3) -> DoctorReport:
    """Check the index of ``settings`` (see the module's docstring); never raises for a damaged
    index: every problem is a finding."""
    index_dir = Path(settings.index_dir)
    report = DoctorReport(index_dir)
    name = current_name(index_dir)
    if not name:
        report.add(Kind.NO_INDEX, f"nothing has been ingested into {index_dir} yet", INGEST)
        return report
    report.snapshot = name
    if not snapshot_folder(index_dir, name).is_dir():
        report.add(Kind.SNAPSHOT_DAMAGED, f"CURRENT names snapshot {name}, which does not exist")
        return report
    try:
        manifest = read_manifest(index_dir, name)
    except IndexCorrupt as exc:
        report.add(Kind.SNAPSHOT_DAMAGED, str(exc).split(": run")[0])
        return report
    if manifest.get("format") != SNAPSHOT_FORMAT:
        report.add(Kind.FORMAT_OUTDATED, f"the snapshot has format {manifest.get('format')}, this version "
                   f"writes {SNAPSHOT_FORMAT}: it is rebuilt from the corpus", INGEST)  # fmt: skip
        return report
    checksums = manifest.get("checksums") or {}
    if not checksums:
        report.add(Kind.NO_CHECKSUMS, "the snapshot was written before checksums existed, so its files "
                   "cannot be verified", INGEST, Severity.NOTE)  # fmt: skip
    for problem in checksum_problems(index_dir, name, checksums):
        report.add(Kind.SNAPSHOT_DAMAGED, f"snapshot file {problem}")
    if report.problems:
        return report
    try:
        snap = load_snapshot(index_dir, keyword=False)
    except (IndexCorrupt, IndexOutdated) as exc:
        report.add(Kind.SNAPSHOT_DAMAGED, str(exc).split(": run")[0])
        return report
    assert snap is not None  # CURRENT exists
    report.articles, report.chunks = len(snap.files), len(snap.chunks)
    _check_analyzer(snap, report)
    _check_keyword(snap, index_dir, report, sample)
    if snap.model != settings.embedding_model:
        report.add(Kind.MODEL_CHANGED, f"the index was embedded with {snap.model}, the settings name "
                   f"{settings.embedding_model}: every chunk is re-embedded", INGEST)  # fmt: skip
        return report
    if snap.backend != settings.embedding_backend:
        report.add(Kind.MODEL_CHANGED, f"the index was embedded by the {snap.backend} backend, the settings "
                   f"name {settings.embedding_backend}: every chunk is re-embedded", INGEST)  # fmt: skip
        return report
    _check_vectors(snap, settings, report, sample)
    return report


def _check_analyzer(snap: Snapshot, report: DoctorReport) -> None:
    from rag.tokens import analyzer_version

    if snap.analyzer != analyzer_version():
        report.add(Kind.ANALYZER_OUTDATED, "the keyword tokens were made by another version of the "
                   "analyzer (stemmer, stop words or synonyms changed), so keyword search misses "
                   "matches: they are re-made without re-embedding", INGEST)  # fmt: skip


def _check_keyword(snap: Snapshot, index_dir: Path, report: DoctorReport, sample: int) -> None:
    try:
        keyword = KeywordIndex.load(snapshot_folder(index_dir, snap.name) / "bm25")
    except Exception as exc:  # bm25s and numpy raise many types for a damaged file
        report.add(Kind.KEYWORD_MISMATCH, f"the keyword index cannot be read ({type(exc).__name__}: {exc})")
        return
    if keyword.ids != list(snap.chunks):
        report.add(Kind.KEYWORD_MISMATCH, f"the keyword index lists {len(keyword.ids)} chunks, the "
                   f"snapshot has {len(snap.chunks)} (or in another order)")  # fmt: skip
        return
    lost = []
    for cid in _sample(list(snap.chunks), sample):
        tokens = sorted(set(snap.tokens[cid]))
        if tokens and cid not in {i for i, _ in keyword.search(tokens, 10)}:
            lost.append(cid)
    if lost:
        report.add(Kind.KEYWORD_MISMATCH, f"the keyword index does not find {len(lost)} sampled chunks "
                   "by their own words")  # fmt: skip


def _check_vectors(snap: Snapshot, settings: Settings, report: DoctorReport, sample: int) -> None:
    from rag.vectors import open_vector_store

    try:
        store = open_vector_store(settings, Path(settings.index_dir))
        stored_ids = store.ids()
        documents = store.documents(list(snap.chunks))
    except VectorStoreUnavailable as exc:
        fix = "free some space, then `rag doctor`" if isinstance(exc, DiskFull) else "start the Chroma server, then `rag doctor`"
        report.add(Kind.STORE_UNAVAILABLE, str(exc), fix, repairable=False)
        return
    except IndexCorrupt as exc:
        report.add(Kind.STORE_DAMAGED, str(exc).split(": run")[0])
        return
    missing = [cid for cid in snap.chunks if cid not in documents]
    differ = [cid for cid, text in documents.items() if text != snap.chunks[cid].text]
    report.vectors = len(documents)
    if missing:
        report.add(Kind.VECTORS_MISSING, f"{len(missing)} of {len(snap.chunks)} chunks have no vector in "
                   f"{store.where}, so dense search cannot find them (the vector store was lost, "
                   "replaced or is another server)")  # fmt: skip
    if differ:
        report.add(Kind.VECTORS_DIFFER, f"{len(differ)} chunks are stored with another text in {store.where}")
    extra = stored_ids - set(snap.chunks)
    if extra:
        report.add(Kind.EXTRA_VECTORS, f"{len(extra)} vectors in {store.where} belong to no chunk of the "
                   "snapshot (left by an interrupted ingest); searches ignore them and the next ingest "
                   "deletes them", "", Severity.NOTE)  # fmt: skip
    present = [cid for cid in snap.chunks if cid in documents and cid not in differ]
    picked = _sample(present, sample)
    if not picked:
        return
    try:
        stored = store.vectors(picked)
    except (VectorStoreUnavailable, IndexCorrupt) as exc:
        report.add(Kind.STORE_UNAVAILABLE, str(exc), "start the Chroma server, then `rag doctor`", repairable=False)
        return
    from rag.embed import embeddings_for
    from rag.ingestion import index_text

    embeddings = embeddings_for(settings)
    fresh = embeddings.embed_documents([index_text(snap.chunks[cid]) for cid in picked])
    report.sampled = len(picked)
    wrong = [cid for cid, vec in zip(picked, fresh, strict=True)
             if cid not in stored or cosine(stored[cid], vec) <= MIN_COSINE]  # fmt: skip
    if wrong:
        report.add(Kind.VECTORS_DIFFER, f"{len(wrong)} of {len(picked)} sampled stored vectors do not match "
                   f"a fresh embedding of their text (cosine <= {MIN_COSINE})")  # fmt: skip


def cosine(a: list[float], b: list[float]) -> float:
    va, vb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denominator = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb) / denominator if denominator else 0.0


def _sample(items: list[str], n: int) -> list[str]:
    """``n`` items spread evenly over the list (deterministic)."""
    if n <= 0 or not items:
        return []
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def repair(settings: Settings, progress: bool = False, sample: int = 3) -> RepairResult:
    """Check, rebuild what is broken from the corpus (an ingest inside the atomic snapshot
    switch), and check again. A damaged embedded vector store is renamed aside, never deleted."""
    from rag.ingestion import run_ingest
    from rag.vectors import forget_embedded_clients

    before = check(settings, sample)
    if not before.problems or not before.repairable:
        return RepairResult(before, before)
    moved = None
    if any(f.kind is Kind.STORE_DAMAGED for f in before.problems) and not settings.chroma_url:
        folder = Path(settings.index_dir) / "chroma"
        moved = folder.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        folder.rename(moved)
        forget_embedded_clients()
        log.warning("moved the damaged vector store %s aside to %s", folder, moved)
    ingest_report = run_ingest(settings, progress)
    return RepairResult(before, check(settings, sample), ingest_report, moved)
