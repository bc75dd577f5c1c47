"""The Gradio chat UI: a thin layer over :mod:`rag.api` (``ask``, ``ingest``, ``add_articles``,
``remove_article``). Rendering and handlers are plain functions so they can be tested without a
browser; :func:`build_app` wires them to components.

    python app.py            # or: rag serve --port 7860
"""

from __future__ import annotations

import html
import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from rag.settings import Settings

log = logging.getLogger(__name__)

LABELS = {
    "id": {
        "title": "Tanya jawab pengamanan Pilkada 2024",
        "subtitle": "Jawaban singkat dari berita, dengan sumber yang bisa diperiksa.",
        "chat_tab": "Tanya", "corpus_tab": "Korpus", "question": "Pertanyaan",
        "placeholder": "Mis. Berapa personel yang diterjunkan Polres Banyuasin?",
        "send": "Kirim", "clear": "Bersihkan percakapan", "sources": "Sumber",
        "no_sources": "Belum ada sumber. Ajukan pertanyaan untuk melihat kutipan artikelnya.",
        "not_found_sources": "Tidak ada sumber: korpus tidak memuat jawabannya.",
        "retrieved": "Bagian lain yang ditemukan tetapi tidak dikutip", "settings": "Pengaturan",
        "engine": "Mesin jawaban", "top_k": "Jumlah bagian yang diambil", "outlet": "Media",
        "date_from": "Dari tanggal (YYYY-MM-DD)", "date_to": "Sampai tanggal (YYYY-MM-DD)",
        "any_outlet": "(semua media)", "examples": "Contoh pertanyaan", "language": "Bahasa",
        "pending": "Mencari di korpus…", "unverified": "Belum terverifikasi", "not_found": "Tidak ditemukan",
        "index_total": "Indeks", "articles_word": "artikel",
        "articles": "Artikel dalam korpus", "upload": "Unggah artikel (.txt, .md, .html, .pdf)",
        "remove": "Hapus artikel", "remove_button": "Hapus", "chunks": "bagian",
        "added": "Ditambahkan", "removed": "Dihapus", "error": "Gagal", "source_file": "berkas",
    },
    "en": {
        "title": "Pilkada 2024 security Q&A",
        "subtitle": "Short answers from the news, with sources you can check.",
        "chat_tab": "Ask", "corpus_tab": "Corpus", "question": "Question",
        "placeholder": "E.g. How many personnel did Polres Banyuasin deploy?",
        "send": "Send", "clear": "Clear chat", "sources": "Sources",
        "no_sources": "No sources yet. Ask a question to see the article passages.",
        "not_found_sources": "No sources: the corpus does not contain the answer.",
        "retrieved": "Other passages retrieved but not cited", "settings": "Settings",
        "engine": "Answer engine", "top_k": "Passages to retrieve", "outlet": "Outlet",
        "date_from": "From date (YYYY-MM-DD)", "date_to": "To date (YYYY-MM-DD)",
        "any_outlet": "(all outlets)", "examples": "Example questions", "language": "Language",
        "pending": "Searching the corpus…", "unverified": "Not verified", "not_found": "Not found",
        "index_total": "Index", "articles_word": "articles",
        "articles": "Articles in the corpus", "upload": "Upload articles (.txt, .md, .html, .pdf)",
        "remove": "Remove an article", "remove_button": "Remove", "chunks": "chunks",
        "added": "Added", "removed": "Removed", "error": "Failed", "source_file": "file",
    },
}  # fmt: skip
EXAMPLES = [
    "Berapa personel yang diterjunkan Polres Banyuasin?",
    "How many personnel did Polres Banyuasin deploy?",
    "Berapa personel Brimob yang ditambahkan di tingkat PPK di Sumsel?",
    "Who is the Kapolres of Ogan Ilir?",
]
LANGUAGE_CHOICES = {"Otomatis / Auto": "auto", "Indonesia": "id", "English": "en"}
CSS = """
.answer-notfound { color: #8a5a00; }
#sources .src { border-left: 4px solid #2f6fdf; padding: 6px 10px; margin: 0 0 12px 0; background: #f7f9fc; }
#sources .src:target { outline: 2px solid #2f6fdf; }
#sources .src-meta { color: #555; font-size: 0.85em; margin: 2px 0 6px 0; }
#sources mark { background: #fff1a8; padding: 0 2px; }
#sources .notfound { color: #8a5a00; font-style: italic; }
"""
_MARKER = re.compile(r"\[(\d+)\]")


def labels(lang: str) -> dict[str, str]:
    return LABELS["en" if lang == "en" else "id"]


def ui_language(choice: str, answer_language: str = "id") -> str:
    """The toggle wins; 'auto' follows the language of the question."""
    lang = LANGUAGE_CHOICES.get(choice, choice)
    return answer_language if lang == "auto" else lang


# ---- rendering --------------------------------------------------------------------------------
def format_answer(answer, lang: str) -> str:
    """Chat markdown: ``[n]`` become links to the source cards; a not-found answer looks different."""
    if not answer.answerable and not answer.flagged:
        return f"**{labels(lang)['not_found']}** — *{html.escape(answer.text)}*"
    text = _MARKER.sub(lambda m: f"[[{m.group(1)}]](#src-{m.group(1)})", answer.text)
    if answer.flagged:
        problems = "; ".join(answer.flagged)
        return f"**{labels(lang)['unverified']}** ({html.escape(problems)})\n\n{text}"
    return text


def sources_html(answer, lang: str) -> str:
    """The sources panel: cited articles with metadata and the cited passage, the sentence that
    carries the answer highlighted; passages retrieved but not cited below, collapsed."""
    lab = labels(lang)
    if answer is None:
        return f"<div class='empty'>{lab['no_sources']}</div>"
    if not answer.citations:
        return f"<div class='notfound'>{lab['not_found_sources']}</div>"
    cards = []
    for n, p in enumerate(answer.citations, start=1):
        title = html.escape(p.title or p.source)
        head = f"<a href='{html.escape(p.url)}' target='_blank' rel='noopener'>{title}</a>" if p.url else title
        meta = " · ".join(html.escape(x) for x in (p.outlet, p.date, p.place) if x)
        meta = f"{meta} · {lab['source_file']}: {html.escape(p.source)}" if meta else f"{lab['source_file']}: {html.escape(p.source)}"
        cards.append(
            f"<div class='src' id='src-{n}'><div class='src-head'><b>[{n}]</b> {head}</div>"
            f"<div class='src-meta'>{meta}</div>"
            f"<div class='src-text'>{_highlight(p.text, answer.highlights)}</div></div>"
        )
    cited = {p.id for p in answer.citations}
    rest = [p for p in answer.contexts if p.id not in cited]
    if rest:
        items = "".join(
            f"<li><b>{html.escape(p.title or p.source)}</b> <span class='src-meta'>({html.escape(p.source)})</span>"
            f"<br>{html.escape(p.text)}</li>"
            for p in rest
        )
        cards.append(f"<details class='retrieved'><summary>{lab['retrieved']} ({len(rest)})</summary><ul>{items}</ul></details>")
    return "\n".join(cards)


def _highlight(text: str, sentences: list[str]) -> str:
    out = html.escape(text).replace("\n", "<br>")
    for s in sentences:
        esc = html.escape(s)
        if esc in out:
            out = out.replace(esc, f"<mark>{esc}</mark>", 1)
    return out


def article_rows(pipeline) -> list[list]:
    try:
        rows = pipeline.articles()
    except Exception:  # no index yet
        return []
    return [[r["source"], r["title"], r["outlet"], r["date"], r["chunks"]] for r in rows]


# ---- handlers ---------------------------------------------------------------------------------
class ChatHandlers:
    """What the UI does, without Gradio: each method takes and returns plain values."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def pipeline(self, engine: str | None = None):
        from rag.api import get_pipeline

        settings = self.settings if not engine or engine == self.settings.answer_engine else self.settings.replace(answer_engine=engine)
        return get_pipeline(settings)

    def respond(
        self, question: str, history: list[dict], language: str = "auto", engine: str = "extractive",
        top_k: int | float | None = None, outlet: str = "", date_from: str = "", date_to: str = "",
    ) -> Iterator[tuple[list[dict], str, object, str]]:  # fmt: skip
        """Yields (chat history, sources html, last answer, cleared textbox): first a pending
        state, then the answer. A bad question gets a clear message and changes nothing else."""
        from rag.api import Filters, QuestionError
        from rag.query import detect_language

        history = list(history or [])
        q = (question or "").strip()
        lang = ui_language(language, detect_language(q) if q else "id")
        if not q:
            yield history, sources_html(None, lang), None, ""
            return
        pending = history + [{"role": "user", "content": q}, {"role": "assistant", "content": f"*{labels(lang)['pending']}*"}]
        yield pending, sources_html(None, lang), None, ""
        filters = Filters(outlet=outlet or "", date_from=(date_from or "").strip(), date_to=(date_to or "").strip())
        try:
            answer = self.pipeline(engine).ask(q, int(top_k) if top_k else None, filters)
        except QuestionError as exc:
            message = f"**{labels(lang)['error']}:** {exc}"
            yield history + [{"role": "user", "content": q[:300]}, {"role": "assistant", "content": message}], sources_html(None, lang), None, ""
            return
        except Exception as exc:  # an index or server problem: say it, keep the chat
            log.exception("ask failed")
            message = f"**{labels(lang)['error']}:** {exc}"
            yield history + [{"role": "user", "content": q}, {"role": "assistant", "content": message}], sources_html(None, lang), None, ""
            return
        lang = ui_language(language, answer.language)
        final = history + [{"role": "user", "content": q}, {"role": "assistant", "content": format_answer(answer, lang)}]
        yield final, sources_html(answer, lang), answer, ""

    def upload(self, files: list | None, language: str = "auto") -> tuple[str, list[list], list[str]]:
        """Returns (status markdown, article rows, removable sources)."""
        from rag.api import UploadRejected, add_articles

        lab = labels(ui_language(language))
        paths = [Path(getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            return "", self.rows(), self.choices()
        try:
            report = add_articles(paths, self.settings)
        except UploadRejected as exc:
            return f"**{lab['error']}:** {exc}", self.rows(), self.choices()
        names = ", ".join(report.added + report.updated) or "-"
        rows = self.rows()
        total = f"{lab['index_total']}: {len(rows)} {lab['articles_word']}, {report.chunks} {lab['chunks']}"
        return f"**{lab['added']}:** {names}. {total}.", rows, self.choices()

    def remove(self, source: str | None, language: str = "auto") -> tuple[str, list[list], list[str]]:
        from rag.api import remove_article

        lab = labels(ui_language(language))
        if not source:
            return "", self.rows(), self.choices()
        try:
            remove_article(source, self.settings)
        except (FileNotFoundError, OSError) as exc:
            return f"**{lab['error']}:** {exc}", self.rows(), self.choices()
        return f"**{lab['removed']}:** {source}", self.rows(), self.choices()

    def rows(self) -> list[list]:
        return article_rows(self.pipeline())

    def choices(self) -> list[str]:
        return [r[0] for r in self.rows()]

    def outlets(self) -> list[str]:
        return sorted({r[2] for r in self.rows() if r[2]})


# ---- the app ----------------------------------------------------------------------------------
def prepare_index(settings: Settings) -> None:
    """Use the existing index, or ingest the corpus first (with a progress bar in the console)."""
    from rag.index import current_name
    from rag.ingestion import run_ingest

    if not current_name(Path(settings.index_dir)):
        log.info("no index in %s: ingesting %s first", settings.index_dir, settings.corpus_dir)
        print(run_ingest(settings, progress=True).summary())


def build_app(settings: Settings):
    import gradio as gr

    handlers = ChatHandlers(settings)
    lab = labels("id")
    with gr.Blocks(title="Pilkada QA", analytics_enabled=False) as demo:
        last_answer = gr.State(None)  # per browser session: concurrent users never share answers
        header = gr.Markdown(f"## {lab['title']}\n{lab['subtitle']}")
        language = gr.Radio(list(LANGUAGE_CHOICES), value="Otomatis / Auto", label=lab["language"], elem_id="language")
        with gr.Tabs():
            with gr.Tab(lab["chat_tab"], id="chat") as chat_tab:
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(elem_id="chat", height=480, label=lab["chat_tab"], feedback_options=None)
                        question = gr.Textbox(placeholder=lab["placeholder"], show_label=False, elem_id="question", max_lines=4)
                        with gr.Row():
                            send = gr.Button(lab["send"], variant="primary", elem_id="send")
                            clear = gr.Button(lab["clear"], elem_id="clear")
                        gr.Examples(EXAMPLES, inputs=question, label=lab["examples"])
                    with gr.Column(scale=2):
                        sources_title = gr.Markdown(f"### {lab['sources']}")
                        sources = gr.HTML(sources_html(None, "id"), elem_id="sources")
                with gr.Accordion(lab["settings"], open=False) as settings_box:
                    with gr.Row():
                        engine = gr.Dropdown(["extractive", "llm"], value=settings.answer_engine, label=lab["engine"])
                        top_k = gr.Slider(1, 15, step=1, value=settings.top_k, label=lab["top_k"])
                    with gr.Row():
                        outlet = gr.Dropdown([""] + handlers.outlets(), value="", label=lab["outlet"], allow_custom_value=True)
                        date_from = gr.Textbox(label=lab["date_from"], max_lines=1)
                        date_to = gr.Textbox(label=lab["date_to"], max_lines=1)
            with gr.Tab(lab["corpus_tab"], id="corpus") as corpus_tab:
                table = gr.Dataframe(
                    headers=["source", "title", "outlet", "date", "chunks"], value=handlers.rows(),
                    interactive=False, elem_id="articles", label=lab["articles"], wrap=True,
                    column_widths=["22%", "43%", "17%", "11%", "7%"],
                )  # fmt: skip
                upload = gr.File(
                    file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                    label=lab["upload"], elem_id="upload",
                )  # fmt: skip
                status = gr.Markdown(elem_id="corpus-status")
                with gr.Row():
                    to_remove = gr.Dropdown(handlers.choices(), label=lab["remove"], elem_id="remove-choice")
                    remove = gr.Button(lab["remove_button"], variant="stop", elem_id="remove")

        ask_inputs = [question, chatbot, language, engine, top_k, outlet, date_from, date_to]
        ask_outputs = [chatbot, sources, last_answer, question]
        submitted = question.submit(handlers.respond, ask_inputs, ask_outputs, api_name="ask")
        clicked = send.click(handlers.respond, ask_inputs, ask_outputs, api_name=False)
        clear.click(lambda lang: ([], sources_html(None, ui_language(lang)), None), [language], [chatbot, sources, last_answer], api_name=False)

        def after_change(message, rows, choices):
            return message, rows, gr.update(choices=choices, value=None), gr.update(choices=[""] + handlers.outlets())

        upload.upload(
            lambda files, lang: after_change(*handlers.upload(files, lang)), [upload, language],
            [status, table, to_remove, outlet], api_name=False,
        )  # fmt: skip
        remove.click(
            lambda src, lang: after_change(*handlers.remove(src, lang)), [to_remove, language],
            [status, table, to_remove, outlet], api_name=False,
        )  # fmt: skip

        def relabel(choice, answer):
            lang = ui_language(choice, getattr(answer, "language", "id"))
            lb = labels(lang)
            return (
                f"## {lb['title']}\n{lb['subtitle']}", gr.update(label=lb["language"]),
                gr.update(label=lb["chat_tab"]), gr.update(label=lb["corpus_tab"]),
                gr.update(placeholder=lb["placeholder"]), gr.update(value=lb["send"]), gr.update(value=lb["clear"]),
                f"### {lb['sources']}", sources_html(answer, lang), gr.update(label=lb["settings"]),
                gr.update(label=lb["upload"]), gr.update(label=lb["remove"]), gr.update(value=lb["remove_button"]),
            )  # fmt: skip

        relabelled = [header, language, chat_tab, corpus_tab, question, send, clear, sources_title, sources,
                      settings_box, upload, to_remove, remove]  # fmt: skip
        language.change(relabel, [language, last_answer], relabelled, api_name=False)
        for event in (submitted, clicked):  # 'auto': the labels follow the language of the question
            event.then(relabel, [language, last_answer], relabelled, api_name=False)
    demo.queue(default_concurrency_limit=8)
    return demo


def theme():
    import gradio as gr

    # System fonts only: the default theme would fetch fonts from the internet.
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: str = "", block: bool = True):
    """Ingest if needed, build the app and serve it. ``auth`` is 'user:password' or empty."""
    import threading

    from rag.api import get_pipeline

    started = time.perf_counter()
    prepare_index(settings)
    demo = build_app(settings)
    credentials = tuple(auth.split(":", 1)) if auth else None
    demo.launch(
        server_name=host, server_port=port, auth=credentials, theme=theme(), css=CSS,
        prevent_thread_lock=True, show_error=True, quiet=True, ssr_mode=False, footer_links=[],
    )  # fmt: skip
    log.info("UI serving on http://%s:%d after %.1f s", host, port, time.perf_counter() - started)
    # Load the embedding model while the page is already up; a first question just waits for it.
    threading.Thread(target=get_pipeline(settings).ask, args=("Berapa personel?",), daemon=True).start()
    if block:
        demo.block_thread()
    return demo


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="app.py", description="Serve the chat UI (Gradio).")
    parser.add_argument("--host", default=os.environ.get("RAG_UI_HOST", "127.0.0.1"), help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RAG_UI_PORT", "7860")))
    parser.add_argument("--auth", default=os.environ.get("RAG_UI_AUTH", ""), help="user:password to require a login")
    parser.add_argument("--corpus", type=Path, help="corpus folder")
    parser.add_argument("--index", type=Path, help="index folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(Settings.from_env(corpus_dir=args.corpus, index_dir=args.index), args.host, args.port, args.auth)
