import subprocess
import sys

import pytest

from rag.cli import main


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"], ["ask", "--help"]])
def test_help(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    assert "usage: rag" in capsys.readouterr().out


def test_ask_prints_answer_and_sources(seed_index, capsys):
    assert main(["ask", "--index", str(seed_index), "Berapa", "personel", "Polres", "Banyuasin?"]) == 0
    out = capsys.readouterr().out
    assert "616" in out and "[1] Maksimalkan Pengamanan Pilkada 2024" in out


def test_errors_are_clear(tmp_path, capsys):
    assert main(["ask", "--index", str(tmp_path / "none"), "Berapa personel?"]) == 2
    assert "rag ingest" in capsys.readouterr().err
    assert main(["ingest", "--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i")]) == 2


def test_module_entry_point(seed_index):
    out = subprocess.run(
        [sys.executable, "-m", "rag", "ask", "--json", "--index", str(seed_index), "How many personnel did Polres Banyuasin deploy?"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert '"answerable": true' in out.stdout and "616" in out.stdout
