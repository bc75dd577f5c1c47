"""Typed facts inside a sentence: counts (what they count, whose people), plain names, dates,
places and venues. Units and ranked persons are linked by :mod:`rag.knowledge.organizations`.

    >>> [(c.number, c.unit) for c in find_counts("Sebanyak 850 personel dari Polresta, 316 personel dari Kodim.")]
    [('850', 'personel'), ('316', 'personel')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.knowledge.categories import categories_in, noun_class
from rag.metadata import MONTHS

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBER = re.compile(r"(?<![\w/.,-])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?:-an)?(?![\w/]|\.\d|:\d)")
_WORD = re.compile(r"[A-Za-z][\w-]*")
_NOT_COUNT_BEFORE = re.compile(
    r"(pukul|jam|tahun|kodim|kodam|korem|lanal|pasmar|divif|kostrad|yonif|batalyon|arhanud|no|nomor|"
    r"nomor urut|h-|tanggal|rt|rw|km|pasal|ayat|uu|pkpu|rp|detasemen|resimen|brigif|lantamal|lanud|"
    r"paslon|tps|ke-|jilid|bagian|segmen|kelas)\s*$",
    re.I,
)
# A period is one date fact: '24 November hingga 1 Desember 2024', '21 Agustus-16 Desember 2024',
# '26-28 November 2024', 'from 24 November to 1 December'.
_RANGE_WORDS = r"(?:-|–|—|s\.?/?d\.?|hingga|sampai(?:\s+dengan)?|until|to|through)"
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:\s+(?:{_MONTH_RE}))?(?:\s+\d{{4}})?\s*{_RANGE_WORDS}\s*\d{{1,2}}\s+(?:{_MONTH_RE})\b(?:\s+\d{{4}})?|"
    rf"\b\d{{1,2}}\s+(?:{_MONTH_RE})\b(?:\s+\d{{4}})?|\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)|"
    rf"\b(?:{_MONTH_RE})\s+\d{{4}}\b|\b\d+\s+hari\b|\bH-\d+\b|\bpukul\s+\d",
    re.I,
)


@lru_cache(maxsize=1)
def _venue_heads() -> dict[str, str]:
    """Head noun -> kind (admin, venue, headquarters, street, geography) of ``knowledge/data/venues.tsv``."""
    path = Path(__file__).resolve().parent / "knowledge" / "data" / "venues.tsv"
    heads = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, words = line.split("\t")
            heads.update({h.strip(): kind.strip() for h in words.split("|") if h.strip()})
    return heads


@lru_cache(maxsize=1)
def _venue_pattern() -> re.Pattern:
    """A head noun followed by a capitalised name."""
    alternatives = "|".join(re.escape(h) for h in sorted(_venue_heads(), key=len, reverse=True))
    name = r"(?:[A-Z0-9][\w.'/-]*)"
    return re.compile(rf"\b(?:{alternatives})\w*(?:\s+(?:{name}|di|dan|de|van|bin)){{0,6}}?\s+{name}(?:\s+{name})*")


def place_kind(place: str) -> str:
    """'venue', 'admin', 'headquarters', 'street' or 'geography': what the head noun names."""
    heads = _venue_heads()
    for n in (2, 1):
        head = " ".join(place.split()[:n])
        if head in heads:
            return heads[head]
    return next((kind for h, kind in heads.items() if place.startswith(h)), "")


def place_head(place: str) -> str:
    """The head noun of a place name, lower-case ('lapangan' of 'Lapangan Satya Haprabu')."""
    heads = _venue_heads()
    words = place.split()
    for n in (2, 1):
        if " ".join(words[:n]) in heads:
            return " ".join(words[:n]).lower()
    return next((h.lower() for h in heads if place.startswith(h)), "")


@lru_cache(maxsize=1)
def venue_heads() -> frozenset[str]:
    """Every head noun of a place name, lower-case ('lapangan', 'rumah dinas', 'mapolres')."""
    return frozenset(h.lower() for h in _venue_heads())


@lru_cache(maxsize=1)
def place_head_words() -> frozenset[str]:
    return frozenset(w.lower() for h in _venue_heads() for w in re.findall(r"\w+", h))


@dataclass
class Count:
    number: str  # as written, e.g. "1.542"
    unit: str  # the word after it, lowercase ("personel", "tps", "lembar")
    start: int
    end: int
    before: str  # a few words before the number
    after: str  # a few words after it

    @property
    def phrase(self) -> str:
        """The count's own phrase: 'personel Brimob Polda' in '..., 100 personel Brimob Polda, ...'."""
        return f"{self.before} {self.number} {self.after}".strip()

    @property
    def noun_class(self) -> str:
        """What is counted ('personnel', 'tps', 'voters', ...): the noun after the number, or
        the one before it ('personel sebanyak 300')."""
        return noun_class(self.after) or noun_class(" ".join(self.before.split()[-2:]))

    @property
    def categories(self) -> list[str]:
        """Whose people these are, from the count's own phrase ('brimob', 'tni', 'bko', ...)."""
        return categories_in(self.phrase)


# Indonesian vehicle registration plates: a region code of one or two capitals, up to four digits,
# up to three capitals (Perpol 7/2021, Registrasi dan Identifikasi Kendaraan Bermotor).
_PLATE_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z]{1,2}\s?$")
_PLATE_AFTER = re.compile(r"\s?[A-Z]{1,3}\b(?![a-z])")


def find_counts(sentence: str) -> list[Count]:
    """Numbers that count something (not years, dates, times or unit numbers like 'Kodim 0818')."""
    out = []
    for m in _NUMBER.finditer(sentence):
        number = m.group(1)
        head = sentence[: m.start()]
        tail = sentence[m.end() :]
        if _NOT_COUNT_BEFORE.search(head[-24:]):
            continue
        digits = number.replace(".", "").split(",")[0]
        if len(digits) == 4 and digits.startswith(("19", "20")) and "." not in number:
            continue  # a year
        if _PLATE_BEFORE.search(head) and _PLATE_AFTER.match(tail) and "." not in number:
            continue  # a vehicle plate ('DT 9857 FE')
        words_after = _WORD.findall(tail[:60])
        if words_after and words_after[0].lower() in MONTHS:
            continue  # a date
        if re.match(r"\s*(wib|wita|wit|persen|%|tahun|bulan|jam|menit)\b", tail, re.I):
            continue
        out.append(count_at(sentence, m.start(1), m.end(1)))
    return out


def count_at(sentence: str, start: int, end: int) -> Count:
    """The count written at ``sentence[start:end]``, with its own phrase around it."""
    head, tail = sentence[:start], sentence[end:]
    words_after = _WORD.findall(tail[:60])
    # A count's own phrase stops at the neighbouring count or clause break:
    # in '9.897 personel TNI dan 236.624 anggota linmas' TNI belongs to the first only.
    clause = re.split(r"[,;:()]", head)[-1]
    own_head = "" if re.search(r"\d", clause) else clause  # words after a count are its own
    own_tail = re.split(r"\d|[,;:()]", tail)[0]
    before = " ".join(_WORD.findall(own_head)[-6:])
    after = " ".join(_WORD.findall(own_tail)[:4]) or " ".join(words_after[:1])
    unit = words_after[0].lower() if words_after else ""
    return Count(sentence[start:end], unit, start, end, before, after)


_PLAIN_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3}\b")


def find_plain_names(sentence: str) -> list[str]:
    """Two to four capitalised words inside a sentence ('Elen Setiadi'); not the first word."""
    return [m.group(0) for m in _PLAIN_NAME.finditer(sentence)]


def find_dates(sentence: str) -> list[str]:
    return [m.group(0) for m in _DATE.finditer(sentence)]


def find_places(sentence: str) -> list[str]:
    """Places and venues named in a sentence: 'Lapangan Apel Mapolda Jawa Timur', 'Desa Munse'."""
    return [m.group(0).rstrip(".,") for m in _venue_pattern().finditer(sentence)]

