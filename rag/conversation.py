"""Follow-up questions in a conversation: "Kalau di Ogan Ilir?" after "Berapa personel yang
dikerahkan Polres Banyuasin?" becomes "Berapa personel yang dikerahkan Polres Ogan Ilir?".

The previous question's slots are carried over and what the follow-up names replaces the slot of
the same kind: a unit replaces a unit, a region replaces a region (also the region a unit is named
after: "Polres Banyuasin" -> "Polres Ogan Ilir"), a personnel category replaces a category
(or qualifies the counted noun: "personel" -> "personel TNI"), an election stage replaces a
stage. A follow-up with its own question word but no unit or region ("Lalu siapa yang memimpin?")
keeps the previous question's subject. The markers that open a follow-up are data
(``knowledge/data/followup_markers.tsv``); units, regions, categories and stages are found by the
knowledge modules, so every unit and region of Indonesia works the same way.

    >>> resolve("Kalau di Ogan Ilir?", [{"role": "user", "content": "Berapa personel yang dikerahkan Polres Banyuasin?"}])
    'Berapa personel yang dikerahkan Polres Ogan Ilir?'
    >>> resolve("Kalau TNI-nya?", [{"role": "user", "content": "Berapa personel yang dikerahkan Polres Banyuasin?"}])
    'Berapa personel TNI yang dikerahkan Polres Banyuasin?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rag.knowledge.categories import counted_nouns, election_stages, force_categories
from rag.knowledge.gazetteer import find_regions, read_table
from rag.knowledge.organizations import find_units
from rag.query import detect_language
from rag.reader.qtype import interrogative_classes

MAX_ELLIPTICAL_WORDS = 6  # a follow-up without a question word is short ("Kalau yang di Muna?")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NYA = re.compile(r"(?<=\w)-?nya\b", re.I)  # "TNI-nya", "debatnya": the enclitic points back


@dataclass(frozen=True)
class Slot:
    kind: str  # unit | region | category | stage
    start: int
    end: int
    surface: str
    province_level: bool = False  # a region that is a province (a unit named after one: a Polda)


@lru_cache(maxsize=1)
def markers() -> tuple[str, ...]:
    """Follow-up markers of both languages, longest first."""
    words = {m.strip().lower() for _, cell in read_table("followup_markers.tsv") for m in cell.split("|")}
    return tuple(sorted((w for w in words if w), key=len, reverse=True))


def strip_marker(text: str) -> tuple[str, bool]:
    """(the question without a leading follow-up marker, whether it had one)."""
    stripped = text.strip()
    lower = stripped.lower()
    for m in markers():
        if lower.startswith(m) and (len(lower) == len(m) or not lower[len(m)].isalnum()):
            return stripped[len(m) :].lstrip(" ,"), True
    return stripped, False


def slots(text: str) -> list[Slot]:
    """Units, regions, personnel categories and election stages named in ``text``, in order."""
    found = [Slot("unit", u.start, u.end, u.surface) for u in find_units(text) if not u.venue]
    units = [(s.start, s.end) for s in found]
    for r in find_regions(text):
        found.append(Slot("region", r.start, r.end, r.surface, r.region.kind == "provinsi"))
    for kind, table in (("category", force_categories()), ("stage", election_stages())):
        for term in table:
            for m in term.pattern.finditer(text):
                if not any(a <= m.start() < b for a, b in units):  # "Brimob" inside "Satbrimob Polda"
                    found.append(Slot(kind, m.start(), m.end(), m.group(0)))
    return sorted(found, key=lambda s: (s.start, -s.end))


def _has_question_word(text: str) -> bool:
    return bool(interrogative_classes(_WORD.findall(text.lower())))


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _carry(previous: str, body: str, language: str) -> str:
    """``previous`` with the slots ``body`` names put in place of its slots of the same kind."""
    new = slots(body)
    text = previous
    for kind in ("unit", "region", "category", "stage"):
        mine = [s for s in new if s.kind == kind]
        if not mine:
            continue
        surface = (" dan " if language == "id" else " and ").join(dict.fromkeys(s.surface for s in mine))
        old = [s for s in slots(text) if s.kind == kind]
        if kind == "region":
            # the region a unit of the previous question is named after is replaced when the new
            # one is of the same level ("Polres Banyuasin" -> "Polres Ogan Ilir"; a Polda is not
            # renamed after a regency: "Polda Sumsel ... di Ogan Ilir")
            units = [u for u in slots(text) if u.kind == "unit"]
            inside = [s for s in old if any(u.start <= s.start and s.end <= u.end for u in units)]
            same_level = [s for s in inside if s.province_level == mine[0].province_level]
            old = same_level or [s for s in old if s not in inside]
        if old:
            text = _replace(text, old[0].start, old[0].end, surface)
        elif kind == "category":
            text = _qualify_counted_noun(text, surface, language)
        else:
            preposition = {"id": {"stage": "saat", "unit": "oleh"}, "en": {"stage": "during the", "unit": "by"}}
            word = preposition[language].get(kind, "di" if language == "id" else "in")
            text = f"{text.rstrip(' ?.')} {word} {surface}?"
    return text


def _qualify_counted_noun(text: str, category: str, language: str) -> str:
    """'Berapa personel yang ...' + 'TNI' -> 'Berapa personel TNI yang ...' (English: the
    modifier goes first, 'How many TNI personnel ...')."""
    for noun in counted_nouns():
        m = noun.pattern.search(text)
        if m:
            return _replace(text, m.start(), m.start(), f"{category} ") if language == "en" else _replace(text, m.end(), m.end(), f" {category}")
    return f"{text.rstrip(' ?.')} {category}?"


def _subject(previous: str) -> str:
    """The unit (or else the region) the previous question is about."""
    found = slots(previous)
    for kind in ("unit", "region"):
        first = next((s for s in found if s.kind == kind), None)
        if first:
            return first.surface
    return ""


def resolve_one(question: str, previous: str) -> str:
    """``question`` as a standalone question, given the standalone question before it."""
    if not previous.strip():
        return question
    body, marked = strip_marker(question)
    body = _NYA.sub("", body).strip(" ?.")
    asks = _has_question_word(body)
    own = slots(body)
    language = detect_language(previous)
    if asks:
        if any(s.kind in ("unit", "region") for s in own) or not marked and len(body.split()) > MAX_ELLIPTICAL_WORDS:
            return question  # a question of its own
        subject = _subject(previous)
        return f"{body} {subject}?" if subject and marked else question
    if not marked and (len(body.split()) > MAX_ELLIPTICAL_WORDS or not own):
        return question
    if not own:
        return f"{previous.rstrip(' ?.')} {body}?" if body else previous
    return _carry(previous, body, language)


def user_turns(history: Sequence[dict[str, Any]] | None) -> list[str]:
    """The user's messages of a conversation in the messages format of Gradio and OpenAI
    (``{"role": "user" | "assistant", "content": str | list}``), oldest first."""
    out = []
    for message in history or []:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):  # OpenAI/Gradio content parts
            content = " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
        if isinstance(content, str) and content.strip():
            out.append(content.strip())
    return out


def resolve(question: str, history: Sequence[dict[str, Any]] | None = None) -> str:
    """``question`` as a standalone question, each earlier user turn resolved in order first."""
    standalone = ""
    for turn in user_turns(history):
        standalone = resolve_one(turn, standalone) if standalone else turn
    return resolve_one(question, standalone) if standalone else question
