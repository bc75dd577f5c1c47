"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank fusion.

    >>> rrf([["a", "b"], ["b", "c"]], k=60)[0][0]
    'b'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from rag.errors import VectorStoreUnavailable
from rag.index import Snapshot
from rag.query import Question, concept_stems
from rag.types import Passage
from rag.vectors import VectorStore

log = logging.getLogger(__name__)


def rrf(rankings: list[list[str]], k: int = 60, weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of several ranked id lists, best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def keyword_terms(question: Question) -> list[str]:
    """BM25 query tokens: every stem of every concept (synonyms are already one canonical stem,
    as in the index; an English concept brings all its Indonesian equivalents)."""
    return list(dict.fromkeys(t for concept in question.concepts for t in sorted(concept_stems(concept))))


@dataclass
class Retrieval:
    """The fused passages, best first, and why dense search was left out ("" when it was not)."""

    passages: list[Passage] = field(default_factory=list)
    dense_unavailable: str = ""


class HybridRetriever:
    """Dense + BM25 over one snapshot. Vectors not in the snapshot (left by an interrupted ingest)
    are ignored. When the vector store fails (down, frozen, damaged), :meth:`search` ranks by
    keywords alone and says so in :attr:`Retrieval.dense_unavailable`."""

    def __init__(
        self, snapshot: Snapshot, store: VectorStore | None, embeddings: Embeddings, dense_k: int = 20,
        bm25_k: int = 20, rrf_k: int = 60, dense_weight: float = 1.0,
    ):  # fmt: skip
        self.snapshot = snapshot
        self.store = store
        self.embeddings = embeddings
        self.dense_k, self.bm25_k, self.rrf_k = dense_k, bm25_k, rrf_k
        self.dense_weight = dense_weight

    def _allowed(self, chunk_id: str, sources: set[str] | None) -> bool:
        chunk = self.snapshot.chunks.get(chunk_id)
        return chunk is not None and (sources is None or chunk.source in sources)

    def dense(self, question: Question, sources: set[str] | None = None) -> list[str]:
        if self.store is None or not self.snapshot.chunks:
            return []
        vector = self.embeddings.embed_query(question.search_text)
        factor = 2 if sources is None else 8  # over-fetch: some ids are filtered out below
        n = min(self.dense_k * factor, len(self.snapshot.chunks) * 2)
        hits = self.store.query(vector, max(1, n))
        return [i for i in hits if self._allowed(i, sources)][: self.dense_k]

    def keyword(self, question: Question, sources: set[str] | None = None) -> list[str]:
        if self.snapshot.keyword is None:
            return []
        k = self.bm25_k if sources is None else self.bm25_k * 8
        hits = self.snapshot.keyword.search(keyword_terms(question), k)
        return [i for i, _ in hits if self._allowed(i, sources)][: self.bm25_k]

    def article_passages(self, passages: list[Passage], articles: int = 8) -> list[Passage]:
        """All chunks of the articles behind the best ``articles`` hits, in article rank order:
        a news article is short, and the sentence that answers is often beside the hit."""
        by_source: dict[str, list[Passage]] = {}
        for p in passages:
            if p.source not in by_source and len(by_source) < articles:
                record = self.snapshot.files.get(p.source)
                ids = record.chunk_ids if record else [p.id]
                by_source[p.source] = [
                    Passage.from_chunk(self.snapshot.chunks[i], p.score) for i in ids if i in self.snapshot.chunks
                ]
        return [p for group in by_source.values() for p in group]

    def search(self, question: Question, k: int, sources: set[str] | None = None) -> Retrieval:
        """The ``k`` best passages; ``sources`` restricts them to those articles (filters)."""
        keyword = self.keyword(question, sources)
        try:
            dense, unavailable = self.dense(question, sources), ""
        except VectorStoreUnavailable as exc:
            log.warning("dense search unavailable, ranking by keywords only: %s", exc)
            dense, unavailable = [], str(exc)
        fused = rrf([keyword, dense], self.rrf_k, [1.0, self.dense_weight])
        passages = [Passage.from_chunk(self.snapshot.chunks[i], score) for i, score in fused[:k]]
        return Retrieval(passages, unavailable)

    def retrieve(self, question: Question, k: int, sources: set[str] | None = None) -> list[Passage]:
        """The passages of :meth:`search` (dense search left out silently when unavailable)."""
        return self.search(question, k, sources).passages
