"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank fusion.

    >>> rrf([["a", "b"], ["b", "c"]], k=60)[0][0]
    'b'
"""

from __future__ import annotations

import logging

from rag.index import Snapshot
from rag.query import Question, canonical, synonym_groups
from rag.types import Passage

log = logging.getLogger(__name__)


def rrf(rankings: list[list[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several ranked id lists, best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def expand_terms(terms: list[str]) -> list[str]:
    """Question terms plus the members of their synonym groups (for keyword search)."""
    groups = synonym_groups()
    out = list(terms)
    for t in terms:
        c = canonical(t)
        out += [s for s, g in groups.items() if g == c and s != t]
    return list(dict.fromkeys(out))


class HybridRetriever:
    """Dense + BM25 over one snapshot. Vectors not in the snapshot (left by an interrupted ingest)
    are ignored."""

    def __init__(self, snapshot: Snapshot, store, embeddings, dense_k: int = 20, bm25_k: int = 20, rrf_k: int = 60):
        self.snapshot = snapshot
        self.store = store
        self.embeddings = embeddings
        self.dense_k, self.bm25_k, self.rrf_k = dense_k, bm25_k, rrf_k

    def dense(self, question: Question) -> list[str]:
        if self.store is None or not self.snapshot.chunks:
            return []
        vector = self.embeddings.embed_query(question.search_text)
        n = min(self.dense_k * 2, len(self.snapshot.chunks) * 2)
        hits = self.store._collection.query(query_embeddings=[vector], n_results=max(1, n), include=[])
        return [i for i in hits["ids"][0] if i in self.snapshot.chunks][: self.dense_k]

    def keyword(self, question: Question) -> list[str]:
        if self.snapshot.keyword is None:
            return []
        return [i for i, _ in self.snapshot.keyword.search(expand_terms(question.terms), self.bm25_k)]

    def retrieve(self, question: Question, k: int) -> list[Passage]:
        fused = rrf([self.dense(question), self.keyword(question)], self.rrf_k)
        return [Passage.from_chunk(self.snapshot.chunks[i], score) for i, score in fused[:k]]
