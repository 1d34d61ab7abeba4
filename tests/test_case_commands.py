"""How officers actually start and confirm a case from a phone: "บันทึกเงินยืม …" with the
kind glued to the verb, an advance named only by its amount, and a stray "ยืนยัน"."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.db.models import Advance, Case, ConversationState

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc)  # Sat 21 Nov 2026, 10.00 Bangkok


def count_cases(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_log_verb_glued_to_the_kind_starts_an_advance(app, officers, say):
    replies = say("บันทึกเงินยืม 15,000 บาท รับเงิน 20 พ.ย. 69", now=NOW)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["ประเภท"] == "เงินยืมราชการ"
    assert values["จำนวนเงิน"] == "15,000 บาท" and values["ครบกำหนดส่งใช้"] == "20 ธ.ค. 2569"


def test_advance_named_by_its_amount_is_filed(app, officers, say):
    card = say("ยืมเงิน 15,000 บาท รับเงิน 20 พ.ย. 69", now=NOW)[0].cards[0]
    assert {f.label: f.value for f in card.fields}["เรื่อง"] == "เงินยืม 15,000 บาท"
    done = say("ยืนยัน", now=NOW)
    assert "A-2570-0001" in done[0].text
    with app.sessions() as session:
        assert session.scalar(select(Case)).title == "เงินยืม 15,000 บาท"
        assert session.scalar(select(func.count()).select_from(Advance)) == 1


def test_confirm_with_nothing_open_says_so(app, officers, say):
    replies = say("ยืนยัน", now=NOW)
    assert "ไม่มีเรื่องที่รอยืนยัน" in replies[0].text and not replies[0].cards
    assert count_cases(app) == 0


def test_questions_about_memoranda_still_go_to_the_manuals(app, officers, say):
    replies = say("บันทึกความเข้าใจ ต้องส่งกองกฎหมายตรวจไหม", now=NOW)
    assert "บันทึกเรื่องใหม่" not in replies[0].text
    assert count_cases(app) == 0


def test_a_refusal_reaches_the_officer_and_changes_nothing(app, officers, say, monkeypatch):
    """A rule broken deep in records (RecordError) rolls the event back like any error,
    but the officer reads the rule's polite Thai rather than a generic apology."""
    import bot.app
    from bot.records import RecordError

    def refuse(ev, ctx):
        ctx.session.add(Case(ref="C-2570-9999", kind="other", title="x", unit="u", created_by_id=1))
        raise RecordError("จำนวนเงินต้องมากกว่าศูนย์ค่ะ ยังไม่ได้อัปเดตนะคะ")

    monkeypatch.setattr(bot.app, "dispatch", refuse)
    replies = say("อัปเดต A-2570-0001 จำนวน 0 บาท", now=NOW)
    assert replies[0].text == "จำนวนเงินต้องมากกว่าศูนย์ค่ะ ยังไม่ได้อัปเดตนะคะ"
    assert count_cases(app) == 0


def test_a_correction_that_cannot_be_taken_is_asked_back(app, officers, say):
    say("ยืมเงิน 15,000 บาท รับเงิน 20 พ.ย. 69", now=NOW)
    impossible = say("31 พ.ย.", now=NOW)
    assert "ไม่มีวันที่ 31" in impossible[0].text and "อีกครั้ง" in impossible[0].text
    ahead = say("รับเงิน 3 ธ.ค. 70", now=NOW)
    assert "ยังไม่ถึง" in ahead[0].text
    assert [a.label for a in ahead[0].quick][0] == "3 ธ.ค. 2568"
    card = say("3 ธ.ค. 2568", now=NOW)[0].cards[0]
    values = {f.label: f.value for f in card.fields}
    assert values["วันที่รับเงิน"] == "3 ธ.ค. 2568" and values["ครบกำหนดส่งใช้"] == "2 ม.ค. 2569"
    assert count_cases(app) == 0


@pytest.mark.parametrize("ref", ["V2569-0001", "v 2569 1", "V-2569-1", "V-๒๕๖๙-๐๐๐๑"])
def test_a_case_id_typed_loosely_is_still_found(app, officers, say, ref):
    say("บันทึกเรื่อง รับคณะจากเมืองโอซาก้า 10 คน 16 ธ.ค. 68 10.00 น.", now=datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc))
    say("ยืนยัน", now=datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc))
    shown = say(f"ดู {ref}", now=datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc))
    assert shown[0].cards and "V-2569-0001" in shown[0].text


def test_close_and_cancel_said_shortly_and_politely(app, officers, say):
    now = datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc)
    for line in ("บันทึกเรื่อง ประชุมหารือ 20 ธ.ค. 68", "บันทึกเรื่อง ประชุมเตรียมงาน 21 ธ.ค. 68"):
        say(line, now=now)
        say("ยืนยัน", now=now)
    assert say("ปิด V-2569-0001 ค่ะ", now=now)[0].text == "ปิดเรื่อง V-2569-0001 แล้วค่ะ"
    assert say("ยกเลิก V-2569-0002 คณะเลื่อนไม่มีกำหนดค่ะ", now=now)[0].text == "ยกเลิกเรื่อง V-2569-0002 แล้วค่ะ (คณะเลื่อนไม่มีกำหนด)"


def test_a_question_without_tone_marks_is_not_logged_as_an_advance(app, officers, say):
    replies = say("ยืมเงินไปราชการ ตองคืนภายในกีวัน", now=NOW)
    assert "บันทึกเรื่องใหม่" not in replies[0].text and "30" in replies[0].text
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ConversationState)) == 0


def test_a_question_while_a_draft_waits_is_answered_and_the_draft_goes_on(app, officers, say):
    assert "จำนวนเท่าไหร่" in say("ยืมเงิน ไปประชุมที่โตเกียว", now=NOW)[-1].text
    answer = say("พันธกิจของสำนักงานการต่างประเทศมีอะไรบ้าง", now=NOW)
    assert "ไม่เข้าใจจำนวนเงิน" not in answer[0].text and "1,000" not in answer[0].text
    assert "ได้รับเงินยืมวันไหน" in say("ห้าพันค่ะ", now=NOW)[-1].text
