"""The foundation every topic stands on: UTC storage, Thai dates, the router."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from bot.clock import fiscal_year, thai_date, thai_datetime
from bot.db.models import Officer
from tests.conftest import OFFICER_ID


def test_times_come_back_aware_utc_on_every_driver(app, officers):
    bangkok_nine = datetime(2026, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    with app.sessions.begin() as session:
        officer = session.scalar(select(Officer).where(Officer.line_user_id == OFFICER_ID))
        officer.created_at = bangkok_nine
    with app.sessions() as session:
        stored = session.scalar(select(Officer.created_at).where(Officer.line_user_id == OFFICER_ID))
    assert stored == bangkok_nine
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 2


def test_thai_dates_and_fiscal_year():
    assert thai_date(date(2026, 1, 15)) == "15 ม.ค. 2569"
    assert thai_datetime(datetime(2026, 1, 15, 7, 0, tzinfo=timezone.utc)) == "15 ม.ค. 2569 14.00 น."
    assert fiscal_year(date(2025, 9, 30)) == 2568
    assert fiscal_year(date(2025, 10, 1)) == 2569


def test_a_fiscal_year_question_gets_its_dates(say):
    """"ปีงบ 70 เริ่มเมื่อไหร่" is the calendar's (1 Oct – 30 Sep, named by its BE year),
    counted from the day the question is asked; a year's budget is still the manuals'."""
    nov_2026 = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
    (reply,) = say("ปีงบ 70 เริ่มเมื่อไหร่", now=nov_2026)
    assert reply.text == "ปีงบประมาณ พ.ศ. 2570 (ปีงบประมาณปัจจุบัน) เริ่ม 1 ต.ค. 2569 สิ้นสุด 30 ก.ย. 2570 ค่ะ"
    (reply,) = say("ตอนนี้ปีงบประมาณอะไรคะ", now=nov_2026)
    assert "พ.ศ. 2570 (ปีงบประมาณปัจจุบัน)" in reply.text
    (reply,) = say("ปีงบประมาณหน้า สิ้นสุดวันไหน", now=nov_2026)
    assert reply.text.startswith("ปีงบประมาณ พ.ศ. 2571 ") and "30 ก.ย. 2571" in reply.text
    (reply,) = say("ปีงบประมาณ ๒๕๖๙ เริ่มวันไหน", now=nov_2026)
    assert "เริ่ม 1 ต.ค. 2568 สิ้นสุด 30 ก.ย. 2569" in reply.text
    (reply,) = say("ปีงบ 68 งบรวมเท่าไหร่", now=nov_2026)
    assert "23,219,000 บาท" in reply.text


def test_cancel_with_nothing_open_is_polite(say):
    replies = say("ยกเลิก")
    assert replies and "ไม่มี" in replies[0].text


def test_group_messages_without_trigger_are_ignored(say):
    assert say("ยกเลิก", chat_type="group", addressed=False) == []



def test_a_failing_handler_logs_no_personal_data(app, officers, monkeypatch, caplog):
    """A failure is logged by type and frames: neither the SQL parameters nor the
    database's own message (PostgreSQL: "Key (line_user_id)=(U…) already exists")
    may carry a LINE user id or a name into the logs."""
    import logging

    import bot.app
    from tests.conftest import incoming

    def duplicate_officer(_ev, ctx):
        ctx.session.add(Officer(line_user_id=OFFICER_ID, display_name="สมหญิง ใจดี", unit="หน่วยทดสอบ"))
        ctx.session.flush()

    monkeypatch.setattr(bot.app, "dispatch", duplicate_officer)
    with caplog.at_level(logging.INFO):
        replies = app.handle(incoming("สวัสดี"))
    assert replies == [bot.app.SORRY]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "IntegrityError" in logged and "duplicate_officer" in logged  # what a developer needs
    assert OFFICER_ID not in logged and "สมหญิง" not in logged
    assert not any(r.exc_info for r in caplog.records)  # no traceback with the message either
