from rag.answer.wording import human_date, trim_quote
from rag.facts import find_counts


def test_trim_quote_keeps_the_number():
    long = "Kata " * 80 + "sebanyak 616 personel diterjunkan " + "lagi " * 80
    counts = find_counts(long)
    piece = trim_quote(long, counts, 120)
    assert "616 personel" in piece and len(piece) <= 122


def test_dates_in_words():
    assert human_date("2024-11-22", "id") == "22 November 2024"
    assert human_date("2024-08", "en") == "August 2024"
