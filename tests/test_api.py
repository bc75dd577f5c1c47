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
