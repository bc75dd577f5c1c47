"""The public API on the user's seed corpus."""

import pytest

from rag import IndexNotFound, QuestionError, ask
from rag.cite import check_answer, strip_markers


def test_banyuasin_count_in_indonesian(seed_index):
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=seed_index)
    assert answer.answerable and "616" in answer.text
    assert "[1]" in answer.text
    assert answer.citations[0].source == "004_4de73d00fb467760.txt"
    assert "616" in answer.citations[0].text
    assert check_answer(answer.text, answer.citations) == []
    assert len(strip_markers(answer.text)) <= 350
    assert answer.contexts and answer.contexts[0].score >= answer.contexts[-1].score
    c = answer.citations[0]
    assert c.title.startswith("Maksimalkan Pengamanan Pilkada 2024") and c.date == "2024-11-22"


def test_english_question_against_indonesian_article(seed_index):
    answer = ask("How many personnel did Polres Banyuasin deploy?", index_dir=seed_index)
    assert answer.answerable and "616" in answer.text and answer.language == "en"
    assert "personnel" in answer.text


def test_brimob_at_ppk_level(seed_index):
    answer = ask("Berapa personel Brimob yang ditambahkan di tingkat PPK di Sumsel?", index_dir=seed_index)
    assert answer.answerable and "4 personel" in answer.text
    assert answer.citations[0].source == "001_1ba933d7ef9212ed.txt"


def test_unanswerable_is_declined(seed_index):
    answer = ask("Berapa personel yang dikerahkan Polres Surabaya?", index_dir=seed_index)
    assert not answer.answerable
    assert answer.text == "Informasi tersebut tidak ditemukan dalam korpus."
    assert answer.citations == []
    answer = ask("How many soldiers did Polres Ogan Ilir deploy?", index_dir=seed_index)
    assert not answer.answerable and answer.text == "The corpus does not contain this information."


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_get_a_clear_error(seed_index, question):
    with pytest.raises(QuestionError):
        ask(question, index_dir=seed_index)


def test_no_index_yet(tmp_path):
    with pytest.raises(IndexNotFound, match="rag ingest"):
        ask("Berapa personel?", index_dir=tmp_path / "empty")


@pytest.mark.parametrize(
    "filters, message",
    [
        (dict(date_from="27/11/2024"), "write it as 2024-11-27"),
        (dict(date_to="2024-13"), "is not a date"),
        (dict(date_from="2024-12-01", date_to="2024-11"), "the date range is reversed"),
    ],
)
def test_bad_date_filters_are_refused_with_a_sentence(seed_index, filters, message):
    from rag.api import Filters, QuestionError, ask

    with pytest.raises(QuestionError, match=message):
        ask("Berapa personel Polres Banyuasin?", index_dir=seed_index, filters=Filters(**filters))


def test_filters_that_leave_no_article_say_so(seed_index):
    from rag.api import Filters, ask

    answer = ask("Berapa personel Polres Banyuasin?", index_dir=seed_index, filters=Filters(date_from="2023-01", date_to="2023-12"))
    assert not answer.answerable and answer.citations == []
    assert answer.text == "Tidak ada artikel antara 2023-01 dan 2023-12 di korpus: ubah atau kosongkan filter."
    answer = ask("How many personnel did Polres Banyuasin deploy?", index_dir=seed_index, filters=Filters(outlet="Kompas"))
    assert answer.text == "No article from Kompas is in the corpus: change or clear the filters."
    kept = ask("Berapa personel Polres Banyuasin?", index_dir=seed_index, filters=Filters(date_from="2024-11", date_to="2024-11-30"))
    assert kept.answerable and "616" in kept.text  # a filter that keeps the article changes nothing
