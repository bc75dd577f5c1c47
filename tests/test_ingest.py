"""Ingest on real files: messy inputs, incremental re-ingest, interrupted ingest."""

import pytest

import rag.ingestion as ingest_module
from conftest import make_pdf
from rag import ask, ingest
from rag.index import current_name, load_snapshot

NEW_ARTICLE = (
    "Polres Cianjur Kerahkan 777 Personel Amankan Pilkada\n\n"
    "CIANJUR – Polres Cianjur mengerahkan 777 personel untuk mengamankan Pilkada 2024 di Kabupaten "
    "Cianjur, Senin (25/11/2024). Kapolres Cianjur AKBP Rohman Yonky Dilatha memimpin apel.\n"
)


def test_messy_corpus_is_reported_not_fatal(seed_corpus, tmp_path):
    (seed_corpus / "empty.txt").write_bytes(b"")
    (seed_corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (seed_corpus / "latin1.txt").write_bytes(NEW_ARTICLE.replace("777", "778").encode("cp1252"))
    (seed_corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (seed_corpus / "rilis.pdf").write_bytes(make_pdf(["Polres Muna menurunkan 484 personel untuk Pilkada 2024."]))
    (seed_corpus / "page.html").write_text(
        "<html><head><title>Polres Konawe</title></head><body><article><p>"
        + "Polres Konawe menyiagakan 267 personel untuk mengawal 440 TPS pada Pilkada 2024. " * 3
        + "</p></article></body></html>"
    )
    report = ingest(seed_corpus, tmp_path / "index", progress=False)
    assert set(report.skipped) == {"empty.txt", "binary.txt", "image.png"}
    assert "empty file" in report.skipped["empty.txt"]
    assert sorted(report.added) == sorted(
        [p.name for p in seed_corpus.iterdir() if p.name not in report.skipped]
    )
    assert "484" in ask("Berapa personel yang diturunkan Polres Muna?", index_dir=tmp_path / "index").text


def test_incremental_reingest(seed_corpus, tmp_path):
    index = tmp_path / "index"
    first = ingest(seed_corpus, index, progress=False)
    assert len(first.added) == 5 and first.chunks > 0
    again = ingest(seed_corpus, index, progress=False)
    assert (len(again.unchanged), again.added, again.updated, again.removed) == (5, [], [], [])
    assert again.chunks == first.chunks

    (seed_corpus / "new.txt").write_text(NEW_ARTICLE)
    target = seed_corpus / "004_4de73d00fb467760.txt"
    target.write_text(target.read_text().replace("616", "626"))
    (seed_corpus / "003_9f4374ffaab7695c.txt").unlink()
    report = ingest(seed_corpus, index, progress=False)
    assert report.added == ["new.txt"]
    assert report.updated == ["004_4de73d00fb467760.txt"]
    assert report.removed == ["003_9f4374ffaab7695c.txt"]
    assert len(report.unchanged) == 3

    snap = load_snapshot(index)
    assert "003_9f4374ffaab7695c.txt" not in snap.files
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=index)
    assert "626" in answer.text and "616" not in answer.text
    assert "777" in ask("Berapa personel yang dikerahkan Polres Cianjur?", index_dir=index).text
    # stale vectors are gone from Chroma too
    from rag.settings import Settings
    from rag.vectors import open_vector_store

    settings = Settings.from_env(index_dir=index)
    assert open_vector_store(settings, index).ids() == set(snap.chunks)


def test_interrupted_ingest_keeps_previous_index(seed_corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    ingest(seed_corpus, index, progress=False)
    live = current_name(index)
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE)
    target = seed_corpus / "004_4de73d00fb467760.txt"
    target.write_text(target.read_text().replace("616", "626"))

    original = ingest_module._embed_and_store

    def crash_midway(store, chunks, settings, progress):
        original(store, chunks[:1], settings, progress)  # some vectors are written...
        raise KeyboardInterrupt  # ...then the user presses Ctrl-C

    monkeypatch.setattr(ingest_module, "_embed_and_store", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        ingest(seed_corpus, index, progress=False)
    assert current_name(index) == live  # the previous snapshot is still the live one
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=index)
    assert "616" in answer.text
    assert all(c.source != "new.txt" for c in answer.contexts)

    monkeypatch.setattr(ingest_module, "_embed_and_store", original)
    report = ingest(seed_corpus, index, progress=False)
    assert report.added == ["new.txt"] and report.updated == ["004_4de73d00fb467760.txt"]
    assert "626" in ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=index).text


def test_missing_corpus_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        ingest(tmp_path / "nope", tmp_path / "index", progress=False)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1.5, 4.0, 7.0])
def test_killed_ingest_leaves_a_usable_index(seed_corpus, tmp_path, kill_after):
    """SIGKILL at an arbitrary moment (loading, embedding, writing): the last complete snapshot
    stays live and answers, and the next ingest finishes the job."""
    import signal
    import subprocess
    import sys
    import time

    index = tmp_path / "index"
    ingest(seed_corpus, index, progress=False)
    before = set(load_snapshot(index).files)
    for i in range(60):  # enough new text that embedding takes several seconds
        (seed_corpus / f"extra{i:02d}.txt").write_text(NEW_ARTICLE.replace("Cianjur", f"Kota{i:02d}") * 3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag", "ingest", "--no-progress", "--corpus", str(seed_corpus), "--index", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = set(load_snapshot(index).files)  # loads completely: never half-written
    assert after in (before, {p.name for p in seed_corpus.iterdir()})
    answer = ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=index)
    assert "616" in answer.text
    report = ingest(seed_corpus, index, progress=False)
    assert len(report.added) + len(report.unchanged) == 65
    assert "777" in ask("Berapa personel yang dikerahkan Polres Kota07?", index_dir=index).text


def test_index_of_an_older_format_is_rebuilt_by_the_next_ingest(seed_corpus, tmp_path, caplog):
    import json

    from rag.errors import IndexOutdated
    from rag.index import SNAPSHOT_FORMAT

    index = tmp_path / "index"
    ingest(seed_corpus, index, progress=False)
    manifest = index / "snapshots" / current_name(index) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format"] = SNAPSHOT_FORMAT - 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexOutdated, match="rag ingest"):
        load_snapshot(index)
    with caplog.at_level("INFO"):
        report = ingest(seed_corpus, index, progress=False)
    assert len(report.added) == 5 and report.unchanged == []
    assert any("rebuilding the whole index" in r.message for r in caplog.records)
    assert load_snapshot(index).files


def _corpora() -> list:
    """The seed corpus, and the development and validation articles where this checkout has them."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    folders = [root / "corpus", root.parent / "shared" / "dev-corpus" / "articles",
               root.parent / "shared" / "validation-corpus" / "articles"]  # fmt: skip
    return [f for f in folders if f.is_dir()]


def test_every_chunk_fits_the_embedding_window_as_embedded():
    from rag.embed import token_window
    from rag.ingestion import chunk_policy, index_text, prepare_article
    from rag.settings import Settings

    settings = Settings()
    policy = chunk_policy(settings)
    count, window = token_window(settings.embedding_model)
    assert policy.signature == f"tokens:{window}" and window == 256
    sizes = []
    for folder in _corpora():
        for path in sorted(folder.iterdir()):
            article = prepare_article(path, folder, settings)
            sizes += [count(index_text(c)) for c in policy.chunks(article, settings.chunk_overlap_sentences)]
    assert len(sizes) >= 20
    assert max(sizes) <= window  # special tokens included: nothing is cut off when embedded
    assert sum(sizes) / len(sizes) > window / 3  # and chunks are not needlessly small


def test_chunks_of_another_chunking_are_made_again(seed_corpus, tmp_path, monkeypatch):
    from rag.index import load_snapshot as load

    index = tmp_path / "index"
    first = ingest(seed_corpus, index, progress=False)
    assert load(index).chunking == "tokens:256"
    monkeypatch.setenv("RAG_CHUNK_TOKENS", "128")
    report = ingest(seed_corpus, index, progress=False)
    assert sorted(report.updated) == sorted(first.added) and report.added == []
    assert any("chunked again" in r for r in report.repairs)
    assert report.chunks > first.chunks and load(index).chunking == "tokens:128"
    again = ingest(seed_corpus, index, progress=False)
    assert len(again.unchanged) == 5 and again.repairs == []
    assert "616" in ask("Berapa personel yang diterjunkan Polres Banyuasin?", index_dir=index).text
