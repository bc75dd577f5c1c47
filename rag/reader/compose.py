"""How the reader writes an answer: the asked fact first, in the question's language, then the
sentence it comes from as a quote with its ``[n]`` marker. Numbers and names are copied as
written in the article; English answers quote the Indonesian evidence but speak English.

    >>> yes_no("Apakah ada TPS rawan?", "Seluruh TPS tidak rawan.", "id")
    'Tidak'
    >>> yes_no("Bolehkah personel membawa senjata atau tidak?", "Personel dilarang membawa senjata.", "id")
    'Tidak'
"""

from __future__ import annotations

import re

from rag.facts import Count
from rag.knowledge.categories import noun_english
from rag.reader.candidates import Candidate

NOT_FOUND = {
    "id": "Informasi tersebut tidak ditemukan dalam korpus.",
    "en": "The corpus does not contain this information.",
}
MAX_ANSWER = 340  # characters without markers; answers are read on a phone
MAX_SUMMARY = 580  # a summary has 2-4 sentences
# Negators (and the prohibitive verbs, which negate 'boleh / allowed') of Indonesian and English.
_NEGATION = re.compile(
    r"\b(tidak|tak|bukan|belum|tanpa|nihil|gak|nggak|enggak|dilarang|larangan|melarang|terlarang|"
    r"no|not|none|never|without|prohibited|forbidden|banned|barred)\b", re.I,
)
# A closing "... atau tidak?" / "... or not?" / "..., gak?" asks both ways: it negates nothing.
_TAG = re.compile(r"[\s,]*\b(?:(?:atau|or)\s+)?(?:tidak|tak|bukan|belum|gak|nggak|enggak|not)\s*[?.!]*\s*$", re.I)
MONTH_NAMES = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
}  # fmt: skip


def human_date(iso: str, language: str) -> str:
    """'2024-11-22' -> '22 November 2024'; '2024-08' -> 'Agustus 2024'."""
    parts = iso.split("-")
    if len(parts) < 2:
        return iso
    month = MONTH_NAMES["en" if language == "en" else "id"][int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def yes_no(question: str, sentence: str, language: str) -> str:
    """Ya/Tidak (Yes/No): the evidence agrees with the question unless exactly one of them is
    negated."""
    agrees = bool(_NEGATION.search(_TAG.sub("", question))) == bool(_NEGATION.search(sentence))
    if language == "en":
        return "Yes" if agrees else "No"
    return "Ya" if agrees else "Tidak"


def trim_quote(sentence: str, keep: list[tuple[int, int]], limit: int) -> str:
    """The sentence, or the part of it around the spans in ``keep`` when it is too long."""
    if len(sentence) <= limit:
        return sentence
    start = min((s for s, _ in keep), default=0)
    end = max((e for _, e in keep), default=min(len(sentence), limit))
    left = max(0, min(start - limit // 3, len(sentence) - limit))
    right = min(len(sentence), max(end + 40, left + limit), left + limit)
    piece = sentence[left:right]
    if left > 0:
        piece = "…" + (piece[piece.find(" ") + 1 :] if " " in piece else piece)
    if right < len(sentence):
        piece = (piece[: piece.rfind(" ")] if " " in piece else piece) + "…"
    return piece


def count_label(count: Count, language: str) -> str:
    """'616 personel' / '616 personnel': the number as written and its noun."""
    noun = count.after.split()[0] if count.after else ""
    if language == "en":
        noun = noun_english(count.noun_class) if count.noun_class else noun
    return f"{count.number} {noun}".strip()


def lead_fact(qtype: str, cand: Candidate, counts: list[Count], new_people: list[str], new_dates: list[str],
              new_names: list[str], language: str) -> str:  # fmt: skip
    """The asked fact of one sentence, or '' when the answer type has none to state first."""
    if qtype in ("count", "aggregate") and counts:
        return count_label(counts[0], language)
    if qtype == "breakdown" and counts:
        return ", ".join(count_label(c, language) for c in counts[:5])
    if qtype == "who" and new_people:
        return new_people[0]
    if qtype == "when" and new_dates:
        return new_dates[0]
    if qtype in ("where", "list") and new_names:
        return ", ".join(dict.fromkeys(new_names[:6]))
    return ""


def compose(parts: list[tuple[str, str, Candidate, list[tuple[int, int]]]], language: str, prefix: str = "",
            limit: int = MAX_ANSWER) -> str:  # fmt: skip
    """``parts``: (lead fact, marker, candidate, spans to keep) per cited sentence."""
    budget = limit - len(prefix) - sum(len(lead) + 8 for lead, *_ in parts)
    per_quote = max(80, budget // max(len(parts), 1) - 6)
    pieces = []
    for lead, marker, cand, keep in parts:
        quote = f"“{trim_quote(cand.sentence, keep, per_quote)}”"
        pieces.append(f"{lead} [{marker}]: {quote}" if lead else f"{quote} [{marker}]")
    text = "; ".join(pieces)
    return f"{prefix} {text}".strip() if prefix else text
