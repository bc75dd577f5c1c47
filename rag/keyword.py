"""BM25 keyword index over analysed (stemmed, stop-word-free) chunk tokens, saved to disk."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)


class KeywordIndex:
    """BM25 (bm25s) over pre-analysed token lists; ``search`` returns (chunk id, score) pairs."""

    def __init__(self, ids: list[str], retriever) -> None:
        self.ids = ids
        self._retriever = retriever

    @classmethod
    def build(cls, ids: list[str], token_lists: list[list[str]]) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25()
        if ids:
            retriever.index([toks or [""] for toks in token_lists], show_progress=False)
        return cls(list(ids), retriever)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ids.json").write_text(json.dumps(self.ids))
        if self.ids:
            self._retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        ids = json.loads((folder / "ids.json").read_text())
        retriever = bm25s.BM25.load(str(folder), show_progress=False) if ids else bm25s.BM25()
        return cls(ids, retriever)

    def search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        if not self.ids or not tokens:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False, n_threads=1)
        return [
            (self.ids[int(d)], float(s))
            for d, s in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True)
            if s > 0
        ]
