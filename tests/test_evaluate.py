import json

from rag.cli import main
from rag.evaluate import Report, score_one


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
    assert main(["eval", "--qa", str(qa), "--index", str(seed_index), "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "report.json").read_text())["summary"]
    # hand-computed: q1 right, q2 wrong (gold 999), q3 correctly declined -> 2/3; id 2/2, en 0/1
    assert summary["accuracy"] == round(2 / 3, 3)
    assert summary["accuracy_id"] == 1.0 and summary["accuracy_en"] == 0.0
    assert summary["by_type"] == {"count": 0.5, "unanswerable": 1.0}
    assert "q2 (count, wrong answer)" in (tmp_path / "out" / "report.md").read_text()


def test_report_empty():
    assert Report().summary()["questions"] == 0
