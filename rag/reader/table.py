"""Questions across the corpus answered from the deployment facts table (:mod:`rag.deployments`):
which unit deployed the most (or the fewest), how many in all in a region, which units deployed
how many. A passage reader sees a few passages; these questions need every report.

A question goes to the table only when it asks about personnel, names no particular unit (a
question about one unit is the passage reader's) and asks for a superlative, a list of units, or a
total over a region; and only when the matching rows come from more than one article. Every figure
is cited to its article; a total is computed only from rows that are neither parts of other rows
nor repeats of another report, and only when no row may overlap another (a Polda's figure and its
Polres' figures, two figures of one unit, conflicting reports): otherwise the answer says so and
lists what the table has. Rows of two units at least, from two articles at least.

    >>> asked("Polres mana yang paling banyak mengerahkan personel?").kind
    'most'
    >>> asked("Berapa personel yang dikerahkan Polres Banyuasin?") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.deployments import Fact, readings, stage_of
from rag.knowledge.categories import categories_in, load_terms
from rag.knowledge.designations import unit_row, unit_types
from rag.knowledge.gazetteer import find_regions
from rag.knowledge.numbers import format_en, format_id
from rag.knowledge.organizations import find_units
from rag.query import Question, analyze_question
from rag.reader.engine import comparison_parts
from rag.reader.qtype import interrogative_classes
from rag.types import Answer, Passage

_FORCES = frozenset({"gabungan", "polri", "tni", "brimob", "bko"})
MAX_LISTED = 5  # rows quoted in one answer (the facts tab has them all)
_TEXT = {
    "id": {
        "most": "{unit} mengerahkan personel terbanyak: {count} personel{what} {cite}.",
        "least": "{unit} mengerahkan personel paling sedikit: {count} personel{what} {cite}.",
        "next": "Berikutnya: {rows}.",
        "total": "Total {total} personel dari {n} laporan yang tidak saling tumpang tindih: {rows}.",
        "no_total": "Tabel fakta tidak memungkinkan satu total ({why}); yang tercatat: {rows}.",
        "list": "{n} satuan tercatat mengerahkan personel{what}: {rows}.",
        "more": " (dan {k} lainnya di tab Fakta)",
        "overlap": "angka satuan induk dan satuan di bawahnya bisa tumpang tindih",
        "repeat": "satu satuan punya lebih dari satu angka",
        "conflict": "laporan memberi angka yang berbeda",
        "compare": "{a} lebih banyak: {x} personel {ca}, dibanding {b} {y} personel {cb}.",
        "same": "{a} dan {b} sama banyak: {x} personel {ca} dan {y} personel {cb}.",
    },
    "en": {
        "most": "{unit} deployed the most personnel: {count}{what} {cite}.",
        "least": "{unit} deployed the fewest personnel: {count}{what} {cite}.",
        "next": "Next: {rows}.",
        "total": "{total} personnel in all, from {n} reports that do not overlap: {rows}.",
        "no_total": "The facts table cannot support a single total ({why}); it holds: {rows}.",
        "list": "{n} units are reported deploying{what} personnel: {rows}.",
        "more": " (and {k} more in the Facts tab)",
        "overlap": "a parent unit's figure and its sub-units' figures may overlap",
        "repeat": "one unit has more than one figure",
        "conflict": "reports give different figures",
        "compare": "{a} deployed more: {x} personnel {ca}, against {y} for {b} {cb}.",
        "same": "{a} and {b} deployed the same number: {x} {ca} and {y} {cb}.",
    },
}


@dataclass(frozen=True)
class TableQuestion:
    kind: str  # "most" | "least" | "total" | "list"
    regions: frozenset[str]  # gazetteer codes of the places asked about
    level: str  # the level of unit asked about ("regency": Polres; "province": Polda), "" for any
    stage: str  # the election stage asked about, "" for any
    categories: frozenset[str]  # whose people (tni, brimob, ...), empty for any
    where: bool = False  # the question also asks where ('and where?', 'di mana')


@lru_cache(maxsize=1)
def _markers() -> dict[str, object]:
    return {t.name: t.pattern for t in load_terms("table_questions.tsv")}


@lru_cache(maxsize=1)
def _level_words() -> tuple[tuple[str, str], ...]:
    """(lower-case word, level) of every unit type's Indonesian and English names."""
    words = []
    for u in unit_types():
        if u.level in ("sub-unit", "region"):  # Brimob, Samapta, Satpol PP: whose people, not a level
            continue
        for form in u.forms[:1] + u.english:
            words.append((form.lower(), u.level))
    return tuple(sorted(words, key=lambda w: -len(w[0])))


def asked(text: str | Question) -> TableQuestion | None:
    """The table question ``text`` asks, or None when it is not one."""
    q = text if isinstance(text, Question) else analyze_question(text)
    if q.counted_class not in ("", "personnel") or (not q.counted_class and "personnel" not in q.text.lower()):
        return None
    if any(not u.venue for u in find_units(q.text)):
        return None  # a particular unit: the passage reader answers
    markers = _markers()
    regions = frozenset(r.region.code for r in find_regions(q.text))
    if markers["most"].search(q.text):
        kind = "most"
    elif markers["least"].search(q.text):
        kind = "least"
    elif markers["list"].search(q.text):
        kind = "list"
    elif markers["total"].search(q.text) and regions:
        kind = "total"
    else:
        return None
    lowered = f" {q.text.lower()} "
    level = next((lv for w, lv in _level_words() if f" {w} " in lowered or f" {w}s " in lowered), "")
    categories = frozenset(categories_in(q.text)) - {"gabungan", "polri"}  # 'Brimob', 'TNI': whose people
    where = any(cls == "place" for _, cls in interrogative_classes(re.findall(r"\w+", q.text.lower())))
    return TableQuestion(kind, regions, level, stage_of(q.text), categories, where)


def _distinct_units(rows: list[Fact]) -> list[Fact]:
    """The first row of each unit, in the order given."""
    seen: dict[str, Fact] = {}
    for f in rows:
        seen.setdefault(f.unit_id, f)
    return list(seen.values())


def _unit_level(f: Fact) -> str:
    kind = f.unit_id.split(":")[0]
    return unit_row(kind).level if kind and any(u.unit_type == kind for u in unit_types()) else ""


def _matching(t: TableQuestion, facts: list[Fact]) -> list[Fact]:
    # parts are inside their totals, unless the question asks for one kind of people (the Brimob
    # part of a joint force)
    rows = [f for f in facts if (f.role != "part" or t.categories) and not f.group and f.unit_id]
    if t.regions:
        rows = [f for f in rows if f.province_code in t.regions or f.region_code in t.regions]
    if t.level:
        rows = [f for f in rows if _unit_level(f) == t.level]
    if t.stage:
        rows = [f for f in rows if f.stage == t.stage]
    # linmas, Satpol PP and other bodies are counted with a unit's operation but are not its people:
    # only a question about them gets them
    rows = [f for f in rows if f.category in (t.categories or _FORCES)]
    return rows


def _passage(f: Fact) -> Passage:
    return Passage(f"{f.source}#facts", f.source, 0, f.sentence, f.title, f.url, f.outlet, f.date, f.province)


class _Citer:
    def __init__(self) -> None:
        self.passages: list[Passage] = []
        self.sentences: list[str] = []

    def __call__(self, f: Fact) -> str:
        sources = [p.source for p in self.passages]
        if f.source not in sources:
            self.passages.append(_passage(f))
            self.sentences.append(f.sentence)
            sources.append(f.source)
        return f"[{sources.index(f.source) + 1}]"


def category_label(category: str) -> str:
    """How a category is written in an answer ('Brimob', 'TNI', 'BKO', 'linmas')."""
    return {"tni": "TNI", "bko": "BKO", "brimob": "Brimob", "satpolpp": "Satpol PP", "polri": "Polri"}.get(category, category)


def _where(f: Fact) -> str:
    place = ", ".join(p for p in (f.region, f.province) if p)
    return f" ({place})" if place and place not in f.unit else ""


def _figure(f: Fact, lang: str) -> str:
    return f.count if lang == "id" else format_en(f.value)


def _side_rows(side: str, question: str, facts: list[Fact]) -> tuple[str, list[Fact]] | None:
    """The unit one side of a comparison names (exactly one) and its rows: of the side's stage
    (or the whole question's), of the kind of people it names, not repeats of another report."""
    named = [u for u in find_units(side) if not u.venue]
    if len({u.entity_id for u in named}) != 1:
        return None
    unit = named[0]
    stage = stage_of(side) or stage_of(question)
    rest = side[: unit.start] + " " + side[unit.end :]  # whose people, said apart from the unit's name
    kinds = frozenset(categories_in(rest)) - {"gabungan"}
    ids = readings(unit)
    rows = [f for f in facts if f.unit_id in ids and not f.group and (not stage or f.stage == stage)
            and (f.category in kinds if kinds else f.role != "part")]  # fmt: skip
    return unit.entity_id, rows


def compare_from_table(q: Question, facts: list[Fact]) -> Answer | None:
    """'Mana yang lebih banyak: A atau B?': each side one unit with one figure in the table (for
    the stage and kind of people the side or the question names); None otherwise."""
    if q.counted_class not in ("", "personnel") or not _markers()["compare"].search(q.text):
        return None
    parts = comparison_parts(q.text)
    sides = [_side_rows(p, q.text, facts) for p in parts]
    if len(sides) != 2 or None in sides or sides[0][0] == sides[1][0]:
        return None
    if any(len({f.value for f in rows}) != 1 for _, rows in sides):
        return None  # a side without a figure, or with several: the passage reader's question
    lang = "en" if q.language == "en" else "id"
    cite = _Citer()
    (_, rows_a), (_, rows_b) = sides
    a, b = rows_a[0], rows_b[0]
    if b.value > a.value:
        a, b = b, a
    template = _TEXT[lang]["same" if a.value == b.value else "compare"]
    text = template.format(a=a.unit, b=b.unit, x=_figure(a, lang), y=_figure(b, lang), ca=cite(a), cb=cite(b))
    return Answer(q.original or q.text, text, True, cite.passages, cite.passages, q.language, "facts-table",
                  highlights=cite.sentences)  # fmt: skip


def is_table_question(q: Question) -> bool:
    """Whether ``q`` may be a table question (cheap: no table needed)."""
    if q.counted_class not in ("", "personnel"):
        return False
    if _markers()["compare"].search(q.text) and len(comparison_parts(q.text)) == 2:
        return True
    return asked(q) is not None


def answer_from_table(q: Question, facts: list[Fact]) -> Answer | None:
    """The answer of a table question from ``facts`` (related rows, :func:`rag.deployments.relate`),
    or None when the question is not one or the rows of one article at most match it."""
    compared = compare_from_table(q, facts)
    if compared is not None:
        return compared
    t = asked(q)
    if t is None:
        return None
    rows = _matching(t, facts)
    if len({f.source for f in rows}) < 2 or len({f.unit_id for f in rows}) < 2:
        return None  # one report, or one unit: the passage reader's question
    lang = "en" if q.language == "en" else "id"
    words, cite = _TEXT[lang], _Citer()

    def listed(chosen: list[Fact]) -> str:
        return "; ".join(f"{f.unit}{_where(f) if t.where else ''} {_figure(f, lang)} {cite(f)}" for f in chosen)

    more = ""
    if t.kind in ("most", "least"):
        ordered = _distinct_units(sorted(rows, key=lambda f: f.value, reverse=t.kind == "most"))
        best = ordered[0]
        what = f" {best.category}" if best.category in ("gabungan", "tni", "brimob", "bko", "linmas") else ""
        first = words[t.kind].format(unit=best.unit, count=_figure(best, lang), what=what, cite=cite(best))
        others = ordered[1:3]
        text = first + (" " + words["next"].format(rows=listed(others)) if others else "")
    elif t.kind == "list":
        chosen = _distinct_units(sorted(rows, key=lambda f: -f.value))
        if len(chosen) > MAX_LISTED:
            more = words["more"].format(k=len(chosen) - MAX_LISTED)
        kinds = " ".join(sorted(category_label(c) for c in t.categories))
        what = f" {kinds}" if kinds else ""
        text = words["list"].format(n=len(chosen), what=what, rows=listed(chosen[:MAX_LISTED]) + more)
    else:
        why = _why_no_total(rows, words)
        chosen = sorted(rows, key=lambda f: -f.value)
        if len(chosen) > MAX_LISTED:
            more = words["more"].format(k=len(chosen) - MAX_LISTED)
        if why:
            text = words["no_total"].format(why=why, rows=listed(chosen[:MAX_LISTED]) + more)
        else:
            total = sum(f.value for f in rows)
            shown = format_en(total) if lang == "en" else format_id(total)
            text = words["total"].format(total=shown, n=len(rows), rows=listed(chosen[:MAX_LISTED]) + more)
    return Answer(q.original or q.text, text, True, cite.passages, cite.passages, q.language, "facts-table",
                  highlights=cite.sentences)  # fmt: skip


def _why_no_total(rows: list[Fact], words: dict[str, str]) -> str:
    units = [f.unit_id for f in rows]
    if any(f.conflict for f in rows):
        return words["conflict"]
    if len(set(units)) < len(units):
        return words["repeat"]
    levels = {_unit_level(f) for f in rows}
    provinces = {f.province_code for f in rows if _unit_level(f) == "province"}
    if provinces and any(_unit_level(f) != "province" and f.province_code in provinces for f in rows) or (
        "national" in levels and len(levels) > 1
    ):
        return words["overlap"]
    return ""
