"""The default answer engine: offline, no LLM. It picks the sentences that answer the question
from the retrieved passages and quotes them with ``[n]`` markers, or declines.

How a sentence is chosen:
1. every sentence of the retrieved passages gets a score: how much of the question (weighted by
   rarity) it covers, itself and through its article (title, dateline, neighbours);
2. the question type filters: a 'how many' answer needs a count whose unit fits what is counted
   (personnel, TPS, voters...) and, when the question names a category (TNI, linmas, Brimob,
   BKO...), a count of that category; 'who' needs a name; 'when' needs a date;
3. names in the question (units, places) must occur in the cited article, and enough of the
   question must be covered, or the engine says the corpus does not contain the answer;
4. breakdowns and comparisons may take a second sentence that covers what the first one misses.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rag.analyzer import analyze, tokenize
from rag.answer.matching import (
    ASKS_PERIOD,
    ASKS_UNIT,
    CONTINUATION,
    GENERIC_NAME_WORDS,
    OFFICE_WORDS,
    SPAN,
    count_fits,
    count_relevance,
    name_in_text,
    name_stems,
    split_parts,
)
from rag.answer.wording import MAX_QUOTE, NOT_FOUND, UNIT_EN, human_date, trim_quote
from rag.chunk import split_sentences
from rag.facts import (
    Count,
    find_counts,
    find_dates,
    find_people,
    find_plain_names,
    find_units,
    has_place,
)
from rag.query import (
    Question,
    analyze_question,
    asks_about_article,
    canonical,
    concept_stems,
    hit,
    question_concepts,
)
from rag.types import Answer, Passage

MIN_COVERAGE = 0.5


@dataclass
class Candidate:
    passage: Passage
    rank: int
    position: int  # sentence number inside the passage
    sentence: str
    terms: set[str]
    score: float = 0.0
    coverage: float = 0.0
    counts: list[Count] = field(default_factory=list)  # the counts that fit the question
    context: str = ""  # the previous sentence and this one
    context_terms: set[str] = field(default_factory=set)


class ExtractiveAnswerer:
    """Sentence-selecting answer engine. ``df``/``n_docs`` give term rarity; ``article_text``
    returns the whole text of an article (for names that sit outside the passage)."""

    name = "extractive"

    def __init__(self, df: Counter, n_docs: int, article_text: Callable[[str], str]):
        self.df, self.n_docs, self.article_text = df, max(n_docs, 1), article_text
        self._article_terms: dict[str, set[str]] = {}

    # ---- scoring -------------------------------------------------------------------------
    def weight(self, concept: frozenset[str]) -> float:
        return max(math.log(1 + self.n_docs / (self.df.get(s, 0) + 1)) for s in concept_stems(concept))

    def article_terms(self, source: str) -> set[str]:
        if source not in self._article_terms:
            self._article_terms[source] = {canonical(t) for t in analyze(self.article_text(source))}
        return self._article_terms[source]

    def candidates(self, q: Question, passages: list[Passage]) -> list[Candidate]:
        concepts = q.concepts
        names = name_stems(q)
        # Names (units, places) decide which event a question is about: they weigh double.
        weights = [self.weight(c) * (2.0 if concept_stems(c) & names else 1.0) for c in concepts]
        total = sum(weights) or 1.0
        asked = set(tokenize(q.text))
        out: list[Candidate] = []
        seen: set[str] = set()
        for rank, p in enumerate(passages):
            art = self.article_terms(p.source) | {canonical(t) for t in analyze(p.title)}
            if names and not names & art:
                continue  # an article about none of the units or places asked about
            local = {canonical(t) for t in analyze(p.text)}
            previous: set[str] = set()
            previous_text = ""
            for i, sentence in enumerate(split_sentences(p.text)):
                key = f"{p.source}\x00{sentence}"
                if key in seen or len(sentence.split()) < 3:
                    continue  # overlapping chunks repeat sentences
                seen.add(key)
                terms = {canonical(t) for t in analyze(sentence)}
                # 'Apel tersebut digelar di ...': the previous sentence says what 'tersebut' is.
                in_sentence = max(
                    sum(w for c, w in zip(concepts, weights, strict=True) if hit(c, terms)),
                    0.85 * sum(w for c, w in zip(concepts, weights, strict=True) if hit(c, terms | previous)),
                )
                in_passage = sum(w for c, w in zip(concepts, weights, strict=True) if hit(c, terms | local))
                in_article = sum(w for c, w in zip(concepts, weights, strict=True) if hit(c, terms | art))
                cand = Candidate(p, rank, i, sentence, terms, context=f"{previous_text} {sentence}")
                cand.context_terms = terms | previous
                previous, previous_text = terms, sentence
                cand.coverage = in_article / total
                cand.score = (0.5 * in_sentence + 0.2 * in_passage + 0.3 * in_article) / total
                cand.score += 0.03 / (1 + rank) - (0.08 if sentence == p.title else 0.0)
                if self._fits_type(q, cand, asked):
                    out.append(cand)
        out.sort(key=lambda c: -c.score)
        return out

    def _fits_type(self, q: Question, cand: Candidate, asked: set[str]) -> bool:
        """Keep sentences that carry the kind of fact asked for, and a fact the question lacks."""
        s = cand.sentence
        if q.qtype in ("count", "breakdown", "aggregate"):
            counts = find_counts(s)
            cand.counts = [
                c for c in counts if count_fits(q, c, counts, cand.context) and c.number.replace(".", "") not in asked
            ]
            if not cand.counts:
                return False
            # 'Dari jumlah itu, 873 orang adalah anggota Polres Jaktim': a count whose own phrase
            # names what the question asks about is the one asked for, not the total beside it.
            weights = {c: self.weight(c) for c in q.concepts}
            total = sum(weights.values()) or 1.0
            own = max(
                sum(w for c, w in weights.items() if hit(c, {canonical(t) for t in analyze(f"{n.before} {n.after}")}))
                for n in cand.counts
            )
            cand.score += 0.3 * own / total
            if q.qtype == "breakdown":  # a breakdown lists several counts in one sentence
                cand.score += min(0.2, 0.1 * (len(cand.counts) - 1))
            return True
        if q.qtype == "who":
            people = [f for f in find_people(s) if set(tokenize(f)) - asked - GENERIC_NAME_WORDS]
            units = [f for f in find_units(s) if set(tokenize(f)) - asked - GENERIC_NAME_WORDS]
            # 'Pj Gubernur Sumsel, Elen Setiadi': a name without a rank counts, but weighs less
            plain = [f for f in find_plain_names(s) if not set(tokenize(f)) & (asked | GENERIC_NAME_WORDS | OFFICE_WORDS)]
            wants_unit = bool(ASKS_UNIT.search(q.text))
            if wants_unit:
                cand.score += 0.25 if units else 0.0
            else:
                cand.score += 0.25 if people else (0.1 if plain else 0.0)
            return bool(people or units or plain)
        if q.qtype == "when":
            fits = any(d not in q.text for d in find_dates(s))
            cand.score += 0.1 if fits else 0.0
            if ASKS_PERIOD.search(q.text):  # 'how long', 'over what period': a span or duration
                cand.score += 0.2 if SPAN.search(s) else 0.0
            return fits
        if q.qtype == "where":
            new_names = [w for w in re.findall(r"\b[A-Z][\w-]+", s[1:]) if w.lower() not in asked]
            cand.score += 0.15 if has_place(s) and new_names else (-0.1 if not new_names else 0.0)
        return True

    # ---- answering -------------------------------------------------------------------------
    def answer(self, q: Question, passages: list[Passage]) -> Answer:
        about = asks_about_article(q.text)
        if about:
            answer = self._answer_from_metadata(q, passages, about)
            if answer:
                return answer
        cands = self.candidates(q, passages)
        chosen: list[Candidate] = []
        parts = split_parts(q.text) if q.qtype == "aggregate" or (q.qtype == "breakdown" and len(q.names) >= 2) else []
        if parts:
            chosen = self._answer_parts(q, parts, passages)
        if not chosen and cands and cands[0].coverage >= MIN_COVERAGE:
            chosen = [cands[0]]
            extra = self._second(q, chosen[0], cands)
            if extra:
                chosen.append(extra)
        chosen = [self._body_instead_of_headline(c, cands) for c in chosen]
        if chosen and not self._names_present(q, chosen):
            alternative = next((c for c in cands[1:6] if c.coverage >= MIN_COVERAGE and self._names_present(q, [c])), None)
            chosen = [alternative] if alternative else []
        if not chosen:
            return Answer(q.text, NOT_FOUND[q.language], False, [], passages, q.language, self.name)
        lead_source = chosen[0].passage.source
        chosen.sort(key=lambda c: (c.passage.source != lead_source, c.rank, c.position))
        citations: list[Passage] = []
        for c in chosen:
            if c.passage not in citations:
                citations.append(c.passage)
        text = self._compose(q, chosen, citations)
        return Answer(
            q.text, text, True, citations, passages, q.language, self.name,
            highlights=[c.sentence for c in chosen],
        )  # fmt: skip

    def _answer_from_metadata(self, q: Question, passages: list[Passage], about: str) -> Answer | None:
        """'When was the report published?', 'Which outlet reported ...?': the article's own
        metadata answers, citing its first passage."""
        names = name_stems(q)
        concepts = q.concepts
        best, best_cov = None, 0.0
        for p in passages:
            art = self.article_terms(p.source) | {canonical(t) for t in analyze(p.title)}
            if names and not names & art:
                continue
            cov = sum(self.weight(c) for c in concepts if hit(c, art)) / (sum(self.weight(c) for c in concepts) or 1.0)
            if cov > best_cov and (p.date if about == "date" else p.outlet):
                best, best_cov = p, cov
        if best is None or best_cov < 0.35:  # 'published', 'report', 'date' are not in the article
            return None
        if about == "date":
            value = human_date(best.date, q.language)
            text = f"{value} [1]" if q.language == "id" else f"Published {value} [1]"
        else:
            place = f" ({best.place})" if best.place else ""
            text = f"{best.outlet}{place} [1]"
        return Answer(q.text, text, True, [best], passages, q.language, self.name, highlights=[])

    @staticmethod
    def _body_instead_of_headline(chosen: Candidate, cands: list[Candidate]) -> Candidate:
        """A headline states a count without context; the article's sentence with the same
        number says who, where and when, so that one is quoted."""
        if chosen.sentence != chosen.passage.title or not chosen.counts:
            return chosen
        numbers = {c.number for c in chosen.counts}
        for c in cands:
            if c.passage.source == chosen.passage.source and c is not chosen and numbers & {n.number for n in c.counts}:
                return c
        return chosen

    def _answer_parts(self, q: Question, parts: list[str], passages: list[Passage]) -> list[Candidate]:
        """'A or B? Give both numbers': the best sentence for what is particular to each part.
        Each part is a count question of its own (what it counts, which category), scored with
        the whole question's context."""
        concepts = [set(question_concepts(p, q.language)) for p in parts]
        picked: list[Candidate] = []
        for i, mine in enumerate(concepts):
            sub = analyze_question(parts[i])
            sub = replace(sub, qtype="count", concepts=q.concepts, names=q.names, language=q.language)
            cands = self.candidates(sub, passages)
            others = set().union(*(c for j, c in enumerate(concepts) if j != i))
            own = (mine - others) or mine
            total = sum(self.weight(c) for c in own) or 1.0

            def part_score(c: Candidate, own: set = own, total: float = total) -> float:
                art = self.article_terms(c.passage.source)
                near = sum(self.weight(con) for con in own if hit(con, c.context_terms))
                far = sum(self.weight(con) for con in own if hit(con, art))
                return c.score + (0.6 * near + 0.4 * far) / total

            pool = [c for c in cands[:30] if c.counts and c.sentence not in {p.sentence for p in picked}]
            if not pool:
                return []
            best = max(pool, key=part_score)
            if part_score(best) - best.score < 0.3:
                return []  # nothing in the corpus is about this part
            picked.append(best)
        return picked if self._names_present(q, picked) else []

    def _second(self, q: Question, first: Candidate, cands: list[Candidate]) -> Candidate | None:
        """A second sentence for breakdowns and comparisons: what the first one leaves out."""
        multi = q.qtype in ("breakdown", "aggregate") or len(q.names) >= 2 and q.qtype == "count"
        if not multi:
            return None
        for c in cands:  # the sentence right after, continuing a breakdown ("Sisanya, 100 ...")
            if c.passage.id == first.passage.id and c.position == first.position + 1 and c.counts and CONTINUATION.match(c.sentence):
                return c
        uncovered = [con for con in q.concepts if not hit(con, first.terms)]
        if not uncovered:
            return None
        best, gain_best = None, 0.0
        for c in cands[1:12]:
            if c.sentence == first.sentence or not c.counts:
                continue
            gain = sum(self.weight(con) for con in uncovered if hit(con, c.terms))
            if c.passage.source != first.passage.source:
                gain *= 1.1
            if gain > gain_best:
                best, gain_best = c, gain
        needed = 0.3 * sum(self.weight(con) for con in uncovered)
        return best if best is not None and gain_best >= needed and best.score >= 0.5 * first.score else None

    def _names_present(self, q: Question, chosen: list[Candidate]) -> bool:
        """Every unit and place the question names occurs in the cited articles."""
        text = " ".join(self.article_text(c.passage.source) + " " + c.passage.title for c in chosen).lower()
        return all(name_in_text(n, text) for n in q.names)

    def _compose(self, q: Question, chosen: list[Candidate], citations: list[Passage]) -> str:
        limit = MAX_QUOTE // len(chosen)
        parts = []
        for c in chosen:
            marker = citations.index(c.passage) + 1
            parts.append(f"“{trim_quote(c.sentence, c.counts, limit)}” [{marker}]")
        body = " ".join(parts)
        lead = ""
        first = chosen[0]
        if q.qtype == "count" and first.counts:
            best = max(first.counts, key=lambda c: count_relevance(q, c))
            unit = best.unit if q.language == "id" else UNIT_EN.get(best.unit, best.unit)
            lead = f"{best.number} {unit}: "
        elif q.language == "en":
            lead = "According to the source: "
        return lead + body
