"""How the offline engine words an answer: the not-found sentences, English unit names, dates in
words, and quotes cut to length around the facts they carry."""

from __future__ import annotations

from rag.facts import Count

NOT_FOUND = {
    "id": "Informasi tersebut tidak ditemukan dalam korpus.",
    "en": "The corpus does not contain this information.",
}
UNIT_EN = {"personel": "personnel", "personil": "personnel", "anggota": "members",
           "petugas": "officers", "orang": "people", "prajurit": "soldiers", "aparat": "officers",
           "pasukan": "troops", "tps": "polling stations (TPS)", "pemilih": "voters",
           "lembar": "sheets", "kecamatan": "sub-districts", "hari": "days"}  # fmt: skip
MAX_QUOTE = 300


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


def trim_quote(sentence: str, counts: list[Count], limit: int) -> str:
    """The sentence, or the part of it around its counts when it is too long."""
    if len(sentence) <= limit:
        return sentence
    if counts:
        start, end = counts[0].start, counts[-1].end
    else:
        start, end = 0, min(len(sentence), limit)
    left = max(0, min(start - limit // 3, len(sentence) - limit))
    right = min(len(sentence), max(end + 40, left + limit))
    if right - left > limit:
        right = left + limit
    piece = sentence[left:right]
    if left > 0:
        piece = "…" + piece[piece.find(" ") + 1 :] if " " in piece else "…" + piece
    if right < len(sentence):
        piece = piece[: piece.rfind(" ")] + "…" if " " in piece else piece + "…"
    return piece
