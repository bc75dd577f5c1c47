"""A Chroma server that freezes, dies during an ingest, or is replaced by an empty one (issue 8)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

import rag.ingestion as ingestion
from faults.conftest import QUESTION, ChromaServer
from rag.api import DENSE_UNAVAILABLE, Pipeline
from rag.doctor import Kind, check
from rag.errors import VectorStoreUnavailable
from rag.index import current_name, load_snapshot
from rag.ingestion import run_ingest
from rag.settings import Settings

TIMEOUT = 1.0


def server_settings(server: ChromaServer, seed_corpus: Path, tmp_path: Path) -> Settings:
    return Settings.from_env(
        corpus_dir=seed_corpus, index_dir=tmp_path / "index", chroma_url=server.url,
        chroma_timeout=TIMEOUT, chroma_retry_after=60.0,
    )  # fmt: skip


def test_frozen_server_answers_from_keywords_within_the_timeout(chroma_server, seed_corpus, tmp_path):
    settings = server_settings(chroma_server, seed_corpus, tmp_path)
    run_ingest(settings, progress=False)
    pipeline = Pipeline(settings)
    assert pipeline.ask(QUESTION).dense_search

    chroma_server.proc.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = pipeline.ask(QUESTION)
        first = time.monotonic() - started
        assert first < TIMEOUT + 3.0, f"ask took {first:.1f} s with a frozen server"
        assert "616" in answer.text and not answer.dense_search
        [notice] = [f for f in answer.flagged if f.startswith(DENSE_UNAVAILABLE)]
        assert f"did not answer within {TIMEOUT:g} s" in notice

        started = time.monotonic()  # the next question does not wait for the frozen server again
        assert not pipeline.ask("How many personnel did Polres Banyuasin deploy?").dense_search
        assert time.monotonic() - started < 2.0

        fresh = Pipeline(settings)  # a pipeline loaded while the server is frozen answers too
        started = time.monotonic()
        assert "616" in fresh.ask(QUESTION).text
        assert time.monotonic() - started < TIMEOUT + 3.0

        started = time.monotonic()
        with pytest.raises(VectorStoreUnavailable, match="did not answer within"):
            run_ingest(settings, progress=False)
        assert time.monotonic() - started < TIMEOUT + 3.0
    finally:
        chroma_server.proc.send_signal(signal.SIGCONT)
    assert check(settings).healthy


def test_server_killed_mid_ingest_leaves_the_old_index_answering(chroma_server, seed_corpus, tmp_path, monkeypatch):
    settings = server_settings(chroma_server, seed_corpus, tmp_path)
    index = Path(settings.index_dir)
    run_ingest(settings, progress=False)
    live = current_name(index)
    target = seed_corpus / "004_4de73d00fb467760.txt"
    target.write_text(target.read_text().replace("616", "626"))

    def kill_server_at_first_batch(name: str) -> None:
        if name == "ingest: write a batch of vectors":
            chroma_server.proc.kill()
            chroma_server.proc.wait()

    monkeypatch.setattr(ingestion, "crash_point", kill_server_at_first_batch)
    with pytest.raises(VectorStoreUnavailable, match="not reachable"):
        run_ingest(settings, progress=False)
    monkeypatch.undo()
    assert current_name(index) == live  # nothing switched

    chroma_server.start()  # same data folder and port
    answer = Pipeline(settings).ask(QUESTION)
    assert "616" in answer.text and answer.dense_search
    report = run_ingest(settings, progress=False)
    assert report.updated == ["004_4de73d00fb467760.txt"]
    assert "626" in Pipeline(settings).ask(QUESTION).text
    assert check(settings).healthy


def test_index_pointed_at_a_new_empty_server_is_repaired_by_ingest(chroma_server, seed_corpus, tmp_path):
    settings = server_settings(chroma_server, seed_corpus, tmp_path)
    chunks = run_ingest(settings, progress=False).chunks
    chroma_server.stop()
    chroma_server.path = tmp_path / "another-server"
    chroma_server.start()

    report = check(settings)
    assert [f.kind for f in report.problems] == [Kind.VECTORS_MISSING]
    ingested = run_ingest(settings, progress=False)
    assert ingested.reembedded == chunks and len(ingested.unchanged) == 5
    assert check(settings).healthy
    assert len(load_snapshot(Path(settings.index_dir)).chunks) == chunks


def test_no_thread_is_left_waiting_forever_by_a_refused_connection(seed_corpus, tmp_path):
    """A server that is simply down fails at once (connection refused), not after the timeout."""
    from conftest import free_port

    settings = Settings.from_env(index_dir=tmp_path / "index", chroma_url=f"http://127.0.0.1:{free_port()}",
                                 chroma_timeout=30.0)  # fmt: skip
    started = time.monotonic()
    with pytest.raises(VectorStoreUnavailable, match="not reachable"):
        run_ingest(settings.replace(corpus_dir=seed_corpus), progress=False)
    assert time.monotonic() - started < 10
    assert threading.active_count() < 50
