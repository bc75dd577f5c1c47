from rag.chunk import chunk_article, split_sentences, word_limit
from rag.types import Article, ArticleMeta


def test_numbers_and_abbreviations_do_not_split():
    text = ("Kapolda Irjen Pol. Andi Rian melepas 1.472 personel. Wakil Bupati H. Ardani hadir. "
            "Apel dimulai pukul 07.00 WIB. “Kami siap,” ujarnya. Selesai.")  # fmt: skip
    assert split_sentences(text) == [
        "Kapolda Irjen Pol. Andi Rian melepas 1.472 personel.",
        "Wakil Bupati H. Ardani hadir.",
        "Apel dimulai pukul 07.00 WIB.",
        "“Kami siap,” ujarnya.",
        "Selesai.",
    ]


def test_quote_ending_sentence():
    assert split_sentences("“Aman,” tegasnya. Ia pergi.") == ["“Aman,” tegasnya.", "Ia pergi."]


def test_chunks_are_bounded_and_overlap():
    sentences = [f"Kalimat nomor {i} berisi beberapa kata tentang pengamanan pilkada." for i in range(60)]
    article = Article("a.txt", " ".join(sentences), ArticleMeta(title="T"), "abc")
    chunks = chunk_article(article, word_limit(60), overlap_sentences=1)
    assert len(chunks) > 5
    assert all(len(c.text.split()) <= 60 for c in chunks)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    first_last = split_sentences(chunks[0].text)[-1]
    assert split_sentences(chunks[1].text)[0] == first_last
    assert len({c.id for c in chunks}) == len(chunks)
    joined = " ".join(chunks[i].text for i in range(len(chunks)))
    assert all(s in joined for s in sentences)


def test_a_sentence_longer_than_a_chunk_is_cut_between_words():
    long = " ".join(f"kata{i}" for i in range(50)) + "."
    article = Article("a.txt", f"Awal berita. {long} Akhir berita.", ArticleMeta(title="T"), "abc")
    chunks = chunk_article(article, word_limit(20), overlap_sentences=1)
    assert len(chunks) >= 3
    assert all(len(c.text.split()) <= 20 for c in chunks)
    words = " ".join(c.text for c in chunks).replace(".", "").split()
    assert all(f"kata{i}" in words for i in range(50))  # nothing is lost
