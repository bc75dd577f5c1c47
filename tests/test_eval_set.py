"""The project's own question set (eval/qa.jsonl) is well formed and its gold strings are real."""

from collections import Counter

from conftest import ROOT, SEEDS
from rag.evaluate import load_questions

QA = load_questions(ROOT / "eval" / "qa.jsonl")


def test_size_languages_and_types():
    assert len(QA) >= 40
    assert len({q["id"] for q in QA}) == len(QA)
    langs = Counter(q["lang"] for q in QA)
    assert langs["id"] >= 15 and langs["en"] >= 15
    types = {q["type"] for q in QA}
    assert {"count", "who", "where", "when", "aggregate", "unanswerable"} <= types


def test_every_gold_string_occurs_in_its_source():
    for q in QA:
        if q["type"] == "unanswerable":
            assert q["any_of"] == [] and q["sources"] == []
            continue
        text = " ".join((SEEDS / s).read_text(encoding="utf-8") for s in q["sources"])
        for group in q["any_of"]:
            assert any(v in text for v in group), (q["id"], group)
