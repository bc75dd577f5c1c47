"""A full disk, for real: the index lives on a small tmpfs filled to the last byte (issue 8).

Mechanism: ``mount -t tmpfs -o size=...`` (root with CAP_SYS_ADMIN, as in our containers and CI),
so every write fails with ENOSPC exactly as on a full disk. Without mount rights the tests are
skipped: ``RLIMIT_FSIZE`` is no substitute, since it limits the size of each file rather than the
free space and fails writes with EFBIG, which SQLite reports as an I/O error, not a full disk.

What a full disk does to Chroma: chromadb writes to ``chroma.sqlite3`` each time a process opens
it (a row in ``acquire_write``, so a rollback journal), and a write that met the full disk leaves
a log that every later query tries to apply. A process that opened the store before the disk
filled keeps searching; a new one cannot, and answers from keyword search with the
``dense search unavailable`` flag.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.conftest import QUESTION
from rag.api import Pipeline
from rag.doctor import Kind, check
from rag.errors import RagError
from rag.feedback import read, record
from rag.index import current_name
from rag.settings import Settings
from rag.vectors import forget_embedded_clients

ROOT = Path(__file__).resolve().parents[2]
CHANGED = "004_4de73d00fb467760.txt"  # the Banyuasin article: 616 personnel
NO_SPACE = "no space left on the device"


class SmallDisk:
    """A tmpfs of ``megabytes`` mounted at ``path``; :meth:`fill` takes all its free space."""

    def __init__(self, path: Path, megabytes: int):
        self.path = path
        self.filler = path / "filler"
        path.mkdir()
        out = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)],
                             capture_output=True, text=True)  # fmt: skip
        if out.returncode != 0:
            pytest.skip(f"a small filesystem cannot be mounted here ({out.stderr.strip() or out.returncode}): "
                        "a real full disk needs root with CAP_SYS_ADMIN for `mount -t tmpfs`; RLIMIT_FSIZE "
                        "is no substitute (EFBIG per file, reported by SQLite as an I/O error)")  # fmt: skip

    def fill(self, leave: int = 0) -> None:
        """Write until ENOSPC, then give back ``leave`` bytes."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for block in (1 << 16, 1 << 12, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * block)
                except OSError as exc:
                    assert exc.errno == 28, exc  # ENOSPC
        finally:
            os.close(fd)
        if leave:
            os.truncate(self.filler, self.filler.stat().st_size - leave)
        assert self.free() <= leave

    def free(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def empty(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        forget_embedded_clients()  # chromadb would keep files of the mount open
        if subprocess.run(["umount", str(self.path)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    small = SmallDisk(tmp_path / "disk", 16)
    yield small
    small.unmount()


@pytest.fixture
def index_on_disk(disk: SmallDisk, pristine_index: Path, seed_corpus: Path) -> Settings:
    """The ingested seed corpus with its index on the small disk (the corpus stays elsewhere)."""
    shutil.copytree(pristine_index, disk.path / "index")
    return Settings.from_env(corpus_dir=seed_corpus, index_dir=disk.path / "index")


def rag(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m rag ...`` in a process of its own, as an operator runs it."""
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={**os.environ, **(env or {})})  # fmt: skip


def errors_of(out: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in out.stderr, out.stderr
    return [line for line in out.stderr.splitlines() if line.startswith("error:")]


def ask_json(index: Path, env: dict[str, str]) -> dict:
    out = rag("ask", "--json", "--index", str(index), QUESTION, env=env)
    assert out.returncode == 0 and not errors_of(out), out.stderr
    return json.loads(out.stdout)


def cold_embedding_cache(disk: SmallDisk, settings: Settings) -> dict[str, str]:
    """An embedding cache on the small disk holding the exported ONNX model (a link to it) but
    not the remembered digest of the model files: loading the model wants to write that memo."""
    cache = disk.path / "cache"
    if settings.embedding_backend == "onnx":
        from rag.embed import model_folder, onnx_files

        ours = Path(settings.embedding_cache_dir).expanduser()
        onnx_file, _ = onnx_files(model_folder(settings.embedding_model), ours)
        if onnx_file.parent.parent == ours / "onnx":  # exported into the cache, not shipped
            (cache / "onnx").mkdir(parents=True)
            (cache / "onnx" / onnx_file.parent.name).symlink_to(onnx_file.parent)
    return {"RAG_EMBEDDING_CACHE_DIR": str(cache)}


@pytest.mark.parametrize("leave_kb", [0, 128], ids=["no-byte-free", "128KB-free"])
def test_ingest_into_a_full_disk_stops_in_one_line_and_the_live_index_answers(index_on_disk, disk, leave_kb):
    settings = index_on_disk
    index, corpus = Path(settings.index_dir), Path(settings.corpus_dir)
    env = cold_embedding_cache(disk, settings)
    live = current_name(index)
    article = corpus / CHANGED
    article.write_text(article.read_text(encoding="utf-8").replace("616", "626"), encoding="utf-8")
    # a large new article, so that 128 KB are not enough for its vectors
    big = "\n\n".join(p.read_text(encoding="utf-8").replace("Polres", "Polda") for p in sorted(corpus.glob("00*.txt")))
    (corpus / "polda.txt").write_text(big, encoding="utf-8")
    disk.fill(leave_kb * 1024)

    out = rag("ingest", "--no-progress", "--corpus", str(corpus), "--index", str(index), env=env)
    assert out.returncode == 2, out.stderr
    [error] = errors_of(out)
    assert error.startswith(f"error: {NO_SPACE}") and "free some space" in error
    assert current_name(index) == live  # the last good snapshot is still the live one
    assert [p.name for p in (index / "snapshots").iterdir()] == [live]  # no half-written snapshot left

    answer = ask_json(index, env)  # asking needs no free disk
    assert "616" in answer["text"]
    if leave_kb == 0:  # a new process cannot open Chroma on a full disk: keyword search, flagged
        assert answer["dense_search"] is False
    if not answer["dense_search"]:
        [flag] = answer["flagged"]
        assert flag.startswith("dense search unavailable") and NO_SPACE in flag
    assert disk.free() <= leave_kb * 1024

    disk.empty()
    answer = ask_json(index, env)
    assert answer["dense_search"] is True and not answer["flagged"] and "616" in answer["text"]
    out = rag("ingest", "--no-progress", "--corpus", str(corpus), "--index", str(index), env=env)
    assert out.returncode == 0 and not errors_of(out), out.stderr
    assert "added 1, updated 1" in out.stdout
    assert "626" in ask_json(index, env)["text"]
    forget_embedded_clients()
    assert check(settings).healthy


def test_a_running_pipeline_keeps_dense_search_and_a_new_one_falls_back_when_the_disk_fills(index_on_disk, disk):
    settings = index_on_disk
    feedback = disk.path / "feedback" / "feedback.jsonl"
    running = Pipeline(settings)
    answer = running.ask(QUESTION)
    assert answer.dense_search and "616" in answer.text
    record(feedback, answer, liked=True)
    disk.fill()

    answer = running.ask(QUESTION)  # its store is open: searching writes nothing
    assert answer.dense_search and not answer.flagged and "616" in answer.text

    forget_embedded_clients()  # as a process started now
    fresh = Pipeline(settings)
    answer = fresh.ask(QUESTION)
    assert not answer.dense_search and "616" in answer.text
    assert answer.flagged[0].startswith("dense search unavailable") and NO_SPACE in answer.flagged[0]
    again = fresh.ask(QUESTION)  # the failed open is not cached: it is tried again, and fails alike
    assert not again.dense_search and NO_SPACE in again.flagged[0]

    report = check(settings)
    [finding] = report.problems
    assert finding.kind is Kind.STORE_UNAVAILABLE and NO_SPACE in finding.message
    assert finding.fix.startswith("free some space") and not finding.repairable

    # feedback on a full disk: a sentence, and no torn line (a line longer than what is left of
    # the file's last page would otherwise be written in part and swallow the next one)
    with pytest.raises(RagError, match="could not save the feedback"):
        record(feedback, answer, liked=False, comment="é" * 2000)
    assert len(read(feedback)) == 1

    disk.empty()
    answer = fresh.ask(QUESTION)  # space again: dense search is back in the same process
    assert answer.dense_search and not answer.flagged and "616" in answer.text
    record(feedback, answer, liked=False, comment="ok")
    assert [f.liked for f in read(feedback)] == [True, False]
    assert check(settings).healthy


def test_a_full_disk_after_the_switch_is_a_warning_not_a_failed_ingest(damaged_setup, monkeypatch):
    """Seen on a tmpfs with ~400 KB free: the new snapshot went live, then deleting the replaced
    vectors met the full disk. Those vectors are ignored by searches; the ingest succeeded."""
    from rag.errors import DiskFull
    from rag.ingestion import run_ingest
    from rag.vectors import VectorStore

    settings = damaged_setup
    article = Path(settings.corpus_dir) / CHANGED
    article.write_text(article.read_text(encoding="utf-8").replace("616", "626"), encoding="utf-8")

    def full(self, ids):
        if ids:
            raise DiskFull(f"{NO_SPACE} while writing vectors to {self.where}")

    monkeypatch.setattr(VectorStore, "delete", full)
    report = run_ingest(settings, progress=False)
    assert report.updated == [CHANGED]
    [warning] = report.warnings
    assert NO_SPACE in warning and "the next ingest deletes them" in warning
    assert "warning: vectors of removed or changed chunks" in report.summary()
    assert "626" in Pipeline(settings).ask(QUESTION).text
    monkeypatch.undo()
    assert check(settings).healthy  # the stale vectors are a note, not a problem
    run_ingest(settings, progress=False)
    assert not [f for f in check(settings).findings if f.kind is Kind.EXTRA_VECTORS]
