"""English -> Indonesian bridge: the field's own terms (``data/domain_terms.tsv``) first, then
FreeDict's English-Indonesian dictionary (``data/freedict_eng_ind.tsv``, CC BY-SA), looked up by
English lemma (simplemma), plus Indonesian synonym groups (``data/synonyms_id.tsv``).

    >>> "dikerahkan" in translate_word("deployed")
    True
    >>> [(g.english, g.source) for g in translate("How many officers guarded the polling stations?")]
    [('officers', 'domain'), ('guarded', 'domain'), ('polling stations', 'domain')]
    >>> english_for("TPS"), english_for("pengamanan")
    ('polling stations', 'security')
    >>> indonesian_synonyms("personil")[:3]
    ('personel', 'personil', 'anggota')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

DATA = Path(__file__).with_name("data")
MAX_PHRASE = 4  # longest English phrase tried, in words
_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")

Source = Literal["domain", "freedict"]


@dataclass(frozen=True)
class TermGroup:
    """An English word or phrase of the text and its Indonesian equivalents."""

    english: str
    indonesian: tuple[str, ...]
    source: Source


def _rows(filename: str) -> list[list[str]]:
    lines = (DATA / filename).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English function and question words that are never translated (``data/stopwords_en.txt``)."""
    lines = (DATA / "stopwords_en.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _domain() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(english term as written -> Indonesian forms, indonesian form -> English rendering)."""
    to_id: dict[str, list[str]] = {}
    to_en: dict[str, str] = {}
    for indonesian, english, *_ in _rows("domain_terms.tsv"):
        forms = indonesian.split("|")
        renderings = english.split("|")
        for form in forms:
            to_en.setdefault(form.lower(), renderings[0])
        for term in renderings:
            key = re.sub(r"\s*\([^)]*\)", "", term).lower().removeprefix("the ").strip()
            merged = to_id.setdefault(key, [])
            merged.extend(f for f in forms if f not in merged)
    return to_id, to_en


@lru_cache(maxsize=1)
def _domain_lemmas() -> dict[str, list[str]]:
    """The domain terms again under their lemma ('polling places' -> 'polling place'): tried only
    when no term matches as written, so 'deploying' is not 'deployment'."""
    by_lemma: dict[str, list[str]] = {}
    for key, forms in _domain()[0].items():
        merged = by_lemma.setdefault(_lemma_phrase(key, last_only=True), [])
        merged.extend(f for f in forms if f not in merged)
    return by_lemma


@lru_cache(maxsize=1)
def _freedict() -> dict[str, list[str]]:
    return {english: idn.split("|") for english, idn, *_ in _rows("freedict_eng_ind.tsv")}


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    for canonical, variants, *_ in _rows("synonyms_id.tsv"):
        group = (canonical, *variants.split("|"))
        for word in group:
            groups[word.lower()] = group
    return groups


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """English lemma of one lower-case word: 'deployed' -> 'deploy', 'officers' -> 'officer'."""
    import simplemma

    return simplemma.lemmatize(word, lang="en").lower()


def _suffix_stems(word: str) -> list[str]:
    """Regular-inflection guesses for words simplemma gets wrong ('guarded' -> 'guarde')."""
    stems = []
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e")):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            stems.append(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and not repl:  # 'stopped' -> 'stop'
                stems.append(stem[:-1])
    return stems


def _lemma_phrase(phrase: str, last_only: bool = False) -> str:
    words = phrase.split()
    if not words:
        return phrase
    if last_only:
        return " ".join([*words[:-1], lemma(words[-1])])
    return " ".join(lemma(w) for w in words)


def _keys(phrase: str) -> list[str]:
    """Forms of an English phrase to look up, most literal first."""
    phrase = phrase.lower()
    words = phrase.split()
    keys = [phrase, _lemma_phrase(phrase, last_only=True), _lemma_phrase(phrase)]
    keys += [" ".join([*words[:-1], s]) for s in _suffix_stems(words[-1])] if words else []
    return list(dict.fromkeys(keys))


def _lookup(phrase: str, *tables: dict[str, list[str]]) -> list[str]:
    keys = _keys(phrase)
    for table in tables:
        for key in keys:
            if key in table:
                return table[key]
    return []


def _lookup_domain(phrase: str) -> list[str]:
    return _lookup(phrase, _domain()[0], _domain_lemmas())


def translate_word(word: str) -> list[str]:
    """Indonesian equivalents of an English word (or phrase), the field's terms before FreeDict's
    senses; [] for stop words and unknown words.

    >>> translate_word("officers")[:2]
    ['personel', 'personil']
    >>> translate_word("the"), translate_word("zyxwv")
    ([], [])
    """
    word = word.strip().lower()
    if not word or word in stop_words():
        return []
    found = list(_lookup_domain(word))
    found += [g for g in _lookup(word, _freedict()) if g not in found]
    if not found and word != (american := american_spelling(word)):
        return translate_word(american)
    return found


# British spellings and their American forms (the dictionary's): harbour/harbor, centre/center,
# mobilise/mobilize, defence/defense, travelled/traveled.
_BRITISH = ((re.compile(r"our(s|ed|ing)?$"), r"or\1"), (re.compile(r"tre(s)?$"), r"ter\1"),
            (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"), (re.compile(r"ence$"), "ense"),
            (re.compile(r"ll(ed|ing|er)$"), r"l\1"))  # fmt: skip


def american_spelling(word: str) -> str:
    """The American spelling of a British-spelt word ('harbour' -> 'harbor'), else the word.

    >>> american_spelling("harbour"), american_spelling("centre"), american_spelling("port")
    ('harbor', 'center', 'port')
    """
    for pattern, repl in _BRITISH:
        if pattern.search(word):
            return pattern.sub(repl, word, count=1)
    return word


def translate(text: str) -> list[TermGroup]:
    """Longest-phrase translation of English text, left to right. A phrase the field's table knows
    gives its terms only (source 'domain'); otherwise FreeDict's senses (source 'freedict').
    Stop words, numbers and words neither table knows are skipped.

    >>> [g.indonesian[0] for g in translate("Which regency deployed troops?")]
    ['kabupaten', 'dikerahkan', 'pasukan']
    """
    tokens = _WORD.findall(text)
    stop = stop_words()
    freedict = _freedict()
    groups: list[TermGroup] = []
    i = 0
    while i < len(tokens):
        match = None
        for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            if span[0].lower() in stop or span[-1].lower() in stop:
                continue
            phrase = " ".join(span)
            if found := _lookup_domain(phrase):
                match = (n, TermGroup(phrase, tuple(found), "domain"))
            elif found := _lookup(phrase, freedict):
                match = (n, TermGroup(phrase, tuple(found), "freedict"))
            if match:
                break
        if match:
            groups.append(match[1])
            i += match[0]
        else:
            i += 1
    return groups


def indonesian_synonyms(word: str) -> tuple[str, ...]:
    """The synonym group of an Indonesian word, its canonical member first and the word itself
    included; () when the word has none.

    >>> indonesian_synonyms("diterjunkan")[0], indonesian_synonyms("meja")
    ('dikerahkan', ())
    """
    return _synonyms().get(word.strip().lower(), ())


def english_for(indonesian: str) -> str | None:
    """How an English answer names an Indonesian term of the field; None when the table lacks it.

    >>> english_for("personel"), english_for("Tempat Pemungutan Suara"), english_for("meja")
    ('personnel', 'polling stations', None)
    """
    return _domain()[1].get(re.sub(r"\s+", " ", indonesian.strip().lower()))


def table_sizes() -> dict[str, int]:
    """Entries per table, for logs and tests."""
    return {"domain": len(_domain()[0]), "freedict": len(_freedict()), "synonyms": len(_synonyms())}
