"""General evidence that a sentence answers a question, as numbers in [0, 1] for the scorer.

Nothing here names a unit, a place or a phrase: the features measure how a candidate sentence
meets the question's slots (what is counted, whose people, which entities, which kind of fact)
and how close it is to the question's words, weighted by their rarity in the corpus.

    >>> FEATURES[:3]
    ('article_rank', 'passage_score', 'coverage_sentence')
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.analyzer import analyze, tokenize
from rag.facts import Count, place_head, place_head_words, place_kind
from rag.knowledge.categories import relations_in, stages_in
from rag.query import Question, canonical, concept_stems, hit
from rag.reader.candidates import Candidate, sentence_facts

# What answers an open question (why, how, what for) differs from what answers a count: the
# sentence explains (a connective of reason, purpose or means), adds words the question does not
# have, and is rarely the lede with the headline figure. Each is weighted by P(open), so the
# scorer learns them from the open questions without moving the weights of the other types.
OPEN_FEATURES = ("coverage_context", "novelty", "relation", "relation_near", "has_count", "lead")
# Answer types whose fit is measured; each gets a feature "fit_<type>" = P(type) x fit.
FIT_TYPES = ("count", "breakdown", "aggregate", "who", "when", "where", "list")
BASE_FEATURES = (
    "article_rank", "passage_score", "coverage_sentence", "coverage_context", "coverage_article",
    "names_sentence", "names_article", "names_missing", "type_fit", "count_fit", "count_own_terms",
    "category_fit", "category_asked", "counts_many", "question_number_in_sentence", "person_new", "name_new",
    "date_new", "place_new", "unit_new", "is_title", "lead", "length", "distance",
    "stage_asked", "stage_context", "stage_article", "kind_conflict",
    "entity_sentence", "entity_article", "entity_missing", "entity_conflict", "relation_fit",
    "place_head_asked", "place_head_fit",
    *(f"fit_{t}" for t in FIT_TYPES),
    *(f"open_{f}" for f in OPEN_FEATURES),
)  # fmt: skip
# Compared with the best candidate of the same question: how far below the best this one is.
RELATIVE = ("coverage_sentence", "coverage_context", "names_sentence", "type_fit", "count_own_terms", "passage_score")
FEATURES = BASE_FEATURES + tuple(f"{f}_gap" for f in RELATIVE)

_CAPITALISED = re.compile(r"\b[A-Z][\w-]+")
KINDS = frozenset({"pilkada", "pemilu"})


@dataclass(frozen=True)
class ArticleValues:
    coverage: float  # rarity-weighted coverage of the question's concepts by the article and title
    names: list[bool]  # each name of the question: all its words in the article or title
    stages: frozenset[str]  # the election stages the article names


@dataclass
class QuestionContext:
    """What every candidate of one question is compared with, computed once per question."""

    question: Question
    type_probs: dict[str, float]
    weights: list[float]  # rarity weight of each concept of the question
    names: list[set[str]]  # lower-case distinctive words of each name in the question
    asked_tokens: set[str]
    asked_numbers: set[str]
    article_terms: Callable[[str], set[str]]
    article_text: Callable[[str], str]
    stages: frozenset[str] = frozenset()  # election stages the question names (debate, voting...)
    entities: frozenset[str] = frozenset()  # linked units and regions of the question
    relations: frozenset[str] = frozenset()  # asked relations: reason (why), means (how)
    place_heads: frozenset[str] = frozenset()  # the kind of place asked for ('lapangan', 'pelabuhan')
    article_entities: Callable[[str], frozenset[str]] = lambda source: frozenset()
    kinds: frozenset[str] = frozenset()  # pilkada / pemilu
    # each region the question names, as the codes it can stand for ('Malang': kabupaten or kota)
    regions: tuple[frozenset[str], ...] = ()
    _terms_cache: dict[str, set[str]] = field(default_factory=dict)
    _article_cache: dict[tuple[str, str], ArticleValues] = field(default_factory=dict)
    _word_cache: dict[str, str] = field(default_factory=dict)

    def article_values(self, source: str, title: str) -> ArticleValues:
        """What the features take from a candidate's whole article (computed once per article)."""
        key = (source, title)
        if key not in self._article_cache:
            text = self.article_text(source)
            lower = f"{text} {title}".lower()
            self._article_cache[key] = ArticleValues(
                coverage=self.coverage(self.article_terms(source) | self.terms(title)),
                names=[all(w in lower for w in n) for n in self.names],
                stages=stages_in(f"{title} {text}"),
            )  # fmt: skip
        return self._article_cache[key]

    def article_stages(self, source: str) -> frozenset[str]:
        """The election stages an article names (its title included when it is in its text)."""
        return self.article_values(source, "").stages

    def word_stem(self, word: str) -> str:
        """The canonical stem of one word ('' for a stop word)."""
        if word not in self._word_cache:
            self._word_cache[word] = canonical(next(iter(analyze(word)), ""))
        return self._word_cache[word]

    def terms(self, text: str) -> set[str]:
        if text not in self._terms_cache:
            self._terms_cache[text] = {canonical(t) for t in analyze(text)}
        return self._terms_cache[text]

    def coverage(self, terms: set[str]) -> float:
        total = sum(self.weights) or 1.0
        return sum(w for c, w in zip(self.question.concepts, self.weights, strict=True) if hit(c, terms)) / total


def rarity_weights(concepts: list[frozenset[str]], df: Counter, n_docs: int) -> list[float]:
    return [max(math.log(1 + n_docs / (df.get(s, 0) + 1)) for s in concept_stems(c)) for c in concepts]


def fitting_counts(q: Question, facts_counts: tuple[Count, ...], asked_numbers: set[str]) -> list[Count]:
    """Counts of what the question counts (personnel unless it names another class), not written
    in the question itself."""
    wanted = q.counted_class or "personnel"
    return [
        c for c in facts_counts
        if (c.noun_class == wanted or (wanted == "personnel" and not c.noun_class and c.categories))
        and c.number.replace(".", "").replace(",", "") not in asked_numbers
    ]  # fmt: skip


def category_fit(q: Question, counts: list[Count], cand: Candidate) -> float:
    """1 when a count's own phrase names the asked category (TNI, Brimob...), 0.5 when the
    sentence or the one before does, 0 when neither (1 when no category is asked)."""
    if not q.categories:
        return 1.0
    if any(set(q.categories) & set(c.categories) for c in counts):
        return 1.0
    nearby = f"{cand.previous} {cand.sentence}".lower()
    return 0.5 if any(re.search(rf"\b{re.escape(cat)}", nearby) for cat in q.categories) else 0.0


def _distance(cand: Candidate, ctx: QuestionContext, anchor: int | None) -> float:
    """1 / (1 + words between the answer and the nearest word of the question)."""
    if anchor is None:
        return 0.0
    words = list(re.finditer(r"\w+", cand.sentence))
    stems = set().union(*(concept_stems(c) for c in ctx.question.concepts)) if ctx.question.concepts else set()
    at = [i for i, m in enumerate(words) if ctx.word_stem(m.group(0)) in stems]
    if not at:
        return 0.0
    pos = sum(1 for m in words if m.start() < anchor)
    return 1.0 / (1 + min(abs(pos - i) for i in at))


def featurize(cand: Candidate, ctx: QuestionContext, best_passage_score: float) -> list[float]:
    q, facts = ctx.question, cand.facts
    sent_terms = ctx.terms(cand.sentence)
    context_terms = sent_terms | ctx.terms(cand.previous) | ctx.terms(cand.following)
    sentence_lower = cand.sentence.lower()
    article = ctx.article_values(cand.passage.source, cand.passage.title)
    names_in_sentence = [all(w in sentence_lower for w in n) for n in ctx.names]
    names_in_article = article.names

    counts = fitting_counts(q, facts.counts, ctx.asked_numbers)
    own_terms = max((ctx.coverage(ctx.terms(c.phrase)) for c in counts), default=0.0)
    new_people = [p for p in facts.people if set(tokenize(p)) - ctx.asked_tokens]
    new_plain = [p for p in facts.names if set(tokenize(p)) - ctx.asked_tokens]
    new_units = [u for u in facts.units if set(tokenize(u)) - ctx.asked_tokens]
    new_caps = [w for w in _CAPITALISED.findall(cand.sentence[1:]) if w.lower() not in ctx.asked_tokens]
    new_dates = [d for d in facts.dates if d.lower() not in q.text.lower()]
    new_places = [p for p in facts.places if set(tokenize(p)) - ctx.asked_tokens - place_head_words()]
    new_venues = [p for p in new_places if place_kind(p) != "admin"]
    place_new = 1.0 if new_venues else (0.5 if new_places else 0.0)
    fits = {
        "count": 1.0 if counts else 0.0,
        "aggregate": 1.0 if counts else 0.0,
        "breakdown": min(len(counts), 2) / 2,
        "who": 1.0 if new_people else (0.3 if new_units or new_plain else 0.0),
        "when": 1.0 if new_dates else 0.0,
        "where": max(place_new, 0.6 if new_units or new_caps else 0.0),
        "list": 1.0 if (new_units or new_caps) else 0.0,
    }
    type_fit = sum(p * fits.get(t, 1.0) for t, p in ctx.type_probs.items())
    context_stages = stages_in(f"{cand.previous} {cand.sentence} {cand.following}")
    article_stages = article.stages
    article_kinds = article_stages & KINDS
    near_entities = facts.entities | sentence_facts(cand.previous).entities | sentence_facts(cand.following).entities
    art_entities = ctx.article_entities(cand.passage.source)
    asked_units = {e for e in ctx.entities if ":" in e}
    unit_kinds = {e.split(":")[0] for e in asked_units}
    conflict = bool(asked_units) and not asked_units & facts.entities and any(
        e.split(":")[0] in unit_kinds for e in facts.entities if ":" in e
    )
    p_place = ctx.type_probs.get("where", 0.0) + ctx.type_probs.get("list", 0.0)
    per_type = {f"fit_{t}": ctx.type_probs.get(t, 0.0) * fits[t] for t in FIT_TYPES}
    anchor = counts[0].start if counts else None
    p_open = ctx.type_probs.get("open", 0.0)
    asked_stems = set().union(*(concept_stems(c) for c in q.concepts)) if q.concepts else set()
    content = {t for t in sent_terms if not t.isdigit()}
    novelty = len(content - asked_stems) / len(content) if content else 0.0
    relation_near = bool(ctx.relations & relations_in(f"{cand.sentence} {cand.following}"))
    open_values = {
        "coverage_context": ctx.coverage(context_terms), "novelty": novelty,
        "relation": 1.0 if ctx.relations & relations_in(cand.sentence) else 0.0,
        "relation_near": 1.0 if relation_near else 0.0, "has_count": 1.0 if facts.counts else 0.0,
        "lead": 1.0 / (1 + cand.position),
    }  # fmt: skip
    numbers_here = {n.number.replace(".", "").replace(",", "") for n in facts.counts}
    values = {
        "article_rank": 1.0 / (1 + cand.article_rank),
        "passage_score": cand.passage.score / best_passage_score if best_passage_score > 0 else 0.0,
        "coverage_sentence": ctx.coverage(sent_terms),
        "coverage_context": ctx.coverage(context_terms),
        "coverage_article": article.coverage,
        "names_sentence": sum(names_in_sentence) / len(ctx.names) if ctx.names else 1.0,
        "names_article": sum(names_in_article) / len(ctx.names) if ctx.names else 1.0,
        "names_missing": 0.0 if all(names_in_article) else 1.0,
        "type_fit": type_fit,
        "count_fit": 1.0 if counts else 0.0,
        "count_own_terms": own_terms,
        "category_fit": category_fit(q, counts, cand),
        "category_asked": 1.0 if q.categories else 0.0,
        "counts_many": min(len(counts), 4) / 4,
        "question_number_in_sentence": 1.0 if ctx.asked_numbers & numbers_here else 0.0,
        "person_new": 1.0 if new_people else 0.0,
        "name_new": 1.0 if new_plain else 0.0,
        "date_new": 1.0 if new_dates else 0.0,
        "place_new": place_new,
        "unit_new": 1.0 if new_units else 0.0,
        "is_title": 1.0 if cand.is_title else 0.0,
        "lead": 1.0 / (1 + cand.position),
        "length": min(len(cand.sentence.split()), 60) / 60,
        "distance": _distance(cand, ctx, anchor),
        "stage_asked": 1.0 if ctx.stages else 0.0,
        "stage_context": len(ctx.stages & context_stages) / len(ctx.stages) if ctx.stages else 1.0,
        "stage_article": len(ctx.stages & article_stages) / len(ctx.stages) if ctx.stages else 1.0,
        "kind_conflict": 1.0 if ctx.kinds and article_kinds and not ctx.kinds & article_kinds else 0.0,
        "entity_sentence": len(ctx.entities & near_entities) / len(ctx.entities) if ctx.entities else 1.0,
        "entity_article": len(ctx.entities & art_entities) / len(ctx.entities) if ctx.entities else 1.0,
        "entity_missing": 1.0 if ctx.entities - art_entities else 0.0,
        "entity_conflict": 1.0 if conflict else 0.0,
        "relation_fit": 1.0 if ctx.relations & relations_in(cand.sentence) else 0.0,
        "place_head_asked": p_place if ctx.place_heads else 0.0,
        "place_head_fit": p_place if any(place_head(p) in ctx.place_heads for p in new_places) else 0.0,
        **per_type,
        **{f"open_{f}": p_open * v for f, v in open_values.items()},
    }
    return [values[f] for f in BASE_FEATURES]


def add_relative(rows: list[list[float]]) -> list[list[float]]:
    """Append, for each feature in RELATIVE, the candidate's value minus the question's best."""
    if not rows:
        return rows
    idx = [BASE_FEATURES.index(f) for f in RELATIVE]
    best = [max(r[i] for r in rows) for i in idx]
    return [r + [r[i] - b for i, b in zip(idx, best, strict=True)] for r in rows]
