"""Polri, TNI, election and local-government units, their offices and ranks, found in text and
linked to stable ids in Indonesian and English.

The grammar is data: ``data/units.tsv`` (unit types, how each is named, English descriptors),
``data/offices.tsv`` (Kapolres, Pangdam, Ketua KPU, ... with English), ``data/ranks.tsv`` (AKBP,
Mayjen TNI, ... with English, and TNI corps) and ``data/kodams.tsv`` (the Kodam by number and name).
Places come from :mod:`rag.knowledge.gazetteer`, so every province and kabupaten/kota works.

    >>> [u.entity_id for u in find_units("Polda Sumsel, South Sumatra regional police, Polres Muba")]
    ['polda:16', 'polda:16', 'polres:16.06']
    >>> [u.entity_id for u in find_units("Pangdam V/Brawijaya dan Dandim 0825/Banyuwangi")]
    ['kodam:v', 'kodim:0825']
    >>> p = find_persons("Kapolres Malang AKBP Putu Kholis Aryana, S.I.K. mengatakan")[0]
    >>> p.name, p.rank, p.office, p.unit.entity_id
    ('Putu Kholis Aryana', 'AKBP', 'Kapolres', 'polres:35.07')

Speed: the vocabulary is one dict of word n-grams built once (about 30 ms); ``find_units`` takes
about 0.3 ms and ``find_persons`` about 0.4 ms on a 150-word news chunk (development machine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.knowledge import designations as d
from rag.knowledge.gazetteer import find_regions, read_table
from rag.knowledge.person_names import read_name
from rag.knowledge.phrase_index import PhraseIndex, phrase_key

BRANCHES = {"polri": "polri", "civil": "civil"}  # every tni-* branch reports as "tni"
CHIEF_WORDS = frozenset({"chief", "head", "commander", "chair", "chairman", "chairperson"})


@dataclass(frozen=True)
class UnitMention:
    start: int
    end: int
    surface: str
    unit_type: str  # "polda", "polres", "polresta", "kodim", "kpu", "satpolpp", ...
    branch: str  # "polri" | "tni" | "civil"
    region: str | None  # gazetteer code of the place it names ("16", "16.07")
    number: str | None  # "0825/Banyuwangi", "044/Gapo", "V/Brawijaya" for numbered TNI units
    entity_id: str  # "polda:16", "polres:16.07", "kodim:0825", "kodam:v", "kpu:16.07"
    venue: bool = False  # headquarters named ("Mapolres Malang")


@dataclass(frozen=True)
class PersonMention:
    start: int
    end: int
    name: str
    rank: str | None
    office: str | None
    unit: UnitMention | None


@dataclass(frozen=True)
class Office:
    office: str
    unit_type: str
    role: str  # "head" | "deputy" | "staff"
    english: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Rank:
    rank: str
    branch: str
    english: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class _Reading:
    kind: str  # "unit" | "hq" | "english" | "office" | "rank"
    item: d.UnitType | Office | Rank | None  # None: the bare English word "police"


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


@lru_cache(maxsize=1)
def offices() -> dict[str, Office]:
    """Office title -> Office, from ``offices.tsv``."""
    return {r[0]: Office(r[0], r[1], r[2], r[3], _split(r[4])) for r in read_table("offices.tsv")}


@lru_cache(maxsize=1)
def ranks() -> dict[str, Rank]:
    """Rank -> Rank (corps included, branch "corps"), from ``ranks.tsv``."""
    return {r[0]: Rank(r[0], r[1], r[2], _split(r[3])) for r in read_table("ranks.tsv")}


@lru_cache(maxsize=1)
def _vocabulary() -> PhraseIndex[tuple[_Reading, ...]]:
    readings: dict[tuple[str, ...], list[_Reading]] = {}

    def add(phrases: tuple[str, ...], reading: _Reading) -> None:
        for phrase in phrases:
            readings.setdefault(phrase_key(phrase), []).append(reading)

    for unit in d.unit_types():
        add(unit.forms, _Reading("unit", unit))
        add(unit.headquarters, _Reading("hq", unit))
        add(unit.english, _Reading("english", unit))
    add(("police",), _Reading("english", None))
    for office in offices().values():
        add((office.office, *office.forms), _Reading("office", office))
    for rank in ranks().values():
        if rank.branch != "corps":
            add((rank.rank, *rank.forms), _Reading("rank", rank))
    entries = [(" ".join(key), tuple(r)) for key, r in readings.items()]
    return PhraseIndex(entries, d.ABBREVIATIONS)


def _mention(text: str, start: int, found: d.Designation, venue: bool = False) -> UnitMention:
    branch = BRANCHES.get(found.unit.branch, "tni")
    entity = f"{found.unit_type}:{found.key}"
    if found.unit_type in d.POLRES_TYPES:  # one id whatever the Polres is called
        entity = f"polres:{found.key}"
    surface = text[start : found.end]
    return UnitMention(start, found.end, surface, found.unit_type, branch, found.region,
                       found.number, entity, venue)


def _english_unit(text: str, hit, unit: d.UnitType | None, by_end: dict) -> UnitMention | None:
    """ "South Sumatra regional police": the region stands right before the descriptor."""
    region = by_end.get(len(text[: hit.start].rstrip(" \t")))
    if region is None:
        return None
    if unit is None:  # bare "police": a province has a Polda, a kabupaten/kota a Polres
        unit = d.unit_row("polda" if region.region.kind == "provinsi" else "polres")
    found = d.from_region(region, unit, region.end)
    found = d.Designation(hit.end, found.region, None, found.key, found.unit_type, found.unit)
    return _mention(text, region.start, found)


@lru_cache(maxsize=256)  # find_units and find_persons on the same chunk share one analysis
def _analyse(text: str) -> tuple[tuple, tuple[UnitMention, ...]]:
    hits = tuple(_vocabulary().scan(text))
    stops = {h.start for h in hits}
    by_end: dict | None = None
    explicit: list[UnitMention] = []
    implied: list[UnitMention] = []
    for hit in hits:
        for reading in hit.value:
            mention = None
            if reading.kind in ("unit", "hq"):
                found = d.designation(text, hit.end, reading.item, stops)
                mention = found and _mention(text, hit.start, found, reading.kind == "hq")
            elif reading.kind == "english":
                by_end = by_end if by_end is not None else {m.end: m for m in find_regions(text)}
                mention = _english_unit(text, hit, reading.item, by_end)
            elif reading.kind == "office" and reading.item.unit_type not in ("", "national"):
                found = d.designation(text, hit.end, d.unit_row(reading.item.unit_type), stops)
                if found:
                    implied.append(_mention(text, hit.start, found))
                break
            if mention:
                explicit.append(mention)
                break
    return hits, _without_overlaps(explicit, implied)


def _without_overlaps(explicit: list[UnitMention], implied: list[UnitMention]) -> tuple[UnitMention, ...]:
    kept: list[UnitMention] = []
    for group in (explicit, implied):
        for m in sorted(group, key=lambda u: (u.start, u.start - u.end)):
            if all(m.end <= k.start or m.start >= k.end for k in kept):
                kept.append(m)
    return tuple(sorted(kept, key=lambda u: u.start))


def find_units(text: str) -> list[UnitMention]:
    """Units named in ``text``, in order, without overlaps. Offices imply their unit
    ("Kapolres Malang" names polres:35.07); "Mapolres X" is the same entity as a venue.

    >>> [(u.surface, u.entity_id) for u in find_units("Polres Metro Jakarta Selatan dan Polres Jaksel")]
    [('Polres Metro Jakarta Selatan', 'polres:31.74'), ('Polres Jaksel', 'polres:31.74')]
    >>> [(u.entity_id, u.venue) for u in find_units("apel di Mapolda Metro Jaya")]
    [('polda:metro-jaya', True)]
    """
    return list(_analyse(text)[1])


def _next(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


_CORPS: re.Pattern | None = None


def _corps_end(text: str, pos: int) -> int:
    """After a TNI rank, skip its corps: "Inf", "(Inf)", "Laut (P)", "Pnb", "(Mar)"."""
    global _CORPS
    if _CORPS is None:
        names = sorted((r.rank for r in ranks().values() if r.branch == "corps"), key=len, reverse=True)
        body = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in names)
        _CORPS = re.compile(rf"[ \t]+\(?(?:{body})\)?(?![\w(])")
    m = _CORPS.match(text, pos)
    return m.end() if m else pos


def find_persons(text: str) -> list[PersonMention]:
    """People named with a rank and/or an office: "Kapolda Sumsel Irjen Pol Andi Rian",
    "Pangdam V/Brawijaya Mayjen TNI Rudy Saladin", "AKBP Nofan Fahmi, S.H., S.I.K." (degrees are
    not part of the name), "East Java Police chief Inspector General Imam Sugianto".

    >>> [(p.name, p.rank, p.office) for p in find_persons("Karo Ops Polda Sumsel Kombes M Anis Prasetyo")]
    [('M Anis Prasetyo', 'Kombes Pol', 'Karo Ops')]
    """
    hits, units = _analyse(text)
    unit_at = {u.start: u for u in units}
    unit_ending = {u.end: u for u in units}
    hit_at = {h.start: h for h in hits}
    stops = {u.start for u in units} | set(hit_at)
    persons: list[PersonMention] = []
    done = -1
    for hit in hits:
        kinds = {r.kind: r.item for r in hit.value}
        if hit.start < done:
            continue
        start, office, rank, unit, pos = hit.start, None, None, None, hit.end
        if "office" in kinds:
            office = kinds["office"]
            unit = unit_at.get(hit.start) or unit_at.get(_next(text, pos))
            pos = unit.end if unit else pos
        elif "rank" in kinds:
            rank = kinds["rank"]
        elif hit.end in unit_ending:  # "East Java Police chief ..."
            unit = unit_ending[hit.end]
            word = re.match(r"[ \t]+(\w+)", text[pos:])
            head = _head_office(unit.unit_type)
            if not word or word.group(1).lower() not in CHIEF_WORDS or head is None:
                continue
            start, office, pos = unit.start, head, pos + word.end()
        else:
            continue
        # "Kapolres Ogan Ilir, AKBP Bagus Suryo Wibowo": a comma may follow the office and unit.
        starts = (_next(text, pos), _after_comma(text, pos)) if office else (_next(text, pos),)
        named = None
        for begin in dict.fromkeys(s for s in starts if s is not None):
            found_rank = rank or _rank_at(hit_at.get(begin))
            at = hit_at[begin].end if found_rank and not rank else begin
            at = _next(text, _corps_end(text, at)) if found_rank else at
            named = read_name(text, at, stops)
            if named:
                rank = found_rank
                break
        if named is None:
            continue
        done = named[0]
        persons.append(PersonMention(start, named[0], named[1], rank and rank.rank,
                                     office and office.office, unit))
    return persons


def _rank_at(hit) -> Rank | None:
    return next((r.item for r in hit.value if r.kind == "rank"), None) if hit else None


def _after_comma(text: str, pos: int) -> int | None:
    m = re.compile(r"[ \t]*,[ \t]*").match(text, pos)
    return m.end() if m else None


def _head_office(unit_type: str) -> Office | None:
    return next((o for o in offices().values() if o.unit_type == unit_type and o.role == "head"), None)


def _lookup(table: dict, name: str):
    key = phrase_key(name)
    return next((v for v in table.values() if key in {phrase_key(f) for f in (v.forms + (_title(v),))}), None)


def _title(item: Office | Rank) -> str:
    return item.office if isinstance(item, Office) else item.rank


def office_english(office: str) -> str:
    """English for an office title (any of its forms); unknown titles come back as given.

    >>> office_english("Kapolres"), office_english("Pangdam")
    ('district police chief', 'regional military commander')
    """
    found = _lookup(offices(), office)
    return found.english if found else office


def rank_english(rank: str) -> str:
    """English for a rank (any of its forms); unknown ranks come back as given.

    >>> rank_english("AKBP"), rank_english("Mayjen TNI"), rank_english("Irjen")
    ('Adjunct Senior Commissioner', 'Major General', 'Inspector General')
    """
    found = _lookup(ranks(), rank)
    return found.english if found else rank


def unit_english(unit_type: str) -> str:
    """English for a unit type; the Indonesian full name when there is none.

    >>> unit_english("polres"), unit_english("kodim")
    ('district police', 'district military command')
    """
    rows = [u for u in d.unit_types() if u.unit_type == unit_type]
    english = next((u.english[0] for u in rows if u.english), None)
    return english or (rows[0].full_name if rows else unit_type)
