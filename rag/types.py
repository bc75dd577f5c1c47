"""The records that pass between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleMeta:
    """What is known about an article; a field nobody could find stays empty."""

    title: str = ""
    url: str = ""
    outlet: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD), or YYYY-MM when the day is unknown
    place: str = ""


@dataclass
class Article:
    source: str  # path relative to the corpus folder
    text: str  # cleaned body text, paragraphs separated by blank lines
    meta: ArticleMeta
    sha256: str  # hash of the raw file bytes


@dataclass
class Chunk:
    id: str
    source: str
    position: int  # 0-based index of the chunk inside its article
    text: str
    meta: ArticleMeta

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata as stored in the vector store."""
        return {"source": self.source, "position": self.position, **vars(self.meta)}


@dataclass
class Passage:
    """A retrieved chunk with its article metadata and a relevance score (higher is better)."""

    id: str
    source: str
    position: int
    text: str
    title: str = ""
    url: str = ""
    outlet: str = ""
    date: str = ""
    place: str = ""
    score: float = 0.0

    @classmethod
    def from_chunk(cls, chunk: Chunk, score: float = 0.0) -> Passage:
        return cls(chunk.id, chunk.source, chunk.position, chunk.text, score=score, **vars(chunk.meta))


@dataclass
class Answer:
    question: str
    text: str  # short answer with [n] markers
    answerable: bool
    citations: list[Passage] = field(default_factory=list)  # [n] refers to citations[n-1]
    contexts: list[Passage] = field(default_factory=list)  # every retrieved passage, best first
    language: str = "id"
    engine: str = "extractive"
    flagged: list[str] = field(default_factory=list)  # problems found when checking the answer
    highlights: list[str] = field(default_factory=list)  # the sentence each citation rests on
    dense_search: bool = True  # False: the vector store failed and only keyword search ranked
    # the standalone question a follow-up was read as ("Kalau di Ogan Ilir?" -> "Berapa personel
    # ... Polres Ogan Ilir?"); empty when the question stood on its own
    resolved_question: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # source -> reason
    chunks: int = 0  # chunks in the index after the run
    seconds: float = 0.0
    reembedded: int = 0  # vectors of unchanged articles that were missing from the store
    repairs: list[str] = field(default_factory=list)  # what the run found broken and rebuilt
    warnings: list[str] = field(default_factory=list)  # harmless failures after the new index went live


    def summary(self) -> str:
        lines = [
            f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
            f"unchanged {len(self.unchanged)}, skipped {len(self.skipped)}; "
            f"{self.chunks} chunks in the index ({self.seconds:.1f} s)"
        ]
        lines += [f"  repaired: {what}" for what in self.repairs]
        lines += [f"  warning: {what}" for what in self.warnings]
        lines += [f"  skipped {src}: {why}" for src, why in sorted(self.skipped.items())]
        return "\n".join(lines)
