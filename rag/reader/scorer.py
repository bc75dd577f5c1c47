"""The candidate scorer: a logistic regression over :data:`rag.reader.features.FEATURES`, and the
abstention threshold chosen on held-out predictions. Fitted by :mod:`rag.reader.train`; the
weights, the feature scaling and the threshold are the JSON file ``scorer.json`` beside this
module, so every decision can be read off as a weight per feature.

    >>> s = CandidateScorer(("a",), [0.0], [1.0], [2.0], 0.0, 0.5)
    >>> round(float(s.probabilities([[1.0]])[0]), 3)
    0.881
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("scorer.json")


@dataclass(frozen=True)
class CandidateScorer:
    features: tuple[str, ...]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float  # answer when P(the best candidate is right) reaches this
    second_threshold: float = 0.5  # a further sentence joins a multi-part answer above this
    # P(right) of the best candidate, from the question-level features of ANSWERABILITY
    answer_coef: tuple[float, ...] = ()
    answer_intercept: float = 0.0
    notes: str = ""

    def answerability(self, probs: np.ndarray, rows: list[list[float]]) -> float:
        """Calibrated probability that answering with the best candidate is right."""
        if not len(probs):
            return 0.0
        x = answerability_features(probs, rows, self.features)
        if not self.answer_coef:
            return x[0]
        return float(1.0 / (1.0 + np.exp(-(np.dot(x, self.answer_coef) + self.answer_intercept))))

    def probabilities(self, rows: list[list[float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = (np.asarray(rows, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.coef) + self.intercept)))

    def to_json(self) -> dict:
        return {
            "features": list(self.features), "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale], "coef": [round(v, 6) for v in self.coef],
            "intercept": round(self.intercept, 6), "threshold": round(self.threshold, 4),
            "second_threshold": round(self.second_threshold, 4),
            "answer_coef": [round(v, 6) for v in self.answer_coef], "answer_intercept": round(self.answer_intercept, 6),
            "notes": self.notes,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> CandidateScorer:
        return cls(
            tuple(data["features"]), data["mean"], data["scale"], data["coef"], data["intercept"],
            data["threshold"], data.get("second_threshold", 0.5), tuple(data.get("answer_coef", ())),
            data.get("answer_intercept", 0.0), data.get("notes", ""),
        )  # fmt: skip


# Question-level evidence that the best candidate is the answer (not merely the best of bad ones).
ANSWERABILITY = ("best_prob", "margin", "names_article", "names_missing", "coverage_article",
                 "coverage_sentence", "category_fit", "type_fit")  # fmt: skip


def answerability_features(probs: np.ndarray, rows: list[list[float]], features: tuple[str, ...]) -> list[float]:
    order = np.argsort(-probs)
    best = rows[int(order[0])]
    second = float(probs[order[1]]) if len(order) > 1 else 0.0
    named = [best[features.index(f)] for f in ANSWERABILITY[2:]]
    return [float(probs[order[0]]), float(probs[order[0]]) - second, *named]


@lru_cache(maxsize=1)
def load_scorer(path: Path = MODEL_PATH) -> CandidateScorer:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: fit the reader with `rag train`")
    return CandidateScorer.from_json(json.loads(path.read_text(encoding="utf-8")))
