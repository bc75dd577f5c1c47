"""LLM answer engine through LangChain chat models: Ollama, any OpenAI-compatible server, or a
local GGUF through llama.cpp, chosen by settings. Prompts are read from ``prompts/``.

The engine is an LCEL chain, ``prompt | chat model | StrOutputParser()`` (:func:`answer_chain`),
so any LangChain chat model drops in and the reply streams through ``.stream()``::

    >>> from langchain_core.language_models.fake_chat_models import FakeListChatModel
    >>> chain = answer_chain(FakeListChatModel(responses=["616 personel [1]."]), Settings().prompts_dir)
    >>> chain.invoke({"language_name": "English", "not_found": "Not found.", "sources": "...", "question": "?"})
    '616 personel [1].'

Sources are numbered once, in the order shown to the model. After generation every ``[n]`` is
checked to exist and every number must appear in a cited passage; a failing answer is returned
with ``flagged`` problems and ``answerable=False`` so that it is never shown as fact.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rag.cite import check_answer, cited_numbers, renumber, strip_markers
from rag.query import Question
from rag.reader.compose import NOT_FOUND
from rag.settings import Settings
from rag.types import Answer, Passage

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import Runnable

log = logging.getLogger(__name__)
OPENAI_PROVIDERS = ("openai", "openai-compatible", "vllm", "lmstudio")
LANGUAGE_NAMES = {"id": "Indonesian (Bahasa Indonesia)", "en": "English"}


def make_chat_model(settings: Settings):
    """The LangChain chat model named by the settings (imports only the provider used)."""
    provider = settings.llm_provider.lower()
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        kwargs = {"base_url": settings.llm_base_url} if settings.llm_base_url else {}
        return ChatOllama(model=settings.llm_model, temperature=settings.llm_temperature,
                          num_predict=settings.llm_max_tokens,
                          client_kwargs={"timeout": settings.llm_timeout}, **kwargs)  # fmt: skip
    if provider in OPENAI_PROVIDERS:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or "not-needed",
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            # langchain-openai sends the cap as max_completion_tokens, which OpenAI-compatible
            # servers such as llama.cpp's ignore (the reply then runs to the end of the context)
            **({"extra_body": {"max_tokens": settings.llm_max_tokens}} if settings.llm_base_url
               else {"max_tokens": settings.llm_max_tokens}),
        )
    if provider in ("llamacpp", "llama.cpp", "gguf"):
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError as exc:
            raise RuntimeError(
                "llama.cpp needs the optional extra: pip install '.[llamacpp]' langchain-community"
            ) from exc
        return ChatLlamaCpp(model_path=settings.llm_model, temperature=settings.llm_temperature,
                            max_tokens=settings.llm_max_tokens, n_ctx=settings.llm_context, verbose=False)  # fmt: skip
    raise ValueError(f"unknown LLM provider {settings.llm_provider!r} (ollama, openai, llamacpp)")


def load_prompt(prompts_dir: Path, name: str) -> str:
    path = Path(prompts_dir) / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RuntimeError(f"prompt file {path} is missing") from exc


def answer_prompt(prompts_dir: Path) -> ChatPromptTemplate:
    """The answer prompt from ``prompts/`` (a system and a user message) as a LangChain template
    with the variables ``language_name``, ``not_found``, ``sources`` and ``question``."""
    # imported here: asking with the offline engine never needs it
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([
        ("system", load_prompt(prompts_dir, "answer_system.txt")),
        ("human", load_prompt(prompts_dir, "answer_user.txt")),
    ])  # fmt: skip


def answer_chain(chat_model: Runnable, prompts_dir: Path) -> Runnable[dict, str]:
    """``prompt | chat model | StrOutputParser()``: the model's raw reply as text, unverified
    (:class:`LLMAnswerer` checks its markers and numbers)."""
    from langchain_core.output_parsers import StrOutputParser

    return answer_prompt(prompts_dir) | chat_model | StrOutputParser()


def rewrite_chain(chat_model: Runnable, prompts_dir: Path) -> Runnable[dict, str]:
    """``prompt | chat model | StrOutputParser()`` that turns a follow-up into a standalone
    question (variables ``earlier``: the earlier user questions, ``question``: the follow-up)."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages([
        ("system", load_prompt(prompts_dir, "rewrite_system.txt")),
        ("human", load_prompt(prompts_dir, "rewrite_user.txt")),
    ])  # fmt: skip
    return prompt | chat_model | StrOutputParser()


def standalone_reply(reply: str, question: str) -> str:
    """The rewritten question of a model's reply: its first non-empty line without quotes or a
    label; '' when there is none or it is far longer than a question can be."""
    line = next((ln.strip() for ln in reply.splitlines() if ln.strip()), "")
    line = re.sub(r"^(standalone question|pertanyaan)\s*:\s*", "", line, flags=re.I).strip(" \"'“”`")
    return line if line and len(line) <= max(300, 3 * len(question)) else ""


_TAG = re.compile(r"</?\s*passages?\b[^>]*>", re.I)


def format_sources(passages: list[Passage]) -> str:
    """Each passage inside ``<passage n="...">`` delimiters; a tag written inside an article is
    defused so that an article cannot close its passage and speak as the prompt."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        head = " | ".join(_TAG.sub("", x) for x in (p.title, p.outlet, p.date) if x)
        body = _TAG.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), p.text)
        meta = f' source="{head.replace(chr(34), chr(39))}"' if head else ""
        blocks.append(f'<passage n="{n}"{meta}>\n{body}\n</passage>')
    return "\n\n".join(blocks)


class LLMAnswerer:
    name = "llm"

    def __init__(self, chat_model, prompts_dir: Path, max_sources: int = 6, fallback=None):
        self.chat_model = chat_model
        self.chain = answer_chain(chat_model, prompts_dir)
        self.rewriter = rewrite_chain(chat_model, prompts_dir)
        self.max_sources = max_sources
        self.fallback = fallback  # the extractive engine, used when the model cannot be reached

    @classmethod
    def from_settings(cls, settings: Settings, fallback=None) -> LLMAnswerer:
        model = make_chat_model(settings)
        if settings.llm_provider.lower() not in OPENAI_PROVIDERS and settings.llm_max_retries > 0:
            model = model.with_retry(stop_after_attempt=settings.llm_max_retries + 1)  # OpenAI retries itself
        return cls(model, settings.prompts_dir, settings.top_k, fallback)

    def standalone(self, question: str, earlier: list[str]) -> str:
        """``question`` rewritten by the model against the ``earlier`` user questions (oldest
        first) so that it stands alone; '' when the model fails or gives no usable question
        (the caller then keeps the offline reading)."""
        if not earlier:
            return question
        try:
            reply = self.rewriter.invoke({"earlier": "\n".join(f"- {q}" for q in earlier), "question": question})
        except Exception as exc:  # a provider that is down must not break the conversation
            log.warning("question rewrite failed (%s); using the offline reading", exc)
            return ""
        return standalone_reply(reply, question)

    @staticmethod
    def _inputs(q: Question, sources: list[Passage]) -> dict[str, str]:
        """The values of the prompt's variables for one question and its numbered sources."""
        return {
            "language_name": LANGUAGE_NAMES[q.language], "not_found": NOT_FOUND[q.language],
            "sources": format_sources(sources), "question": q.text,
        }  # fmt: skip

    def _fallback(self, q: Question, passages: list[Passage], exc: Exception) -> Answer:
        log.warning("LLM call failed (%s); using the extractive engine", exc)
        if self.fallback is None:
            raise exc
        answer = self.fallback.answer(q, passages)
        answer.flagged.append(f"LLM unavailable: {exc}")
        return answer

    def _verified(self, q: Question, raw: str, sources: list[Passage], passages: list[Passage]) -> Answer:
        """The model's reply as an answer: markers renumbered, every number checked against the
        cited passages; a reply that fails is flagged and never shown as fact."""
        raw = raw.strip()
        not_found = NOT_FOUND[q.language]
        if not raw or strip_markers(raw).rstrip(".").lower() == not_found.rstrip(".").lower():
            return Answer(q.text, not_found, False, [], passages, q.language, self.name)
        problems = check_answer(raw, sources)
        if not cited_numbers(raw):
            problems.append("the answer cites no source")
        text, citations = renumber(raw, sources)
        return Answer(q.text, text, not problems, citations, passages, q.language, self.name, flagged=problems)

    def answer(self, q: Question, passages: list[Passage]) -> Answer:
        sources = passages[: self.max_sources]
        try:
            reply = self.chain.invoke(self._inputs(q, sources))
        except Exception as exc:  # a provider that is down must not break the product
            return self._fallback(q, passages, exc)
        return self._verified(q, reply, sources, passages)

    def stream(self, q: Question, passages: list[Passage]) -> Iterator[str | Answer]:
        """The reply as it grows (str, the text so far, unverified), then the verified
        :class:`Answer`. A provider that fails before or during the stream gives the extractive
        answer, flagged."""
        sources = passages[: self.max_sources]
        text = ""
        try:
            for piece in self.chain.stream(self._inputs(q, sources)):
                if piece:
                    text += piece
                    yield text
        except Exception as exc:
            yield self._fallback(q, passages, exc)
            return
        yield self._verified(q, text, sources, passages)
