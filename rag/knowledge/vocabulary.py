"""Word lists that informal spelling is checked against: a vocabulary with frequencies (built from
the corpus by the caller), common Indonesian words ranked by frequency (``data/common_words_id.txt``)
and Indonesian root words (PySastrawi's dictionary).

    >>> v = Vocabulary.from_texts(["Personel gabungan dikerahkan", "personel Polres"])
    >>> "Personel" in v, v.frequency("personel"), len(v)
    (True, 2, 4)
    >>> "turun" in root_words(), common_words().frequency("mencari") > common_words().frequency("menyari")
    (True, True)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
MIN_ROOT = 3  # shorter "roots" in PySastrawi's list are mostly noise
WORD = re.compile(r"(?<![\w-])[A-Za-z]+(?:-[A-Za-z]+)*(?![\w-])")


class Vocabulary:
    """Lower-case words with frequencies, e.g. counted over the corpus."""

    def __init__(self, counts: Mapping[str, int]):
        self.counts: dict[str, int] = {}
        for word, n in counts.items():
            self.counts[word.lower()] = self.counts.get(word.lower(), 0) + int(n)
        self._by_length: dict[int, list[str]] = {}
        for word in self.counts:
            self._by_length.setdefault(len(word), []).append(word)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """Count the words of some texts (numbers and punctuation left out)."""
        return cls(Counter(w.lower() for text in texts for w in WORD.findall(text)))

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self.counts

    def __len__(self) -> int:
        return len(self.counts)

    def frequency(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def words_of_length(self, low: int, high: int) -> list[str]:
        """Words whose length is within [low, high]: the candidates for a typo of that length."""
        return [w for n in range(low, high + 1) for w in self._by_length.get(n, ())]


def data_lines(filename: str) -> list[str]:
    """Lines of a file in ``data/`` without blank lines and ``#`` comments."""
    lines = (DATA / filename).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def common_words() -> Vocabulary:
    """Common Indonesian words; the frequency is the reversed rank (the most common is highest)."""
    words = [line.strip() for line in data_lines("common_words_id.txt")]
    return Vocabulary({w: len(words) - rank for rank, w in enumerate(words)})


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    """Indonesian root words of at least MIN_ROOT letters, from PySastrawi's dictionary (MIT)."""
    from importlib import resources

    text = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if len(w) >= MIN_ROOT)


def match_case(original: str, replacement: str) -> str:
    """Give a replacement the case pattern of the word it replaces: ('Brp', 'berapa') -> 'Berapa'."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
