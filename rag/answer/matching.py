"""Rules that decide whether a piece of text fits a question: does a number count what is asked
(personnel, TPS, voters; the TNI, Brimob, BKO... category), do the question's names occur, which
halves a comparison has. Used by the extractive engine."""

from __future__ import annotations

import re

from rag.analyzer import analyze, tokenize
from rag.facts import PERSONNEL_UNITS, Count, is_personnel_count
from rag.query import QUALIFIERS, Question, canonical, counted_phrase, hit, lexicon

GENERIC_NAME_WORDS = {
    "polres", "polresta", "polrestabes", "polda", "polsek", "kapolres", "kapolresta", "kapolda",
    "mapolres", "mapolda", "mako", "metro", "kabupaten", "kota", "kecamatan", "provinsi", "pilkada",
    "pilgub", "pilbup", "pilwakot", "pemilu", "kpu", "bawaslu", "kantor", "gedung", "operasi",
    "serentak", "tni", "polri", "brimob", "linmas", "bko", "satuan", "the", "of", "and", "dan",
    "regency", "city", "province", "police", "island", "pulau", "wilayah", "daerah", "dki",
    "januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
    "oktober", "november", "desember", "january", "february", "march", "may", "june", "july",
    "august", "october", "december", "sabtu", "minggu", "senin", "selasa", "rabu", "kamis", "jumat",
}  # fmt: skip
OFFICE_WORDS = {"dinas", "badan", "komisi", "kepolisian", "kesehatan", "jalan", "kecamatan", "desa", "kelurahan",
                 "provinsi", "jawa", "sumatera", "sulawesi", "kalimantan", "jakarta", "selatan", "utara", "barat",
                 "timur", "tengah", "tenggara", "pemilihan", "umum", "daerah", "kepala", "serentak", "pilkada",
                 "operasi", "mantap", "praja", "satuan", "unit", "berita", "pemerintah", "resor", "pasukan"}  # fmt: skip
ASKS_UNIT = re.compile(r"\b(unit|satuan|kesatuan|instansi|polres mana|which police|which unit)\b", re.I)
ASKS_PERIOD = re.compile(r"\b(how long|berapa lama|period|periode|durasi|duration|sampai kapan|until when)\b", re.I)
SPAN = re.compile(r"\b(selama|sepekan|seminggu|\d+\s+(hari|pekan|minggu|bulan))\b|\b(mulai|sejak|dari)\b.{3,40}\b(hingga|sampai|s\.d\.?)\b", re.I)
OTHER_UNITS = {"tps", "hari", "days", "kecamatan", "desa", "kelurahan", "kabupaten", "kota", "titik",
               "lokasi", "pos", "lembar", "pemilih", "kendaraan", "ekor", "segmen", "kali", "jam",
               "pegawai", "asn", "pasangan", "paslon", "calon", "surat", "suara"}  # fmt: skip
CONTINUATION = re.compile(r"^(sisanya|selain itu|sedangkan|adapun|ditambah|kemudian|serta|lalu|rinciannya|terdiri)\b", re.I)


_PART_SPLIT = re.compile(
    r"\s*(?:[,;:]\s*)?\b(?:dan berapa|and how many|atau|or|dengan saat|dengan|and the number of|and)\b\s*", re.I
)


def split_parts(question: str) -> list[str]:
    """Two halves of a comparison or a two-part question, split at the conjunction nearest the
    middle; [] when the question has no such conjunction."""
    body = re.sub(r"\s*(give both numbers|sebutkan keduanya)\.?\s*$", "", question, flags=re.I)
    splits = [m for m in _PART_SPLIT.finditer(body) if 15 < m.start() < len(body) - 15]
    if not splits:
        return []
    middle = len(body) / 2
    m = min(splits, key=lambda m: abs(m.start() - middle))
    left, right = body[: m.start()].strip(), body[m.end() :].strip()
    return [left, right] if len(left.split()) >= 3 and len(right.split()) >= 3 else []


def name_stems(q: Question) -> set[str]:
    """Canonical stems of the distinctive words of the names in the question."""
    stems: set[str] = set()
    for name in q.names:
        for variant in [name] + lexicon().get(name.lower(), []):
            for w in tokenize(variant):
                if w not in GENERIC_NAME_WORDS and not w.isdigit():
                    stems |= {canonical(t) for t in analyze(w)}
    return stems


def count_fits(q: Question, count: Count, siblings: list[Count] = (), context: str = "") -> bool:
    """Does this number count what the question asks about? A category the question names (TNI,
    Brimob...) must be in the count's own phrase, or, when no other count in the sentence owns
    it, in the sentence or the one before ('bantuan BKO ... berupa 100 personel Brimob')."""

    def owns(c: Count, words: tuple[str, ...]) -> bool:
        window = f"{c.before} {c.number} {c.after}".lower()
        return any(re.search(rf"\b{re.escape(w)}", window) for w in words)

    for cat in q.qualifiers:
        if cat in ("tps", "pemilih", "surat suara"):
            continue
        words = QUALIFIERS[cat]
        if owns(count, words):
            continue
        nearby = any(re.search(rf"\b{re.escape(w)}", context.lower()) for w in words)
        joint = re.search(r"\bgabungan\b", f"{count.before} {count.after} {context}", re.I)  # a mixed total
        if not nearby or joint or any(owns(c, words) for c in siblings if c is not count):
            return False
    focus = counted_phrase(q.text).lower()
    focus_words = tokenize(focus)
    if "tps" in q.qualifiers or "polling" in focus:
        return count.unit == "tps"
    if "pemilih" in q.qualifiers:
        return count.unit in ("pemilih", "orang", "juta")
    if "surat suara" in q.qualifiers:
        return count.unit in ("lembar", "surat")
    # What is counted: a known non-personnel unit ('how many days', 'berapa kecamatan') must be the
    # number's unit; anything else ('berapa personel', 'how many came') asks for people.
    wanted = set()
    for i in range(min(2, len(focus_words))):
        for w in (focus_words[i], " ".join(focus_words[i : i + 2])):
            wanted |= {x for alt in [w, *lexicon().get(w, [])] for x in tokenize(alt)}
    wanted -= PERSONNEL_UNITS | {"police", "policemen", "personnel", "officers"}
    if count.unit in wanted:
        return True  # the number counts exactly what was asked ('180.751 pegawai', '16 kecamatan')
    if wanted & OTHER_UNITS:
        return False
    return is_personnel_count(count)


def count_relevance(q: Question, count: Count) -> float:
    window = {canonical(t) for t in analyze(f"{count.before} {count.after}")}
    return sum(1 for c in q.concepts if hit(c, window)) + 0.001 * len(count.number)


def name_in_text(name: str, text_lower: str) -> bool:
    """A question's name occurs in the text: unit names as a phrase ('Polres Muna'), other names
    by their distinctive words (English region names through the lexicon)."""
    variants = [name.lower()] + lexicon().get(name.lower(), [])
    unit = re.match(r"(?:ka|ma|mako\s+)?(polres(?:ta(?:bes)?)?|polda|polsek|kodim)\s+(?:metro\s+)?(.+)", name.lower())
    if unit:
        place = re.escape(unit.group(2))
        return bool(re.search(rf"{unit.group(1)}\s+(?:metro\s+)?{place}\b", text_lower))
    for v in variants:
        words = [w for w in tokenize(v) if w not in GENERIC_NAME_WORDS and not w.isdigit()]
        if not words or all(re.search(rf"\b{re.escape(w)}", text_lower) for w in words):
            return True
    return False
