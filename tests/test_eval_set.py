"""The project's own question sets (eval/qa.jsonl, eval/train, eval/heldout) are well formed and
their gold strings are real."""

from collections import Counter

from conftest import ROOT, SEEDS
from rag.evaluate import load_questions

QA = load_questions(ROOT / "eval" / "qa.jsonl")


def checked_gold_strings(questions: list[dict], articles) -> int:
    """How many answer groups were found in their source articles (asserting each one is)."""
    checked = 0
    for q in questions:
        if q["type"] == "unanswerable":
            assert q["any_of"] == [] and q["sources"] == []
            continue
        text = " ".join((articles / s).read_text(encoding="utf-8") for s in q["sources"])
        for group in q["any_of"]:
            assert any(v in text for v in group), (q["id"], group)
            checked += 1
    return checked


def test_size_languages_and_types():
    assert len(QA) >= 40
    assert len({q["id"] for q in QA}) == len(QA)
    langs = Counter(q["lang"] for q in QA)
    assert langs["id"] >= 15 and langs["en"] >= 15
    types = {q["type"] for q in QA}
    assert {"count", "who", "where", "when", "aggregate", "unanswerable"} <= types


def test_every_gold_string_occurs_in_its_source():
    assert checked_gold_strings(QA, SEEDS) >= 40


TRAIN = ROOT / "eval" / "train"
TRAIN_QA = load_questions(TRAIN / "qa.jsonl")


def test_training_set_size_languages_and_types():
    assert len(TRAIN_QA) >= 250 and len(list((TRAIN / "articles").glob("*.txt"))) >= 60
    assert len({q["id"] for q in TRAIN_QA}) == len(TRAIN_QA)
    langs = Counter(q["lang"] for q in TRAIN_QA)
    assert langs["en"] >= 0.35 * len(TRAIN_QA)
    types = Counter(q["type"] for q in TRAIN_QA)
    assert {"count", "breakdown", "aggregate", "who", "where", "when", "yesno", "open", "list", "summary"} <= set(types)
    assert types["unanswerable"] >= 0.08 * len(TRAIN_QA)


def test_every_training_gold_string_occurs_in_its_source():
    assert checked_gold_strings(TRAIN_QA, TRAIN / "articles") > 300


HELDOUT = ROOT / "eval" / "heldout"
HELDOUT_QA = load_questions(HELDOUT / "qa.jsonl")


def test_heldout_set_is_apart_from_the_training_set():
    held = {p.name for p in (HELDOUT / "articles").glob("*.txt")}
    assert len(held) >= 20 and len(HELDOUT_QA) >= 100
    assert not held & {p.name for p in (TRAIN / "articles").glob("*.txt")}
    assert not {q["id"] for q in HELDOUT_QA} & {q["id"] for q in TRAIN_QA}
    assert {s for q in HELDOUT_QA for s in q["sources"]} <= held


def test_every_heldout_gold_string_occurs_in_its_source():
    assert checked_gold_strings(HELDOUT_QA, HELDOUT / "articles") > 150
