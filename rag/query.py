"""Question analysis: language, question type, the English-to-Indonesian bridge, and the terms
that retrieval and answer selection match on.

    >>> q = analyze_question("How many personnel did Polres Banyuasin deploy?")
    >>> q.language, q.qtype, "personel" in q.expansion
    ('en', 'count', True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rag.analyzer import analyze, stem, tokenize
from rag.knowledge.categories import categories_in, noun_class

_EN_MARKERS = {"the", "how", "many", "what", "which", "who", "where", "when", "did", "does", "do",
               "is", "are", "was", "were", "of", "in", "to", "for", "and", "from", "at", "by",
               "with", "much", "long", "whose", "why", "there", "that"}  # fmt: skip
_ID_MARKERS = {"yang", "berapa", "siapa", "mana", "apa", "apakah", "kapan", "di", "ke", "dari",
               "dan", "untuk", "pada", "dalam", "dengan", "bagaimana", "saja", "adalah", "itu",
               "ini", "oleh", "jumlah", "mengapa", "tidak", "ada"}  # fmt: skip

@dataclass
class Question:
    text: str
    language: str  # "id" or "en"
    qtype: str  # the most likely answer type (see rag.reader.qtype)
    terms: list[str]  # analysed (stemmed) terms, expansion included
    concepts: list[frozenset[str]] = field(default_factory=list)  # see question_concepts
    expansion: list[str] = field(default_factory=list)  # Indonesian words added for English text
    names: list[str] = field(default_factory=list)  # proper names and unit names as written
    original: str = ""  # as typed, before chat spelling was normalised
    counted_class: str = ""  # what a 'how many' question counts: personnel, tps, voters, ...
    categories: list[str] = field(default_factory=list)  # whose people: tni, brimob, bko, linmas ...

    @property
    def search_text(self) -> str:
        """What dense retrieval embeds: the question plus its Indonesian bridge terms."""
        return f"{self.text} {' '.join(self.expansion)}".strip()


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, str]:
    """Stem -> canonical stem of its synonym group (``knowledge/data/synonyms_id.tsv``)."""
    from rag.knowledge.bridge import _synonyms

    canon: dict[str, str] = {}
    for group in dict.fromkeys(_synonyms().values()):
        words = [w for w in group if " " not in w]
        if not words:
            continue
        head = stem(words[0].lower())
        for w in words:
            canon.setdefault(stem(w.lower()), head)
    return canon


def canonical(term: str) -> str:
    return synonym_groups().get(term, term)


def hit(concept: frozenset[str], terms: set[str]) -> bool:
    """Does a set of (canonical) terms contain one of the concept's alternatives? An alternative
    of several words is written 'jakarta+selatan' and needs all of them."""
    return any(alt in terms or ("+" in alt and all(p in terms for p in alt.split("+"))) for alt in concept)


def concept_stems(concept: frozenset[str]) -> set[str]:
    return {p for alt in concept for p in alt.split("+")}


def detect_language(text: str) -> str:
    words = tokenize(text)
    en = sum(w in _EN_MARKERS for w in words)
    idn = sum(w in _ID_MARKERS for w in words)
    return "en" if en > idn else "id"


def translate_terms(text: str) -> list[str]:
    """Indonesian equivalents of the English words and phrases in ``text`` (longest match first)."""
    return [w for group in _translate(text)[0] for w in group]


def _translate(text: str) -> tuple[list[list[str]], list[str]]:
    """(alternatives for each English phrase the bridge knows, words left as written)."""
    from rag.knowledge.bridge import translate

    groups, covered = [], set()
    for g in translate(text):
        groups.append(list(g.indonesian))
        covered |= {w.lower() for w in g.english.split()}
    words = re.findall(r"[A-Za-z0-9]+(?:[-.,/][A-Za-z0-9]+)*", text)
    return groups, [w for w in words if w.lower() not in covered]


_QUESTION_STEMS = {"berapa", "siapa", "mana", "kapan", "apa", "apakah", "bagaimana", "jumlah", "give"}


def question_concepts(text: str, language: str) -> list[frozenset[str]]:
    """What the question asks about, as sets of interchangeable canonical stems.

    An English phrase becomes one concept whose members are its Indonesian equivalents; English
    words the lexicon does not know are kept only when they look like names, codes or numbers."""
    if language != "en":
        stems = [t for t in analyze(text) if t not in _QUESTION_STEMS]
        return list(dict.fromkeys(frozenset({canonical(t)}) for t in stems))
    groups, leftovers = _translate(text)
    concepts = []
    for group in groups:
        # 'jakarta selatan' must match as a whole: its stems are joined into one alternative
        alternatives = {"+".join(canonical(t) for t in analyze(w)) for w in group}
        alternatives.discard("")
        if alternatives:
            concepts.append(frozenset(alternatives))
    first = re.findall(r"[A-Za-z0-9]+", text)[:1]
    for w in leftovers:
        if (w[:1].isupper() and [w] != first) or any(ch.isdigit() for ch in w) or w.isupper():
            concepts += [frozenset({canonical(t)}) for t in analyze(w) if t not in _QUESTION_STEMS]
    return list(dict.fromkeys(concepts))


_NAME = re.compile(
    r"\b(?:Polres(?:ta(?:bes)?)?|Polda|Polsek|Kodim|Kodam|Lanal|Korem|KPU|Bawaslu|Kapolres(?:ta)?|Kapolda|Mapolres|Mapolda)"
    r"(?:\s+(?:Metro\s+)?[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|\d+))*)?"
    r"|\b[A-Z][a-z]+[A-Z]?\w*(?:\s+[A-Z][\w-]*)*"
)
_QUESTION_WORDS = {"how", "what", "which", "who", "where", "when", "did", "does", "is", "are", "was",
                   "berapa", "siapa", "apa", "apakah", "di", "kapan", "mana", "bagaimana", "of",
                   "the", "in", "on", "dari", "dalam", "sampai", "over", "apart", "bandingkan",
                   "according", "menurut", "give", "for", "polling", "personnel", "at", "satuan"}  # fmt: skip


_COMMON_CAPITALISED = {"pilkada", "pemilu", "tps", "tni", "polri", "kpu", "bawaslu", "brimob", "bko", "linmas"}


def question_names(text: str) -> list[str]:
    """Capitalised names in the question ('Polres Muna', 'Banyuwangi'), question words excluded."""
    names = []
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower() in _QUESTION_WORDS:
            words = words[1:]
        if words and not (len(words) == 1 and words[0].lower() in _COMMON_CAPITALISED):
            names.append(" ".join(words))
    return names


def counted_phrase(text: str) -> str:
    """The noun phrase a 'how many' question counts: 'Berapa prajurit TNI yang ...' -> 'prajurit TNI'."""
    m = re.search(
        r"\b(?:berapa(?:\s+(?:jumlah|banyak|besar|total))?|how many|how much|jumlah|number of)\s+"
        r"(.+?)(?=\s+(?:yang|did|do|does|were|was|are|is|had|have|has|will|would|could|"
        r"dari|di|untuk|dalam|pada|saat|ketika)\b|[?,]|$)",
        text,
        re.I,
    )
    if not m:
        return ""
    words = re.split(r"\s+", m.group(1))
    for i, w in enumerate(words):  # a noun phrase ends before a preposition
        if w.lower() in {"to", "at", "in", "for", "on", "ke", "di", "pada", "with", "by", "dengan"}:
            words = words[:i]
            break
    return " ".join(words[:4])


def analyze_question(original: str) -> Question:
    """Language, chat spelling normalised (Indonesian), answer type, bridge terms and slots."""
    from rag.knowledge.informal import normalize
    from rag.reader.qtype import predict_type

    language = detect_language(original)
    text = normalize(original) if language == "id" else original
    language = detect_language(text)
    expansion = translate_terms(text) if language == "en" else []
    terms = analyze(text) + [t for w in expansion for t in analyze(w)]
    return Question(
        text=text,
        original=original,
        language=language,
        qtype=predict_type(text),
        terms=list(dict.fromkeys(terms)),
        concepts=question_concepts(text, language),
        expansion=expansion,
        names=question_names(text),
        counted_class=noun_class(counted_phrase(text)) or noun_class(text),
        categories=asked_categories(counted_phrase(text)),
    )


def asked_categories(counted: str) -> list[str]:
    """Categories named in the counted phrase; a unit name there ('personel Polres Muna') says
    whose count it is, not a category, so 'polri' needs the word itself."""
    cats = categories_in(counted)
    if "polri" in cats and not re.search(r"\b(polri|polisi|police|kepolisian)\b", counted, re.I):
        cats.remove("polri")
    return cats
