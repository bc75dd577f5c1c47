"""Runs ingests in forked children, each killed (SIGKILL, by itself) at a chosen crash point.

The parent imports the heavy libraries once and never runs a model or opens Chroma,
so every child starts clean: it loads the model, runs a real ingest and dies where it was told
(``RAG_CRASH_AT``, see :mod:`rag.crashpoints`). Protocol, one JSON object a line:

    stdin:  {"corpus": DIR, "index": DIR, "kill_at": N (0: never), "trace": FILE or ""}
    stdout: {"signal": 9 or 0, "code": exit status or null}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback

import chromadb  # noqa: F401
import onnxruntime  # noqa: F401  (the default embedding backend; torch is never needed)
import tokenizers  # noqa: F401

import rag.settings  # noqa: F401  (offline switches first)
from rag.crashpoints import KILL_ENV, TRACE_ENV
from rag.ingestion import run_ingest
from rag.settings import Settings
from rag.tokens import analyzer_version


def child(request: dict) -> None:
    os.environ[KILL_ENV] = str(request["kill_at"] or "")
    os.environ[TRACE_ENV] = request["trace"] or ""
    settings = Settings.from_env(corpus_dir=request["corpus"], index_dir=request["index"])
    run_ingest(settings, progress=False)


def main() -> None:
    analyzer_version()  # pure-Python tables (stemmer, knowledge) loaded once, shared by the children
    # A first run on a fresh machine exports the model to ONNX (with torch): done here, in a
    # process of its own, rather than in a child that may be killed halfway and never fork torch.
    subprocess.run([sys.executable, "-c", "from rag.embed import embeddings_for; from rag.settings "
                    "import Settings; embeddings_for(Settings.from_env())"], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                child(request)
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        reply = {
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
            "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        }
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
