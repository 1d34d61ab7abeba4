"""Answers: kinds, wording, steps and citations."""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import re

import pytest

from knowledge import Answer, get_engine


@pytest.fixture(scope="module")
def engine():
    return get_engine()


@pytest.mark.parametrize("msg", ["สวัสดีครับ", "สวัสดีค่ะ ทุกคน", "ขอบคุณมากค่ะ", "ขอบคุณครับ 🙏", "👍", "😊😊", "", "  "])
def test_smalltalk_never_returns_a_passage(engine, msg):
    ans = engine.answer(msg)
    assert isinstance(ans, Answer)
    assert ans.kind == "smalltalk" and ans.body and ans.section_id is None and not ans.citation
    assert re.search(r"[\u0e01-\u0e4e]", ans.body)  # a Thai reply


def test_deadline_answer_states_the_rule_and_cites(engine):
    ans = engine.answer("เงินยืม คืนกี่วัน")
    assert ans.kind == "answer"
    assert "30 วัน" in ans.body
    assert ans.source.startswith("knowledge/sources/") and ans.lines[0] <= ans.lines[1]
    assert "บรรทัด" in ans.citation and str(ans.lines[0]) in ans.citation
    assert len(ans.body) <= 1300


def test_steps_answer_lists_steps_with_durations_and_roles(engine):
    ans = engine.answer("ขั้นตอนมอบกุญแจเมืองมีอะไรบ้างคะ")
    assert ans.kind == "answer" and ans.key == "000:P4"
    assert ans.steps and ans.total_steps == len(ans.steps) >= 10
    assert ans.body.splitlines()[1].startswith("1. ")
    assert "ผู้รับผิดชอบ" in ans.body and "วัน" in ans.body
    assert "กุญแจเมือง" in ans.title


def test_unsure_offers_three_topics(engine):
    ans = engine.answer("ขั้นตอนขอวีซ่าเชงเก้น")
    assert ans.kind == "unsure"
    assert len(ans.suggestions) == 3 and all(s.title and s.section_id for s in ans.suggestions)
    assert "ไม่แน่ใจ" in ans.body


def test_framework_answer_names_regulations(engine):
    ans = engine.answer("ยืมเงินใช้ในราชการ อ้างอิงระเบียบอะไร")
    assert ans.kind == "answer"
    assert "ระเบียบ" in ans.body


def test_answer_fields_are_consistent(engine):
    ans = engine.answer("e-bidding ประกาศกี่วันทำการ")
    assert ans.kind == "answer" and ans.section_id
    section = engine.section(ans.section_id)
    assert section.searchable and section.key == ans.key
    assert ans.took_ms >= 0 and all(s.title != ans.title for s in ans.suggestions)


def test_steps_text_and_find_procedure(engine):
    proc = engine.find_procedure("เข้าเยี่ยมคารวะผู้ว่าราชการ")
    assert proc is not None and "คารวะ" in proc.title
    assert engine.find_procedure("เงินยืม").key == "000:A25"
    text = engine.steps_text(engine.find_procedure("พิธีมอบกุญแจเมือง").id)
    lines = text.splitlines()
    assert lines[0].startswith("1. ") and len(lines) >= 10 and "ผู้รับผิดชอบ" in text
