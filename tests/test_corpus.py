"""Corpus changes as transactions (rag.corpus, also exported by rag.api): real files in temporary
folders, a copy of the ingested seed index, and a lock held the way a running ingest holds it."""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from pathlib import Path

import pytest

import rag.corpus
from conftest import SEEDS
from rag.api import OnConflict, add_articles, ask, remove_article
from rag.errors import ArticleNotFound, CorpusBusy, NameConflict, UploadRejected
from rag.index import read_files
from rag.settings import Settings

BANYUASIN = "004_4de73d00fb467760.txt"
MUNA = (
    "Polres Muna Turunkan 484 Personel Amankan Pilkada\n\n"
    "RAHA – Polres Muna menurunkan 484 personel untuk mengamankan Pilkada 2024 di Kabupaten Muna, "
    "Sabtu (23/11/2024). Kapolres Muna memimpin apel gelar pasukan di halaman mapolres.\n"
)


@pytest.fixture
def settings(tmp_path, seed_index) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    return Settings.from_env(corpus_dir=corpus, index_dir=index)


def upload(tmp_path: Path, name: str, text: str) -> Path:
    """A file to upload, each in its own folder as Gradio stores them."""
    path = Path(tempfile.mkdtemp(dir=tmp_path, prefix="upload-")) / name
    path.write_text(text)
    return path


def corpus_state(settings: Settings) -> dict[str, bytes]:
    """Every file under the corpus folder, hidden ones included, with its bytes."""
    root = Path(settings.corpus_dir)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def indexed(settings: Settings) -> set[str]:
    return set(read_files(Path(settings.index_dir)))


@pytest.fixture
def running_ingest(settings):
    """The index lock held through another open file, as another process's ingest holds it."""
    with (Path(settings.index_dir) / "ingest.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
        fcntl.flock(fh, fcntl.LOCK_UN)


def test_upload_during_ingest_is_refused_before_copying(settings, tmp_path, running_ingest):
    before, index_before = corpus_state(settings), indexed(settings)
    with pytest.raises(CorpusBusy, match="another ingest is running"):
        add_articles([upload(tmp_path, "muna.txt", MUNA)], settings)
    assert corpus_state(settings) == before and indexed(settings) == index_before


def test_removal_during_ingest_is_refused_before_deleting(settings, running_ingest):
    before = corpus_state(settings)
    with pytest.raises(CorpusBusy):
        remove_article(BANYUASIN, settings)
    assert corpus_state(settings) == before and BANYUASIN in indexed(settings)


def test_upload_is_answerable_and_removal_removes_exactly_it(settings, tmp_path):
    others = indexed(settings)
    change = add_articles([upload(tmp_path, "muna.txt", MUNA)], settings)
    assert change.stored == {"muna.txt": "muna.txt"} and change.report.added == ["muna.txt"]
    assert indexed(settings) == others | {"muna.txt"}
    assert "484" in ask("Berapa personel yang diturunkan Polres Muna?", settings=settings).text
    change = remove_article("muna.txt", settings)
    assert change.removed == ["muna.txt"] and change.report.removed == ["muna.txt"]
    assert indexed(settings) == others
    assert set(corpus_state(settings)) == others  # no file left behind, no staging folder
    assert not ask("Berapa personel yang diturunkan Polres Muna?", settings=settings).answerable


def test_removing_a_missing_article_fails_clearly(settings):
    before = corpus_state(settings)
    for source in ("nope.txt", "../corpus/" + BANYUASIN, "", "/etc/passwd"):
        with pytest.raises(ArticleNotFound, match="nothing was removed"):
            remove_article(source, settings)
    assert corpus_state(settings) == before


def test_same_name_asks_by_default_and_changes_nothing(settings, tmp_path):
    before = corpus_state(settings)
    with pytest.raises(NameConflict) as caught:
        add_articles([upload(tmp_path, BANYUASIN, MUNA)], settings)
    assert caught.value.names == [BANYUASIN] and BANYUASIN in str(caught.value)
    assert corpus_state(settings) == before


def test_same_name_keep_both(settings, tmp_path):
    original = (Path(settings.corpus_dir) / BANYUASIN).read_bytes()
    change = add_articles([upload(tmp_path, BANYUASIN, MUNA)], settings, on_conflict="keep_both")
    renamed = BANYUASIN.replace(".txt", "-2.txt")
    assert change.stored == {BANYUASIN: renamed} and change.replaced == []
    assert (Path(settings.corpus_dir) / BANYUASIN).read_bytes() == original
    assert {BANYUASIN, renamed} <= indexed(settings)
    assert "616" in ask("Berapa personel yang diterjunkan Polres Banyuasin?", settings=settings).text
    change = add_articles([upload(tmp_path, BANYUASIN, MUNA + "Tambahan.\n")], settings, OnConflict.KEEP_BOTH)
    assert change.stored == {BANYUASIN: BANYUASIN.replace(".txt", "-3.txt")}


def test_same_name_replace_when_asked(settings, tmp_path):
    change = add_articles([upload(tmp_path, BANYUASIN, MUNA)], settings, on_conflict=OnConflict.REPLACE)
    assert change.replaced == [BANYUASIN] and change.report.updated == [BANYUASIN]
    assert (Path(settings.corpus_dir) / BANYUASIN).read_text() == MUNA
    assert "484" in ask("Berapa personel yang diturunkan Polres Muna?", settings=settings).text


def test_same_name_cancel_adds_only_the_others(settings, tmp_path):
    before = corpus_state(settings)
    files = [upload(tmp_path, BANYUASIN, MUNA), upload(tmp_path, "other.txt", MUNA.replace("484", "485"))]
    change = add_articles(files, settings, on_conflict="cancel")
    assert change.skipped == [BANYUASIN] and change.stored == {"other.txt": "other.txt"}
    assert corpus_state(settings)[BANYUASIN] == before[BANYUASIN]
    change = add_articles([upload(tmp_path, BANYUASIN, MUNA)], settings, on_conflict="cancel")
    assert not change.changed and change.skipped == [BANYUASIN]


def test_same_content_under_another_name_is_a_duplicate(settings, tmp_path):
    before = corpus_state(settings)
    copy = upload(tmp_path, "salinan.txt", (SEEDS / BANYUASIN).read_text())
    change = add_articles([copy], settings)
    assert change.duplicates == {"salinan.txt": BANYUASIN} and not change.changed
    assert "same content" in change.summary() and corpus_state(settings) == before
    # twice in one upload: the second is a duplicate of the first
    a, b = upload(tmp_path, "a.txt", MUNA), upload(tmp_path, "b.txt", MUNA)
    change = add_articles([a, b], settings)
    assert change.stored == {"a.txt": "a.txt"} and change.duplicates == {"b.txt": "a.txt"}


@pytest.mark.parametrize("name", [".hidden.txt", ".txt", "..", "notes.docx"])
def test_unindexable_names_are_rejected_with_a_reason(settings, tmp_path, name):
    before = corpus_state(settings)
    bad = tmp_path / "bad"
    bad.mkdir()
    path = bad / name
    if name != "..":
        path.write_text(MUNA)
    with pytest.raises(UploadRejected) as caught:
        add_articles([path, upload(tmp_path, "good.txt", MUNA)], settings)
    assert str(caught.value) and "Added" not in str(caught.value)
    if name.startswith(".") and name != "..":
        assert "starting with '.'" in str(caught.value)
    assert corpus_state(settings) == before  # the good file of the same upload is not copied either


def test_failed_ingest_undoes_the_file_change(settings, tmp_path, monkeypatch):
    before, index_before = corpus_state(settings), indexed(settings)

    def broken_ingest(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(rag.corpus, "run_ingest", broken_ingest)
    with pytest.raises(OSError):
        add_articles([upload(tmp_path, BANYUASIN, MUNA)], settings, on_conflict="replace")
    with pytest.raises(OSError):
        remove_article(BANYUASIN, settings)
    assert corpus_state(settings) == before and indexed(settings) == index_before
