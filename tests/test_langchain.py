"""rag.as_retriever and rag.as_runnable in real LangChain composition, on the seed index."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

import rag
from rag.answer.llm import LLMAnswerer
from rag.api import Filters, get_pipeline
from rag.errors import QuestionError
from rag.types import Answer

BANYUASIN = "Berapa personel yang diterjunkan Polres Banyuasin?"
GOLD = "004_4de73d00fb467760.txt"
QUESTIONS = [BANYUASIN, "How many personnel did Polres Banyuasin deploy?", "Berapa personel yang dikerahkan Polres Surabaya?"]
README = Path(__file__).resolve().parent.parent / "README.md"


def test_retriever_returns_documents_with_the_gold_article_first(seed_index):
    retriever = rag.as_retriever(index_dir=seed_index, k=4)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(BANYUASIN)
    assert 0 < len(docs) <= 4 and all(isinstance(d, Document) for d in docs)
    assert docs[0].metadata["source"] == GOLD
    assert {"source", "title", "url", "outlet", "date", "score"} <= set(docs[0].metadata)
    assert docs[0].metadata["title"] and docs[0].metadata["date"].startswith("2024")
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert any("616" in d.page_content for d in docs if d.metadata["source"] == GOLD)
    assert len({d.id for d in docs}) == len(docs)


def test_retriever_reads_the_question_as_ask_does(seed_index):
    ask_sources = [p.source for p in rag.ask(BANYUASIN, index_dir=seed_index, top_k=3).contexts]
    assert [d.metadata["source"] for d in rag.as_retriever(index_dir=seed_index, k=3).invoke(BANYUASIN)] == ask_sources
    english = rag.as_retriever(index_dir=seed_index, k=3).invoke("How many personnel did Polres Banyuasin deploy?")
    assert english[0].metadata["source"] == GOLD  # English words mapped to the Indonesian article


def test_retriever_composes_with_runnables(seed_index):
    chain = rag.as_retriever(index_dir=seed_index, k=3) | RunnableLambda(lambda docs: [d.metadata["source"] for d in docs])
    assert chain.invoke(BANYUASIN)[0] == GOLD
    assert [sources[0] for sources in chain.batch([BANYUASIN, QUESTIONS[1]])] == [GOLD, GOLD]
    assert asyncio.run(chain.ainvoke(BANYUASIN))[0] == GOLD


def test_retriever_filters_and_bad_questions(seed_index):
    none = rag.as_retriever(index_dir=seed_index, filters=Filters(date_from="2023-01", date_to="2023-12"))
    assert none.invoke(BANYUASIN) == []
    kept = rag.as_retriever(index_dir=seed_index, filters=Filters(date_from="2024-11", date_to="2024-11-30"))
    assert kept.invoke(BANYUASIN)[0].metadata["source"] == GOLD
    with pytest.raises(QuestionError, match="empty"):
        rag.as_retriever(index_dir=seed_index).invoke("   ")
    with pytest.raises(QuestionError, match="not a date"):
        rag.as_retriever(index_dir=seed_index, filters=Filters(date_from="kemarin")).invoke(BANYUASIN)


def test_runnable_invoke_gives_the_same_answer_as_ask(seed_index):
    qa = rag.as_runnable(index_dir=seed_index)
    assert isinstance(qa, Runnable) and qa.OutputType is Answer
    answer = qa.invoke(BANYUASIN)
    assert isinstance(answer, Answer) and answer.answerable
    assert "616" in answer.text and answer.citations[0].source == GOLD
    assert answer.text == rag.ask(BANYUASIN, index_dir=seed_index).text
    declined = qa.invoke(QUESTIONS[2])
    assert not declined.answerable and declined.citations == []


def test_runnable_takes_a_conversation(seed_index):
    qa = rag.as_runnable(index_dir=seed_index)
    first = qa.invoke({"question": BANYUASIN})
    for history in (
        [{"role": "user", "content": BANYUASIN}, {"role": "assistant", "content": first.text}],
        [HumanMessage(BANYUASIN), AIMessage(first.text)],
        [("human", BANYUASIN), ("ai", first.text)],
    ):
        follow = qa.invoke({"question": "Kalau di Ogan Ilir?", "history": history})
        assert follow.resolved_question == "Berapa personel yang diterjunkan Polres Ogan Ilir?"
        assert follow.question == "Kalau di Ogan Ilir?"


@pytest.mark.parametrize(("bad", "message"), [(42, "got int"), ({"query": BANYUASIN}, "unknown input keys"), ({}, "empty")])
def test_runnable_refuses_bad_input_with_a_sentence(seed_index, bad, message):
    with pytest.raises(QuestionError, match=message):
        rag.as_runnable(index_dir=seed_index).invoke(bad)


def test_runnable_stream_ends_with_the_answer(seed_index):
    parts = list(rag.as_runnable(index_dir=seed_index).stream(BANYUASIN))
    assert len(parts) == 1  # the offline engine answers at once
    final = parts[-1]
    assert isinstance(final, Answer) and final.answerable and final.citations[0].source == GOLD


def test_runnable_streams_the_llm_reply_then_the_verified_answer(seed_index):
    qa = rag.as_runnable(index_dir=seed_index)
    qa.invoke(BANYUASIN)  # loads the index into the pipeline the runnable uses
    pipeline = get_pipeline(qa.settings)
    extractive = pipeline.engine
    reply = "Polres Banyuasin menerjunkan 616 personel [1]."
    pipeline.engine = LLMAnswerer(GenericFakeChatModel(messages=iter([AIMessage(reply)])), qa.settings.prompts_dir, fallback=extractive)
    try:
        parts = list(qa.stream(BANYUASIN))
    finally:
        pipeline.engine = extractive
    texts, final = parts[:-1], parts[-1]
    assert len(texts) > 3 and all(isinstance(t, str) for t in texts) and texts[-1] == reply
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:], strict=False))  # the reply so far, growing
    assert isinstance(final, Answer) and final.engine == "llm" and final.answerable
    assert final.text == reply and final.citations[0].source == GOLD


def test_runnable_batch_and_async(seed_index):
    qa = rag.as_runnable(index_dir=seed_index)
    answers = qa.batch(QUESTIONS)
    assert [a.question for a in answers] == QUESTIONS
    assert [a.answerable for a in answers] == [True, True, False]
    assert asyncio.run(qa.ainvoke(BANYUASIN)).text == answers[0].text

    async def collect():
        return [part async for part in qa.astream(BANYUASIN)]

    assert [type(p) for p in asyncio.run(collect())] == [Answer]


def test_runnable_inside_a_chain_reports_to_callbacks(seed_index):
    class Runs(BaseCallbackHandler):
        def __init__(self):
            self.started, self.ended = [], []

        def on_chain_start(self, serialized, inputs, **kwargs):
            self.started.append(kwargs.get("name"))

        def on_chain_end(self, outputs, **kwargs):
            self.ended.append(outputs)

    runs = Runs()
    chain = RunnableLambda(str.strip) | rag.as_runnable(index_dir=seed_index) | RunnableLambda(lambda a: a.citations[0].source)
    assert chain.invoke(f"  {BANYUASIN} ", config={"callbacks": [runs]}) == GOLD
    assert "rag" in runs.started
    assert any(isinstance(out, Answer) for out in runs.ended)


def test_settings_keywords_and_settings_objects(seed_index):
    qa = rag.as_runnable(rag.Settings(), index_dir=str(seed_index), top_k=2)
    assert qa.settings.index_dir == seed_index and qa.settings.top_k == 2
    assert len(qa.invoke(BANYUASIN).contexts) >= 2
    assert rag.as_retriever(settings=qa.settings).invoke(BANYUASIN)[0].metadata["source"] == GOLD
    assert len(rag.as_retriever(settings=qa.settings).invoke(BANYUASIN)) == 2  # k defaults to top_k


def test_readme_example_runs(seed_index, tmp_path, monkeypatch, capsys):
    section = README.read_text(encoding="utf-8").split("## Compose with LangChain", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / ".rag").symlink_to(seed_index, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith(GOLD) and "616 personel [1]." in out
    assert "Berapa personel yang diterjunkan Polres Ogan Ilir?" in out


def test_the_langchain_faces_stay_light(seed_index):
    code = (
        "import json, sys\n"
        "import rag\n"
        "lazy = 'rag.langchain' not in sys.modules\n"
        f"answer = rag.as_runnable(index_dir={str(seed_index)!r}).invoke({BANYUASIN!r})\n"
        f"docs = rag.as_retriever(index_dir={str(seed_index)!r}).invoke({BANYUASIN!r})\n"
        "print(json.dumps({'lazy': lazy, 'text': answer.text, 'source': docs[0].metadata['source'],\n"
        "                  'torch': [m for m in ('torch', 'sentence_transformers') if m in sys.modules]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "RAG_EMBEDDING_BACKEND": "onnx"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"lazy": True, "text": result["text"], "source": GOLD, "torch": []} and "616" in result["text"]
