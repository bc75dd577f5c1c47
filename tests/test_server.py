"""Chroma server mode against a real `chroma run` that the test starts and stops."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port
from rag import ask, ingest
from rag.api import Pipeline
from rag.errors import VectorStoreUnavailable
from rag.settings import Settings

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "server-data")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield url, proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_ingest_and_ask_through_server(chroma_server, seed_corpus, tmp_path):
    url, proc = chroma_server
    settings = Settings.from_env(index_dir=tmp_path / "index", chroma_url=url)
    report = ingest(seed_corpus, settings=settings, progress=False)
    assert len(report.added) == 5
    assert not (tmp_path / "index" / "chroma").exists()  # vectors live in the server
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", settings=settings)
    assert "616" in answer.text

    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    fresh = Pipeline(settings)  # the server is down: keyword search answers, and says so
    answer = fresh.ask("Berapa personel yang diterjunkan Polres Banyuasin?")
    assert "616" in answer.text and not answer.dense_search
    assert any("dense search unavailable" in f and "not reachable" in f for f in answer.flagged)
    with pytest.raises(VectorStoreUnavailable, match="not reachable"):
        ingest(seed_corpus, settings=settings, progress=False)
    assert (tmp_path / "index" / "CURRENT").exists()  # the failed ingest left the index as it was
