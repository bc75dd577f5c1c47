"""Fixtures of the fault-injection suite: an ingested copy of the seed corpus per test, a real
Chroma server, and settings pointing at them. Every test here is marked ``faults``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SEEDS, free_port
from rag.settings import Settings

HERE = Path(__file__).resolve().parent
QUESTION = "Berapa personel yang diterjunkan Polres Banyuasin?"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().parent == HERE:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def pristine_index(tmp_path_factory) -> Path:
    """The seed corpus ingested once into an embedded index; tests work on copies."""
    from rag.ingestion import run_ingest

    index = tmp_path_factory.mktemp("pristine") / "index"
    run_ingest(Settings.from_env(corpus_dir=SEEDS, index_dir=index), progress=False)
    return index


@pytest.fixture
def damaged_setup(pristine_index: Path, seed_corpus: Path, tmp_path: Path) -> Settings:
    """Settings of a private copy of the ingested seed corpus (corpus and index)."""
    index = tmp_path / "index"
    shutil.copytree(pristine_index, index)
    return Settings.from_env(corpus_dir=seed_corpus, index_dir=index)


@dataclass
class ChromaServer:
    url: str
    port: int
    path: Path
    proc: subprocess.Popen

    def start(self) -> None:
        exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.proc = subprocess.Popen(
            [exe, "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )  # fmt: skip
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.proc.kill()
        pytest.fail("chroma server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    port = free_port()
    server = ChromaServer(f"http://127.0.0.1:{port}", port, tmp_path / "server-data", None)  # type: ignore[arg-type]
    server.start()
    yield server
    server.stop()
