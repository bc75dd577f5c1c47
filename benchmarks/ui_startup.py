"""Start-up time of the chat UI with an existing index, against a bare Gradio app in the same run.

    .venv/bin/python benchmarks/ui_startup.py --corpus corpus --out benchmarks/results/ui_startup.json

'Start-up' is from process start until the page answers HTTP 200. The baseline is a one-textbox
Gradio app: what any Gradio UI pays (importing gradio, starting the server).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import free_port, write_result

ROOT = Path(__file__).resolve().parent.parent
BARE = "import gradio as gr, sys; gr.Interface(lambda s: s, 'text', 'text').launch(server_port=int(sys.argv[1]), quiet=True)"


def time_until_up(cmd: list[str], port: int, cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                return time.perf_counter() - started
            except OSError:
                if proc.poll() is not None or time.perf_counter() - started > 300:
                    raise RuntimeError(f"{cmd} did not start") from None
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-ui-bench-"))
    subprocess.run([sys.executable, "-m", "rag", "ingest", "--no-progress", "--corpus", str(args.corpus), "--index", str(work / "index")],
                   check=True, capture_output=True)  # fmt: skip
    ours, bare = [], []
    for _ in range(args.runs):
        port = free_port()
        ours.append(time_until_up([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(args.corpus), "--index", str(work / "index")], port, work))
        port = free_port()
        bare.append(time_until_up([sys.executable, "-c", BARE, str(port)], port, work))
    result = {
        "runs": args.runs,
        "app_with_existing_index_s": round(min(ours), 2),
        "bare_gradio_app_s": round(min(bare), 2),
        "ratio_app_to_bare": round(min(ours) / min(bare), 2),
        "all_app_s": [round(x, 2) for x in ours], "all_bare_s": [round(x, 2) for x in bare],
    }  # fmt: skip
    write_result(result, args.out)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
