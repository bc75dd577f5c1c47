"""Fitting the reader: labels, folds, the abstention threshold, and a reproducible run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import ROOT
from rag.reader.scorer import CandidateScorer
from rag.reader.train import FOLDS, choose_threshold, fold_of, label_candidates, train


def test_only_sentences_of_a_gold_article_are_positive():
    item = {"type": "count", "any_of": [["616"]], "sources": ["corpus/004_banyuasin.txt"]}
    sentences = [
        ("004_banyuasin.txt", "Polres Banyuasin menerjunkan 616 personel."),
        ("009_other.txt", "Polres lain juga menerjunkan 616 personel."),
        ("004_banyuasin.txt", "Apel digelar di Mapolres."),
    ]
    labels, cover = label_candidates(item, sentences)
    assert labels == [1, 0, 0]
    assert cover == [1.0, 0.0, 0.0]


def test_a_sentence_with_every_group_is_positive():
    item = {"type": "aggregate", "any_of": [["616"], ["4 personel"]], "sources": ["a.txt"]}
    labels, cover = label_candidates(item, [
        ("a.txt", "Polres menerjunkan 616 personel dan 4 personel Brimob."),
        ("a.txt", "Sebanyak 616 personel diterjunkan."),
        ("a.txt", "Apel digelar pagi ini."),
    ])  # fmt: skip
    assert labels == [1, 0, 0]
    assert cover == [1.0, 0.5, 0.0]


def test_the_best_partial_sentence_is_positive_when_it_holds_half():
    item = {"type": "aggregate", "any_of": [["616"], ["4 personel"]], "sources": ["a.txt", "b.txt"]}
    labels, cover = label_candidates(item, [
        ("a.txt", "Polres Banyuasin menerjunkan 616 personel."),
        ("b.txt", "Ditambah 4 personel Brimob di tingkat PPK."),
        ("b.txt", "Apel digelar pagi ini."),
    ])  # fmt: skip
    assert cover == [0.5, 0.5, 0.0]
    assert labels == [1, 1, 0]


def test_the_best_partial_sentence_below_half_is_negative():
    item = {"type": "aggregate", "any_of": [["616"], ["4 personel"], ["241"]], "sources": ["a.txt"]}
    labels, cover = label_candidates(item, [("a.txt", "Sebanyak 616 personel."), ("a.txt", "Apel digelar.")])
    assert cover == [pytest.approx(1 / 3), 0.0]
    assert labels == [0, 0]


def test_polarity_groups_are_left_out():
    item = {"type": "yesno", "any_of": [["Tidak", "No"], ["belum ditemukan"]], "sources": ["a.txt"]}
    labels, cover = label_candidates(item, [
        ("a.txt", "Hingga kini belum ditemukan personel yang melanggar."),
        ("a.txt", "Tidak ada kendala berarti."),
    ])  # fmt: skip
    assert labels == [1, 0]
    assert cover == [1.0, 0.0]


def test_an_answer_of_polarity_only_labels_nothing():
    item = {"type": "yesno", "any_of": [["Ya", "Yes"]], "sources": ["a.txt"]}
    labels, cover = label_candidates(item, [("a.txt", "Ya, pengamanan berjalan lancar."), ("a.txt", "Apel digelar.")])
    assert labels == [0, 0] and cover == [0.0, 0.0]


def test_an_unanswerable_question_labels_nothing():
    item = {"type": "unanswerable", "any_of": [], "sources": []}
    assert label_candidates(item, [("a.txt", "Polres menerjunkan 616 personel.")]) == ([0], [0.0])


@pytest.mark.parametrize("kind, expected", [("summary", [1, 1, 0]), ("aggregate", [0, 0, 0])])
def test_a_summary_takes_any_sentence_holding_a_part(kind, expected):
    item = {"type": kind, "any_of": [["616"], ["Brimob"], ["kondusif"]], "sources": ["a.txt"]}
    labels, _ = label_candidates(item, [
        ("a.txt", "Polres Banyuasin menerjunkan 616 personel."),
        ("a.txt", "Situasi tetap kondusif."),
        ("a.txt", "Apel digelar pagi ini."),
    ])  # fmt: skip
    assert labels == expected


GROUPS = ["c.txt", "a.txt", "e.txt", "b.txt", "a.txt", "f.txt", "d.txt", "c.txt", "g.txt", "a.txt"]


def test_folds_are_deterministic_and_independent_of_order():
    folds = fold_of(GROUPS)
    assert fold_of(GROUPS) == folds
    assert set(folds) <= set(range(FOLDS)) and len(set(folds)) == FOLDS
    shuffled = GROUPS[::-1]
    assert dict(zip(shuffled, fold_of(shuffled), strict=True)) == dict(zip(GROUPS, folds, strict=True))


def test_a_fold_never_splits_one_group():
    folds = fold_of(GROUPS)
    fold_of_group: dict[str, set[int]] = {}
    for group, fold in zip(GROUPS, folds, strict=True):
        fold_of_group.setdefault(group, set()).add(fold)
    assert len(fold_of_group) == 7
    assert {g: len(f) for g, f in fold_of_group.items()} == {g: 1 for g in fold_of_group}


def test_threshold_with_the_best_held_out_accuracy():
    outcomes = [  # (P(right), right, answerable)
        (0.51, True, True),  # right only when answered: threshold <= 0.51
        (0.50, False, False),  # unanswerable, right only when declined: threshold > 0.50
        (0.80, True, True),  # threshold <= 0.80
        (0.30, False, False),  # threshold > 0.30
        (0.70, False, True),  # wrong whether answered or declined
    ]
    # only 0.51 gets the first four right (no smoothing: the raw curve)
    threshold, accuracy = choose_threshold(outcomes, window=0)
    assert threshold == pytest.approx(0.51)
    assert accuracy == pytest.approx(0.8)


def test_threshold_prefers_a_plateau_to_a_spike():
    # a lone unanswerable at 0.30 makes 0.31 the single best point; from 0.40 to 0.70 the accuracy
    # is one question lower but stays there: the smoothed curve picks the plateau
    outcomes = [(0.30, False, False), (0.32, True, True), (0.33, True, True), (0.34, False, False),
                (0.36, True, True), (0.38, False, False)]  # fmt: skip
    outcomes += [(0.71 + i / 100, True, True) for i in range(10)] + [(0.39 - i / 1000, False, False) for i in range(3)]
    raw, _ = choose_threshold(outcomes, window=0)
    smoothed, accuracy = choose_threshold(outcomes)
    assert raw != smoothed
    assert 0.39 <= smoothed <= 0.71
    assert accuracy == pytest.approx(np.mean([(p >= smoothed and r) if a else p < smoothed for p, r, a in outcomes]))


def test_threshold_declines_every_unanswerable():
    threshold, accuracy = choose_threshold([(0.9, True, True), (0.6, False, False), (0.2, False, False)])
    assert 0.6 < threshold <= 0.9
    assert accuracy == pytest.approx(1.0)


def test_training_twice_writes_identical_models(seed_index, tmp_path):
    qa = ROOT / "eval" / "qa.jsonl"
    first = train([qa], [], index_dir=seed_index, out_dir=tmp_path / "a")
    second = train([qa], [], index_dir=seed_index, out_dir=tmp_path / "b")
    for name in ("scorer.json", "qtype.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    scorer = CandidateScorer.from_json(json.loads((tmp_path / "a" / "scorer.json").read_text(encoding="utf-8")))
    assert scorer.threshold == first["threshold"]
    assert first == second
    figures = first["cross_validated"][str(qa)]
    questions = sum(1 for line in qa.read_text(encoding="utf-8").splitlines() if line.strip())
    assert figures["questions"] == first["questions"] == questions
    assert 0.0 <= figures["accuracy"] <= 1.0
    assert "type:count" in figures and "lang:en" in figures
    assert (tmp_path / "a" / "cv_answers.jsonl").read_text(encoding="utf-8").count("\n") == questions
