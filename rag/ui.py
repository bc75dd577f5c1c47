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
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rag.login import AuthError, LoginGuard, load_credentials
from rag.metadata import outlet_names
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.corpus import CorpusChange
    from rag.deployments import Fact

log = logging.getLogger(__name__)
RECENT_ANSWERS = 500  # answers kept in memory for feedback on them

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
        "pending": "Mencari di korpus…", "understood": "Dibaca sebagai", "unverified": "Belum terverifikasi", "not_found": "Tidak ditemukan",
        "index_total": "Indeks", "articles_word": "artikel",
        "articles": "Artikel dalam korpus", "upload": "Unggah artikel (.txt, .md, .html, .pdf)",
        "remove": "Hapus artikel", "remove_button": "Hapus", "chunks": "bagian",
        "added": "Ditambahkan", "removed": "Dihapus", "error": "Gagal",
        "feedback_saved": "Terima kasih, penilaian disimpan.", "read_article": "Baca artikel lengkap", "original": "halaman asli", "streaming": "sedang ditulis; sumber diperiksa setelah selesai", "sources_for": "Sumber untuk",
        "conversations": "Percakapan tersimpan", "new_conversation": "Percakapan baru",
        "delete_conversation": "Hapus percakapan", "rename_conversation": "Ganti nama",
        "rename_placeholder": "Nama baru percakapan ini",
        "internal": "pertanyaan ini tidak dapat dijawab karena kesalahan di server; rinciannya ada di log server.", "feedback_nothing": "pilih jawaban yang dinilai",
        "feedback_comment": "Komentar untuk penilaian suka / tidak suka (opsional)", "source_file": "berkas",
        "refresh": "Muat ulang daftar", "confirm_remove": "Hapus artikel «{title}» ({source})?",
        "confirm": "Ya, hapus", "cancel": "Batal", "cancelled": "Dibatalkan; tidak ada yang diubah.",
        "replace": "Ganti", "keep_both": "Simpan keduanya",
        "conflict": "Sudah ada artikel bernama {names}. Ganti artikel itu, simpan keduanya (unggahan diberi nama lain), atau batal?",
        "replaced": "Diganti", "renamed_as": "disimpan sebagai", "duplicate": "Tidak ditambahkan, isinya sudah ada di korpus",
        "duplicate_as": "sama dengan", "skipped": "Tidak ditambahkan, namanya sudah ada", "nothing_changed": "Tidak ada yang diubah.",
        "busy": "Korpus sedang diperbarui oleh proses lain (ingest). Tidak ada yang diubah; coba lagi sebentar lagi.",
        "gone": "Artikel {source} sudah tidak ada di korpus (mungkin dihapus dari sesi lain). Daftar dimuat ulang.",
        "facts_tab": "Fakta", "facts_table": "Fakta pengerahan personel (urutkan lewat ⋮ di judul kolom; klik baris untuk membaca artikelnya)",
        "facts_province": "Provinsi (kosong: semua)", "facts_unit": "Satuan (kosong: semua)",
        "facts_category": "Kategori (kosong: semua)", "facts_stage": "Tahapan (kosong: semua)",
        "facts_download": "Unduh CSV", "facts_refresh": "Muat ulang fakta", "facts_chart": "Personel (orang)",
        "facts_chart_by": "Grafik", "facts_color": "Kategori", "facts_chart_x": "Satuan atau provinsi", "by_unit": "Per satuan", "by_province": "Per provinsi",
        "facts_caption": "Jumlah personel dari baris yang tersaring, hanya angka total dan tunggal: baris bagian (role part) sudah terhitung dalam totalnya, dan angka yang sama dari artikel lain dihitung sekali.",
        "facts_shown": "{shown} dari {total} fakta", "facts_pick": "Pilih satu baris tabel untuk membaca artikelnya, dengan kalimat faktanya ditandai.",
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
        "pending": "Searching the corpus…", "understood": "Read as", "unverified": "Not verified", "not_found": "Not found",
        "index_total": "Index", "articles_word": "articles",
        "articles": "Articles in the corpus", "upload": "Upload articles (.txt, .md, .html, .pdf)",
        "remove": "Remove an article", "remove_button": "Remove", "chunks": "chunks",
        "added": "Added", "removed": "Removed", "error": "Failed",
        "feedback_saved": "Thank you, your rating was saved.", "read_article": "Read the whole article", "original": "original page", "streaming": "being written; sources are checked when it ends", "sources_for": "Sources for",
        "conversations": "Saved conversations", "new_conversation": "New conversation",
        "delete_conversation": "Delete conversation", "rename_conversation": "Rename",
        "rename_placeholder": "A new name for this conversation",
        "internal": "this question could not be answered because of a server error; the details are in the server log.", "feedback_nothing": "choose an answer to rate",
        "feedback_comment": "Comment for a like / dislike rating (optional)", "source_file": "file",
        "refresh": "Refresh list", "confirm_remove": "Remove the article “{title}” ({source})?",
        "confirm": "Yes, remove", "cancel": "Cancel", "cancelled": "Cancelled; nothing was changed.",
        "replace": "Replace", "keep_both": "Keep both",
        "conflict": "The corpus already has an article named {names}. Replace it, keep both (the upload is renamed), or cancel?",
        "replaced": "Replaced", "renamed_as": "stored as", "duplicate": "Not added, the same content is already in the corpus",
        "duplicate_as": "same as", "skipped": "Not added, the name exists", "nothing_changed": "Nothing was changed.",
        "busy": "The corpus is being updated by another process (ingest). Nothing was changed; try again in a moment.",
        "gone": "The article {source} is no longer in the corpus (perhaps removed from another session). The list was refreshed.",
        "facts_tab": "Facts", "facts_table": "Personnel deployment facts (sort with ⋮ in a column header; click a row to read its article)",
        "facts_province": "Province (empty: all)", "facts_unit": "Unit (empty: all)",
        "facts_category": "Category (empty: all)", "facts_stage": "Stage (empty: all)",
        "facts_download": "Download CSV", "facts_refresh": "Refresh facts", "facts_chart": "Personnel (people)",
        "facts_chart_by": "Chart", "facts_color": "Category", "facts_chart_x": "Unit or province", "by_unit": "By unit", "by_province": "By province",
        "facts_caption": "Personnel over the filtered rows, totals and single figures only: part rows are already inside their totals, and the same figure reported by another article counts once.",
        "facts_shown": "{shown} of {total} facts", "facts_pick": "Select a row of the table to read its article, with the fact's sentence marked.",
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
#sources .answer-sources + .answer-sources { border-top: 1px solid #ddd; margin-top: 12px; padding-top: 8px; opacity: 0.85; }
#sources details.preview { margin: 4px 0 2px 0; }
#sources details.preview .article { max-height: 320px; overflow: auto; white-space: normal; font-size: 0.92em; padding: 4px 6px; background: #fff; }
#sources .answer-sources .for { font-size: 0.85em; color: #555; margin-bottom: 4px; }
#sources mark { background: #fff1a8; padding: 0 2px; }
#sources .notfound { color: #8a5a00; font-style: italic; }
#facts-article .fact-text { max-height: 360px; overflow: auto; font-size: 0.92em; padding: 4px 6px; background: #fff; }
#facts-article .src-meta { color: #555; font-size: 0.85em; margin: 2px 0 6px 0; }
#facts-article mark { background: #fff1a8; padding: 0 2px; }
#facts-chart-caption { color: #555; font-size: 0.85em; }
/* A phone (390 px): the question box is visible without scrolling; renaming waits for a wider screen. */
@media (max-width: 640px) {
  #header p { display: none; }
  #header h2 { font-size: 1.1em; margin: 0; }
  #language { padding: 2px 6px !important; }
  #language > span, #language .block-info { display: none; }
  #conversation-rename-row { display: none !important; }
  #conversation-bar { flex-wrap: nowrap !important; gap: 4px !important; }
  #conversation-bar button { min-width: 0 !important; font-size: 0.8em !important; padding: 2px 6px !important; }
  #conversations .block-info, #conversations > label > span { display: none; }
  #chat { height: 30vh !important; min-height: 180px; }
}
"""
_MARKER = re.compile(r"\[(\d+)\]")


def labels(lang: str) -> dict[str, str]:
    return LABELS["en" if lang == "en" else "id"]


def ui_language(choice: str, answer_language: str = "id") -> str:
    """The toggle wins; 'auto' follows the language of the question."""
    lang = LANGUAGE_CHOICES.get(choice, choice)
    return answer_language if lang == "auto" else lang


def page_language(choice: str, answer=None, history: list[dict] | None = None) -> str:
    """The language of the page's labels: the toggle, or in 'auto' that of the latest answer
    (or of the latest question, when its answer is not known)."""
    from rag.query import detect_language

    latest = next((m for m in reversed(history or []) if m.get("role") == "user"), None)
    asked = detect_language(_text(latest.get("content"))) if latest else "id"
    return ui_language(choice, getattr(answer, "language", asked))


# ---- rendering --------------------------------------------------------------------------------
def _card_id(n: int, aid: int | None) -> str:
    return f"src-{n}" if aid is None else f"src-{aid}-{n}"


def format_answer(answer, lang: str, aid: int | None = None) -> str:
    """Chat markdown: ``[n]`` become links to the source cards of this answer (``aid``: its place
    in the conversation); a not-found answer looks different; a follow-up says which standalone
    question it was read as."""
    read_as = f"\n\n<small>{labels(lang)['understood']}: *{html.escape(answer.resolved_question)}*</small>" if answer.resolved_question else ""
    if not answer.answerable and not answer.flagged:
        return f"**{labels(lang)['not_found']}** — *{html.escape(answer.text)}*{read_as}"
    text = _MARKER.sub(lambda m: f"[[{m.group(1)}]](#{_card_id(int(m.group(1)), aid)})", answer.text)
    if answer.flagged:
        problems = "; ".join(answer.flagged)
        return f"**{labels(lang)['unverified']}** ({html.escape(problems)})\n\n{text}{read_as}"
    return text + read_as


def sources_html(answer, lang: str, aid: int | None = None, article: Callable[[str], str] | None = None) -> str:
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
            f"<div class='src' id='{_card_id(n, aid)}'><div class='src-head'><b>[{n}]</b> {head}</div>"
            f"<div class='src-meta'>{meta}</div>"
            f"<div class='src-text'>{_highlight(p.text, answer.highlights)}</div>{_preview(p, answer, lab, article)}</div>"
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


def _preview(passage, answer, lab: dict[str, str], article: Callable[[str], str] | None) -> str:
    """The whole article behind a card, folded: opened with a click, the answering sentence marked."""
    text = article(passage.source) if article else ""
    if not text:
        return ""
    link = f" · <a href='{html.escape(passage.url)}' target='_blank' rel='noopener'>{lab['original']}</a>" if passage.url else ""
    return (f"<details class='preview'><summary>{lab['read_article']}</summary>"
            f"<div class='article'>{_highlight(text, answer.highlights)}</div>{link}</details>")  # fmt: skip


def conversation_sources_html(entries: list[tuple[int, object]], lang: str, article: Callable[[str], str] | None = None) -> str:
    """The sources of every answer of the conversation, newest first, each under its question:
    ``[n]`` of an earlier answer leads to that answer's cards, not to the newest ones."""
    if not entries:
        return sources_html(None, lang)
    lab = labels(lang)
    sections = []
    for aid, answer in sorted(entries, key=lambda e: -e[0]):
        question = html.escape(answer.question if len(answer.question) <= 160 else answer.question[:160] + "…")
        sections.append(f"<section class='answer-sources' id='ans-{aid}'><div class='for'>{lab['sources_for']}: "
                        f"<i>{question}</i></div>{sources_html(answer, lang, aid, article)}</section>")  # fmt: skip
    return "\n".join(sections)


def _highlight(text: str, sentences: list[str]) -> str:
    out = html.escape(text).replace("\n", "<br>")
    for s in sentences:
        esc = html.escape(s)
        if esc in out:
            out = out.replace(esc, f"<mark>{esc}</mark>", 1)
    return out


def _text(content) -> str:
    """A chat message's text (Gradio gives a string, or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_text(c.get("text", "") if isinstance(c, dict) else c) for c in content)
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return ""


def article_rows(pipeline) -> list[list]:
    try:
        rows = pipeline.articles()
    except Exception:  # no index yet
        return []
    return [[r["source"], r["title"], r["outlet"], r["date"], r["chunks"]] for r in rows]


# ---- conversations kept in the browser ----------------------------------------------------------
MAX_CONVERSATIONS = 50  # per browser; the oldest go first


def conversation_title(history: list[dict]) -> str:
    first = next((_text(m.get("content")) for m in history if m.get("role") == "user"), "")
    return (first[:60] + "…") if len(first) > 60 else first or "…"


def save_conversation(saved: list[dict], conv_id: str, history: list[dict]) -> list[dict]:
    """``saved`` with ``conv_id`` holding ``history`` (a new conversation goes first); an empty
    conversation is not kept. The title stays once given (a rename is kept)."""
    saved = [dict(c) for c in saved or []]
    if not history:
        return saved
    for c in saved:
        if c["id"] == conv_id:
            c["messages"] = history
            return saved
    return ([{"id": conv_id, "title": conversation_title(history), "messages": history}] + saved)[:MAX_CONVERSATIONS]


def rename_conversation(saved: list[dict], conv_id: str, title: str) -> list[dict]:
    title = " ".join((title or "").split())[:80]
    return [dict(c, title=title) if c["id"] == conv_id and title else dict(c) for c in saved or []]


def delete_conversation(saved: list[dict], conv_id: str) -> list[dict]:
    return [dict(c) for c in saved or [] if c["id"] != conv_id]


def conversation_choices(saved: list[dict]) -> list[tuple[str, str]]:
    """(label, id) for the conversation picker, newest first."""
    return [(c["title"], c["id"]) for c in saved or []]


def ui_secret(settings: Settings) -> str:
    """The key of the browsers' stored conversations, made once and kept (0600), so that a server
    restart does not make every stored conversation unreadable."""
    import secrets

    path = Path(settings.ui_secret_file)
    try:
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        key = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key
    except OSError as exc:  # a read-only checkout: conversations last until the server restarts
        log.warning("cannot keep the UI secret in %s (%s); stored conversations end with this server", path, exc)
        return secrets.token_urlsafe(32)


# ---- handlers ---------------------------------------------------------------------------------
class ChatHandlers:
    """What the UI does, without Gradio: each method takes and returns plain values."""

    def __init__(self, settings: Settings, upload_dir: Path | None = None):
        self.settings = settings
        self.upload_dir = upload_dir  # uploaded files in here are deleted once handled
        # the answers behind recent chat messages (by the message text), for feedback on them
        self._answers: OrderedDict[str, object] = OrderedDict()
        self._answers_lock = threading.Lock()

    def _remember(self, message: str, answer) -> None:
        with self._answers_lock:
            self._answers[message] = answer
            self._answers.move_to_end(message)
            while len(self._answers) > RECENT_ANSWERS:
                self._answers.popitem(last=False)

    def conversation_sources(self, history: list[dict], lang: str) -> str:
        """The sources panel for a conversation: the answers behind its assistant messages."""
        with self._answers_lock:
            entries = [(i, self._answers.get(_text(m.get("content")))) for i, m in enumerate(history or [])
                       if isinstance(m, dict) and m.get("role") == "assistant"]  # fmt: skip
        known = [(i, a) for i, a in entries if a is not None]
        return conversation_sources_html(known, lang, self._article_text if known else None)

    def _article_text(self, source: str) -> str:
        try:
            return self.pipeline().article(source)
        except Exception:  # no index (yet): the card stays without its preview
            log.warning("no article text for %s", source, exc_info=True)
            return ""

    def feedback(self, history: list[dict], index: int | list | tuple | None, liked: bool, comment: str = "",
                 language: str = "auto") -> str:  # fmt: skip
        """Record a thumbs up/down on the assistant message at ``index`` of ``history``; returns
        the status line to show. The answer's question, text, sources and engine are stored."""
        from rag.errors import RagError
        from rag.feedback import record
        from rag.types import Answer

        lab = labels(ui_language(language))
        i = index[0] if isinstance(index, (list, tuple)) else index
        history = list(history or [])
        if not isinstance(i, int) or not 0 <= i < len(history) or history[i].get("role") != "assistant":
            return f"**{lab['error']}:** {lab['feedback_nothing']}"
        message = _text(history[i].get("content"))
        with self._answers_lock:
            answer = self._answers.get(message)
        if answer is None:  # an answer of an earlier server run: what the chat still shows
            question = next((_text(m.get("content")) for m in reversed(history[:i]) if m.get("role") == "user"), "")
            answer = Answer(question, message, True, engine="unknown")
        try:
            record(self.settings.feedback_file, answer, liked, comment)
        except RagError as exc:
            return f"**{lab['error']}:** {exc}"
        return lab["feedback_saved"]

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
        from rag.errors import RagError
        from rag.query import detect_language

        history = list(history or [])
        q = (question or "").strip()
        lang = ui_language(language, detect_language(q) if q else "id")
        shown = self.conversation_sources(history, lang)
        if not q:  # an empty or repeated submission (the box was just cleared) changes nothing
            yield history, shown, None, ""
            return
        pending = history + [{"role": "user", "content": q}, {"role": "assistant", "content": f"*{labels(lang)['pending']}*"}]
        yield pending, shown, None, ""
        filters = Filters(outlet=outlet or "", date_from=(date_from or "").strip(), date_to=(date_to or "").strip())
        try:
            answer = None
            for part in self.pipeline(engine).ask_stream(q, int(top_k) if top_k else None, filters, history):
                if isinstance(part, str):  # an LLM answer as it is written: shown, not yet verified
                    growing = f"{html.escape(part)} ▌\n\n<small>{labels(lang)['streaming']}</small>"
                    yield history + [{"role": "user", "content": q}, {"role": "assistant", "content": growing}], shown, None, ""
                else:
                    answer = part
        except QuestionError as exc:
            message = f"**{labels(lang)['error']}:** {exc}"
            yield history + [{"role": "user", "content": q[:300]}, {"role": "assistant", "content": message}], shown, None, ""
            return
        except RagError as exc:  # an index or vector-store problem: its sentence says what to do
            log.warning("ask failed: %s", exc)
            message = f"**{labels(lang)['error']}:** {exc}"
            yield history + [{"role": "user", "content": q}, {"role": "assistant", "content": message}], shown, None, ""
            return
        except Exception:  # anything else: a plain sentence here, the traceback in the server log
            log.exception("ask failed")
            message = f"**{labels(lang)['error']}:** {labels(lang)['internal']}"
            yield history + [{"role": "user", "content": q}, {"role": "assistant", "content": message}], shown, None, ""
            return
        lang = ui_language(language, answer.language)
        message = format_answer(answer, lang, aid=len(history) + 1)  # its index in the conversation
        self._remember(message, answer)
        final = history + [{"role": "user", "content": q}, {"role": "assistant", "content": message}]
        yield final, self.conversation_sources(final, lang), answer, ""

    # ---- corpus tab: every change goes through rag.corpus, like the CLI ----
    def upload(self, files: list[str] | None, language: str = "auto", on_conflict: str = "ask") -> CorpusView:
        """Add uploaded files. A name that exists asks first (``view.conflict`` lists the names,
        ``view.pending`` keeps the files for the answer); otherwise the files Gradio stored are
        deleted once the upload is settled, accepted or rejected."""
        from rag.corpus import add_articles
        from rag.errors import CorpusBusy, NameConflict, UploadRejected

        lab = labels(ui_language(language))
        paths = [Path(f) for f in files or []]
        if not paths:
            return self.view()
        try:
            change = add_articles(paths, self.settings, on_conflict)
        except NameConflict as exc:
            prompt = lab["conflict"].format(names=", ".join(exc.names))
            return self.view(prompt, conflict=exc.names, pending=[str(p) for p in paths])
        except CorpusBusy:
            self.discard_uploads(paths)
            return self.view(f"**{lab['error']}:** {lab['busy']}")
        except UploadRejected as exc:
            self.discard_uploads(paths)
            return self.view(f"**{lab['error']}:** {exc}")
        self.discard_uploads(paths)
        return self.view(change_message(change, lab, len(self.rows())))

    def confirm_removal(self, source: str | None, language: str = "auto") -> str:
        """The question asked before a removal, naming the article; empty when nothing is chosen
        or the article is gone."""
        lab = labels(ui_language(language))
        titles = {r[0]: r[1] for r in self.rows()}
        if not source or source not in titles:
            return ""
        return lab["confirm_remove"].format(title=titles[source] or source, source=source)

    def remove(self, source: str | None, language: str = "auto") -> CorpusView:
        from rag.corpus import remove_article
        from rag.errors import ArticleNotFound, CorpusBusy

        lab = labels(ui_language(language))
        if not source:
            return self.view()
        try:
            change = remove_article(source, self.settings)
        except ArticleNotFound:
            return self.view(f"**{lab['error']}:** {lab['gone'].format(source=source)}")
        except CorpusBusy:
            return self.view(f"**{lab['error']}:** {lab['busy']}", selected=source)
        return self.view(change_message(change, lab, len(self.rows())))

    def view(
        self, status: str = "", conflict: list[str] | None = None, pending: list[str] | None = None, selected: str | None = None
    ) -> CorpusView:  # fmt: skip
        """The corpus tab as it is now on disk (changes from other sessions or the CLI included)."""
        rows = self.rows()
        choices = [(f"{r[0]} — {r[1]}" if r[1] else r[0], r[0]) for r in rows]
        keep = selected if selected in {r[0] for r in rows} else None
        outlets = outlet_names([r[2] for r in rows if r[2]])  # one name per outlet
        return CorpusView(status, rows, choices, outlets, keep, conflict or [], pending or [])

    def discard_uploads(self, paths: list[Path]) -> None:
        """Delete the copies Gradio stored for an upload (only inside its upload folder)."""
        if self.upload_dir is None:
            return
        root = self.upload_dir.resolve()
        for path in paths:
            path = path.resolve()
            if root not in path.parents:
                continue
            path.unlink(missing_ok=True)
            if path.parent != root and not any(path.parent.iterdir()):
                path.parent.rmdir()

    def rows(self) -> list[list]:
        return article_rows(self.pipeline())



@dataclass
class CorpusView:
    """What the corpus tab shows after an action."""

    status: str  # markdown
    rows: list[list]  # the article table
    choices: list[tuple[str, str]]  # removal choices: (label, source)
    outlets: list[str]
    selected: str | None = None  # the removal choice kept selected (None: nothing)
    conflict: list[str] = field(default_factory=list)  # upload names waiting for replace / keep both / cancel
    pending: list[str] = field(default_factory=list)  # the uploaded files waiting for that answer

    @property
    def sources(self) -> list[str]:
        return [value for _, value in self.choices]


def change_message(change: CorpusChange, lab: dict[str, str], articles: int) -> str:
    """The status line of a corpus change, in the interface language."""
    parts = []
    if change.stored:
        names = ", ".join(up if up == name else f"{up} ({lab['renamed_as']} {name})" for up, name in change.stored.items())
        parts.append(f"**{lab['added']}:** {names}.")
    if change.replaced:
        parts.append(f"**{lab['replaced']}:** {', '.join(change.replaced)}.")
    if change.removed:
        parts.append(f"**{lab['removed']}:** {', '.join(change.removed)}.")
    if change.duplicates:
        dups = ", ".join(f"{up} ({lab['duplicate_as']} {src})" for up, src in change.duplicates.items())
        parts.append(f"**{lab['duplicate']}:** {dups}.")
    if change.skipped:
        parts.append(f"**{lab['skipped']}:** {', '.join(change.skipped)}.")
    if change.report is None:
        parts.append(lab["nothing_changed"])
    else:
        parts.append(f"{lab['index_total']}: {articles} {lab['articles_word']}, {change.report.chunks} {lab['chunks']}.")
    return " ".join(parts)


def gradio_upload_dir() -> Path:
    """Where Gradio stores uploaded files (its documented GRADIO_TEMP_DIR, or <tmp>/gradio)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")


# ---- facts tab: the deployment facts table of the index (rag.api.facts_table) ---------------------
FACT_COLUMNS = ("unit", "count", "category", "role", "province", "region", "stage", "date", "source", "sentence")
FACT_DATATYPES = ["str", "number", "str", "str", "str", "str", "str", "str", "str", "str"]
FACT_FILTERS = ("province", "unit", "category", "stage")  # the dropdowns; the dates are text boxes
CHART_BY = ("unit", "province")
CATEGORY_COLORS = {  # one colour per category (rag.deployments.CATEGORIES) whatever the rows shown
    "polri": "#2f6fdf", "brimob": "#16356f", "tni": "#3c8d40", "gabungan": "#e08a1e", "bko": "#8e5bc8",
    "linmas": "#c94f4f", "satpolpp": "#7a7a7a", "other": "#b8a04a",
}  # fmt: skip


@dataclass
class FactsView:
    """What the facts tab shows for some filters."""

    rows: list[Fact]  # the rows the filters keep, in table order
    total: int  # rows in the whole table
    choices: dict[str, list[str]]  # each dropdown's values in the whole table ("" = all comes first)
    filters: dict[str, str]  # the filters applied (a dropdown value gone from the table is dropped)
    status: str  # markdown


class FactsHandlers:
    """The facts tab without Gradio: the table of :func:`rag.api.facts_table`, filtered, charted,
    exported, and each row's article with its sentence marked. ``article`` gives an article's
    whole text (the chat's source cards use the same one)."""

    def __init__(self, settings: Settings, article: Callable[[str], str]):
        self.settings = settings
        self.article = article

    def table(self) -> list[Fact]:
        """The whole table; raises :class:`rag.errors.RagError` (no index, or one made before facts)."""
        from rag.api import facts_table

        return facts_table(settings=self.settings)

    def view(self, province: str = "", unit: str = "", category: str = "", stage: str = "", date_from: str = "",
             date_to: str = "", language: str = "auto") -> FactsView:  # fmt: skip
        """The rows kept by the filters (each one exact; dates as the chat's: 2024, 2024-11 or
        2024-11-27). A wrong date is said in the status and not applied; a dropdown value no
        longer in the table (the corpus changed) is dropped."""
        from rag.api import Filters
        from rag.deployments import FactFilter, select
        from rag.errors import RagError

        lab = labels(ui_language(language))
        try:
            every = self.table()
        except RagError as exc:
            return FactsView([], 0, {k: [""] for k in FACT_FILTERS}, {}, f"**{lab['error']}:** {exc}")
        choices = {k: [""] + sorted({getattr(f, k) for f in every if getattr(f, k)}) for k in FACT_FILTERS}
        wanted = {"province": province, "unit": unit, "category": category, "stage": stage}
        applied = {k: v for k, v in wanted.items() if v and v in choices[k]}
        problem = ""
        dates = {"date_from": (date_from or "").strip(), "date_to": (date_to or "").strip()}
        try:
            Filters(**dates).check()
            applied.update({k: v for k, v in dates.items() if v})
        except RagError as exc:
            problem = f" · **{lab['error']}:** {exc}"
        rows = select(every, FactFilter(**applied))
        return FactsView(rows, len(every), choices, applied, lab["facts_shown"].format(shown=len(rows), total=len(every)) + problem)

    def article_html(self, source: str, sentence: str, language: str = "auto") -> str:
        """The article of a fact: title (linked to the page when known), outlet, date, file, and
        the whole text with the fact's exact sentence in ``<mark>``; everything escaped."""
        from rag.errors import RagError

        lab = labels(ui_language(language))
        if not source:
            return f"<div class='empty'>{html.escape(lab['facts_pick'])}</div>"
        try:
            same = [f for f in self.table() if f.source == source]  # its title, outlet, date and address
        except RagError:
            same = []
        fact = next((f for f in same if f.sentence == sentence), same[0] if same else None)
        text = self.article(source)
        title = html.escape(fact.title if fact and fact.title else source)
        marked = _highlight(text, [sentence]) if sentence else html.escape(text).replace("\n", "<br>")
        if sentence and "<mark>" not in marked:  # a headline, or a sentence the cleaned text writes otherwise
            if fact and sentence == fact.title:
                title = f"<mark>{title}</mark>"
            else:
                marked = f"<p><mark>{html.escape(sentence)}</mark></p>{marked}"
        url = fact.url if fact else ""
        head = f"<a href='{html.escape(url)}' target='_blank' rel='noopener'>{title}</a>" if url else title
        meta = [html.escape(x) for x in ((fact.outlet, fact.date) if fact else ()) if x]
        meta.append(f"{lab['source_file']}: {html.escape(source)}")
        return (f"<div class='fact-article'><div class='fact-head'><b>{head}</b></div>"
                f"<div class='src-meta'>{' · '.join(meta)}</div><div class='fact-text'>{marked}</div></div>")  # fmt: skip


def facts_frame(rows: list[Fact]) -> dict:
    """The gr.Dataframe value of ``rows``: the count column holds the number (so that sorting it
    puts 1.472 after 616, not between 1 and 2) and shows the count as the article writes it."""
    data, shown = [], []
    for f in rows:
        value = int(f.value) if float(f.value).is_integer() else f.value
        cells = [f.unit, value, f.category, f.role, f.province, f.region, f.stage, f.date, f.source, f.sentence]
        data.append(cells)
        shown.append([cells[0], f.count, *cells[2:]])
    metadata = {"display_value": shown, "styling": [[""] * len(FACT_COLUMNS) for _ in rows]} if rows else None
    return {"headers": list(FACT_COLUMNS), "data": data, "metadata": metadata}


def facts_chart(rows: list[Fact], by: str = "unit") -> list[tuple[str, str, float]]:
    """(unit or province, category, personnel) summed over ``rows``, largest first. Only totals and
    single figures count: a part is inside its total, and a row repeating another shown row's
    figure (another article reporting the same deployment, its ``group``) counts once."""
    if by not in CHART_BY:
        raise ValueError(f"chart by {by!r}: use one of {', '.join(CHART_BY)}")
    shown = {f.id for f in rows}
    sums: dict[tuple[str, str], float] = {}
    for f in rows:
        if f.role == "part" or (f.group and f.group in shown):
            continue
        key = (getattr(f, by) or "?", f.category)
        sums[key] = sums.get(key, 0.0) + f.value
    per_key: dict[str, float] = {}
    for (name, _), value in sums.items():
        per_key[name] = per_key.get(name, 0.0) + value
    return sorted(((n, c, v) for (n, c), v in sums.items()), key=lambda t: (-per_key[t[0]], t[0], t[1]))


def chart_frame(rows: list[Fact], by: str = "unit"):
    """:func:`facts_chart` as the pandas frame gr.BarPlot draws (name, category, personnel)."""
    import pandas as pd

    return pd.DataFrame(facts_chart(rows, by), columns=["name", "category", "personnel"])


def chart_choices(lab: dict[str, str]) -> list[tuple[str, str]]:
    return [(lab[f"by_{by}"], by) for by in CHART_BY]


def facts_csv_file(rows: list[Fact], folder: Path | None = None) -> Path:
    """``rows`` as CSV (:func:`rag.deployments.to_csv`) in a file named facts.csv, for download.
    The file's folder is named by its content: the same rows reuse one file."""
    import hashlib

    from rag.deployments import to_csv

    text = to_csv(rows)
    root = folder or Path(tempfile.gettempdir()) / "pilkada-rag-facts"
    path = root / hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] / "facts.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".facts-{uuid.uuid4().hex}.csv")  # another session may write the same file
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    return path


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

    handlers = ChatHandlers(settings, upload_dir=gradio_upload_dir())
    facts = FactsHandlers(settings, handlers._article_text)  # the article text the source cards show
    lab = labels("id")
    corpus_now = handlers.view()
    facts_now = facts.view()
    with gr.Blocks(title="Pilkada QA", analytics_enabled=False) as demo:
        last_answer = gr.State(None)  # per browser session: concurrent users never share answers
        # conversations are kept in the browser (encrypted with a key kept by the server), not on the server
        saved = gr.BrowserState([], storage_key="pilkada-qa-conversations", secret=ui_secret(settings))
        conv_id = gr.State("")
        header = gr.Markdown(f"## {lab['title']}\n{lab['subtitle']}", elem_id="header")
        language = gr.Radio(list(LANGUAGE_CHOICES), value="Otomatis / Auto", label=lab["language"], elem_id="language")
        with gr.Tabs():
            with gr.Tab(lab["chat_tab"], id="chat") as chat_tab:
                with gr.Row():
                    with gr.Column(scale=3):
                        with gr.Row(elem_id="conversation-bar"):
                            picker = gr.Dropdown(choices=[], value=None, label=lab["conversations"], elem_id="conversations",
                                                 scale=4, interactive=True)  # fmt: skip
                            new_conv = gr.Button(lab["new_conversation"], size="sm", elem_id="conversation-new", scale=1)
                            delete_conv = gr.Button(lab["delete_conversation"], size="sm", variant="stop",
                                                    elem_id="conversation-delete", scale=1)  # fmt: skip
                        with gr.Row(elem_id="conversation-rename-row"):
                            rename_box = gr.Textbox(placeholder=lab["rename_placeholder"], show_label=False, max_lines=1,
                                                    elem_id="conversation-name", scale=4)  # fmt: skip
                            rename_conv = gr.Button(lab["rename_conversation"], size="sm", elem_id="conversation-rename", scale=1)
                        chatbot = gr.Chatbot(elem_id="chat", height=480, label=lab["chat_tab"], feedback_options=("Like", "Dislike"))
                        question = gr.Textbox(placeholder=lab["placeholder"], show_label=False, elem_id="question", max_lines=4)
                        with gr.Row():
                            send = gr.Button(lab["send"], variant="primary", elem_id="send")
                            clear = gr.Button(lab["clear"], elem_id="clear")
                        with gr.Row():
                            comment = gr.Textbox(placeholder=lab["feedback_comment"], show_label=False, max_lines=2,
                                                 elem_id="feedback-comment", scale=3)  # fmt: skip
                            feedback_status = gr.Markdown(elem_id="feedback-status")
                        examples = gr.Examples(EXAMPLES, inputs=question, label=lab["examples"])
                    with gr.Column(scale=2):
                        sources_title = gr.Markdown(f"### {lab['sources']}")
                        sources = gr.HTML(sources_html(None, "id"), elem_id="sources")
                with gr.Accordion(lab["settings"], open=False) as settings_box:
                    with gr.Row():
                        engine = gr.Dropdown(["extractive", "llm"], value=settings.answer_engine, label=lab["engine"])
                        top_k = gr.Slider(1, 15, step=1, value=settings.top_k, label=lab["top_k"])
                    with gr.Row():
                        outlet = gr.Dropdown([""] + corpus_now.outlets, value="", label=lab["outlet"], allow_custom_value=True)
                        date_from = gr.Textbox(label=lab["date_from"], max_lines=1)
                        date_to = gr.Textbox(label=lab["date_to"], max_lines=1)
            with gr.Tab(lab["corpus_tab"], id="corpus") as corpus_tab:
                table = gr.Dataframe(
                    headers=["source", "title", "outlet", "date", "chunks"], value=corpus_now.rows,
                    interactive=False, elem_id="articles", label=lab["articles"], wrap=True,
                    column_widths=["22%", "43%", "17%", "11%", "7%"],
                )  # fmt: skip
                refresh = gr.Button(lab["refresh"], size="sm", elem_id="corpus-refresh")
                upload = gr.File(
                    file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                    type="filepath", label=lab["upload"], elem_id="upload",
                )  # fmt: skip
                status = gr.Markdown(elem_id="corpus-status")
                with gr.Row(visible=False, elem_id="upload-conflict") as conflict_box:  # replace, keep both or cancel
                    replace = gr.Button(lab["replace"], variant="stop", elem_id="conflict-replace")
                    keep_both = gr.Button(lab["keep_both"], variant="primary", elem_id="conflict-keep-both")
                    cancel_upload = gr.Button(lab["cancel"], elem_id="conflict-cancel")
                with gr.Row():
                    # Nothing pre-selected; the choices are the live list (refreshed on every change).
                    to_remove = gr.Dropdown(corpus_now.choices, value=None, label=lab["remove"], elem_id="remove-choice")
                    remove = gr.Button(lab["remove_button"], variant="stop", elem_id="remove")
                with gr.Column(visible=False, elem_id="remove-confirm") as confirm_box:  # removal asks first
                    confirm_prompt = gr.Markdown(elem_id="remove-prompt")
                    with gr.Row():
                        confirm_yes = gr.Button(lab["confirm"], variant="stop", elem_id="remove-yes")
                        confirm_no = gr.Button(lab["cancel"], elem_id="remove-no")
            with gr.Tab(lab["facts_tab"], id="facts") as facts_tab:
                with gr.Row():
                    fact_filters = {
                        k: gr.Dropdown(facts_now.choices[k], value="", label=lab[f"facts_{k}"], elem_id=f"facts-{k}", min_width=150)
                        for k in FACT_FILTERS
                    }  # fmt: skip
                    facts_from = gr.Textbox(label=lab["date_from"], max_lines=1, elem_id="facts-from", min_width=150)
                    facts_to = gr.Textbox(label=lab["date_to"], max_lines=1, elem_id="facts-to", min_width=150)
                with gr.Row(equal_height=True):
                    facts_status = gr.Markdown(facts_now.status, elem_id="facts-status")
                    facts_refresh = gr.Button(lab["facts_refresh"], size="sm", elem_id="facts-refresh", scale=0, min_width=150)
                    facts_download = gr.DownloadButton(lab["facts_download"], value=facts_csv_file(facts_now.rows), size="sm",
                                                       elem_id="facts-download", scale=0, min_width=150)  # fmt: skip
                facts_grid = gr.Dataframe(
                    value=facts_frame(facts_now.rows), headers=list(FACT_COLUMNS), datatype=FACT_DATATYPES,
                    interactive=False, elem_id="facts-table", label=lab["facts_table"], wrap=True, max_height=420,
                    column_widths=["13%", "7%", "7%", "6%", "10%", "8%", "7%", "8%", "11%", "23%"],
                )  # fmt: skip
                with gr.Row():
                    with gr.Column(scale=3):
                        facts_article = gr.HTML(facts.article_html("", ""), elem_id="facts-article")
                    with gr.Column(scale=2):
                        chart_by = gr.Radio(chart_choices(lab), value="unit", label=lab["facts_chart_by"], elem_id="facts-chart-by")
                        facts_plot = gr.BarPlot(
                            chart_frame(facts_now.rows, "unit"), x="name", y="personnel", color="category", sort="-y",
                            x_title=lab["facts_chart_x"], y_title=lab["facts_chart"], x_label_angle=-35, label=lab["facts_chart"], show_label=False,
                            color_title=lab["facts_color"], color_map=CATEGORY_COLORS, elem_id="facts-chart", height=440,
                        )  # fmt: skip
                        facts_caption = gr.Markdown(lab["facts_caption"], elem_id="facts-chart-caption")
        picked_fact = gr.State(("", ""))  # the (source, sentence) of the row whose article is shown
        pending_upload = gr.State([])  # uploaded files waiting for replace / keep both / cancel
        pending_removal = gr.State("")  # the article the confirmation names: exactly that one is removed

        ask_inputs = [question, chatbot, language, engine, top_k, outlet, date_from, date_to]
        ask_outputs = [chatbot, sources, last_answer, question]
        submitted = question.submit(handlers.respond, ask_inputs, ask_outputs, api_name="ask")
        clicked = send.click(handlers.respond, ask_inputs, ask_outputs, api_name=False)
        def rated(history: list[dict], note: str, lang: str, data: gr.LikeData) -> tuple[str, str]:
            return handlers.feedback(history, data.index, bool(data.liked), note, lang), ""

        rated.__annotations__["data"] = gr.LikeData  # Gradio injects the event by this (real) type

        chatbot.like(rated, [chatbot, comment, language], [feedback_status, comment], api_name=False)
        # Clearing starts a new conversation; the one cleared stays in the saved list.
        clear.click(lambda lang: ([], sources_html(None, ui_language(lang)), None, uuid.uuid4().hex, gr.update(value=None)),
                    [language], [chatbot, sources, last_answer, conv_id, picker], api_name=False)  # fmt: skip

        def restore(stored: list[dict], lang: str):
            if not stored:
                return [], uuid.uuid4().hex, gr.update(choices=[], value=None), sources_html(None, ui_language(lang))
            latest = stored[0]
            return (latest["messages"], latest["id"], gr.update(choices=conversation_choices(stored), value=latest["id"]),
                    handlers.conversation_sources(latest["messages"], ui_language(lang)))  # fmt: skip

        def opened(choice: str, stored: list[dict], lang: str):
            chosen = next((c for c in stored or [] if c["id"] == choice), None)
            if chosen is None:
                return gr.update(), gr.update(), gr.update()
            return chosen["messages"], chosen["id"], handlers.conversation_sources(chosen["messages"], ui_language(lang))

        def stored_now(stored: list[dict], cid: str, history: list[dict]):
            kept = save_conversation(stored, cid, history)
            return kept, gr.update(choices=conversation_choices(kept), value=cid if history else None)

        def deleted(stored: list[dict], cid: str, lang: str):
            kept = delete_conversation(stored, cid)
            return (kept, [], uuid.uuid4().hex, gr.update(choices=conversation_choices(kept), value=None),
                    sources_html(None, ui_language(lang)))  # fmt: skip

        def renamed(stored: list[dict], cid: str, title: str):
            kept = rename_conversation(stored, cid, title)
            return kept, gr.update(choices=conversation_choices(kept), value=cid if any(c["id"] == cid for c in kept) else None), ""

        demo.load(restore, [saved, language], [chatbot, conv_id, picker, sources], api_name=False)
        picker.input(opened, [picker, saved, language], [chatbot, conv_id, sources], api_name=False)
        new_conv.click(lambda lang: ([], uuid.uuid4().hex, gr.update(value=None), sources_html(None, ui_language(lang))),
                       [language], [chatbot, conv_id, picker, sources], api_name=False)  # fmt: skip
        delete_conv.click(deleted, [saved, conv_id, language], [saved, chatbot, conv_id, picker, sources], api_name=False)
        rename_conv.click(renamed, [saved, conv_id, rename_box], [saved, picker, rename_box], api_name=False)
        for event in (submitted, clicked):  # every answer is kept in the browser's saved conversations
            event.then(stored_now, [saved, conv_id, chatbot], [saved, picker], api_name=False)

        listing = [status, table, to_remove, outlet]
        upload_outputs = listing + [conflict_box, pending_upload, upload]
        removal_outputs = listing + [confirm_box, pending_removal]

        def shown(view: CorpusView) -> tuple:
            return view.status, view.rows, gr.update(choices=view.choices, value=view.selected), gr.update(choices=[""] + view.outlets)

        def uploaded(view: CorpusView) -> tuple:
            return (*shown(view), gr.update(visible=bool(view.conflict)), view.pending, None)

        def removed(view: CorpusView) -> tuple:
            return (*shown(view), gr.update(visible=False), "")

        def refreshed(selected: str | None) -> tuple:
            return shown(handlers.view(selected=selected))[1:]

        upload.upload(lambda files, lang: uploaded(handlers.upload(files, lang)), [upload, language], upload_outputs, api_name=False)
        for button, policy in ((replace, "replace"), (keep_both, "keep_both"), (cancel_upload, "cancel")):
            button.click(
                lambda pending, lang, policy=policy: uploaded(handlers.upload(pending, lang, policy)),
                [pending_upload, language], upload_outputs, api_name=False,
            )  # fmt: skip

        def ask_removal(source: str | None, lang: str) -> tuple:
            prompt = handlers.confirm_removal(source, lang)
            return gr.update(visible=bool(prompt)), prompt, source if prompt else ""

        remove.click(ask_removal, [to_remove, language], [confirm_box, confirm_prompt, pending_removal], api_name=False)
        to_remove.change(lambda: (gr.update(visible=False), ""), None, [confirm_box, pending_removal], api_name=False)
        confirm_yes.click(lambda src, lang: removed(handlers.remove(src, lang)), [pending_removal, language], removal_outputs, api_name=False)
        confirm_no.click(
            lambda lang: (gr.update(visible=False), "", labels(ui_language(lang))["cancelled"]), [language],
            [confirm_box, pending_removal, status], api_name=False,
        )  # fmt: skip
        # Changes made by other sessions or the CLI show when the page loads, the tab opens, or on refresh.
        for trigger in (refresh.click, corpus_tab.select, demo.load):
            trigger(refreshed, [to_remove], listing[1:], api_name=False)

        # ---- facts tab: thin wiring over FactsHandlers ----
        facts_inputs = [*fact_filters.values(), facts_from, facts_to, chart_by, language, last_answer, chatbot]
        facts_outputs = [facts_grid, *fact_filters.values(), facts_status, facts_download, facts_plot]

        def facts_shown(province, unit, category, stage, date_from, date_to, by, choice, answer, history) -> tuple:
            lang = page_language(choice, answer, history)
            view = facts.view(province, unit, category, stage, date_from, date_to, lang)
            given = {"province": province, "unit": unit, "category": category, "stage": stage}
            drops = [gr.update(choices=view.choices[k], **({"value": ""} if given[k] and k not in view.filters else {}))
                     for k in FACT_FILTERS]  # fmt: skip
            # the data only: a BarPlot given new data and new axis titles at once draws the old data
            plot = chart_frame(view.rows, by if by in CHART_BY else "unit")
            return (facts_frame(view.rows), *drops, view.status, facts_csv_file(view.rows), plot)

        def fact_picked(choice, answer, history, evt) -> tuple:
            row = list(evt.row_value or [])
            source, sentence = (str(row[8]), str(row[9])) if len(row) == len(FACT_COLUMNS) else ("", "")
            return facts.article_html(source, sentence, page_language(choice, answer, history)), (source, sentence)

        fact_picked.__annotations__["evt"] = gr.SelectData  # Gradio injects the event by this (real) type

        def relabel_facts(choice, answer, history, picked) -> tuple:
            lang = page_language(choice, answer, history)
            lb = labels(lang)
            return (
                gr.update(label=lb["facts_tab"]), gr.update(label=lb["facts_table"]),
                *[gr.update(label=lb[f"facts_{k}"]) for k in FACT_FILTERS],
                gr.update(label=lb["date_from"]), gr.update(label=lb["date_to"]), gr.update(value=lb["facts_refresh"]),
                gr.update(label=lb["facts_download"]), gr.update(label=lb["facts_chart_by"], choices=chart_choices(lb)),
                gr.update(label=lb["facts_chart"], x_title=lb["facts_chart_x"], y_title=lb["facts_chart"], color_title=lb["facts_color"]),
                lb["facts_caption"], facts.article_html(*(picked or ("", "")), lang),
            )  # fmt: skip

        facts_relabelled = [facts_tab, facts_grid, *fact_filters.values(), facts_from, facts_to, facts_refresh,
                            facts_download, chart_by, facts_plot, facts_caption, facts_article]  # fmt: skip
        # One at a time, in order: an earlier (slower) refresh never overwrites the rows of a later filter.
        in_order = {"api_name": False, "concurrency_id": "facts", "concurrency_limit": 1}
        for box in (*fact_filters.values(), facts_from, facts_to, chart_by):  # filters apply on change
            box.change(facts_shown, facts_inputs, facts_outputs, show_progress="hidden", **in_order)
        # The corpus changed (upload, removal; its table is redrawn), or changes by others: on refresh, on opening the tab.
        for trigger in (table.change, facts_refresh.click, facts_tab.select):
            trigger(facts_shown, facts_inputs, facts_outputs, **in_order)
        scroll_to_mark = """() => { const box = document.querySelector('#facts-article .fact-text');
            const mark = box && box.querySelector('mark');
            if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 40); }"""
        facts_grid.select(fact_picked, [language, last_answer, chatbot], [facts_article, picked_fact], api_name=False).then(
            None, None, None, js=scroll_to_mark, api_name=False)  # fmt: skip

        def relabel(choice, answer, history):
            lang = page_language(choice, answer, history)
            lb = labels(lang)
            return (
                f"## {lb['title']}\n{lb['subtitle']}", gr.update(label=lb["language"]),
                gr.update(label=lb["chat_tab"]), gr.update(label=lb["corpus_tab"]),
                gr.update(placeholder=lb["placeholder"]), gr.update(value=lb["send"]), gr.update(value=lb["clear"]),
                f"### {lb['sources']}", handlers.conversation_sources(history, lang), gr.update(label=lb["settings"]),
                gr.update(label=lb["upload"]), gr.update(label=lb["remove"]), gr.update(value=lb["remove_button"]),
                gr.update(value=lb["refresh"]), gr.update(value=lb["replace"]), gr.update(value=lb["keep_both"]),
                gr.update(value=lb["cancel"]), gr.update(value=lb["confirm"]), gr.update(value=lb["cancel"]),
                gr.update(placeholder=lb["feedback_comment"]), gr.update(label=lb["conversations"]),
                gr.update(value=lb["new_conversation"]), gr.update(value=lb["delete_conversation"]),
                gr.update(value=lb["rename_conversation"]), gr.update(placeholder=lb["rename_placeholder"]),
                gr.update(label=lb["examples"]), gr.update(label=lb["engine"]), gr.update(label=lb["top_k"]),
                gr.update(label=lb["outlet"]), gr.update(label=lb["date_from"]), gr.update(label=lb["date_to"]),
                gr.update(label=lb["articles"]),
            )  # fmt: skip

        relabelled = [header, language, chat_tab, corpus_tab, question, send, clear, sources_title, sources,
                      settings_box, upload, to_remove, remove, refresh, replace, keep_both, cancel_upload,
                      confirm_yes, confirm_no, comment, picker, new_conv, delete_conv, rename_conv, rename_box,
                      examples.dataset, engine, top_k, outlet, date_from, date_to, table]  # fmt: skip
        language.change(relabel, [language, last_answer, chatbot], relabelled, api_name=False)
        # the chat's own label follows the toggle only (relabelling it after every answer would redraw the chat)
        language.change(lambda choice: gr.update(label=labels(ui_language(choice))["chat_tab"]), [language], [chatbot],
                        api_name=False)  # fmt: skip
        for event in (submitted, clicked):  # 'auto': the labels follow the language of the question
            event.then(relabel, [language, last_answer, chatbot], relabelled, api_name=False)
        for event in (language.change, *(e.then for e in (submitted, clicked))):
            event(relabel_facts, [language, last_answer, chatbot, picked_fact], facts_relabelled, api_name=False).then(
                facts_shown, facts_inputs, facts_outputs, show_progress="hidden", **in_order)  # fmt: skip
    demo.queue(default_concurrency_limit=8)
    return demo


def theme():
    import gradio as gr

    # System fonts only: the default theme would fetch fonts from the internet.
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )


def can_open_browser() -> bool:
    """A desktop session to open a browser in (not a server, a container or CI)."""
    import sys

    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: dict[str, str] | None = None,
          block: bool = True, open_browser: bool = False):  # fmt: skip
    """Ingest if needed, build the app and serve it. ``auth``: user -> password to require a login
    (guarded by :class:`rag.login.LoginGuard`), or None; the address is printed when the page is
    ready, and opened in a browser when asked and possible."""
    import threading

    from rag.api import get_pipeline

    started = time.perf_counter()
    prepare_index(settings)
    demo = build_app(settings)
    credentials = LoginGuard(auth) if auth else None
    demo.launch(
        server_name=host, server_port=port, auth=credentials, theme=theme(), css=CSS,
        prevent_thread_lock=True, show_error=True, quiet=True, ssr_mode=False, footer_links=[],
        max_file_size=settings.max_file_bytes,  # Gradio refuses a larger upload before storing it
    )  # fmt: skip
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    log.info("UI serving on %s after %.1f s", url, time.perf_counter() - started)
    print(f"\n  Chat UI ready: {url}   (Ctrl-C to stop)\n", flush=True)
    if open_browser and can_open_browser():
        import webbrowser

        webbrowser.open(url)
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
    parser.add_argument("--auth-file", type=Path, default=os.environ.get("RAG_UI_AUTH_FILE") or None,
                        help="require a login: a file of user:password lines (or RAG_UI_AUTH_FILE; or the "
                             "RAG_UI_AUTH variable holding user:password). Not on the command line: the "
                             "process list would show the password")  # fmt: skip
    parser.add_argument("--auth", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help="corpus folder")
    parser.add_argument("--index", type=Path, help="index folder")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser (one opens only where a desktop session is available)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.auth is not None:
        parser.error("--auth would show the password in the process list: put user:password in a file "
                     "(--auth-file) or in the RAG_UI_AUTH environment variable")  # fmt: skip
    try:
        users = load_credentials(os.environ.get("RAG_UI_AUTH", ""), args.auth_file)
    except AuthError as exc:
        parser.error(str(exc))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(Settings.from_env(corpus_dir=args.corpus, index_dir=args.index), args.host, args.port, users,
          open_browser=not args.no_browser and os.environ.get("RAG_UI_BROWSER", "1") != "0")  # fmt: skip
