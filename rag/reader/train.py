"""Fit the reader from labelled questions: the question-type classifier and the candidate scorer,
with cross-validation grouped by article and the abstention threshold read off the held-out
risk-coverage curve. Deterministic (fixed folds, lbfgs): the same data gives the same weights.

    rag train --qa ../shared/dev-corpus/qa.jsonl --qa eval/qa.jsonl --qa eval/train/qa.jsonl \\
              --corpus corpus --corpus ../shared/dev-corpus/articles --corpus eval/train/articles

A candidate sentence is labelled positive when it comes from a gold article and contains every
``any_of`` group (or, for answers spread over several sentences, the most groups any sentence
holds, at least half; for summaries and lists, any group). Answers 'Ya'/'Yes' are not in the article; those groups are left out.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.evaluate import load_questions
from rag.query import analyze_question
from rag.reader.engine import eligible
from rag.reader.features import FEATURES
from rag.reader.qtype import MODEL_PATH as QTYPE_PATH
from rag.reader.qtype import QuestionTypeModel, fit_question_types
from rag.reader.scorer import ANSWERABILITY, CandidateScorer, answerability_features
from rag.reader.scorer import MODEL_PATH as SCORER_PATH

log = logging.getLogger(__name__)
FOLDS = 5
_POLARITY = {"ya", "yes", "tidak", "no", "bukan"}


@dataclass
class QuestionRows:
    item: dict
    group: str  # the article the question is about (folds never split one article)
    passages: list = field(default_factory=list)
    type_probs: dict = field(default_factory=dict)
    eligible: list[bool] = field(default_factory=list)  # see rag.reader.engine.eligible
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    coverage: list[float] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return bool(self.item.get("any_of"))


def label_candidates(item: dict, sentences: list[tuple[str, str]]) -> tuple[list[int], list[float]]:
    """(label, share of groups held) of each (source, sentence)."""
    gold = {Path(s).name for s in item.get("sources", [])}
    groups = [g for g in item.get("any_of", []) if not {v.lower() for v in g} <= _POLARITY]
    if not groups:
        return [0] * len(sentences), [0.0] * len(sentences)
    cover = [
        sum(any(v in text for v in g) for g in groups) / len(groups) if Path(src).name in gold else 0.0
        for src, text in sentences
    ]
    best = max(cover, default=0.0)
    # a summary or a list is made of several sentences: each sentence holding a part of it counts
    needed = 1e-9 if item.get("type") in ("summary", "list") else 0.5
    labels = [int(c == 1.0 or (c == best and c >= needed) or (needed < 0.5 and c > 0)) for c in cover]
    return labels, cover


def question_groups(items: list[dict]) -> list[str]:
    return [(sorted(i.get("sources", [])) or [f"none:{i.get('id', n)}"])[0] for n, i in enumerate(items)]


def fold_of(groups: list[str]) -> list[int]:
    """Deterministic fold per group: groups in sorted order dealt round-robin."""
    order = {g: n % FOLDS for n, g in enumerate(sorted(set(groups)))}
    return [order[g] for g in groups]


def type_probabilities_oof(items: list[dict], folds: list[int]) -> list[dict[str, float]]:
    """Held-out answer-type probabilities, so the scorer learns from realistic type guesses."""
    out: list[dict[str, float]] = [{} for _ in items]
    for k in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != k and items[i]["type"] != "unanswerable"]
        model = fit_question_types([items[i]["question"] for i in train], [items[i]["type"] for i in train])
        for i, f in enumerate(folds):
            if f == k:
                out[i] = model.probabilities(items[i]["question"])
    return out


def collect(pipeline, items: list[dict], type_probs: list[dict[str, float]], groups: list[str]) -> list[QuestionRows]:
    from tqdm.auto import tqdm

    reader = pipeline.engine
    out = []
    for item, probs, group in tqdm(list(zip(items, type_probs, groups, strict=True)), desc="features"):
        q = analyze_question(item["question"])
        _, passages = pipeline.passages(q)
        ctx, cands, rows = reader.score(q, passages, type_probs=probs)  # a held-out type guess
        labels, cover = label_candidates(item, [(c.passage.source, c.sentence) for c in cands])
        out.append(QuestionRows(item, group, passages, probs, eligible(ctx, cands), rows, labels, cover))
    return out


def fit_scorer(data: list[QuestionRows], c: float = 1.0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.array([r for q in data for r in q.rows])
    y = np.array([lab for q in data for lab in q.labels])
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    clf = LogisticRegression(C=c, max_iter=5000).fit((x - scaler.mean_) / scale, y)
    return scaler.mean_.tolist(), scale.tolist(), clf.coef_[0].tolist(), float(clf.intercept_[0])


def outcome(q: QuestionRows, probs: np.ndarray) -> tuple[list[float], bool]:
    """(question-level features, would answering with the best candidate be right)."""
    probs = np.where(q.eligible, probs, 0.0) if len(probs) else probs
    if not len(probs) or not probs.max():
        return [0.0] * len(ANSWERABILITY), False
    best = int(np.argmax(probs))
    # right: the best sentence holds at least half of the answer (the rest may come from the
    # further sentences of a multi-part answer)
    return answerability_features(probs, q.rows, FEATURES), bool(q.coverage[best] >= 0.5) if q.answerable else False


def fit_answerability(xs: list[list[float]], ys: list[bool]) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    if len(set(ys)) < 2:
        return [], 0.0
    clf = LogisticRegression(C=1.0, max_iter=5000).fit(np.array(xs), np.array(ys, dtype=int))
    return clf.coef_[0].tolist(), float(clf.intercept_[0])


def choose_threshold(outcomes: list[tuple[float, bool, bool]], window: int = 5) -> tuple[float, float]:
    """The threshold with the best held-out accuracy (answerable right when answered, unanswerable
    right when declined): a point on the risk-coverage curve. The curve is flat and noisy on a few
    hundred questions, so thresholds are compared by their accuracy averaged over ``window``
    steps (0.01 each) on either side, which picks the middle of a plateau rather than a spike.
    Returns (threshold, held-out accuracy at it)."""
    grid = np.round(np.arange(0.02, 0.96, 0.01), 2)
    accs = np.array([
        np.mean([(p >= t and right) if answerable else p < t for p, right, answerable in outcomes]) for t in grid
    ])  # fmt: skip
    smooth = np.array([accs[max(0, i - window) : i + window + 1].mean() for i in range(len(grid))])
    best = int(np.argmax(smooth))
    return float(grid[best]), float(accs[best])


def train(qa_files: list[Path], corpus_dirs: list[Path], index_dir: Path | None = None, out_dir: Path | None = None) -> dict:
    """Fit both models, write them (to ``out_dir`` or beside the modules) and return a report."""
    import shutil
    import tempfile

    from rag.api import Pipeline
    from rag.evaluate import _copy_corpus
    from rag.ingestion import run_ingest
    from rag.settings import Settings

    per_file = [load_questions(f) for f in qa_files]
    items = [i for rows in per_file for i in rows]
    file_of = [n for n, rows in enumerate(per_file) for _ in rows]
    groups = question_groups(items)
    folds = fold_of(groups)
    workdir = Path(tempfile.mkdtemp(prefix="rag-train-"))
    try:
        settings = Settings.from_env()
        if index_dir is None:
            _copy_corpus(corpus_dirs, workdir / "corpus")
            index_dir = workdir / "index"
            run_ingest(settings.replace(corpus_dir=workdir / "corpus", index_dir=index_dir), progress=True)
        pipeline = Pipeline(settings.replace(index_dir=Path(index_dir), answer_engine="extractive"))
        pipeline._ensure_loaded()
        data = collect(pipeline, items, type_probabilities_oof(items, folds), groups)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    # held-out candidate probabilities, one fold at a time
    level: list[tuple[list[float], bool]] = [([], False)] * len(data)
    fold_scorers = []
    for k in range(FOLDS):
        fitted = fit_scorer([q for q, f in zip(data, folds, strict=True) if f != k])
        scorer = CandidateScorer(FEATURES, *fitted, threshold=0.5)
        fold_scorers.append(scorer)
        for i, (q, f) in enumerate(zip(data, folds, strict=True)):
            if f == k:
                level[i] = outcome(q, scorer.probabilities(q.rows))
    # the answerability model, itself held out, then the threshold on its held-out probabilities
    outcomes: list[tuple[float, bool, bool]] = [(0.0, False, False)] * len(data)
    for k in range(FOLDS):
        coef, intercept = fit_answerability([level[i][0] for i in range(len(data)) if folds[i] != k],
                                            [level[i][1] for i in range(len(data)) if folds[i] != k])  # fmt: skip
        for i in range(len(data)):
            if folds[i] == k:
                x = level[i][0]
                p = float(1 / (1 + np.exp(-(np.dot(x, coef) + intercept)))) if coef else x[0]
                outcomes[i] = (p, level[i][1], data[i].answerable)
    threshold, cv_accuracy = choose_threshold(outcomes)
    answer_coef, answer_intercept = fit_answerability([x for x, _ in level], [y for _, y in level])
    cv_answers = cross_validated_answers(pipeline.engine, data, folds, fold_scorers, level, threshold)
    answerable = [o for o in outcomes if o[2]]
    report = {
        "questions": len(items), "candidates": sum(len(q.rows) for q in data),
        "positives": sum(sum(q.labels) for q in data),
        "cv_top1_right": round(float(np.mean([r for _, r, _ in answerable])), 3) if answerable else 0.0,
        "cv_accuracy_at_threshold": round(cv_accuracy, 3), "threshold": threshold,
        "cv_declined_unanswerable": round(float(np.mean([p < threshold for p, _, a in outcomes if not a])), 3)
        if any(not a for *_, a in outcomes) else None,
    }  # fmt: skip
    mean, scale, coef, intercept = fit_scorer(data)
    notes = f"fitted on {len(items)} questions from {', '.join(str(f) for f in qa_files)}; grouped {FOLDS}-fold CV: {report}"
    scorer = CandidateScorer(FEATURES, mean, scale, coef, intercept, threshold,
                             answer_coef=tuple(answer_coef), answer_intercept=answer_intercept, notes=notes)  # fmt: skip
    labelled = [i for i in items if i["type"] != "unanswerable"]
    qtypes: QuestionTypeModel = fit_question_types([i["question"] for i in labelled], [i["type"] for i in labelled])
    scorer_path = (out_dir / SCORER_PATH.name) if out_dir else SCORER_PATH
    qtype_path = (out_dir / QTYPE_PATH.name) if out_dir else QTYPE_PATH
    scorer_path.parent.mkdir(parents=True, exist_ok=True)
    scorer_path.write_text(json.dumps(scorer.to_json(), indent=1) + "\n", encoding="utf-8")
    qtype_path.write_text(json.dumps(qtypes.to_json()) + "\n", encoding="utf-8")
    report["weights"] = {f: round(w, 3) for f, w in zip(FEATURES, coef, strict=True)}
    report["cross_validated"] = cv_summary(cv_answers, [str(f) for f in qa_files], file_of)
    if out_dir:  # every held-out answer, for reading the failures
        lines = (json.dumps({k: v for k, v in r.items() if k != "index"}, ensure_ascii=False) for r in cv_answers)
        (out_dir / "cv_answers.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def cross_validated_answers(reader, data: list[QuestionRows], folds: list[int], fold_scorers: list[CandidateScorer],
                            level: list[tuple[list[float], bool]], threshold: float) -> list[dict]:  # fmt: skip
    """Every question answered end to end by the models of the folds it was held out of."""
    from dataclasses import replace

    from rag.evaluate import score_one

    out = []
    original = reader.scorer
    try:
        for k, base in enumerate(fold_scorers):
            coef, intercept = fit_answerability([level[i][0] for i in range(len(data)) if folds[i] != k],
                                                [level[i][1] for i in range(len(data)) if folds[i] != k])  # fmt: skip
            reader.scorer = replace(base, threshold=threshold, answer_coef=tuple(coef), answer_intercept=intercept)
            for i, q in enumerate(data):
                if folds[i] == k:
                    answer = reader.answer(analyze_question(q.item["question"]), q.passages, q.type_probs)
                    cited = [c.source for c in answer.citations]
                    out.append({"index": i, **q.item, "given": answer.text, "highlights": answer.highlights,
                                **score_one(q.item, answer.text, answer.answerable, cited)})  # fmt: skip
    finally:
        reader.scorer = original
    return sorted(out, key=lambda r: r["index"])


def cv_summary(rows: list[dict], files: list[str], file_of: list[int]) -> dict:
    """Accuracy of the cross-validated answers per question file, language and type."""
    out = {}
    for n, name in enumerate(files):
        mine = [r for r in rows if file_of[r["index"]] == n]
        if not mine:
            continue
        acc = {"questions": len(mine), "accuracy": round(sum(r["ok"] for r in mine) / len(mine), 3)}
        for key in ("lang", "type"):
            for value in sorted({r.get(key, "") for r in mine}):
                sub = [r for r in mine if r.get(key, "") == value]
                acc[f"{key}:{value}"] = round(sum(r["ok"] for r in sub) / len(sub), 3)
        out[name] = acc
    return out
