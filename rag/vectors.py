"""The Chroma vector store: embedded (a folder) by default, a Chroma server when a URL is set."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlparse

from rag.errors import VectorStoreUnavailable
from rag.settings import Settings


def collection_name(settings: Settings) -> str:
    """One collection per embedding model: vectors of two models never mix."""
    digest = hashlib.sha1(settings.embedding_model.encode()).hexdigest()[:8]
    return f"{settings.collection}-{digest}"


def open_client(settings: Settings, index_dir: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises several types for a refused connection
            raise VectorStoreUnavailable(
                f"the Chroma server at {settings.chroma_url} is not reachable ({exc}); "
                "start it with `chroma run --path DIR --port PORT` or unset RAG_CHROMA_URL"
            ) from exc
        return client
    path = index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def open_vector_store(settings: Settings, index_dir: Path, embeddings):
    """A ``langchain_chroma.Chroma`` over our collection, with our embedding function."""
    from langchain_chroma import Chroma

    return Chroma(
        client=open_client(settings, index_dir),
        collection_name=collection_name(settings),
        embedding_function=embeddings,
        collection_metadata={"hnsw:space": "cosine"},
    )
