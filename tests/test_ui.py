"""The UI's handlers and rendering, without a browser."""

import shutil

import pytest

from conftest import SEEDS, make_pdf
from rag.settings import Settings
from rag.types import Answer, Passage
from rag.ui import ChatHandlers, format_answer, sources_html, ui_language


@pytest.fixture
def handlers(tmp_path, seed_index):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    return ChatHandlers(Settings.from_env(corpus_dir=corpus, index_dir=index))


def last(gen):
    *_, final = gen
    return final


def test_answer_then_sources(handlers):
    steps = list(handlers.respond("Berapa personel yang diterjunkan Polres Banyuasin?", []))
    pending, final = steps[0], steps[-1]
    assert "Mencari" in pending[0][-1]["content"]  # a pending state comes first
    history, html, answer, box = final
    assert box == "" and answer.answerable
    assert "616" in history[-1]["content"] and "(#src-1-1)" in history[-1]["content"]  # answer 1, card 1
    assert "id='src-1-1'" in html and "<mark>" in html and "616" in html


def test_each_answer_keeps_its_own_sources(handlers):
    *_, (history, _, first, _) = handlers.respond("Berapa personel yang diterjunkan Polres Banyuasin?", [])
    *_, (history, html, second, _) = handlers.respond("Siapa Kapolres Ogan Ilir?", history)
    assert "(#src-1-1)" in history[1]["content"] and "(#src-3-1)" in history[3]["content"]
    # both answers' cards are in the panel, the newest first, each under its question
    assert html.index("id='ans-3'") < html.index("id='ans-1'")
    newest, earlier = html.split("id='ans-1'")
    assert "id='src-3-1'" in newest and second.citations[0].source in newest
    assert "id='src-1-1'" in earlier and first.citations[0].source in earlier
    # an empty or double submission changes nothing: same chat, same cards
    again = last(handlers.respond("", history))
    assert again[0] == history and again[1] == html


def test_empty_question_changes_nothing(handlers):
    history = [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]
    assert last(handlers.respond("   ", history))[0] == history
    assert "class='empty'" in last(handlers.respond("   ", history))[1]  # no answer known: no cards invented


def test_huge_question_gets_a_clear_message(handlers):
    history, html, answer, _ = last(handlers.respond("kata " * 3000, []))
    assert answer is None and "too long" in history[-1]["content"]
    assert len(history[-1]["content"]) < 300


def test_not_found_has_no_sources(handlers):
    history, html, answer, _ = last(handlers.respond("Berapa personel yang dikerahkan Polres Surabaya?", []))
    assert not answer.answerable and "Tidak ditemukan" in history[-1]["content"]
    assert "class='notfound'" in html and "src-1" not in html and "Sumber untuk" in html


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", bytes(range(256)) * 8, "binary content"),
        ("photo.jpg", b"\xff\xd8\xff", "unsupported file type"),
        ("huge.txt", b"kata " * 5_000_000, "too large"),
    ],
)
def test_bad_uploads_change_nothing(handlers, tmp_path, name, data, message):
    before = handlers.rows()
    bad = tmp_path / name
    bad.write_bytes(data)
    view = handlers.upload([str(bad)])
    assert message in view.status and view.rows == before
    assert not (handlers.settings.corpus_dir / name).exists()


def test_upload_and_remove(handlers, tmp_path):
    new = tmp_path / "rilis.pdf"
    new.write_bytes(make_pdf(["Polres Muna menurunkan 484 personel untuk Pilkada 2024 di Muna."]))
    view = handlers.upload([str(new)])
    assert "rilis.pdf" in view.status and "rilis.pdf" in view.sources and view.selected is None
    assert "484" in last(handlers.respond("Berapa personel yang diturunkan Polres Muna?", []))[0][-1]["content"]
    others = set(view.sources) - {"rilis.pdf"}
    assert handlers.confirm_removal("rilis.pdf").startswith("Hapus artikel «") and "rilis.pdf" in handlers.confirm_removal("rilis.pdf")
    view = handlers.remove("rilis.pdf")
    assert set(view.sources) == others and "Dihapus" in view.status
    assert not last(handlers.respond("Berapa personel yang diturunkan Polres Muna?", []))[2].answerable


def test_filters_by_outlet(handlers):
    _, _, answer, _ = last(handlers.respond("Berapa personel yang diterjunkan Polres Banyuasin?", [], outlet="SULTRAKINI.COM"))
    assert all(c.outlet == "SULTRAKINI.COM" for c in answer.contexts)


def test_language_follows_question_or_toggle():
    assert ui_language("Otomatis / Auto", "en") == "en"
    assert ui_language("Indonesia", "en") == "id"
    passage = Passage("c", "a.txt", 0, "Polres X menerjunkan 616 personel.", title="Judul", url="https://x.id/a")
    answer = Answer("q", "616 personnel [1]", True, [passage], [passage], "en", highlights=["Polres X menerjunkan 616 personel."])
    assert "Sources" not in sources_html(answer, "en")  # the panel is cards, the title comes from the label
    assert "href='https://x.id/a'" in sources_html(answer, "en")
    assert format_answer(answer, "en") == "616 personnel [[1]](#src-1)"
    flagged = Answer("q", "620 personel [1]", False, [passage], [passage], "id", "llm", flagged=["number 620 is not in any cited passage"])
    assert format_answer(flagged, "id").startswith("**Belum terverifikasi**")


def test_concurrent_questions_do_not_mix(handlers):
    from concurrent.futures import ThreadPoolExecutor

    questions = {
        "Berapa personel yang diterjunkan Polres Banyuasin?": "616",
        "Berapa personel Brimob yang ditambahkan di tingkat PPK di Sumsel?": "4 personel",
    }
    jobs = list(questions) * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: (q, last(handlers.respond(q, []))), jobs))
    for q, (history, html, answer, _) in results:
        assert answer.question == q and history[-2]["content"] == q
        assert questions[q] in history[-1]["content"] and questions[q] in html


BANYUASIN = "004_4de73d00fb467760.txt"
MUNA = "Polres Muna menurunkan 484 personel untuk mengamankan Pilkada 2024 di Kabupaten Muna, Sabtu.\n"


def gradio_copy(folder, name: str, text: str) -> str:
    """An upload as Gradio stores it: <upload folder>/<hash>/<name>."""
    path = folder / f"h{len(list(folder.iterdir()))}" / name
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return str(path)


@pytest.fixture
def uploads(handlers, tmp_path):
    handlers.upload_dir = tmp_path / "gradio"
    handlers.upload_dir.mkdir()
    return handlers.upload_dir


def test_nothing_is_preselected_and_removal_names_the_article(handlers):
    view = handlers.view()
    assert view.selected is None and BANYUASIN in view.sources
    prompt = handlers.confirm_removal(BANYUASIN, "English")
    assert prompt.startswith("Remove the article “Maksimalkan Pengamanan Pilkada 2024") and BANYUASIN in prompt
    assert handlers.confirm_removal(None) == "" and handlers.confirm_removal("gone.txt") == ""


def test_removal_of_an_article_already_gone_says_so(handlers):
    view = handlers.remove("gone.txt", "English")
    assert "no longer in the corpus" in view.status and BANYUASIN in view.sources


def test_same_name_upload_asks_then_keeps_both(handlers, uploads):
    first = gradio_copy(uploads, BANYUASIN, MUNA)
    view = handlers.upload([first], "English")
    assert view.conflict == [BANYUASIN] and view.pending == [first]
    assert "Replace it, keep both" in view.status and BANYUASIN in view.status
    assert (handlers.settings.corpus_dir / BANYUASIN).read_text() != MUNA  # nothing replaced
    view = handlers.upload(view.pending, "English", "keep_both")
    renamed = BANYUASIN.replace(".txt", "-2.txt")
    assert view.conflict == [] and {BANYUASIN, renamed} <= set(view.sources)
    assert f"stored as {renamed}" in view.status
    assert list(uploads.iterdir()) == []  # Gradio's copy is gone once the upload is settled


def test_duplicate_and_rejected_uploads_leave_no_temp_files(handlers, uploads):
    dup = gradio_copy(uploads, "salinan.txt", (SEEDS / BANYUASIN).read_text())
    view = handlers.upload([dup])
    assert "isinya sudah ada di korpus" in view.status and BANYUASIN in view.status
    hidden = gradio_copy(uploads, ".rahasia.txt", MUNA)
    view = handlers.upload([hidden], "English")
    assert "starting with '.'" in view.status and "Added" not in view.status
    assert list(uploads.iterdir()) == []
    assert not (handlers.settings.corpus_dir / ".rahasia.txt").exists()


def test_corpus_busy_is_said_in_plain_words(handlers, uploads):
    import fcntl

    path = gradio_copy(uploads, "muna.txt", MUNA)
    with (handlers.settings.index_dir / "ingest.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        view = handlers.upload([path], "English")
        assert "another process" in view.status
        view = handlers.remove(BANYUASIN, "English")
        assert "another process" in view.status and view.selected == BANYUASIN
    assert not (handlers.settings.corpus_dir / "muna.txt").exists()
    assert (handlers.settings.corpus_dir / BANYUASIN).exists()


def test_server_errors_read_as_sentences(handlers, monkeypatch):
    from rag.errors import VectorStoreUnavailable

    pipeline = handlers.pipeline()

    def down(*args, **kwargs):
        raise VectorStoreUnavailable("the Chroma server at http://127.0.0.1:9 does not answer: start it or unset RAG_CHROMA_URL")

    monkeypatch.setattr(pipeline, "ask_stream", down)
    *_, (history, *_rest) = handlers.respond("Berapa personel Polres Banyuasin?", [], "en")
    assert history[-1]["content"] == "**Failed:** the Chroma server at http://127.0.0.1:9 does not answer: start it or unset RAG_CHROMA_URL"

    def broken(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(pipeline, "ask_stream", broken)
    *_, (history, *_rest) = handlers.respond("Berapa personel Polres Banyuasin?", [], "en")
    assert "Errno" not in history[-1]["content"] and "server log" in history[-1]["content"]


@pytest.mark.parametrize("desktop", [True, False])
def test_serve_prints_the_address_and_opens_a_browser_only_on_a_desktop(handlers, monkeypatch, capsys, desktop):
    import webbrowser

    from conftest import free_port
    from rag import ui

    opened = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    monkeypatch.setattr(ui, "can_open_browser", lambda: desktop)
    port = free_port()
    demo = ui.serve(handlers.settings, port=port, block=False, open_browser=True)
    try:
        assert f"Chat UI ready: http://127.0.0.1:{port}/" in capsys.readouterr().out
        assert opened == ([f"http://127.0.0.1:{port}/"] if desktop else [])
    finally:
        demo.close()


def test_saved_conversations_new_rename_delete():
    from rag.ui import (
        conversation_choices,
        delete_conversation,
        rename_conversation,
        save_conversation,
    )

    first = [{"role": "user", "content": "Berapa personel Polres Banyuasin?"}, {"role": "assistant", "content": "616 [1]"}]
    saved = save_conversation([], "a", first)
    assert save_conversation(saved, "b", []) == saved  # an empty conversation is not kept
    saved = save_conversation(saved, "b", [{"role": "user", "content": "Siapa Kapolda Sultra?"}])
    assert conversation_choices(saved) == [("Siapa Kapolda Sultra?", "b"), ("Berapa personel Polres Banyuasin?", "a")]
    longer = first + [{"role": "user", "content": "Kalau di Ogan Ilir?"}, {"role": "assistant", "content": "…"}]
    saved = rename_conversation(save_conversation(saved, "a", longer), "a", "  Banyuasin   dan Ogan Ilir ")
    assert [c["title"] for c in saved] == ["Siapa Kapolda Sultra?", "Banyuasin dan Ogan Ilir"]
    assert saved[1]["messages"] == longer
    assert save_conversation(saved, "a", longer + longer)[1]["title"] == "Banyuasin dan Ogan Ilir"  # a rename stays
    assert rename_conversation(saved, "a", "   ") == saved  # an empty name changes nothing
    assert conversation_choices(delete_conversation(saved, "b")) == [("Banyuasin dan Ogan Ilir", "a")]


def test_ui_secret_is_made_once_and_private(tmp_path):
    from rag.ui import ui_secret

    settings = Settings.from_env(ui_secret_file=tmp_path / "secret")
    key = ui_secret(settings)
    assert len(key) >= 32 and ui_secret(settings) == key
    assert (tmp_path / "secret").stat().st_mode & 0o777 == 0o600


def test_a_source_card_opens_the_whole_article(handlers):
    *_, (history, html, answer, _) = handlers.respond("Berapa personel yang diterjunkan Polres Banyuasin?", [])
    assert html.count("<details class='preview'>") == len(answer.citations) == 1
    preview = html.split("<details class='preview'>")[1].split("</details>")[0]
    assert "Baca artikel lengkap" in preview and "<mark>" in preview
    # the whole article, each sentence once (the chunks' overlap removed)
    assert "Edukasi kepada masyarakat" in preview and preview.count("Berita tentang upaya Polres Banyuasin") == 1


def test_pipeline_article_text(handlers):
    pipeline = handlers.pipeline()
    text = pipeline.article("004_4de73d00fb467760.txt")
    assert text.startswith("Maksimalkan Pengamanan Pilkada 2024") and text.count("Berita tentang upaya") == 1
    assert pipeline.article("not-indexed.txt") == ""


# ---- the facts tab ------------------------------------------------------------------------------
FACT_ARTICLES = ("d02_polresta-banyuwangi.txt", "d16_polda-sumsel.txt", "d17_polres-ogan-ilir.txt")


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    """The facts tab's handlers over the seeds and three development articles (totals with parts)."""
    from conftest import ROOT
    from rag import ingest
    from rag.ui import FactsHandlers

    work = tmp_path_factory.mktemp("facts")
    shutil.copytree(SEEDS, work / "corpus")
    for name in FACT_ARTICLES:
        shutil.copy(ROOT / "tests" / "data" / "dev-articles" / name, work / "corpus" / name)
    ingest(corpus_dir=work / "corpus", index_dir=work / "index", progress=False)
    settings = Settings.from_env(corpus_dir=work / "corpus", index_dir=work / "index")
    return FactsHandlers(settings, ChatHandlers(settings)._article_text)


def one(rows, unit: str, count: str):
    found = [f for f in rows if f.unit == unit and f.count == count]
    assert len(found) == 1, [(f.unit, f.count) for f in rows]
    return found[0]


def test_facts_filters_change_the_rows(facts):
    every = facts.view()
    assert every.total == len(every.rows) > 5 and every.status == f"{every.total} dari {every.total} fakta"
    banyuasin = one(every.rows, "Polres Banyuasin", "616")
    assert (banyuasin.source, banyuasin.category, banyuasin.stage, banyuasin.region) == (
        "004_4de73d00fb467760.txt", "polri", "voting", "Banyuasin")  # fmt: skip
    assert every.choices["province"] == ["", "Jawa Timur", "Sumatera Selatan"]  # "" = all
    assert {"Polres Ogan Ilir", "Polresta Banyuwangi", "Polda Sumatera Selatan"} <= set(every.choices["unit"])

    east_java = facts.view(province="Jawa Timur")
    assert east_java.rows and {f.province for f in east_java.rows} == {"Jawa Timur"}
    assert one(east_java.rows, "Polresta Banyuwangi", "850").source == "d02_polresta-banyuwangi.txt"
    assert f"{len(east_java.rows)} dari {every.total}" in east_java.status

    ogan_ilir = facts.view(unit="Polres Ogan Ilir", stage="voting")
    assert sorted(f.count for f in ogan_ilir.rows) == ["311", "331"]
    assert facts.view(category="brimob", date_to="2024-10").rows == [one(every.rows, "Polda Sumatera Selatan", "4")]
    november = facts.view(date_from="2024-11-23", date_to="2024-11-25")
    assert november.rows and all("2024-11-23" <= f.date <= "2024-11-25" for f in november.rows)
    assert banyuasin not in november.rows  # 2024-11-22
    # a wrong date is said and not applied; a value gone from the table (corpus changed) is dropped
    wrong = facts.view(province="Jawa Timur", date_from="27/11/2024", language="en")
    assert "not a date" in wrong.status and wrong.rows == east_java.rows and wrong.status.startswith(f"{len(east_java.rows)} of")
    gone = facts.view(unit="Polres Cianjur")
    assert gone.rows == every.rows and "unit" not in gone.filters


def test_facts_csv_download_is_the_filtered_rows(facts, tmp_path):
    from rag.api import facts_table
    from rag.deployments import to_csv
    from rag.ui import facts_csv_file

    rows = facts.view(province="Sumatera Selatan", stage="voting").rows
    path = facts_csv_file(rows, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert path.name == "facts.csv" and text == to_csv(rows)
    assert text == to_csv(facts_table(settings=facts.settings, province="Sumsel", stage="voting"))
    lines = text.splitlines()
    assert lines[0].startswith("id,source,count,value,category,unit_id,unit,role,part_of,province")
    assert len(lines) == len(rows) + 1 and not any("Banyuwangi" in line for line in lines)
    assert any(line.startswith("004_4de73d00fb467760.txt#1,004_4de73d00fb467760.txt,616,616,polri,") for line in lines)
    assert facts_csv_file(rows, tmp_path) == path  # the same rows: the same file, not one more


def test_fact_row_opens_its_article_with_the_sentence_marked(facts):
    import html

    row = one(facts.view().rows, "Polres Ogan Ilir", "331")
    page = facts.article_html(row.source, row.sentence)
    assert row.sentence == "Sebanyak 331 personel Polri ambil bagian dalam apel tersebut."
    assert f"<mark>{html.escape(row.sentence)}</mark>" in page and page.count("<mark>") == 1
    assert "Apel Pergeseran Personel Pengamanan TPS Pilkada Serentak di Polres Ogan Ilir" in page
    assert "2024-11-25" in page and "berkas: d17_polres-ogan-ilir.txt" in page
    assert "Secara keseluruhan, terdapat 664 TPS" in page  # the whole article, not only the sentence
    banyuasin = one(facts.view().rows, "Polres Banyuasin", "616")
    page = facts.article_html(banyuasin.source, banyuasin.sentence, "en")
    assert f"<mark>{html.escape(banyuasin.sentence)}</mark>" in page and "616" in banyuasin.sentence
    assert "file: 004_4de73d00fb467760.txt" in page and "Maksimalkan Pengamanan Pilkada 2024" in page
    assert "Select a row" in facts.article_html("", "", "en")


def test_fact_article_escapes_everything_and_marks_a_headline(facts):
    from dataclasses import replace

    from rag.ui import FactsHandlers

    row = one(facts.view().rows, "Polres Ogan Ilir", "331")
    headline = replace(row, source="a<b>.txt", title="Polres <A> & B Terjunkan 100 Personel", outlet="<i>x</i>",
                       sentence="Polres <A> & B Terjunkan 100 Personel", start=-1)  # fmt: skip

    class OneRow(FactsHandlers):
        def table(self):
            return [headline]

    text = "Polres A & B mengerahkan <100> personel.\n\nLalu <script>x</script>."
    tab = OneRow(facts.settings, lambda src: text)
    page = tab.article_html("a<b>.txt", "Polres A & B mengerahkan <100> personel.")
    assert "<mark>Polres A &amp; B mengerahkan &lt;100&gt; personel.</mark>" in page
    assert "&lt;script&gt;" in page and "<script>" not in page and "<i>" not in page and "a&lt;b&gt;.txt" in page
    assert "Polres &lt;A&gt; &amp; B Terjunkan" in page and "&lt;i&gt;x&lt;/i&gt;" in page  # its title and outlet
    # a headline (not in the cleaned text) is marked in the title
    assert "<b><mark>Polres &lt;A&gt; &amp; B Terjunkan 100 Personel</mark></b>" in tab.article_html("a<b>.txt", headline.sentence)
    # a sentence the text writes otherwise is still shown, marked, above the article
    assert "<p><mark>Tidak ada di teks.</mark></p>" in tab.article_html("a<b>.txt", "Tidak ada di teks.")


def test_facts_chart_counts_totals_not_their_parts(facts):
    from dataclasses import replace

    from rag.ui import chart_frame, facts_chart

    rows = facts.view().rows
    parts = [f for f in rows if f.role == "part"]
    assert {(f.unit, f.count) for f in parts} >= {("Polres Ogan Ilir", "311"), ("Polda Sumatera Selatan", "709")}
    by_unit = {(name, category): value for name, category, value in facts_chart(rows)}
    assert by_unit[("Polres Ogan Ilir", "polri")] == 331  # the total only, not 331 + 311
    assert by_unit[("Polres Banyuasin", "polri")] == 616
    assert by_unit[("Polda Sumatera Selatan", "polri")] == 1472  # not + 709 + 63, nor the BKO part of Ogan Ilir (20)
    assert by_unit[("Polda Sumatera Selatan", "brimob")] == 4  # the 700 Brimob are a part of the 1.472
    assert sum(by_unit.values()) == sum(f.value for f in rows if f.role != "part")
    by_province = {(name, category): value for name, category, value in facts_chart(rows, "province")}
    assert by_province[("Sumatera Selatan", "polri")] == 1472 + 616 + 331
    # the same figure reported again by another article counts once (while its first report is shown)
    again = replace(one(rows, "Polres Banyuasin", "616"), id="again.txt#1", source="again.txt", group="004_4de73d00fb467760.txt#1")
    assert {(n, c): v for n, c, v in facts_chart(rows + [again])}[("Polres Banyuasin", "polri")] == 616
    assert {(n, c): v for n, c, v in facts_chart([again])}[("Polres Banyuasin", "polri")] == 616
    frame = chart_frame(facts.view(province="Sumatera Selatan").rows)  # the bars drawn: largest first
    assert list(frame.columns) == ["name", "category", "personnel"] and frame["name"].iloc[0] == "Polda Sumatera Selatan"
    with pytest.raises(ValueError):
        facts_chart(rows, "outlet")


def test_facts_table_count_column_sorts_as_a_number_and_shows_as_written(facts):
    from rag.ui import FACT_COLUMNS, facts_frame

    rows = facts.view(unit="Polda Sumatera Selatan", stage="logistics").rows
    frame = facts_frame(rows)
    assert frame["headers"] == list(FACT_COLUMNS)
    total = next(i for i, f in enumerate(rows) if f.count == "1.472")
    assert frame["data"][total][1] == 1472 and frame["metadata"]["display_value"][total][1] == "1.472"
    assert frame["data"][total][8:] == [rows[total].source, rows[total].sentence]  # what a click reads
    assert facts_frame([]) == {"headers": list(FACT_COLUMNS), "data": [], "metadata": None}


def test_facts_tab_without_an_index_says_what_to_do(tmp_path):
    from rag.ui import FactsHandlers

    view = FactsHandlers(Settings.from_env(corpus_dir=tmp_path / "c", index_dir=tmp_path / "none"), lambda s: "").view()
    assert view.rows == [] and view.total == 0 and "rag ingest" in view.status and view.choices["unit"] == [""]


def test_facts_tab_follows_a_corpus_change(handlers, seed_index):
    from rag.ui import FactsHandlers

    facts = FactsHandlers(handlers.settings, handlers._article_text)
    before = facts.view()
    assert [(f.unit, f.count) for f in before.rows] == [("Polda Sumatera Selatan", "4"), ("Polres Banyuasin", "616")]
    handlers.remove("004_4de73d00fb467760.txt")
    assert [(f.unit, f.count) for f in facts.view().rows] == [("Polda Sumatera Selatan", "4")]
    assert facts.view(unit="Polres Banyuasin").filters == {}  # the chosen unit is gone: dropped, not an empty table
