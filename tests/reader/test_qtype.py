"""The question-type classifier: its features, its fit and the committed model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.query import analyze_question
from rag.reader.qtype import QuestionTypeModel, fit_question_types, load_model, question_features

LABELLED = [
    ("Berapa personel yang diterjunkan Polres Banyuasin?", "count"),
    ("How many personnel did Polres Muna deploy?", "count"),
    ("Berapa jumlah TPS rawan di Kabupaten Garut?", "count"),
    ("Siapa Kapolres Ogan Ilir?", "who"),
    ("Who is the police chief of Ogan Ilir?", "who"),
    ("Siapa Danrem 044/Gapo yang memimpin apel?", "who"),
    ("Kapan deklarasi Pilkada Damai digelar?", "when"),
    ("When will the declaration be held?", "when"),
    ("Kapan pemungutan suara Pilkada dilaksanakan?", "when"),
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Berapa personel yang dikerahkan Polres Muna?", "q=quantity"),
        ("How many personnel did Polres Muna deploy?", "q=quantity"),
        ("Siapa Kapolres Ogan Ilir?", "q=person"),
        ("When will the declaration be held?", "q=time"),
        ("Apakah ada TPS rawan di Banyuasin?", "q=yesno"),
        ("Ringkas pengamanan Pilkada di Sumsel.", "q=summary"),
    ],
)
def test_question_features_name_the_interrogative_class(question, expected):
    assert expected in question_features(question)


def test_a_statement_has_no_interrogative_features():
    feats = question_features("Polres Muna menurunkan 484 personel.")
    assert "w=personel" in feats
    assert [f for f in feats if f.startswith(("q=", "qfirst=", "qstart="))] == []


def test_fit_is_deterministic():
    texts, labels = zip(*LABELLED, strict=True)
    first = fit_question_types(list(texts), list(labels))
    second = fit_question_types(list(texts), list(labels))
    assert first.vocabulary == second.vocabulary
    assert first.classes == second.classes == ("count", "when", "who")
    assert np.array_equal(first.coef, second.coef)
    assert np.array_equal(first.intercept, second.intercept)


def test_fitted_model_learns_its_examples():
    texts, labels = zip(*LABELLED, strict=True)
    model = fit_question_types(list(texts), list(labels))
    assert [model.predict(t) for t in texts] == list(labels)


def test_json_round_trip_keeps_the_probabilities():
    texts, labels = zip(*LABELLED, strict=True)
    model = fit_question_types(list(texts), list(labels))
    restored = QuestionTypeModel.from_json(json.loads(json.dumps(model.to_json())))
    assert restored.classes == model.classes and restored.vocabulary == model.vocabulary
    for text in ["Berapa personel Brimob yang dikirim?", "Siapa Kapolda Sumsel?", "When was it held?"]:
        assert restored.probabilities(text) == pytest.approx(model.probabilities(text), abs=1e-4)
        assert restored.predict(text) == model.predict(text)
    # a second round trip changes nothing: the stored file is a fixed point
    assert QuestionTypeModel.from_json(restored.to_json()).to_json() == restored.to_json()


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Berapa personel yang dikerahkan Polres Banyuasin?", "count"),
        ("How many personnel did Polres Banyuasin deploy?", "count"),
        ("Siapa Kapolres Ogan Ilir?", "who"),
        ("Who is the police chief of Ogan Ilir?", "who"),
        ("Kapan deklarasi Pilkada Damai digelar?", "when"),
        ("When will the declaration be held?", "when"),
        ("Apakah ada TPS rawan di Banyuasin?", "yesno"),
        ("Is there any violation of neutrality?", "yesno"),
        ("Ringkas pengamanan Pilkada oleh Polres Banyuasin.", "summary"),
        ("Summarize the Polres Banyuasin report.", "summary"),
    ],
)
def test_committed_model_predicts_clear_questions(question, expected):
    model = load_model()
    assert model is not None, "rag/reader/qtype.json is missing"
    assert model.predict(question) == expected


@pytest.mark.parametrize(
    "chat, normalised_word, expected",
    [
        ("brp personel yg diturunin polres banyuasin?", "berapa", "count"),
        ("kpn deklarasi pilkada damai digelar?", "kapan", "when"),
    ],
)
def test_committed_model_on_chat_spelling_after_normalisation(chat, normalised_word, expected):
    q = analyze_question(chat)
    assert normalised_word in q.text.split() and q.original == chat
    assert load_model().predict(q.text) == expected
    assert q.qtype == expected
