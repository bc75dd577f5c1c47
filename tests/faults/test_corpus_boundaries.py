"""Only the corpus folder is read; BOM-marked encodings are decoded; no date is invented (issue 8)."""

from __future__ import annotations

import os
import subprocess
import sys

from rag import ask, ingest
from rag.index import load_snapshot
from rag.load import load_file

ARTICLE = (
    "Polres Cianjur Kerahkan {n} Personel Amankan Pilkada\n\n"
    "CIANJUR – Polres Cianjur mengerahkan {n} personel untuk mengamankan Pilkada 2024 di Kabupaten "
    "Cianjur, Senin (25/11/2024). Kapolres Cianjur AKBP Rohman Yonky Dilatha memimpin apel.\n"
)


def test_symlink_leading_outside_the_corpus_is_skipped(seed_corpus, tmp_path, caplog):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(ARTICLE.format(n="9.999"))
    (seed_corpus / "secret.txt").symlink_to(secret)
    (seed_corpus / "sub").mkdir()
    (seed_corpus / "sub" / "passwd.txt").symlink_to("/etc/passwd")
    (seed_corpus / "inside-link.txt").symlink_to(seed_corpus / "004_4de73d00fb467760.txt")
    index = tmp_path / "index"

    with caplog.at_level("WARNING"):
        report = ingest(seed_corpus, index, progress=False)
    assert set(report.skipped) == {"secret.txt", "sub/passwd.txt"}
    assert "outside the corpus folder" in report.skipped["secret.txt"]
    assert any("skipped secret.txt" in r.getMessage() for r in caplog.records)
    assert "inside-link.txt" in report.added  # a link that stays inside the folder is fine
    files = load_snapshot(index).files
    assert "secret.txt" not in files and "sub/passwd.txt" not in files
    answer = ask("Berapa personel yang dikerahkan Polres Cianjur?", index_dir=index)
    assert "9.999" not in answer.text and all(c.source != "secret.txt" for c in answer.contexts)
    assert all("root:" not in c.text for c in answer.contexts)


def test_a_link_that_becomes_outside_is_removed_from_the_index(seed_corpus, tmp_path):
    index = tmp_path / "index"
    other = tmp_path / "other.txt"
    other.write_text(ARTICLE.format(n="555"))
    (seed_corpus / "cianjur.txt").write_text(ARTICLE.format(n="555"))
    assert "cianjur.txt" in ingest(seed_corpus, index, progress=False).added
    (seed_corpus / "cianjur.txt").unlink()
    (seed_corpus / "cianjur.txt").symlink_to(other)
    report = ingest(seed_corpus, index, progress=False)
    assert report.removed == ["cianjur.txt"] and "cianjur.txt" in report.skipped
    assert "cianjur.txt" not in load_snapshot(index).files


def test_utf16_utf32_and_utf8_bom_files_are_indexed(seed_corpus, tmp_path):
    (seed_corpus / "utf16.txt").write_bytes(ARTICLE.format(n="771").encode("utf-16"))  # with BOM
    (seed_corpus / "utf16be.txt").write_bytes(b"\xfe\xff" + ARTICLE.format(n="772").replace("Cianjur", "Garut").encode("utf-16-be"))
    (seed_corpus / "utf32.txt").write_bytes(ARTICLE.format(n="773").replace("Cianjur", "Sumedang").encode("utf-32"))
    (seed_corpus / "bom8.md").write_bytes(ARTICLE.format(n="774").replace("Cianjur", "Subang").encode("utf-8-sig"))
    index = tmp_path / "index"
    report = ingest(seed_corpus, index, progress=False)
    assert report.skipped == {}
    assert {"utf16.txt", "utf16be.txt", "utf32.txt", "bom8.md"} <= set(report.added)
    assert "771" in ask("Berapa personel yang dikerahkan Polres Cianjur?", index_dir=index).text
    assert "773" in ask("Berapa personel yang dikerahkan Polres Sumedang?", index_dir=index).text
    meta = load_snapshot(index).files["bom8.md"].meta
    assert meta.title == "Polres Subang Kerahkan 774 Personel Amankan Pilkada"  # no BOM left in the title


def test_html_without_a_date_gets_none_and_everything_still_works(seed_corpus, tmp_path):
    page = seed_corpus / "konawe.html"
    page.write_text(
        "<html><head><title>Polres Konawe Siagakan Personel</title></head><body><article><p>"
        + "Polres Konawe menyiagakan 267 personel untuk mengawal 440 TPS pada Pilkada 2024. " * 3
        + "</p></article></body></html>"
    )
    dated = seed_corpus / "dated.html"
    dated.write_text(
        '<html><head><title>Polres Muna Siagakan Personel</title>'
        '<meta property="article:published_time" content="2024-11-25T10:00:00+07:00"></head><body><article><p>'
        + "Polres Muna menyiagakan 484 personel untuk mengawal TPS pada Pilkada 2024. " * 3
        + "</p></article></body></html>"
    )
    assert load_file(page, seed_corpus).hints.date == ""
    assert load_file(dated, seed_corpus).hints.date == "2024-11-25"
    index = tmp_path / "index"
    ingest(seed_corpus, index, progress=False)
    assert load_snapshot(index).files["konawe.html"].meta.date == ""
    answer = ask("Berapa personel yang disiagakan Polres Konawe?", index_dir=index)
    assert "267" in answer.text
    assert answer.citations and answer.citations[0].date == ""


def test_invalid_utf8_on_the_command_line_is_one_clear_line(seed_index):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for raw in (b"Berapa \xff personel?", b"Berapa \xed\xa0\x80 personel?"):  # invalid byte, encoded lone surrogate
        out = subprocess.run(
            [os.fsencode(sys.executable), b"-m", b"rag", b"ask", b"--index", os.fsencode(str(seed_index)), raw],
            capture_output=True, timeout=120, env=env,
        )  # fmt: skip
        err = out.stderr.decode("utf-8", "replace").strip()
        assert out.returncode == 2, err
        assert err.startswith("error: the question is not valid text") and "\n" not in err


def test_lone_surrogate_through_the_api(seed_index):
    import pytest

    from rag.errors import QuestionError

    with pytest.raises(QuestionError, match="not valid text"):
        ask("Berapa personel \udcff Polres Banyuasin?", index_dir=seed_index)


