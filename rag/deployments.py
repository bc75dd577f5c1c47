"""The deployment facts table: every "who deployed how many, where, for what" of the corpus.

One :class:`Fact` per deployment statement of an article: the reporting unit (linked to its entity
by :mod:`rag.knowledge.organizations`), the count as written and as a number, whose people they
are (``category``), whether the figure is the total of others or a part of one, the place (from
the unit, else the sentence, else the article), the election stage, the article and the exact
sentence. Rows are extracted per article at ingest (:func:`extract_facts`) and kept in the
snapshot; corpus-wide relations (the same figure reported by two outlets, conflicting figures for
one unit and stage) are computed when the table is read (:func:`relate`), so removing an article
removes its rows and changes nothing else.

    >>> from rag.types import Article, ArticleMeta
    >>> text = ("Polres Banyuasin menerjunkan 1.200 personel gabungan, terdiri dari 700 personel Polri, "
    ...         "400 prajurit TNI dan 100 anggota Satpol PP.")
    >>> rows = extract_facts(Article("a.txt", text, ArticleMeta(title="Pengamanan"), ""))
    >>> [(f.count, f.category, f.role, f.unit) for f in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('1.200', 'gabungan', 'total', 'Polres Banyuasin'), ('700', 'polri', 'part', 'Polres Banyuasin'),
     ('400', 'tni', 'part', 'Polres Banyuasin'), ('100', 'satpolpp', 'part', 'Polres Banyuasin')]
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path

from rag.chunk import paragraphs, split_sentences
from rag.facts import Count, count_at, find_counts
from rag.knowledge.categories import (
    TermClass,
    categories_in,
    election_stages,
    load_terms,
    noun_class,
)
from rag.knowledge.gazetteer import Region, find_regions, region_by_name, regions
from rag.knowledge.numbers import NumberValue, find_numbers, format_id, parse_number
from rag.knowledge.organizations import UnitMention, find_units
from rag.types import Article

CATEGORIES = ("gabungan", "polri", "tni", "brimob", "bko", "linmas", "satpolpp", "other")
_SUM_SPAN = 4  # parts that add up to a total follow it within a few sentences (the lede, then the details)
# when a count's own phrase names several forces, the most specific force says whose people they are
# (BKO is a status: "700 personel BKO Brimob" are Brimob, sent under another unit's control)
_PRECEDENCE = ("brimob", "bko", "linmas", "satpolpp", "tni", "polri")
_ELECTIONS = ("pilkada", "pemilu")
_SECURITY_CIVIL = frozenset({"satpolpp", "linmas", "dishub", "damkar", "bpbd"})  # civil units that secure
_UNIT_WORDS = {  # how a unit type is written before its region's name
    "polda": "Polda", "polres": "Polres", "polresta": "Polresta", "polrestabes": "Polrestabes",
    "polresmetro": "Polres Metro", "satpolpp": "Satpol PP", "kpu": "KPU", "bawaslu": "Bawaslu",
}  # fmt: skip


@dataclass(frozen=True)
class Fact:
    """One deployment statement. ``group`` and ``conflict`` relate it to other articles' rows
    (filled by :func:`relate`); everything else comes from its own article."""

    id: str  # "<source>#<n>"
    source: str  # the article, relative to the corpus folder
    count: str  # as written: "1.472"
    value: float  # 1472.0
    category: str  # one of CATEGORIES
    unit_id: str  # entity id of the unit ("polda:16"), "" when no unit is named
    unit: str  # the unit's name ("Polda Sumatera Selatan")
    role: str  # "total" (made of other rows), "part" (of ``part_of``) or "single"
    part_of: str  # id of the total this row is part of, "" otherwise
    province: str  # "Sumatera Selatan"
    province_code: str  # "16"
    region: str  # the regency or city ("Banyuasin"), "" when only the province is known
    region_code: str  # "16.07"
    stage: str  # election stage (voting, campaign, debate, ...), "" when not said
    election: str  # "pilkada", "pemilu" or ""
    date: str  # the article's date (ISO)
    title: str
    outlet: str
    url: str
    sentence: str  # the exact sentence
    start: int  # offset of the sentence in the article's cleaned text (-1: the headline)
    group: str = ""  # id of the first row reporting the same unit, figure and stage
    conflict: str = ""  # other figures of other articles for the same unit, category and stage

    @property
    def number(self) -> str:
        """The value as Indonesian text ("1.472")."""
        return format_id(self.value)


FIELDS = tuple(f.name for f in fields(Fact))


@lru_cache(maxsize=1)
def _terms() -> dict[str, TermClass]:
    return {t.name: t for t in load_terms("deployment_terms.tsv")}


def extractor_version() -> str:
    """Changes whenever the extraction or its knowledge changes: rows of another version are made again."""
    data = Path(__file__).resolve().parent / "knowledge" / "data"
    h = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("deployment_terms.tsv", "force_categories.tsv", "counted_nouns.tsv", "election_stages.tsv",
                 "units.tsv", "venues.tsv", "number_words.tsv"):  # fmt: skip
        h.update((data / name).read_bytes())
    h.update(Path(find_counts.__code__.co_filename).read_bytes())
    return h.hexdigest()[:16]


# --- one article ---------------------------------------------------------------------------------


@dataclass
class _Found:
    count: Count
    sentence: str
    sentence_index: int
    start: int  # offset of the sentence in the text
    value: float
    approximate: bool  # 'lebih dari 600', 'sekitar 9.897'
    unit: UnitMention | None
    category: str
    explicit: bool  # the category is written with the count (not inferred from its unit)
    named: bool  # the unit is named in the sentence (not the article's unit)
    headline: bool
    places: frozenset[str] = frozenset()  # regions named in the count's own stretch of the sentence
    anaphoric: bool = False  # '530 personel itu': the figure of an earlier sentence
    role: str = "single"
    parent: int = -1  # index of the total in the article's list


def _counts(sentence: str) -> list[tuple[Count, NumberValue]]:
    """The counts of a sentence with their values: digits (not years, dates or unit numbers) and
    numbers in words ('seribu', 'tiga ratus'), a scale word included ('30 juta'), as written with
    its qualifier ('lebih dari seribu': the value is approximate)."""
    digits = find_counts(sentence)
    out, covered = [], set()
    for m in find_numbers(sentence):
        inside = [c for c in digits if m.start <= c.start < m.end]
        if inside:
            covered.add(inside[0].start)
            out.append((count_at(sentence, min(m.start, inside[0].start), m.end), m.number))
        elif not re.search(r"\d", m.text):
            out.append((count_at(sentence, m.start, m.end), m.number))
    for c in digits:
        value = parse_number(c.number)
        if c.start not in covered and value is not None:
            out.append((c, value))
    return sorted(out, key=lambda pair: pair[0].start)


def _is_deployment(count: Count, value: NumberValue, sentence: str, since: int, units: list[UnitMention]) -> bool:
    """A count of security people: a personnel noun, not a formation ('dua SSK'), a fraction
    ('dua pertiga'), a rate ('di setiap TPS ... dua personel': a distributive word since the
    previous count, ``since``), a vague amount ('ratusan') or a single person; a noun that counts
    any people ('anggota', 'orang') only where a force, a security unit or a word for a force
    ('kekuatan', 'personel') goes with it."""
    if value.value < 2 or (value.low is not None and value.high is not None):
        return False
    scale = _SCALE.match(count.after)
    after = count.after[scale.end() :] if scale else count.after
    if noun_class(after) != "personnel" and noun_class(" ".join(count.before.split()[-2:])) != "personnel":
        return False
    terms = _terms()
    if terms["formation"].pattern.match(after) or terms["fraction"].pattern.match(after) or \
            terms["distributive"].pattern.search(after):  # fmt: skip
        return False
    if terms["distributive"].pattern.search(sentence, since, count.start):
        return False
    noun = after.split()[0] if after else ""
    if terms["generic"].pattern.fullmatch(noun or "-"):
        rest = terms["generic"].pattern.sub(" ", sentence)
        return bool(categories_in(count.phrase) or categories_in(sentence) or _security(units)
                    or noun_class(rest) == "personnel")  # fmt: skip
    return True


_SCALE = re.compile(r"(?:ribu|juta|thousand|million)\b\s*", re.I)
_BREAK = re.compile(r"[,;:()]|\s(?:dan|serta|sedangkan|sementara|and|while)\s")


def _stretch(sentence: str, counts: list[Count], k: int) -> tuple[int, int]:
    """The count's own stretch: from the clause break (or count) before it to the one after."""
    count = counts[k]
    lo = counts[k - 1].end if k else 0
    hi = counts[k + 1].start if k + 1 < len(counts) else len(sentence)
    breaks_before = [m.end() for m in _BREAK.finditer(sentence, lo, count.start)]
    breaks_after = [m.start() for m in _BREAK.finditer(sentence, count.end, hi)]
    return (breaks_before[-1] if breaks_before else lo), (breaks_after[0] if breaks_after else hi)


def _security(units: Iterable[UnitMention]) -> list[UnitMention]:
    return [u for u in units if not u.venue and (u.branch != "civil" or u.unit_type in _SECURITY_CIVIL)]


def _owner(count: Count, sentence: str, units: list[UnitMention], stretch: tuple[int, int],
           joint: bool) -> UnitMention | None:  # fmt: skip
    """The unit a count belongs to: the nearest unit of its own stretch (of the count's branch
    first); for a joint force (``joint``: the count lists forces it comes from, '200 personel dari
    Polres dan Sat Brimob'), or when its stretch names none, the first unit named before it."""
    lo, hi = stretch
    own = [u for u in _security(units) if u.start >= lo and u.end <= hi]
    if own and not joint:
        branch = "tni" if "tni" in count.categories else ""
        return min(own, key=lambda u: (branch != "" and not u.branch.startswith(branch),
                                       abs((u.start + u.end) / 2 - (count.start + count.end) / 2)))  # fmt: skip
    return next((u for u in _security(units) if u.end <= count.start and not (lo <= u.start < hi and joint)), None)


def _category(count: Count, listed: list[str], unit: UnitMention | None) -> tuple[str, bool]:
    """Whose people: the forces written with the count (several forces, or 'gabungan': a joint
    force); else its unit's; ``listed``: forces named after it up to the next count."""
    cats = categories_in(count.phrase)
    if "gabungan" in cats or ("tni" in cats and "polri" in cats) or _joint(listed):
        return "gabungan", True
    for name in _PRECEDENCE:
        if name in cats:
            return name, True
    if unit is not None:
        if unit.unit_type in ("satpolpp", "linmas"):
            return unit.unit_type, False
        if unit.branch.startswith("tni"):
            return "tni", False
        if unit.unit_type == "brimob":
            return "brimob", False
        if unit.branch == "polri":
            return "polri", False
    return "other", False


def _origins(sentence: str, count: Count, end: int) -> list[str]:
    """The forces a count is said to come from ('756 personel yang berasal dari unsur Polri, TNI,
    Brimob'): named after an origin word of its own clause, up to the next count."""
    clause = re.split(r"[,;:()]", sentence[count.end : end])[0]
    origin = _terms()["origin"].pattern.search(clause)
    return categories_in(sentence[count.end + origin.start() : end]) if origin else []


def _joint(listed: list[str]) -> bool:
    return len(set(listed) - {"gabungan"}) >= 2


def _link(sentence: str, before: int) -> bool:
    """Whether a sentence refers back to a figure before ``before``: a composition connective
    ('terdiri atas', 'dari jumlah itu') or a demonstrative ('kekuatan tersebut', 'sisanya')."""
    head = sentence[:before]
    return bool(_terms()["composition"].pattern.search(head) or _terms()["anaphora"].pattern.search(head))


def _mark_parts(found: list[_Found]) -> None:
    """Totals and their parts. A run of counts right after a larger one (or right before it in its
    sentence) that adds up to it: in its sentence, or in sentences that refer back to it, or of
    three parts or more. Or the counts after a composition connective that follows a larger count
    in its sentence or opens the next sentence with counts ('Dari jumlah itu, 873 orang ...')."""
    terms = _terms()
    for i in sorted(range(len(found)), key=lambda k: -found[k].value):
        total = found[i]
        if total.role == "part":
            continue
        near = [j for j in range(i + 1, len(found)) if 0 <= found[j].sentence_index - total.sentence_index <= _SUM_SPAN]
        for run in (near, [j for j in reversed(range(i)) if found[j].sentence_index == total.sentence_index]):
            s, members = 0.0, []
            for j in run:
                if found[j].anaphoric and found[j].value == total.value:
                    continue  # '1.472 personel itu' between the total and its parts
                if found[j].role != "single" or found[j].value >= total.value:
                    break
                s += found[j].value
                members.append(j)
                if s >= total.value:
                    break
            sentences = {found[j].sentence_index for j in members} - {total.sentence_index}
            linked = all(_link(found[j].sentence, found[j].count.start) for j in members
                         if found[j].sentence_index in sentences and j == min(k for k in members
                         if found[k].sentence_index == found[j].sentence_index))  # fmt: skip
            if s == total.value and len(members) >= 2 and (not sentences or linked or len(members) >= 3):
                _assign(found, i, members)
                break
        if total.role == "total":
            continue
        opened = terms["composition"].pattern.search(total.sentence, total.count.end)
        if opened:
            members = [j for j in near if found[j].sentence_index == total.sentence_index
                       and found[j].count.start > opened.start()]  # fmt: skip
        else:
            later = [j for j in near if found[j].sentence_index > total.sentence_index]
            first = [j for j in later if found[j].sentence_index == found[later[0]].sentence_index] if later else []
            opens = first and terms["composition"].pattern.search(found[first[0]].sentence[: found[first[0]].count.start])
            members = first if opens else []
        members = [j for j in members if found[j].role == "single"]
        if members and all(found[j].value < total.value for j in members) and \
                sum(found[j].value for j in members) <= total.value:  # fmt: skip
            _assign(found, i, members)


def _assign(found: list[_Found], total: int, parts: list[int]) -> None:
    found[total].role = "total"
    for j in parts:
        found[j].role, found[j].parent = "part", total
    kinds = {found[j].category for j in parts}
    if not found[total].explicit and len(kinds) >= 2:  # parts of several forces: a joint force
        found[total].category = "gabungan"


def _unit_name(unit: UnitMention) -> str:
    """'Polda Sumatera Selatan' for 'Polda Sumsel': the type and the official region name; numbered
    and named units as written."""
    if unit.entity_id == "polda:metro-jaya":
        return "Polda Metro Jaya"
    word = _UNIT_WORDS.get(unit.unit_type)
    if word and unit.region in regions():
        return f"{word} {regions()[unit.region].name}"
    return " ".join(unit.surface.split())


def stage_of(text: str) -> str:
    """The election stage named first in ``text`` (not the election itself)."""
    best, at = "", len(text) + 1
    for stage in election_stages():
        if stage.name in _ELECTIONS:
            continue
        m = stage.pattern.search(text)
        if m and m.start() < at:
            best, at = stage.name, m.start()
    return best


def _election(text: str) -> str:
    hits = [(m.start(), s.name) for s in election_stages() if s.name in _ELECTIONS for m in [s.pattern.search(text)] if m]
    return min(hits)[1] if hits else ""


def _place(unit: UnitMention | None, sentence: str, article: Article) -> Region | None:
    if unit is not None and unit.region in regions():
        return regions()[unit.region]
    found = find_regions(sentence) or find_regions(article.meta.title)
    if found:
        return found[0].region
    if article.meta.place:
        return region_by_name(article.meta.place)
    found = find_regions(article.text[:2000])
    return found[0].region if found else None


def _article_unit(article: Article) -> UnitMention | None:
    """The unit the report is about: the headline's first security unit, else the one named most."""
    title = _security(find_units(article.meta.title))
    if title:
        return title[0]
    units = _security(find_units(article.text))
    if not units:
        return None
    named = Counter(u.entity_id for u in units)
    return next(u for u in units if named[u.entity_id] == max(named.values()))


def _sentences(article: Article) -> list[tuple[int, str]]:
    """(offset in the text, sentence) in reading order; the headline first, at -1."""
    out: list[tuple[int, str]] = []
    if article.meta.title and not article.text.startswith(article.meta.title):
        out.append((-1, article.meta.title))
    cursor = 0
    for para in paragraphs(article.text):
        cursor = max(cursor, article.text.find(para, cursor))
        for s in split_sentences(para):
            at = article.text.find(s, cursor)
            cursor = at + len(s) if at >= 0 else cursor
            out.append((at, s))
    return out


def _context_province(article: Article) -> str:
    """The province an article is about: the one its unambiguous place names name most."""
    named = Counter(r.region.province for r in find_regions(f"{article.meta.title}\n{article.text}") if not r.alternatives)
    return named.most_common(1)[0][0] if named else ""


def readings(unit: UnitMention) -> list[str]:
    """The entity ids a unit's name can stand for: its own, and those of the other regions of the
    same name ('Polres Banjar': Kabupaten Banjar in South Kalimantan or Kota Banjar in West Java)."""
    kind = unit.entity_id.split(":")[0]
    found = find_regions(unit.surface)
    other = [code for r in found if r.region.code == unit.region for code in r.alternatives]
    return [unit.entity_id] + [f"{kind}:{code}" for code in other]


def in_context(unit: UnitMention, province: str) -> UnitMention:
    """The reading of a unit's ambiguous place name that lies in the article's province."""
    if not province or unit.region not in regions() or regions()[unit.region].province == province:
        return unit
    for entity in readings(unit)[1:]:
        code = entity.split(":", 1)[1]
        if code in regions() and regions()[code].province == province:
            return replace(unit, region=code, entity_id=entity)
    return unit


def extract_facts(article: Article) -> list[Fact]:
    """The deployment facts of one article, in reading order. A figure repeated with the same unit
    and category (a headline repeats the body), referred back to ('530 personel itu') or rounded
    ('lebih dari 600' after '616') is one row: its first body sentence."""
    sentences = _sentences(article)
    province = _context_province(article)
    fallback = _article_unit(article)
    fallback = in_context(fallback, province) if fallback else None
    found: list[_Found] = []
    for index, (start, sentence) in enumerate(sentences):
        units = [in_context(u, province) for u in find_units(sentence)]
        pairs = _counts(sentence)
        counts = [c for c, _ in pairs]
        for k, (count, value) in enumerate(pairs):
            since = counts[k - 1].end if k else 0
            if not _is_deployment(count, value, sentence, since, units):
                continue
            lo, hi = _stretch(sentence, counts, k)
            listed = _origins(sentence, count, counts[k + 1].start if k + 1 < len(counts) else len(sentence))
            unit = _owner(count, sentence, units, (lo, hi), _joint(listed))
            category, explicit = _category(count, listed, unit or fallback)
            places = frozenset(r.region.code for r in find_regions(sentence[lo:hi])
                               if unit is None or r.region.code != unit.region)  # fmt: skip
            words = count.after.split()
            anaphoric = len(words) >= 2 and bool(_terms()["anaphora"].pattern.fullmatch(words[1]))
            found.append(_Found(count, sentence, index, start, value.value, value.approximate, unit or fallback,
                                category, explicit, unit is not None, start < 0 or sentence == article.meta.title,
                                places, anaphoric))  # fmt: skip
    _mark_parts(found)
    return _rows(article, found)


def _repeats(a: _Found, b: _Found) -> bool:
    """Whether ``b`` repeats the fact of ``a`` (another sentence, not for another place named with
    the count, '22 personel di Jakarta Pusat'): it refers back to it ('530 personel itu'); or it
    rounds it ('lebih dari 600' after '616', same unit); or it gives the same figure for the same
    unit, in the headline or with the unit named in both sentences (a category inferred from the
    unit agrees with any), or with the same category written in both."""
    if a.sentence_index == b.sentence_index:
        return False
    if a.places and b.places and not a.places & b.places:
        return False
    if b.anaphoric or a.anaphoric:
        return a.value == b.value
    same_unit = (a.unit.entity_id if a.unit else "") == (b.unit.entity_id if b.unit else "")
    if (a.approximate or b.approximate) and same_unit and abs(a.value - b.value) <= 0.1 * max(a.value, b.value):
        return True
    if a.value != b.value or not same_unit:
        return False
    if a.headline or b.headline or (a.named and b.named):
        return a.category == b.category or not (a.explicit and b.explicit)
    return a.explicit and b.explicit and a.category == b.category


def _rows(article: Article, found: list[_Found]) -> list[Fact]:
    text_stage = stage_of(article.meta.title) or stage_of(article.text)
    text_election = _election(article.meta.title) or _election(article.text)
    rows: list[Fact] = []
    kept: list[_Found] = []  # the occurrence each row was made from
    ids: dict[int, str] = {}
    order = sorted(range(len(found)), key=lambda i: (found[i].headline, found[i].approximate, i))  # headline last
    for i in order:
        f = found[i]
        same = next((n for n, k in enumerate(kept) if _repeats(k, f)), None)
        if same is not None:
            ids[i] = rows[same].id
            better = rows[same]
            if f.role == "total" and better.role == "single":
                better = replace(better, role="total")
            if f.explicit and not kept[same].explicit:
                better = replace(better, category=f.category)
            rows[same] = better
            continue
        place = _place(f.unit, f.sentence, article)
        province = regions().get(place.province) if place else None
        paragraph = next((p for p in paragraphs(article.text) if f.sentence in p), f.sentence)
        rows.append(Fact(
            id=f"{article.source}#{len(rows) + 1}", source=article.source, count=f.count.number, value=f.value,
            category=f.category, unit_id=f.unit.entity_id if f.unit else "", unit=_unit_name(f.unit) if f.unit else "",
            role=f.role, part_of="", province=province.name if province else "",
            province_code=province.code if province else "",
            region=place.name if place and place.kind != "provinsi" else "",
            region_code=place.code if place and place.kind != "provinsi" else "",
            stage=stage_of(f.sentence) or stage_of(paragraph) or text_stage,
            election=_election(f.sentence) or text_election, date=article.meta.date, title=article.meta.title,
            outlet=article.meta.outlet, url=article.meta.url, sentence=f.sentence, start=f.start,
        ))  # fmt: skip
        kept.append(f)
        ids[i] = rows[-1].id
    by_id = {r.id: n for n, r in enumerate(rows)}
    for i, f in enumerate(found):
        if f.role == "part" and ids.get(f.parent) and ids[i] != ids[f.parent]:
            n = by_id[ids[i]]
            if rows[n].role != "total":
                rows[n] = replace(rows[n], role="part", part_of=ids[f.parent])
    return rows


# --- the corpus ----------------------------------------------------------------------------------


MAX_CONFLICTS = 3  # other figures named in a row's ``conflict``; the rest are counted


def relate(rows: Iterable[Fact]) -> list[Fact]:
    """Rows with ``group`` (the first row of another article reporting the same unit, figure,
    category and stage) and ``conflict`` (the other figures that other articles give for the same
    unit, category, stage and role, the first few named and the rest counted): kept side by side
    and flagged, never averaged. Linear in the rows, however many articles report one unit."""
    rows = sorted(rows, key=lambda r: (r.source, r.start, r.id))
    names: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        names[r.unit_id][r.unit] += 1
    # one name per unit: the one most rows use, the longest on a tie ('Polres Metro Jakarta Selatan')
    name = {u: max(c, key=lambda n: (c[n], len(n))) for u, c in names.items()}
    first: dict[tuple, str] = {}
    figures: dict[tuple, dict[float, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.unit_id:
            first.setdefault((r.unit_id, r.value, r.category, r.stage), r.id)
            if r.role != "part":
                sources = figures[(r.unit_id, r.category, r.stage)][r.value]
                if not sources or sources[-1] != r.source:  # rows are in source order
                    sources.append(r.source)
    ordered = {key: sorted(values) for key, values in figures.items()}
    reports = {key: sum(len(s) for s in values.values()) for key, values in figures.items()}
    values_of: Counter = Counter((key, s) for key, values in figures.items() for v in values for s in values[v])
    out = []
    for r in rows:
        group = first.get((r.unit_id, r.value, r.category, r.stage), "") if r.unit_id else ""
        key = (r.unit_id, r.category, r.stage)
        named: list[str] = []
        if r.unit_id and r.role != "part":
            for value in ordered[key]:
                if len(named) == MAX_CONFLICTS:
                    break
                if value != r.value:
                    wanted = islice((s for s in figures[key][value] if s != r.source), MAX_CONFLICTS - len(named))
                    named += [f"{format_id(value)} ({s})" for s in wanted]
            # every report of another figure by another article, less those named
            more = reports[key] - len(figures[key][r.value]) - (values_of[(key, r.source)] - 1) - len(named)
            named += [f"+{more}"] if more > 0 else []
        conflict = "; ".join(named)
        out.append(replace(r, unit=name[r.unit_id] if r.unit_id else r.unit, group=group if group != r.id else "",
                           conflict=conflict))  # fmt: skip
    return out


@dataclass(frozen=True)
class FactFilter:
    """Which rows to keep: each given field must match (names compared without case; a province
    or region may be given by any name the gazetteer knows, 'Sumsel' or 'South Sumatra')."""

    province: str = ""
    region: str = ""
    unit: str = ""
    category: str = ""
    stage: str = ""
    election: str = ""
    source: str = ""
    date_from: str = ""
    date_to: str = ""

    def matches(self, f: Fact) -> bool:
        if self.province and not _same_place(self.province, f.province, f.province_code):
            return False
        if self.region and not _same_place(self.region, f.region, f.region_code):
            return False
        if self.unit and not _unit_matches(self.unit, f):
            return False
        for name in ("category", "stage", "election", "source"):
            wanted = getattr(self, name)
            if wanted and wanted.lower() != getattr(f, name).lower():
                return False
        if self.date_from and (not f.date or f.date < self.date_from):
            return False
        return not (self.date_to and (not f.date or f.date[: len(self.date_to)] > self.date_to))


def _same_place(wanted: str, name: str, code: str) -> bool:
    region = region_by_name(wanted)
    return (region is not None and region.code == code) or wanted.strip().lower() == name.lower()


def _unit_matches(wanted: str, f: Fact) -> bool:
    if wanted.lower() in (f.unit_id.lower(), f.unit.lower()):
        return True
    units = find_units(wanted)
    return bool(units) and f.unit_id in readings(units[0])


def select(rows: Iterable[Fact], flt: FactFilter) -> list[Fact]:
    return [f for f in rows if flt.matches(f)]


# --- persistence and formats ---------------------------------------------------------------------


def to_record(f: Fact) -> dict:
    return asdict(f)


def from_record(record: dict) -> Fact:
    return Fact(**{k: record[k] for k in FIELDS if k in record})


def to_csv(rows: Iterable[Fact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for f in rows:
        writer.writerow([_plain(getattr(f, k)) for k in FIELDS])
    return out.getvalue()


def to_json(rows: Iterable[Fact]) -> str:
    return json.dumps([to_record(f) for f in rows], ensure_ascii=False, indent=1)


MD_COLUMNS = ("unit", "count", "category", "role", "province", "region", "stage", "date", "source")


def to_markdown(rows: Iterable[Fact]) -> str:
    lines = ["| " + " | ".join(MD_COLUMNS) + " |", "|" + "---|" * len(MD_COLUMNS)]
    for f in rows:
        lines.append("| " + " | ".join(str(getattr(f, k)).replace("|", "/") for k in MD_COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def _plain(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


FORMATS = {"csv": to_csv, "json": to_json, "md": to_markdown}
