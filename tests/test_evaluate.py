import json

from conftest import SEEDS
from rag.cli import main
from rag.evaluate import Report, gold_rank, score_one


def test_scoring_rules():
    item = {"any_of": [["850"], ["316"]], "sources": ["d02.txt"], "type": "breakdown"}
    assert score_one(item, "850 dan 316 personel [1]", True, ["d02.txt"])["ok"]
    assert score_one(item, "850 personel [1]", True, ["d02.txt"])["why"] == "wrong answer"
    assert score_one(item, "850 dan 316 [1]", True, ["other.txt"])["why"] == "wrong citation"
    assert score_one(item, "850 dan 316 " + "x" * 400, True, ["d02.txt"])["why"] == "too long"
    unanswerable = {"any_of": [], "sources": [], "type": "unanswerable"}
    assert score_one(unanswerable, "Informasi tersebut tidak ditemukan", False, [])["ok"]
    assert score_one(unanswerable, "616 personel [1]", True, ["a.txt"])["why"] == "answered"


def test_eval_command_on_a_small_set(seed_index, tmp_path, capsys):
    qa = tmp_path / "qa.jsonl"
    rows = [
        {"id": "q1", "question": "Berapa personel yang diterjunkan Polres Banyuasin?", "lang": "id",
         "type": "count", "any_of": [["616"]], "sources": ["004_4de73d00fb467760.txt"]},
        {"id": "q2", "question": "How many personnel did Polres Banyuasin deploy?", "lang": "en",
         "type": "count", "any_of": [["999"]], "sources": ["004_4de73d00fb467760.txt"]},  # wrong gold on purpose
        {"id": "q3", "question": "Berapa personel yang dikerahkan Polres Surabaya?", "lang": "id",
         "type": "unanswerable", "any_of": [], "sources": []},
    ]  # fmt: skip
    qa.write_text("\n".join(json.dumps(r) for r in rows))
    args = ["eval", "--qa", str(qa), "--corpus", str(SEEDS), "--index", str(seed_index), "--out", str(tmp_path / "out")]
    assert main(args) == 0
    systems = json.loads((tmp_path / "out" / "report.json").read_text())["systems"]
    ours = systems["ours"]
    # hand-computed: q1 right, q2 wrong (gold 999), q3 correctly declined -> 2/3; id 2/2, en 0/1
    assert ours["accuracy"] == round(2 / 3, 3)
    assert ours["accuracy_id"] == 1.0 and ours["accuracy_en"] == 0.0
    assert ours["by_type"] == {"count": 0.5, "unanswerable": 1.0}
    assert ours["declined_correctly"] == 1.0 and ours["answered_wrongly"] == 0
    assert ours["hit@1"] == 1.0 and ours["mrr"] == 1.0  # the Banyuasin article is retrieved first
    # baselines never decline: the unanswerable question counts against them
    assert set(systems) == {"ours", "bm25-whitespace", "dense-only", "langchain-tutorial"}
    assert all(systems[s]["answered_wrongly"] == 1 for s in systems if s != "ours")
    report_md = (tmp_path / "out" / "report.md").read_text()
    assert "q2 (count, wrong answer)" in report_md and "| hit@5 |" in report_md
    assert (tmp_path / "out" / "report.png").read_bytes()[:4] == b"\x89PNG"


def test_ranks_and_report_aggregates():
    item = {"sources": ["b.txt"]}
    assert gold_rank(item, ["a.txt", "a.txt", "b.txt"]) == 2 and gold_rank(item, ["a.txt"]) is None
    rows = [
        {"type": "count", "lang": "id", "ok": True, "correct": True, "cited": True, "concise": True, "gold_rank": 1, "ms": 10.0},
        {"type": "count", "lang": "en", "ok": False, "correct": False, "cited": True, "concise": True, "gold_rank": 4, "ms": 30.0},
        {"type": "unanswerable", "lang": "en", "ok": False, "correct": False, "cited": True, "concise": True, "gold_rank": None, "ms": 20.0},
    ]  # fmt: skip
    s = Report({"ours": rows}).summary()
    assert (s["hit@1"], s["hit@5"], s["mrr"]) == (0.5, 1.0, round((1 + 1 / 4) / 2, 3))
    assert (s["declined_correctly"], s["answered_wrongly"], s["latency_ms_p50"]) == (0.0, 1, 20.0)
    assert Report({"ours": []}).summary()["questions"] == 0
