"""The reader end to end on the seed corpus (corpus/), through ``rag.ask``: one test per answer
type that the engine answers correctly today."""

from __future__ import annotations

import re

import pytest

from rag import ask
from rag.cite import check_answer
from rag.reader.compose import NOT_FOUND
from rag.types import Answer

BANYUASIN = "004_4de73d00fb467760.txt"
SUMSEL_STRATEGY = "001_1ba933d7ef9212ed.txt"
OGAN_ILIR = "003_9f4374ffaab7695c.txt"
_QUOTE = re.compile(r"\[(\d+)\]:\s*“([^”]*)”|“([^”]*)”\s*\[(\d+)\]")


def quotes(answer: Answer) -> list[tuple[int, str]]:
    """(marker, quoted text) of every quote in the answer, in both of its forms:
    'fact [n]: “quote”' and '“quote” [n]'."""
    return [(int(m[1] or m[4]), m[2] if m[1] else m[3]) for m in _QUOTE.finditer(answer.text)]


def assert_cited_faithfully(answer: Answer) -> None:
    """Every marker points at a citation, and every quote is the cited passage's own words."""
    assert answer.answerable and answer.citations
    assert check_answer(answer.text, answer.citations) == []
    found = quotes(answer)
    assert found, answer.text
    for marker, quote in found:
        for piece in quote.split("…"):
            assert piece.strip() in answer.citations[marker - 1].text, (marker, piece)


def lead_fact(answer: Answer) -> str:
    """What the answer states before its first marker."""
    return answer.text.split(" [", 1)[0]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Berapa personel yang diterjunkan Polres Banyuasin untuk mengamankan Pilkada 2024?", "616 personel"),
        ("How many officers did Polres Banyuasin deploy to secure the 2024 regional election?", "616 personnel"),
    ],
)
def test_count(seed_index, question, expected):
    answer = ask(question, index_dir=seed_index)
    assert answer.text.startswith(expected + " [1]")
    assert answer.citations[0].source == BANYUASIN
    assert_cited_faithfully(answer)


def test_count_of_an_asked_category(seed_index):
    answer = ask("Berapa personel Satuan Brimob yang ditambahkan di tingkat PPK?", index_dir=seed_index)
    assert answer.text.startswith("4 personel [1]")
    assert answer.citations[0].source == SUMSEL_STRATEGY
    assert_cited_faithfully(answer)


@pytest.mark.parametrize(
    "question, person, source",
    [
        ("Siapa Pangdam II/Sriwijaya yang menerima kunjungan Kapolda Sumsel?", "Naudi Nurdika", SUMSEL_STRATEGY),
        ("Who is the police chief of Ogan Ilir?", "Bagus Suryo Wibowo", OGAN_ILIR),
    ],
)
def test_who(seed_index, question, person, source):
    answer = ask(question, index_dir=seed_index)
    assert person in lead_fact(answer)
    assert answer.citations[0].source == source
    assert_cited_faithfully(answer)


@pytest.mark.parametrize(
    "question, language",
    [
        ("When will the Pilkada Damai declaration with Polda Sumsel and Forkompinda be held?", "en"),
        ("Kapan deklarasi Pilkada Damai bersama Polda Sumsel dan Forkompinda digelar?", "id"),
    ],
)
def test_when(seed_index, question, language):
    answer = ask(question, index_dir=seed_index)
    assert answer.text.startswith("18 November 2024 [1]")
    assert answer.language == language
    assert answer.citations[0].source == SUMSEL_STRATEGY
    assert_cited_faithfully(answer)


def test_yes_no(seed_index):
    answer = ask("Apakah sudah ditemukan personel Polres Ogan Ilir yang melanggar netralitas?", index_dir=seed_index)
    assert answer.text.startswith("Tidak.")
    assert "belum ditemukan" in answer.text
    assert answer.citations[0].source == OGAN_ILIR
    assert_cited_faithfully(answer)


@pytest.mark.parametrize(
    "question, language",
    [
        ("Berapa personel yang dikerahkan Polres Garut?", "id"),
        ("How many personnel did Polres Garut deploy?", "en"),
        # a unit of the corpus with a category it does not report
        ("Berapa personel Brimob yang dikerahkan Polres Banyuasin?", "id"),
    ],
)
def test_unanswerable_is_declined_in_the_question_language(seed_index, question, language):
    answer = ask(question, index_dir=seed_index)
    assert answer.answerable is False
    assert answer.citations == []
    assert answer.language == language
    assert answer.text == NOT_FOUND[language]


@pytest.mark.parametrize(
    "question, source",
    [
        ("Ringkas pengamanan Pilkada oleh Polres Banyuasin.", BANYUASIN),
        ("Ringkas berita pengamanan Pilkada di Ogan Ilir.", OGAN_ILIR),
    ],
)
def test_summary_quotes_one_report(seed_index, question, source):
    answer = ask(question, index_dir=seed_index)
    assert_cited_faithfully(answer)
    assert 2 <= len(quotes(answer)) <= 3
    assert {c.source for c in answer.citations} == {source}
    assert len(answer.text) < 600
    assert len(set(answer.highlights)) == len(answer.highlights) == len(quotes(answer))


def test_chat_spelling(seed_index):
    answer = ask("brp personel yg diturunin polres banyuasin?", index_dir=seed_index)
    assert answer.question == "brp personel yg diturunin polres banyuasin?"
    assert answer.language == "id"
    assert answer.text.startswith("616 personel [1]")
    assert answer.citations[0].source == BANYUASIN
    assert_cited_faithfully(answer)


def test_one_citation_per_article():
    from rag.reader.engine import cite_article
    from rag.types import Passage

    later = Passage("a-2", "a.txt", 2, "Kalimat kedua dari bagian akhir.")
    earlier = Passage("a-0", "a.txt", 0, "Kalimat pertama dari bagian awal.")
    other = Passage("b-0", "b.txt", 0, "Artikel lain.")
    citations: list[Passage] = []
    assert [cite_article(citations, p) for p in (later, other, earlier, later)] == [1, 2, 1, 1]
    assert [c.source for c in citations] == ["a.txt", "b.txt"]
    merged = citations[0]
    assert merged.id == "a-0" and merged.position == 0
    assert merged.text.index(earlier.text) < merged.text.index(later.text)  # in article order


@pytest.fixture(scope="module")
def planted_index(tmp_path_factory):
    """The seeds and one more article that gives Polres Banyuasin's deployment another figure."""
    import shutil

    from conftest import SEEDS
    from rag import ingest

    corpus = tmp_path_factory.mktemp("planted")
    for f in SEEDS.iterdir():
        shutil.copy(f, corpus / f.name)
    (corpus / "zz_planted.txt").write_text(
        "Polres Banyuasin Terjunkan Personel Amankan Pilkada\n\nBANYUASIN - Polres Banyuasin menerjunkan "
        "9.999 personel untuk mengamankan Pilkada 2024 di Kabupaten Banyuasin, Jumat (22/11/2024).\n"
    )
    index = tmp_path_factory.mktemp("planted-index")
    ingest(corpus_dir=corpus, index_dir=index, progress=False)
    return index


@pytest.mark.parametrize("question, said", [("Berapa personel yang diterjunkan Polres Banyuasin?", "sumber lain menyebut"),
                                            ("How many personnel did Polres Banyuasin deploy?", "another source reports")])  # fmt: skip
def test_sources_that_disagree_are_both_quoted(planted_index, question, said):
    answer = ask(question, index_dir=planted_index)
    assert [c.source for c in answer.citations] == ["004_4de73d00fb467760.txt", "zz_planted.txt"]
    assert re.match(r"616 person\w+ \[1\]", answer.text)
    assert f"{said} 9.999 person" in answer.text and "[2]" in answer.text
    assert check_answer(answer.text, answer.citations) == []


def test_agreeing_or_other_events_are_not_disputed(seed_index):
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=seed_index)
    assert "sumber lain" not in answer.text and len(answer.citations) == 1


def test_two_sided_where_question_is_not_a_comparison():
    from rag.reader.engine import is_comparison

    # "Where did the police chief and the TNI commander attend ...": two sides, but a place is asked
    assert not is_comparison({"where": 0.6, "aggregate": 0.1, "count": 0.1, "open": 0.2})
    # a comparison of two figures, even when the classifier is unsure
    assert is_comparison({"aggregate": 0.2, "count": 0.3, "who": 0.3, "open": 0.2})
    # too unlikely to be a comparison at all
    assert not is_comparison({"count": 0.99, "aggregate": 0.01})


def test_a_count_asked_for_one_stage_is_not_read_from_an_article_about_another():
    from collections import Counter

    from rag.query import analyze_question
    from rag.reader.candidates import sentence_candidates
    from rag.reader.engine import eligible, question_context
    from rag.types import Passage

    articles = {
        "daftar.txt": "Polda Sultra menurunkan 879 personel untuk menjaga kantor KPU pada hari pendaftaran.",
        "debat.txt": "Polda Sultra menyiagakan 450 personel untuk mengamankan debat kedua di Kendari.",
    }
    passages = [Passage(f"c{i}", s, 0, t) for i, (s, t) in enumerate(articles.items())]
    cands = sentence_candidates(passages)
    q = analyze_question("Berapa personel Polda Sultra yang mengamankan debat di Kendari?")
    ctx = question_context(q, Counter(), 2, lambda s: set(), articles.get, {"count": 1.0})
    assert dict(zip([c.passage.source for c in cands], eligible(ctx, cands), strict=True)) == {
        "daftar.txt": False, "debat.txt": True,
    }
