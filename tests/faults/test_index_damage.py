"""A lost vector store and damaged snapshot files: detected, reported in one sentence, repaired
from the corpus (issue 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from faults.conftest import QUESTION
from rag.api import Pipeline
from rag.cli import main
from rag.doctor import Kind, check
from rag.errors import IndexCorrupt
from rag.index import current_name, load_snapshot
from rag.ingestion import run_ingest
from rag.query import analyze_question
from rag.settings import Settings
from rag.vectors import forget_embedded_clients


def snapshot_dir(settings: Settings) -> Path:
    index = Path(settings.index_dir)
    return index / "snapshots" / current_name(index)


def dense_hits(settings: Settings) -> list[str]:
    pipeline = Pipeline(settings)
    pipeline.ask(QUESTION)  # loads
    return pipeline.retriever.dense(analyze_question(QUESTION))


def test_deleted_chroma_sqlite_is_detected_and_repaired_by_the_next_ingest(damaged_setup):
    settings = damaged_setup
    chunks = len(load_snapshot(Path(settings.index_dir)).chunks)
    assert dense_hits(settings)
    (Path(settings.index_dir) / "chroma" / "chroma.sqlite3").unlink()
    forget_embedded_clients()  # as a new process would: chromadb keeps the old file open otherwise

    assert dense_hits(settings) == []  # what used to happen silently
    report = check(settings)
    assert not report.healthy
    [missing] = [f for f in report.problems if f.kind is Kind.VECTORS_MISSING]
    assert f"{chunks} of {chunks} chunks have no vector" in missing.message
    assert missing.fix == "rag doctor --repair"

    ingested = run_ingest(settings, progress=False)
    assert len(ingested.unchanged) == 5 and ingested.added == []
    assert ingested.reembedded == chunks
    assert "missing vectors re-embedded" in ingested.summary()
    assert check(settings).healthy
    assert dense_hits(settings)  # dense search answers again


def test_doctor_cli_reports_a_lost_vector_store(damaged_setup):
    settings = damaged_setup
    (Path(settings.index_dir) / "chroma" / "chroma.sqlite3").unlink()
    out = subprocess.run(
        [sys.executable, "-m", "rag", "doctor", "--index", str(settings.index_dir)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "chunks have no vector" in out.stdout and "Run: rag doctor --repair" in out.stdout
    assert "Traceback" not in out.stderr


def _truncate_chunks(folder: Path) -> None:
    path = folder / "chunks.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncate_chunks_at_a_line(folder: Path) -> None:
    """Still valid JSON lines, one chunk fewer: only the checksum can tell."""
    path = folder / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _damage_keyword_index(folder: Path) -> None:
    victim = max((p for p in (folder / "bm25").iterdir() if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2 :] = b"\x00" * (len(data) - len(data) // 2)
    victim.write_bytes(bytes(data))


def _damage_manifest(folder: Path) -> None:
    path = folder / "manifest.json"
    path.write_text(path.read_text()[:200])


def _delete_keyword_ids(folder: Path) -> None:
    (folder / "bm25" / "ids.json").unlink()


@pytest.mark.parametrize(
    "damage",
    [_truncate_chunks, _truncate_chunks_at_a_line, _damage_keyword_index, _damage_manifest, _delete_keyword_ids],
)
def test_damaged_snapshot_gives_index_corrupt_and_doctor_repair_restores_it(damaged_setup, damage, capsys):
    settings = damaged_setup
    index = str(settings.index_dir)
    damage(snapshot_dir(settings))

    with pytest.raises(IndexCorrupt, match=r"rag doctor --repair"):
        Pipeline(settings).ask(QUESTION)
    assert main(["ask", "--index", index, QUESTION]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the index in") and "rag doctor --repair" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

    assert main(["doctor", "--index", index]) == 1
    assert "problem:" in capsys.readouterr().out
    assert main(["doctor", "--repair", "--index", index, "--corpus", str(settings.corpus_dir)]) == 0
    out = capsys.readouterr().out
    assert "repaired:" in out and out.rstrip().endswith("ok: no problem found")
    assert "616" in Pipeline(settings).ask(QUESTION).text
    assert check(settings).healthy


def test_a_damaged_keyword_index_alone_is_rebuilt_without_rechunking(damaged_setup):
    settings = damaged_setup
    _damage_keyword_index(snapshot_dir(settings))
    report = run_ingest(settings, progress=False)
    assert report.repairs == ["damaged keyword index rebuilt"]
    assert len(report.unchanged) == 5 and report.reembedded == 0
    assert check(settings).healthy


def test_ingest_rebuilds_from_the_corpus_and_reuses_stored_vectors(damaged_setup, monkeypatch):
    settings = damaged_setup
    _damage_manifest(snapshot_dir(settings))
    embedded: list[int] = []
    import rag.ingestion as ingestion

    original = ingestion._embed_and_store

    def counting(store, chunks, s, progress):
        embedded.append(len(chunks))
        original(store, chunks, s, progress)

    monkeypatch.setattr(ingestion, "_embed_and_store", counting)
    report = run_ingest(settings, progress=False)
    assert "damaged snapshot rebuilt from the corpus" in report.repairs
    assert embedded == [0]  # every vector was still in the store: nothing re-embedded
    assert check(settings).healthy


def test_old_snapshot_without_checksums_is_upgraded_by_ingest(damaged_setup):
    import json

    settings = damaged_setup
    manifest = snapshot_dir(settings) / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["checksums"]
    data["analyzer"] = ""
    manifest.write_text(json.dumps(data))
    report = check(settings)
    kinds = {f.kind for f in report.findings}
    assert {Kind.NO_CHECKSUMS, Kind.ANALYZER_OUTDATED} <= kinds
    ingested = run_ingest(settings, progress=False)
    assert "checksums added to the snapshot" in ingested.repairs
    assert "keyword tokens re-made with the current analyzer" in ingested.repairs
    after = check(settings)
    assert after.healthy and not after.findings


def test_disk_full_while_writing_the_snapshot_is_one_line_and_the_live_index_answers(damaged_setup, monkeypatch, capsys):
    """Simulated ENOSPC at the first snapshot write (a real full tmpfs needs mount rights)."""
    import errno

    import rag.index as index_module

    settings = damaged_setup
    live = current_name(Path(settings.index_dir))
    target = Path(settings.corpus_dir) / "004_4de73d00fb467760.txt"
    target.write_text(target.read_text().replace("616", "626"))

    def full(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(index_module, "_write", full)
    code = main(["ingest", "--no-progress", "--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("error: no space left on the device")
    assert "Traceback" not in "\n".join(err)
    monkeypatch.undo()
    assert current_name(Path(settings.index_dir)) == live
    assert not any(p.name.startswith(".tmp-") for p in (Path(settings.index_dir) / "snapshots").iterdir())
    assert "616" in Pipeline(settings).ask(QUESTION).text
    assert check(settings).healthy
    assert run_ingest(settings, progress=False).updated == ["004_4de73d00fb467760.txt"]
