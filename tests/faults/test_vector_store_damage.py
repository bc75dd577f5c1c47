"""A damaged ``chroma.sqlite3`` in a local index: every command says so in one sentence with the
command to run, and ``rag doctor --repair`` rebuilds the vectors from the corpus, the damaged
store moved aside and the last good snapshot live until the new one is complete (issue 8)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faults.conftest import QUESTION
from rag.index import current_name, load_snapshot

ROOT = Path(__file__).resolve().parents[2]
SWITCH = "snapshot: switch CURRENT"  # rag.crashpoints: the last point before the commit


def rag(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={**os.environ, **(env or {})})  # fmt: skip


def one_error(out: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in out.stderr, out.stderr
    [line] = [x for x in out.stderr.splitlines() if x.startswith("error:")]
    return line


def truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 4])


def garbage(db: Path) -> None:
    db.write_bytes(os.urandom(db.stat().st_size))


@pytest.mark.parametrize("damage", [truncate, garbage])
def test_damaged_chroma_sqlite_is_one_sentence_and_doctor_repair_restores_dense_answers(damaged_setup, damage):
    settings = damaged_setup
    index, corpus = Path(settings.index_dir), str(settings.corpus_dir)
    live = current_name(index)
    damage(index / "chroma" / "chroma.sqlite3")

    out = rag("ask", "--index", str(index), QUESTION)
    error = one_error(out)
    assert out.returncode == 2
    assert error.startswith(f"error: the vector store in {index / 'chroma'} cannot be read")
    assert error.endswith("run `rag doctor --repair`")

    out = rag("doctor", "--index", str(index))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"problem: the vector store in {index / 'chroma'} cannot be read" in out.stdout
    assert "Run: rag doctor --repair" in out.stdout

    out = rag("ingest", "--no-progress", "--index", str(index), "--corpus", corpus)
    assert out.returncode == 2 and "rag doctor --repair" in one_error(out)
    assert current_name(index) == live

    out = rag("doctor", "--repair", "--index", str(index), "--corpus", corpus)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "moved the damaged vector store aside" in out.stdout and out.stdout.rstrip().endswith("ok: no problem found")
    [aside] = list(index.glob("chroma.damaged-*"))
    assert (aside / "chroma.sqlite3").is_file()  # moved aside, never deleted
    assert [p.name for p in (index / "snapshots").iterdir()] == [current_name(index)]
    answer = json.loads(rag("ask", "--json", "--index", str(index), QUESTION).stdout)
    assert answer["dense_search"] is True and not answer["flagged"] and "616" in answer["text"]


def test_repair_killed_before_the_switch_leaves_the_last_good_snapshot_live(damaged_setup, tmp_path):
    settings = damaged_setup
    index, corpus = Path(settings.index_dir), str(settings.corpus_dir)
    live = current_name(index)
    garbage(index / "chroma" / "chroma.sqlite3")
    twin = tmp_path / "twin"  # the same damage, repaired once with a trace of the crash points
    shutil.copytree(index, twin)
    trace = tmp_path / "trace.txt"
    out = rag("doctor", "--repair", "--index", str(twin), "--corpus", corpus, env={"RAG_CRASH_TRACE": str(trace)})
    assert out.returncode == 0, out.stdout + out.stderr
    [switch] = [int(n) for n, name in (line.split("\t") for line in trace.read_text().splitlines()) if name == SWITCH]

    # killed at the last point before the switch: the new snapshot is complete, not yet live
    out = rag("doctor", "--repair", "--index", str(index), "--corpus", corpus, env={"RAG_CRASH_AT": str(switch)})
    assert out.returncode == -9
    assert current_name(index) == live
    assert load_snapshot(index) is not None  # the last good snapshot is whole: every checksum holds
    assert len([p for p in (index / "snapshots").iterdir() if not p.name.startswith(".tmp-")]) == 2
    [aside] = list(index.glob("chroma.damaged-*"))
    assert (aside / "chroma.sqlite3").is_file()
    answer = json.loads(rag("ask", "--json", "--index", str(index), QUESTION).stdout)
    assert answer["dense_search"] is True and "616" in answer["text"]  # vectors were rebuilt before the kill
    assert rag("doctor", "--index", str(index)).returncode == 0

    out = rag("ingest", "--no-progress", "--index", str(index), "--corpus", corpus)
    assert out.returncode == 0 and "unchanged 5" in out.stdout, out.stderr
    assert [p.name for p in (index / "snapshots").iterdir()] == [current_name(index)]  # leftover tidied
