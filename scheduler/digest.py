"""The weekly digest: each registered group with notify_digest, Monday 08:30.

It lists the week's visits and events, deadlines falling due, overdue advances, and
(for admins) how many reminders could not be delivered. The next digest row is made
by every tick (`ensure_digests`, idempotent), so a group registered from the chat or
the command line gets its digest without anyone having to plan it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import at_bangkok, thai_date, today
from bot.db.models import Case, Chat, ChecklistItem, Reminder
from bot.records import event_when
from bot.settings import Settings
from handlers.replies import Card, Field, Reply
from scheduler.advances import open_advances
from scheduler.messages import Rendered, thai_span
from scheduler.store import FAILED, Plan, plan
from scheduler.visits import events_between


def next_digest_at(now: datetime, settings: Settings) -> datetime:
    """The first digest time (weekday + clock, Bangkok) at or after `now`."""
    day = today(now)
    day += timedelta(days=(settings.digest_weekday - day.weekday()) % 7)
    at = at_bangkok(day, settings.digest_clock)
    if at < now:
        at = at_bangkok(day + timedelta(days=7), settings.digest_clock)
    return at


def ensure_digests(session: Session, now: datetime, settings: Settings) -> int:
    """Plan the next digest of every group that wants one; returns how many were new."""
    chats = session.execute(
        select(Chat.line_chat_id, Chat.unit).where(
            Chat.registered_at.is_not(None), Chat.active.is_(True), Chat.notify_digest.is_(True), Chat.chat_type.in_(("group", "room"))
        )
    ).all()
    if not chats:
        return 0
    at = next_digest_at(now, settings)
    day = today(at).isoformat()
    keys = {f"digest:{chat_id}:{day}": chat_id for chat_id, _unit in chats}
    have = set(session.scalars(select(Reminder.dedupe_key).where(Reminder.dedupe_key.in_(keys))))
    for key, chat_id in keys.items():
        if key not in have:
            plan(session, Plan("digest", key, chat_id, at, payload={"week_of": day}))
    return len(keys) - len(have)


def render_digest(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    chat = session.scalar(select(Chat).where(Chat.line_chat_id == row.target))
    if chat is None or not chat.unit:
        return None
    first = date.fromisoformat(row.payload.get("week_of", today(now).isoformat()))
    last = first + timedelta(days=6)
    return Rendered([digest_reply(session, chat.unit, first, last, now)])


def digest_reply(session: Session, unit: str, first: date, last: date, now: datetime) -> Reply:
    events = [f"{event_when(case, start)} {case.title} ({case.ref})" for case, _visit, start in events_between(session, unit, first, last)]
    deadlines = [
        f"{thai_date(c.due_on)} {c.title} ({c.ref})"
        for c in session.scalars(
            select(Case).where(Case.unit == unit, Case.status == "open", Case.due_on >= first, Case.due_on <= last, Case.kind != "advance").order_by(Case.due_on)
        )
    ]
    advances = open_advances(session, unit=unit)
    deadlines += [f"{thai_date(a.due_on)} คืนเงินยืม {c.ref}" for c, a in advances if first <= a.due_on <= last]
    open_items = session.scalar(
        select(func.count()).select_from(ChecklistItem).join(Case, Case.id == ChecklistItem.case_id)
        .where(Case.unit == unit, Case.status == "open", ChecklistItem.done_at.is_(None), ChecklistItem.due_on <= last)
    ) or 0
    if open_items:
        deadlines.append(f"เช็กลิสต์ที่ต้องเสร็จภายในสัปดาห์นี้ {open_items} ข้อ")
    overdue = [
        f"{c.ref} เลยกำหนด {(today(now) - a.due_on).days} วัน ({thai_date(a.due_on)})"
        for c, a in advances if a.due_on < today(now)
    ]
    failed = session.scalar(
        select(func.count()).select_from(Reminder).outerjoin(Case, Case.id == Reminder.case_id)
        .where(Reminder.status == FAILED, (Case.unit == unit) | Reminder.case_id.is_(None))
    ) or 0
    fields = [Field("งานสัปดาห์นี้", f"{len(events)} งาน"), Field("กำหนดส่ง", f"{len(deadlines)} รายการ"), Field("เงินยืมเลยกำหนด", f"{len(overdue)} รายการ")]
    items = [f"📅 {e}" for e in events] + [f"⏰ {d}" for d in deadlines] + [f"⚠️ {o}" for o in overdue]
    footnote = f"ผู้ดูแล: มีแจ้งเตือนที่ส่งไม่สำเร็จ {failed} รายการ (ดูด้วย python -m bot tick)" if failed else ""
    text = f"สรุปงานสัปดาห์ {thai_span(first, last)} ค่ะ: งาน {len(events)} งาน กำหนดส่ง {len(deadlines)} รายการ เงินยืมเลยกำหนด {len(overdue)} รายการ"
    if not items:
        text = f"สัปดาห์ {thai_span(first, last)} ยังไม่มีงานหรือกำหนดส่งที่บันทึกไว้ค่ะ"
    if footnote:
        text += f"\n{footnote}"
    return Reply(text=text, cards=[Card(title="สรุปงานประจำสัปดาห์", header=unit, fields=fields, items=items[:30], footnote=footnote)])

