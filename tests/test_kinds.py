"""Kinds of case, recognised from the words of one line."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.extract.fields import extract
from handlers.extract.kinds import kind_from_answer, recognise_kind


@pytest.mark.parametrize(
    "text, kind",
    [
        ("รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ", "visit"),
        ("คณะผู้แทนจากโซลเยือนกรุงเทพฯ", "visit"),
        ("เอกอัครราชทูตญี่ปุ่นเข้าเยี่ยมคารวะผู้ว่าฯ", "visit"),
        ("ยืมเงินไปประชุมที่โตเกียว", "advance"),
        ("แปลหนังสือขอบคุณเป็นภาษาอังกฤษ 3 หน้า", "translation"),
        ("ขอล่ามภาษาจีนงานเลี้ยงรับรอง", "interpreting"),
        ("พิธีมอบกุญแจเมือง", "ceremony"),
        ("ลงนาม MOU กับเมืองโอซาก้า", "ceremony"),
        ("ประชุมเครือข่ายเมืองพี่เมืองน้อง", "conference"),
        ("สัมมนาออนไลน์ Smart City", "conference"),
        ("ตอบหนังสือสถานทูต", "correspondence"),
        ("จัดซื้อของที่ระลึก", "procurement"),
        ("ขอใช้รถไปสนามบิน", "other"),
        ("new delegation visit from Paris", "visit"),
    ],
)
def test_kinds(text, kind):
    assert recognise_kind(text).kind == kind


def test_command_hint_wins():
    assert recognise_kind("ไปประชุมที่โตเกียว", hint="advance").kind == "advance"


def test_kind_answers():
    assert kind_from_answer("ล่าม") == "interpreting"
    assert kind_from_answer("การเยือน/รับคณะ") == "visit"
    assert kind_from_answer("advance") == "advance"
    assert kind_from_answer("อะไรก็ได้") is None


def test_visit_fields():
    got = extract("รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ และงานเลี้ยงรับรอง ณ ศาลาว่าการกรุงเทพมหานคร 15 ม.ค. 69",
                  date(2025, 12, 1))
    assert got.kind == "visit"
    assert (got.city, got.country, got.guests) == ("ฟุกุโอกะ", "ญี่ปุ่น", 12)
    assert [k for k, _ in got.programme] == ["courtesy_call", "reception"]
    assert got.place.startswith("ศาลาว่าการ")
    assert got.missing() == []


def test_city_and_country_forms():
    today = date(2025, 12, 1)
    assert extract("คณะจากเกาหลีใต้เยือน", today).country == "เกาหลีใต้"
    assert extract("คณะผู้แทนเมืองเชียงตุง เยือน", today).city == "เชียงตุง"
    assert extract("คณะจากโอซาก้า เยือน", today).country == "ญี่ปุ่น"


def test_advance_fields_and_missing():
    today = date(2025, 12, 5)
    got = extract("ยืมเงิน 25,000 บาท ไปประชุมที่โตเกียว รับเงิน 3 ธ.ค. 68", today, "advance")
    assert got.kind == "advance" and got.amount == 25000 and got.received_on == date(2025, 12, 3)
    assert got.missing() == [] and got.title == "ไปประชุมที่โตเกียว"
    assert extract("ยืมเงิน ไปโตเกียว", today, "advance").missing() == ["amount", "received"]


def test_other_needs_only_a_title():
    assert extract("", date(2025, 12, 1)).missing() == ["title"]
    assert extract("🙂🙂🙂", date(2025, 12, 1)).missing() == ["title"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "advance", "visit"]))
def test_extract_never_crashes(text, hint):
    got = extract(text, date(2025, 12, 1), hint)
    assert got.kind in {"visit", "advance", "translation", "interpreting", "ceremony", "conference",
                        "correspondence", "procurement", "other"}
    assert len(got.title) <= 300
    assert all(field in {"date", "received"} and reason for field, reason in got.problems)


def test_reference_numbers_are_kept():
    today = date(2025, 12, 1)
    advance = extract("25,000 บาท สัญญายืมเลขที่ 12/2569 รับเงิน 3 ธ.ค. 68", today, "advance")
    assert advance.contract_no == "12/2569" and advance.received_on == date(2025, 12, 3)
    assert "12/2569" not in advance.title
    letter = extract("ตอบหนังสือ กท 0410/202 ขอบคุณสถานทูต", today)
    assert letter.kind == "correspondence" and letter.letter_no == "กท 0410/202"
