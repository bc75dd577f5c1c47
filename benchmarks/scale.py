"""Scale benchmarks on synthetic corpora (benchmarks/synthetic.py) of several sizes.

    .venv/bin/python benchmarks/scale.py --sizes 100 1000 10000 --server-at 10000 \
        --out benchmarks/results/scale.json

For each size, each in a fresh child process (so peak memory and cold start are its own):
- ingest: seconds, articles/s, chunks/s, the share of the time spent embedding, index size on
  disk, peak memory (max RSS);
- baseline in the same run: LangChain's plain ``Chroma.add_documents`` of the same chunks with the
  same embedding model (what ingest costs without our cleaning, BM25, snapshot and checks);
- query: cold start to first answer (process start, imports included), warm ``ask`` p50/p95 over
  50 questions, and BM25-only retrieval on the same questions as baseline.
``--server-at N`` repeats size N with vectors in a Chroma server (`chroma run`) it starts itself.
``--random-vectors-at N`` ingests size N with random unit vectors instead of the model's (everything
but the embedding measured at full size: cleaning, chunking, facts, BM25, snapshot, Chroma), and
estimates the real ingest as that time plus the size's chunks at the embedding rate measured by the
largest embedded run (``estimated_ingest_s``). Its query figures are latency only (the vectors are
random, the answers meaningless).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2)}


# ---- children ---------------------------------------------------------------------------------
def child_ingest(corpus: Path, index: Path) -> dict:
    from rag.embed import OnnxEmbeddings
    from rag.ingestion import run_ingest
    from rag.settings import Settings

    settings = Settings.from_env(corpus_dir=corpus, index_dir=index)
    if settings.embedding_backend == "onnx":  # the class whose embedding time is measured
        embeddings_class = OnnxEmbeddings
    else:
        from langchain_huggingface import HuggingFaceEmbeddings as embeddings_class
    spent = {"embed": 0.0}
    original = embeddings_class.embed_documents

    def timed(self, texts):
        t = time.perf_counter()
        try:
            return original(self, texts)
        finally:
            spent["embed"] += time.perf_counter() - t

    if os.environ.get("RAG_BENCH_RANDOM_VECTORS"):
        import numpy as np

        rng = np.random.default_rng(0)

        def original(self, texts):  # noqa: F811 - random unit vectors of the model's size
            v = rng.standard_normal((len(texts), 384)).astype(np.float32)
            return (v / np.linalg.norm(v, axis=1, keepdims=True)).tolist()

    embeddings_class.embed_documents = timed
    t = time.perf_counter()
    report = run_ingest(settings, progress=False)
    seconds = time.perf_counter() - t
    return {
        "articles": len(report.added), "chunks": report.chunks, "ingest_s": round(seconds, 1),
        "articles_per_s": round(len(report.added) / seconds, 1), "chunks_per_s": round(report.chunks / seconds, 1),
        "embedding_share": round(spent["embed"] / seconds, 3), "index_mb": round(_du(index) / 2**20, 1),
        "peak_rss_mb": _peak_mb(),
    }  # fmt: skip


def child_baseline_add(index: Path, work: Path) -> dict:
    """Plain Chroma.add_documents of the same chunk texts, same model: the ingest baseline."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document

    from rag.embed import get_embeddings
    from rag.index import load_snapshot
    from rag.settings import Settings

    snap = load_snapshot(index)
    docs = [Document(page_content=c.text, metadata={"source": c.source}) for c in snap.chunks.values()]
    settings = Settings.from_env()
    embeddings = get_embeddings(settings.embedding_model, settings.embedding_batch_size)
    client = chromadb.PersistentClient(path=str(work / "baseline-chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(client=client, collection_name="baseline", embedding_function=embeddings)
    t = time.perf_counter()
    for start in range(0, len(docs), 1000):
        store.add_documents(docs[start : start + 1000])
    return {"baseline_add_documents_s": round(time.perf_counter() - t, 1)}


def child_query(index: Path, questions: Path, started: float) -> dict:
    from rag.api import Pipeline
    from rag.query import analyze_question
    from rag.settings import Settings

    qs = [json.loads(line)["question"] for line in questions.read_text().splitlines()[:50]]
    pipeline = Pipeline(Settings.from_env(index_dir=index))
    pipeline.ask(qs[0])
    cold = time.time() - started
    ours, bm25 = [], []
    for _ in range(2):
        for q in qs:
            t = time.perf_counter()
            pipeline.ask(q)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            pipeline.retriever.keyword(analyze_question(q))
            bm25.append((time.perf_counter() - t) * 1000)
    s_ours, s_bm25 = _stats(ours), _stats(bm25)
    return {
        "cold_start_to_first_answer_s": round(cold, 2), "ask": s_ours, "bm25_only": s_bm25,
        "ratio_ask_to_bm25_p50": round(s_ours["p50_ms"] / s_bm25["p50_ms"], 1), "peak_rss_query_mb": _peak_mb(),
    }  # fmt: skip


# ---- parent -----------------------------------------------------------------------------------
def run_child(args: list[str], env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "_child", *args], capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_chroma(path: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen([exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def measure(size: int, seed: int, work: Path, mode: str) -> dict:
    from synthetic import generate

    corpus = generate(size, seed, work / f"corpus-{size}")
    questions = work / f"corpus-{size}-questions.jsonl"
    index = work / f"index-{size}-{mode}"
    env = {**os.environ}
    server = None
    if mode == "server":
        server, url = start_chroma(work / f"chroma-server-{size}")
        env["RAG_CHROMA_URL"] = url
    if mode == "random":
        env["RAG_BENCH_RANDOM_VECTORS"] = "1"
    try:
        result = {"articles_requested": size, "mode": mode}
        result |= run_child(["ingest", str(corpus), str(index)], env)
        if mode != "random":  # the baseline embeds for real: at this size it is the estimate's own input
            result |= run_child(["baseline_add", str(index), str(work / f"b-{size}-{mode}")], {**os.environ})
            result["ratio_ingest_to_baseline"] = round(result["ingest_s"] / result["baseline_add_documents_s"], 2)
        result |= run_child(["query", str(index), str(questions), str(time.time())], env)
        if server:
            result["index_mb"] = round((_du(index) + _du(work / f"chroma-server-{size}")) / 2**20, 1)
        return result
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)


def estimate(random_run: dict, embedded: list[dict]) -> dict:
    """The real ingest of a random-vector run: its time without embedding, plus its chunks at the
    embedding rate (chunks per second of embedding) of the largest embedded run."""
    if not embedded:
        return {}
    ref = max(embedded, key=lambda r: r["chunks"])
    rate = ref["chunks"] / (ref["ingest_s"] * ref["embedding_share"])
    rest = random_run["ingest_s"] * (1 - random_run["embedding_share"])
    seconds = rest + random_run["chunks"] / rate
    return {"embedding_chunks_per_s_measured": round(rate, 1), "ingest_without_embedding_s": round(rest, 1),
            "estimated_ingest_s": round(seconds, 1), "estimated_ingest_h": round(seconds / 3600, 2)}  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "ingest":
            out = child_ingest(Path(rest[0]), Path(rest[1]))
        elif kind == "baseline_add":
            out = child_baseline_add(Path(rest[0]), Path(rest[1]))
        else:
            out = child_query(Path(rest[0]), Path(rest[1]), float(rest[2]))
        print(json.dumps(out))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--server-at", type=int, nargs="*", default=[])
    parser.add_argument("--random-vectors-at", type=int, nargs="*", default=[])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-scale-"))
    results = []
    try:
        runs = [(n, "embedded") for n in args.sizes] + [(n, "server") for n in args.server_at]
        runs += [(n, "random") for n in args.random_vectors_at]
        for size, mode in runs:
            print(f"measuring {size} articles, {mode} ...", file=sys.stderr, flush=True)
            results.append(measure(size, args.seed, work, mode))
            if mode == "random":
                results[-1] |= estimate(results[-1], [r for r in results if r["mode"] == "embedded"])
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
            if args.out:  # keep partial results: the 10,000 run takes a while
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "seed": args.seed, "runs": results}, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
