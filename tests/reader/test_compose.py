"""How the reader words an answer: polarity, quotes, counted nouns and dates."""

from __future__ import annotations

import pytest

from rag.facts import find_counts
from rag.reader.compose import count_label, human_date, trim_quote, yes_no


@pytest.mark.parametrize(
    "question, sentence, language, expected",
    [
        ("Apakah ada TPS rawan?", "Seluruh TPS tidak rawan.", "id", "Tidak"),
        ("Apakah ada TPS rawan di Banyuasin?", "Terdapat 12 TPS rawan di Banyuasin.", "id", "Ya"),
        ("Apakah sudah ditemukan personel yang melanggar netralitas?",
         "Hingga saat ini belum ditemukan personel yang melanggar netralitas.", "id", "Tidak"),
        ("Apakah belum ada pelanggaran?", "Belum ada pelanggaran yang dilaporkan.", "id", "Ya"),
        # English questions are answered from the Indonesian evidence
        ("Were any personnel found violating neutrality?",
         "Hingga saat ini belum ditemukan personel yang melanggar netralitas.", "en", "No"),
        ("Is the declaration held in Palembang?", "Deklarasi digelar di Palembang.", "en", "Yes"),
        ("Is there no conflict so far?", "Sejauh ini, tidak ada konflik yang berarti.", "en", "Yes"),
        # a prohibition answers "may they?" with no; a closing "atau tidak" / "or not" negates nothing
        ("Apakah personel boleh membawa senjata api?", "Personel dilarang membawa senjata api.", "id", "Tidak"),
        ("Are officers allowed to carry firearms or not?", "Personel dilarang membawa senjata api.", "en", "No"),
        ("Apakah TPS itu dijaga polisi atau tidak?", "TPS itu dijaga dua polisi.", "id", "Ya"),
    ],
)  # fmt: skip
def test_yes_no_polarity(question, sentence, language, expected):
    assert yes_no(question, sentence, language) == expected


def test_a_short_sentence_is_quoted_whole():
    sentence = "Polres Banyuasin menerjunkan sebanyak 616 personel."
    assert trim_quote(sentence, [(38, 41)], 120) == sentence


@pytest.mark.parametrize("at, cut_left, cut_right", [(0, False, True), (40, True, True), (79, True, False)])
def test_a_long_sentence_is_trimmed_around_the_kept_span(at, cut_left, cut_right):
    words = [f"kata{i}" for i in range(80)]
    words[at] = "616 personel"
    sentence = " ".join(words) + "."
    start = sentence.index("616")
    quote = trim_quote(sentence, [(start, start + 3)], 120)
    assert len(sentence) > 500
    assert "616 personel" in quote
    assert len(quote) <= 120
    assert (quote.startswith("…"), quote.endswith("…")) == (cut_left, cut_right)
    assert quote.strip("…") in sentence  # whole words of the sentence, nothing rewritten


@pytest.mark.parametrize(
    "sentence, indonesian, english",
    [
        ("Polres Banyuasin menerjunkan sebanyak 616 personel.", "616 personel", "616 personnel"),
        ("Sebanyak 300 personil diterjunkan ke TPS.", "300 personil", "300 personnel"),
        ("Petugas membawa 2.000 lembar surat suara.", "2.000 lembar", "2.000 ballots"),
    ],
)
def test_count_label_speaks_the_question_language(sentence, indonesian, english):
    count = find_counts(sentence)[0]
    assert count_label(count, "id") == indonesian
    assert count_label(count, "en") == english


@pytest.mark.parametrize(
    "iso, language, expected",
    [
        ("2024-11-22", "id", "22 November 2024"),
        ("2024-12-07", "id", "7 Desember 2024"),
        ("2024-12-07", "en", "7 December 2024"),
        ("2024-08", "id", "Agustus 2024"),
        ("2024-08", "en", "August 2024"),
        ("2024", "id", "2024"),
    ],
)
def test_human_date(iso, language, expected):
    assert human_date(iso, language) == expected
