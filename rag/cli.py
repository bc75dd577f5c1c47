"""Command line: ``rag ingest``, ``rag ask``, ``rag add``, ``rag remove``, ``rag doctor``... A thin layer over :mod:`rag.api`.

Every failure the pipeline reports on purpose (:mod:`rag.errors`), a missing folder and a full disk
end in one line ``error: ...`` on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sys
from pathlib import Path

from rag.errors import DiskFull, RagError
from rag.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag",
        description="Cited question answering over Indonesian Pilkada-security news. "
        "Every option can also be set with a RAG_* environment variable (e.g. RAG_INDEX_DIR).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index the corpus folder (incremental)",
                       description="Read, clean, chunk and embed every article in the corpus folder. "
                       "Unchanged files are skipped, changed ones replaced, deleted ones removed.")  # fmt: skip
    p.add_argument("--corpus", type=Path, help="corpus folder (default: corpus, or RAG_CORPUS_DIR)")
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser("ask", help="answer a question with citations",
                       description="Answer a question (Indonesian or English) from the index.")  # fmt: skip
    p.add_argument("question", nargs="+", help="the question")
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    p.add_argument("-k", "--top-k", type=int, help="number of passages to retrieve")
    p.add_argument("--engine", choices=["extractive", "llm"], help="answer engine")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")

    p = sub.add_parser("chat", help="hold a conversation in the terminal (follow-ups understood)",
                       description="Ask questions one line at a time; a follow-up such as 'Kalau di Ogan "
                       "Ilir?' or 'And the TNI?' is read against the earlier questions. An empty line or "
                       "Ctrl-D ends the conversation; /new starts a new one.")  # fmt: skip
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    p.add_argument("-k", "--top-k", type=int, help="number of passages to retrieve")
    p.add_argument("--engine", choices=["extractive", "llm"], help="answer engine")

    p = sub.add_parser("facts", help="the deployment facts table: who deployed how many, where, for what",
                       description="Print the deployment facts of the index (one row per statement of a "
                       "count of security personnel: unit, count, category, total or part, province, region, "
                       "election stage, date, article, sentence), CSV by default, filtered by the options. "
                       "Places may be given by any name: 'Sumsel', 'Sumatera Selatan', 'South Sumatra'.")  # fmt: skip
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--province", help="province, e.g. 'Sumatera Selatan'")
    p.add_argument("--region", help="regency or city, e.g. 'Banyuasin'")
    p.add_argument("--unit", help="unit, e.g. 'Polres Banyuasin' or 'polres:16.07'")
    p.add_argument("--category", help="gabungan, polri, tni, brimob, bko, linmas, satpolpp or other")
    p.add_argument("--event", dest="stage", help="election stage: voting, campaign, debate, registration, recapitulation...")
    p.add_argument("--source", help="article file name")
    p.add_argument("--from", dest="date_from", help="articles dated on or after YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="articles dated on or before YYYY-MM-DD")
    p.add_argument("--format", choices=["csv", "json", "md"], default="csv", help="output format (default csv)")

    p = sub.add_parser("feedback", help="turn thumbs up/down from the chat UI into evaluation cases",
                       description="`rag feedback export` writes one qa.jsonl case per question that got "
                       "feedback in the chat UI (question, language, type, the answer liked or rejected, "
                       "the cited sources, the comment); complete each case's any_of with the gold strings "
                       "and add it to an evaluation set.")  # fmt: skip
    p.add_argument("action", choices=["export"], help="export: write the cases")
    p.add_argument("--file", type=Path, help="feedback file (default: feedback/feedback.jsonl, or RAG_FEEDBACK_FILE)")
    p.add_argument("--rating", choices=["all", "up", "down"], default="all", help="which feedback to export")
    p.add_argument("--out", type=Path, help="write the cases here (default: standard output)")

    p = sub.add_parser("add", help="add articles to the corpus and index them (one transaction)",
                       description="Copy files into the corpus folder and ingest them, as one transaction: "
                       "when the ingest fails the files are taken back out. A name that exists is never "
                       "overwritten silently (see --on-conflict); the same content under another name is "
                       "reported as a duplicate and not added; while another ingest runs nothing is touched.")  # fmt: skip
    p.add_argument("files", type=Path, nargs="+", help="articles (.txt, .md, .html, .pdf)")
    p.add_argument("--on-conflict", choices=["ask", "replace", "keep_both", "cancel"], default="ask",
                   help="when the corpus has a file of the same name: ask (default: change nothing and "
                   "say so), replace it, keep both (the upload becomes name-2.txt), or cancel those files")  # fmt: skip
    p.add_argument("--corpus", type=Path, help="corpus folder (default: corpus, or RAG_CORPUS_DIR)")
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")

    p = sub.add_parser("remove", help="remove one article from the corpus and the index",
                       description="Delete exactly this article (its path inside the corpus folder, as "
                       "`rag ingest` lists it) from the corpus folder and the index, as one transaction.")  # fmt: skip
    p.add_argument("source", help="the article's file name inside the corpus folder")
    p.add_argument("--corpus", type=Path, help="corpus folder (default: corpus, or RAG_CORPUS_DIR)")
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")

    p = sub.add_parser("doctor", help="check the index (and repair it with --repair)",
                       description="Check the live index: the snapshot's files against the checksums "
                       "written at ingest, the snapshot format and analyzer version, the keyword index "
                       "against the chunks, and that the vector store holds a vector for every chunk "
                       "(a sample compared with a fresh embedding). Prints each problem in plain words "
                       "with what to run. Exit status 0 when the index is healthy, 1 otherwise.")  # fmt: skip
    p.add_argument("--repair", action="store_true",
                   help="rebuild what is broken from the corpus (re-embeds only missing vectors, "
                   "rebuilds the keyword index; the live index keeps answering until the new one is complete)")  # fmt: skip
    p.add_argument("--corpus", type=Path, help="corpus folder used by --repair (default: corpus, or RAG_CORPUS_DIR)")
    p.add_argument("--index", type=Path, help="index folder (default: .rag, or RAG_INDEX_DIR)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    p.add_argument("--sample", type=int, default=3, help="stored vectors to compare with a fresh embedding (default 3)")

    p = sub.add_parser("serve", help="open the chat UI", add_help=False,
                       description="Serve the chat UI; same options as `python app.py`.")  # fmt: skip
    p.add_argument("ui_args", nargs=argparse.REMAINDER, help="options for the UI (--host, --port, --auth, --corpus, --index, --help)")

    p = sub.add_parser("eval", help="score the system on a question set",
                       description="Ingest the corpus into a temporary index (or use --index), ask every "
                       "question of a JSONL set (dev-corpus format) and report accuracy by language and type.")  # fmt: skip
    p.add_argument("--qa", type=Path, required=True, help="questions, one JSON object a line")
    p.add_argument("--corpus", type=Path, action="append", help="corpus folder (repeatable; default: corpus)")
    p.add_argument("--index", type=Path, help="use this existing index instead of a temporary one")
    p.add_argument("--out", type=Path, help="folder for report.json, report.md and report.png")
    p.add_argument("--no-baselines", action="store_true", help="score our system only")
    p.add_argument("--facts-expected", type=Path,
                   help="a hand-made deployment facts table (CSV, tests/data/facts_expected.csv): report the "
                   "precision and recall of the index's facts table for the corpus folders' articles")  # fmt: skip
    p.add_argument("--summary-only", action="store_true",
                   help="write only the aggregate figures (summary.json), no question or answer: for a "
                   "held-out set that must not be read question by question")  # fmt: skip

    p = sub.add_parser("train", help="fit the reader (question types, candidate scorer, threshold)",
                       description="Ingest the corpora (or use --index), build candidate features for every "
                       "question of the JSONL sets, fit the question-type classifier and the candidate scorer "
                       "with cross-validation grouped by article, choose the abstention threshold on the "
                       "held-out predictions, and write the weights (rag/reader/*.json, or --out).")  # fmt: skip
    p.add_argument("--qa", type=Path, action="append", required=True, help="labelled questions (repeatable)")
    p.add_argument("--corpus", type=Path, action="append", help="corpus folder (repeatable; default: corpus)")
    p.add_argument("--index", type=Path, help="use this existing index instead of a temporary one")
    p.add_argument("--out", type=Path, help="write the weights here instead of rag/reader/")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from rag.ui import main as serve_main

        serve_main(args.ui_args)
        return 0
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "sentence_transformers", "bm25s", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("error: interrupted (the previous index is still live)", file=sys.stderr)
        return 130
    except (RagError, FileNotFoundError) as exc:
        return _fail(exc)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return _fail(DiskFull(f"no space left on the device ({exc.filename or 'writing'}); the live "
                                  "index is unchanged: free some space and try again"))  # fmt: skip
        raise


def _fail(exc: BaseException) -> int:
    message = " ".join(str(exc).split()) or type(exc).__name__
    print(f"error: {message}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(
        corpus_dir=getattr(args, "corpus", None) if args.command in ("ingest", "doctor", "add", "remove") else None,
        index_dir=getattr(args, "index", None) if args.command not in ("eval", "train") else None,
        chroma_url=getattr(args, "chroma_url", None),
        top_k=getattr(args, "top_k", None),
        answer_engine=getattr(args, "engine", None),
    )
    from rag.api import ask, ingest

    if args.command == "eval":
        return _evaluate(args, settings)
    if args.command == "facts":
        return _facts(args, settings)
    if args.command == "train":
        from rag.reader.train import train

        print(json.dumps(train(args.qa, args.corpus or [settings.corpus_dir], args.index, args.out), indent=2))
        return 0
    if args.command == "ingest":
        report = ingest(settings=settings, progress=not args.no_progress)
        print(report.summary())
        return 0
    if args.command == "doctor":
        return _doctor(args, settings)
    if args.command in ("add", "remove"):
        from rag.corpus import add_articles, remove_article

        change = (add_articles(args.files, settings, on_conflict=args.on_conflict) if args.command == "add"
                  else remove_article(args.source, settings))  # fmt: skip
        print(change.summary())
        return 0
    if args.command == "chat":
        return _chat(settings, sys.stdin, sys.stdout)
    if args.command == "feedback":
        return _feedback(args, settings)
    answer = ask(" ".join(args.question), settings=settings)
    if args.json:
        print(json.dumps(
            {"text": answer.text, "answerable": answer.answerable, "flagged": answer.flagged,
             "dense_search": answer.dense_search, "citations": [vars(c) for c in answer.citations]},
            ensure_ascii=False, indent=2,
        ))  # fmt: skip
        return 0
    _print_answer(answer, sys.stdout)
    return 0


def _print_answer(answer, out) -> None:
    if answer.resolved_question:
        print(f"({answer.resolved_question})", file=out)
    print(answer.text, file=out)
    for n, c in enumerate(answer.citations, start=1):
        where = ", ".join(x for x in (c.outlet, c.date, c.url) if x)
        print(f"[{n}] {c.title or c.source} ({c.source}{'; ' + where if where else ''})", file=out)
    for problem in answer.flagged:
        print(f"warning: {problem}", file=sys.stderr)


def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    from rag.feedback import export_cases

    path = args.file or settings.feedback_file
    cases = export_cases(path, args.rating)
    lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(lines, encoding="utf-8")
        print(f"{len(cases)} cases written to {args.out} (from {path}); complete each any_of", file=sys.stderr)
    else:
        sys.stdout.write(lines)
    return 0


def _chat(settings: Settings, stdin, out) -> int:
    """A terminal conversation over the same API as the UI: each turn is asked with the turns
    before it, so follow-ups are understood."""
    from rag.api import ask
    from rag.errors import RagError

    history: list[dict[str, str]] = []
    interactive = stdin.isatty()
    while True:
        if interactive:
            print("? ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line or not line.strip():
            return 0
        question = line.strip()
        if question == "/new":
            history = []
            print("(new conversation)", file=out)
            continue
        try:
            answer = ask(question, settings=settings, history=history)
        except RagError as exc:  # a bad question or index problem: say it, keep the conversation
            print(f"error: {exc}", file=out)
            continue
        _print_answer(answer, out)
        print(file=out, flush=True)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from rag.doctor import check, repair

    if args.repair:
        result = repair(settings, progress=False, sample=args.sample)
        print(result.summary())
        return 0 if result.after.healthy else 1
    report = check(settings, args.sample)
    print(report.summary())
    return 0 if report.healthy else 1


def _facts(args: argparse.Namespace, settings: Settings) -> int:
    from rag.api import facts_table
    from rag.deployments import FORMATS

    filters = {k: getattr(args, k) for k in ("province", "region", "unit", "category", "stage", "source",
                                             "date_from", "date_to")}  # fmt: skip
    rows = facts_table(settings=settings, **{k: v for k, v in filters.items() if v})
    sys.stdout.write(FORMATS[args.format](rows))
    return 0


def _evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from rag.evaluate import evaluate

    report = evaluate(args.qa, args.corpus or [settings.corpus_dir], args.index, baselines=not args.no_baselines,
                      facts_expected=args.facts_expected)  # fmt: skip
    print(json.dumps(report.to_json()["systems"], indent=2))
    if report.facts:
        print("facts table:", json.dumps({k: v for k, v in report.facts.items() if k not in ("missing", "extra")}))
    if args.out and args.summary_only:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "summary.json").write_text(json.dumps(report.to_json()["systems"], indent=1) + "\n")
        print(f"summary written to {args.out}/summary.json")
    elif args.out:
        report.save(args.out)
        print(f"report written to {args.out}/report.md, report.json, report.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
