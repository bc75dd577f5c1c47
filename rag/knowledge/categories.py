"""Categories of security personnel, classes of counted nouns and election stages
(``data/force_categories.tsv``, ``data/counted_nouns.tsv``, ``data/election_stages.tsv``): what a
number in the news counts, whose people they are, and which stage of the election it is about.

    >>> categories_in("100 personel Brimob Polda")
    ['brimob', 'polri']
    >>> noun_class("personil"), noun_class("polling stations")
    ('personnel', 'tps')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class TermClass:
    name: str
    english: str
    words: tuple[str, ...]
    pattern: re.Pattern


def load_terms(filename: str) -> tuple[TermClass, ...]:
    """The term classes of a `class<TAB>english<TAB>words` (or `class<TAB>words`) table in data/."""
    rows = []
    for line in (DATA / filename).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("\t")]
        name, english, words = parts if len(parts) == 3 else (parts[0], parts[0], parts[1])
        alternatives = tuple(w.strip() for w in words.split("|") if w.strip())
        body = "|".join(re.escape(w) for w in sorted(alternatives, key=len, reverse=True))
        # the enclitic -nya attaches to any noun ('personelnya', 'pasukannya': its/their personnel)
        rows.append(TermClass(name, english, alternatives, re.compile(rf"(?<![\w-])(?:{body})(?:nya)?(?![\w])", re.I)))
    return tuple(rows)


@lru_cache(maxsize=1)
def force_categories() -> tuple[TermClass, ...]:
    return load_terms("force_categories.tsv")


@lru_cache(maxsize=1)
def counted_nouns() -> tuple[TermClass, ...]:
    return load_terms("counted_nouns.tsv")


@lru_cache(maxsize=1)
def election_stages() -> tuple[TermClass, ...]:
    return load_terms("election_stages.tsv")


@lru_cache(maxsize=1)
def connectives() -> tuple[TermClass, ...]:
    return load_terms("connectives.tsv")


@lru_cache(maxsize=50_000)
def relations_in(text: str) -> frozenset[str]:
    """The relations (reason, purpose, means) that connectives in ``text`` introduce."""
    return frozenset(c.name for c in connectives() if c.pattern.search(text))


@lru_cache(maxsize=50_000)
def stages_in(text: str) -> frozenset[str]:
    """The election stages and kinds named in ``text`` ('debate', 'voting', 'pilkada', ...)."""
    return frozenset(c.name for c in election_stages() if c.pattern.search(text))


def categories_in(text: str) -> list[str]:
    """The personnel categories named in ``text``, in table order."""
    return [c.name for c in force_categories() if c.pattern.search(text)]


def category_english(name: str) -> str:
    return next((c.english for c in force_categories() if c.name == name), name)


@lru_cache(maxsize=20_000)
def noun_class(phrase: str) -> str:
    """The class of a counted noun ('personnel', 'tps', 'voters', ...) or '' when unknown.
    The first noun of the phrase decides ('anggota linmas' counts people)."""
    phrase = phrase.lower().strip()
    best, best_at = "", len(phrase) + 1
    for c in counted_nouns():
        m = c.pattern.search(phrase)
        if m and m.start() < best_at:
            best, best_at = c.name, m.start()
    return best


def noun_english(name: str) -> str:
    return next((c.english for c in counted_nouns() if c.name == name), name)
