"""Read corpus files (.txt, .md, .html/.htm, .pdf) into text, or say clearly why not."""

from __future__ import annotations

import codecs
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


@dataclass
class CorpusScan:
    files: list[Path] = field(default_factory=list)  # readable candidates, sorted
    refused: dict[str, str] = field(default_factory=dict)  # source -> why it is not read


def scan_corpus(corpus_dir: Path) -> CorpusScan:
    """Every file under the corpus folder, hidden files and folders excluded, sorted. A file
    reached through a symlink that leads outside the corpus folder is refused (and logged):
    only what is inside the folder is ever read."""
    root = corpus_dir.resolve()
    scan = CorpusScan()
    for p in sorted(corpus_dir.rglob("*")):
        rel = p.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        reason = outside_reason(p, root)
        if reason:
            log.warning("skipped %s: %s", rel.as_posix(), reason)
            scan.refused[rel.as_posix()] = reason
            continue
        scan.files.append(p)
    return scan


def outside_reason(path: Path, root: Path) -> str:
    """Why ``path`` must not be read as part of the folder ``root`` (resolved), or ""."""
    target = path.resolve()
    if target == root or root in target.parents:
        return ""
    return f"a symlink to {target}, outside the corpus folder: not read"


def list_corpus(corpus_dir: Path) -> list[Path]:
    """The files of :func:`scan_corpus` (symlinks leading outside the folder left out)."""
    return scan_corpus(corpus_dir).files


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_file(path: Path, corpus_dir: Path, max_bytes: int = 20_000_000) -> LoadedFile:
    """Read one file. Raises :class:`UnreadableFile` with a human-readable reason."""
    source = path.relative_to(corpus_dir).as_posix()
    outside = outside_reason(path, corpus_dir.resolve())
    if outside:
        raise UnreadableFile(outside)
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


# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(data: bytes) -> str:
    """Text of a file: the encoding its byte-order mark names (UTF-8/16/32), else UTF-8, else
    Windows-1252, else Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableFile(f"marked as {encoding.upper()} but not valid {encoding.upper()}: {exc.reason}") from exc
            return _checked(text)
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary content (NUL bytes) in a text file")
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    return _checked(text)


def _checked(text: str) -> str:
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > len(text[:4096]) * 0.05 or "\x00" in text[:8192]:
        raise UnreadableFile("binary content (control characters) in a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_html(html: str) -> tuple[str, ArticleMeta]:
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    # extensive=False: dates only from the page's own markup (meta tags, time elements, URL);
    # the extensive search guesses one from any year in the text (a page without a date got 2024-01-01).
    meta = trafilatura.extract_metadata(html, extensive=False)
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
