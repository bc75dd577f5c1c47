"""Embedding backends, one run: ONNX Runtime against torch for queries, ingest and cold start.

    .venv/bin/python benchmarks/embedding.py --corpus corpus --corpus eval/train/articles \
        --qa eval/train/qa.jsonl --out benchmarks/results/embedding.json

Measured in the same process (or, for cold starts, the same run), so machine noise cancels in the
ratios:

- vectors: cosine of every chunk's ONNX vector to plain ``SentenceTransformer.encode``'s;
- query embedding: one question at a time, warm, torch (``HuggingFaceEmbeddings.embed_query``,
  the old query path) against ONNX, questions interleaved;
- batch throughput on the chunks the ingest embeds: ``SentenceTransformer.encode`` (batch 32)
  against ``OnnxEmbeddings.embed_documents``, best of ``--repeat``; and a whole ``run_ingest``
  with each backend into a fresh index;
- warm ``ask`` with the onnx backend against one torch query embedding;
- cold start to the first answer, a fresh process each time: ``python -c "from rag import ask;
  ask(...)"`` with each backend against a bare ``python -c "import torch"``, median of ``--cold``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from common import merged_corpus, write_result

from rag.api import Pipeline
from rag.embed import OnnxEmbeddings, get_embeddings, resolve_model
from rag.evaluate import load_questions
from rag.ingestion import chunk_policy, index_text, prepare_article, run_ingest
from rag.load import scan_corpus
from rag.settings import Settings


def stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2), "n": len(ms)}


def best_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def seed_chunks(corpus: Path, settings: Settings) -> list[str]:
    """The texts the ingest embeds: every chunk of every readable article, with its title."""
    texts = []
    for path in scan_corpus(corpus).files:
        try:
            article = prepare_article(path, corpus, settings)
        except Exception:  # unreadable files are the ingest's business, not this benchmark's
            continue
        texts += [index_text(c) for c in chunk_policy(settings).chunks(article, settings.chunk_overlap_sentences)]
    return texts


def cold_start(code: str, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", required=True)
    parser.add_argument("--qa", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each batch and query measurement")
    parser.add_argument("--cold", type=int, default=5, help="fresh processes per cold-start variant")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    work, corpus = merged_corpus(args.corpus, "rag-bench-embed-")
    base = Settings.from_env(corpus_dir=corpus)
    onnx_settings = base.replace(embedding_backend="onnx", index_dir=work / "index-onnx")
    torch_settings = base.replace(embedding_backend="torch", index_dir=work / "index-torch")
    texts = seed_chunks(corpus, base)
    questions = [q["question"] for q in load_questions(args.qa)]

    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(resolve_model(base.embedding_model), device="cpu")
    hf = get_embeddings(base.embedding_model, base.embedding_batch_size, "torch")
    onnx = get_embeddings(base.embedding_model, base.embedding_batch_size, "onnx")
    assert isinstance(onnx, OnnxEmbeddings)

    def st_encode() -> np.ndarray:
        return st.encode(texts, batch_size=base.embedding_batch_size, normalize_embeddings=True)

    reference, ours = st_encode(), onnx.embed_array(texts)
    cos = (reference * ours).sum(axis=1) / (np.linalg.norm(reference, axis=1) * np.linalg.norm(ours, axis=1))
    st_s = onnx_s = float("inf")
    for _ in range(args.repeat):  # interleaved, so a slow moment of the machine hits both
        st_s = min(st_s, best_seconds(st_encode, 1))
        onnx_s = min(onnx_s, best_seconds(lambda: onnx.embed_array(texts), 1))

    ingest = {}
    for name, settings in (("onnx", onnx_settings), ("torch", torch_settings)):
        t = time.perf_counter()
        report = run_ingest(settings, progress=False)  # the model is already loaded in this process
        ingest[name] = {"seconds": round(time.perf_counter() - t, 2), "chunks": report.chunks}

    torch_q, onnx_q = [], []
    for q in questions[:3]:
        hf.embed_query(q), onnx.embed_query(q)  # warm both
    for _ in range(args.repeat):
        for q in questions:
            t = time.perf_counter()
            hf.embed_query(q)
            torch_q.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            onnx.embed_query(q)
            onnx_q.append((time.perf_counter() - t) * 1000)

    os.environ["RAG_EMBEDDING_BACKEND"] = "onnx"  # Pipeline reads the backend of its query path here
    pipeline = Pipeline(onnx_settings)
    pipeline.ask(questions[0])
    ask_ms = []
    for _ in range(args.repeat):
        for q in questions:
            t = time.perf_counter()
            pipeline.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)

    question = "Berapa personel yang diterjunkan Polres Banyuasin?"
    variants = {
        "import_torch": ("import torch", "onnx"),
        "ask_onnx": (f"from rag import ask; ask({question!r}, index_dir={str(onnx_settings.index_dir)!r})", "onnx"),
        "ask_torch": (f"from rag import ask; ask({question!r}, index_dir={str(torch_settings.index_dir)!r})", "torch"),
    }
    cold: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.cold):
        for name, (code, backend) in variants.items():
            env = {**os.environ, "RAG_EMBEDDING_BACKEND": backend}
            cold[name].append(cold_start(code, env))
    cold_s = {k: round(statistics.median(v), 2) for k, v in cold.items()}

    torch_stats, onnx_stats, ask_stats = stats(torch_q), stats(onnx_q), stats(ask_ms)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, python {platform.python_version()}",
        "chunks": len(texts), "questions": len(questions),
        "cosine_onnx_to_sentence_transformers": {"min": round(float(cos.min()), 7), "mean": round(float(cos.mean()), 7)},
        "batch_chunks_per_s": {"sentence_transformers_encode": round(len(texts) / st_s, 1), "onnx": round(len(texts) / onnx_s, 1)},
        "ingest": ingest,
        "query_embedding": {"torch": torch_stats, "onnx": onnx_stats},
        "ask_onnx": ask_stats,
        "cold_start_s": cold_s,
        "ratios": {
            "query_embedding_torch_over_onnx_p50": round(torch_stats["p50_ms"] / onnx_stats["p50_ms"], 2),
            "batch_throughput_onnx_over_sentence_transformers": round(st_s / onnx_s, 2),
            "ingest_onnx_chunks_per_s_over_sentence_transformers_encode":
                round((ingest["onnx"]["chunks"] / ingest["onnx"]["seconds"]) / (len(texts) / st_s), 2),
            "ingest_torch_over_onnx_seconds": round(ingest["torch"]["seconds"] / ingest["onnx"]["seconds"], 2),
            "ask_onnx_p50_over_torch_query_embedding_p50": round(ask_stats["p50_ms"] / torch_stats["p50_ms"], 2),
            "cold_start_ask_onnx_over_import_torch": round(cold_s["ask_onnx"] / cold_s["import_torch"], 2),
            "cold_start_ask_torch_over_import_torch": round(cold_s["ask_torch"] / cold_s["import_torch"], 2),
        },
    }  # fmt: skip
    write_result(result, args.out)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
