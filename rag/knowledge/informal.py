"""Indonesian as people type it: chat abbreviations (``data/informal_id.tsv``), colloquial verbs
in -in and with a bare nasal prefix rewritten by rule, and typo correction against a vocabulary.

    >>> normalize("brp personel yg diturunin polda ntb?")
    'berapa personel yang diturunkan polda ntb?'
    >>> normalize("Gimana polisi ngamanin TPS?")
    'Bagaimana polisi mengamankan TPS?'
    >>> correct("pengamnan", Vocabulary({"pengamanan": 12, "personel": 30}))
    'pengamanan'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from rag.knowledge.vocabulary import (
    MIN_ROOT,
    WORD,
    Vocabulary,
    common_words,
    data_lines,
    match_case,
    root_words,
)

__all__ = ["Vocabulary", "correct", "informal_table", "me_prefix", "normalize", "standard_verb"]

_VOWELS = set("aeiou")
_STANDARD_PREFIXES = ("ber", "ter", "per", "se", "ke", "di", "pe", "me", "mem", "men", "meng", "meny",
                      "pem", "pen", "peng", "peny")  # fmt: skip


@dataclass(frozen=True)
class Informal:
    standard: str
    kind: str  # "chat": lower case only; "abbrev": also capitalised or with a dot
    guard: frozenset[str]  # neighbouring words that block the expansion


@lru_cache(maxsize=1)
def informal_table() -> dict[str, Informal]:
    """Informal word -> its standard form, from ``data/informal_id.tsv``."""
    table = {}
    for line in data_lines("informal_id.tsv"):
        informal, standard, kind, _source, *guard = line.split("\t")
        table[informal] = Informal(standard, kind, frozenset("|".join(guard).split("|")) - {""})
    return table


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Root words plus the table's standard words: words that no rule rewrites."""
    standard = {w for entry in informal_table().values() for w in entry.standard.split()}
    return root_words() | standard


def me_prefix(root: str) -> str:
    """Standard meN- form of a root.

    >>> [me_prefix(r) for r in ("aman", "kawal", "siap", "turun", "pukul", "cek", "jaga", "lapor")]
    ['mengaman', 'mengawal', 'menyiap', 'menurun', 'memukul', 'mengecek', 'menjaga', 'melapor']
    """
    first, cluster = root[0], len(root) > 1 and root[1] not in _VOWELS
    if sum(ch in _VOWELS for ch in root) == 1:
        return "menge" + root  # one syllable
    if first in _VOWELS or first in "gh":
        return "meng" + root
    if first in "kpt":
        nasal = {"k": "meng", "p": "mem", "t": "men"}[first]
        return nasal + (root if cluster else root[1:])  # 'kritik' keeps its k
    if first == "s":
        return "men" + root if cluster else "meny" + root[1:]
    if first in "bfv":
        return "mem" + root
    if first in "cdjz":
        return "men" + root
    return "me" + root


def _root_variants(root: str) -> list[str]:
    """A colloquial root and its standard spelling: Jakarta speech turns a final-syllable 'a' into
    'e' ('dapet' -> 'dapat', 'inget' -> 'ingat')."""
    m = re.fullmatch(r"(.*[^aeiou])e([^aeiou]+)", root)
    return [root, f"{m.group(1)}a{m.group(2)}"] if m else [root]


def _nasal_roots(word: str) -> list[str]:
    """Roots a word with a bare colloquial nasal prefix may stand for ('ngawal' -> 'awal', 'kawal')."""
    rest = [word[3:]] if word.startswith("nge") else []
    if word.startswith("ng"):
        tail = word[2:]
        rest += [tail, "k" + tail] if tail[:1] in _VOWELS else [tail]
    elif word.startswith("ny"):
        rest += ["s" + word[2:], "c" + word[2:]]
    elif word.startswith("n") and word[1:2] in _VOWELS:
        rest.append("t" + word[1:])
    elif word.startswith("m") and word[1:2] in _VOWELS and word[1] != "e":
        rest.append("p" + word[1:])
    return rest


def _is_derived(word: str) -> bool:
    """Prefix plus root with no suffix ('bermain', 'dijamin', 'memimpin'): standard already."""
    roots = root_words()
    for prefix in _STANDARD_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and any(r in roots for r in (rest, *(c + rest for c in "ptks"))):
            return True
    return False


def _candidates(word: str) -> tuple[list[str], list[str], list[str]]:
    """Standard forms a colloquial verb may stand for, each built on a known root:
    (suffixed forms, the same without suffix, imperatives such as 'turunkan')."""
    has_in = word.endswith("in")
    stem = word[:-2] if has_in else word
    suffixes = ("kan", "i") if has_in else ("",)
    shapes = (
        [("di", stem[2:])] if stem.startswith("di") else [("me", r) for r in _nasal_roots(stem)]
    )
    if has_in and not stem.startswith("di"):
        shapes.append(("", stem))
    suffixed: list[str] = []
    bare: list[str] = []
    imperative: list[str] = []
    for prefix, raw_root in shapes:
        for root in _root_variants(raw_root):
            if len(root) < MIN_ROOT or root not in root_words():
                continue
            base = me_prefix(root) if prefix == "me" else prefix + root
            (suffixed if prefix else imperative).extend(base + s for s in suffixes)
            if has_in and prefix:
                bare.append(base)
    return suffixed, bare, imperative


def standard_verb(
    word: str, vocab: Vocabulary | None = None, attested_only: bool = False
) -> str | None:
    """Standard form of a colloquial verb ('diturunin' -> 'diturunkan', 'ngawal' -> 'mengawal'),
    or None when no rule gives a form built on a known root. Forms that the vocabulary (else the
    common-word list) uses win, the most frequent first; a form without -kan/-i ('dijagain' ->
    'dijaga') or an imperative ('turunin' -> 'turunkan') only when attested, and with
    ``attested_only`` (a capitalised word, maybe a name) every form must be.

    >>> standard_verb("nyiapin"), standard_verb("dijagain"), standard_verb("bermain")
    ('menyiapkan', 'dijaga', None)
    """
    word = word.lower()
    if word in known_words() or (vocab is not None and word in vocab) or len(word) < 5:
        return None
    if _is_derived(word):
        return None
    ranks = [v for v in (vocab, common_words()) if v is not None]

    def score(form: str) -> tuple[int, ...]:
        return tuple(v.frequency(form) for v in ranks)

    suffixed, bare, imperative = _candidates(word)
    for forms in (suffixed, bare, imperative):
        attested = [f for f in forms if any(score(f))]
        if attested:
            return max(attested, key=score)
    return suffixed[0] if suffixed and not attested_only else None


def normalize(text: str, vocab: Vocabulary | None = None) -> str:
    """Standard spelling of informal Indonesian text. Only lower-case words (and a capitalised first
    word of a sentence) are rewritten, so names, acronyms and numbers stay as written; ``vocab``
    (the corpus's words) decides between candidate verb forms.

    >>> normalize("Kab. Banyuasin, kec Talang Kelapa: org2 udh nyoblos")
    'Kabupaten Banyuasin, kecamatan Talang Kelapa: orang-orang sudah mencoblos'
    """
    table = informal_table()
    tokens = list(WORD.finditer(text))
    out: list[str] = []
    pos = 0
    for i, m in enumerate(tokens):
        word, lower, end = m.group(), m.group().lower(), m.end()
        before = text[: m.start()].rstrip()
        plain = word.islower() or ((not before or before[-1] in ".!?") and word[1:].islower())
        entry = table.get(lower)
        replacement = None
        if entry and (plain or entry.kind == "abbrev"):
            neighbours = {t.group().lower() for t in tokens[max(i - 1, 0) : i + 2]} - {lower}
            dotted = text[end : end + 1] == "."
            if not neighbours & entry.guard and (entry.kind == "abbrev" or not dotted):
                replacement = entry.standard
                end += int(dotted and entry.kind == "abbrev")
        elif plain and (form := standard_verb(lower, vocab, attested_only=not word.islower())):
            replacement = form
        out.append(text[pos : m.start()] + (match_case(word, replacement) if replacement else word))
        pos = end
    out.append(text[pos:])
    return _reduplicate("".join(out))


def _reduplicate(text: str) -> str:
    """'org2' -> 'orang-orang', 'masing2' -> 'masing-masing': chat writes reduplication with a 2."""
    table = informal_table()

    def expand(m: re.Match) -> str:
        base = table[m.group(1)].standard if m.group(1) in table else m.group(1)
        return base if " " in base else f"{base}-{base}"

    return re.sub(r"(?<![\w-])([a-z]{2,})2(?![\w-])", expand, text)


def correct(word: str, vocab: Vocabulary) -> str:
    """The vocabulary word closest to a misspelt word (Damerau-Levenshtein: at most 1 edit for
    5-7 letters, 2 from 8), ties to the more frequent; the word itself when the vocabulary, the
    root list or the common-word list knows it, when it is shorter than 5 letters or not
    alphabetic, or when nothing is close.

    >>> v = Vocabulary({"Banyuasin": 40, "personel": 90, "personil": 5})
    >>> correct("Banyuasn", v), correct("personil", v), correct("TPS", v)
    ('Banyuasin', 'personil', 'TPS')
    """
    lower = word.lower()
    if len(word) < 5 or not word.isalpha() or lower in vocab:
        return word
    if lower in known_words() or lower in informal_table() or lower in common_words():
        return word  # a real word ('personil' beside the corpus's 'personel')
    max_edits = 1 if len(word) < 8 else 2
    choices = vocab.words_of_length(len(word) - max_edits, len(word) + max_edits)
    matches = process.extract(lower, choices, scorer=DamerauLevenshtein.distance,
                              score_cutoff=max_edits, limit=20)  # fmt: skip
    if not matches:
        return word
    best = min(matches, key=lambda m: (m[1], -vocab.frequency(m[0])))[0]
    return match_case(word, best)
