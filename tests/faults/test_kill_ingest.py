"""kill -9 of an ingest at every write of the snapshot switch and at seeded points between the
steps of an ingest: the index always loads, doctor finds it consistent, the next ingest completes."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS
from faults.conftest import QUESTION
from rag.api import Pipeline
from rag.doctor import check
from rag.index import load_snapshot
from rag.ingestion import run_ingest
from rag.settings import Settings

SEED = 8
MIN_POINTS = 20
RUNNER = Path(__file__).with_name("crash_runner.py")


class Runner:
    """The crash runner subprocess (see crash_runner.py)."""

    def __init__(self) -> None:
        root = Path(__file__).resolve().parents[2]
        self.proc = subprocess.Popen(
            [sys.executable, str(RUNNER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root,
        )  # fmt: skip
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def ingest(self, corpus: Path, index: Path, kill_at: int = 0, trace: Path | None = None) -> dict:
        request = {"corpus": str(corpus), "index": str(index), "kill_at": kill_at, "trace": str(trace or "")}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def change_corpus(corpus: Path) -> None:
    """One article changed (its vectors replaced, the old ones deleted), one added, one removed."""
    path = corpus / "000_4874656133aad8ab.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nPengamanan berjalan lancar.\n", encoding="utf-8")
    (corpus / "003_9f4374ffaab7695c.txt").unlink()
    (corpus / "new.txt").write_text(
        "Polres Cianjur Kerahkan 777 Personel Amankan Pilkada\n\nCIANJUR – Polres Cianjur mengerahkan 777 "
        "personel untuk mengamankan Pilkada 2024 di Kabupaten Cianjur, Senin (25/11/2024).\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def runner():
    r = Runner()
    yield r
    r.close()


def test_kill_9_at_seeded_points_always_leaves_a_consistent_index(runner, pristine_index, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    before = set(load_snapshot(pristine_index).files)
    change_corpus(corpus)
    after = {p.name for p in corpus.iterdir()}

    trace = tmp_path / "trace.tsv"
    full = tmp_path / "full"
    shutil.copytree(pristine_index, full)
    assert runner.ingest(corpus, full, trace=trace) == {"signal": 0, "code": 0}
    points = [line.split("\t")[1] for line in trace.read_text().splitlines()]
    assert len(points) >= MIN_POINTS, points
    switch = [n for n, name in enumerate(points, start=1) if name.startswith("snapshot:")]
    others = [n for n in range(1, len(points) + 1) if n not in switch]
    rng = random.Random(SEED)
    chosen = sorted(set(switch) | set(rng.sample(others, max(0, min(len(others), MIN_POINTS - len(switch))))))
    assert len(chosen) >= MIN_POINTS and set(switch) <= set(chosen)

    outcomes: dict[str, int] = {"old": 0, "new": 0}
    for n in chosen:
        index = tmp_path / f"kill-{n:02d}"
        shutil.copytree(pristine_index, index)
        result = runner.ingest(corpus, index, kill_at=n)
        assert result["signal"] == signal.SIGKILL, f"point {n} ({points[n - 1]}) was not reached: {result}"

        settings = Settings.from_env(corpus_dir=corpus, index_dir=index)
        snapshot = load_snapshot(index)  # always loads, never half-written
        files = set(snapshot.files)
        assert files in (before, after), f"after a kill at {points[n - 1]}: {sorted(files)}"
        outcomes["new" if files == after else "old"] += 1
        report = check(settings, sample=2)
        assert report.healthy, f"after a kill at {points[n - 1]}:\n{report.summary()}"
        assert report.vectors == len(snapshot.chunks)

    assert outcomes["old"] and outcomes["new"]  # kills landed on both sides of the commit point
    # the next ingest completes (two seeded examples: one on each side of the commit point)
    for n in (chosen[0], chosen[-1]):
        settings = Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / f"kill-{n:02d}")
        run_ingest(settings, progress=False)
        assert set(load_snapshot(Path(settings.index_dir)).files) == after
        assert check(settings).healthy and not any(f.kind.name == "EXTRA_VECTORS" for f in check(settings).findings)
        assert "616" in Pipeline(settings).ask(QUESTION).text
