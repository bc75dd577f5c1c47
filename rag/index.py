"""The persisted index: a snapshot (manifest, chunk store, BM25) beside the Chroma vectors.

Layout of the index folder::

    CURRENT               name of the live snapshot, replaced atomically at the end of an ingest
    snapshots/<name>/     manifest.json, chunks.jsonl, facts.jsonl, bm25/
    chroma/               embedded Chroma (unused when a Chroma server is configured)

An ingest writes a complete new snapshot and only then points ``CURRENT`` at it, so an interrupted
ingest leaves the previous snapshot live. Vectors are keyed by chunk id; readers ignore vectors
whose id is not in the live snapshot, and the next ingest deletes them.

The manifest holds the sha256 of every other file of its snapshot and the version of the analysis
that made the tokens (:func:`rag.tokens.analyzer_version`). Loading checks the checksums: a
damaged or truncated file raises :class:`~rag.errors.IndexCorrupt` (``rag doctor --repair``),
never a parser's traceback.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.crashpoints import crash_point
from rag.deployments import Fact, from_record, to_record
from rag.errors import DiskFull, IndexCorrupt, IndexOutdated
from rag.keyword import KeywordIndex
from rag.types import ArticleMeta, Chunk

# 2: tokens canonicalised with the synonym groups of rag/knowledge (format 1 used rag/resources).
SNAPSHOT_FORMAT = 2


@dataclass
class FileRecord:
    sha256: str
    chunk_ids: list[str]
    meta: ArticleMeta


@dataclass
class Snapshot:
    """Everything but the vectors: which files are indexed, their chunks, and the BM25 index."""

    model: str
    backend: str = "torch"  # the embedding backend of its vectors (indexes before backends: torch)
    files: dict[str, FileRecord] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    tokens: dict[str, list[str]] = field(default_factory=dict)  # analysed tokens per chunk id
    keyword: KeywordIndex | None = None
    name: str = ""
    analyzer: str = ""  # rag.tokens.analyzer_version() of the tokens ("" when unknown)
    chunking: str = ""  # rag.ingestion.ChunkPolicy.signature of the chunks ("" when unknown)
    checksums: dict[str, str] = field(default_factory=dict)  # file in the snapshot -> sha256
    facts: dict[str, list[Fact]] = field(default_factory=dict)  # deployment facts per article
    facts_version: str = ""  # rag.deployments.extractor_version() of the facts ("": none yet)

    def build_keyword_index(self) -> None:
        ids = list(self.chunks)
        self.keyword = KeywordIndex.build(ids, [self.tokens[i] for i in ids])

    def document_frequency(self) -> Counter:
        """In how many chunks each analysed token occurs."""
        df: Counter = Counter()
        for toks in self.tokens.values():
            df.update(set(toks))
        return df


def current_name(index_dir: Path) -> str:
    try:
        return (index_dir / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return ""


def snapshot_folder(index_dir: Path, name: str) -> Path:
    return index_dir / "snapshots" / name


def _damaged(index_dir: Path, what: str) -> IndexCorrupt:
    return IndexCorrupt(f"the index in {index_dir} is damaged ({what}): run `rag doctor --repair`")


def read_manifest(index_dir: Path, name: str) -> dict[str, Any]:
    """The parsed manifest of snapshot ``name`` (raises IndexCorrupt when missing or unreadable)."""
    path = snapshot_folder(index_dir, name) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _damaged(index_dir, f"{path.name} of snapshot {name} is missing") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(index_dir, f"{path.name} of snapshot {name} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise _damaged(index_dir, f"{path.name} of snapshot {name} has no file list")
    return manifest


def _records(index_dir: Path, manifest: dict[str, Any]) -> dict[str, FileRecord]:
    try:
        return {
            src: FileRecord(rec["sha256"], list(rec["chunk_ids"]), ArticleMeta(**rec["meta"]))
            for src, rec in manifest["files"].items()
        }
    except (KeyError, TypeError) as exc:
        raise _damaged(index_dir, f"a file record of the manifest is incomplete: {exc}") from exc


def read_files(index_dir: Path) -> dict[str, FileRecord]:
    """The indexed files and their metadata, from the live manifest only (cheap)."""
    name = current_name(index_dir)
    if not name:
        return {}
    return _records(index_dir, read_manifest(index_dir, name))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot_files(folder: Path) -> Iterator[Path]:
    """Every file of a snapshot folder except the manifest, sorted."""
    return iter(sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"))


def checksum_problems(index_dir: Path, name: str, checksums: dict[str, str]) -> list[str]:
    """Files of snapshot ``name`` that are missing or differ from their checksum, in words."""
    folder = snapshot_folder(index_dir, name)
    problems = []
    for rel, expected in sorted(checksums.items()):
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif file_sha256(path) != expected:
            problems.append(f"{rel} does not match its checksum (truncated or changed)")
    return problems


def load_snapshot(index_dir: Path, keyword: bool = True, facts: bool = True) -> Snapshot | None:
    """The live snapshot, or None when nothing has been ingested yet.

    Raises IndexOutdated for an older format and IndexCorrupt for a missing, damaged or changed
    file. ``keyword=False`` skips the BM25 files (the ingest rebuilds them anyway); ``facts=False``
    leaves the facts table on disk (:func:`read_facts` reads it when needed)."""
    name = current_name(index_dir)
    if not name:
        return None
    folder = snapshot_folder(index_dir, name)
    if not folder.is_dir():
        raise _damaged(index_dir, f"CURRENT names snapshot {name}, which does not exist")
    manifest = read_manifest(index_dir, name)
    if manifest.get("format") != SNAPSHOT_FORMAT:
        raise IndexOutdated(
            f"index at {index_dir} has format {manifest.get('format')} (this version writes {SNAPSHOT_FORMAT}): "
            "run `rag ingest` to rebuild it"
        )
    checksums = manifest.get("checksums") or {}
    if not keyword:
        checksums = {k: v for k, v in checksums.items() if not k.startswith("bm25/")}
    problems = checksum_problems(index_dir, name, checksums)
    if problems:
        raise _damaged(index_dir, "; ".join(problems))
    snap = Snapshot(model=str(manifest.get("model", "")), backend=str(manifest.get("embedding_backend", "torch")), name=name, analyzer=str(manifest.get("analyzer", "")),
                    chunking=str(manifest.get("chunking", "")), facts_version=str(manifest.get("facts", "")),
                    checksums=dict(manifest.get("checksums") or {}))  # fmt: skip
    snap.files = _records(index_dir, manifest)
    if facts:
        snap.facts = _read_facts(index_dir, folder, snap.facts_version)
    number = 0
    try:
        with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                number += 1
                row = json.loads(line)
                meta = snap.files[row["source"]].meta
                snap.chunks[row["id"]] = Chunk(row["id"], row["source"], row["position"], row["text"], meta)
                snap.tokens[row["id"]] = row["tokens"]
    except FileNotFoundError as exc:
        raise _damaged(index_dir, "chunks.jsonl is missing") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise _damaged(index_dir, f"chunks.jsonl line {number + 1 if isinstance(exc, UnicodeDecodeError) else number} cannot be read: {exc}") from exc
    listed = {cid for rec in snap.files.values() for cid in rec.chunk_ids}
    if listed != set(snap.chunks):
        raise _damaged(index_dir, f"chunks.jsonl holds {len(snap.chunks)} chunks, the manifest lists {len(listed)}")
    if keyword:
        try:
            snap.keyword = KeywordIndex.load(folder / "bm25")
        except Exception as exc:  # bm25s and numpy raise many types for a damaged file
            raise _damaged(index_dir, f"the keyword index cannot be read: {type(exc).__name__}: {exc}") from exc
        if snap.keyword.ids != list(snap.chunks):
            raise _damaged(index_dir, "the keyword index does not list the snapshot's chunks")
    return snap


def _read_facts(index_dir: Path, folder: Path, version: str) -> dict[str, list[Fact]]:
    """The facts table of a snapshot (empty for snapshots made before it: the ingest makes it)."""
    facts: dict[str, list[Fact]] = {}
    if not version:
        return facts
    number = 0
    try:
        with (folder / "facts.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                number += 1
                fact = from_record(json.loads(line))
                facts.setdefault(fact.source, []).append(fact)
    except FileNotFoundError as exc:
        raise _damaged(index_dir, "facts.jsonl is missing") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise _damaged(index_dir, f"facts.jsonl line {number} cannot be read: {exc}") from exc
    return facts


def read_facts(index_dir: Path, name: str = "") -> list[Fact]:
    """Every fact of the live snapshot (or of snapshot ``name``), without loading chunks or the
    keyword index. Raises IndexOutdated for a snapshot made before the facts table."""
    name = name or current_name(index_dir)
    if not name:
        return []
    manifest = read_manifest(index_dir, name)
    if not manifest.get("facts"):
        raise IndexOutdated(f"the index at {index_dir} has no deployment facts table yet: run `rag ingest`")
    problems = checksum_problems(index_dir, name, {k: v for k, v in (manifest.get("checksums") or {}).items()
                                                   if k == "facts.jsonl"})  # fmt: skip
    if problems:
        raise _damaged(index_dir, "; ".join(problems))
    facts = _read_facts(index_dir, snapshot_folder(index_dir, name), str(manifest.get("facts", "")))
    return [f for source in sorted(facts) for f in facts[source]]


def write_snapshot(index_dir: Path, snap: Snapshot) -> str:
    """Write ``snap`` as a new snapshot folder, then switch ``CURRENT`` to it atomically.

    The previous snapshot is deleted only after the switch. A full disk raises DiskFull and
    leaves the previous snapshot live."""
    try:
        return _write_snapshot(index_dir, snap)
    except OSError as exc:
        for leftover in (index_dir / "snapshots").glob(".tmp-*"):  # this run's half-written folder
            shutil.rmtree(leftover, ignore_errors=True)
        if exc.errno == errno.ENOSPC:
            raise DiskFull(
                f"no space left on the device while writing the index in {index_dir}; the previous "
                "index is unchanged and still answers: free some space and run `rag ingest` again"
            ) from exc
        raise


def _write_snapshot(index_dir: Path, snap: Snapshot) -> str:
    root = index_dir / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    tmp = root / f".tmp-{name}"
    crash_point("snapshot: create folder")
    tmp.mkdir()
    rows = (
        json.dumps(
            {"id": c.id, "source": c.source, "position": c.position, "text": c.text,
             "tokens": snap.tokens[c.id]},
            ensure_ascii=False,
        )
        for c in snap.chunks.values()
    )  # fmt: skip
    crash_point("snapshot: write chunks.jsonl")
    _write(tmp / "chunks.jsonl", "\n".join(rows) + "\n")
    crash_point("snapshot: write facts.jsonl")
    facts = [json.dumps(to_record(f), ensure_ascii=False) for src in sorted(snap.facts) for f in snap.facts[src]]
    _write(tmp / "facts.jsonl", "".join(f"{line}\n" for line in facts))
    if snap.keyword is None:
        snap.build_keyword_index()
    crash_point("snapshot: write keyword index")
    snap.keyword.save(tmp / "bm25")
    for path in snapshot_files(tmp / "bm25"):
        crash_point("snapshot: flush a keyword index file")
        _fsync_file(path)
    snap.checksums = {p.relative_to(tmp).as_posix(): file_sha256(p) for p in snapshot_files(tmp)}
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "model": snap.model,
        "embedding_backend": snap.backend,
        "analyzer": snap.analyzer,
        "chunking": snap.chunking,
        "facts": snap.facts_version,
        "checksums": snap.checksums,
        "files": {
            s: {"sha256": r.sha256, "chunk_ids": r.chunk_ids, "meta": vars(r.meta)}
            for s, r in sorted(snap.files.items())
        },
    }
    crash_point("snapshot: write manifest.json")
    _write(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    _fsync_dir(tmp)
    final = root / name
    crash_point("snapshot: rename folder")
    os.replace(tmp, final)
    _fsync_dir(root)
    pointer = index_dir / ".CURRENT.tmp"
    crash_point("snapshot: write CURRENT.tmp")
    _write(pointer, name)
    crash_point("snapshot: switch CURRENT")
    os.replace(pointer, index_dir / "CURRENT")  # the commit point
    _fsync_dir(index_dir)
    snap.name = name
    crash_point("snapshot: delete old snapshots")
    for old in root.iterdir():  # older snapshots and leftovers of interrupted runs
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
            crash_point("snapshot: deleted one old snapshot")
    return name


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
