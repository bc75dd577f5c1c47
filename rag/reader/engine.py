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
from dataclasses import dataclass, replace

import numpy as np

from rag.analyzer import analyze, tokenize
from rag.facts import place_head, place_head_words, venue_heads
from rag.knowledge.bridge import translate_word
from rag.knowledge.categories import stages_in
from rag.knowledge.gazetteer import find_regions
from rag.query import Question, analyze_question, canonical
from rag.reader.about import answer_about_report, report_field
from rag.reader.candidates import Candidate, entity_ids, sentence_candidates
from rag.reader.compose import MAX_ANSWER, MAX_SUMMARY, NOT_FOUND, compose, lead_fact, yes_no
from rag.reader.features import (
    FEATURES,
    KINDS,
    QuestionContext,
    add_relative,
    category_fit,
    featurize,
    fitting_counts,
    rarity_weights,
)
from rag.reader.qtype import interrogative_classes
from rag.reader.qtype import load_model as load_type_model
from rag.reader.scorer import CandidateScorer, load_scorer
from rag.types import Answer, Passage

MULTI_PART = {"breakdown", "aggregate", "list", "summary"}
OTHER_SOURCE = {"id": "sumber lain menyebut", "en": "another source reports"}
# P(comparison) from which a question with two sides gets a side-by-side answer, and only when a
# figure is at least as likely to be asked as a person, a date or a place ("Where did the police
# chief and the TNI commander ..." has two sides but compares nothing); both chosen on the
# cross-validated answers of all training questions (overall 66.6% -> 67.4%: where +4, list +1,
# aggregate -1, breakdown -1).
COMPARISON_MIN = 0.03
FIGURES = ("count", "aggregate", "breakdown")
NOT_FIGURES = ("who", "when", "where", "list")
_GENERIC = {"polres", "polresta", "polrestabes", "polda", "polsek", "kodim", "kodam", "korem", "metro",
            "kabupaten", "kota", "provinsi", "the", "of", "regency", "city", "province", "police"}  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*")


@dataclass
class Scored:
    cand: Candidate
    prob: float


# Coordinators that join the two sides of a comparison (a closed class of Indonesian and English).
_SIDES = re.compile(
    r"\s*(?:[,;]\s*)?\b(?:dibandingkan dengan|dibandingkan|dibanding|daripada|compared with|compared to|"
    r"versus|vs\.?|atau|or|dengan|than|and|dan)\b\s*", re.I,
)


def comparison_parts(text: str) -> list[str]:
    """The two sides of a comparison, split at the coordinator nearest the middle."""
    body = text.rstrip("?. ")
    splits = [m for m in _SIDES.finditer(body) if 0 < m.start() and m.end() < len(body)]
    if not splits:
        return []
    m = min(splits, key=lambda m: abs(m.start() - len(body) / 2))
    left, right = body[: m.start()].strip(), body[m.end() :].strip()
    return [left, right] if len(left.split()) >= 2 and len(right.split()) >= 2 else []


def is_comparison(type_probs: dict[str, float]) -> bool:
    """A comparison sets figures side by side: likely enough (:data:`COMPARISON_MIN`), and a
    figure is at least as likely to be asked as a person, a date or a place."""
    figure = sum(type_probs.get(t, 0.0) for t in FIGURES)
    other = sum(type_probs.get(t, 0.0) for t in NOT_FIGURES)
    return type_probs.get("aggregate", 0.0) >= COMPARISON_MIN and figure >= other


def eligible(ctx: QuestionContext, cands: list[Candidate]) -> list[bool]:
    """Candidates that may answer: from an article that names every unit the question names,
    and, when the answer type is clear, stating a fact of that kind (a count answer needs a
    count, a 'who' answer a name, a 'when' answer a date); a count asked for an election stage
    comes from an article that names that stage."""
    qtype = max(ctx.type_probs, key=ctx.type_probs.get)
    typed = ctx.type_probs[qtype] >= 0.5
    units = {e for e in ctx.entities if ":" in e}  # a unit the question names must be in the article

    # a figure belongs to one event: a count asked for a stage (the debate, the recapitulation)
    # comes from an article that names that stage
    staged = bool(ctx.stages) and typed and qtype == "count"

    def about_asked(source: str) -> bool:
        ids = ctx.article_entities(source)
        return (not units or bool(units & ids)) and (not ctx.regions or any(codes & ids for codes in ctx.regions)) \
            and (not staged or bool(ctx.stages & ctx.article_stages(source)))  # fmt: skip

    return [(not typed or carries_answer_type(qtype, c, ctx)) and about_asked(c.passage.source) for c in cands]


def carries_answer_type(qtype: str, cand: Candidate, ctx: QuestionContext) -> bool:
    """Does the sentence state a fact of the kind asked for (when the type has one)?"""
    facts, asked = cand.facts, ctx.asked_tokens
    if qtype in ("count", "aggregate", "breakdown"):
        counts = fitting_counts(ctx.question, facts.counts, ctx.asked_numbers)
        return bool(counts) and (qtype != "count" or category_fit(ctx.question, counts, cand) > 0)
    if qtype == "who":
        return any(set(tokenize(n)) - asked - _GENERIC for n in facts.people + facts.units + facts.names)
    if qtype == "when":
        return any(d.lower() not in ctx.question.text.lower() for d in facts.dates)
    return True


def disagreeing(ctx: QuestionContext, first: Scored, ranked: list[Scored], ratio: float) -> Scored | None:
    """Another article's sentence that gives a different figure of the same kind for the same
    unit and election stage, nearly as likely as the answer: outlets do disagree (1.471 or
    1.472), and a planted figure must not read as the only fact. None when the sources agree."""
    mine = fitting_counts(ctx.question, first.cand.facts.counts, ctx.asked_numbers)
    units = {e for e in first.cand.facts.entities if ":" in e}
    if not mine or not units:
        return None
    numbers = {c.number for c in first.cand.facts.counts}
    stages = stages_in(first.cand.sentence)
    for s in ranked[1:20]:
        if s.prob < ratio * first.prob:
            break
        c = s.cand
        if c.passage.source == first.cand.passage.source or c.is_title or not units & c.facts.entities:
            continue
        theirs = fitting_counts(ctx.question, c.facts.counts, ctx.asked_numbers)
        if theirs and theirs[0].noun_class == mine[0].noun_class and theirs[0].number not in numbers \
                and stages_in(c.sentence) == stages:  # fmt: skip
            return s
    return None


def body_instead_of_headline(best: Scored, ranked: list[Scored]) -> Scored:
    """A headline restates a sentence of its article without the context: when the body has a
    sentence with the same figure, that one is quoted."""
    if not best.cand.is_title or not best.cand.facts.counts:
        return best
    numbers = {c.number for c in best.cand.facts.counts}
    for s in ranked[1:30]:
        if s.cand.passage.source == best.cand.passage.source and numbers & {c.number for c in s.cand.facts.counts}:
            return s
    return best


def question_context(
    q: Question, df: Counter, n_docs: int, article_terms, article_text, type_probs: dict[str, float] | None = None,
    article_entities=None,
) -> QuestionContext:  # fmt: skip
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
        article_terms, article_text, stages=stages - KINDS, kinds=stages & KINDS, entities=entity_ids(q.text),
        article_entities=article_entities or (lambda source: entity_ids(article_text(source))),
        relations=asked_relations(q.text), place_heads=asked_place_heads(q.text, q.language),
        regions=tuple(frozenset({m.region.code, *m.alternatives}) for m in find_regions(q.text)),
    )  # fmt: skip


_WHAT = frozenset({"apa", "what"})  # the general question word, besides the classes of interrogatives.tsv


def asked_place_heads(text: str, language: str) -> frozenset[str]:
    """The kind of place a question asks for, as place head nouns: "di lapangan apa" ->
    {'lapangan'}, "from which port" -> {'pelabuhan', ...}: a head noun (or its Indonesian
    translation) within two words of a question word."""
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower())
    anchors = {i for i, cls in interrogative_classes(words) if cls in ("which", "place", "list")}
    anchors |= {i for i, w in enumerate(words) if w in _WHAT}
    heads = venue_heads()
    out: set[str] = set()
    for i, word in enumerate(words):
        if not any(0 < abs(i - a) <= 2 for a in anchors):
            continue
        phrases = [word, " ".join(words[i : i + 2])]
        if language == "en":
            phrases += [t for p in phrases for t in translate_word(p)]
        out |= {p for p in phrases if p in heads}
    return frozenset(out)


def asked_relations(text: str) -> frozenset[str]:
    """'reason' for why-questions, 'means' for how-questions (their question words)."""
    classes = {cls for _, cls in interrogative_classes(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower()))}
    out = set()
    if "reason" in classes:
        out |= {"reason", "purpose"}
    if "manner" in classes:
        out.add("means")
    return frozenset(out)


def cite_article(citations: list[Passage], passage: Passage) -> int:
    """The marker number of ``passage``'s article in ``citations``, adding it when new. A source
    is an article: two passages of one article are one citation whose text holds both, in
    article order."""
    for i, cited in enumerate(citations):
        if cited.source == passage.source:
            if passage.text not in cited.text:
                first, second = sorted((cited, passage), key=lambda p: p.position)
                citations[i] = replace(cited, text=f"{first.text}\n\n…\n\n{second.text}",
                                       position=first.position, id=first.id)  # fmt: skip
            return i + 1
    citations.append(passage)
    return len(citations)


class Reader:
    """``df``/``n_docs`` give term rarity; ``article_text`` returns an article's whole text."""

    name = "extractive"

    def __init__(self, df: Counter, n_docs: int, article_text: Callable[[str], str], scorer: CandidateScorer | None = None):
        self.df, self.n_docs, self.article_text = df, max(n_docs, 1), article_text
        self.scorer = scorer
        self._article_terms: dict[str, set[str]] = {}
        self._article_entities: dict[str, frozenset[str]] = {}

    def article_entities(self, source: str) -> frozenset[str]:
        if source not in self._article_entities:
            self._article_entities[source] = entity_ids(self.article_text(source))
        return self._article_entities[source]

    def article_terms(self, source: str) -> set[str]:
        if source not in self._article_terms:
            self._article_terms[source] = {canonical(t) for t in analyze(self.article_text(source))}
        return self._article_terms[source]

    def score(
        self, q: Question, passages: list[Passage], type_probs: dict[str, float] | None = None
    ) -> tuple[QuestionContext, list[Candidate], list[list[float]]]:
        """Candidates of the passages and their feature rows (what the scorer and training see)."""
        ctx = question_context(q, self.df, self.n_docs, self.article_terms, self.article_text, type_probs,
                               self.article_entities)  # fmt: skip
        cands = sentence_candidates(passages)
        best = max((p.score for p in passages), default=0.0)
        return ctx, cands, add_relative([featurize(c, ctx, best) for c in cands])

    def answer(self, q: Question, passages: list[Passage], type_probs: dict[str, float] | None = None) -> Answer:
        """The answer to ``q`` from ``passages`` (``type_probs`` overrides the type classifier)."""
        scorer = self.scorer or load_scorer()
        ctx, cands, rows = self.score(q, passages, type_probs)
        probs = whole = scorer.probabilities(rows)
        field = report_field(q.text)
        if field:  # about the report itself: the metadata of the article that best matches
            units = {e for e in ctx.entities if ":" in e}
            # the article whose whole text covers the question best (the asked field is not in
            # any sentence, so sentence-level evidence says little) together with the scorer's belief
            cover = FEATURES.index("coverage_article")
            order = sorted(range(len(cands)), key=lambda i: -(rows[i][cover] + probs[i]))
            ranked = [cands[i].passage for i in order if units <= self.article_entities(cands[i].passage.source)]
            answer = answer_about_report(q.original or q.text, field, q.language, ranked[:1])
            answer.contexts, answer.engine = passages, self.name
            return answer
        qtype = max(ctx.type_probs, key=ctx.type_probs.get)
        probs = np.where(eligible(ctx, cands), probs, 0.0)
        ranked = [Scored(cands[i], float(probs[i])) for i in np.argsort(-probs)] if len(cands) else []
        if not ranked or not ranked[0].prob or scorer.answerability(probs, rows) < scorer.threshold:
            return Answer(q.original or q.text, NOT_FOUND[q.language], False, [], passages, q.language, self.name)
        chosen = [body_instead_of_headline(ranked[0], ranked)]
        # the classifier often calls a comparison a count: a side-by-side answer is tried whenever
        # a comparison is likely enough and the question has two sides
        parts = comparison_parts(q.text) if is_comparison(ctx.type_probs) else []
        if parts:
            chosen = self._parts(q, parts, passages, scorer, whole) or chosen
        elif qtype in MULTI_PART:
            chosen += self._more(qtype, chosen[0], ranked, scorer)
        elif qtype == "count":
            other = disagreeing(ctx, chosen[0], ranked, scorer.second_threshold)
            if other:
                return self._write(q, ctx, qtype, chosen + [other], passages, disputed=True)
        return self._write(q, ctx, qtype, chosen, passages)

    @staticmethod
    def _more(qtype: str, first: Scored, ranked: list[Scored], scorer: CandidateScorer) -> list[Scored]:
        """Further sentences for multi-part answers, above the second threshold, each bringing a
        fact (a number, or for summaries a sentence) not yet quoted."""
        limit = 3 if qtype in ("summary", "breakdown") else 2
        out: list[Scored] = []
        known = {c.number for c in first.cand.facts.counts}
        if qtype == "summary":  # the facts of the same report: sentences with figures, names, places
            ranked = [first] + sorted(
                (s for s in ranked[1:] if s.cand.passage.source == first.cand.passage.source),
                key=lambda s: -(s.prob + 0.5 * bool(s.cand.facts.counts) + 0.2 * bool(s.cand.facts.people or s.cand.facts.places)),
            )  # fmt: skip
        for s in ranked[1:15]:
            if len(out) + 1 >= limit or (qtype != "summary" and s.prob < scorer.second_threshold * first.prob):
                break
            numbers = {c.number for c in s.cand.facts.counts}
            if s.cand.sentence == first.cand.sentence or s.cand.is_title or (numbers and numbers <= known):
                continue
            if qtype == "summary" and s.cand.passage.source != first.cand.passage.source:
                continue  # a summary is of one report
            known |= numbers
            out.append(s)
        return out

    def _parts(self, q: Question, parts: list[str], passages: list[Passage], scorer: CandidateScorer,
               whole: np.ndarray) -> list[Scored]:  # fmt: skip
        """A comparison is one count question per side: each side is read as a question of its
        own (its counted noun, or the whole question's; its units and places) and scored by the
        same scorer over the same passages; a candidate must answer both its side and the whole
        question (``whole``: the whole question's probabilities; the geometric mean of the two).
        A side's answer must bring a figure not yet quoted and, when the side names a unit or
        region the other side does not, speak of it (in the sentence, else in its article)."""
        ids = [entity_ids(p) for p in parts]
        picked: list[Scored] = []
        for i, part in enumerate(parts):
            side = analyze_question(part)
            side = replace(side, language=q.language, counted_class=side.counted_class or q.counted_class,
                           categories=side.categories or q.categories)  # fmt: skip
            own = ids[i] - set().union(*(ids[j] for j in range(len(parts)) if j != i))
            sctx, cands, rows = self.score(side, passages, {"count": 1.0})
            probs = np.where(eligible(sctx, cands), np.sqrt(scorer.probabilities(rows) * whole), 0.0)
            used = {c.number for s in picked for c in s.cand.facts.counts}
            best: Scored | None = None
            for cand, prob in zip(cands, probs, strict=True):
                numbers = {c.number for c in fitting_counts(side, cand.facts.counts, sctx.asked_numbers)}
                if not prob or not numbers or numbers <= used:
                    continue
                if own:
                    prob *= 1.0 if own & cand.facts.entities else 0.5 if own & self.article_entities(cand.passage.source) else 0.1
                if best is None or prob > best.prob:
                    best = Scored(cand, float(prob))
            if best is None:
                return []
            same = [Scored(c, 0.0) for c in cands if c.passage.source == best.cand.passage.source and c is not best.cand]
            picked.append(body_instead_of_headline(best, [best, *same]))
        return picked

    def _write(self, q: Question, ctx: QuestionContext, qtype: str, chosen: list[Scored], passages: list[Passage],
               disputed: bool = False) -> Answer:  # fmt: skip
        """``disputed``: the last of ``chosen`` is another source's different figure, quoted as such."""
        lead_source = chosen[0].cand.passage.source
        if not disputed:
            chosen.sort(key=lambda s: (s.cand.passage.source != lead_source, s.cand.article_rank, s.cand.position))
        citations: list[Passage] = []
        parts = []
        for s in chosen:
            c = s.cand
            marker = cite_article(citations, c.passage)
            counts = fitting_counts(q, c.facts.counts, ctx.asked_numbers)
            people = [p for p in c.facts.people + c.facts.names if set(tokenize(p)) - ctx.asked_tokens]
            dates = [d for d in c.facts.dates if d.lower() not in q.text.lower()]
            places = [n for n in c.facts.places if set(tokenize(n)) - ctx.asked_tokens - _GENERIC - place_head_words()]
            units = [n for n in c.facts.units if set(tokenize(n)) - ctx.asked_tokens - _GENERIC]
            places.sort(key=lambda p: place_head(p) not in ctx.place_heads)  # the kind of place asked first
            names = places if qtype == "where" else units + places
            lead = lead_fact(qtype, c, counts, people, dates, names, q.language)
            if disputed and s is chosen[-1]:
                lead = f"{OTHER_SOURCE[q.language]} {lead}"
            keep = [(n.start, n.end) for n in (counts or c.facts.counts)]
            parts.append((lead, str(marker), c, keep))
        prefix = yes_no(q.text, chosen[0].cand.sentence, q.language) + "." if qtype == "yesno" else ""
        text = compose(parts, q.language, prefix, MAX_SUMMARY if qtype == "summary" else MAX_ANSWER)
        return Answer(
            q.original or q.text, text, True, citations, passages, q.language, self.name,
            highlights=[s.cand.sentence for s in chosen],
        )  # fmt: skip
