"""Features of candidate sentences against a question, on small hand-written articles."""

from __future__ import annotations

from collections import Counter

import pytest

from rag.analyzer import analyze
from rag.query import analyze_question, canonical
from rag.reader.candidates import sentence_candidates
from rag.reader.engine import question_context
from rag.reader.features import BASE_FEATURES, FEATURES, add_relative, featurize
from rag.types import Passage

MUNA = "Apel gelar pasukan digelar di halaman Mapolres pada Senin pagi. Polres Muna menurunkan 484 personel untuk pengamanan Pilkada di seluruh TPS."
GARUT = "Polres Garut menggelar apel pengamanan Pilkada di alun-alun. Warga memadati lokasi sejak pagi."
BRIMOB = "Polda Sultra mengirim 100 personel Brimob ke Kabupaten Muna untuk membantu pengamanan Pilkada."


def feature_rows(question: str, articles: dict[str, str]) -> tuple[list[str], list[list[float]]]:
    """(candidate sentences, feature rows after add_relative) of ``articles`` (one passage each,
    in the given order) for ``question``, with the question's context from ``question_context``."""
    passages = [Passage(f"{s}#0", s, 0, text, score=1.0 - 0.1 * i) for i, (s, text) in enumerate(articles.items())]

    def article_terms(source: str) -> set[str]:
        return {canonical(t) for t in analyze(articles[source])}

    df = Counter(t for source in articles for t in article_terms(source))
    ctx = question_context(analyze_question(question), df, len(articles), article_terms, articles.__getitem__)
    cands = sentence_candidates(passages)
    rows = add_relative([featurize(c, ctx, max(p.score for p in passages)) for c in cands])
    return [c.sentence for c in cands], rows


def featurize_articles(question: str, articles: dict[str, str]) -> dict[str, dict[str, float]]:
    """Feature values by name, per candidate sentence."""
    sentences, rows = feature_rows(question, articles)
    assert len(rows) == len(sentences) > 0
    return {s: dict(zip(FEATURES, row, strict=True)) for s, row in zip(sentences, rows, strict=True)}


def test_the_answer_sentence_beats_a_distractor():
    feats = featurize_articles(
        "Berapa personel yang dikerahkan Polres Muna untuk Pilkada?", {"muna.txt": MUNA, "garut.txt": GARUT}
    )
    answer = feats["Polres Muna menurunkan 484 personel untuk pengamanan Pilkada di seluruh TPS."]
    distractor = feats["Polres Garut menggelar apel pengamanan Pilkada di alun-alun."]
    for name in ("count_fit", "entity_sentence", "coverage_sentence"):
        assert answer[name] > distractor[name], name
    assert answer["count_fit"] == 1.0 and answer["entity_sentence"] == 1.0


def test_entity_missing_when_the_article_lacks_the_asked_unit():
    feats = featurize_articles(
        "Berapa personel yang dikerahkan Polres Muna untuk Pilkada?", {"muna.txt": MUNA, "garut.txt": GARUT}
    )
    assert feats["Polres Garut menggelar apel pengamanan Pilkada di alun-alun."]["entity_missing"] == 1.0
    assert feats["Warga memadati lokasi sejak pagi."]["entity_missing"] == 1.0
    assert feats["Polres Muna menurunkan 484 personel untuk pengamanan Pilkada di seluruh TPS."]["entity_missing"] == 0.0


def test_no_article_names_an_absent_unit():
    feats = featurize_articles("Berapa personel yang dikerahkan Polres Cianjur?", {"muna.txt": MUNA, "garut.txt": GARUT})
    assert [f["entity_missing"] for f in feats.values()] == [1.0] * 4


def test_category_fit_needs_the_asked_category_in_the_count():
    feats = featurize_articles("Berapa personel Brimob yang dikerahkan ke Muna?", {"muna.txt": MUNA, "brimob.txt": BRIMOB})
    with_category = feats[BRIMOB]
    without = feats["Polres Muna menurunkan 484 personel untuk pengamanan Pilkada di seluruh TPS."]
    assert (with_category["count_fit"], without["count_fit"]) == (1.0, 1.0)  # both count personnel
    assert with_category["category_fit"] == 1.0
    assert without["category_fit"] == 0.0
    assert with_category["category_asked"] == without["category_asked"] == 1.0


def test_category_fit_is_neutral_when_no_category_is_asked():
    feats = featurize_articles("Berapa personel yang dikerahkan ke Muna?", {"muna.txt": MUNA, "brimob.txt": BRIMOB})
    assert [f["category_fit"] for f in feats.values()] == [1.0] * 3
    assert [f["category_asked"] for f in feats.values()] == [0.0] * 3


def test_a_row_after_add_relative_has_every_feature():
    sentences, rows = feature_rows("Berapa personel yang dikerahkan Polres Muna?", {"muna.txt": MUNA, "garut.txt": GARUT})
    assert len(sentences) == 4
    assert [len(r) for r in rows] == [len(FEATURES)] * 4


def test_relative_features_are_gaps_to_the_best_candidate():
    feats = featurize_articles("Berapa personel yang dikerahkan Polres Muna?", {"muna.txt": MUNA, "garut.txt": GARUT})
    best = max(f["coverage_sentence"] for f in feats.values())
    for f in feats.values():
        assert f["coverage_sentence_gap"] == pytest.approx(f["coverage_sentence"] - best)
    assert max(f["coverage_sentence_gap"] for f in feats.values()) == 0.0


def test_add_relative_row_length_is_the_feature_count():
    rows = add_relative([[0.0] * len(BASE_FEATURES), [0.5] * len(BASE_FEATURES)])
    assert [len(r) for r in rows] == [len(FEATURES), len(FEATURES)]
    assert add_relative([]) == []


@pytest.mark.parametrize(
    "question, language, heads",
    [
        ("Apel itu digelar di lapangan apa?", "id", {"lapangan"}),
        ("Dari dermaga mana personel diberangkatkan?", "id", {"dermaga"}),
        ("Desa mana saja yang logistiknya diseberangkan lewat laut?", "id", {"desa"}),
        ("From which harbour did the reinforcements leave?", "en", {"pelabuhan"}),  # British spelling
        ("Berapa personel yang dikerahkan di Kota Kendari?", "id", set()),  # a place named, not asked
        ("Where will the debate be held?", "en", set()),  # no kind of place named
    ],
)
def test_the_kind_of_place_asked(question, language, heads):
    from rag.reader.engine import asked_place_heads

    assert asked_place_heads(question, language) == heads


def test_a_place_of_the_asked_kind_is_evidence():
    from rag.query import analyze_question
    from rag.reader.candidates import sentence_candidates
    from rag.reader.engine import question_context
    from rag.reader.features import FEATURES, featurize
    from rag.types import Passage

    q = analyze_question("Di lapangan mana apel pergeseran pasukan Polres Kuningan digelar?")
    text = "Apel pergeseran pasukan digelar di Lapangan Pandapa Paramartha. Apel digelar di Mapolres Kuningan."
    ctx = question_context(q, Counter(), 10, lambda s: set(), lambda s: text, type_probs={"where": 1.0})
    field, venue = sentence_candidates([Passage("c", "k.txt", 0, text)])
    i = FEATURES.index("place_head_fit")
    assert featurize(field, ctx, 1.0)[i] == 1.0
    assert featurize(venue, ctx, 1.0)[i] == 0.0
    assert featurize(field, ctx, 1.0)[FEATURES.index("place_head_asked")] == 1.0
