"""Numbers as Indonesian and English news write them: digits in either separator convention,
scale words, number words and approximations (vocabulary: ``data/number_words.tsv``).

    >>> parse_number("1,2 juta").value, parse_number("dua ribu lima ratus").value
    (1200000.0, 2500.0)
    >>> n = parse_number("lebih dari 1.000")
    >>> n.value, n.approximate, n.low, n.high
    (1000.0, True, 1000.0, None)
    >>> [m.text for m in find_numbers("Pada 27/11/2024 pukul 08.00, Kodim 0825 menerjunkan 1.542 personel dan ratusan linmas")]
    ['1.542', 'ratusan']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*|\S")
_MASKED = re.compile(  # dates and clock times: never counts
    r"\b\d{1,4}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,4}-\d{1,2}-\d{2,4}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}[.:]\d{2}(?=\s*(?:WIB|WITA|WIT)\b)"
)


@dataclass(frozen=True)
class NumberValue:
    """A number as written: ``value`` is the number itself, or the bound or low end of a range when
    ``approximate``; ``low``/``high`` bound it where the text does ('lebih dari', 'belasan')."""

    value: float
    approximate: bool
    low: float | None
    high: float | None
    text: str


@dataclass(frozen=True)
class NumberMention:
    """A number in running text: ``text == source[start:end]``; ``value`` is ``number.value``."""

    start: int
    end: int
    text: str
    value: float
    number: NumberValue


@lru_cache(maxsize=16)
def _table(kind: str) -> dict[str, str]:
    """One kind of row of ``data/number_words.tsv``: word -> value."""
    lines = (DATA / "number_words.tsv").read_text(encoding="utf-8").splitlines()
    rows = [(line.split("\t") + [""])[:3] for line in lines if line and not line.startswith("#")]
    return {word: value for k, word, value in rows if k == kind}


def parse_digits(text: str, lang: str | None = None) -> float | None:
    """'1.542' and '1,542' -> 1542; '1,2' and '1.2' -> 1.2. A lone separator before exactly three
    digits groups thousands unless ``lang`` says otherwise ('id': dot groups, 'en': comma groups).

    >>> parse_digits("19.752"), parse_digits("1,542"), parse_digits("2,5"), parse_digits("1.542", "en")
    (19752.0, 1542.0, 2.5, 1.542)
    """
    text = text.strip()
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", text):
        return None
    seps = re.findall(r"[.,]", text)
    if not seps:
        return float(text)
    if len(set(seps)) == 2:
        decimal = seps[-1]  # both marks: the last one is the decimal mark
    elif len(seps) > 1:
        decimal = ""  # one mark, repeated: it groups thousands
    elif lang in ("id", "en"):
        decimal = seps[0] if seps[0] == {"id": ",", "en": "."}[lang] else ""
    else:
        decimal = "" if re.search(r"[.,]\d{3}$", text) else seps[0]
    grouping = ({".", ","} - {decimal}).pop() if decimal else seps[0]
    return float(text.replace(grouping, "").replace(decimal or "\0", "."))


def _phrase_value(words: list[str], lang: str | None = None) -> float | None:
    """Value of number words in order, digits allowed first: 'dua ratus lima puluh' -> 250,
    'two hundred and one' -> 201, '15 ribu' -> 15000; None when a word is not a number word."""
    units, tens, scales = _table("unit"), _table("tens"), _table("scale")
    known = units.keys() | tens.keys() | scales.keys()
    words = [p for w in words for p in (w.split("-") if set(w.split("-")) <= known else [w])]
    words = words[1:] if words[:1] in (["a"], ["an"], ["rp"]) and len(words) > 1 else words
    total, group, pending = 0.0, 0.0, None  # pending: the unit that puluh/ratus/belas applies to
    for i, word in enumerate(words):
        if word in _table("noise") and 0 < i < len(words) - 1:
            continue
        if word.startswith("se") and word[2:] in tens.keys() | scales.keys():
            group, pending, word = group + (pending or 0.0), 1.0, word[2:]  # seratus, seribu
        number = parse_digits(word, lang) if word[:1].isdigit() else None
        if number is not None and i > 0:
            return None  # digits only lead: '15 ribu', not '2 3'
        if number is not None or word in units:
            value = number if number is not None else float(units[word])
            if pending is not None and (pending % 10 or pending <= value):
                return None  # 'twenty one' is a number, 'dua tiga' is not
            group, pending = group + (pending or 0.0), value
        elif word == "belas":
            group, pending = group + (1.0 if pending is None else pending) + 10, None
        elif word in tens:
            group, pending = group + (1.0 if pending is None else pending) * float(tens[word]), None
        elif word in scales:
            total += (group + (pending or 0.0) or 1.0) * float(scales[word])
            group, pending = 0.0, None
        else:
            return None
    return total + group + (pending or 0.0)


def _split_qualifier(words: list[str]) -> tuple[str | None, list[str]]:
    for n in (2, 1):
        if len(words) > n and " ".join(words[:n]) in _table("qualifier"):
            return _table("qualifier")[" ".join(words[:n])], words[n:]
    return None, words


def _value(words: list[str], text: str, lang: str | None) -> NumberValue | None:
    """Qualifier, then a vague word ('ratusan ribu') or a range ('200-300', 'antara 200 dan 300')
    or a number, then an optional 'lebih' or '-an'."""
    kind, words = _split_qualifier(words)
    if words and words[-1] in ("lebih", "an", "-an"):
        kind, words = kind or "low", [w for w in words[:-1] if w != "-"]
    if words and words[0] in _table("vague"):
        low, high = (float(x) for x in _table("vague")[words[0]].split("-"))
        scales = [
            w.removesuffix("s") if w.removesuffix("s") in _table("scale") else w for w in words[1:]
        ]
        scale = _phrase_value([w for w in scales if w != "of"] or ["1"])
        if scale is None or len(words) > 1 and not set(words[1:]) - {"of"}:
            return None
        return NumberValue(low * scale, True, low * scale, high * scale, text)
    between = bool(words) and words[0] in ("antara", "between")
    words = words[1:] if between else words
    for sep in ("-", "–", "hingga", "sampai", "to", *(("dan", "and") if between else ())):
        if sep in words and 0 < words.index(sep) < len(words) - 1:
            i = words.index(sep)
            low, high = _phrase_value(words[:i], lang), _phrase_value(words[i + 1 :], lang)
            if low is not None and high is not None and low < high:
                return NumberValue(low, True, low, high, text)
    value = _phrase_value(words, lang) if words else None
    if value is None:
        return None
    bounds = {"low": (value, None), "high": (None, value)}.get(kind or "", (None, None))
    return NumberValue(value, kind is not None, *bounds, text)


def parse_number(text: str, lang: str | None = None) -> NumberValue | None:
    """A number written as digits, words or an approximation; None for anything else.

    >>> [parse_number(t).value for t in ("tiga", "lima belas", "dua puluh satu", "seribu", "two hundred", "1.2 million")]
    [3.0, 15.0, 21.0, 1000.0, 200.0, 1200000.0]
    >>> n = parse_number("belasan")
    >>> n.approximate, n.low, n.high
    (True, 11.0, 19.0)
    """
    words = [t.lower() for t in _TOKEN.findall(text.strip().rstrip("?!.;:"))]
    return _value(words, text, lang)


def _is_code(text: str, tokens: list[re.Match], i: int) -> bool:
    """A digit token that is a year, a day, a unit code, an ordinal or part of a word."""
    tok = tokens[i].group()
    before = text[max(tokens[i].start() - 1, 0) : tokens[i].start()]
    after = text[tokens[i].end() : tokens[i].end() + 1]
    prev = tokens[i - 1].group().lower() if i else ""
    nxt = tokens[i + 1].group().lower() if i + 1 < len(tokens) else ""
    glued = text[max(tokens[i].start() - 2, 0) : tokens[i].start() - 1]
    if (before.isalpha() and prev != "rp") or (before in ("-", "/", ".") and glued.isalnum()):
        return True  # 'Covid-19', 'ke-3', 'Yonif725'; 'Rp1.000' is an amount
    if after.isalpha() and not re.match(r"(an|rb|jt)\b", text[tokens[i].end() :]):
        return True  # '2nd', '3x'
    if after == "/" or (len(tok) > 1 and tok[0] == "0" and tok[1:2].isdigit()):
        return True  # '044/Gapo', '0825'
    if prev in _table("blocker") or prev in _table("month") or nxt in _table("month"):
        return True
    year_like = re.fullmatch(r"(19|20)\d\d", tok)
    return bool(year_like) and nxt not in _table("counted")


def find_numbers(text: str, lang: str | None = None) -> list[NumberMention]:
    """Counts and amounts in running text, digits or words, with their qualifiers; years, dates,
    clock times, unit codes ('Kodim 0825', 'Yonif 725', 'TPS 05') and ordinals are left out.

    >>> [(m.text, m.value) for m in find_numbers("Sekitar 200 personel dan lima belas SSK, lebih dari 1,2 juta pemilih")]
    [('Sekitar 200', 200.0), ('lima belas', 15.0), ('lebih dari 1,2 juta', 1200000.0)]
    """
    masked = _MASKED.sub(lambda m: "#" * len(m.group()), text)
    tokens = list(_TOKEN.finditer(masked))
    words = [t.group().lower() for t in tokens]
    mentions: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        found = _mention_at(text, masked, tokens, words, i, lang)
        if found:
            mentions.append(found[1])
        i = found[0] if found else i + 1
    return mentions


@lru_cache(maxsize=1)
def _starters() -> tuple[frozenset[str], frozenset[str]]:
    """(words a number phrase's core may start with, words any number phrase may start with)."""
    number_words = _table("unit").keys() | _table("tens").keys() | _table("scale").keys()
    starters = number_words | _table("vague").keys() | {"se" + w for w in number_words}
    openers = {q.split()[0] for q in _table("qualifier")} | {"antara", "between", "a", "an"}
    return frozenset(starters), frozenset(starters | openers)


def _mention_at(
    text: str, masked: str, tokens: list[re.Match], words: list[str], i: int, lang: str | None
) -> tuple[int, NumberMention] | None:
    """The longest number phrase starting at token i, with the index of the token after it."""
    starters, openers = _starters()
    if not (words[i][0].isdigit() or words[i] in openers or set(words[i].split("-")) <= starters):
        return None
    for j in range(min(len(tokens), i + 12), i, -1):
        span = words[i:j]
        core = _split_qualifier(span)[1]
        core = core[1:] if core[:1] in (["antara"], ["between"], ["a"], ["an"]) else core
        if not core or not (core[0][0].isdigit() or set(core[0].split("-")) <= starters):
            continue
        if core[0][0].isdigit() and _is_code(masked, tokens, j - len(core)):
            continue
        if span[-1] in _table("noise") or span[-1] == "of" or _not_a_count(words, i, span):
            continue
        after = words[j : j + 3]
        months = _table("month")
        if after and (after[0] in months or after[0] in "-–" and after[2:] and after[2] in months):
            continue  # '27 November', '25-27 November': days
        start, end = tokens[i].start(), tokens[j - 1].end()
        if number := _value(span, text[start:end], lang):
            return j, NumberMention(start, end, text[start:end], number.value, number)
    return None


def _not_a_count(words: list[str], i: int, span: list[str]) -> bool:
    """'salah satu', 'one of', 'no one': the word is not a count there."""
    if span not in (["satu"], ["one"]):
        return False
    prev = words[i - 1] if i else ""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return nxt == "of" or prev in ("salah", "no", "any", "every", "each", "the", "this", "which")


def format_id(n: float) -> str:
    """Indonesian digits for a computed number: 1542 -> '1.542', 2.5 -> '2,5'."""
    return format_en(n).translate(str.maketrans(",.", ".,"))


def format_en(n: float) -> str:
    """English digits for a computed number: 1542 -> '1,542', 2.5 -> '2.5'."""
    if float(n).is_integer():
        return f"{int(n):,}"
    return f"{n:,.2f}".rstrip("0").rstrip(".")
