"""Score the system, side by side with baselines, on a question set in the dev-corpus format (one
JSON object a line: id, question, lang, type, any_of, sources).

Rules: an answer is correct when, for every ``any_of`` group, it contains one of the group's
strings; it must also cite a gold source and be concise (at most 350 characters without the
markers; 600 for summaries, which the questions ask to be 2-4 sentences). An unanswerable question (empty ``any_of``) is right when the system declines.
Retrieval is scored on the ranked list of distinct articles each system retrieved: hit@1, hit@5
and MRR of the first gold article.

    >>> score_one({"any_of": [["616"]], "sources": ["a.txt"], "type": "count"},
    ...           "616 personel [1]", True, ["a.txt"])
    {'correct': True, 'cited': True, 'concise': True, 'ok': True, 'why': ''}
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rag.cite import strip_markers

MAX_CHARS = 350
MAX_CHARS_SUMMARY = 600  # a summary is 2-4 sentences
OURS = "ours"


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
    gold = {Path(g).name for g in item["sources"]}
    cited = any(Path(s).name in gold for s in cited_sources)
    concise = len(plain) <= (MAX_CHARS_SUMMARY if item.get("type") == "summary" else MAX_CHARS)
    why = ", ".join(w for w, good in (("wrong answer", correct), ("wrong citation", cited), ("too long", concise)) if not good)
    return {"correct": correct, "cited": cited, "concise": concise, "ok": correct and cited and concise, "why": why}


def gold_rank(item: dict, ranked_sources: list[str]) -> int | None:
    """1-based rank of the first gold article in a system's retrieved articles, or None."""
    gold = {Path(g).name for g in item.get("sources", [])}
    for rank, source in enumerate(dict.fromkeys(Path(s).name for s in ranked_sources), start=1):
        if source in gold:
            return rank
    return None


def _ratio(good: int, total: int) -> float:
    return round(good / total, 3) if total else 0.0


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


@dataclass
class Report:
    """Per-question results of every system; ``summary`` and ``to_markdown`` aggregate them."""

    results: dict[str, list[dict]] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)  # the facts table against a hand-made one (score_facts)

    def summary(self, system: str = OURS) -> dict:
        rows = self.results.get(system, [])
        answerable = [r for r in rows if r["type"] != "unanswerable"]
        unanswerable = [r for r in rows if r["type"] == "unanswerable"]
        ranks = [r["gold_rank"] for r in answerable]
        out: dict = {
            "questions": len(rows),
            "accuracy": _ratio(sum(r["ok"] for r in rows), len(rows)),
        }
        for lang in sorted({r["lang"] for r in rows}):
            sub = [r for r in rows if r["lang"] == lang]
            out[f"accuracy_{lang}"] = _ratio(sum(r["ok"] for r in sub), len(sub))
        out.update({
            "answer_correct": _ratio(sum(r["correct"] for r in answerable), len(answerable)),
            "citation_correct": _ratio(sum(r["cited"] for r in answerable), len(answerable)),
            "concise": _ratio(sum(r["concise"] for r in answerable), len(answerable)),
            "declined_correctly": _ratio(sum(r["ok"] for r in unanswerable), len(unanswerable)),
            "answered_wrongly": sum(not r["ok"] for r in unanswerable),
            "hit@1": _ratio(sum(1 for k in ranks if k == 1), len(ranks)),
            "hit@5": _ratio(sum(1 for k in ranks if k is not None and k <= 5), len(ranks)),
            "mrr": round(sum(1 / k for k in ranks if k) / len(ranks), 3) if ranks else 0.0,
            "latency_ms_p50": _percentile([r["ms"] for r in rows], 0.5),
            "latency_ms_p95": _percentile([r["ms"] for r in rows], 0.95),
        })  # fmt: skip
        by_type = defaultdict(list)
        for r in rows:
            by_type[r["type"]].append(r["ok"])
        out["by_type"] = {t: round(sum(v) / len(v), 3) for t, v in sorted(by_type.items())}
        return out

    def to_json(self) -> dict:
        out = {"systems": {s: self.summary(s) for s in self.results}, "results": self.results}
        return {**out, "facts_table": self.facts} if self.facts else out

    def to_markdown(self) -> str:
        systems = list(self.results)
        summaries = {s: self.summary(s) for s in systems}
        metrics = ["accuracy", "accuracy_id", "accuracy_en", "answer_correct", "citation_correct", "concise",
                   "declined_correctly", "hit@1", "hit@5", "mrr"]  # fmt: skip
        lines = ["# Evaluation", "", f"{summaries[systems[0]]['questions']} questions.", ""]
        lines += ["| metric | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
        for m in metrics:
            lines.append(f"| {m} | " + " | ".join(_pct(summaries[s].get(m, 0.0)) for s in systems) + " |")
        lines.append("| answered an unanswerable | " + " | ".join(str(summaries[s]["answered_wrongly"]) for s in systems) + " |")
        for m in ("latency_ms_p50", "latency_ms_p95"):
            lines.append(f"| {m} | " + " | ".join(str(summaries[s][m]) for s in systems) + " |")
        types = sorted({t for s in systems for t in summaries[s]["by_type"]})
        lines += ["", "## Accuracy by question type", "", "| type | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
        for t in types:
            lines.append(f"| {t} | " + " | ".join(_pct(summaries[s]["by_type"].get(t, 0.0)) for s in systems) + " |")
        if self.facts:
            f = self.facts
            lines += ["", "## Deployment facts table", "",
                      f"Against the hand-made table: {f['matched']} of {f['expected']} expected rows found, "
                      f"{f['extracted']} extracted.", "", "| metric | value |", "|---|---|"]  # fmt: skip
            lines += [f"| {k} | {_pct(f[k])} |" for k in ("precision", "recall", "unit_agreement", "category_agreement",
                                                            "part_of_agreement", "stage_agreement")]  # fmt: skip
        failed = [r for r in self.results.get(OURS, []) if not r["ok"]]
        if failed:
            lines += ["", f"## Failed questions ({OURS})", ""]
            lines += [f"- {r['id']} ({r['type']}, {r['why']}): {r['question']}\n  - answer: {r['answer']}" for r in failed]
        return "\n".join(lines) + "\n"

    def save(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.json").write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1))
        (out_dir / "report.md").write_text(self.to_markdown())
        self.chart(out_dir / "report.png")

    def chart(self, path: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        metrics = ["accuracy", "citation_correct", "declined_correctly", "hit@5", "mrr"]
        systems = list(self.results)
        fig, ax = plt.subplots(figsize=(10, 4.5))
        width = 0.8 / max(len(systems), 1)
        for i, s in enumerate(systems):
            summary = self.summary(s)
            xs = [j + i * width for j in range(len(metrics))]
            bars = ax.bar(xs, [summary[m] for m in metrics], width, label=s)
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(metrics))], metrics)
        ax.set_ylim(0, 1.1)
        ax.set_title("Answer and retrieval quality, same questions and corpus")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(systems), frameon=False)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)


def _pct(value: float) -> str:
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def _copy_corpus(corpus_dirs: list[Path], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for folder in corpus_dirs:
        for f in sorted(Path(folder).iterdir()):
            if f.is_file():
                shutil.copy(f, target / f.name)


def evaluate(
    qa_file: Path, corpus_dirs: list[Path], index_dir: Path | None = None, progress: bool = True,
    baselines: bool = True, facts_expected: Path | None = None,
) -> Report:  # fmt: skip
    """Ingest the corpus folders into a temporary index (or use ``index_dir``), then ask every
    question to our pipeline and to each baseline. ``facts_expected``: a hand-made facts table
    (:func:`load_expected_facts`) against which the index's table of the corpus folders' articles
    is scored."""
    from tqdm.auto import tqdm

    from rag.api import Pipeline
    from rag.baselines import BM25Whitespace, DenseOnly, LangChainTutorial
    from rag.embed import embeddings_for
    from rag.ingestion import run_ingest
    from rag.settings import Settings

    questions = load_questions(qa_file)
    workdir = Path(tempfile.mkdtemp(prefix="rag-eval-"))
    try:
        settings = Settings.from_env()
        corpus = workdir / "corpus"
        _copy_corpus(corpus_dirs, corpus)
        if index_dir is None:
            index_dir = workdir / "index"
            run_ingest(settings.replace(corpus_dir=corpus, index_dir=index_dir), progress=progress)
        pipeline = Pipeline(settings.replace(index_dir=Path(index_dir)))
        pipeline.ask(questions[0]["question"] if questions else "x")  # load once, outside the timings
        systems = {OURS: _ours(pipeline)}
        if baselines:
            embeddings = embeddings_for(settings)
            systems[BM25Whitespace.name] = _as_system(BM25Whitespace(pipeline.snapshot).answer)
            systems[DenseOnly.name] = _as_system(DenseOnly(pipeline.retriever).answer)
            systems[LangChainTutorial.name] = _as_system(LangChainTutorial(corpus, embeddings).answer)
        report = Report({name: [] for name in systems})
        bar = tqdm(total=len(questions) * len(systems), desc="questions", disable=not progress)
        for item in questions:
            for name, system in systems.items():
                started = time.perf_counter()
                text, answerable, cited, ranked = system(item["question"])
                ms = (time.perf_counter() - started) * 1000
                report.results[name].append({
                    "id": item.get("id", ""), "question": item["question"], "lang": item.get("lang", ""),
                    "type": item.get("type", ""), "answer": text, "ms": round(ms, 1),
                    "gold_rank": gold_rank(item, ranked), **score_one(item, text, answerable, cited),
                })  # fmt: skip
                bar.update(1)
        bar.close()
        if facts_expected is not None:
            from rag.deployments import relate
            from rag.index import read_facts

            names = {f.name for f in corpus.iterdir()}
            rows = [f for f in relate(read_facts(Path(index_dir))) if Path(f.source).name in names]
            report.facts = score_facts(load_expected_facts(facts_expected), rows)
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _ours(pipeline):
    def run(question: str) -> tuple[str, bool, list[str], list[str]]:
        answer = pipeline.ask(question)
        return answer.text, answer.answerable, [c.source for c in answer.citations], [c.source for c in answer.contexts]

    return run


def _as_system(baseline_answer):
    def run(question: str) -> tuple[str, bool, list[str], list[str]]:
        a = baseline_answer(question)
        return a.text, bool(a.text), a.cited, a.sources

    return run


# --- the deployment facts table ------------------------------------------------------------------

# the expected table's stage names that differ from rag/knowledge/data/election_stages.tsv
_STAGE_NAMES = {"roll_call": "troop_roll_call", "pilkada": ""}


def load_expected_facts(path: Path) -> list[dict]:
    """A hand-made table (CSV: article, count, unit, category, part_of, stage, evidence)."""
    import csv

    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def score_facts(expected: list[dict], facts: list) -> dict:
    """Precision and recall of the extracted table (rows matched by article and figure), and, over
    the matched rows, how often the unit, category, total/part relation and stage agree."""
    from rag.knowledge.numbers import parse_number
    from rag.knowledge.organizations import find_units

    def value(text: str) -> float | None:
        parsed = parse_number(text)
        return parsed.value if parsed else None

    def entity(name: str) -> str:
        units = find_units(name)
        return units[0].entity_id if units else name.lower()

    by_id = {f.id: f for f in facts}
    matched, agree = 0, defaultdict(int)
    articles = sorted({Path(r["article"]).name for r in expected} | {Path(f.source).name for f in facts})
    missing, extra = [], []
    for article in articles:
        want = [r for r in expected if Path(r["article"]).name == article]
        have = [f for f in facts if Path(f.source).name == article]
        for exact in (True, False):  # same figure and category first, then the figure alone
            for row in list(want):
                hit = next((f for f in have if f.value == value(row["count"]) and (not exact or f.category == row["category"])), None)
                if hit is None:
                    continue
                want.remove(row)
                have.remove(hit)
                matched += 1
                parent = by_id.get(hit.part_of)
                agree["unit"] += entity(row["unit"]) == hit.unit_id or row["unit"].lower() == hit.unit.lower()
                agree["category"] += row["category"] == hit.category
                agree["part_of"] += (value(row["part_of"]) if row["part_of"] else None) == (parent.value if parent else None)
                agree["stage"] += _STAGE_NAMES.get(row["stage"], row["stage"]) == (hit.stage if row["stage"] != "pilkada" else "")
        missing += [f"{article} {r['count']} ({r['category']})" for r in want]
        extra += [f"{article} {f.count} ({f.category})" for f in have]
    return {
        "expected": len(expected), "extracted": len(facts), "matched": matched,
        "precision": _ratio(matched, len(facts)), "recall": _ratio(matched, len(expected)),
        **{f"{k}_agreement": _ratio(agree[k], matched) for k in ("unit", "category", "part_of", "stage")},
        "missing": missing, "extra": extra,
    }  # fmt: skip
