"""Questions about a report rather than what it reports: when it was published and which outlet
ran it (with its dateline city). They are answered from the article's metadata (date, outlet,
place, as read from its header at ingest), quoting the headline, never from a sentence of the
body; the words that ask them are data (``knowledge/data/report_terms.tsv``).

    >>> report_field("On what date was the report about Polres Banyuasin published?")
    'date'
    >>> report_field("Media apa yang memberitakan pengamanan debat itu?")
    'outlet'
    >>> report_field("Kapan Polres Banyuasin menerjunkan 616 personel?") is None
    True
    >>> report_field("When were the results published by the KPU?") is None
    True
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.knowledge.categories import TermClass, load_terms
from rag.reader.compose import NOT_FOUND, human_date
from rag.reader.qtype import interrogative_classes
from rag.types import Answer, Passage

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=1)
def report_terms() -> dict[str, TermClass]:
    return {t.name: t for t in load_terms("report_terms.tsv")}


def report_field(question: str) -> str | None:
    """'date' when the question asks when the report (a report noun) was published, 'outlet'
    when it asks which outlet ran it, else None."""
    terms = report_terms()
    if terms["outlet"].pattern.search(question):
        return "outlet"
    classes = {cls for _, cls in interrogative_classes(_WORD.findall(question.lower()))}
    if "time" in classes and terms["published"].pattern.search(question) and terms["report"].pattern.search(question):
        return "date"
    return None


def answer_about_report(question: str, field: str, language: str, articles: list[Passage]) -> Answer:
    """The asked field of the first of ``articles`` (the reader's best match, or none), or 'not
    found' when there is none or its metadata lacks the field."""
    article = articles[0] if articles else None
    value = ""
    if article is not None and field == "date" and article.date:
        value = human_date(article.date, language)
    elif article is not None and field == "outlet" and article.outlet:
        value = f"{article.outlet}, {article.place}" if article.place else article.outlet
    if article is None or not value:
        return Answer(question, NOT_FOUND[language], False, [], articles, language)
    quote = f": “{article.title}”" if article.title else ""
    return Answer(question, f"{value} [1]{quote}", True, [article], articles, language,
                  highlights=[article.title] if article.title else [])  # fmt: skip
