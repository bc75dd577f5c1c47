"""Find many fixed phrases in a text at once: a dict of word n-grams, leftmost-longest.

Phrases are compared word by word, lower-cased, so "Toli-Toli", "toli toli" and "TOLI-TOLI" are
the same phrase, and "Kab. Bogor" equals "Kab Bogor". Words inside a phrase may be joined by
spaces, a hyphen, or (after a short abbreviation such as "Kab", "Kep", "D", "I") a full stop; any
other punctuation ends the phrase, so "... di Malang. Kota Batu ..." never reads "Malang Kota".
Names are never stemmed.

    >>> index = PhraseIndex([("jawa timur", 35), ("jawa", 0), ("kab. malang", 3507)])
    >>> [(h.surface, h.value) for h in index.scan("Di Kab Malang, Jawa Timur.")]
    [('Kab Malang', 3507), ('Jawa Timur', 35)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

WORD = re.compile(r"\w+")
# Spaces (one line break at most) or a hyphen between two words of one phrase.
_GAP = re.compile(r"[ \t\u00a0]*\n?[ \t\u00a0]*|[ \t\u00a0]*-[ \t\u00a0]*")
_DOT_GAP = re.compile(r"\.[ \t\u00a0]*")
# Words after which a full stop does not end the phrase ("Kab. Bogor", "D.I. Yogyakarta").
ABBREVIATIONS = frozenset({"kab", "kep", "prov", "kec", "kel", "d", "i", "st", "adm"})


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    lower: str


@dataclass(frozen=True)
class Hit(Generic[T]):
    """One phrase found: its character span, the text as written, and word positions."""

    start: int
    end: int
    surface: str
    first: int  # index of the first word in the token list
    last: int  # index of the last word, inclusive
    value: T


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` with their spans, lower-cased.

    >>> [t.lower for t in tokenize("Polres OKU-Timur")]
    ['polres', 'oku', 'timur']
    """
    return [Token(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The lookup key of a phrase: its lower-cased words.

    >>> phrase_key("D.I. Yogyakarta")
    ('d', 'i', 'yogyakarta')
    """
    return tuple(m.group().lower() for m in WORD.finditer(phrase))


def _joined(text: str, left: Token, right: Token, abbreviations: frozenset[str]) -> bool:
    gap = text[left.end : right.start]
    if _GAP.fullmatch(gap) and gap:
        return True
    return left.lower in abbreviations and bool(_DOT_GAP.fullmatch(gap))


class PhraseIndex(Generic[T]):
    """Phrases mapped to values; ``scan`` finds them leftmost-longest, without overlaps.

    When one phrase is given twice, the first value is kept (so put preferred readings first).
    ``abbreviations`` are the words after which a full stop may stand inside a phrase.
    """

    def __init__(
        self, entries: Iterable[tuple[str, T]], abbreviations: frozenset[str] = ABBREVIATIONS
    ) -> None:
        self._abbreviations = abbreviations
        self._values: dict[tuple[str, ...], T] = {}
        for phrase, value in entries:
            key = phrase_key(phrase)
            if key:
                self._values.setdefault(key, value)
        self._first_words = {key[0] for key in self._values}
        self._longest = max((len(k) for k in self._values), default=0)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, phrase: str) -> T | None:
        """The value of exactly this phrase, or None."""
        return self._values.get(phrase_key(phrase))

    def match_start(self, text: str, start: int = 0) -> Hit[T] | None:
        """The longest phrase that begins with the first word at or after ``start`` (only spaces
        may stand before it), or None. Cheaper than ``scan`` when only one place matters.

        >>> PhraseIndex([("kota batu", 1)]).match_start("di Kota Batu", 2).surface
        'Kota Batu'
        """
        tokens: list[Token] = []
        for m in WORD.finditer(text, start):
            if not tokens and text[start : m.start()].strip(" \t\u00a0"):
                return None
            if len(tokens) == self._longest or (tokens and not _joined(
                    text, tokens[-1], Token(m.start(), m.end(), ""), self._abbreviations)):
                break
            tokens.append(Token(m.start(), m.end(), m.group().lower()))
        if not tokens or tokens[0].lower not in self._first_words:
            return None
        for n in range(len(tokens), 0, -1):
            value = self._values.get(tuple(t.lower for t in tokens[:n]))
            if value is not None:
                begin, end = tokens[0].start, tokens[n - 1].end
                return Hit(begin, end, text[begin:end], 0, n - 1, value)
        return None

    def scan(self, text: str, tokens: list[Token] | None = None) -> list[Hit[T]]:
        """Every phrase in ``text``, leftmost first; at one place the longest phrase wins."""
        tokens = tokenize(text) if tokens is None else tokens
        # reach[i]: how many words, from i on, are joined into one possible phrase.
        reach = [1] * len(tokens)
        for i in range(len(tokens) - 2, -1, -1):
            if _joined(text, tokens[i], tokens[i + 1], self._abbreviations):
                reach[i] = reach[i + 1] + 1
        hits: list[Hit[T]] = []
        i = 0
        while i < len(tokens):
            if tokens[i].lower not in self._first_words:
                i += 1
                continue
            for n in range(min(self._longest, reach[i]), 0, -1):
                key = tuple(t.lower for t in tokens[i : i + n])
                value = self._values.get(key)
                if value is not None:
                    start, end = tokens[i].start, tokens[i + n - 1].end
                    hits.append(Hit(start, end, text[start:end], i, i + n - 1, value))
                    i += n
                    break
            else:
                i += 1
        return hits
