"""Topic: visits and events — what is coming, and checklists made from the manuals' procedures.

"การเยือน" (the rich menu's button) lists the unit's visits and events of the next
UPCOMING_DAYS days, soonest first; "เช็กลิสต์ V-2569-0001" shows a case's checklist; "เสร็จ 3" (or the button) ticks an
item off; the "เช็กลิสต์: …" button under a newly logged visit turns the procedure
into items scheduled backwards from the event date (scheduler.checklist).
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.clock import thai_date, today
from bot.db.models import Case, ChecklistItem, Officer
from bot.officers import HOW_TO_REGISTER
from bot.records import event_when, normalise_ref, unit_case
from handlers.context import Context
from handlers.extract.numbers import normalise_digits
from handlers.incoming import Incoming
from handlers.replies import Card, Reply, clip, text_reply
from handlers.router import Router, registered, text_is, text_matches
from scheduler import checklist, visits

router = Router("visits")

DONE_RE = re.compile(r"^\s*(?:เสร็จ|เสร็จแล้ว|ทำแล้ว)\s*(?:ข้อ)?\s*([0-9๐-๙]+)\s*(.*)$")
UPCOMING_DAYS = 60
UPCOMING_SHOWN = 10


@router.message(text_is("การเยือน", "ดูการเยือน", "visits"))
def upcoming(ev: Incoming, ctx: Context) -> list[Reply]:
    """The unit's open visits and events from today on, as the help and the menu promise."""
    officer = ctx.officer(ev)
    if officer is None:
        return text_reply(HOW_TO_REGISTER)
    first = today(ctx.now)
    found = visits.events_between(ctx.session, officer.unit, first, first + timedelta(days=UPCOMING_DAYS))
    if not found:
        return text_reply(f"ยังไม่มีการเยือนหรืองานที่บันทึกไว้ใน {UPCOMING_DAYS} วันข้างหน้าค่ะ")
    lines = [f"{event_when(case, start)} · {clip(case.title, 60)} ({case.ref})" for case, _visit, start in found[:UPCOMING_SHOWN]]
    rest = len(found) - len(lines)
    heading = f"การเยือนและงานที่กำลังจะมา {len(found)} งานค่ะ"
    footnote = f"และอีก {rest} งาน" if rest > 0 else "พิมพ์ “ดู เลขที่เรื่อง” เพื่อดูรายละเอียด"
    card = Card(title="การเยือนที่กำลังจะมา", header=officer.unit, body=heading, items=lines, footnote=footnote)
    return [Reply(text="\n".join([heading, *lines, footnote]), cards=[card])]


@router.message(registered, text_matches(r"^\s*(เช็กลิสต์|เช็คลิสต์|checklist)"))
def show(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = ctx.officer(ev)
    assert officer is not None
    ref = normalise_ref(ev.text)
    case = unit_case(ctx.session, officer, ref=ref) if ref else _latest_with_checklist(ctx, officer)
    if case is None:
        return text_reply("ไม่พบเช็กลิสต์ค่ะ กรุณาระบุเลขเรื่อง เช่น “เช็กลิสต์ V-2569-0001” นะคะ")
    shown = checklist.checklist_reply(ctx.session, case, ctx.now)
    if case.status == "open" and not checklist.items_of(ctx.session, case.id):
        # none yet: offer the manual's procedures again, one tap from a checklist
        return [shown, *checklist.offer(ctx.session, case, visits.visit_of(ctx.session, case.id))]
    return [shown]


def _latest_with_checklist(ctx: Context, officer: Officer) -> Case | None:
    """The officer's open case whose unfinished checklist falls due soonest."""
    return ctx.session.scalar(
        select(Case)
        .join(ChecklistItem, ChecklistItem.case_id == Case.id)
        .where(Case.unit == officer.unit, Case.status == "open", ChecklistItem.done_at.is_(None))
        .where((Case.assignee_id == officer.id) | (Case.created_by_id == officer.id))
        .order_by(ChecklistItem.due_on, Case.id)
        .limit(1)
    )


def _tick(ctx: Context, officer: Officer, item: ChecklistItem | None) -> list[Reply]:
    if item is None:
        return text_reply("ไม่พบข้อนี้ในเช็กลิสต์ค่ะ")
    case = ctx.session.get(Case, item.case_id)
    if case is None or case.unit != officer.unit:
        return text_reply("ไม่พบข้อนี้ในเช็กลิสต์ค่ะ")
    if not checklist.tick_off(ctx.session, item, officer.id, ctx.now):
        return text_reply(f"ข้อ {item.position} เสร็จไปแล้วค่ะ")
    checklist.plan_reminders(ctx.session, case, ctx.settings, ctx.now)
    left = sum(1 for i in checklist.items_of(ctx.session, case.id) if i.done_at is None)
    tail = f"เหลืออีก {left} ข้อนะคะ" if left else "ครบทุกข้อแล้วค่ะ 🎉"
    return text_reply(f"บันทึกแล้วค่ะ ข้อ {item.position} ของ {case.ref} เสร็จแล้ว {tail}")


@router.message(registered, text_matches(DONE_RE.pattern))
def done_by_text(ev: Incoming, ctx: Context) -> list[Reply] | None:
    officer = ctx.officer(ev)
    assert officer is not None
    match = DONE_RE.match(ev.text)
    if match is None:
        return None
    position = int(normalise_digits(match.group(1)))
    ref = normalise_ref(match.group(2))
    case = unit_case(ctx.session, officer, ref=ref) if ref else _latest_with_checklist(ctx, officer)
    if case is None:
        return None  # not about a checklist: let other topics answer
    item = ctx.session.scalar(select(ChecklistItem).where(ChecklistItem.case_id == case.id, ChecklistItem.position == position))
    return _tick(ctx, officer, item)


@router.postback("ck_done", registered)
def done_button(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = ctx.officer(ev)
    assert officer is not None
    item_id = ev.postback_id("item")
    item = ctx.session.get(ChecklistItem, item_id) if item_id is not None else None
    return _tick(ctx, officer, item)


@router.postback("ck_make", registered)
def make_button(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = ctx.officer(ev)
    assert officer is not None
    case_id = ev.postback_id("case")
    case = unit_case(ctx.session, officer, case_id=case_id) if case_id is not None else None
    if case is None or case.status != "open":
        return text_reply("ไม่พบงานนี้ หรืองานนี้ปิดไปแล้วค่ะ")
    start = visits.starts_at(case, visits.visit_of(ctx.session, case.id))
    if start is None:
        return text_reply("งานนี้ยังไม่มีวันงานค่ะ กรุณาระบุวันก่อน แล้วจะนับถอยหลังให้นะคะ")
    section = checklist.procedure_by_key(ev.postback.get("proc", ""))
    if section is None or not checklist.steps_of(section):
        return text_reply("ขออภัยค่ะ ไม่พบขั้นตอนนี้ในคู่มือแล้ว")
    items = checklist.make(ctx.session, case, section, today(start), ctx.settings, ctx.now)
    first = min((i.due_on for i in items if i.due_on), default=None)
    reply = checklist.checklist_reply(ctx.session, case, ctx.now)
    note = f"สร้างเช็กลิสต์ {len(items)} ข้อจาก “{section.title}” แล้วค่ะ" + (f" เริ่มข้อแรกภายใน {thai_date(first)} นะคะ" if first else "")
    return [Reply(text=note), reply]
