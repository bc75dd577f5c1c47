import pytest

from conftest import make_pdf
from rag.load import UnreadableFile, list_corpus, load_file


def test_text_markdown_and_non_utf8(tmp_path):
    (tmp_path / "a.txt").write_text("Polres menerjunkan 616 personel.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Judul\n\nIsi berita.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes("Pengamanan ketat di Cianjur – “aman”.".encode("cp1252"))
    assert load_file(tmp_path / "a.txt", tmp_path).text == "Polres menerjunkan 616 personel."
    assert "Isi berita." in load_file(tmp_path / "b.md", tmp_path).text
    assert "“aman”" in load_file(tmp_path / "c.txt", tmp_path).text


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary content"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 JFIF", "unsupported file type"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ],
)
def test_unreadable_files_say_why(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(UnreadableFile, match=reason):
        load_file(tmp_path / name, tmp_path)


def test_too_large(tmp_path):
    (tmp_path / "big.txt").write_text("kata " * 1000)
    with pytest.raises(UnreadableFile, match="too large"):
        load_file(tmp_path / "big.txt", tmp_path, max_bytes=100)


def test_html_main_text_and_metadata(tmp_path):
    html = """<html><head><title>Polres Bogor Siagakan 1.096 Personel</title>
    <meta property="og:url" content="https://example.id/berita/polres-bogor">
    <meta property="og:site_name" content="Jabar Ekspres"></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Polres Bogor Siagakan 1.096 Personel</h1>
    <p>Polres Bogor menyiapkan 1.096 personel dari satuannya sendiri untuk mengamankan Pilkada 2024
    di Kabupaten Bogor. Kekuatan itu diperkuat dua SSK Sabhara Polda Jabar yang berjumlah 200 personel.</p>
    <p>Ribuan petugas tersebut nantinya disebar untuk mengamankan kurang lebih 8.000 TPS di seluruh wilayah.</p>
    </article><footer>Copyright 2024 | Kebijakan Privasi</footer></body></html>"""
    (tmp_path / "page.html").write_text(html)
    loaded = load_file(tmp_path / "page.html", tmp_path)
    assert "1.096 personel" in loaded.text and "8.000 TPS" in loaded.text
    assert "Kebijakan Privasi" not in loaded.text
    assert loaded.hints.title == "Polres Bogor Siagakan 1.096 Personel"
    assert loaded.hints.url == "https://example.id/berita/polres-bogor"


def test_pdf_text(tmp_path):
    (tmp_path / "rilis.pdf").write_bytes(make_pdf(["Polres Muna menurunkan 484 personel.", "Pengamanan di dua kabupaten."]))
    loaded = load_file(tmp_path / "rilis.pdf", tmp_path)
    assert "484 personel" in loaded.text


def test_listing_skips_hidden(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in list_corpus(tmp_path)] == ["a.txt", "sub/b.txt"]
