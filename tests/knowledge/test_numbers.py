import doctest

import pytest

from rag.knowledge import numbers
from rag.knowledge.numbers import (
    NumberValue,
    find_numbers,
    format_en,
    format_id,
    parse_digits,
    parse_number,
)


def test_docstring_examples():
    assert doctest.testmod(numbers).failed == 0


@pytest.mark.parametrize(
    "text,value",
    [
        ("1.542", 1542),
        ("19.752", 19752),
        ("1,2 juta", 1_200_000),
        ("15 ribu", 15_000),
        ("2 rb", 2_000),
        ("1.234.567,89", 1_234_567.89),
        ("2,5", 2.5),
        ("0,5", 0.5),
        ("1,542", 1542),
        ("1.2 million", 1_200_000),
        ("1,234,567.89", 1_234_567.89),
        ("Rp 1,5 miliar", 1_500_000_000),
        ("616", 616),
    ],
)
def test_digits_in_both_conventions(text, value):
    n = parse_number(text)
    assert n is not None and n.value == pytest.approx(value) and not n.approximate
    assert n.text == text


def test_language_hint_settles_a_lone_separator():
    assert parse_digits("1.542", "en") == 1.542
    assert parse_digits("1,542", "id") == 1.542
    assert parse_digits("1.542", "id") == 1542


@pytest.mark.parametrize(
    "text,value",
    [
        ("tiga", 3),
        ("lima belas", 15),
        ("sebelas", 11),
        ("sepuluh", 10),
        ("dua puluh satu", 21),
        ("seratus", 100),
        ("seribu", 1000),
        ("dua ribu lima ratus", 2500),
        ("dua ratus lima puluh tiga", 253),
        ("satu juta", 1_000_000),
        ("seratus ribu", 100_000),
        ("three", 3),
        ("fifteen", 15),
        ("two hundred", 200),
        ("two hundred and fifty", 250),
        ("twenty-one", 21),
        ("a hundred", 100),
        ("one million two hundred thousand", 1_200_000),
    ],
)
def test_number_words_in_both_languages(text, value):
    assert parse_number(text).value == value


@pytest.mark.parametrize(
    "text,low,high",
    [
        ("belasan", 11, 19),
        ("puluhan", 20, 99),
        ("ratusan", 100, 999),
        ("ribuan", 1000, 9999),
        ("puluhan ribu", 20_000, 99_000),
        ("hundreds", 100, 999),
        ("thousands", 1000, 9999),
        ("hundreds of thousands", 100_000, 999_000),
        ("200-300", 200, 300),
        ("300 hingga 400", 300, 400),
        ("antara 200 dan 300", 200, 300),
    ],
)
def test_vague_counts_and_ranges(text, low, high):
    n = parse_number(text)
    assert (n.approximate, n.low, n.high, n.value) == (True, low, high, low)


@pytest.mark.parametrize(
    "text,value,low,high",
    [
        ("lebih dari 1.000", 1000, 1000, None),
        ("more than 1,000", 1000, 1000, None),
        ("1.000 lebih", 1000, 1000, None),
        ("1.000-an", 1000, 1000, None),
        ("sedikitnya 500", 500, 500, None),
        ("hampir 500", 500, None, 500),
        ("nearly 2,000", 2000, None, 2000),
        ("kurang dari 50", 50, None, 50),
        ("sekitar 200", 200, None, None),
        ("kurang lebih 300", 300, None, None),
        ("about 200", 200, None, None),
    ],
)
def test_qualified_numbers_are_approximate(text, value, low, high):
    assert parse_number(text) == NumberValue(value, True, low, high, text)


@pytest.mark.parametrize("text", ["", "abc", "personel", "dua tiga", "27 November"])
def test_non_numbers(text):
    assert parse_number(text) is None


def _found(text: str) -> list[tuple[str, float]]:
    return [(m.text, m.value) for m in find_numbers(text)]


def test_find_numbers_in_running_text():
    text = "Polres Banyuasin menerjunkan 1.542 personel, dibantu dua ratus prajurit dan ratusan linmas."
    mentions = find_numbers(text)
    assert [(m.text, m.value) for m in mentions] == [
        ("1.542", 1542),
        ("dua ratus", 200),
        ("ratusan", 100),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert mentions[2].number.approximate and mentions[2].number.high == 999


def test_find_numbers_keeps_qualifiers():
    assert _found("Sekitar 200 personel dan lebih dari 1,2 juta pemilih") == [
        ("Sekitar 200", 200),
        ("lebih dari 1,2 juta", 1_200_000),
    ]
    assert _found("More than 1,000 officers and two hundred soldiers") == [
        ("More than 1,000", 1000),
        ("two hundred", 200),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Pilkada 2024 digelar serentak",
        "pada 27 November 2024",
        "pada November 27, 2024",
        "Senin (25/11/2024)",
        "tanggal 25-11-2024",
        "apel pukul 08.00 WIB",
        "pukul 8.30",
        "dimulai 14.30 WITA",
        "at 08:00",
        "Kodim 0825 dan Yonif 725",
        "Korem 043/Gatam",
        "TPS 05 dan TPS 12",
        "hari ke-3, Covid-19, the 3rd day",
        "salah satu TPS",
        "one of the officers",
        "25-27 November",
        "nomor urut 2",
    ],
)
def test_years_dates_times_codes_and_ordinals_are_not_counts(text):
    assert find_numbers(text) == []


def test_year_like_number_before_a_counted_noun_is_a_count():
    assert _found("2000 personel disiagakan pada 2024") == [("2000", 2000)]


def test_rupiah_and_attached_scale():
    assert _found("Rp1,2 miliar untuk 15rb orang") == [
        ("1,2 miliar", 1_200_000_000),
        ("15rb", 15_000),
    ]


def test_formatting_computed_totals():
    assert format_id(1542) == "1.542"
    assert format_en(1542) == "1,542"
    assert format_id(1_500_000) == "1.500.000"
    assert format_id(2.5) == "2,5"
    assert format_en(1234.567) == "1,234.57"
    assert format_en(12.0) == "12"
