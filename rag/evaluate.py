"""Score the system on a question set in the dev-corpus format (one JSON object a line:
id, question, lang, type, any_of, sources).

Rules: an answer is correct when, for every ``any_of`` group, it contains one of the group's
strings; it must also cite a gold source and be concise (at most 350 characters without the
markers). An unanswerable question (empty ``any_of``) is right when the system declines.

    >>> score_one({"any_of": [["616"]], "sources": ["a.txt"], "type": "count"},
    ...           "616 personel [1]", True, ["a.txt"])
    {'correct': True, 'cited': True, 'concise': True, 'ok': True, 'why': ''}
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rag.cite import strip_markers

MAX_CHARS = 350


def load_questions(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
    return rows


def score_one(item: dict, text: str, answerable: bool, cited_sources: list[str]) -> dict:
    plain = strip_markers(text)
    if not item.get("any_of"):
        ok = not answerable
        return {"correct": ok, "cited": True, "concise": True, "ok": ok, "why": "" if ok else "answered"}
    correct = answerable and all(any(v in plain for v in group) for group in item["any_of"])
    cited = any(Path(s).name in {Path(g).name for g in item["sources"]} for s in cited_sources)
    concise = len(plain) <= MAX_CHARS
    why = ", ".join(w for w, good in (("wrong answer", correct), ("wrong citation", cited), ("too long", concise)) if not good)
    return {"correct": correct, "cited": cited, "concise": concise, "ok": correct and cited and concise, "why": why}


@dataclass
class Report:
    results: list[dict] = field(default_factory=list)

    def rate(self, key: str = "ok", **where: str) -> tuple[int, int]:
        rows = [r for r in self.results if all(r.get(k) == v for k, v in where.items())]
        return sum(bool(r[key]) for r in rows), len(rows)

    def summary(self) -> dict:
        latencies = [r["ms"] for r in self.results]
        out = {"questions": len(self.results), "accuracy": _ratio(*self.rate())}
        for lang in sorted({r["lang"] for r in self.results}):
            out[f"accuracy_{lang}"] = _ratio(*self.rate(lang=lang))
        by_type = defaultdict(list)
        for r in self.results:
            by_type[r["type"]].append(r["ok"])
        out["by_type"] = {t: round(sum(v) / len(v), 3) for t, v in sorted(by_type.items())}
        out["latency_ms_p50"] = round(statistics.median(latencies), 1) if latencies else None
        return out

    def to_markdown(self) -> str:
        s = self.summary()
        lines = [f"Accuracy: {s['accuracy']:.1%} of {s['questions']} questions", ""]
        lines += [f"- {k}: {v:.1%}" for k, v in s.items() if k.startswith("accuracy_")]
        lines += ["", "| type | accuracy |", "|---|---|"] + [f"| {t} | {v:.0%} |" for t, v in s["by_type"].items()]
        failed = [r for r in self.results if not r["ok"]]
        if failed:
            lines += ["", "## Failed", ""]
            lines += [f"- {r['id']} ({r['type']}, {r['why']}): {r['question']}\n  - answer: {r['answer']}" for r in failed]
        return "\n".join(lines) + "\n"


def _ratio(good: int, total: int) -> float:
    return round(good / total, 3) if total else 0.0


def evaluate(qa_file: Path, corpus_dirs: list[Path], index_dir: Path | None = None, progress: bool = True) -> Report:
    """Ingest the corpus folders into a temporary index (or use ``index_dir``) and score every question."""
    from tqdm.auto import tqdm

    from rag.api import Pipeline
    from rag.ingestion import run_ingest
    from rag.settings import Settings

    questions = load_questions(qa_file)
    workdir = Path(tempfile.mkdtemp(prefix="rag-eval-"))
    try:
        settings = Settings.from_env()
        if index_dir is None:
            corpus = workdir / "corpus"
            corpus.mkdir()
            for folder in corpus_dirs:
                for f in sorted(Path(folder).iterdir()):
                    if f.is_file():
                        shutil.copy(f, corpus / f.name)
            index_dir = workdir / "index"
            run_ingest(settings.replace(corpus_dir=corpus, index_dir=index_dir), progress=progress)
        pipeline = Pipeline(settings.replace(index_dir=Path(index_dir)))
        report = Report()
        for item in tqdm(questions, desc="questions", disable=not progress):
            started = time.perf_counter()
            answer = pipeline.ask(item["question"])
            ms = (time.perf_counter() - started) * 1000
            scored = score_one(item, answer.text, answer.answerable, [c.source for c in answer.citations])
            report.results.append({
                "id": item.get("id", ""), "question": item["question"], "lang": item.get("lang", ""),
                "type": item.get("type", ""), "answer": answer.text, "ms": round(ms, 1), **scored,
            })  # fmt: skip
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
