"""Convert FreeDict's English-Indonesian dictionary (dictd format: a ``.index`` and a ``.dict.dz``)
into ``data/freedict_eng_ind.tsv``: ``english<TAB>indonesian|indonesian|...``.

Build time only: the product reads the generated TSV and never needs the Debian package.

    apt-get install -y dict-freedict-eng-ind
    python -m rag.knowledge.build_freedict            # writes rag/knowledge/data/freedict_eng_ind.tsv
    python -m rag.knowledge.build_freedict --help

    >>> parse_entry("police //pəˈliːs// <n>\\npolisi\\nlaw enforcement agency\\n")
    ('n', ['polisi'])
    >>> clean_gloss("(orang) brengsek"), clean_gloss("[[kemudi|mengemudi(kan)]]")
    ('brengsek', 'mengemudi')
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DEFAULT_INDEX = Path("/usr/share/dictd/freedict-eng-ind.index")
DEFAULT_DICT = Path("/usr/share/dictd/freedict-eng-ind.dict.dz")
DEFAULT_OUT = Path(__file__).with_name("data") / "freedict_eng_ind.tsv"
_SKIPPED_POS = {"prefix", "suffix", "proverb", "symbol"}
_PERSON_NAME = re.compile(r"\b(given name|surname|family name|male name|female name)\b", re.I)
MAX_WORDS = 3  # "short glosses only": longer ones are definitions, not equivalents
MAX_GLOSSES = 8


def b64_number(text: str) -> int:
    """dictd's index numbers: base64 digits, most significant first. ``b64_number("Bf") == 95``."""
    n = 0
    for ch in text:
        n = n * 64 + _B64.index(ch)
    return n


def clean_gloss(gloss: str) -> str:
    """One Indonesian equivalent without wiki links, parentheses or grammar notes; '' to drop."""
    gloss = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", gloss)  # [[target|shown]] -> shown
    gloss = re.sub(r"\([^)]*\)", " ", gloss)
    gloss = re.sub(r"\s+", " ", gloss).strip(" .;:-'\"")
    if not gloss or re.search(r"[/?!\d=<>\[\]()]", gloss) or len(gloss.split()) > MAX_WORDS:
        return ""
    return gloss if gloss.isupper() else gloss.lower()


def parse_entry(text: str) -> tuple[str, list[str]]:
    """(part of speech, Indonesian glosses) of one dictd article.

    The first line names the headword and ``<pos>``; the line after it holds the equivalents,
    and further senses start with ``"2. "``; every other line is an English definition."""
    lines = text.split("\n")
    pos_match = re.search(r"<([^>]*)>\s*$", lines[0])
    pos = pos_match.group(1) if pos_match else ""
    if any(_PERSON_NAME.search(line) for line in lines[2:]) and pos == "pn":
        return pos, []
    sense_lines = lines[1:2] + [line for line in lines[2:] if re.match(r"\d+\. ", line)]
    glosses: list[str] = []
    for line in sense_lines:
        line = re.sub(r"^\d+\.\s*", "", line)
        line = re.sub(r"\s+\d+\.\s*$", "", line)  # " 2." opens numbered definitions
        for part in re.split(r"[,;]\s*", line):
            gloss = clean_gloss(part)
            if gloss and gloss not in glosses:
                glosses.append(gloss)
    return pos, glosses


def read_dictionary(index_path: Path, dict_path: Path) -> tuple[str, dict[str, list[str]]]:
    """(database info text, lower-case headword -> glosses). Lower-case headwords come before
    capitalised ones (``may`` before ``May``), so a common word's senses lead."""
    data = gzip.open(dict_path).read() if dict_path.suffix == ".dz" else dict_path.read_bytes()
    info = ""
    articles: list[tuple[bool, str, list[str]]] = []
    for line in index_path.read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        start, size = b64_number(offset), b64_number(length)
        text = data[start : start + size].decode("utf-8")
        if headword.startswith("00database"):
            info = text if headword == "00databaseinfo" else info
            continue
        pos, glosses = parse_entry(text)
        if pos in _SKIPPED_POS or re.search(r"\d", headword) or not glosses:
            continue
        articles.append((headword != headword.lower(), headword.lower().strip(), glosses))
    entries: dict[str, list[str]] = {}
    for _, headword, glosses in sorted(articles, key=lambda a: a[0]):
        merged = entries.setdefault(headword, [])
        merged.extend(g for g in glosses if g not in merged)
    return info, {h: g[:MAX_GLOSSES] for h, g in sorted(entries.items())}


def write_tsv(info: str, entries: dict[str, list[str]], out: Path) -> None:
    edition = re.search(r"Edition:\s*(\S+)", info)
    header = [
        f"# FreeDict English-Indonesian dictionary (eng-ind), edition {edition.group(1) if edition else '?'}:",
        "# FreeDict+WikDict by Karl Bartel and the FreeDict contributors, built from Wiktionary via DBnary.",
        "# Licence: Creative Commons Attribution-ShareAlike 3.0 Unported (CC BY-SA 3.0),",
        "# https://creativecommons.org/licenses/by-sa/3.0/ . This file is a derivative work under the same",
        "# licence. Source: Debian package dict-freedict-eng-ind (https://freedict.org/).",
        "# Converted by rag/knowledge/build_freedict.py: lower-case headwords, glosses of at most",
        f"# {MAX_WORDS} words without grammar notes or parentheses, person names left out.",
        "# english<TAB>indonesian|indonesian|...",
    ]
    rows = [f"{headword}\t{'|'.join(glosses)}" for headword, glosses in entries.items()]
    out.write_text("\n".join(header + rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="dictd .index file")
    parser.add_argument("--dict", type=Path, default=DEFAULT_DICT, help="dictd .dict.dz file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="TSV to write")
    args = parser.parse_args(argv)
    info, entries = read_dictionary(args.index, args.dict)
    write_tsv(info, entries, args.out)
    print(f"{len(entries)} headwords -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
