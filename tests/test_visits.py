"""The whole life of a visit, logged through the chat: the registered group hears
about it when logged, 7 and 1 days before, on the morning with the programme; a new
date or a cancellation re-plans and tells the group; other groups hear nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.db import transaction
from bot.db.models import Chat
from scheduler import groups_cli
from scheduler.tick import run_tick

from tests.conftest import GROUP_ID
from tests.test_advances import travel
from tests.test_tick import MemorySender, assert_exactly_once, bkk

OTHER_GROUP = "C" + "e" * 32
SILENT_GROUP = "C" + "f" * 32
VISIT = "คณะผู้แทนเมืองโตเกียว เยือนกรุงเทพ 20 มี.ค. 69 10.00 น. เข้าเยี่ยมคารวะผู้ว่าฯ และพิธีมอบกุญแจเมือง"


@pytest.fixture
def groups(app, officers, monkeypatch, capsys):
    """Our unit's group registered from the command line (visits only), another
    unit's group registered, and a group that never asked."""
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    assert groups_cli.main(["register", GROUP_ID, "--unit", app.settings.default_unit, "--only", "visits"]) == 0
    assert groups_cli.main(["register", OTHER_GROUP, "--unit", "สำนักพัฒนาสังคม", "--only", "visits"]) == 0
    with transaction(app.sessions) as s:
        s.add(Chat(line_chat_id=SILENT_GROUP, chat_type="group", unit=app.settings.default_unit, notify_visits=True))
    assert groups_cli.main(["list"]) == 0
    assert "registered" in capsys.readouterr().out
    monkeypatch.setattr("scheduler.checklist.find_procedure", lambda q: None)  # manuals: see test_checklist


def log_visit(say, when=None) -> None:
    when = when or bkk(2026, 3, 2, 10)
    say(VISIT, now=when)
    replies = say("ยืนยัน", now=when)
    assert any("V-2569-0001" in r.text for r in replies)


async def test_visit_notices_to_the_registered_group_only(app, groups, say):
    sender = MemorySender()
    log_visit(say)
    got = await travel(app, sender, date(2026, 3, 2), date(2026, 3, 21))
    assert {to for _d, to, _t in got} == {GROUP_ID}
    assert [d for d, _to, _t in got] == [date(2026, 3, 2), date(2026, 3, 13), date(2026, 3, 19), date(2026, 3, 20)]
    texts = [t for _d, _to, t in got]
    assert texts[0].startswith("มีงานใหม่") and "อีก 7 วัน" in texts[1] and "อีก 1 วัน" in texts[2]
    assert texts[3].startswith("วันนี้มีงาน")
    morning = [r for r in sender.delivered if r[2] == texts[3]]
    assert len(morning) == 1
    assert_exactly_once(app, sender)


async def test_morning_message_carries_the_programme(app, groups, say):
    from scheduler.visits import render_notice
    from bot.db.models import Reminder

    log_visit(say)
    with transaction(app.sessions) as s:
        row = s.scalar(select(Reminder).where(Reminder.kind == "visit_morning"))
        rendered = render_notice(s, row, bkk(2026, 3, 20, 7, 30), app.settings)
    items = rendered.replies[0].cards[0].items
    assert any("เข้าเยี่ยมคารวะ" in i for i in items) and any("กุญแจเมือง" in i for i in items)


async def test_reschedule_replans_and_tells_the_group(app, groups, say):
    sender = MemorySender()
    log_visit(say)
    await travel(app, sender, date(2026, 3, 2), date(2026, 3, 13))
    replies = say("อัปเดต V-2569-0001 เลื่อนเป็น 27 มี.ค. 69", now=bkk(2026, 3, 14, 10))
    assert any("แจ้งกำหนดการใหม่" in r.text for r in replies)
    got = await travel(app, sender, date(2026, 3, 14), date(2026, 3, 28))
    assert [d for d, _to, _t in got] == [date(2026, 3, 14), date(2026, 3, 20), date(2026, 3, 26), date(2026, 3, 27)]
    assert got[0][2].startswith("เปลี่ยนกำหนดการ") and "27 มี.ค. 2569" in got[0][2]
    assert_exactly_once(app, sender)


async def test_cancellation_tells_the_group_and_stops_notices(app, groups, say):
    sender = MemorySender()
    log_visit(say)
    got = await travel(app, sender, date(2026, 3, 2), date(2026, 3, 9))
    say("ยกเลิกเรื่อง V-2569-0001 คณะเลื่อนการเดินทาง", now=bkk(2026, 3, 10, 10))
    got += await travel(app, sender, date(2026, 3, 10), date(2026, 3, 21))
    assert [(d, t.split(":")[0]) for d, _to, t in got] == [(date(2026, 3, 2), "มีงานใหม่ค่ะ"), (date(2026, 3, 10), "ยกเลิกแล้วค่ะ")]
    assert_exactly_once(app, sender)


async def test_group_switched_off_hears_nothing_more(app, groups, say, monkeypatch):
    sender = MemorySender()
    log_visit(say)
    await travel(app, sender, date(2026, 3, 2), date(2026, 3, 2))
    assert groups_cli.main(["off", GROUP_ID]) == 0
    assert await travel(app, sender, date(2026, 3, 3), date(2026, 3, 21)) == []


async def test_digest_lists_the_week(app, officers, say, monkeypatch):
    from scheduler.digest import digest_reply

    monkeypatch.setattr("scheduler.checklist.find_procedure", lambda q: None)
    log_visit(say)
    say("ยืมเงิน 20,000 บาท ประชุมที่โตเกียว รับเงิน 3 ก.พ. 69", now=bkk(2026, 3, 2, 10))
    say("ยืนยัน", now=bkk(2026, 3, 2, 10))
    with transaction(app.sessions) as s:
        reply = digest_reply(s, app.settings.default_unit, date(2026, 3, 16), date(2026, 3, 22), bkk(2026, 3, 16, 8, 30))
    assert "งาน 1 งาน" in reply.text and "เงินยืมเลยกำหนด 1 รายการ" in reply.text
    assert any("V-2569-0001" in i for i in reply.cards[0].items)


async def test_late_evening_cancellation_of_tomorrows_visit_is_urgent(app, groups, say):
    """Quiet hours hold ordinary notices until 07:00, but a visit cancelled at 21:00
    for the next morning must reach the group at once."""
    sender = MemorySender()
    log_visit(say)
    await travel(app, sender, date(2026, 3, 2), date(2026, 3, 2))
    say("ยกเลิกเรื่อง V-2569-0001", now=bkk(2026, 3, 19, 21))
    from scheduler.tick import run_tick

    await run_tick(app, sender, bkk(2026, 3, 19, 21, 1))
    assert sender.texts(GROUP_ID)[-1].startswith("ยกเลิกแล้ว")
    assert_exactly_once(app, sender)


async def test_a_visit_without_a_time_is_announced_by_its_date_only(app, groups, say):
    """Logged with a date and no time of day, a visit is stored at 00.00 Bangkok: the
    group's notices, cards and the weekly digest show the date, not "00.00 น."."""
    from bot.db.models import Reminder
    from scheduler.digest import digest_reply
    from scheduler.visits import render_notice

    when = bkk(2026, 3, 2, 10)
    say("คณะผู้แทนเมืองโตเกียว เยือนกรุงเทพ 20 มี.ค. 69 เข้าเยี่ยมคารวะผู้ว่าฯ", now=when)
    assert any("V-2569-0001" in r.text for r in say("ยืนยัน", now=when))
    with transaction(app.sessions) as s:
        row = s.scalar(select(Reminder).where(Reminder.kind == "visit_logged"))
        (reply,) = render_notice(s, row, when, app.settings).replies
        digest = digest_reply(s, app.settings.default_unit, date(2026, 3, 16), date(2026, 3, 22), when)
    shown = [reply.text, *(f.value for f in reply.cards[0].fields), digest.text, *digest.cards[0].items]
    assert "20 มี.ค. 2569" in reply.text
    assert not any("00.00 น." in text for text in shown)


async def test_the_visits_button_lists_what_is_coming(app, groups, say):
    """The rich menu's and the help's "การเยือน" lists the unit's coming visits (it
    used to fall through to a manual passage)."""
    from tests.conftest import OTHER_UNIT_ID

    log_visit(say)
    (reply,) = say("การเยือน", now=bkk(2026, 3, 3, 9))
    assert "V-2569-0001" in reply.text and "20 มี.ค. 2569 10.00 น." in reply.text
    assert reply.cards and "ค่ะ" in reply.text
    assert "V-2569-0001" not in say("การเยือน", user=OTHER_UNIT_ID, now=bkk(2026, 3, 3, 9))[0].text
    assert "V-2569-0001" not in say("การเยือน", now=bkk(2026, 3, 21, 9))[0].text  # over: not coming


def test_a_visit_without_a_checklist_is_offered_one_again(app, officers, say):
    log_visit(say)
    replies = say("เช็กลิสต์ V-2569-0001", now=bkk(2026, 3, 3, 9))
    assert "ยังไม่มีเช็กลิสต์" in replies[0].text
    offer = replies[1].cards[0]
    assert offer.buttons and all(b.data and "ck_make" in b.data for b in offer.buttons)


def test_the_officer_is_told_the_days_the_group_will_hear(app, groups, say):
    say(VISIT, now=bkk(2026, 3, 2, 10))
    replies = say("ยืนยัน", now=bkk(2026, 3, 2, 10))
    assert any("จะแจ้งกลุ่มของหน่วยงานวันที่ 13 และ 19 มี.ค. 2569 และเช้าวันงานนะคะ" == r.text for r in replies)
    say("บันทึกเรื่อง ท่านทูตญี่ปุ่นเข้าพบผู้ว่าฯ พรุ่งนี้ 10.00 น.", now=bkk(2026, 3, 2, 10))
    replies = say("ยืนยัน", now=bkk(2026, 3, 2, 10))  # too close for the 7-day notice: not promised
    assert any("จะแจ้งกลุ่มของหน่วยงานเช้าวันงานนะคะ" == r.text for r in replies)


async def test_a_group_registered_after_a_visit_was_logged_still_hears_of_it(app, officers, say):
    from tests.conftest import ADMIN_ID, incoming

    log_visit(say)  # 20 Mar, logged on 2 Mar while no group is registered
    app.handle(incoming("ลงทะเบียนกลุ่ม", user=ADMIN_ID, chat_type="group", now=bkk(2026, 3, 5, 10)))
    sender = MemorySender()
    delivered = await travel(app, sender, date(2026, 3, 5), date(2026, 3, 20))
    to_group = [(day, text) for day, to, text in delivered if to == GROUP_ID]
    assert [day for day, _t in to_group if "20 มี.ค. 2569" in _t and "อีก" in _t] == [date(2026, 3, 13), date(2026, 3, 19)]
    assert any(day == date(2026, 3, 20) for day, _t in to_group)  # the morning of the visit
    assert_exactly_once(app, sender)


async def test_after_an_outage_a_group_hears_the_latest_notice_and_no_old_news(app, groups, say):
    """Visit on 20 Mar. Down from 3 to 19 Mar: the 7-day and the 1-day notices are both
    due; only the later is sent. Down again from 19 Mar to 22 Mar: no "วันนี้มีงาน"
    about a day that has passed."""
    sender = MemorySender()
    log_visit(say)
    await run_tick(app, sender, bkk(2026, 3, 2, 10))  # "มีงานใหม่" at once
    await run_tick(app, sender, bkk(2026, 3, 19, 10))
    texts = sender.texts(GROUP_ID)
    assert len(texts) == 2 and "อีก 1 วัน" in texts[1]
    await run_tick(app, sender, bkk(2026, 3, 22, 10))
    assert len(sender.texts(GROUP_ID)) == 2
    assert_exactly_once(app, sender)
