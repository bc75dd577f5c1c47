"""Where a person's name stands after a rank or an office, without the academic titles.

Indonesian news writes "AKBP Nofan Fahmi, S.H., S.I.K., M.H." and "Kombes M Anis Prasetyo": a
name is a run of capitalised words (initials allowed), and degrees follow after a comma. Leading
honorifics (Dr., Drs., Ir., Prof., H., Hj.) are dropped too. The caller passes the positions where
another rank, office or unit begins, so a name stops there.

    >>> read_name("AKBP Nofan Fahmi, S.H., S.I.K., M.H. mengatakan", 5)
    (36, 'Nofan Fahmi')
    >>> read_name("Kombes M Anis Prasetyo, Kamis (5/12)", 7)
    (22, 'M Anis Prasetyo')
"""

from __future__ import annotations

import re
from collections.abc import Container

_WORD = re.compile(r"[ \t]*([A-Z][\w'’-]*\.?)")
# Degrees written without dots, as press releases often do ("SH, SIK, MH").
_PLAIN_DEGREES = (
    "SH|SIK|MH|MM|MSi|MSc|SIP|SE|ST|MT|MA|MBA|PhD|SSos|MHan|MAP|MKn|MPd|SPd|SKom|SSTMPt|"
    "CPHR|CHRMP|Lc|MTr|SAP|MKom|SHI|SAg|MAg|MSE|MPA|MSc|SIK"
)
_PLAIN_SET = frozenset(_PLAIN_DEGREES.split("|"))
_DEGREE = rf"(?:[A-Z][a-z]{{0,3}}\.(?:[ ]?\([A-Z][a-z]{{0,5}}\)|[A-Z][A-Za-z]{{0,5}}\.?)*|(?:{_PLAIN_DEGREES})\b)"
# After a comma any degree; without one only the undotted ones ("Elen Setiadi SH MSE").
_DEGREES = re.compile(rf"(?:[ \t]*,[ \t]*{_DEGREE}|[ \t]+(?:{_PLAIN_DEGREES})\b)+")
_HONORIFICS = frozenset({"dr.", "drs.", "ir.", "prof.", "h.", "hj.", "dr", "drs", "prof"})
# Capitalised words that end a name: days and months of news datelines, sentence openers, and
# words that qualify an office ("Wali Kota Terpilih", "Bupati Petahana").
STOP_WORDS = frozenset(
    "Senin Selasa Rabu Kamis Jumat Sabtu Minggu Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember "
    "Dan Di Ke Dari Yang Saat Pada Dalam Bersama Beserta Juga Said And The In At On "
    "Baru Lama Terpilih Petahana Definitif Nonaktif Sementara".split()
)
MAX_WORDS = 6


def read_name(text: str, start: int, stops: Container[int] = ()) -> tuple[int, str] | None:
    """(end, name) of the person's name that begins at ``start``, or None when no capitalised
    word stands there. ``end`` includes the degrees that follow; ``stops`` are offsets where a
    rank, office or unit begins (a name never runs into them)."""
    words: list[str] = []
    pos = end = start
    while len(words) < MAX_WORDS:
        m = _WORD.match(text, pos)
        bare = m.group(1).rstrip(".") if m else ""
        if not m or m.start(1) in stops or bare in STOP_WORDS or (words and bare in _PLAIN_SET):
            break
        word = m.group(1)
        if not words and word.lower() in _HONORIFICS:
            pos = m.end()
            continue
        if word.endswith(".") and len(word) > 2:  # a full stop after a long word ends the sentence
            words.append(word[:-1])
            end = m.end() - 1
            break
        words.append(word)
        pos = end = m.end()
    if not words:
        return None
    degrees = _DEGREES.match(text, end)
    if degrees:
        end = degrees.end()
    name = " ".join(words).rstrip(".")
    return end, name
