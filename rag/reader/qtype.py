"""The kind of answer a question wants, learned from labelled questions (no phrase lists).

A multinomial logistic regression over sparse binary features of the question: the classes of
its question words (``knowledge/data/interrogatives.tsv``) and where they stand, its words, word
pairs and first words (chat spelling is normalised before). Fitted by :mod:`rag.reader.train`; the weights are
the JSON file ``qtype.json`` beside this module.

    >>> predict_type("Berapa personel yang dikerahkan Polres Banyuasin?")   # doctest: +SKIP
    'count'
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("qtype.json")
ANSWER_TYPES = ("count", "breakdown", "aggregate", "who", "where", "when", "yesno", "list", "summary", "open")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=1)
def interrogatives() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(class, phrases) of ``knowledge/data/interrogatives.tsv``: the closed class of question words."""
    path = Path(__file__).resolve().parent.parent / "knowledge" / "data" / "interrogatives.tsv"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cls, _, words = line.partition("\t")
            rows.append((cls.strip(), tuple(w.strip() for w in words.split("|") if w.strip())))
    return tuple(rows)


@lru_cache(maxsize=1)
def _by_first_word() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """First word -> (words of the phrase, class) of every question word or phrase."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for cls, phrases in interrogatives():
        for phrase in phrases:
            parts = tuple(phrase.split())
            index.setdefault(parts[0], []).append((parts, cls))
    return {w: tuple(v) for w, v in index.items()}


def interrogative_classes(words: list[str]) -> list[tuple[int, str]]:
    """(word position, class) of every question word or phrase in ``words``."""
    index = _by_first_word()
    found = []
    for i, word in enumerate(words):
        for parts, cls in index.get(word, ()):
            if tuple(words[i : i + len(parts)]) == parts:
                found.append((i, cls))
    return sorted(found)


def question_features(text: str) -> list[str]:
    """Binary feature names of a question (its normalised, lower-case text)."""
    words = _WORD.findall(text.lower())
    classes = interrogative_classes(words)
    feats = [f"q={cls}" for _, cls in classes]
    feats += [f"qfirst={cls}" for i, cls in classes if i == classes[0][0]]
    feats += [f"qstart={cls}" for i, cls in classes if i == 0]
    feats += [f"w={w}" for w in words]
    feats += [f"b={a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    feats += [f"f1={w}" for w in words[:1]] + [f"f2={'_'.join(words[:2])}"] + [f"f3={'_'.join(words[:3])}"]
    return list(dict.fromkeys(feats))


@dataclass(frozen=True)
class QuestionTypeModel:
    """Vocabulary, classes and weights of the fitted classifier."""

    vocabulary: dict[str, int]
    classes: tuple[str, ...]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)

    def vector(self, text: str) -> np.ndarray:
        x = np.zeros(len(self.vocabulary))
        idx = [self.vocabulary[f] for f in question_features(text) if f in self.vocabulary]
        if idx:
            x[idx] = 1.0 / math.sqrt(len(idx))
        return x

    def probabilities(self, text: str) -> dict[str, float]:
        z = self.coef @ self.vector(text) + self.intercept
        z = np.exp(z - z.max())
        p = z / z.sum()
        return dict(zip(self.classes, p.tolist(), strict=True))

    def predict(self, text: str) -> str:
        probs = self.probabilities(text)
        return max(probs, key=probs.get)

    def to_json(self) -> dict:
        return {
            "classes": list(self.classes),
            "vocabulary": self.vocabulary,
            "coef": np.round(self.coef, 5).tolist(),
            "intercept": np.round(self.intercept, 5).tolist(),
        }

    @classmethod
    def from_json(cls, data: dict) -> QuestionTypeModel:
        return cls(data["vocabulary"], tuple(data["classes"]), np.array(data["coef"]), np.array(data["intercept"]))


def fit_question_types(texts: list[str], labels: list[str], c: float = 16.0, min_count: int = 1) -> QuestionTypeModel:
    """Fit the classifier (deterministic: lbfgs, fixed order)."""
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for t in texts:
        for f in question_features(t):
            counts[f] = counts.get(f, 0) + 1
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    empty = QuestionTypeModel(vocabulary, (), np.zeros((0, len(vocabulary))), np.zeros(0))
    x = np.array([empty.vector(t) for t in texts])
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, labels)
    return QuestionTypeModel(vocabulary, tuple(clf.classes_), clf.coef_, clf.intercept_)


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> QuestionTypeModel | None:
    if not path.exists():
        return None
    return QuestionTypeModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def predict_type(text: str) -> str:
    """The answer type of a question; 'open' when no model has been fitted yet."""
    model = load_model()
    return model.predict(text) if model else "open"
