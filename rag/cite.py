"""Citations: number sources once, in the order shown, and check an answer against them.

A citation marker ``[n]`` must point at an existing source, and every number in the answer must
be written in one of the cited passages; anything else is reported as a problem.

    >>> from rag.types import Passage
    >>> src = [Passage("c1", "a.txt", 0, "Polres Banyuasin menerjunkan 616 personel.")]
    >>> check_answer("616 personel [1]", src)
    []
    >>> check_answer("700 personel [2]", src)
    ['marker [2] points at no source (1 given)', 'number 700 is not in any cited passage']
"""

from __future__ import annotations

import re

from rag.analyzer import normalize_number
from rag.types import Passage

MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")


def strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def cited_numbers(text: str) -> list[int]:
    return [int(n) for n in MARKER.findall(text)]


def numbers_in(text: str) -> set[str]:
    """Numbers written in ``text``, normalised so that '1.542' and '1542' compare equal."""
    return {normalize_number(n.rstrip(".,")) for n in _NUMBER.findall(strip_markers(text))}


def check_answer(text: str, citations: list[Passage]) -> list[str]:
    problems = []
    for n in dict.fromkeys(cited_numbers(text)):
        if not 1 <= n <= len(citations):
            problems.append(f"marker [{n}] points at no source ({len(citations)} given)")
    cited = [citations[n - 1] for n in set(cited_numbers(text)) if 1 <= n <= len(citations)]
    allowed = set().union(*(numbers_in(p.text) | numbers_in(p.title) for p in cited)) if cited else set()
    for number in sorted(numbers_in(text)):
        if number not in allowed:
            problems.append(f"number {number} is not in any cited passage")
    return problems


def renumber(text: str, passages: list[Passage]) -> tuple[str, list[Passage]]:
    """Keep only the passages the text cites, renumbered 1..n in order of first citation."""
    order: list[int] = []
    for n in cited_numbers(text):
        if 1 <= n <= len(passages) and n not in order:
            order.append(n)
    mapping = {old: new for new, old in enumerate(order, start=1)}

    def swap(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[{mapping[n]}]" if n in mapping else m.group(0)

    return MARKER.sub(swap, text), [passages[n - 1] for n in order]
