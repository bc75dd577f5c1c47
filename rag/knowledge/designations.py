"""How a unit's own name follows its type word: "Polda |Sumsel", "Kodim |0825/Banyuwangi",
"Polsek |Ilir Timur I", "Satbrimob |Polda Sumsel", "Lanud |Sri Mulyono Herlambang".

Each unit type in ``data/units.tsv`` says how it is named (its ``naming`` column); this module reads
that name at a position and returns the unit's region, number and the key of its entity id.
:mod:`rag.knowledge.organizations` builds the mentions.

    >>> found = designation("Polres Metro Jakarta Selatan", 6, unit_row("polres"))
    >>> found.unit_type, found.region, found.key
    ('polresmetro', '31.74', '31.74')
    >>> found = designation("Kodam Brawijaya", 5, unit_row("kodam"))
    >>> found.key, found.number
    ('v', 'V/Brawijaya')
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache

from rag.knowledge.gazetteer import RegionMention, kecamatan_names, read_table, region_at, regions
from rag.knowledge.person_names import read_name
from rag.knowledge.phrase_index import ABBREVIATIONS as PLACE_ABBREVIATIONS
from rag.knowledge.phrase_index import PhraseIndex

# Words after which a full stop may stand inside a rank or office ("Insp. Gen.", "Pj. Bupati").
ABBREVIATIONS = PLACE_ABBREVIATIONS | {
    "insp", "gen", "brig", "maj", "lt", "col", "capt", "comr", "sr", "adj", "pj", "plt", "jend", "pol",
}
POLRES_TYPES = frozenset({"polres", "polresta", "polrestabes", "polresmetro"})
KOTA_METRO = "18.72"  # Kota Metro, Lampung: "Polres Metro" alone is its Polres
_METRO_JAYA = re.compile(r"[ \t]*Metro[ \t]+Jaya\b", re.I)
_PARENT = re.compile(r"[ \t]*(Polda|Polres|Polresta|Polrestabes|Polsek|Polri)\b", re.I)
_NUMBER = re.compile(r"[ \t]*(\d{1,4}(?:-\d{1,3})?|[IVX]{1,5}\b)(/\d{1,2}\b)?")
_SLASH = re.compile(r"[ \t]*/[ \t]*")


@dataclass(frozen=True)
class UnitType:
    unit_type: str
    branch: str  # "polri" | "tni-ad" | "tni-al" | "tni-au" | "tni" | "civil"
    level: str  # "national" | "province" | "regency" | "district" | "sub-unit" | "region"
    naming: str  # see the header of units.tsv
    forms: tuple[str, ...]
    headquarters: tuple[str, ...]
    english: tuple[str, ...]
    full_name: str


@dataclass(frozen=True)
class Kodam:
    key: str  # "v", "jaya", "im"
    numeral: str  # "V"; empty for Kodam Jaya and Kodam Iskandar Muda
    numerals: tuple[str, ...]  # the numeral and older ones ("XV", "XVI")
    name: str  # "Brawijaya"
    forms: tuple[str, ...]
    provinces: tuple[str, ...]


@dataclass(frozen=True)
class Designation:
    end: int
    region: str | None
    number: str | None
    key: str  # what follows "<unit_type>:" in the entity id
    unit_type: str
    unit: UnitType


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


@lru_cache(maxsize=1)
def unit_types() -> tuple[UnitType, ...]:
    """Rows of ``units.tsv``; a type may have several rows (the national KPU RI, Polda Metro Jaya)."""
    return tuple(
        UnitType(r[0], r[1], r[2], r[3], _split(r[4]), _split(r[5]), _split(r[6]), r[7])
        for r in read_table("units.tsv")
    )


@lru_cache(maxsize=64)
def unit_row(unit_type: str) -> UnitType:
    """The regular row of a unit type (the one named after a place or number)."""
    rows = [u for u in unit_types() if u.unit_type == unit_type]
    return next((u for u in rows if u.naming not in ("national", "metro-jaya")), rows[0])


@lru_cache(maxsize=1)
def kodams() -> tuple[Kodam, ...]:
    """The Kodam of ``kodams.tsv`` with the provinces each covers."""
    rows = read_table("kodams.tsv")
    return tuple(Kodam(r[0], (_split(r[1]) or ("",))[0], _split(r[1]), r[2], _split(r[3]), _split(r[4]))
                 for r in rows)


@lru_cache(maxsize=1)
def _kodam_names() -> PhraseIndex[Kodam]:
    return PhraseIndex((form, k) for k in kodams() for form in (k.name, *k.forms))


@lru_cache(maxsize=1)
def _kecamatan_index() -> PhraseIndex[tuple[str, ...]]:
    return PhraseIndex(kecamatan_names().items())


def _skip_spaces(text: str, pos: int) -> int:
    return len(text) - len(text[pos:].lstrip(" \t"))


def slug(name: str) -> str:
    return re.sub(r"\W+", "-", name.lower()).strip("-")


def _pick(mention: RegionMention, prefer: str) -> str:
    codes = (mention.region.code, *mention.alternatives)
    if prefer == "province":
        return regions()[codes[0]].province
    order = {"regency": ("kabupaten", "kota"), "city": ("kota", "kabupaten")}.get(prefer)
    if order:
        for kind in order:
            code = next((c for c in codes if regions()[c].kind == kind), None)
            if code:
                return code
    return codes[0]


def from_region(mention: RegionMention, unit: UnitType, end: int, prefer: str | None = None) -> Designation:
    """The unit of ``unit``'s type in the region ``mention`` names."""
    prefer = prefer or {"parent": "region", "place": "regency"}.get(unit.naming, unit.naming)
    code = _pick(mention, prefer)
    if unit.unit_type in POLRES_TYPES and regions()[code].kind == "provinsi":
        unit = unit_row("polda")  # "Jakarta Metro Police", "Bengkulu Police": the province's Polda
    if unit.unit_type == "polda" and code == "31":
        return Designation(end, "31", None, "metro-jaya", "polda", unit)
    return Designation(end, code, None, code, unit.unit_type, unit)


def designation(text: str, pos: int, unit: UnitType, stops: Container[int] = ()) -> Designation | None:
    """The name of a ``unit`` that begins at ``pos`` (right after its type word), or None.
    ``stops`` are offsets where a rank or office begins: a proper name never runs into them."""
    naming = unit.naming
    if naming == "national":
        return Designation(pos, None, None, "ri", unit.unit_type, unit)
    metro_jaya = _METRO_JAYA.match(text, pos) if unit.unit_type == "polda" else None
    if naming == "metro-jaya" or metro_jaya:
        return Designation(metro_jaya.end() if metro_jaya else pos, "31", None, "metro-jaya", "polda", unit)
    if naming == "number":
        return _numbered(text, pos, unit, stops)
    if naming == "kecamatan":
        return _kecamatan(text, pos, unit, stops)
    prefer = None
    if naming == "parent":
        parent = _PARENT.match(text, pos)
        if parent and parent.group(1).lower() == "polri":
            return Designation(parent.end(), None, None, "ri", unit.unit_type, unit)
        if parent:
            pos, prefer = parent.end(), "province" if parent.group(1).lower() == "polda" else "regency"
    mention = region_at(text, pos) if naming != "name" else None
    if mention is None:
        if unit.unit_type == "polresmetro":  # "Polres Metro" alone: Kota Metro, Lampung
            return Designation(pos, KOTA_METRO, None, KOTA_METRO, "polres", unit)
        return _proper(text, pos, unit, stops) if naming in ("name", "place") else None
    if mention.region.code == KOTA_METRO and unit.unit_type in POLRES_TYPES:
        following = region_at(text, mention.end)  # "Polres Metro Jakarta Selatan"
        if following:
            found = from_region(following, unit_row("polres"), following.end)
            return Designation(found.end, found.region, None, found.key, "polresmetro", unit)
    return from_region(mention, unit, mention.end, prefer)


def _proper(text: str, pos: int, unit: UnitType, stops: Container[int]) -> Designation | None:
    named = read_name(text, _skip_spaces(text, pos), stops)
    return Designation(named[0], None, None, slug(named[1]), unit.unit_type, unit) if named else None


def _kecamatan(text: str, pos: int, unit: UnitType, stops: Container[int]) -> Designation | None:
    hit = _kecamatan_index().match_start(text, pos)
    if hit and hit.surface[:1].isupper():
        unique = hit.value[0] if len(hit.value) == 1 else None
        return Designation(hit.end, unique, None, unique or slug(hit.surface), unit.unit_type, unit)
    return _proper(text, pos, unit, stops)


def _kodam_at(text: str, pos: int) -> tuple[Kodam, int] | None:
    """The Kodam whose name begins at ``pos`` ("Brawijaya", "Iskandar Muda"), with its end."""
    hit = _kodam_names().match_start(text, pos)
    return (hit.value, hit.end) if hit and hit.surface[:1].isupper() else None


def _numbered(text: str, pos: int, unit: UnitType, stops: Container[int]) -> Designation | None:
    """TNI designations: "V/Brawijaya", "Brawijaya", "0825/Banyuwangi", "II/2", "044/Gapo".
    A Kodam is its number or its name; the others are their number, with a name after "/"."""
    kodam = _kodam_at(text, pos) if unit.unit_type == "kodam" else None
    if kodam:
        k, end = kodam
        number = f"{k.numeral}/{k.name}" if k.numeral else k.name
        return Designation(end, None, number, k.key, "kodam", unit)
    m = _NUMBER.match(text, pos)
    if not m:
        return None
    numeral, end, region = m.group(1) + (m.group(2) or ""), m.end(), None
    slash = _SLASH.match(text, end)
    place = region_at(text, slash.end() if slash else end)
    if unit.unit_type == "kodam":
        k = next((k for k in kodams() if numeral.upper() in k.numerals), None)
        named = _kodam_at(text, slash.end()) if slash and k else None
        if k:
            return Designation(named[1] if named else end, None, f"{k.numeral}/{k.name}", k.key, "kodam", unit)
    if place and unit.unit_type != "korem":  # Korem are named after heroes, not places
        end, region = place.end, _pick(place, "regency")
    elif slash:
        named = read_name(text, slash.end(), stops)
        end = named[0] if named else end
    number = text[m.start(1) : end].strip()
    return Designation(end, region, number, numeral.lower(), unit.unit_type, unit)
