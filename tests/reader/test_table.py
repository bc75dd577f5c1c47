"""Questions across the corpus answered from the deployment facts table of the seed and dev
articles: superlatives, lists and totals, each figure cited to its article."""

from __future__ import annotations

import pytest

from conftest import ROOT, SEEDS
from rag.deployments import extract_facts, relate
from rag.query import analyze_question
from rag.reader.table import answer_from_table, asked
from rag.types import Article, ArticleMeta

DEV = ROOT / "tests" / "data" / "dev-articles"


@pytest.fixture(scope="module")
def facts():
    from rag.ingestion import prepare_article
    from rag.settings import Settings

    rows = []
    for folder in (SEEDS, DEV):
        for path in sorted(folder.glob("*.txt")):
            rows += extract_facts(prepare_article(path, folder, Settings()))
    return relate(rows)


@pytest.mark.parametrize(("question", "kind"), [
    ("Polres mana yang paling banyak mengerahkan personel?", "most"),
    ("Which regency police deployed the most personnel?", "most"),
    ("Which unit deployed the fewest personnel for the campaign?", "least"),
    ("Satuan mana saja yang mengerahkan personel di Sumsel, dan berapa?", "list"),
    ("brp total personel yg diturunin di sumsel?", "total"),
])  # fmt: skip
def test_what_a_table_question_asks(question, kind):
    assert asked(question).kind == kind


@pytest.mark.parametrize("question", [
    "Berapa personel yang dikerahkan Polres Banyuasin?",  # one unit: the passage reader's
    "Mana yang lebih banyak: Polres Malang atau Polresta Sidoarjo?",  # a comparison of two named units
    "Berapa TPS yang ada di Sumsel?",  # not personnel
    "Berapa personel yang dikerahkan untuk pilkada?",  # no superlative, list or total over a place
])  # fmt: skip
def test_questions_that_are_not_table_questions(question):
    assert asked(question) is None


def test_the_unit_that_deployed_the_most(facts):
    a = answer_from_table(analyze_question("Polres mana yang paling banyak mengerahkan personel?"), facts)
    assert a.text.startswith("Polres Malang mengerahkan personel terbanyak: 8.896 personel gabungan [1].")
    assert a.citations[0].source == "d01_polres-malang.txt" and a.engine == "facts-table"
    assert "8.896" in a.highlights[0]
    english = answer_from_table(analyze_question("Which regency police deployed the most personnel?"), facts)
    assert english.text.startswith("Polres Malang deployed the most personnel: 8,896")


def test_a_list_cites_every_figure_to_its_article(facts):
    a = answer_from_table(analyze_question("Satuan mana saja yang mengerahkan personel di Sumatera Selatan?"), facts)
    assert a.text.startswith("4 satuan tercatat mengerahkan personel: Polda Sumatera Selatan 1.472 [1]; Polres Banyuasin 616 [2]")
    sources = [c.source for c in a.citations]
    assert sources[:2] == ["d16_polda-sumsel.txt", "004_4de73d00fb467760.txt"] and len(sources) == 4
    for n, citation in enumerate(a.citations, start=1):
        figure = a.text.split(f" [{n}]")[0].rsplit(" ", 1)[-1]
        assert figure in citation.text  # the cited sentence holds the figure as written


def test_no_total_where_rows_may_overlap(facts):
    # the Polda's 1.472 and its Polres' figures may count the same people: no sum is made
    a = answer_from_table(analyze_question("Berapa total personel yang dikerahkan di Sumsel?"), facts)
    assert a.text.startswith("Tabel fakta tidak memungkinkan satu total")
    assert "1.472" in a.text and "616" in a.text and "2.894" not in a.text


def test_a_total_of_rows_that_do_not_overlap():
    text = "Polres {unit} menerjunkan {n} personel untuk pengamanan pemungutan suara Pilkada."
    rows = relate(
        extract_facts(Article("a.txt", text.format(unit="Banyuasin", n="616"), ArticleMeta(), ""))
        + extract_facts(Article("b.txt", text.format(unit="Ogan Ilir", n="331"), ArticleMeta(), ""))
        + extract_facts(Article("c.txt", text.format(unit="Muba", n="475"), ArticleMeta(), ""))
    )  # fmt: skip
    a = answer_from_table(analyze_question("Berapa total personel yang dikerahkan di Sumatera Selatan?"), rows)
    assert a.text.startswith("Total 1.422 personel dari 3 laporan yang tidak saling tumpang tindih:")
    assert [c.source for c in a.citations] == ["a.txt", "c.txt", "b.txt"]  # largest first
    english = answer_from_table(analyze_question("How many personnel in total in South Sumatra?"), rows)
    assert english.text.startswith("1,422 personnel in all, from 3 reports")


def test_rows_of_one_article_or_one_unit_are_left_to_the_reader(facts):
    one = [f for f in facts if f.source == "d16_polda-sumsel.txt"]
    assert answer_from_table(analyze_question("Satuan mana saja yang mengerahkan personel di Sumsel?"), one) is None


def test_asking_through_the_pipeline_uses_the_table(tmp_path):
    import shutil

    from rag import ask, ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("d16_polda-sumsel.txt", "d17_polres-ogan-ilir.txt", "d18_polres-muba.txt"):
        shutil.copy(DEV / name, corpus / name)
    ingest(corpus_dir=corpus, index_dir=tmp_path / "index", progress=False)
    a = ask("Satuan mana saja yang mengerahkan personel di Sumsel?", index_dir=tmp_path / "index")
    assert a.answerable and a.engine == "facts-table"
    assert a.text.startswith("3 satuan tercatat mengerahkan personel: Polda Sumatera Selatan 1.472 [1]")
    assert {c.source for c in a.citations} == {"d16_polda-sumsel.txt", "d17_polres-ogan-ilir.txt", "d18_polres-muba.txt"}


def test_a_question_about_one_kind_of_people_counts_the_parts_of_that_kind(facts):
    # the 700 Brimob of Polda Sumsel are a part of its 1.472: a question about Brimob lists them
    a = answer_from_table(analyze_question("Which units sent Brimob officers, and where?"), facts)
    assert a.text.startswith("2 units are reported deploying Brimob personnel: Polda Sumatera Selatan 700 [1];")
    assert "(Muna, Sulawesi Tenggara)" in a.text  # 'where' asked: the place of a unit not named after it
    tni = answer_from_table(analyze_question("siapa aja yg nurunin personel tni?"), facts)
    assert tni.text.startswith("3 satuan tercatat mengerahkan personel TNI: Polda Jawa Barat sekitar 9.897 [1]")


def test_a_comparison_of_two_units_with_one_figure_each(facts):
    a = answer_from_table(analyze_question("Which deployed more personnel, Polres Ogan Ilir or Polres Muba?"), facts)
    assert a.text == ("Polres Musi Banyuasin deployed more: 475 personnel [1], against 331 for Polres Ogan Ilir [2].")
    assert [c.source for c in a.citations] == ["d18_polres-muba.txt", "d17_polres-ogan-ilir.txt"]
    # Polres Malang reports two figures (the roll call and the whole force): the passage reader decides
    assert answer_from_table(analyze_question("Mana yang lebih banyak: Polres Malang atau Polresta Sidoarjo?"), facts) is None


def test_a_side_that_asks_for_one_kind_of_people_takes_that_part():
    text = ("Polres Banjar menyiagakan lebih dari 300 personel gabungan, terdiri dari sekitar 250 personel Polri "
            "dan 50 prajurit TNI, untuk pengamanan pemungutan suara di Kota Banjar, Jawa Barat.")
    other = "Polres Pangandaran menerjunkan 428 personel untuk pengamanan pemungutan suara."
    rows = relate(extract_facts(Article("a.txt", text, ArticleMeta(), ""))
                  + extract_facts(Article("b.txt", other, ArticleMeta(), "")))  # fmt: skip
    q = analyze_question("Bandingkan jumlah personel Polri yang diterjunkan Polres Banjar dengan personel Polres Pangandaran")
    a = answer_from_table(q, rows)
    assert a.text == "Polres Pangandaran lebih banyak: 428 personel [1], dibanding Polres Banjar sekitar 250 personel [2]."


def test_a_total_over_a_region_with_one_unit_is_left_to_the_reader():
    text = "Polres Banyuasin menerjunkan {n} personel untuk pengamanan {stage} Pilkada."
    rows = relate(
        extract_facts(Article("a.txt", text.format(n="616", stage="pemungutan suara"), ArticleMeta(), ""))
        + extract_facts(Article("b.txt", text.format(n="120", stage="debat"), ArticleMeta(), ""))
    )  # fmt: skip
    assert len({f.source for f in rows}) == 2
    assert answer_from_table(analyze_question("Berapa total personel yang dikerahkan di Banyuasin?"), rows) is None
