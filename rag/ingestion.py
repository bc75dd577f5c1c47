"""Ingest: corpus folder -> cleaned, chunked, embedded, indexed. Incremental and crash-safe.

    >>> from rag import ingest                                   # doctest: +SKIP
    >>> print(ingest(corpus_dir="corpus", index_dir=".rag").summary())  # doctest: +SKIP
    added 5, updated 0, removed 0, unchanged 0, skipped 0; 38 chunks in the index (9.8 s)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.chunk import chunk_article
from rag.clean import clean_text
from rag.crashpoints import crash_point
from rag.deployments import Fact, extract_facts, extractor_version
from rag.embed import embeddings_for, token_window
from rag.errors import CorpusBusy, DiskFull, IndexCorrupt, IndexOutdated, RagError
from rag.index import FileRecord, Snapshot, load_snapshot, write_snapshot
from rag.load import UnreadableFile, file_hash, load_file, scan_corpus
from rag.metadata import extract_metadata, strip_header_lines
from rag.settings import Settings
from rag.tokens import analyzer_version, index_tokens
from rag.types import Article, Chunk, IngestReport
from rag.vectors import VectorStore, open_vector_store

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]  # (done, total, what)


class _HeldLocks(threading.local):
    """The index folders whose lock this thread holds."""

    def __init__(self) -> None:
        self.dirs: set[Path] = set()


_held = _HeldLocks()


@contextlib.contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """The lock of an index folder: one ingest or corpus change at a time (CorpusBusy otherwise).
    Re-entrant within a thread, so a corpus change can ingest inside its own transaction."""
    index_dir.mkdir(parents=True, exist_ok=True)
    key = index_dir.resolve()
    if key in _held.dirs:
        yield
        return
    with (index_dir / "ingest.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise CorpusBusy(f"another ingest is running on {index_dir}") from exc
        _held.dirs.add(key)
        try:
            yield
        finally:
            _held.dirs.discard(key)
            fcntl.flock(fh, fcntl.LOCK_UN)


def prepare_article(path: Path, corpus_dir: Path, settings: Settings) -> Article:
    """Load, clean and describe one file (raises UnreadableFile)."""
    loaded = load_file(path, corpus_dir, settings.max_file_bytes)
    cleaned = clean_text(loaded.text)
    meta = extract_metadata(cleaned, loaded.hints)
    body = strip_header_lines(cleaned)
    if len(body.split()) < 5:
        raise UnreadableFile("no article text left after cleaning")
    return Article(source=loaded.source, text=body, meta=meta, sha256=loaded.sha256)


def embedded_text(title: str, text: str) -> str:
    """What is embedded and keyword-indexed: the title gives every chunk its article's subject."""
    return f"{title}\n{text}" if title and not text.startswith(title) else text


def index_text(chunk: Chunk) -> str:
    return embedded_text(chunk.meta.title, chunk.text)


@dataclass(frozen=True)
class ChunkPolicy:
    """How long a chunk may be: ``count`` measures a chunk as embedded, at most ``limit``.
    ``signature`` is kept in the snapshot; chunks made under another one are made again."""

    signature: str
    count: Callable[[str], int]
    limit: int

    def fits(self, title: str) -> Callable[[str], bool]:
        return lambda text: self.count(embedded_text(title, text)) <= self.limit

    def chunks(self, article: Article, overlap_sentences: int) -> list[Chunk]:
        return chunk_article(article, self.fits(article.meta.title), overlap_sentences)


def chunk_policy(settings: Settings) -> ChunkPolicy:
    """The embedding model's window in its own tokens (or ``chunk_tokens`` below it); words when
    the model has no tokenizer here."""
    window = token_window(settings.embedding_model)
    if window is None:
        return ChunkPolicy(f"words:{settings.chunk_words}", lambda text: len(text.split()), settings.chunk_words)
    count, size = window
    limit = min(settings.chunk_tokens or size, size)
    return ChunkPolicy(f"tokens:{limit}", count, limit)


def run_ingest(
    settings: Settings, progress: bool | ProgressCallback = True
) -> IngestReport:
    """Bring the index up to date with the corpus, repairing what the cheap checks find broken.

    Cheap checks first: a damaged snapshot is rebuilt from the corpus (a damaged keyword index
    alone is rebuilt from the chunks), tokens of another analyzer version are re-made, and every
    chunk whose vector is missing from the store (or stored with other text) is re-embedded, so
    a lost ``chroma.sqlite3`` or a new empty Chroma server is repaired by the next ingest."""
    corpus_dir, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus_dir} does not exist")
    started = time.perf_counter()
    report = IngestReport()
    with index_lock(index_dir):
        crash_point("ingest: start")
        old = _previous_snapshot(index_dir, settings, report)
        analyzer = analyzer_version()
        policy = chunk_policy(settings)
        facts_version = extractor_version()
        new = Snapshot(model=settings.embedding_model, backend=settings.embedding_backend, analyzer=analyzer,
                       chunking=policy.signature, facts_version=facts_version)  # fmt: skip
        refacted = 0
        rechunked = 0
        seen: set[str] = set()
        scan = scan_corpus(corpus_dir)
        for source, reason in scan.refused.items():
            report.skipped[source] = reason
            seen.add(source)
            if old and source in old.files:
                report.removed.append(source)
        for path in scan.files:
            source = path.relative_to(corpus_dir).as_posix()
            seen.add(source)
            previous = old.files.get(source) if old else None
            try:
                same = bool(previous) and previous.sha256 == file_hash(path.read_bytes())
                if same and old.chunking == policy.signature:
                    _carry_over(old, new, source, retokenize=old.analyzer != analyzer)
                    report.unchanged.append(source)
                    if old.facts_version == facts_version:
                        new.facts[source] = old.facts.get(source, [])
                    else:  # the facts table of another extractor (or none yet): made again
                        new.facts[source] = _facts_again(path, corpus_dir, settings, old.facts.get(source, []))
                        refacted += 1
                    continue
                rechunked += same
                crash_point("ingest: read an article")
                article = prepare_article(path, corpus_dir, settings)
            except (UnreadableFile, OSError) as exc:
                report.skipped[source] = str(exc)
                log.warning("skipped %s: %s", source, exc)
                if previous:
                    report.removed.append(source)
                continue
            chunks = policy.chunks(article, settings.chunk_overlap_sentences)
            new.facts[source] = extract_facts(article)
            new.files[source] = FileRecord(article.sha256, [c.id for c in chunks], article.meta)
            for c in chunks:
                new.chunks[c.id] = c
                new.tokens[c.id] = index_tokens(index_text(c))
            (report.updated if previous else report.added).append(source)
        if old:
            report.removed += sorted(s for s in old.files if s not in seen)
        if rechunked:
            report.repairs.append(f"{rechunked} articles chunked again to fit the embedding window ({policy.signature})")
        if refacted:
            log.info("deployment facts of %d unchanged articles extracted again (extractor %s)", refacted, facts_version)
        if old and old.analyzer != analyzer and report.unchanged:
            report.repairs.append("keyword tokens re-made with the current analyzer")

        crash_point("ingest: open vector store")
        store = open_vector_store(settings, index_dir)
        stored = store.documents(list(new.chunks))
        to_embed = [c for c in new.chunks.values() if stored.get(c.id) != c.text]
        unchanged_ids = {cid for src in report.unchanged for cid in new.files[src].chunk_ids}
        restored = sum(c.id in unchanged_ids for c in to_embed)
        if restored:
            report.reembedded = restored
            report.repairs.append(f"{restored} missing vectors re-embedded")
            log.warning("%d chunks of unchanged articles had no vector in %s: re-embedding them", restored, store.where)
        _embed_and_store(store, to_embed, settings, progress)
        crash_point("ingest: build keyword index")
        new.build_keyword_index()
        crash_point("ingest: write snapshot")
        write_snapshot(index_dir, new)  # commit point: from here on the new index is live
        crash_point("ingest: delete stale vectors")
        try:
            _delete_stale_vectors(store, set(new.chunks))
        except RagError as exc:  # the new index is live already; searches ignore stale vectors
            log.warning("stale vectors not deleted: %s", exc)
            reason = "no space left on the device" if isinstance(exc, DiskFull) else str(exc)
            report.warnings.append(f"vectors of removed or changed chunks could not be deleted from "
                                   f"{store.where} ({reason}); searches ignore them and the next "
                                   "ingest deletes them")  # fmt: skip
        crash_point("ingest: done")
    report.chunks = len(new.chunks)
    report.seconds = time.perf_counter() - started
    log.info("ingest: %s", report.summary())
    return report


def _previous_snapshot(index_dir: Path, settings: Settings, report: IngestReport) -> Snapshot | None:
    """The live snapshot to build on, or None to rebuild everything (vectors still in the store
    are reused, so a rebuild only re-embeds what is missing)."""
    try:
        old = load_snapshot(index_dir)
    except IndexOutdated as exc:
        log.info("rebuilding the whole index: %s", exc)
        return None
    except IndexCorrupt as damaged:
        try:
            old = load_snapshot(index_dir, keyword=False)
        except (IndexCorrupt, IndexOutdated):
            log.warning("%s; rebuilding it from the corpus", damaged)
            report.repairs.append("damaged snapshot rebuilt from the corpus")
            return None
        log.warning("%s; rebuilding the keyword index", damaged)
        report.repairs.append("damaged keyword index rebuilt")
    if old is not None and old.model != settings.embedding_model:
        log.info("embedding model changed (%s -> %s): re-embedding everything", old.model, settings.embedding_model)
        return None
    if old is not None and old.backend != settings.embedding_backend:
        log.info("embedding backend changed (%s -> %s): re-embedding everything into its own collection",
                 old.backend, settings.embedding_backend)  # fmt: skip
        return None
    if old is not None and not old.checksums:
        report.repairs.append("checksums added to the snapshot")
    return old


def _facts_again(path: Path, corpus_dir: Path, settings: Settings, previous: list[Fact]) -> list[Fact]:
    try:
        return extract_facts(prepare_article(path, corpus_dir, settings))
    except (UnreadableFile, OSError) as exc:  # the article itself stays indexed as it was
        log.warning("deployment facts of %s kept from the previous index: %s", path.name, exc)
        return previous


def _carry_over(old: Snapshot, new: Snapshot, source: str, retokenize: bool = False) -> None:
    record = old.files[source]
    new.files[source] = record
    for cid in record.chunk_ids:
        chunk = old.chunks[cid]
        new.chunks[cid] = chunk
        new.tokens[cid] = index_tokens(index_text(chunk)) if retokenize else old.tokens[cid]


def _embed_and_store(store: VectorStore, chunks: list[Chunk], settings: Settings, progress: bool | ProgressCallback) -> None:
    if not chunks:
        return
    from tqdm.auto import tqdm

    # Length-sorted batches pad less: the model's cost grows with the longest text in a batch.
    ordered = sorted(chunks, key=lambda c: len(index_text(c)))
    batch = max(1, settings.embedding_batch_size) * 4
    bar = tqdm(total=len(ordered), desc="embedding chunks", unit="chunk", disable=progress is not True)
    embeddings = embeddings_for(settings)
    for start in range(0, len(ordered), batch):
        part = ordered[start : start + batch]
        vectors = embeddings.embed_documents([index_text(c) for c in part])
        crash_point("ingest: write a batch of vectors")
        store.upsert([c.id for c in part], vectors, [c.text for c in part], [c.metadata() for c in part])
        bar.update(len(part))
        if callable(progress):
            progress(min(start + batch, len(ordered)), len(ordered), "embedding chunks")
    bar.close()


def _delete_stale_vectors(store: VectorStore, live: set[str]) -> None:
    stale = sorted(store.ids() - live)
    store.delete(stale)
    if stale:
        log.info("deleted %d stale vectors", len(stale))
