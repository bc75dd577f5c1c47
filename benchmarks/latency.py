"""Warm `ask` latency on a corpus, against baselines measured in the same run.

    .venv/bin/python benchmarks/latency.py --corpus corpus --corpus ../shared/dev-corpus/articles \
        --qa ../shared/dev-corpus/qa.jsonl --out benchmarks/results/latency.json

Baselines (same index, same questions, same process): BM25-only retrieval (`keyword`), and
dense-only retrieval with the query embedding (`dense`). Reported as medians and as ratios
ours/baseline, because absolute times on these shared machines are noisy.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import time
from pathlib import Path

from common import merged_corpus, write_result

from rag.api import Pipeline
from rag.evaluate import load_questions
from rag.ingestion import run_ingest
from rag.query import analyze_question
from rag.settings import Settings


def timed(fn, items, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for item in items:
            t = time.perf_counter()
            fn(item)
            out.append((time.perf_counter() - t) * 1000)
    return out


def stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2), "n": len(ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", required=True)
    parser.add_argument("--qa", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    work, corpus = merged_corpus(args.corpus, "rag-bench-")
    settings = Settings.from_env(corpus_dir=corpus, index_dir=work / "index")
    t = time.perf_counter()
    report = run_ingest(settings, progress=False)
    ingest_s = time.perf_counter() - t

    questions = [q["question"] for q in load_questions(args.qa)]
    pipeline = Pipeline(settings)
    t = time.perf_counter()
    pipeline.ask(questions[0])  # loads the index (the model is already loaded by the ingest)
    cold_ms = (time.perf_counter() - t) * 1000
    retriever = pipeline.retriever

    ours = timed(pipeline.ask, questions, args.repeat)
    keyword = timed(lambda q: retriever.keyword(analyze_question(q)), questions, args.repeat)
    dense = timed(lambda q: retriever.dense(analyze_question(q)), questions, args.repeat)
    result = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}",
        "articles": len(report.added), "chunks": report.chunks, "ingest_s": round(ingest_s, 2),
        "first_answer_after_ingest_ms": round(cold_ms, 1),
        "ask": stats(ours), "bm25_only": stats(keyword), "dense_only": stats(dense),
    }  # fmt: skip
    result["ratio_ask_to_bm25_p50"] = round(result["ask"]["p50_ms"] / result["bm25_only"]["p50_ms"], 1)
    result["ratio_ask_to_dense_p50"] = round(result["ask"]["p50_ms"] / result["dense_only"]["p50_ms"], 2)
    write_result(result, args.out)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
