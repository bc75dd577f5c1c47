"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_result(result: dict | list, out: Path | None) -> None:
    """Print the result as JSON and, when asked, save it."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")


def merged_corpus(folders: list[Path], prefix: str) -> tuple[Path, Path]:
    """A fresh work folder holding one corpus folder with the files of ``folders``: (work, corpus)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    corpus = work / "corpus"
    corpus.mkdir()
    for folder in folders:
        for f in folder.iterdir():
            if f.is_file():
                shutil.copy(f, corpus / f.name)
    return work, corpus
