"""End to end in a real browser: Debian's chromium driven by Playwright, headless, against the app
started on a free port with a copy of the seed corpus. Screenshots go to artifacts/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, free_port

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
NEW_ARTICLE = (
    "Polres Cianjur Kerahkan 777 Personel Amankan Pilkada\n\n"
    "CIANJUR – Polres Cianjur mengerahkan 777 personel untuk mengamankan Pilkada 2024 di Kabupaten "
    "Cianjur, Senin (25/11/2024). Kapolres Cianjur AKBP Rohman Yonky Dilatha memimpin apel.\n"
)


@dataclass(frozen=True)
class Served:
    url: str
    corpus: Path  # the app's corpus folder
    uploads: Path  # where Gradio stores uploaded files (GRADIO_TEMP_DIR)


def serve_app(work: Path) -> Iterator[Served]:
    """The app serving ``work/corpus`` on a free port, until the generator is closed."""
    port = free_port()
    log = (work / "app.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(work / "corpus"), "--index", str(work / "index")],
        stdout=log, stderr=subprocess.STDOUT, cwd=work,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "GRADIO_TEMP_DIR": str(work / "uploads")},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail((work / "app.log").read_text())
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the app did not start")
    yield Served(url, work / "corpus", work / "uploads")
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    """The app serving a copy of the seed corpus."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (.ci/run installs it)")
    work = tmp_path_factory.mktemp("ui")
    shutil.copytree(SEEDS, work / "corpus")
    yield from serve_app(work)


@pytest.fixture(scope="module")
def app_url(served) -> str:
    return served.url


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser, app_url):
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    pg.requests_seen = []
    pg.on("request", lambda r: pg.requests_seen.append(r.url))
    pg.goto(app_url)
    pg.wait_for_selector("#question textarea")
    yield pg
    pg.close()


def ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_answer_with_working_citation(page):
    ask(page, "Berapa personel yang diterjunkan Polres Banyuasin?")
    page.wait_for_selector("#chat a[href='#src-1-1']", timeout=60_000)
    bot = page.locator("#chat .message").last
    assert "616" in bot.inner_text()
    card = page.locator("#sources #src-1-1")
    assert "616" in card.inner_text()
    assert "616" in card.locator(".src-text mark").inner_text()  # the answering sentence is highlighted
    assert "Maksimalkan Pengamanan Pilkada 2024" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    page.locator("#chat a[href='#src-1-1']").first.click()
    assert card.is_visible()
    page.locator("#sources").screenshot(path=str(ARTIFACTS / "sources.png"))


def test_not_found_looks_different(page):
    ask(page, "Berapa personel yang dikerahkan Polres Surabaya?")
    page.wait_for_function(
        "() => document.querySelector('#chat').innerText.includes('tidak ditemukan dalam korpus')", timeout=60_000
    )
    newest = page.locator("#sources .answer-sources").first  # the panel lists the newest answer first
    assert newest.locator(".notfound").is_visible()
    assert newest.locator(".src").count() == 0  # no fake sources
    assert "Polres Surabaya" in newest.inner_text()


def test_upload_then_answerable(page):
    page.get_by_role("tab", name="Korpus").click()
    page.wait_for_selector("#articles")
    assert "004_4de73d00fb467760.txt" in page.locator("#articles").inner_text()
    new = ARTIFACTS / "cianjur.txt"
    new.write_text(NEW_ARTICLE)
    page.locator("#upload input[type=file]").set_input_files(str(new))
    page.wait_for_function(
        "() => document.querySelector('#corpus-status').innerText.includes('cianjur.txt')", timeout=120_000
    )
    page.wait_for_function("() => document.querySelector('#articles').innerText.includes('cianjur.txt')")
    page.wait_for_timeout(1500)  # let the loading overlay fade before the screenshot
    page.screenshot(path=str(ARTIFACTS / "corpus.png"), full_page=True)
    page.get_by_role("tab", name="Tanya").click()
    ask(page, "Berapa personel yang dikerahkan Polres Cianjur?")
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('777')", timeout=60_000)


def test_bad_upload_is_rejected(page):
    page.get_by_role("tab", name="Korpus").click()
    bad = ARTIFACTS / "empty.txt"
    bad.write_text("")
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    page.wait_for_function(
        "() => document.querySelector('#corpus-status').innerText.includes('empty file')", timeout=60_000
    )
    assert "empty.txt" not in page.locator("#articles").inner_text()
    page.get_by_role("tab", name="Tanya").click()


def test_labels_follow_an_english_question(page):
    ask(page, "How many personnel did Polres Banyuasin deploy?")
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('616 personnel')", timeout=60_000)
    page.wait_for_function("() => document.querySelector('#send').innerText.trim() === 'Send'", timeout=30_000)
    page.get_by_role("radio", name="Indonesia").check()
    page.wait_for_function("() => document.querySelector('#send').innerText.trim() === 'Kirim'", timeout=30_000)


def test_page_makes_no_outside_requests(page):
    outside = [u for u in page.requests_seen if not u.startswith(("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1"))]
    assert outside == []


# ---- the corpus tab: nothing is lost by accident -------------------------------------------------
def article(name: str, unit: str, count: int) -> Path:
    """A small article file named ``name`` to upload (its own folder, so names can repeat)."""
    folder = ARTIFACTS / "uploads" / f"{unit}-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        f"Polres {unit} Kerahkan {count} Personel Amankan Pilkada\n\n{unit.upper()} – Polres {unit} mengerahkan "
        f"{count} personel untuk mengamankan Pilkada 2024 di Kabupaten {unit}, Senin (25/11/2024).\n"
    )
    return path


def open_corpus_tab(pg) -> None:
    pg.get_by_role("tab", name="Korpus").click()
    pg.wait_for_selector("#articles")


def wait_status(pg, text: str) -> None:
    pg.wait_for_function(
        "t => document.querySelector('#corpus-status').innerText.includes(t)", arg=text, timeout=120_000
    )


def articles_text(pg) -> str:
    return pg.locator("#articles").inner_text()


def choose_for_removal(pg, source: str) -> None:
    pg.locator("#remove-choice input").click()
    pg.locator("#remove-choice input").fill(source)
    pg.get_by_role("option").filter(has_text=source).first.click()


def test_removal_asks_and_removes_exactly_the_chosen_article(page, served):
    corpus = served.corpus
    open_corpus_tab(page)
    assert page.locator("#remove-choice input").input_value() == ""  # nothing pre-selected
    page.locator("#upload input[type=file]").set_input_files(
        [str(article("hapus-a.txt", "Lahat", 311)), str(article("hapus-b.txt", "Pagaralam", 322))]
    )
    wait_status(page, "hapus-b.txt")
    page.wait_for_function("() => document.querySelector('#articles').innerText.includes('hapus-a.txt')")
    before = sorted(p.name for p in corpus.iterdir())

    choose_for_removal(page, "hapus-a.txt")
    page.locator("#remove").click()
    prompt = page.locator("#remove-prompt")
    prompt.wait_for(state="visible")
    assert "hapus-a.txt" in prompt.inner_text() and "Polres Lahat Kerahkan 311 Personel" in prompt.inner_text()
    assert sorted(p.name for p in corpus.iterdir()) == before  # asking removes nothing
    page.locator("#remove-no").click()
    wait_status(page, "Dibatalkan")
    assert sorted(p.name for p in corpus.iterdir()) == before

    page.locator("#remove").click()
    page.locator("#remove-yes").click()
    wait_status(page, "Dihapus: hapus-a.txt")
    page.wait_for_function("() => !document.querySelector('#articles').innerText.includes('hapus-a.txt')")
    assert sorted(p.name for p in corpus.iterdir()) == [n for n in before if n != "hapus-a.txt"]
    assert "hapus-b.txt" in articles_text(page) and "004_4de73d00fb467760.txt" in articles_text(page)
    assert page.locator("#remove-choice input").input_value() == ""  # nothing selected after a removal
    assert not page.locator("#remove-confirm").is_visible()


def test_same_name_upload_asks_and_keeps_both(page, served):
    corpus = served.corpus
    existing = "004_4de73d00fb467760.txt"
    original = (corpus / existing).read_bytes()
    open_corpus_tab(page)
    page.locator("#upload input[type=file]").set_input_files(str(article(existing, "Muara Enim", 533)))
    wait_status(page, "Ganti artikel itu, simpan keduanya")
    assert (corpus / existing).read_bytes() == original and not (corpus / "004_4de73d00fb467760-2.txt").exists()
    page.locator("#conflict-keep-both").click()
    wait_status(page, "disimpan sebagai 004_4de73d00fb467760-2.txt")
    page.wait_for_function("() => document.querySelector('#articles').innerText.includes('004_4de73d00fb467760-2.txt')")
    assert (corpus / existing).read_bytes() == original
    assert "Muara Enim" in (corpus / "004_4de73d00fb467760-2.txt").read_text()
    assert not page.locator("#upload-conflict").is_visible()


def test_an_upload_in_one_session_shows_in_another_after_refresh(page, browser, app_url):
    other = browser.new_context().new_page()
    try:
        other.goto(app_url)
        open_corpus_tab(other)
        assert "sesi-lain.txt" not in articles_text(other)
        open_corpus_tab(page)
        page.locator("#upload input[type=file]").set_input_files(str(article("sesi-lain.txt", "Empat Lawang", 244)))
        wait_status(page, "sesi-lain.txt")
        other.locator("#corpus-refresh").click()
        other.wait_for_function("() => document.querySelector('#articles').innerText.includes('sesi-lain.txt')")
        choose_for_removal(other, "sesi-lain.txt")  # the other session can pick it for removal
        other.locator("#remove").click()
        assert "sesi-lain.txt" in other.locator("#remove-prompt").inner_text()
    finally:
        other.context.close()


def test_no_upload_is_left_in_gradios_folder(served):
    """Accepted, rejected and duplicate uploads alike: Gradio's copy is deleted once handled."""
    assert served.uploads.is_dir()  # Gradio did store the uploads there
    left = [p.name for p in served.uploads.rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf", ".html", ".md")]
    assert left == []


def test_feedback_on_an_answer_is_written(page, served):
    page.get_by_role("tab", name="Tanya").click()
    ask(page, "Berapa personel yang diterjunkan Polres Banyuasin?")
    page.wait_for_function("() => document.querySelectorAll('#chat .message').length >= 2 && "
                           "document.querySelector('#chat').innerText.includes('616')", timeout=60_000)  # fmt: skip
    page.locator("#feedback-comment textarea").fill("angka tepat")
    bot = page.locator("#chat .message").last
    bot.hover()
    page.locator("#chat button[aria-label='Dislike'], #chat button[title='Dislike']").last.click()
    page.wait_for_function("() => document.querySelector('#feedback-status').innerText.includes('disimpan')", timeout=30_000)
    lines = (served.corpus.parent / "feedback" / "feedback.jsonl").read_text().splitlines()
    item = json.loads(lines[-1])
    assert item["liked"] is False and item["comment"] == "angka tepat" and "616" in item["answer"]
    assert item["question"] == "Berapa personel yang diterjunkan Polres Banyuasin?"


def test_follow_up_question_in_the_chat(page):
    page.get_by_role("tab", name="Korpus").click()
    new = ARTIFACTS / "garut-followup.txt"
    new.write_text("Polres Garut Kerahkan 432 Personel\n\nGARUT – Polres Garut mengerahkan 432 personel untuk "
                   "mengamankan Pilkada 2024 di Kabupaten Garut, Senin (25/11/2024).\n")  # fmt: skip
    page.locator("#upload input[type=file]").set_input_files(str(new))
    page.wait_for_function("() => document.querySelector('#articles').innerText.includes('garut-followup.txt')", timeout=120_000)
    page.get_by_role("tab", name="Tanya").click()
    page.locator("#clear").click()  # a new conversation
    page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('616')")
    ask(page, "Berapa personel yang diterjunkan Polres Banyuasin?")
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('616 personel')", timeout=60_000)
    ask(page, "Kalau di Garut?")
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('432 personel')", timeout=60_000)
    last = page.locator("#chat .message").last.inner_text()
    assert "432 personel" in last and "Polres Garut" in last  # "Dibaca sebagai: ... Polres Garut?"
    assert "Kalau di Garut?" in page.locator("#chat").inner_text()
    # each answer keeps its own sources: [1] of the earlier answer leads to the Banyuasin card
    assert "432" in page.locator("#sources #src-3-1").inner_text()
    page.locator("#chat a[href='#src-1-1']").first.click()
    earlier = page.locator("#sources #src-1-1")
    assert earlier.is_visible() and "616" in earlier.locator(".src-text mark").inner_text()
    page.screenshot(path=str(ARTIFACTS / "conversation.png"), full_page=True)


def test_conversations_survive_a_reload_and_are_listed(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(app_url)
    pg.wait_for_selector("#question textarea")
    ask(pg, "Berapa personel yang diterjunkan Polres Banyuasin?")
    pg.wait_for_function("() => (document.querySelector('#chat')?.innerText || '').includes('616 personel')", timeout=60_000)
    pg.wait_for_timeout(1500)  # the conversation is written to the browser's storage after the answer
    pg.reload()
    pg.wait_for_function("() => (document.querySelector('#chat')?.innerText || '').includes('616 personel')", timeout=30_000)
    assert "Berapa personel yang diterjunkan Polres Banyuasin?" in pg.locator("#conversations").inner_text() or \
        "Banyuasin" in pg.locator("#conversations input").input_value()  # fmt: skip
    # a new conversation starts empty; the old one can be opened again from the list
    pg.locator("#conversation-new").click()
    pg.wait_for_function("() => !(document.querySelector('#chat')?.innerText || '').includes('616 personel')")
    pg.locator("#conversations input").click()
    pg.get_by_role("option", name="Berapa personel yang diterjunkan Polres Banyuasin?").click()
    pg.wait_for_function("() => (document.querySelector('#chat')?.innerText || '').includes('616 personel')", timeout=30_000)
    # deleting it removes it from the list, also after a reload
    pg.locator("#conversation-delete").click()
    pg.wait_for_function("() => !(document.querySelector('#chat')?.innerText || '').includes('616 personel')")
    pg.wait_for_timeout(1000)
    pg.reload()
    pg.wait_for_selector("#question textarea")
    pg.wait_for_timeout(1500)
    assert "616 personel" not in pg.locator("#chat").inner_text()
    context.close()


def test_article_preview_opens_with_the_highlight(page):
    page.get_by_role("tab", name="Tanya").click()
    page.locator("#clear").click()
    ask(page, "Berapa personel yang diterjunkan Polres Banyuasin?")
    page.wait_for_selector("#sources details.preview", timeout=60_000)
    article = page.locator("#sources details.preview .article").first
    assert not article.is_visible()  # folded until asked for
    page.locator("#sources details.preview summary").first.click()
    assert article.is_visible() and "Edukasi kepada masyarakat" in article.inner_text()
    assert "616" in article.locator("mark").first.inner_text()
    page.locator("#sources").screenshot(path=str(ARTIFACTS / "preview.png"))


def test_phone_layout_shows_the_question_box_without_scrolling(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(app_url)
    pg.wait_for_selector("#question textarea")
    pg.wait_for_timeout(1000)
    box, send = pg.locator("#question textarea").bounding_box(), pg.locator("#send").bounding_box()
    assert pg.evaluate("window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844 and send["y"] + send["height"] <= 844
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    pg.screenshot(path=str(ARTIFACTS / "phone.png"))
    context.close()


def test_english_mode_shows_no_indonesian_interface_text(browser, app_url):
    from rag.ui import LABELS

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(app_url)
    pg.wait_for_selector("#question textarea")
    pg.get_by_label("English").check()
    pg.wait_for_function("() => document.body.innerText.includes('Example questions')", timeout=30_000)
    pg.locator("button:has-text('Settings')").first.click()  # open the settings too
    pg.wait_for_timeout(800)
    indonesian = {v for k, v in LABELS["id"].items() if v != LABELS["en"].get(k) and len(v) > 3 and "{" not in v}
    for tab in ("Ask", "Corpus"):
        pg.get_by_role("tab", name=tab).click()
        pg.wait_for_timeout(800)
        shown = pg.evaluate("document.body.innerText")
        left = sorted(v for v in indonesian if v in shown)
        assert not left, f"Indonesian interface text in English mode ({tab} tab): {left}"
    context.close()


# ---- the facts tab: the deployment facts table, over the seeds and three development articles -----
FACT_ARTICLES = ("d02_polresta-banyuwangi.txt", "d16_polda-sumsel.txt", "d17_polres-ogan-ilir.txt")
FACT_ROWS = """() => [...document.querySelectorAll('#facts-table .virtual-row')]
    .sort((a, b) => new DOMMatrix(getComputedStyle(a).transform).m42 - new DOMMatrix(getComputedStyle(b).transform).m42)
    .map(r => [...r.querySelectorAll('[role=gridcell]')].map(c => c.innerText.trim()))"""  # the rows drawn, top first


@pytest.fixture(scope="module")
def facts_served(tmp_path_factory) -> Iterator[Served]:
    """A second app, its corpus the seeds and three development articles with totals and their parts
    (the seeds alone have two facts: too few to filter or sort)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (.ci/run installs it)")
    work = tmp_path_factory.mktemp("ui-facts")
    shutil.copytree(SEEDS, work / "corpus")
    for name in FACT_ARTICLES:
        shutil.copy(ROOT / "tests" / "data" / "dev-articles" / name, work / "corpus" / name)
    yield from serve_app(work)


@pytest.fixture(scope="module")
def facts_page(browser, facts_served):
    pg = browser.new_page(viewport={"width": 1400, "height": 1300})
    pg.requests_seen = []
    pg.on("request", lambda r: pg.requests_seen.append(r.url))
    pg.goto(facts_served.url)
    pg.wait_for_selector("#question textarea")
    pg.get_by_role("tab", name="Fakta").click()
    pg.wait_for_selector("#facts-table .virtual-row")
    yield pg
    pg.close()


def fact_rows(pg) -> list[list[str]]:
    """The table's rows as drawn (the table draws the rows in view): unit, count, ..., source, sentence."""
    return pg.evaluate(FACT_ROWS)


def wait_facts_status(pg, pattern: str) -> None:
    pg.wait_for_function("p => new RegExp(p).test(document.querySelector('#facts-status').innerText.trim())", arg=pattern,
                         timeout=30_000)  # fmt: skip


def choose_fact_filter(pg, name: str, value: str) -> None:
    pg.locator(f"#facts-{name} input").click()
    pg.locator(f"#facts-{name} input").fill(value)
    pg.get_by_role("option", name=value, exact=True).click()


def sort_facts(pg, column: int, order: str) -> None:
    header = pg.locator(f"#facts-table th[data-heading='{column}']")
    header.locator(".header-content").click()
    header.locator("button.cell-menu-button").click()
    pg.get_by_role("menuitem", name=order).click()


def test_facts_tab_filters_sorts_and_downloads_the_filtered_rows(facts_page):
    pg = facts_page
    total = int(pg.locator("#facts-status").inner_text().split(" dari ")[1].split()[0])
    assert total > 5 and "Polresta Banyuwangi" in pg.locator("#facts-table").inner_text()
    choose_fact_filter(pg, "province", "Sumatera Selatan")
    pg.wait_for_function("() => !document.querySelector('#facts-table').innerText.includes('Banyuwangi')", timeout=30_000)
    shown = int(pg.locator("#facts-status").inner_text().split(" dari ")[0])
    assert 0 < shown < total
    assert {row[4] for row in fact_rows(pg)} == {"Sumatera Selatan"}

    sort_facts(pg, 1, "Sort descending")  # count: as numbers (1.472 is one thousand four hundred seventy-two)
    pg.wait_for_function("r => eval(r)()[0][1] === '1.472'", arg=FACT_ROWS, timeout=10_000)
    counts = [row[1] for row in fact_rows(pg)]
    assert counts[:2] == ["1.472", "709"]
    sort_facts(pg, 1, "Sort ascending")
    pg.wait_for_function("r => eval(r)()[0][1] === '4'", arg=FACT_ROWS, timeout=10_000)
    assert fact_rows(pg)[0][0] == "Polda Sumatera Selatan"

    with pg.expect_download() as download:
        pg.locator("#facts-download").click()
    assert download.value.suggested_filename == "facts.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,source,count,value,category,unit_id,unit,role,part_of,province,province_code,region")
    assert len(lines) == shown + 1 and not any("Jawa Timur" in line for line in lines)
    assert any(line.startswith("004_4de73d00fb467760.txt#1,004_4de73d00fb467760.txt,616,616,polri,") for line in lines)
    assert any(",1.472,1472,polri," in line and "d16_polda-sumsel.txt" in line for line in lines)


def test_facts_row_opens_its_article_with_the_sentence_marked(facts_page):
    pg = facts_page
    choose_fact_filter(pg, "unit", "Polres Ogan Ilir")
    pg.wait_for_function("() => !document.querySelector('#facts-table').innerText.includes('Polres Banyuasin')", timeout=30_000)
    rows = fact_rows(pg)
    row = next(i for i, r in enumerate(rows) if r[1] == "331")
    pg.locator("#facts-table .virtual-row").filter(has_text="Sebanyak 331 personel").locator("[data-col='9']").click()
    mark = pg.locator("#facts-article mark")
    mark.wait_for(timeout=30_000)
    assert mark.inner_text() == rows[row][9] == "Sebanyak 331 personel Polri ambil bagian dalam apel tersebut."
    article = pg.locator("#facts-article").inner_text()
    assert "Apel Pergeseran Personel Pengamanan TPS Pilkada Serentak di Polres Ogan Ilir" in article
    assert "d17_polres-ogan-ilir.txt" in article and "Secara keseluruhan, terdapat 664 TPS" in article
    # the chart counts the total, not its parts: one bar of 331 for Polres Ogan Ilir
    assert "Polres Ogan Ilir" in pg.locator("#facts-chart").inner_text()
    assert "baris bagian" in pg.locator("#facts-chart-caption").inner_text()
    choose_fact_filter(pg, "unit", "")  # back to every unit of Sumatera Selatan, the largest first, for the picture
    pg.wait_for_function("() => document.querySelector('#facts-table').innerText.includes('Polres Banyuasin')", timeout=30_000)
    sort_facts(pg, 1, "Sort descending")
    pg.wait_for_function("r => eval(r)()[0][1] === '1.472'", arg=FACT_ROWS, timeout=10_000)
    assert pg.locator("#facts-article mark").inner_text() == rows[row][9]  # the article stays open
    pg.wait_for_timeout(1000)
    pg.screenshot(path=str(ARTIFACTS / "facts-tab.png"), full_page=True)


def test_facts_chart_by_province(facts_page):
    pg = facts_page
    pg.locator("#facts-chart-by").get_by_label("Per provinsi").check()
    pg.wait_for_function("() => !document.querySelector('#facts-chart').innerText.includes('Polres')", timeout=30_000)
    bars = pg.evaluate("() => [...document.querySelectorAll('#facts-chart text')].map(t => t.textContent)")
    assert "Sumatera Selatan" in bars and "Polda Sumatera Selatan" not in bars  # a bar per province
    pg.locator("#facts-chart-by").get_by_label("Per satuan").check()
    pg.wait_for_function("() => document.querySelector('#facts-chart').innerText.includes('Polres Banyuasin')", timeout=30_000)


def test_facts_tab_follows_an_upload(facts_page, facts_served):
    pg = facts_page
    pg.get_by_role("tab", name="Korpus").click()
    pg.locator("#upload input[type=file]").set_input_files(str(article("fakta-lahat.txt", "Lahat", 457)))
    wait_status(pg, "fakta-lahat.txt")
    pg.get_by_role("tab", name="Fakta").click()
    choose_fact_filter(pg, "unit", "Polres Lahat")  # the new unit is among the choices
    wait_facts_status(pg, "^1 dari")
    assert [(r[0], r[1], r[8]) for r in fact_rows(pg)] == [("Polres Lahat", "457", "fakta-lahat.txt")]
    pg.locator("#facts-from").locator("input, textarea").fill("2024-12-01")  # after every article: no row
    wait_facts_status(pg, "^0 dari")
    pg.locator("#facts-from").locator("input, textarea").fill("27/11/2024")  # not a date: said, not applied
    wait_facts_status(pg, "not a date")
    assert [r[0] for r in fact_rows(pg)] == ["Polres Lahat"]
    pg.locator("#facts-from").locator("input, textarea").fill("")
    choose_fact_filter(pg, "unit", "")


def test_facts_tab_in_english_shows_no_indonesian_labels(browser, facts_served):
    from rag.ui import LABELS

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(facts_served.url)
    pg.wait_for_selector("#question textarea")
    pg.get_by_label("English").check()
    pg.get_by_role("tab", name="Facts").click()
    pg.wait_for_function("() => document.querySelector('#facts-status').innerText.includes(' of ')", timeout=30_000)
    pg.locator("#facts-table .virtual-row").filter(has_text="Sebanyak 331 personel").locator("[data-col='9']").click()
    pg.locator("#facts-article mark").wait_for(timeout=30_000)
    # the interface's own words (the articles' Indonesian text aside: "Satuan Brimob", "ambil bagian")
    shown = pg.evaluate("""() => { const hide = [...document.querySelectorAll('#facts-table, #facts-article .fact-text, #facts-article .fact-head')];
        hide.forEach(e => e.style.display = 'none'); const text = document.body.innerText;
        hide.forEach(e => e.style.display = ''); return text; }""")
    indonesian = {v for k, v in LABELS["id"].items() if v != LABELS["en"].get(k) and len(v) > 3 and "{" not in v}
    assert not sorted(v for v in indonesian if v in shown)
    assert "Download CSV" in shown and "Personnel over the filtered rows" in shown
    context.close()


def test_facts_page_makes_no_outside_requests(facts_page):
    outside = [u for u in facts_page.requests_seen if not u.startswith(("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1"))]
    assert outside == []
