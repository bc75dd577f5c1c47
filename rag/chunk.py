"""Split articles into sentences and sentence-aligned chunks.

Indonesian news text has dotted numbers ("1.542"), ranks and abbreviations ("AKBP", "Irjen Pol.",
"H. Ardani", "S.H.") and quotes that end sentences ('.” ujarnya'); none of those may break a
sentence in two.

    >>> split_sentences("Polres Banyuasin menerjunkan 1.542 personel. Irjen Pol. Andi Rian hadir.")
    ['Polres Banyuasin menerjunkan 1.542 personel.', 'Irjen Pol. Andi Rian hadir.']
"""

from __future__ import annotations

import hashlib
import re

from rag.types import Article, Chunk

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "pol", "no", "nomor", "jl", "jln", "kec", "kab", "kel", "prov", "dr", "drs", "ir", "h", "hj",
    "kh", "st", "sdr", "bpk", "ibu", "yth", "dkk", "dll", "dsb", "tsb", "hlm", "tel", "telp",
    "s", "m", "sh", "se", "sik", "mh", "msi", "mm", "mt", "ak", "sos", "ip", "pd", "kom", "sp",
    "a", "b", "c", "d", "e", "f", "g", "i", "j", "k", "l", "n", "o", "p", "q", "r", "t", "u",
    "v", "w", "x", "y", "z", "mr", "mrs", "ms", "jend", "brigjen", "kol", "let", "lettu", "serda",
    "ptu", "pj", "plt", "plh", "vs", "etc", "approx", "ca", "gg", "rt", "rw",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?])([”\"')\]]*)\s+(?=[“\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph (or of several: line breaks always end a sentence)."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _BOUNDARY.finditer(line):
            end = m.start(1) + len(m.group(1))
            candidate = line[start:end]
            if _ends_with_abbreviation(line[start : m.start(1)]):
                continue
            sentences.append(candidate.strip())
            start = m.end()
        tail = line[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def _ends_with_abbreviation(text: str) -> bool:
    if not text.endswith("."):
        return False
    word = re.split(r"[\s(“\"]", text[:-1])[-1]
    if not word:
        return False
    bare = word.replace(".", "").lower()
    # "S.H." / "M.Si." style titles, single letters ("H. Ardani") and known abbreviations
    return bare in _ABBREVIATIONS or ("." in word and len(bare) <= 5)


def paragraphs(text: str) -> list[str]:
    """Paragraphs of cleaned text; each non-empty line is a paragraph of its own."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def chunk_article(article: Article, max_words: int = 120, overlap_sentences: int = 1) -> list[Chunk]:
    """Sentence-aligned chunks of about ``max_words`` words; paragraphs are kept together when they
    fit, a long paragraph is cut between sentences, and consecutive chunks share
    ``overlap_sentences`` sentences so a fact split across the cut stays findable."""
    units: list[tuple[int, str]] = []  # (paragraph number, sentence)
    for p_no, para in enumerate(paragraphs(article.text)):
        units += [(p_no, s) for s in split_sentences(para)]
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    words = 0
    for unit in units:
        n = len(unit[1].split())
        if current and words + n > max_words:
            chunks.append(current)
            keep = current[-overlap_sentences:] if overlap_sentences else []
            if sum(len(s.split()) for _, s in keep) + n > max_words:
                keep = []
            current, words = list(keep), sum(len(s.split()) for _, s in keep)
        current.append(unit)
        words += n
    if current:
        chunks.append(current)
    result = []
    for position, units_ in enumerate(chunks):
        text = _join(units_)
        digest = hashlib.sha1(f"{article.source}:{article.sha256}:{position}".encode()).hexdigest()[:16]
        result.append(Chunk(id=digest, source=article.source, position=position, text=text, meta=article.meta))
    return result


def _join(units: list[tuple[int, str]]) -> str:
    out = ""
    previous = None
    for p_no, sentence in units:
        if previous is not None:
            out += "\n" if p_no != previous else " "
        out += sentence
        previous = p_no
    return out
