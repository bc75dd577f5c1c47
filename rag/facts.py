"""Typed facts inside a sentence: counts with their unit, person and unit names, dates, places.

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

PERSONNEL_UNITS = {"personel", "personil", "anggota", "petugas", "orang", "prajurit", "aparat",
                   "pasukan", "polisi", "polwan", "ssk", "sst", "peleton", "kompi", "officers",
                   "personnel", "members", "soldiers", "troops", "linmas", "satlinmas"}  # fmt: skip
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBER = re.compile(r"(?<![\w/.,-])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?:-an)?(?![\w/]|\.\d|:\d)")
_WORD = re.compile(r"[A-Za-z][\w-]*")
_NOT_COUNT_BEFORE = re.compile(
    r"(pukul|jam|tahun|kodim|kodam|korem|lanal|pasmar|divif|kostrad|yonif|batalyon|arhanud|no|nomor|"
    r"nomor urut|h-|tanggal|rt|rw|km|pasal|ayat|uu|pkpu|rp|detasemen|resimen|brigif|lantamal|lanud|"
    r"paslon|tps|ke-|jilid|bagian|segmen|kelas)\s*$",
    re.I,
)
RANKS = (r"AKBP|AKP|Kombes(?:\s+Pol\.?)?|Kompol|Irjen(?:\s+Pol\.?)?|Brigjen(?:\s+(?:Pol|TNI)\.?)?|"
         r"Mayjen(?:\s+TNI)?|Letjen(?:\s+TNI)?|Jenderal(?:\s+(?:Pol|TNI))?|Kolonel(?:\s+\w+)?|"
         r"Letkol(?:\s+\w+)?|Mayor(?:\s+\w+)?|Kapten(?:\s+\w+)?|Ipda|Iptu|Aiptu|Aipda|Bripka|Brigpol|"
         r"Briptu|Bripda|Kompol|Ajun\s+Komisaris|Dr\.?|Drs\.?|Ir\.?|H\.|Hj\.")  # fmt: skip
_PERSON = re.compile(rf"\b(?:{RANKS})\s+(?:\([A-Z]\)\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,3}}")
_ROLE_NAME = re.compile(
    r"\b(?:Kapolres(?:ta(?:bes)?)?|Kapolda|Kabag\s?Ops|Kabid\s+Humas|Karo\s+Ops|Kasi\s+Humas|Ketua|"
    r"Komisioner|Dandim|Danrem|Pangdam|Pj\.?\s+(?:Bupati|Gubernur|Wali\s?[Kk]ota)|Penjabat\s+(?:\(Pj\)\s+)?(?:Bupati|Gubernur)|Wakil\s+Bupati|Bupati|Wali\s?[Kk]ota)"
    r"(?:\s+[A-Z][\w/.-]*){1,8}"
)
UNIT = re.compile(
    r"\b(?:Polres(?:ta(?:bes)?)?|Polda|Polsek|Kodim|Kodam|Lanal|Korem|Satgas\w*|Sat\s?Brimob|Brimob)"
    r"(?:\s+(?:Metro\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})?"
)
_DATE = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_MONTH_RE})\b(?:\s+\d{{4}})?|\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)|"
    rf"\b(?:{_MONTH_RE})\s+\d{{4}}\b|\b\d+\s+hari\b|\bH-\d+\b|\bpukul\s+\d",
    re.I,
)


@lru_cache(maxsize=1)
def _venue_pattern() -> re.Pattern:
    """A head noun of ``knowledge/data/venues.tsv`` followed by a capitalised name."""
    path = Path(__file__).resolve().parent / "knowledge" / "data" / "venues.tsv"
    heads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            heads += [h.strip() for h in line.split("\t")[1].split("|") if h.strip()]
    alternatives = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    name = r"(?:[A-Z0-9][\w.'/-]*)"
    return re.compile(rf"\b(?:{alternatives})\w*(?:\s+(?:{name}|di|dan|de|van|bin)){{0,6}}?\s+{name}(?:\s+{name})*")


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
        words_after = _WORD.findall(tail[:60])
        if words_after and words_after[0].lower() in MONTHS:
            continue  # a date
        if re.match(r"\s*(wib|wita|wit|persen|%|tahun|bulan|jam|menit)\b", tail, re.I):
            continue
        # A count's own phrase stops at the neighbouring count or clause break:
        # in '9.897 personel TNI dan 236.624 anggota linmas' TNI belongs to the first only.
        clause = re.split(r"[,;:()]", head)[-1]
        own_head = "" if re.search(r"\d", clause) else clause  # words after a count are its own
        own_tail = re.split(r"\d|[,;:()]", tail)[0]
        before = " ".join(_WORD.findall(own_head)[-6:])
        after = " ".join(_WORD.findall(own_tail)[:4]) or " ".join(words_after[:1])
        unit = words_after[0].lower() if words_after else ""
        out.append(Count(number, unit, m.start(1), m.end(1), before, after))
    return out


def is_personnel_count(count: Count) -> bool:
    after = count.after.lower().split()
    return bool(after) and (after[0] in PERSONNEL_UNITS or (len(after) > 1 and after[0] in {"lebih", "kurang"} and after[-1] in PERSONNEL_UNITS))


def find_people(sentence: str) -> list[str]:
    return [m.group(0) for m in _PERSON.finditer(sentence)] + [m.group(0) for m in _ROLE_NAME.finditer(sentence)]


_PLAIN_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3}\b")


def find_plain_names(sentence: str) -> list[str]:
    """Two to four capitalised words inside a sentence ('Elen Setiadi'); not the first word."""
    return [m.group(0) for m in _PLAIN_NAME.finditer(sentence)]


def find_units(sentence: str) -> list[str]:
    return [m.group(0) for m in UNIT.finditer(sentence)]


def find_dates(sentence: str) -> list[str]:
    return [m.group(0) for m in _DATE.finditer(sentence)]


def has_date(sentence: str) -> bool:
    return bool(_DATE.search(sentence))


def find_places(sentence: str) -> list[str]:
    """Places and venues named in a sentence: 'Lapangan Apel Mapolda Jawa Timur', 'Desa Munse'."""
    return [m.group(0).rstrip(".,") for m in _venue_pattern().finditer(sentence)]


def has_place(sentence: str) -> bool:
    return bool(find_places(sentence))
