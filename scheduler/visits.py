"""Visits and events: notices to the unit's registered groups.

A group hears about a visit when it is logged, settings.visit_notice_days before,
and on the morning of the day with the programme; a new date or a cancellation
re-plans what is still pending and tells the group at once. Only groups registered
for the case's unit with notify_visits receive anything.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.clock import at_bangkok, bangkok, day_start, thai_date, today
from bot.db.models import Case, Chat, Reminder, Visit
from bot.records import event_when, visit_of
from bot.settings import Settings
from handlers.extract.kinds import EVENT_KINDS
from handlers.replies import Card, Field, Reply
from scheduler.messages import Rendered, case_of, group_targets, thai_days
from scheduler.store import Plan, cancel_pending, plan

KINDS = ("visit_logged", "visit_notice", "visit_morning", "visit_changed", "visit_cancelled")
URGENT_WITHIN = timedelta(hours=24)
NO_GROUP = ("ยังไม่มีกลุ่มไลน์ของหน่วยงานที่รับแจ้งเตือนค่ะ หากต้องการให้แจ้งในกลุ่ม "
            "เชิญบอทเข้ากลุ่ม แล้วให้ผู้ดูแลพิมพ์ \"ลงทะเบียนกลุ่ม\" นะคะ")


def is_event(session: Session, case: Case) -> bool:
    return visit_of(session, case.id) is not None or (case.kind in EVENT_KINDS and case.event_at is not None)


def starts_at(case: Case, visit: Visit | None) -> datetime | None:
    return (visit.starts_at if visit is not None and visit.starts_at else None) or case.event_at


def plan_visit(session: Session, case: Case, change: str, settings: Settings, now: datetime) -> list[Reply]:
    """(Re)plan the group notices of a visit/event; returns the note for the officer."""
    visit = visit_of(session, case.id)
    start = starts_at(case, visit)
    targets = group_targets(session, case.unit, "notify_visits")
    cancel_pending(session, case_id=case.id, kinds=KINDS)
    stamp = start.isoformat() if start else "undated"
    cancelled = change == "cancelled" or case.status == "cancelled" or (visit is not None and visit.status == "cancelled")
    # A change to an event less than a day away cannot wait for the morning: urgent
    # rows go out even in the quiet hours.
    urgent = start is not None and now <= start <= now + URGENT_WITHIN
    if cancelled:
        for t in targets:
            plan(session, Plan("visit_cancelled", f"visit:{case.id}:{t}:cancelled", t, now, case.id, urgent=urgent))
        return [Reply(text="แจ้งยกเลิกในกลุ่มที่ลงทะเบียนไว้แล้วค่ะ")] if targets else []
    if change == "closed" or case.status != "open":
        return []
    first = {"created": "visit_logged", "rescheduled": "visit_changed"}.get(change)
    notices: set[date] = set()  # the days the groups will hear of it, for the officer
    morning_too = False
    for t in targets:
        if first:
            plan(session, Plan(first, f"visit:{case.id}:{t}:{first}:{stamp}", t, now, case.id, urgent=urgent and change == "rescheduled", payload={"start": stamp}))
        if start is not None:
            days, morning = _plan_notices(session, case, start, t, settings, now)
            notices |= days
            morning_too = morning_too or morning
    if change == "created" and start is not None and start < now:
        return [Reply(text="วันงานผ่านมาแล้ว จึงไม่มีการแจ้งเตือนล่วงหน้านะคะ")]
    if not targets:
        # said once, when it is logged: otherwise the officer would wait for notices
        # that no group is there to receive
        return [Reply(text=NO_GROUP)] if change == "created" and start is not None else []
    if change == "rescheduled":
        return [Reply(text="แจ้งกำหนดการใหม่ในกลุ่มแล้ว และปรับการแจ้งเตือนให้แล้วค่ะ")]
    if change != "created":
        return []
    when = [f"วันที่ {thai_days(sorted(notices))}"] if notices else []
    when += ["เช้าวันงาน"] if morning_too else []
    return [Reply(text=f"จะแจ้งกลุ่มของหน่วยงาน{' และ'.join(when)}นะคะ" if when else "จะแจ้งกลุ่มของหน่วยงานให้ทราบนะคะ")]


def _plan_notices(session: Session, case: Case, start: datetime, target: str, settings: Settings,
                  now: datetime) -> tuple[set[date], bool]:
    """The notices before an event and on its morning, to one group: (their days, morning or not)."""
    stamp, day, days = start.isoformat(), today(start), set()
    for d in settings.visit_notice_days:
        at = at_bangkok(day - timedelta(days=d), settings.reminder_clock)
        if at > now:
            days.add(today(at))
            plan(session, Plan("visit_notice", f"visit:{case.id}:{target}:notice{d}:{stamp}", target, at, case.id, payload={"start": stamp, "days": d}))
    morning = at_bangkok(day, settings.morning_clock)
    if not now < morning < start + timedelta(hours=12):
        return days, False
    plan(session, Plan("visit_morning", f"visit:{case.id}:{target}:morning:{stamp}", target, morning, case.id, payload={"start": stamp}))
    return days, True


def plan_for_group(session: Session, chat: Chat, settings: Settings, now: datetime) -> int:
    """A group registered (or switched back on) hears of the unit's events already
    logged, as if it had been there when they were; returns how many events."""
    if not (chat.registered_at is not None and chat.active and chat.notify_visits and chat.unit):
        return 0
    coming = events_between(session, chat.unit, today(now), today(now) + timedelta(days=400))
    for case, _visit, start in coming:
        _plan_notices(session, case, start, chat.line_chat_id, settings, now)
    return len(coming)


def programme_lines(visit: Visit | None) -> list[str]:
    if visit is None:
        return []
    lines = []
    for item in visit.items:
        when = f"{bangkok(item.at):%H.%M} น. " if item.at else ""
        place = f" ({item.place})" if item.place else ""
        lines.append(f"{when}{item.title}{place}")
    return lines


def visit_card(case: Case, visit: Visit | None, title: str, *, tone: str = "default") -> Card:
    start = starts_at(case, visit)
    fields = [Field("เรื่อง", case.title)]
    if start:
        fields.append(Field("วันเวลา", event_when(case, start)))
    place = (visit.place if visit else "") or ""
    if place:
        fields.append(Field("สถานที่", place))
    if visit is not None and visit.delegation:
        fields.append(Field("คณะ", visit.delegation))
    return Card(title=title, header=case.ref, fields=fields, items=programme_lines(visit), tone=tone)


def render_notice(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    case = case_of(session, row)
    if case is None:
        return None
    visit = visit_of(session, case.id)
    start = starts_at(case, visit)
    stamp = start.isoformat() if start else "undated"
    if row.kind == "visit_cancelled":
        when = f" ({thai_date(start)})" if start else ""
        text = f"ยกเลิกแล้วค่ะ: {case.title}{when}"
        return Rendered([Reply(text=text, cards=[visit_card(case, visit, "ยกเลิกงาน", tone="warning")])])
    if case.status != "open" or (visit is not None and visit.status == "cancelled"):
        return None
    if row.payload.get("start", stamp) != stamp:
        return None  # planned for a date that has since changed
    if start is not None and today(now) > today(start):
        return None  # sent late (the service was down) after the day itself: old news
    when = event_when(case, start) if start else "ยังไม่กำหนดวัน"
    if row.kind == "visit_logged":
        text = f"มีงานใหม่ค่ะ: {case.title} {when}"
        title = "งานใหม่"
    elif row.kind == "visit_changed":
        text = f"เปลี่ยนกำหนดการค่ะ: {case.title} เป็น {when}"
        title = "เปลี่ยนกำหนดการ"
    elif row.kind == "visit_morning":
        text = f"วันนี้มีงานค่ะ: {case.title} {when}"
        title = "งานวันนี้"
    else:
        left = (today(start) - today(now)).days if start else row.payload.get("days", 0)
        text = f"อีก {left} วันมีงานค่ะ: {case.title} {when}" if left > 0 else f"วันนี้มีงานค่ะ: {case.title} {when}"
        title = "แจ้งล่วงหน้า"
    return Rendered([Reply(text=text, cards=[visit_card(case, visit, title)])])


def events_between(session: Session, unit: str, first: date, last: date) -> list[tuple[Case, Visit | None, datetime]]:
    """Open visits/events of a unit whose start falls on [first, last] (Bangkok days)."""
    lo, hi = day_start(first), day_start(last + timedelta(days=1))
    in_week = or_(and_(Visit.starts_at >= lo, Visit.starts_at < hi), and_(Case.event_at >= lo, Case.event_at < hi))
    out: list[tuple[Case, Visit | None, datetime]] = []
    for case, visit in session.execute(
        select(Case, Visit).outerjoin(Visit, Visit.case_id == Case.id).where(Case.unit == unit, Case.status == "open", in_week)
    ).all():
        start = starts_at(case, visit)
        if start is None or visit is not None and visit.status == "cancelled":
            continue
        if (visit is not None or case.kind in EVENT_KINDS) and lo <= start < hi:
            out.append((case, visit, start))
    return sorted(out, key=lambda t: t[2])
