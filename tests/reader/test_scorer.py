"""The candidate scorer: serialisation, monotonicity, answerability, and the committed model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.reader.features import FEATURES
from rag.reader.scorer import ANSWERABILITY, MODEL_PATH, CandidateScorer, load_scorer


def small_scorer(**changes) -> CandidateScorer:
    fields = dict(features=("count_fit", "coverage_sentence"), mean=[0.5, 0.25], scale=[0.5, 2.0],
                  coef=[1.5, -0.75], intercept=-0.125, threshold=0.4, second_threshold=0.6,
                  answer_coef=(0.5,) * len(ANSWERABILITY), answer_intercept=-0.25, notes="test")  # fmt: skip
    return CandidateScorer(**{**fields, **changes})


def test_json_round_trip():
    scorer = small_scorer()
    restored = CandidateScorer.from_json(json.loads(json.dumps(scorer.to_json())))
    assert restored == scorer
    rows = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    assert restored.probabilities(rows).tolist() == scorer.probabilities(rows).tolist()


def test_json_without_the_optional_fields_gets_their_defaults():
    data = small_scorer().to_json()
    for key in ("second_threshold", "answer_coef", "answer_intercept", "notes"):
        del data[key]
    restored = CandidateScorer.from_json(data)
    assert (restored.second_threshold, restored.answer_coef, restored.notes) == (0.5, (), "")


def test_probability_rises_with_a_positive_weight_feature():
    scorer = small_scorer()  # count_fit has weight +1.5
    probs = scorer.probabilities([[0.0, 0.5], [0.5, 0.5], [1.0, 0.5]])
    assert np.all(np.diff(probs) > 0)
    assert np.all((probs > 0) & (probs < 1))


def test_probability_falls_with_a_negative_weight_feature():
    probs = small_scorer().probabilities([[0.5, 0.0], [0.5, 1.0], [0.5, 2.0]])  # coverage weight -0.75
    assert np.all(np.diff(probs) < 0)


def test_no_rows_no_probabilities():
    assert small_scorer().probabilities([]).shape == (0,)


def test_answerability_without_answer_weights_is_the_best_probability():
    scorer = CandidateScorer(FEATURES, [0.0] * len(FEATURES), [1.0] * len(FEATURES), [0.0] * len(FEATURES), 0.0, 0.5)
    rows = [[0.0] * len(FEATURES) for _ in range(3)]
    assert scorer.answerability(np.array([0.2, 0.7, 0.4]), rows) == pytest.approx(0.7)
    assert scorer.answerability(np.zeros(0), []) == 0.0


def test_answerability_with_answer_weights_rises_with_the_best_probability():
    n = len(FEATURES)
    scorer = CandidateScorer(FEATURES, [0.0] * n, [1.0] * n, [0.0] * n, 0.0, 0.5,
                             answer_coef=(3.0,) + (0.0,) * (len(ANSWERABILITY) - 1), answer_intercept=-1.0)  # fmt: skip
    rows = [[0.0] * n, [0.0] * n]
    low, high = (scorer.answerability(np.array([p, 0.1]), rows) for p in (0.3, 0.9))
    assert 0.0 < low < high < 1.0


def test_committed_scorer_matches_the_current_features():
    scorer = CandidateScorer.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    assert scorer.features == FEATURES, "rag/reader/scorer.json is stale: refit with `rag train`"
    assert len(scorer.mean) == len(scorer.scale) == len(scorer.coef) == len(FEATURES)
    assert 0.0 < scorer.threshold < 1.0
    assert len(scorer.answer_coef) in (0, len(ANSWERABILITY))
    assert load_scorer() == scorer
