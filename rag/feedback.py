"""Feedback on answers: a thumbs up or down with an optional comment, kept locally as JSON lines
(question, answer, cited sources, engine, time), and turned into evaluation cases.

    >>> from rag.types import Answer                                              # doctest: +SKIP
    >>> record(Path("feedback.jsonl"), answer, liked=False, comment="wrong unit")  # doctest: +SKIP
    >>> export_cases(Path("feedback.jsonl"))[0]["any_of"]                         # doctest: +SKIP
    []

An exported case has the fields of ``qa.jsonl`` (id, question, lang, type, answer, any_of,
sources) with ``any_of`` left for a person to complete: the gold strings are a judgement the
feedback does not make. A thumbs-up answer is proposed as the gold answer; a thumbs-down one is
kept under ``rejected_answer`` with the comment.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rag.errors import RagError
from rag.types import Answer


@dataclass
class Feedback:
    question: str
    answer: str
    liked: bool
    comment: str = ""
    sources: list[str] = field(default_factory=list)  # cited articles, in [n] order
    engine: str = ""
    language: str = ""
    resolved_question: str = ""  # the standalone question a follow-up was read as
    time: str = ""


def record(path: Path, answer: Answer, liked: bool, comment: str = "") -> Feedback:
    """Append one feedback line; safe with several UI sessions writing at once (a file lock)."""
    item = Feedback(
        answer.question, answer.text, bool(liked), " ".join((comment or "").split())[:2000],
        [c.source for c in answer.citations], answer.engine, answer.language, answer.resolved_question,
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )  # fmt: skip
    path = Path(path)
    line = (json.dumps(asdict(item), ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab", buffering=0) as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            _append_whole(f.fileno(), line)
    except OSError as exc:
        raise RagError(f"could not save the feedback to {path}: {exc.strerror or exc}") from exc
    return item


def _append_whole(fd: int, data: bytes) -> None:
    """Append ``data`` entirely or not at all: a full disk can take part of a line, and the torn
    rest would swallow the next line appended after it."""
    start = os.lseek(fd, 0, os.SEEK_END)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError:
        os.ftruncate(fd, start)
        raise


def read(path: Path) -> list[Feedback]:
    """Every feedback line; a damaged line (a crash mid-write) is skipped, not fatal."""
    path = Path(path)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():  # a torn character too
        try:
            out.append(Feedback(**json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            continue
    return out


def export_cases(path: Path, rating: str = "all") -> list[dict]:
    """Evaluation cases (``qa.jsonl`` fields) from the feedback; ``rating``: all, up or down.
    The same question asked twice is one case, with its latest feedback."""
    from rag.query import analyze_question

    latest: dict[str, Feedback] = {}
    for item in read(path):
        if rating == "all" or item.liked == (rating == "up"):
            latest[item.resolved_question or item.question] = item
    cases = []
    for n, (question, item) in enumerate(latest.items(), start=1):
        q = analyze_question(question)
        case = {"id": f"fb{n:04d}", "question": question, "lang": q.language, "type": q.qtype,
                "answer": item.answer if item.liked else "", "any_of": [], "sources": item.sources if item.liked else [],
                "feedback": "up" if item.liked else "down", "comment": item.comment, "time": item.time}  # fmt: skip
        if not item.liked:
            case["rejected_answer"] = item.answer
        cases.append(case)
    return cases
