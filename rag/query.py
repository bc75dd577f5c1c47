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
from importlib import resources

from rag.analyzer import analyze, stem, tokenize
from rag.knowledge.categories import categories_in, noun_class

_EN_MARKERS = {"the", "how", "many", "what", "which", "who", "where", "when", "did", "does", "do",
               "is", "are", "was", "were", "of", "in", "to", "for", "and", "from", "at", "by",
               "with", "much", "long", "whose", "why", "there", "that"}  # fmt: skip
_ID_MARKERS = {"yang", "berapa", "siapa", "mana", "apa", "apakah", "kapan", "di", "ke", "dari",
               "dan", "untuk", "pada", "dalam", "dengan", "bagaimana", "saja", "adalah", "itu",
               "ini", "oleh", "jumlah", "mengapa", "tidak", "ada"}  # fmt: skip
_DIRECTIONS = {"south": "selatan", "north": "utara", "east": "timur", "west": "barat",
               "central": "tengah", "southeast": "tenggara", "northeast": "timur laut",
               "southwest": "barat daya", "northwest": "barat laut"}  # fmt: skip

# Categories a count can be restricted to; the number's own sentence must name them.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "tni": ("tni", "prajurit", "kodim", "kodam", "lanal", "koramil", "yonif", "marinir"),
    "linmas": ("linmas", "satlinmas"),
    "brimob": ("brimob",),
    "bko": ("bko", "bantuan kendali operasi"),
    "sabhara": ("sabhara",),
    "satpol": ("satpol",),
    "tps": ("tps", "tempat pemungutan suara"),
    "pemilih": ("pemilih", "dpt"),
    "surat suara": ("surat suara",),
}
_QUALIFIER_TRIGGERS = {
    "tni": ("tni", "prajurit", "soldier", "military", "army"),
    "linmas": ("linmas", "satlinmas", "civil defense", "community protection"),
    "brimob": ("brimob", "mobile brigade"),
    "bko": ("bko",),
    "sabhara": ("sabhara",),
    "satpol": ("satpol", "civil service police"),
    "tps": ("tps", "polling station", "tempat pemungutan suara"),
    "pemilih": ("pemilih", "voter"),
    "surat suara": ("surat suara", "ballot"),
}


_ASKS_ABOUT_ARTICLE = re.compile(
    r"\b(when was .{0,60}(published|reported)|what date .{0,40}(published|report)|"
    r"(which|what) (news )?(outlet|media|newspaper|site|website)|"
    r"kapan .{0,60}(diterbitkan|dimuat|diberitakan)|(media|situs|portal) (berita )?(apa|mana))",
    re.I,
)


def asks_about_article(text: str) -> str:
    """'date' or 'outlet' when the question is about the report itself, not its content."""
    m = _ASKS_ABOUT_ARTICLE.search(text)
    if not m:
        return ""
    return "outlet" if re.search(r"outlet|media|newspaper|site|situs|portal", m.group(0), re.I) else "date"


@dataclass
class Question:
    text: str
    language: str  # "id" or "en"
    qtype: str  # count | breakdown | aggregate | who | where | when | yesno | open
    terms: list[str]  # analysed (stemmed) terms, expansion included
    concepts: list[frozenset[str]] = field(default_factory=list)  # see question_concepts
    expansion: list[str] = field(default_factory=list)  # Indonesian words added for English text
    names: list[str] = field(default_factory=list)  # proper names and unit names as written
    qualifiers: list[str] = field(default_factory=list)  # categories a count must belong to
    counted_class: str = ""  # what a 'how many' question counts: personnel, tps, voters, ...
    categories: list[str] = field(default_factory=list)  # whose people: tni, brimob, bko, linmas ...

    @property
    def search_text(self) -> str:
        """What dense retrieval embeds: the question plus its Indonesian bridge terms."""
        return f"{self.text} {' '.join(self.expansion)}".strip()


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    text = resources.files("rag.resources").joinpath("en_id.tsv").read_text(encoding="utf-8")
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, _, idn = line.partition("\t")
        entries[en.strip().lower()] = [w.strip() for w in idn.split("|") if w.strip()]
    return entries


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, str]:
    """Stem -> canonical stem of its synonym group."""
    text = resources.files("rag.resources").joinpath("synonyms_id.txt").read_text(encoding="utf-8")
    canon: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        stems = [stem(w.lower()) for w in line.split()]
        for s in stems:
            canon.setdefault(s, stems[0])
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
    """(alternatives for each matched English phrase, words left unmatched as written)."""
    lex = lexicon()
    words = re.findall(r"[A-Za-z0-9]+(?:[-.,/][A-Za-z0-9]+)*", text)
    lower = [w.lower() for w in words]
    groups: list[list[str]] = []
    leftovers: list[str] = []
    longest = max(len(k.split()) for k in lex)
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(lower[i : i + n])
            if phrase in lex:
                groups.append(lex[phrase])
                i += n
                break
            if n == 2 and lower[i] in _DIRECTIONS:  # "South Kalimantan" -> "Kalimantan Selatan"
                groups.append([f"{lower[i + 1]} {_DIRECTIONS[lower[i]]}"])
                i += 2
                break
        else:
            leftovers.append(words[i])
            i += 1
    return groups, leftovers


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


def question_names(text: str) -> list[str]:
    """Capitalised names in the question ('Polres Muna', 'Banyuwangi'), question words excluded."""
    names = []
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower() in _QUESTION_WORDS:
            words = words[1:]
        if words and not (len(words) == 1 and words[0].lower() in lexicon()):
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


def question_type(text: str) -> str:
    t = text.lower()
    if re.search(r"\b(peringkat|urutan|rangking|ranking) (ke)?berapa|\bwhat rank|\bwhich rank|\bke berapa\b", t):
        return "open"
    many = bool(re.search(r"\b(berapa|how many|how much|jumlah|number of)\b", t))
    if re.search(r"\b(bandingkan|compare|mana yang lebih|lebih banyak|which .*\b(larger|more|bigger|smaller)|both numbers|each deploy)\b", t):
        return "aggregate"
    if re.search(r"\b(rincian|terdiri|komposisi|masing-masing|dari unsur mana|breakdown|made up|how many from each|from each|and how many|dan berapa)\b", t):
        return "breakdown"
    if re.search(r"\b(how long|berapa lama|kapan|when|tanggal berapa|what date|which date|on which date|what period|sampai tanggal|hingga tanggal)\b", t):
        return "when"
    if re.search(r"^\s*(siapa|who|whom)\b", t) or re.search(
        r"^\s*(which|what)\s+(\w+\s+){0,2}(unit|officer|official|police|commander|chief)\b|"
        r"^\s*(satuan|satuan kepolisian|polres|pejabat)\s+(\w+\s+)?mana\b", t
    ):
        return "who"
    if many:
        return "count"
    if re.search(r"\b(siapa|who)\b", t):
        return "who"
    if re.search(r"\b(di mana|dimana|where|lokasi|which (city|location|sub-districts?|districts?|two locations|village|road|street)|in which|at which|polres mana|mana saja|ruas jalan mana)\b", t):
        return "where"
    if re.search(r"^\s*(apakah|is|are|does|do|did|was|were|has|have)\b", t):
        return "yesno"
    return "open"


def analyze_question(text: str) -> Question:
    language = detect_language(text)
    expansion = translate_terms(text) if language == "en" else []
    terms = analyze(text) + [t for w in expansion for t in analyze(w)]
    counted = " ".join(counted_phrase(text).lower().split()[:2])  # 'prajurit TNI', 'Brimob personnel'
    qualifiers = [
        cat for cat, triggers in _QUALIFIER_TRIGGERS.items()
        if any(re.search(rf"\b{re.escape(tr)}", counted) for tr in triggers)
    ]  # fmt: skip
    return Question(
        text=text,
        language=language,
        qtype=question_type(text),
        terms=list(dict.fromkeys(terms)),
        concepts=question_concepts(text, language),
        expansion=expansion,
        names=question_names(text),
        qualifiers=qualifiers,
        counted_class=noun_class(counted_phrase(text)),
        categories=asked_categories(counted_phrase(text)),
    )


def asked_categories(counted: str) -> list[str]:
    """Categories named in the counted phrase; a unit name there ('personel Polres Muna') says
    whose count it is, not a category, so 'polri' needs the word itself."""
    cats = categories_in(counted)
    if "polri" in cats and not re.search(r"\b(polri|polisi|police|kepolisian)\b", counted, re.I):
        cats.remove("polri")
    return cats
