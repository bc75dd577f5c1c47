"""What a person would build in an afternoon, on the same corpus and embedding model, for the
evaluation to compare against. Each baseline retrieves passages and answers with its best
sentence (the one sharing most words with the question); none of them ever declines.

- ``bm25-whitespace``: BM25 over our chunks, lowercase whitespace tokens, no stemming.
- ``dense-only``: our Chroma collection, top 4 by embedding similarity.
- ``langchain-tutorial``: raw files, ``RecursiveCharacterTextSplitter(1000, 200)``, an in-memory
  Chroma with the same embeddings, top 4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.chunk import split_sentences
from rag.query import analyze_question

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class BaselineAnswer:
    text: str
    sources: list[str] = field(default_factory=list)  # ranked, unique
    cited: list[str] = field(default_factory=list)


def best_sentence(question: str, passages: list[tuple[str, str]]) -> BaselineAnswer:
    """The sentence of the (source, text) passages sharing most words with the question."""
    asked = set(_WORD.findall(question.lower()))
    best, best_source, best_overlap = "", "", -1
    for source, text in passages:
        for sentence in split_sentences(text):
            overlap = len(asked & set(_WORD.findall(sentence.lower())))
            if overlap > best_overlap:
                best, best_source, best_overlap = sentence, source, overlap
    ranked = list(dict.fromkeys(s for s, _ in passages))
    return BaselineAnswer(f"{best} [1]" if best else "", ranked, [best_source] if best_source else [])


class BM25Whitespace:
    name = "bm25-whitespace"

    def __init__(self, snapshot, k: int = 4):
        import bm25s

        self.chunks = list(snapshot.chunks.values())
        self.k = k
        self.retriever = bm25s.BM25()
        self.retriever.index([c.text.lower().split() or [""] for c in self.chunks], show_progress=False)

    def answer(self, question: str) -> BaselineAnswer:
        k = min(20, len(self.chunks))
        docs, scores = self.retriever.retrieve([question.lower().split()], k=k, show_progress=False)
        ranked = [self.chunks[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
        result = best_sentence(question, [(c.source, c.text) for c in ranked[: self.k]])
        result.sources = list(dict.fromkeys(c.source for c in ranked))
        return result


class DenseOnly:
    name = "dense-only"

    def __init__(self, retriever, k: int = 4):
        self.retriever, self.k = retriever, k

    def answer(self, question: str) -> BaselineAnswer:
        ids = self.retriever.dense(analyze_question(question))
        chunks = [self.retriever.snapshot.chunks[i] for i in ids]
        result = best_sentence(question, [(c.source, c.text) for c in chunks[: self.k]])
        result.sources = list(dict.fromkeys(c.source for c in chunks))
        return result


class LangChainTutorial:
    """The LangChain RAG tutorial's retrieval: 1000/200 character splits, Chroma, top 4."""

    name = "langchain-tutorial"

    def __init__(self, corpus_dir: Path, embeddings, k: int = 4):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from rag.load import UnreadableFile, list_corpus, load_file

        docs = []
        for path in list_corpus(corpus_dir):
            try:
                loaded = load_file(path, corpus_dir)
            except UnreadableFile:
                continue
            docs.append(Document(page_content=loaded.text, metadata={"source": loaded.source}))
        splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(client=client, collection_name="tutorial", embedding_function=embeddings)
        if splits:
            self.store.add_documents(splits)
        self.k = k

    def answer(self, question: str) -> BaselineAnswer:
        hits = self.store.similarity_search(question, k=20)
        result = best_sentence(question, [(d.metadata["source"], d.page_content) for d in hits[: self.k]])
        result.sources = list(dict.fromkeys(d.metadata["source"] for d in hits))
        return result
