"""Embedding backends: ONNX Runtime gives torch's vectors, in order, truncated at the window;
the backend is part of the collection's identity; the query path never imports torch."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rag.embed as embed_module
from conftest import SEEDS
from rag.embed import OnnxEmbeddings, get_embeddings, model_digest, model_folder
from rag.index import load_snapshot
from rag.ingestion import chunk_policy, index_text, prepare_article
from rag.settings import DEFAULT_EMBEDDING_MODEL, Settings
from rag.vectors import collection_name, open_vector_store

MODEL = DEFAULT_EMBEDDING_MODEL


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbeddings:
    return get_embeddings(MODEL, 32, "onnx")


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    """What the ingest embeds for the seed corpus: every chunk with its title."""
    settings = Settings()
    texts = []
    for path in sorted(SEEDS.iterdir()):
        article = prepare_article(path, SEEDS, settings)
        texts += [index_text(c) for c in chunk_policy(settings).chunks(article, settings.chunk_overlap_sentences)]
    return texts


def cosines(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.slow
def test_onnx_vectors_equal_torch_vectors_on_the_seed_chunks(onnx, seed_texts):
    torch_embeddings = get_embeddings(MODEL, 32, "torch")
    assert type(torch_embeddings).__name__ == "HuggingFaceEmbeddings"
    ours, theirs = onnx.embed_documents(seed_texts), torch_embeddings.embed_documents(seed_texts)
    assert len(ours) == len(theirs) == len(seed_texts) > 10
    assert cosines(ours, theirs).min() >= 0.99999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)  # modules.json lists Normalize
    query = "Berapa personel yang diterjunkan Polres Banyuasin?"
    assert cosines([onnx.embed_query(query)], [torch_embeddings.embed_query(query)])[0] >= 0.99999


def test_order_is_kept_with_mixed_lengths(onnx, seed_texts):
    texts = ["Pilkada", seed_texts[0], "Polres Banyuasin 616 personel", seed_texts[-1] * 3, "TPS", seed_texts[1][:200]]
    small_batches = OnnxEmbeddings(MODEL, batch_size=2)  # length-sorted batches mix the input order
    together = small_batches.embed_documents(texts)
    alone = [onnx.embed_query(t) for t in texts]  # no padding at all
    assert cosines(together, alone).min() >= 0.99999
    reversed_order = small_batches.embed_documents(texts[::-1])[::-1]
    assert cosines(together, reversed_order).min() >= 0.99999
    assert onnx.embed_documents([]) == []


def test_texts_are_truncated_at_the_window(onnx, seed_texts):
    assert onnx.max_length == 256  # sentence_bert_config.json, not tokenizer.json's 128
    long = " ".join(seed_texts)
    assert len(onnx.tokenizer.encode(long).ids) == 256
    vectors = onnx.embed_documents([long, long + " Tambahan kalimat di ekor yang tidak pernah terbaca."])
    assert cosines([vectors[0]], [vectors[1]])[0] >= 0.999999
    short = onnx.embed_query(seed_texts[0][:100])
    assert cosines([vectors[0]], [short])[0] < 0.99


def test_backend_is_part_of_the_collection_identity():
    onnx_settings, torch_settings = Settings(), Settings(embedding_backend="torch")
    assert onnx_settings.embedding_backend == "onnx"  # the default
    assert collection_name(onnx_settings) != collection_name(torch_settings)
    assert collection_name(Settings(embedding_model="other")) not in {collection_name(onnx_settings), collection_name(torch_settings)}
    assert Settings.from_env({"RAG_EMBEDDING_BACKEND": "torch"}).embedding_backend == "torch"
    with pytest.raises(ValueError, match="RAG_EMBEDDING_BACKEND"):
        Settings.from_env({"RAG_EMBEDDING_BACKEND": "tensorflow"})


@pytest.mark.slow
def test_changing_the_backend_reembeds_into_its_own_collection(seed_corpus, tmp_path, caplog):
    from rag.ingestion import run_ingest

    index = tmp_path / "index"
    torch_settings = Settings(corpus_dir=seed_corpus, index_dir=index, embedding_backend="torch")
    first = run_ingest(torch_settings, progress=False)
    assert load_snapshot(index).backend == "torch"
    onnx_settings = torch_settings.replace(embedding_backend="onnx")
    with caplog.at_level(logging.INFO, logger="rag.ingestion"):
        second = run_ingest(onnx_settings, progress=False)
    assert any("embedding backend changed (torch -> onnx)" in r.getMessage() for r in caplog.records)
    assert len(second.added) == 5 and second.unchanged == [] and second.repairs == []
    snap = load_snapshot(index)
    assert snap.backend == "onnx"
    onnx_store, torch_store = open_vector_store(onnx_settings, index), open_vector_store(torch_settings, index)
    assert onnx_store.ids() == set(snap.chunks)
    assert torch_store.count() == first.chunks  # the torch vectors were never overwritten
    some = sorted(snap.chunks)[:3]
    a, b = onnx_store.vectors(some), torch_store.vectors(some)
    assert cosines([a[i] for i in some], [b[i] for i in some]).min() >= 0.99999
    assert run_ingest(onnx_settings, progress=False).unchanged  # and stays put afterwards


def test_an_index_from_before_backends_counts_as_torch(seed_index, tmp_path):
    import hashlib
    import shutil

    from rag.index import current_name

    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    manifest_file = index / "snapshots" / current_name(index) / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    assert manifest.pop("embedding_backend") == load_snapshot(seed_index).backend
    manifest_file.write_text(json.dumps(manifest))
    assert load_snapshot(index).backend == "torch"
    # torch keeps the collection name it had before backends existed, so such an index stays valid
    assert collection_name(Settings(embedding_backend="torch")) == "pilkada-" + hashlib.sha1(MODEL.encode()).hexdigest()[:8]


def test_the_export_is_cached_by_the_model_files(tmp_path, monkeypatch, onnx):
    """A model folder without onnx/model.onnx is exported once into the cache; its own
    onnx/model.onnx is used as it is."""
    source = model_folder(MODEL)
    folder = tmp_path / "model"
    for path in source.rglob("*"):
        if path.is_file():
            (folder / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (folder / path.relative_to(source)).symlink_to(path)
    cache = tmp_path / "cache"
    exported = OnnxEmbeddings(str(folder), cache_dir=cache)
    files = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    digest = model_digest(folder, cache)
    assert f"onnx/{digest[:20]}/model.onnx" in files
    assert not [f for f in files if f.endswith(".tmp")]  # written atomically
    query = "Pengamanan Pilkada di Banyuasin"
    assert cosines([exported.embed_query(query)], [onnx.embed_query(query)])[0] >= 0.99999

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(embed_module, "export_onnx", no_export)
    OnnxEmbeddings(str(folder), cache_dir=cache)  # the cached export is reused
    (folder / "onnx").mkdir()
    (folder / "onnx" / "model.onnx").symlink_to(cache / "onnx" / digest[:20] / "model.onnx")
    shipped = OnnxEmbeddings(str(folder), cache_dir=tmp_path / "empty-cache")
    assert not (tmp_path / "empty-cache").exists()  # nothing to export, nothing hashed
    assert cosines([shipped.embed_query(query)], [onnx.embed_query(query)])[0] >= 0.99999


def test_the_digest_follows_the_files(tmp_path):
    folder, cache = tmp_path / "model", tmp_path / "cache"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "weights.bin").write_bytes(b"1234")
    first = model_digest(folder, cache)
    assert model_digest(folder, cache) == first
    (folder / "weights.bin").write_bytes(b"12345")
    assert model_digest(folder, cache) != first


def test_asking_with_onnx_imports_neither_torch_nor_sentence_transformers(seed_index):
    code = (
        "import json, sys\n"
        "from rag import ask\n"
        f"answer = ask('Berapa personel yang diterjunkan Polres Banyuasin?', index_dir={str(seed_index)!r})\n"
        "heavy = ['torch', 'sentence_transformers', 'langchain_huggingface', 'transformers']\n"
        "print(json.dumps({'text': answer.text, 'dense': answer.dense_search,\n"
        "                  'loaded': [m for m in heavy if m in sys.modules]}))\n"
    )
    env = {**os.environ, "RAG_EMBEDDING_BACKEND": "onnx"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).parent.parent, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "616" in result["text"] and result["dense"]
    assert result["loaded"] == []
