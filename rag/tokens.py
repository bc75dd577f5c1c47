"""The keyword index's tokens of a text, and the version of the analysis that made them.

    >>> index_tokens("Polres Banyuasin menerjunkan 616 personel")[:3]
    ['polres', 'banyuasin', 'kerah']
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from rag.analyzer import analyze
from rag.query import canonical, synonym_groups

# Words that exercise stemming, stop words, numbers and the synonym groups.
_PROBE = (
    "Polres Banyuasin menerjunkan 1.542 personel gabungan TNI-Polri untuk pengamanan Pilkada "
    "serentak 2024 di 440 TPS; Kapolda Sumsel memimpin apel pergeseran pasukan pada Senin "
    "(25/11/2024). The police deployed 616 officers to secure the polling stations."
)


def index_tokens(text: str) -> list[str]:
    """Analysed, canonical tokens: what BM25 indexes and what questions are matched against."""
    return [canonical(t) for t in analyze(text)]


@lru_cache(maxsize=1)
def analyzer_version() -> str:
    """A fingerprint of the analysis (stemmer, stop words, number rules, synonym groups): tokens
    written with another fingerprint no longer match the questions' tokens."""
    data = json.dumps([index_tokens(_PROBE), sorted(synonym_groups().items())], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]
