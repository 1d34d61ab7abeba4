"""The `ask` command (knowledge.cli.main), called directly."""

from __future__ import annotations

import json
import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from knowledge.cli import main


def test_json_one_object_per_question(capsys):
    assert main(["--json", "--top", "3", "เงินยืม", "คืนกี่วัน"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["query"] == "เงินยืม คืนกี่วัน"
    assert obj["confident"] is True and isinstance(obj["took_ms"], float)
    assert 1 <= len(obj["results"]) <= 3
    r = obj["results"][0]
    assert set(r) == {"title", "text", "source", "lines", "score"}
    assert r["source"].startswith("knowledge/sources/") and r["source"].endswith(".txt")
    assert len(r["lines"]) == 2 and 1 <= r["lines"][0] <= r["lines"][1]


def test_batch_file(tmp_path, capsys):
    f = tmp_path / "qs.txt"
    f.write_text("ขั้นตอนมอบกุญแจเมือง\n\nหวยงวดนี้ออกอะไร\nสวัสดีครับ\n", encoding="utf-8")
    assert main(["--json", "--batch", str(f)]) == 0
    objs = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [o["query"] for o in objs] == ["ขั้นตอนมอบกุญแจเมือง", "หวยงวดนี้ออกอะไร", "สวัสดีครับ"]
    assert objs[0]["confident"] is True
    assert objs[1]["confident"] is False
    assert objs[2]["confident"] is False and objs[2]["results"] == []


def test_human_output_is_thai_with_citation(capsys):
    assert main(["เงินยืม คืนกี่วัน"]) == 0
    out = capsys.readouterr().out
    assert "30 วัน" in out and "ที่มา:" in out and "บรรทัด" in out


def test_no_question_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "QUESTION" in capsys.readouterr().err
