"""Follow-up questions: slots carried over from the previous turn (rag.conversation), through the
API, the terminal chat and the chat UI."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from rag.conversation import resolve, strip_marker
from rag.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BANYUASIN = "Berapa personel yang dikerahkan Polres Banyuasin untuk Pilkada 2024?"


def turns(*questions: str) -> list[dict]:
    out = []
    for q in questions:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": "…"}]
    return out


@pytest.mark.parametrize(
    "previous, follow_up, expected",
    [
        # a region replaces the region a unit of the same level is named after
        (BANYUASIN, "Kalau di Ogan Ilir?", "Berapa personel yang dikerahkan Polres Ogan Ilir untuk Pilkada 2024?"),
        (BANYUASIN, "kalo yg di muba?", "Berapa personel yang dikerahkan Polres muba untuk Pilkada 2024?"),
        # an unseen province, written out and as an English name
        ("Berapa personel yang dikerahkan Polda Kalteng?", "Bagaimana dengan Papua Selatan?",
         "Berapa personel yang dikerahkan Polda Papua Selatan?"),
        ("How many personnel did Polda Sumsel deploy?", "And in North Maluku?", "How many personnel did Polda North Maluku deploy?"),
        # a regency does not rename a provincial unit: it becomes the place
        ("How many personnel did Polda Sumsel deploy?", "And in Ogan Ilir?", "How many personnel did Polda Sumsel deploy in Ogan Ilir?"),
        # a unit replaces a unit
        (BANYUASIN, "Polres Muna?", "Berapa personel yang dikerahkan Polres Muna untuk Pilkada 2024?"),
        # a category qualifies the counted noun (after it in Indonesian, before it in English)
        (BANYUASIN, "Kalau TNI-nya?", "Berapa personel TNI yang dikerahkan Polres Banyuasin untuk Pilkada 2024?"),
        ("How many personnel did Polda Sultra deploy?", "What about Brimob?", "How many Brimob personnel did Polda Sultra deploy?"),
        # a stage replaces the stage, or is added
        ("Berapa personel yang mengamankan debat Pilkada Garut?", "Kalau kampanye?", "Berapa personel yang mengamankan kampanye Pilkada Garut?"),
        ("How many personnel did Polda Sumsel deploy?", "what about the debate?", "How many personnel did Polda Sumsel deploy during the debate?"),
        # a follow-up with its own question word keeps the previous subject
        (BANYUASIN, "Lalu siapa yang memimpin apel?", "siapa yang memimpin apel Polres Banyuasin?"),
    ],
)
def test_follow_ups_carry_the_previous_slots(previous, follow_up, expected):
    assert resolve(follow_up, turns(previous)) == expected


@pytest.mark.parametrize(
    "question",
    ["Berapa TPS di Kendari?", "Siapa Kapolda Sultra?", "How many personnel did Polres Muna deploy for the Pilkada?"],
)
def test_a_question_of_its_own_is_left_alone(question):
    assert resolve(question, turns(BANYUASIN)) == question


def test_no_history_and_assistant_turns_change_nothing():
    assert resolve("Kalau di Ogan Ilir?") == "Kalau di Ogan Ilir?"
    only_answers = [{"role": "assistant", "content": "616 personel [1]"}]
    assert resolve("Kalau di Ogan Ilir?", only_answers) == "Kalau di Ogan Ilir?"


def test_a_chain_of_follow_ups_and_openai_content_parts():
    history = [
        {"role": "user", "content": [{"type": "text", "text": "How many personnel did Polda Sultra deploy?"}]},
        {"role": "assistant", "content": "879 personnel [1]"},
        {"role": "user", "content": "What about Brimob?"},
    ]
    assert resolve("And in North Maluku?", history) == "How many Brimob personnel did Polda North Maluku deploy?"


def test_markers_are_whole_words():
    assert strip_marker("Kalau di Muna?") == ("di Muna?", True)
    assert strip_marker("Kalimantan Timur?") == ("Kalimantan Timur?", False)
    assert strip_marker("Andi Rian?") == ("Andi Rian?", False)


@pytest.fixture(scope="module")
def conversation_index(tmp_path_factory) -> tuple[Path, Path]:
    """The seeds and two training articles about other Sumsel units (Pagar Alam, OKI)."""
    from rag import ingest

    corpus = tmp_path_factory.mktemp("conv-corpus")
    for f in list(SEEDS.iterdir()) + [ROOT / "eval/train/articles" / n for n in
                                      ("t037_polres-oki-pilkada.txt", "t038_polres-pagar-alam-pilkada.txt")]:  # fmt: skip
        shutil.copy(f, corpus / f.name)
    index = tmp_path_factory.mktemp("conv-index")
    ingest(corpus_dir=corpus, index_dir=index, progress=False)
    return corpus, index


def test_follow_up_through_the_api(conversation_index):
    from rag import ask

    _, index = conversation_index
    first = ask(BANYUASIN, index_dir=index)
    assert "616" in first.text and first.resolved_question == ""
    history = [{"role": "user", "content": BANYUASIN}, {"role": "assistant", "content": first.text}]
    second = ask("Kalau di Pagar Alam?", index_dir=index, history=history)
    assert second.resolved_question == "Berapa personel yang dikerahkan Polres Pagar Alam untuk Pilkada 2024?"
    assert second.text.startswith("300 personel") and second.question == "Kalau di Pagar Alam?"
    assert [c.source for c in second.citations] == ["t038_polres-pagar-alam-pilkada.txt"]
    alone = ask("Kalau di Pagar Alam?", index_dir=index)  # the same words without the conversation
    assert not alone.text.startswith("300 personel")


def test_terminal_chat_holds_the_conversation(conversation_index):
    from rag.cli import _chat

    _, index = conversation_index
    out = io.StringIO()
    script = "How many personnel did Polres Banyuasin deploy?\nAnd in OKI?\n/new\nAnd in OKI?\n\n"
    assert _chat(Settings.from_env(index_dir=index), io.StringIO(script), out) == 0
    text = out.getvalue()
    assert "616 personnel" in text
    assert "(How many personnel did Polres OKI deploy?)\n512 personnel [1]" in text
    # after /new the same words have nothing to follow
    assert text.count("512 personnel") == 1 and "(new conversation)" in text


def test_chat_ui_passes_the_history(conversation_index):
    from rag.ui import ChatHandlers

    corpus, index = conversation_index
    handlers = ChatHandlers(Settings.from_env(corpus_dir=corpus, index_dir=index))
    *_, (history, _, _, _) = handlers.respond(BANYUASIN, [])
    *_, (history, sources, answer, _) = handlers.respond("Kalau di Pagar Alam?", history)
    assert answer.text.startswith("300 personel") and "t038_polres-pagar-alam-pilkada.txt" in sources
    assert "Dibaca sebagai" in history[-1]["content"] and "Polres Pagar Alam" in history[-1]["content"]
    assert len(history) == 4
