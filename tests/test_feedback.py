"""Feedback on answers: stored as JSON lines, exported as evaluation cases, from the UI handler."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from rag.feedback import export_cases, read, record
from rag.settings import Settings
from rag.types import Answer, Passage

BANYUASIN = Passage("c1", "004_banyuasin.txt", 0, "Polres Banyuasin menerjunkan 616 personel.")


def answer(question: str, text: str, **kw) -> Answer:
    return Answer(question, text, True, [BANYUASIN], [BANYUASIN], "id", "extractive", **kw)


def test_record_and_read(tmp_path):
    path = tmp_path / "fb" / "feedback.jsonl"
    record(path, answer("Berapa personel Polres Banyuasin?", "616 personel [1]"), True, "  tepat\nsekali ")
    (item,) = read(path)
    assert item.liked and item.comment == "tepat sekali" and item.sources == ["004_banyuasin.txt"]
    assert item.question == "Berapa personel Polres Banyuasin?" and item.engine == "extractive" and item.time


def test_concurrent_writers_never_interleave_and_a_torn_line_is_skipped(tmp_path):
    path = tmp_path / "feedback.jsonl"
    long_comment = "x" * 1500
    threads = [threading.Thread(target=record, args=(path, answer(f"Pertanyaan {i}?", "616 [1]"), i % 2 == 0, long_comment))
               for i in range(40)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with path.open("a") as f:
        f.write('{"question": "torn')  # a crash mid-write
    items = read(path)
    assert len(items) == 40 and {i.question for i in items} == {f"Pertanyaan {i}?" for i in range(40)}


def test_a_line_torn_inside_a_character_is_skipped(tmp_path):
    path = tmp_path / "feedback.jsonl"
    record(path, answer("Berapa personel?", "616 [1]"), True)
    with path.open("ab") as f:
        f.write('{"question": "é'.encode()[:-1])  # cut inside the two bytes of é
    assert [i.question for i in read(path)] == ["Berapa personel?"]


def test_export_makes_cases_to_complete(tmp_path):
    path = tmp_path / "feedback.jsonl"
    record(path, answer("Berapa personel Polres Banyuasin?", "616 personel [1]"), True)
    record(path, answer("How many soldiers did Kodim 0401 send?", "616 personnel [1]"), False, "wrong unit")
    record(path, answer("Kalau di Ogan Ilir?", "331 personel [1]", resolved_question="Berapa personel Polres Ogan Ilir?"), True)
    cases = export_cases(path)
    assert [c["question"] for c in cases] == ["Berapa personel Polres Banyuasin?", "How many soldiers did Kodim 0401 send?",
                                              "Berapa personel Polres Ogan Ilir?"]  # fmt: skip
    liked, disliked, follow_up = cases
    assert liked["answer"] == "616 personel [1]" and liked["sources"] == ["004_banyuasin.txt"] and liked["any_of"] == []
    assert liked["type"] == "count" and liked["lang"] == "id"
    assert disliked["answer"] == "" and disliked["rejected_answer"] == "616 personnel [1]" and disliked["sources"] == []
    assert disliked["lang"] == "en" and disliked["comment"] == "wrong unit"
    assert [c["feedback"] for c in export_cases(path, "down")] == ["down"]


def test_cli_export(tmp_path):
    path = tmp_path / "feedback.jsonl"
    record(path, answer("Berapa personel Polres Banyuasin?", "616 personel [1]"), True)
    out = tmp_path / "cases.jsonl"
    done = subprocess.run([sys.executable, "-m", "rag", "feedback", "export", "--file", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 cases written" in done.stderr
    assert json.loads(out.read_text())["question"] == "Berapa personel Polres Banyuasin?"


def test_unwritable_feedback_file_is_a_sentence(tmp_path):
    from rag.errors import RagError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(RagError, match="could not save the feedback"):
        record(blocker / "feedback.jsonl", answer("q?", "a"), True)


def test_ui_feedback_on_an_answer(seed_index, tmp_path):
    from rag.ui import ChatHandlers

    path = tmp_path / "feedback.jsonl"
    handlers = ChatHandlers(Settings.from_env(index_dir=seed_index, feedback_file=path))
    *_, (history, *_rest) = handlers.respond("Berapa personel yang diterjunkan Polres Banyuasin?", [])
    assert handlers.feedback(history, 0, True).startswith("**Gagal")  # a user message is not rated
    status = handlers.feedback(history, 1, False, "angka benar tapi kutipan panjang", "en")
    assert status == "Thank you, your rating was saved."
    (item,) = read(path)
    assert not item.liked and "616" in item.answer and item.sources == ["004_4de73d00fb467760.txt"]
    assert item.question == "Berapa personel yang diterjunkan Polres Banyuasin?" and item.comment.startswith("angka")
