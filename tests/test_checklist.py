"""Procedures from the manuals become checklists scheduled backwards from the event
date, reminded on their due days, and ticked off from the chat."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from bot.db import transaction
from bot.db.models import ChecklistItem
from knowledge.model import Duration, Section, Span, Step
from scheduler.checklist import schedule_backwards, steps_of
from scheduler.workdays import Calendar

from tests.conftest import OFFICER_ID, incoming
from tests.test_advances import travel
from tests.test_tick import MemorySender, assert_exactly_once, bkk

SONGKRAN = Calendar(frozenset({date(2026, 4, 13), date(2026, 4, 14), date(2026, 4, 15)}))


def step(no: str, raw: str, lo: float | None, unit: str | None, anchor: str | None = None, who: str = "นักวิเทศสัมพันธ์") -> Step:
    return Step(no=no, text=f"ขั้นตอนที่ {no}", duration=Duration(raw, lo, lo, unit, anchor), responsible=who)


STEPS = [
    step("1", "๒ วันทำการ", 2, "workday", who="ผู้อำนวยการส่วน"),
    step("2", "๑ วัน", 1, "day"),
    step("3", "๓๐ นาที", 30, "minute"),
    step("4", "ก่อนงานเริ่ม ประมาณ ๑-๒ ชั่วโมง", 2, "hour", "before_event"),
    step("5", "๑ ชั่วโมง", 1, "hour"),
]
PROCEDURE = Section(id="000/P4", doc="000", kind="procedure", title="พิธีมอบกุญแจเมือง", text="", spans=[Span("x", 1, 2)], key="000:P4", steps=STEPS)


def test_schedule_backwards_from_the_event_day():
    got = schedule_backwards(STEPS, date(2026, 3, 20), Calendar())
    assert [s.due_on for s in got] == [date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 20), date(2026, 3, 20)]
    assert got[3].event_relative and got[0].responsible == "ผู้อำนวยการส่วน"


def test_schedule_skips_weekends_and_holidays():
    got = schedule_backwards(STEPS, date(2026, 4, 16), SONGKRAN)  # Thursday after Songkran
    # the day before the event that is a working day is Fri 10 Apr; two working days earlier, Thu 9 Apr
    assert [s.due_on for s in got[:2]] == [date(2026, 4, 9), date(2026, 4, 10)]
    assert all(SONGKRAN.is_working_day(s.due_on) for s in got)


def test_real_manual_key_to_the_city():
    """Integration with the knowledge engine: the manual's own procedure P4."""
    from scheduler.checklist import find_procedure

    section = find_procedure("พิธีมอบกุญแจเมือง")
    if section is None or not steps_of(section):
        pytest.skip("knowledge engine has no P4 yet")
    got = schedule_backwards(steps_of(section), date(2026, 3, 20), Calendar())
    assert len(got) == len(steps_of(section))
    assert all(s.due_on <= date(2026, 3, 20) for s in got)
    assert [s.due_on for s in got] == sorted(s.due_on for s in got)
    assert any(s.event_relative for s in got) and got[-1].due_on == date(2026, 3, 20)


@pytest.fixture
def fake_manual(monkeypatch):
    monkeypatch.setattr("scheduler.checklist.find_procedure", lambda q: PROCEDURE if "กุญแจ" in q else None)
    monkeypatch.setattr("scheduler.checklist.procedure_by_key", lambda key: PROCEDURE if key == "000:P4" else None)


async def test_offer_confirm_remind_and_tick_off(app, officers, say, fake_manual):
    sender = MemorySender()
    when = bkk(2026, 3, 2, 10)
    say("คณะผู้แทนเมืองโตเกียว เยือนกรุงเทพ 20 มี.ค. 69 10.00 น. พิธีมอบกุญแจเมือง", now=when)
    replies = say("ยืนยัน", now=when)
    offer = next(r for r in replies if r.cards and r.cards[0].buttons and "ck_make" in (r.cards[0].buttons[0].data or ""))
    from handlers.replies import parse_postback

    data = parse_postback(offer.cards[0].buttons[0].data)
    assert data["proc"] == "000:P4"
    made = app.handle(incoming(kind="postback", postback=data, now=when))
    assert "5 ข้อ" in made[0].text
    again = app.handle(incoming(kind="postback", postback=data, now=when))  # a second tap changes nothing
    assert "5 ข้อ" in again[0].text
    with transaction(app.sessions) as s:
        items = list(s.scalars(select(ChecklistItem).order_by(ChecklistItem.position)))
    assert [i.due_on for i in items] == [date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 20), date(2026, 3, 20)]
    assert items[0].responsible_role == "ผู้อำนวยการส่วน" and items[0].procedure_key == "000:P4"

    shown = say("เช็กลิสต์ V-2569-0001", now=when)
    assert "0/5" in shown[0].text
    say("เสร็จ 2", now=bkk(2026, 3, 17, 10))  # done early: no reminder on the 19th
    got = await travel(app, sender, date(2026, 3, 3), date(2026, 3, 20))
    mine = [(d, t) for d, to, t in got if to == OFFICER_ID]
    assert [d for d, _ in mine] == [date(2026, 3, 18), date(2026, 3, 20)]
    assert "1 ข้อ" in mine[0][1] and "3 ข้อ" in mine[1][1]
    button = app.handle(incoming(kind="postback", postback={"a": "ck_done", "item": str(items[0].id)}, now=bkk(2026, 3, 20, 11)))
    assert "เหลืออีก 3 ข้อ" in button[0].text
    assert "2/5" in say("เช็กลิสต์ V-2569-0001", now=bkk(2026, 3, 20, 11))[0].text
    assert_exactly_once(app, sender)


async def test_visit_and_checklist_messages_are_accepted_by_line(app, officers, say, fake_manual, fake_line, line_settings):
    """Every visit notice, the programme, the offer and checklist reminders pass the
    strict fake LINE server."""
    from bot.db.models import Chat, Reminder
    from bot.line import LineSender
    from tests.conftest import GROUP_ID
    from tests.test_advances import LineRecorder

    with transaction(app.sessions) as s:
        s.add(Chat(line_chat_id=GROUP_ID, chat_type="group", unit=app.settings.default_unit,
                   notify_visits=True, notify_digest=True, registered_at=bkk(2026, 3, 1)))
    when = bkk(2026, 3, 2, 10)
    say("คณะผู้แทนเมืองโตเกียว เยือนกรุงเทพ 20 มี.ค. 69 10.00 น. เข้าเยี่ยมคารวะผู้ว่าฯ และพิธีมอบกุญแจเมือง", now=when)
    replies = say("ยืนยัน", now=when)
    offer = next(r for r in replies if r.cards and r.cards[0].buttons and "ck_make" in (r.cards[0].buttons[0].data or ""))
    from handlers.replies import parse_postback

    app.handle(incoming(kind="postback", postback=parse_postback(offer.cards[0].buttons[0].data), now=when))
    line = LineSender.open(line_settings, backoff=0.0)
    try:
        await line.push(OFFICER_ID, replies, retry_key="00000000-0000-4000-8000-000000000001")  # the offer itself
        sender = LineRecorder(line)
        await travel(app, sender, date(2026, 3, 2), date(2026, 3, 13))
        say("อัปเดต V-2569-0001 เลื่อนเป็น 27 มี.ค. 69", now=bkk(2026, 3, 14, 10))
        await travel(app, sender, date(2026, 3, 14), date(2026, 3, 27))
    finally:
        await line.close()
    assert [r for r in fake_line.requests if r.status == 400] == []
    with transaction(app.sessions) as s:
        kinds = Counter(s.scalars(select(Reminder.kind).where(Reminder.status == "sent")))
    assert {"visit_logged", "visit_notice", "visit_changed", "visit_morning", "checklist_due", "digest"} <= set(kinds)
    assert len(fake_line.pushes) == sum(kinds.values()) + 1


async def test_new_event_date_moves_open_items(app, officers, say, fake_manual):
    when = bkk(2026, 3, 2, 10)
    say("คณะผู้แทนเมืองโตเกียว เยือนกรุงเทพ 20 มี.ค. 69 10.00 น. พิธีมอบกุญแจเมือง", now=when)
    say("ยืนยัน", now=when)
    with transaction(app.sessions) as s:
        case_id = s.scalar(select(ChecklistItem.case_id)) or 1
    app.handle(incoming(kind="postback", postback={"a": "ck_make", "case": str(case_id), "proc": "000:P4"}, now=when))
    say("เสร็จ 1", now=when)
    say("อัปเดต V-2569-0001 เลื่อนเป็น 27 มี.ค. 69", now=bkk(2026, 3, 3, 10))
    with transaction(app.sessions) as s:
        items = list(s.scalars(select(ChecklistItem).order_by(ChecklistItem.position)))
    assert items[0].due_on == date(2026, 3, 18)  # done: kept as it was
    assert [i.due_on for i in items[1:]] == [date(2026, 3, 26), date(2026, 3, 27), date(2026, 3, 27), date(2026, 3, 27)]
