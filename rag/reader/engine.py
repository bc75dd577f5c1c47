"""The offline reader: score every sentence of the retrieved articles with the learned scorer,
answer from the best one (and, for breakdowns, comparisons, lists and summaries, from the next
best that add something), or decline when even the best is below the calibrated threshold.

    >>> from collections import Counter                                          # doctest: +SKIP
    >>> reader = Reader(Counter(), 10, lambda source: "")                         # doctest: +SKIP
    >>> reader.answer(analyze_question("Berapa personel ..."), passages).text     # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.analyzer import analyze, tokenize
from rag.query import Question, canonical
from rag.reader.candidates import Candidate, sentence_candidates
from rag.reader.compose import NOT_FOUND, compose, lead_fact, yes_no
from rag.knowledge.categories import stages_in
from rag.reader.features import KINDS, QuestionContext, add_relative, featurize, fitting_counts, rarity_weights
from rag.reader.qtype import load_model as load_type_model
from rag.reader.scorer import CandidateScorer, load_scorer
from rag.types import Answer, Passage

MULTI_PART = {"breakdown", "aggregate", "list", "summary"}
_GENERIC = {"polres", "polresta", "polrestabes", "polda", "polsek", "kodim", "kodam", "korem", "metro",
            "kabupaten", "kota", "provinsi", "the", "of", "regency", "city", "province", "police"}  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*")


@dataclass
class Scored:
    cand: Candidate
    prob: float


def question_context(
    q: Question, df: Counter, n_docs: int, article_terms, article_text, type_probs: dict[str, float] | None = None
) -> QuestionContext:
    """``type_probs`` overrides the classifier's guess (training uses held-out guesses)."""
    if type_probs is None:
        model = load_type_model()
        type_probs = model.probabilities(q.text) if model else {q.qtype: 1.0}
    names = []
    for name in q.names:
        words = {w for w in tokenize(name) if w not in _GENERIC and not w.isdigit()}
        if words:
            names.append(words)
    numbers = {t for t in tokenize(q.text) if t[0].isdigit()}
    stages = stages_in(q.text)
    return QuestionContext(
        q, type_probs, rarity_weights(q.concepts, df, n_docs), names, set(tokenize(q.text)), numbers,
        article_terms, article_text, stages - KINDS, stages & KINDS,
    )  # fmt: skip


class Reader:
    """``df``/``n_docs`` give term rarity; ``article_text`` returns an article's whole text."""

    name = "extractive"

    def __init__(self, df: Counter, n_docs: int, article_text: Callable[[str], str], scorer: CandidateScorer | None = None):
        self.df, self.n_docs, self.article_text = df, max(n_docs, 1), article_text
        self.scorer = scorer
        self._article_terms: dict[str, set[str]] = {}

    def article_terms(self, source: str) -> set[str]:
        if source not in self._article_terms:
            self._article_terms[source] = {canonical(t) for t in analyze(self.article_text(source))}
        return self._article_terms[source]

    def score(
        self, q: Question, passages: list[Passage], type_probs: dict[str, float] | None = None
    ) -> tuple[QuestionContext, list[Candidate], list[list[float]]]:
        """Candidates of the passages and their feature rows (what the scorer and training see)."""
        ctx = question_context(q, self.df, self.n_docs, self.article_terms, self.article_text, type_probs)
        cands = sentence_candidates(passages)
        best = max((p.score for p in passages), default=0.0)
        return ctx, cands, add_relative([featurize(c, ctx, best) for c in cands])

    def answer(self, q: Question, passages: list[Passage]) -> Answer:
        scorer = self.scorer or load_scorer()
        ctx, cands, rows = self.score(q, passages)
        probs = scorer.probabilities(rows)
        ranked = [Scored(cands[i], float(probs[i])) for i in np.argsort(-probs)] if len(cands) else []
        qtype = max(ctx.type_probs, key=ctx.type_probs.get)
        if not ranked or scorer.answerability(probs, rows) < scorer.threshold:
            return Answer(q.text, NOT_FOUND[q.language], False, [], passages, q.language, self.name)
        chosen = [ranked[0]]
        if qtype in MULTI_PART:
            chosen += self._more(qtype, ranked, scorer)
        return self._write(q, ctx, qtype, chosen, passages)

    @staticmethod
    def _more(qtype: str, ranked: list[Scored], scorer: CandidateScorer) -> list[Scored]:
        """Further sentences for multi-part answers: above the second threshold, each bringing a
        sentence not yet quoted; a comparison prefers another article."""
        first = ranked[0]
        limit = 3 if qtype == "summary" else 2
        out: list[Scored] = []
        for s in ranked[1:12]:
            if len(out) + 1 >= limit or s.prob < scorer.second_threshold * first.prob:
                break
            if s.cand.sentence == first.cand.sentence:
                continue
            if qtype == "aggregate" and s.cand.passage.source == first.cand.passage.source and any(
                o.cand.passage.source != first.cand.passage.source for o in ranked[1:12]
                if o.prob >= scorer.second_threshold * first.prob
            ):  # fmt: skip
                continue
            out.append(s)
        return out

    def _write(self, q: Question, ctx: QuestionContext, qtype: str, chosen: list[Scored], passages: list[Passage]) -> Answer:
        lead_source = chosen[0].cand.passage.source
        chosen.sort(key=lambda s: (s.cand.passage.source != lead_source, s.cand.article_rank, s.cand.position))
        citations: list[Passage] = []
        parts = []
        for s in chosen:
            c = s.cand
            if c.passage not in citations:
                citations.append(c.passage)
            counts = fitting_counts(q, c.facts.counts, ctx.asked_numbers)
            people = [p for p in c.facts.people + c.facts.names if set(tokenize(p)) - ctx.asked_tokens]
            dates = [d for d in c.facts.dates if d.lower() not in q.text.lower()]
            places = [n for n in c.facts.places if set(tokenize(n)) - ctx.asked_tokens - _GENERIC]
            units = [n for n in c.facts.units if set(tokenize(n)) - ctx.asked_tokens - _GENERIC]
            names = places if qtype == "where" else units + places
            lead = lead_fact(qtype, c, counts, people, dates, names, q.language)
            keep = [(n.start, n.end) for n in counts]
            parts.append((lead, str(citations.index(c.passage) + 1), c, keep))
        prefix = yes_no(q.text, chosen[0].cand.sentence, q.language) + "." if qtype == "yesno" else ""
        text = compose(parts, q.language, prefix)
        return Answer(
            q.text, text, True, citations, passages, q.language, self.name,
            highlights=[s.cand.sentence for s in chosen],
        )  # fmt: skip
