"""Remove scraping noise from article text: related-article links, share and reaction widgets,
menus, tag lists, photo captions and footers. Lines are judged one by one; a footer marker near
the end cuts everything after it (those are lists of unrelated headlines)."""

from __future__ import annotations

import re

_RELATED = re.compile(r"^\s*(baca( juga)?|lihat( juga)?|simak( juga)?|artikel terkait)\s*[:：]", re.I)
_SHARE = re.compile(
    r"^\s*[•·*-]?\s*(bagikan|share|salin link|copy link|reaksi anda|komentar|comment)\b.*$", re.I
)
_REACTIONS = re.compile(
    r"^\s*(like|love|care|haha|wow|sad|angry|suka|lucu|sedih|marah|kaget)( emoji)?\s*$", re.I
)
_WIDGET = re.compile(
    r"^\s*(loading\.*|advertisement|iklan|scroll to continue.*|text sizes?\b.*|"
    r"setujukah\?.*|dapatkan (berita|update|info).*|follow (whatsapp|wa|google news|kami).*|"
    r"ikuti (kami|berita|whatsapp).*|telusuri berita lainnya|-+|\d{1,3})\s*$",
    re.I,
)
_BYLINE = re.compile(
    r"^\s*(penulis|editor|reporter|pewarta|laporan|sumber|oleh|foto)\s*[:|]?\s+.{0,80}$", re.I
)
_CAPTION = re.compile(r"[-–(\[]\s*(foto|photo|ilustrasi)\s*:[^)\]]*[-)\]]?\s*$", re.I)
_TAGS = re.compile(r"^\s*(tag|tags|topik|kata kunci)\s*[:：].*$", re.I)
_FOOTER = re.compile(
    r"^\s*(berita terkait|berita terkini|berita terpopuler|berita pilihan|berita populer|"
    r"berita lainnya|populer|terpopuler|tag|tags|share|baca juga|artikel terkait|"
    r"rekomendasi|trending)\s*:?\s*$",
    re.I,
)
_MENU_SPLIT = re.compile(r"\s{2,}|\s*\|\s*")


def is_noise_line(line: str) -> bool:
    """True for a line that is page furniture rather than article text."""
    s = line.strip()
    if not s:
        return False
    if any(p.match(s) for p in (_RELATED, _SHARE, _REACTIONS, _WIDGET, _TAGS)):
        return True
    if _BYLINE.match(s) and not s.endswith((".", "!", "?", '"', "”")):
        return True
    if _CAPTION.search(s):
        return True
    return _is_menu(s)


def _is_menu(s: str) -> bool:
    """A row of short navigation labels separated by wide gaps: 'News   Bisnis   Sport'."""
    parts = [p for p in _MENU_SPLIT.split(s) if p]
    if len(parts) < 4 or any(ch in s for ch in ".,!?\"“”"):
        return False
    return all(len(p.split()) <= 3 and p[:1].isupper() for p in parts)


def clean_text(text: str) -> str:
    """Cleaned text, one paragraph per line group, paragraphs separated by one blank line."""
    raw = [ln.replace("\u00a0", " ").strip() for ln in text.splitlines()]
    raw = _cut_footer(raw)
    kept: list[str] = []
    for ln in raw:
        if is_noise_line(ln):  # judged before spaces collapse: wide gaps mark menus
            continue
        ln = re.sub(r"[ \t]+", " ", ln)
        if not ln:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(ln)
    return "\n".join(kept).strip()


def _cut_footer(lines: list[str]) -> list[str]:
    """Drop a footer marker and everything after it when no article paragraph follows."""
    for i, ln in enumerate(lines):
        if i < 3 or not _FOOTER.match(ln):
            continue
        rest = [r for r in lines[i + 1 :] if r]
        if all(len(r) < 160 for r in rest):
            return lines[:i]
    return lines
