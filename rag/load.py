"""Read corpus files (.txt, .md, .html/.htm, .pdf) into text, or say clearly why not."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rag.types import ArticleMeta

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


class UnreadableFile(Exception):
    """The file cannot become an article; the message says why, for the ingest report."""


@dataclass
class LoadedFile:
    source: str
    text: str
    sha256: str
    hints: ArticleMeta = field(default_factory=ArticleMeta)  # metadata the format itself gave


def list_corpus(corpus_dir: Path) -> list[Path]:
    """Every file under the corpus folder, hidden files and folders excluded, sorted."""
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_file(path: Path, corpus_dir: Path, max_bytes: int = 20_000_000) -> LoadedFile:
    """Read one file. Raises :class:`UnreadableFile` with a human-readable reason."""
    source = path.relative_to(corpus_dir).as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"unsupported file type '{suffix or path.name}'")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFile(f"too large ({size:,} bytes; limit {max_bytes:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableFile("empty file")
    sha = file_hash(data)
    if suffix in PDF_SUFFIXES:
        text, hints = _read_pdf(data), ArticleMeta()
    elif suffix in HTML_SUFFIXES:
        text, hints = _read_html(_decode(data))
    else:
        text, hints = _decode(data), ArticleMeta()
    if not text.strip():
        raise UnreadableFile("no text could be extracted")
    return LoadedFile(source=source, text=text, sha256=sha, hints=hints)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary content (NUL bytes) in a text file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > len(text[:4096]) * 0.05:
        raise UnreadableFile("binary content (control characters) in a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_html(html: str) -> tuple[str, ArticleMeta]:
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    meta = trafilatura.extract_metadata(html)
    hints = ArticleMeta()
    if meta is not None:
        hints = ArticleMeta(
            title=(meta.title or "").strip(),
            url=(meta.url or "").strip(),
            outlet=(meta.sitename or "").strip(),
            date=(meta.date or "").strip()[:10],
        )
    if hints.title and text and not text.lstrip().startswith(hints.title):
        text = f"{hints.title}\n\n{text}"
    return text or "", hints


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableFile(f"unreadable PDF: {exc}") from exc
    return "\n\n".join(p.strip() for p in pages if p.strip())
