"""Candidate answers: every sentence of the retrieved articles, with its neighbours and the typed
facts inside it (counts with what they count and whose people they are, persons, units, dates,
places).

    >>> from rag.types import Passage
    >>> cands = sentence_candidates([Passage("c1", "a.txt", 0, "Apel digelar. Polres Muna menurunkan 484 personel.")])
    >>> [(c.sentence, [n.number for n in c.facts.counts]) for c in cands]
    [('Apel digelar.', []), ('Polres Muna menurunkan 484 personel.', ['484'])]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rag.chunk import split_sentences
from rag.facts import Count, find_counts, find_dates, find_places, find_plain_names
from rag.knowledge.gazetteer import find_regions
from rag.knowledge.organizations import find_persons, find_units
from rag.types import Passage


@dataclass(frozen=True)
class SentenceFacts:
    counts: tuple[Count, ...]
    people: tuple[str, ...]  # persons with a rank or an office, as written ('Kapolres Malang AKBP ...')
    names: tuple[str, ...]  # capitalised names without a rank ('Elen Setiadi')
    units: tuple[str, ...]  # units and offices as written ('Polres Muna', 'Kodim 0825/Banyuwangi')
    dates: tuple[str, ...]
    places: tuple[str, ...]  # venues and administrative places ('Lapangan ...', 'Desa Munse')
    entities: frozenset[str]  # linked ids of the units ('polres:16.07') and regions ('16.07')


def entity_ids(text: str) -> frozenset[str]:
    """Linked ids of the units and regions named in ``text``; a unit also counts for the region
    it is named after."""
    ids = set()
    for u in find_units(text):
        ids.add(u.entity_id)
        if u.region:
            ids.add(u.region)
    ids |= {r.region.code for r in find_regions(text)}
    ids |= {i.split(".")[0] for i in ids if i[:1].isdigit()}  # a regency lies in its province
    return frozenset(ids)


@lru_cache(maxsize=50_000)
def sentence_facts(sentence: str) -> SentenceFacts:
    """The typed facts of one sentence (cached: the same sentences come back for every question)."""
    persons = find_persons(sentence)
    people = []
    for p in persons:  # the office and unit before the name belong to the person's description
        start = p.unit.start if p.unit and p.unit.start < p.start else p.start
        people.append(sentence[min(start, p.start) : p.end].strip(" ,"))
    return SentenceFacts(
        tuple(find_counts(sentence)), tuple(people), tuple(find_plain_names(sentence)),
        tuple(u.surface for u in find_units(sentence)), tuple(find_dates(sentence)), tuple(find_places(sentence)),
        entity_ids(sentence),
    )  # fmt: skip


@dataclass
class Candidate:
    passage: Passage
    article_rank: int  # 0 for the best-ranked article
    position: int  # sentence number inside the article
    sentence: str
    previous: str
    following: str
    facts: SentenceFacts
    is_title: bool = False


def sentence_candidates(passages: list[Passage]) -> list[Candidate]:
    """One candidate per distinct sentence of ``passages`` (overlapping chunks repeat sentences),
    articles in retrieval order."""
    out: list[Candidate] = []
    article_rank: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    by_article: dict[str, list[str]] = {}
    for p in passages:
        article_rank.setdefault(p.source, len(article_rank))
        by_article.setdefault(p.source, [])
        sentences = split_sentences(p.text)
        for i, sentence in enumerate(sentences):
            if (p.source, sentence) in seen or len(sentence.split()) < 3:
                continue
            seen.add((p.source, sentence))
            position = len(by_article[p.source])
            by_article[p.source].append(sentence)
            out.append(Candidate(
                p, article_rank[p.source], position, sentence,
                sentences[i - 1] if i > 0 else "", sentences[i + 1] if i + 1 < len(sentences) else "",
                sentence_facts(sentence), is_title=bool(p.title) and sentence.strip() == p.title.strip(),
            ))  # fmt: skip
    return out
