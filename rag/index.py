"""The persisted index: a snapshot (manifest, chunk store, BM25) beside the Chroma vectors.

Layout of the index folder::

    CURRENT               name of the live snapshot, replaced atomically at the end of an ingest
    snapshots/<name>/     manifest.json, chunks.jsonl, bm25/
    chroma/               embedded Chroma (unused when a Chroma server is configured)

An ingest writes a complete new snapshot and only then points ``CURRENT`` at it, so an interrupted
ingest leaves the previous snapshot live. Vectors are keyed by chunk id; readers ignore vectors
whose id is not in the live snapshot, and the next ingest deletes them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import IndexOutdated
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
    files: dict[str, FileRecord] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    tokens: dict[str, list[str]] = field(default_factory=dict)  # analysed tokens per chunk id
    keyword: KeywordIndex | None = None
    name: str = ""

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


def read_files(index_dir: Path) -> dict[str, FileRecord]:
    """The indexed files and their metadata, from the live manifest only (cheap)."""
    name = current_name(index_dir)
    if not name:
        return {}
    manifest = json.loads((index_dir / "snapshots" / name / "manifest.json").read_text())
    return {
        src: FileRecord(rec["sha256"], rec["chunk_ids"], ArticleMeta(**rec["meta"]))
        for src, rec in manifest["files"].items()
    }


def load_snapshot(index_dir: Path) -> Snapshot | None:
    """The live snapshot, or None when nothing has been ingested yet."""
    name = current_name(index_dir)
    if not name:
        return None
    folder = index_dir / "snapshots" / name
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("format") != SNAPSHOT_FORMAT:
        raise IndexOutdated(
            f"index at {index_dir} has format {manifest.get('format')} (this version writes {SNAPSHOT_FORMAT}): "
            "run `rag ingest` to rebuild it"
        )
    snap = Snapshot(model=manifest["model"], name=name)
    for source, rec in manifest["files"].items():
        snap.files[source] = FileRecord(rec["sha256"], rec["chunk_ids"], ArticleMeta(**rec["meta"]))
    with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            meta = snap.files[row["source"]].meta
            snap.chunks[row["id"]] = Chunk(row["id"], row["source"], row["position"], row["text"], meta)
            snap.tokens[row["id"]] = row["tokens"]
    snap.keyword = KeywordIndex.load(folder / "bm25")
    return snap


def write_snapshot(index_dir: Path, snap: Snapshot) -> str:
    """Write ``snap`` as a new snapshot folder, then switch ``CURRENT`` to it atomically."""
    root = index_dir / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    tmp = root / f".tmp-{name}"
    tmp.mkdir()
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "model": snap.model,
        "files": {
            s: {"sha256": r.sha256, "chunk_ids": r.chunk_ids, "meta": vars(r.meta)}
            for s, r in sorted(snap.files.items())
        },
    }
    _write(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    rows = (
        json.dumps(
            {"id": c.id, "source": c.source, "position": c.position, "text": c.text,
             "tokens": snap.tokens[c.id]},
            ensure_ascii=False,
        )
        for c in snap.chunks.values()
    )  # fmt: skip
    _write(tmp / "chunks.jsonl", "\n".join(rows) + "\n")
    if snap.keyword is None:
        snap.build_keyword_index()
    snap.keyword.save(tmp / "bm25")
    final = root / name
    os.replace(tmp, final)
    _fsync_dir(root)
    pointer = index_dir / ".CURRENT.tmp"
    _write(pointer, name)
    os.replace(pointer, index_dir / "CURRENT")  # the commit point
    _fsync_dir(index_dir)
    snap.name = name
    for old in root.iterdir():  # older snapshots and leftovers of interrupted runs
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return name


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
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
