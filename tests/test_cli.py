import subprocess
import sys

import pytest

from rag.cli import main


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"], ["ask", "--help"], ["add", "--help"], ["remove", "--help"]])
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


def test_add_and_remove_through_the_corpus_api(tmp_path, capsys):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "muna.txt").write_text("Polres Muna menurunkan 484 personel untuk mengamankan Pilkada 2024.\n")
    upload = tmp_path / "uploads" / "muna.txt"
    upload.parent.mkdir()
    upload.write_text("Polres Buton menyiagakan 210 personel untuk mengamankan Pilkada 2024.\n")
    where = ["--corpus", str(corpus), "--index", str(index)]
    assert main(["ingest", *where, "--no-progress"]) == 0
    capsys.readouterr()

    # the name exists: by default nothing is changed and the user is told how to choose
    assert main(["add", str(upload), *where]) == 2
    assert "keep both" in capsys.readouterr().err
    assert sorted(p.name for p in corpus.iterdir() if not p.name.startswith(".")) == ["muna.txt"]
    assert "484" in (corpus / "muna.txt").read_text()

    assert main(["add", str(upload), "--on-conflict", "keep_both", *where]) == 0
    assert "muna.txt as muna-2.txt" in capsys.readouterr().out
    assert "210" in (corpus / "muna-2.txt").read_text() and "484" in (corpus / "muna.txt").read_text()

    assert main(["remove", "muna.txt", *where]) == 0
    assert "removed muna.txt" in capsys.readouterr().out
    assert not (corpus / "muna.txt").exists() and (corpus / "muna-2.txt").exists()
    assert main(["remove", "muna.txt", *where]) == 2
    assert "nothing was removed" in capsys.readouterr().err
