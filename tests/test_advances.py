"""The whole life of an advance, logged through the chat and driven by the tick in
travelled time: the ladder, the due day, overdue repeats with escalation, clearing."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import at_bangkok
from bot.db import transaction
from bot.db.models import Advance, Case, Chat, Reminder
from scheduler.tick import run_tick

from tests.conftest import ADMIN_ID, GROUP_ID, OFFICER_ID, incoming
from tests.test_tick import MemorySender, assert_exactly_once, bkk

CLOCKS = (time(7, 30), time(8, 30), time(9, 0), time(9, 1), time(13, 0), time(22, 0))


async def travel(app, sender, first: date, last: date) -> list[tuple[date, str, str]]:
    """Tick through [first, last] at a few clocks a day; returns (day, to, text) delivered."""
    out = []
    day = first
    while day <= last:
        for clock in CLOCKS:
            before = len(sender.delivered)
            await run_tick(app, sender, at_bangkok(day, clock))
            out += [(day, to, text) for to, _k, text in sender.delivered[before:]]
        day += timedelta(days=1)
    return out


def log_advance(say, when: datetime) -> str:
    say("ยืมเงิน 20,000 บาท ประชุมที่โตเกียว รับเงิน 3 ธ.ค. 68", now=when)
    replies = say("ยืนยัน", now=when)
    joined = " ".join(r.text for r in replies)
    assert "2 ม.ค. 2569" in joined  # due = received + 30 days (rules.ADVANCE_CLEARING)
    return "A-2569-0001"


async def test_advance_life_ladder_overdue_escalation_and_clearing(app, officers, say):
    sender = MemorySender()
    ref = log_advance(say, bkk(2025, 12, 4, 10))
    with transaction(app.sessions) as s:
        adv = s.scalar(select(Advance))
        assert (adv.received_on, adv.due_on) == (date(2025, 12, 3), date(2026, 1, 2))

    got = await travel(app, sender, date(2025, 12, 4), date(2026, 1, 7))
    mine = [(d, t) for d, to, t in got if to == OFFICER_ID]
    # 7 days before = Fri 26 Dec; 3 before = Tue 30 Dec; 1 before = 1 Jan, a holiday (and
    # 31 Dec too) → moved back to 30 Dec, the same day; the due day Fri 2 Jan.
    assert [d for d, _ in mine[:3]] == [date(2025, 12, 26), date(2025, 12, 30), date(2026, 1, 2)]
    assert "อีก 7 วัน" in mine[0][1] and "วันนี้ครบกำหนด" in mine[2][1]
    # overdue: first working day after the due day (Mon 5 Jan), then every 2 working days
    assert [d for d, _ in mine[3:]] == [date(2026, 1, 5), date(2026, 1, 7)]
    assert all("เลยกำหนด" in t for _, t in mine[3:])
    escalated = [(d, t) for d, to, t in got if to == ADMIN_ID]  # no group asked: the unit's admin
    assert [d for d, _ in escalated] == [date(2026, 1, 5), date(2026, 1, 7)]
    assert all(ref in t for _, t in escalated)

    replies = say(f"คืนเงินยืมแล้ว {ref}", now=bkk(2026, 1, 8, 10))
    assert "ยกเลิกการเตือน" in replies[0].text
    with transaction(app.sessions) as s:
        case = s.scalar(select(Case))
        assert case.status == "closed" and case.history[-1].action == "closed"
        assert s.scalar(select(Advance)).cleared_on == date(2026, 1, 8)
        assert not list(s.scalars(select(Reminder).where(Reminder.status == "pending")))
    later = await travel(app, sender, date(2026, 1, 8), date(2026, 1, 20))
    assert later == []
    assert_exactly_once(app, sender)


async def test_overdue_escalates_to_the_registered_group(app, officers, say):
    with transaction(app.sessions) as s:
        s.add(Chat(line_chat_id=GROUP_ID, chat_type="group", unit=app.settings.default_unit,
                   notify_advances=True, registered_at=bkk(2025, 12, 1)))
    sender = MemorySender()
    log_advance(say, bkk(2025, 12, 4, 10))
    got = await travel(app, sender, date(2026, 1, 5), date(2026, 1, 5))
    assert {to for _d, to, _t in got} == {OFFICER_ID, GROUP_ID}
    assert_exactly_once(app, sender)


async def test_buttons_snooze_and_clear(app, officers, say):
    sender = MemorySender()
    log_advance(say, bkk(2025, 12, 4, 10))
    with transaction(app.sessions) as s:
        case_id = s.scalar(select(Case.id))
    # Friday 26 Dec: "เตือนพรุ่งนี้" → the next working day, Monday 29 Dec
    replies = app.handle(incoming(kind="postback", postback={"a": "adv_snooze", "case": str(case_id)}, now=bkk(2025, 12, 26, 9, 5)))
    assert "29 ธ.ค. 2568" in replies[0].text
    got = await travel(app, sender, date(2025, 12, 26), date(2025, 12, 29))
    assert [d for d, _to, _t in got] == [date(2025, 12, 26), date(2025, 12, 29)]
    replies = app.handle(incoming(kind="postback", postback={"a": "adv_clear", "case": str(case_id)}, now=bkk(2025, 12, 29, 10)))
    assert "ยกเลิกการเตือน" in replies[0].text
    assert await travel(app, sender, date(2025, 12, 30), date(2026, 1, 9)) == []
    assert_exactly_once(app, sender)


async def test_open_advances_most_urgent_first(app, officers, say):
    say("ยืมเงิน 5,000 บาท อบรมเชียงใหม่ รับเงิน 10 ธ.ค. 68", now=bkk(2025, 12, 11, 10))
    say("ยืนยัน", now=bkk(2025, 12, 11, 10))
    log_advance(say, bkk(2025, 12, 11, 10))
    replies = say("เงินยืมค้าง", now=bkk(2025, 12, 20, 10))
    text = replies[0].text
    assert "2 รายการ" in text
    assert text.index("A-2569-0002") < text.index("A-2569-0001")  # due 2 Jan before 9 Jan
    assert "เหลือ 13 วัน" in text
    for asked in ("เงินยืมของฉัน", "ดูเงินยืมที่ค้างอยู่ค่ะ", "รายการเงินยืมทั้งหมด"):  # as officers type it
        assert "2 รายการ" in say(asked, now=bkk(2025, 12, 20, 10))[0].text
    assert "รายการ" not in say("เงินยืมค้างส่งใช้ต้องทำอย่างไร", now=bkk(2025, 12, 20, 10))[0].text  # a question


def test_howto_button_cites_the_rule(app, officers, monkeypatch):
    import scheduler.checklist as checklist

    monkeypatch.setattr(checklist, "find_procedure", lambda q: None)
    replies = app.handle(incoming(kind="postback", postback={"a": "adv_howto", "case": "1"}))
    assert "30 วัน" in replies[0].text and "3251" in replies[0].cards[0].footnote


class LineRecorder:
    """LineSender with a record of what it delivered, so `travel` can read it."""

    def __init__(self, line) -> None:
        self.line = line
        self.delivered: list[tuple[str, str, str]] = []

    async def push(self, to, replies, *, retry_key):
        await self.line.push(to, replies, retry_key=retry_key)
        self.delivered.append((to, retry_key, replies[0].text))


async def test_advance_life_through_line_and_the_fake_server(app, officers, say, fake_line, line_settings):
    """The same life through LineSender: every card is accepted by the strict fake
    LINE (labels, sizes, postback data), with a 429 and a 500 on the way."""
    from bot.line import LineSender

    line = LineSender.open(line_settings, backoff=0.0, push_attempts=1)
    sender = LineRecorder(line)
    try:
        with transaction(app.sessions) as s:
            s.add(Chat(line_chat_id=GROUP_ID, chat_type="group", unit=app.settings.default_unit,
                       notify_advances=True, notify_digest=True, registered_at=bkk(2025, 12, 1)))
        log_advance(say, bkk(2025, 12, 4, 10))
        fake_line.fail_next(429, times=1, path="/message/push")
        fake_line.fail_next(500, times=1, path="/message/push")
        got = await travel(app, sender, date(2025, 12, 22), date(2026, 1, 6))
        refused = [r for r in fake_line.requests if r.path == "/v2/bot/message/push" and r.status == 400]
        assert refused == []
        keys = Counter(r.headers.get("X-Line-Retry-Key") for r in fake_line.requests if r.path == "/v2/bot/message/push" and r.status == 200)
        assert all(n == 1 for n in keys.values())
        with transaction(app.sessions) as s:
            sent = s.scalars(select(Reminder.kind).where(Reminder.status == "sent")).all()
            assert s.scalar(select(func.count()).select_from(Reminder).where(Reminder.status.in_(("failed", "claimed")))) == 0
        assert Counter(sent) == Counter({"advance_due": 3, "digest": 3, "advance_overdue": 1, "advance_escalate": 1})
        assert len(fake_line.pushes) == len(sent) == len(got)
    finally:
        await line.close()


async def test_closing_the_case_stops_the_reminders(app, officers, say):
    sender = MemorySender()
    ref = log_advance(say, bkk(2025, 12, 4, 10))
    say(f"ปิดเรื่อง {ref} ส่งใช้เงินยืมแล้ว", now=bkk(2025, 12, 20, 10))
    assert await travel(app, sender, date(2025, 12, 20), date(2026, 1, 9)) == []
    assert "ไม่มีเงินยืมค้าง" in say("เงินยืมค้าง", now=bkk(2026, 1, 9, 10))[0].text


def _mine(got) -> list[tuple[date, str]]:
    return [(d, t) for d, to, t in got if to == OFFICER_ID]


async def test_a_new_receipt_date_replans_the_ladder_without_repeats_or_gaps(app, officers, say):
    sender = MemorySender()
    ref = log_advance(say, bkk(2025, 12, 4, 10))
    before = await travel(app, sender, date(2025, 12, 4), date(2025, 12, 26))
    assert [d for d, _ in _mine(before)] == [date(2025, 12, 26)]  # 7 days before 2 Jan
    # the money really came on 8 Dec: due Wed 7 Jan
    replies = say(f"อัปเดต {ref} รับเงิน 8 ธ.ค. 68", now=bkk(2025, 12, 26, 10))
    assert "7 ม.ค. 2569" in replies[0].text
    after = await travel(app, sender, date(2025, 12, 26), date(2026, 1, 13))
    mine = _mine(after)
    # 31 Dec and 1 Jan are holidays, 4 Jan a Sunday: 30 Dec, Fri 2 Jan, 6 Jan, the due day 7 Jan;
    # overdue Thu 8 Jan, then every 2 working days. Nothing twice, 26 Dec not again.
    assert [d for d, _ in mine] == [date(2025, 12, 30), date(2026, 1, 2), date(2026, 1, 6), date(2026, 1, 7),
                                    date(2026, 1, 8), date(2026, 1, 12)]
    assert "อีก 5 วัน" in mine[1][1] and "วันนี้ครบกำหนด" in mine[3][1]
    assert not any("2 ม.ค. 2569" in t for _, t in mine)  # the old due date is gone
    assert_exactly_once(app, sender)


async def test_a_new_receipt_date_keeps_the_overdue_chain_going(app, officers, say):
    sender = MemorySender()
    ref = log_advance(say, bkk(2025, 12, 4, 10))
    first = await travel(app, sender, date(2025, 12, 4), date(2026, 1, 5))
    assert _mine(first)[-1][0] == date(2026, 1, 5) and "เลยกำหนด" in _mine(first)[-1][1]
    # corrected to 1 Dec (due 31 Dec): still overdue, the rhythm goes on (7 Jan), nothing extra today
    say(f"อัปเดต {ref} รับเงิน 1 ธ.ค. 68", now=bkk(2026, 1, 6, 10))
    got = await travel(app, sender, date(2026, 1, 6), date(2026, 1, 9))
    assert [d for d, _ in _mine(got)] == [date(2026, 1, 7), date(2026, 1, 9)]
    assert [d for d, to, _ in got if to == ADMIN_ID] == [date(2026, 1, 7), date(2026, 1, 9)]
    # corrected again to 12 Dec (due Sun 11 Jan): no longer overdue, and the ladder's days have
    # passed; overdue again from the first working day after the new due date, every 2 working days
    say(f"อัปเดต {ref} รับเงิน 12 ธ.ค. 68", now=bkk(2026, 1, 9, 10))
    later = await travel(app, sender, date(2026, 1, 9), date(2026, 1, 16))
    mine = _mine(later)
    assert [d for d, _ in mine] == [date(2026, 1, 12), date(2026, 1, 14), date(2026, 1, 16)]
    assert "วันนี้ครบกำหนด" not in mine[0][1] and all("เลยกำหนด" in t for _, t in mine)
    assert_exactly_once(app, sender)
    with transaction(app.sessions) as s:
        overdue = s.scalars(select(Reminder.dedupe_key).where(Reminder.kind == "advance_overdue", Reminder.status == "sent")).all()
        assert len(overdue) == len(set(overdue)) == 6


async def test_a_snooze_survives_an_update(app, officers, say):
    sender = MemorySender()
    ref = log_advance(say, bkk(2025, 12, 4, 10))
    with transaction(app.sessions) as s:
        case_id = s.scalar(select(Case.id))
    app.handle(incoming(kind="postback", postback={"a": "adv_snooze", "case": str(case_id)}, now=bkk(2025, 12, 10, 10)))
    say(f"อัปเดต {ref} จำนวน 18,000 บาท", now=bkk(2025, 12, 10, 11))
    got = await travel(app, sender, date(2025, 12, 10), date(2025, 12, 11))
    assert [d for d, _ in _mine(got)] == [date(2025, 12, 11)]  # the snooze the borrower asked for
    assert_exactly_once(app, sender)


def test_a_ladder_row_caught_mid_send_by_a_new_receipt_date(app, officers, say):
    """A reminder claimed by the tick when the receipt date changes is not cancelled
    (it is mid-send); it is rendered about the current due date, or dropped when its
    day is no ladder day any more: never a reminder for a due date that is gone."""
    from scheduler.advances import render_due

    ref = log_advance(say, bkk(2025, 12, 4, 10))
    with transaction(app.sessions) as s:
        row = s.scalar(select(Reminder).where(Reminder.dedupe_key.like("%ladder:2025-12-26")))
        row.status = "claimed"
    say(f"อัปเดต {ref} รับเงิน 8 ธ.ค. 68", now=bkk(2025, 12, 26, 9, 0))  # due 7 Jan: 26 Dec is no ladder day
    with transaction(app.sessions) as s:
        row = s.scalar(select(Reminder).where(Reminder.dedupe_key.like("%ladder:2025-12-26")))
        assert row.status == "claimed"
        assert render_due(s, row, bkk(2025, 12, 26, 9, 1), app.settings) is None
        kept = s.scalar(select(Reminder).where(Reminder.dedupe_key.like("%ladder:2025-12-30")))
        assert kept.status == "pending"  # 30 Dec is a ladder day of both due dates: the same row
        rendered = render_due(s, kept, bkk(2025, 12, 30, 9), app.settings)
        assert "อีก 8 วัน" in rendered.replies[0].text


def test_cleared_without_a_number_offers_the_officers_own_advances(app, officers, say):
    log_advance(say, bkk(2025, 12, 4, 10))
    replies = say("คืนเงินยืมแล้ว", now=bkk(2025, 12, 20, 10))
    assert "รายการไหน" in replies[0].text and "20,000 บาท" in replies[0].text
    (tap,) = replies[0].quick
    assert tap.label == "A-2569-0001" and tap.text == "คืนเงินยืมแล้ว A-2569-0001"
    assert "คืนเรียบร้อย" in say(tap.text, now=bkk(2025, 12, 20, 10))[0].text
    assert "A-2569" in say("คืนเงินยืมแล้ว", now=bkk(2025, 12, 20, 10))[0].text  # none left: the hint


def test_reminder_days_are_written_the_way_people_write_them():
    from scheduler.messages import thai_days, thai_span

    assert thai_days([date(2026, 11, 24), date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)]) == "24, 27, 30 พ.ย. และ 1 ธ.ค. 2569"
    assert thai_days([date(2026, 12, 28), date(2027, 1, 4)]) == "28 ธ.ค. 2569 และ 4 ม.ค. 2570"
    assert thai_days([date(2026, 12, 21)]) == "21 ธ.ค. 2569"
    assert thai_span(date(2026, 11, 23), date(2026, 11, 29)) == "23–29 พ.ย. 2569"
    assert thai_span(date(2026, 11, 30), date(2026, 12, 6)) == "30 พ.ย. – 6 ธ.ค. 2569"
    assert thai_span(date(2026, 12, 28), date(2027, 1, 3)) == "28 ธ.ค. 2569 – 3 ม.ค. 2570"


@pytest.mark.parametrize("said", ["ส่งใช้เงินยืมแล้ว A-2569-0001", "คืนเงินยืม A-2569-0001 แล้วค่ะ", "คืนเงินแล้ว A2569-0001"])
def test_clearing_said_in_other_words(app, officers, say, said):
    log_advance(say, bkk(2025, 12, 4, 10))
    assert "คืนเรียบร้อย" in say(said, now=bkk(2025, 12, 20, 10))[0].text


async def test_after_an_outage_the_borrower_hears_once_not_once_per_missed_day(app, officers, say):
    """Down from 4 Dec to 6 Jan: the three ladder days and the first overdue day all fell
    due while down. One message says where things stand; the overdue chain goes on."""
    sender = MemorySender()
    log_advance(say, bkk(2025, 12, 4, 10))
    await run_tick(app, sender, bkk(2026, 1, 6, 10))
    mine = sender.texts(OFFICER_ID)
    assert len(mine) == 1 and "เลยกำหนดคืนมา 4 วัน" in mine[0]
    got = await travel(app, sender, date(2026, 1, 7), date(2026, 1, 9))
    assert [d for d, to, _t in got if to == OFFICER_ID] == [date(2026, 1, 8)]  # the chain continues
    assert_exactly_once(app, sender)
