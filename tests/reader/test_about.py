"""Questions about a report itself (publication date, outlet), answered from its metadata."""

from __future__ import annotations

import pytest

from rag import ask
from rag.reader.about import answer_about_report, report_field
from rag.reader.compose import NOT_FOUND
from rag.types import Passage

BANYUASIN = "004_4de73d00fb467760.txt"
SULTRA_SCENARIO = "002_ca57d45a584e3733.txt"


@pytest.mark.parametrize(
    "question, field",
    [
        ("On what date was the report about Polres Banyuasin's 616 personnel published?", "date"),
        ("Kapan berita tentang 616 personel Polres Banyuasin diterbitkan?", "date"),
        ("Which news outlet reported Polda Sultra's security scenario?", "outlet"),
        ("Media apa yang memberitakan apel Polres Ogan Ilir?", "outlet"),
        ("Kapan Polres Banyuasin menerjunkan 616 personel?", None),  # about the content
        ("When were the election results published by the KPU?", None),  # no report noun
        ("Berapa personel yang diterjunkan Polres Banyuasin?", None),
    ],
)
def test_report_field(question, field):
    assert report_field(question) == field


def test_publication_date_in_the_question_language(seed_index):
    en = ask("On what date was the report about Polres Banyuasin's 616 personnel published?", index_dir=seed_index)
    assert en.text.startswith("22 November 2024 [1]")
    assert [c.source for c in en.citations] == [BANYUASIN]
    id_ = ask("Kapan berita tentang 616 personel Polres Banyuasin diterbitkan?", index_dir=seed_index)
    assert id_.text.startswith("22 November 2024 [1]")
    assert id_.citations[0].date == "2024-11-22"


def test_outlet_with_its_dateline(seed_index):
    answer = ask("Which news outlet reported Polda Sultra's Pilkada security scenario, and from which city?",
                 index_dir=seed_index)  # fmt: skip
    assert answer.text.startswith("SULTRAKINI.COM, Kendari [1]")
    assert answer.citations[0].source == SULTRA_SCENARIO
    assert answer.citations[0].title in answer.text  # the headline is quoted as it is


def test_a_field_the_article_lacks_is_not_invented():
    undated = Passage("c1", "a.txt", 0, "Polres Muna menurunkan 484 personel.", title="Polres Muna siaga", outlet="X")
    answer = answer_about_report("Kapan berita ini diterbitkan?", "date", "id", [undated])
    assert not answer.answerable and answer.text == NOT_FOUND["id"] and answer.citations == []
    assert answer_about_report("Which outlet ran it?", "outlet", "en", []).text == NOT_FOUND["en"]
