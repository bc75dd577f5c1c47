"""End to end in a real browser: Debian's chromium driven by Playwright, headless, against the app
started on a free port with a copy of the seed corpus. Screenshots go to artifacts/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (.ci/run installs it)")
    work = tmp_path_factory.mktemp("ui")
    shutil.copytree(SEEDS, work / "corpus")
    port = free_port()
    log = (work / "app.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(work / "corpus"), "--index", str(work / "index")],
        stdout=log, stderr=subprocess.STDOUT, cwd=work, env={**os.environ, "PYTHONUNBUFFERED": "1"},
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
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.requests_seen = []
        pg.on("request", lambda r: pg.requests_seen.append(r.url))
        pg.goto(app_url)
        pg.wait_for_selector("#question textarea")
        yield pg
        browser.close()


def ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_answer_with_working_citation(page):
    ask(page, "Berapa personel yang diterjunkan Polres Banyuasin?")
    page.wait_for_selector("#chat a[href='#src-1']", timeout=60_000)
    bot = page.locator("#chat .message").last
    assert "616" in bot.inner_text()
    card = page.locator("#sources #src-1")
    assert "616" in card.inner_text()
    assert "616" in card.locator("mark").inner_text()  # the answering sentence is highlighted
    assert "Maksimalkan Pengamanan Pilkada 2024" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    page.locator("#chat a[href='#src-1']").first.click()
    assert card.is_visible()
    page.locator("#sources").screenshot(path=str(ARTIFACTS / "sources.png"))


def test_not_found_looks_different(page):
    ask(page, "Berapa personel yang dikerahkan Polres Surabaya?")
    page.wait_for_function(
        "() => document.querySelector('#chat').innerText.includes('tidak ditemukan dalam korpus')", timeout=60_000
    )
    assert page.locator("#sources .notfound").is_visible()
    assert page.locator("#sources .src").count() == 0  # no fake sources


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
