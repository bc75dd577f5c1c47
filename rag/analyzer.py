"""Indonesian text analysis for keyword search: lowercase, strip punctuation, normalise numbers,
drop stop words, stem with Sastrawi (memoised: news vocabulary repeats a lot).

    >>> analyze("Polres Banyuasin menerjunkan 1.542 personel untuk pengamanan Pilkada")
    ['polres', 'banyuasin', 'terjun', '1542', 'personel', 'aman', 'pilkada']
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+(?:-[a-z]+)*", re.I)
# Kept although Sastrawi lists them: they carry meaning in questions about deployments.
_KEEP = {"jumlah", "total", "seluruh", "semua", "tidak", "bukan", "belum", "pertama", "kedua",
         "ketiga", "keempat", "terakhir", "sebelum", "sesudah", "setelah", "kapan", "mana", "siapa",
         "berapa", "masing", "sendiri", "tanggal", "hari", "bulan", "tahun"}  # fmt: skip
_EXTRA_STOP = {"yang", "dan", "di", "ke", "dari", "untuk", "pada", "dengan", "dalam", "itu", "ini",
               "juga", "oleh", "sebagai", "tersebut", "para", "pun", "lah", "kah", "nya", "sebanyak",
               "the", "of", "a", "an", "to", "in", "for", "on", "at", "by", "and", "or", "is", "was",
               "were", "be", "been", "are", "did", "does", "do", "what", "which", "who", "how",
               "many", "much", "that", "this", "with", "from", "as", "it", "its"}  # fmt: skip


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    words = set(StopWordRemoverFactory().get_stop_words()) | _EXTRA_STOP
    return frozenset(words - _KEEP)


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Sastrawi stem of one lowercase word; hyphenated compounds stem part by part."""
    if word.isdigit() or len(word) <= 3:
        return word
    if "-" in word:
        return "-".join(stem(p) for p in word.split("-"))
    return _stemmer().stem(word) or word


def normalize_number(token: str) -> str:
    """'1.542' and '1,542' -> '1542'; decimals such as '1,7' stay distinguishable ('1,7')."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        return re.sub(r"[.,]", "", token)
    return token


def tokenize(text: str) -> list[str]:
    """Lowercase word and number tokens, numbers normalised, no stemming or stop-word removal."""
    return [normalize_number(t) if t[0].isdigit() else t for t in _TOKEN.findall(text.lower())]


def analyze(text: str) -> list[str]:
    """Tokens for BM25 and for term overlap: stop words removed, stemmed."""
    stop = _stopwords()
    out = []
    for tok in tokenize(text):
        if tok in stop:
            continue
        out.append(tok if tok[0].isdigit() else stem(tok))
    return [t for t in out if t and t not in stop]


def is_stopword(word: str) -> bool:
    return word.lower() in _stopwords()
