"""Extract title, URL, outlet, publication date and dateline place from a cleaned article.

Only what the text shows is returned; a field that cannot be found stays empty."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

from rag.types import ArticleMeta

MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6,
    "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8,
    "agt": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10,
    "okt": 10, "oct": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12,
    "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_WORDS = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+((?:19|20)\d\d)\b", re.I)
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DATE_SLASH = re.compile(r"\((\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\)")
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_DOMAIN_LINE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|id|co|net|org|news)(?:/\S*)?$", re.I)
_DOMAIN_IN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|id|co|net|org|news)\b", re.I)
_HEAD = r"^(?P<head>(?:[^\n.!?“\"]|\.(?=\S)){2,70}?)\s*"
_DATELINES = (  # a dash ends a dateline; a colon only where no dash does
    re.compile(_HEAD + r"(?:[–—]|\s-|-\s)\s*(?=[A-Za-z0-9“\"(])"),
    re.compile(_HEAD + r":\s*(?=[A-Za-z0-9“\"(])"),
)
_OUTLET_WORDS = re.compile(r"\b(news|ekspres|express|pos|post|times|online|media|tribun\w*|antara)\b", re.I)
_REGIONS = re.compile(
    r"^(sumsel|sumut|sumbar|jatim|jabar|jateng|sultra|sulsel|sulteng|sulut|kaltim|kalbar|kalsel|"
    r"ntt|ntb|diy|dki( jakarta)?|bali|papua|aceh|riau|jambi|lampung|banten|bengkulu|maluku|gorontalo|"
    r"(sumatera|jawa|sulawesi|kalimantan|nusa tenggara) (selatan|utara|barat|timur|tengah|tenggara))$",
    re.I,
)


def extract_metadata(text: str, hints: ArticleMeta | None = None) -> ArticleMeta:
    """Metadata from the article text; ``hints`` (e.g. from HTML tags) win where present."""
    hints = hints or ArticleMeta()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    url = hints.url or _find_url(lines)
    dateline_outlet, place = _find_dateline(lines)
    outlet = hints.outlet or dateline_outlet or _outlet_from_url(url) or _domain_line(lines)
    date = hints.date or _find_date(lines, url)
    title = hints.title or _find_title(lines)
    return ArticleMeta(title=title, url=url, outlet=outlet, date=date, place=place)


# The endings of news sites' domain names: Indonesia's second-level domains (PANDI: co.id, or.id,
# web.id, my.id, go.id, ac.id, sch.id, net.id, biz.id) and the generic and country endings that
# Indonesian outlets use.
_SITE_ENDING = re.compile(
    r"\.(?:co\.id|or\.id|web\.id|my\.id|go\.id|ac\.id|sch\.id|net\.id|biz\.id|com|co|id|net|org|info|news|tv|online|site)$"
)


def outlet_key(outlet: str) -> str:
    """One key per outlet however a page writes it: 'MEMORANDUM', 'memorandum.co.id' and
    'https://www.Memorandum.co.id' -> 'memorandum'; 'Times Jabar' and 'TIMES JABAR' -> 'timesjabar'.

    >>> outlet_key("MEMORANDUM.CO.ID") == outlet_key("Memorandum") == "memorandum"
    True
    """
    name = re.sub(r"^https?://", "", outlet.strip().lower()).removeprefix("www.").rstrip("/")
    while (shorter := _SITE_ENDING.sub("", name)) != name:
        name = shorter
    return re.sub(r"[^a-z0-9]", "", name)


def outlet_names(outlets: list[str]) -> list[str]:
    """One name per outlet (the spelling most articles use; on a tie the one without a domain
    ending, then the shorter), sorted."""
    spellings: dict[str, Counter] = {}
    for outlet in outlets:
        if outlet_key(outlet):
            spellings.setdefault(outlet_key(outlet), Counter())[outlet] += 1
    chosen = [min(c, key=lambda o: (-c[o], bool(_SITE_ENDING.search(o.lower())), len(o), o)) for c in spellings.values()]
    return sorted(chosen, key=str.lower)


def _find_url(lines: list[str]) -> str:
    for ln in lines[:8]:
        m = _URL.search(ln)
        if m:
            return m.group(0).rstrip(".,;")
    return ""


def _outlet_from_url(url: str) -> str:
    host = urlparse(url).hostname or ""
    host = re.sub(r"^(www|m|amp)\.", "", host)
    return host


def _domain_line(lines: list[str]) -> str:
    for ln in lines[:8]:
        if _DOMAIN_LINE.match(ln):
            return ln.split("/")[0]
    return ""


def _find_dateline(lines: list[str]) -> tuple[str, str]:
    """(outlet, place) from the first paragraph that opens with a dateline."""
    for ln in lines[:8]:
        if len(ln) >= 80:  # a paragraph, not a title or a date line
            parsed = parse_dateline(ln)
            if parsed:
                return parsed
    return "", ""


def parse_dateline(paragraph: str) -> tuple[str, str] | None:
    """'KENDARI – SULTRAKINI.COM ...', 'Muna (ANTARA) - ...' -> (outlet, place); None if no dateline."""
    for pattern in _DATELINES:
        m = pattern.match(paragraph)
        if m:
            parsed = _parse_head(m.group("head").strip())
            if parsed and not parsed[0]:  # 'KENDARI – SULTRAKINI.COM ...': the outlet follows the dash
                after = re.match(r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|id|co|net|org|news))\b", paragraph[m.end():], re.I)
                if after:
                    parsed = (after.group(1), parsed[1])
            if parsed:
                return parsed
    return None


def _parse_head(head: str) -> tuple[str, str] | None:
    antara = re.match(r"^(?P<place>[^(]+?)\s*\((?P<outlet>[A-Za-z .]+)\)$", head)
    if antara:
        return antara.group("outlet").strip(), _titlecase(antara.group("place"))
    parts = [p.strip() for p in re.split(r"\s*[,|:]\s*", head) if p.strip()]
    if not parts or len(parts) > 3 or any(len(p.split()) > 3 for p in parts):
        return None
    outlet_parts = [p for p in parts if _DOMAIN_IN.search(p) or _OUTLET_WORDS.search(p)]
    rest = [p for p in parts if p not in outlet_parts]
    if not outlet_parts and not all(p.isupper() or len(p.split()) <= 2 for p in rest):
        return None
    if not outlet_parts and len(rest) >= 2 and not _REGIONS.match(rest[-1]):
        outlet_parts, rest = [rest[-1]], rest[:-1]
    return (outlet_parts[0] if outlet_parts else ""), ", ".join(_titlecase(p) for p in rest)


def _titlecase(s: str) -> str:
    s = s.strip()
    return s.title() if s.isupper() and len(s) > 3 else s


def _find_date(lines: list[str], url: str) -> str:
    head = lines[:8]
    for ln in head:  # a line of its own that is mostly a date: the publication date
        if len(ln) <= 60:
            iso = _DATE_ISO.search(ln) or None
            if iso:
                return f"{iso.group(1)}-{iso.group(2)}-{iso.group(3)}"
            m = _DATE_WORDS.search(ln)
            if m:
                return _iso(m.group(3), MONTHS[m.group(2).lower()], m.group(1))
    m = re.search(r"/((?:19|20)\d\d)/(\d{1,2})(?:/(\d{1,2}))?/", url)
    if m and 1 <= int(m.group(2)) <= 12:
        return _iso(m.group(1), int(m.group(2)), m.group(3)) if m.group(3) else f"{m.group(1)}-{int(m.group(2)):02d}"
    body = "\n".join(lines)
    years = Counter(re.findall(r"\b(20\d\d)\b", body))
    for m in _DATE_SLASH.finditer(body):
        day, month, year = m.group(1), int(m.group(2)), m.group(3)
        if not 1 <= month <= 12 or not 1 <= int(day) <= 31:
            continue
        if year is None:
            if not years:
                continue
            year = years.most_common(1)[0][0]
        elif len(year) == 2:
            year = "20" + year
        return _iso(year, month, day)
    return ""


def _iso(year: str | int, month: int, day: str | int | None) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}" if day else f"{int(year):04d}-{month:02d}"


def _find_title(lines: list[str]) -> str:
    """The longest heading-like line before the first body paragraph."""
    candidates: list[str] = []
    for ln in lines[:8]:
        if len(ln) > 220 or (len(ln) >= 80 and parse_dateline(ln)):
            break
        if _URL.search(ln) or _DOMAIN_LINE.match(ln) or _looks_like_date(ln):
            continue
        if len(ln.split()) >= 4 and not ln.endswith((".", "”", '"')):
            candidates.append(ln)
    return max(candidates, key=lambda c: len(c.split()), default="")


def _looks_like_date(ln: str) -> bool:
    rest = _DATE_WORDS.sub("", _DATE_ISO.sub("", ln))
    rest = re.sub(r"\b(senin|selasa|rabu|kamis|jumat|sabtu|minggu|diterbitkan|date|wib|wita|wit|\d{1,2}[:.]\d\d)\b", "", rest, flags=re.I)
    return len(ln) <= 60 and len(re.sub(r"[\W\d_]", "", rest)) <= 3


def strip_header_lines(text: str) -> str:
    """The article body without lines that are only a URL, a site name or a date."""
    kept = []
    for ln in text.splitlines():
        s = ln.strip()
        if s and (_URL.fullmatch(s) or _DOMAIN_LINE.match(s) or _looks_like_date(s)):
            continue
        kept.append(ln)
    return "\n".join(kept).strip()
