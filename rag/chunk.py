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
from collections.abc import Callable

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


def word_limit(max_words: int) -> Callable[[str], bool]:
    """A chunk fits when it has at most ``max_words`` words."""
    return lambda text: len(text.split()) <= max_words


def chunk_article(article: Article, fits: Callable[[str], bool], overlap_sentences: int = 1) -> list[Chunk]:
    """Sentence-aligned chunks, each as long as ``fits`` allows (the ingest's ``fits`` measures
    the text as it is embedded, in the embedding model's own tokens); paragraphs are kept together
    when they fit, a long paragraph is cut between sentences, a sentence too long for a chunk of
    its own is cut between words, and consecutive chunks share ``overlap_sentences`` sentences
    so a fact split across the cut stays findable."""
    units: list[tuple[int, str]] = []  # (paragraph number, sentence)
    for p_no, para in enumerate(paragraphs(article.text)):
        units += [(p_no, piece) for s in split_sentences(para) for piece in _pieces(s, fits)]
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for unit in units:
        if current and not fits(_join([*current, unit])):
            chunks.append(current)
            keep = current[-overlap_sentences:] if overlap_sentences else []
            current = list(keep) if keep and fits(_join([*keep, unit])) else []
        current.append(unit)
    if current:
        chunks.append(current)
    result = []
    for position, units_ in enumerate(chunks):
        text = _join(units_)
        digest = hashlib.sha1(f"{article.source}:{article.sha256}:{position}".encode()).hexdigest()[:16]
        result.append(Chunk(id=digest, source=article.source, position=position, text=text, meta=article.meta))
    return result


def _pieces(sentence: str, fits: Callable[[str], bool]) -> list[str]:
    """The sentence, or consecutive word runs of it that each fit (a table row, a run-on line)."""
    if fits(sentence):
        return [sentence]
    words, pieces = sentence.split(), []
    while words:
        low, high = 1, len(words)  # the longest prefix that fits (at least one word)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if fits(" ".join(words[:mid])) else (low, mid - 1)
        pieces.append(" ".join(words[:low]))
        words = words[low:]
    return pieces


def _join(units: list[tuple[int, str]]) -> str:
    out = ""
    previous = None
    for p_no, sentence in units:
        if previous is not None:
            out += "\n" if p_no != previous else " "
        out += sentence
        previous = p_no
    return out
