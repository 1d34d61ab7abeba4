"""Manual procedures become checklists scheduled backwards from the event date.

When a visit or event is logged, `offer` proposes the matching procedures from the
manuals; on confirmation `make` turns the chosen procedure's steps into
ChecklistItems. Walking the steps from the last to the first, each day-counted step
must be finished before the next one starts: its due day is the working day before
the following step's start, and its start is its duration earlier (in working days
when the manual says วันทำการ, calendar days moved onto a working day otherwise).
Steps the manual counts from the event ("ก่อนงานเริ่ม ๑-๒ ชั่วโมง") and the
hour-long steps of the day itself keep the event day. Each due day gets one reminder
(at reminder_clock) listing what is still open that day.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import at_bangkok, thai_date, today
from bot.db.models import Case, ChecklistItem, Officer, Reminder
from bot.settings import Settings
from handlers.replies import Action, Card, Reply, clip, postback
from scheduler.messages import Rendered, case_of, officer_target
from scheduler.store import Plan, cancel_pending, plan
from scheduler.workdays import Calendar

log = logging.getLogger(__name__)

# What officers log (VisitItem.kind, words in a title, Case.kind) → how the manuals name it.
PROCEDURE_QUERIES: list[tuple[tuple[str, ...], str]] = [
    (("key_to_city", "key", "กุญแจเมือง"), "พิธีมอบกุญแจเมือง"),
    (("courtesy_call", "courtesy", "คารวะ"), "การเข้าเยี่ยมคารวะผู้ว่าราชการกรุงเทพมหานคร"),
    (("airport", "สนามบิน", "ท่าอากาศยาน", "รับที่สนามบิน"), "การต้อนรับคณะที่ท่าอากาศยาน"),
    (("teleconference", "video", "ประชุมทางไกล", "ออนไลน์"), "การจัดการประชุมทางไกล"),
    (("reception", "dinner", "เลี้ยงรับรอง", "งานเลี้ยง"), "การจัดงานเลี้ยงรับรอง"),
    (("visit", "เยือน", "ต้อนรับ", "คณะ"), "การต้อนรับคณะผู้แทนต่างประเทศ"),
]
MAX_OFFERS = 3


def find_procedure(query: str) -> Any | None:
    """The knowledge engine's best procedure for `query`; None if the engine is unavailable
    (logging a visit must never fail because the manuals could not be searched)."""
    try:
        from knowledge import get_engine

        return get_engine().find_procedure(query)
    except Exception:
        log.warning("procedure search unavailable", exc_info=True)
        return None


def procedure_by_key(key: str) -> Any | None:
    try:
        from knowledge import get_engine

        return get_engine().procedure(key)
    except Exception:
        log.warning("procedure lookup unavailable", exc_info=True)
        return None


def steps_of(section: Any) -> list[Any]:
    """A procedure's step table: on the section itself or, as the manual parser nests
    it, on its first child that has one."""
    if getattr(section, "kind", "procedure") != "procedure":
        return []  # projects and KPIs of the action plans are not step tables
    if section.steps:
        return list(section.steps)
    try:
        from knowledge import get_engine

        engine = get_engine()
        for child_id in section.children:
            child = engine.section(child_id)
            if child.steps:
                return list(child.steps)
    except Exception:
        log.warning("procedure steps unavailable", exc_info=True)
    return []


def queries_for(case: Case, visit: Any | None) -> list[str]:
    """The manual names that match the programme items and the case, most specific first."""
    words: list[str] = []
    if visit is not None:
        for item in visit.items:
            words += [item.kind or "", item.title or ""]
    words += [case.kind, case.title]
    found: list[str] = []
    for keys, query in PROCEDURE_QUERIES:
        if any(k and any(k.lower() in (w or "").lower() for w in words) for k in keys) and query not in found:
            found.append(query)
    return found


def offer(session: Session, case: Case, visit: Any | None) -> list[Reply]:
    """A card proposing up to three matching procedures as checklists."""
    seen: dict[str, Any] = {}
    for query in queries_for(case, visit):
        section = find_procedure(query)
        if section is not None and section.key and section.key not in seen and steps_of(section):
            seen[section.key] = section
        if len(seen) >= MAX_OFFERS:
            break
    if not seen:
        return []
    buttons = [
        Action(label=clip(re.sub(r"^(กระบวนการ|กระบวนงาน)\s*", "", s.title), 20), data=postback("ck_make", case=case.id, proc=key), display_text=f"สร้างเช็กลิสต์ {s.title}"[:60])
        for key, s in seen.items()
    ]
    titles = [f"{s.title} ({key.split(':')[-1]})" for key, s in seen.items()]
    text = "มีขั้นตอนในคู่มือที่ตรงกับงานนี้ค่ะ ต้องการสร้างเช็กลิสต์นับถอยหลังจากวันงานไหมคะ"
    return [Reply(text=text, cards=[Card(title="ขั้นตอนจากคู่มือ", body=text, items=titles, buttons=buttons, header=case.ref)])]


# ---------------------------------------------------------------- backwards schedule


@dataclass(frozen=True, slots=True)
class Scheduled:
    step_no: str
    title: str
    responsible: str
    due_on: date
    event_relative: bool


def _days(duration: Any) -> tuple[int, str] | None:
    """(whole days, 'workday'|'day') for a day-counted step, None for hours/minutes/unknown."""
    if duration is None or duration.unit is None:
        return None
    unit = duration.unit
    value = duration.max or duration.min or 1
    if unit == "workday":
        return math.ceil(value), "workday"
    if unit == "day":
        return math.ceil(value), "day"
    if unit == "week":
        return math.ceil(value * 7), "day"
    if unit == "month":
        return math.ceil(value * 30), "day"
    return None


def schedule_backwards(steps: list[Any], event_day: date, cal: Calendar) -> list[Scheduled]:
    """Due days for the steps of a procedure, in the manual's order."""
    out: list[Scheduled] = []
    cursor = event_day  # when the following step starts
    on_event_day = True
    for step in reversed(steps):
        duration = getattr(step, "duration", None)
        title = _clean(step.text)
        responsible = _clean(getattr(step, "responsible", "") or "")
        if duration is not None and duration.anchor == "before_event":
            out.append(Scheduled(step.no, title, responsible, event_day, True))
            continue
        days = _days(duration)
        if days is None:  # hours or minutes: done the same day as what follows
            out.append(Scheduled(step.no, title, responsible, cursor, on_event_day))
            continue
        if on_event_day:
            cursor = cal.add_working_days(event_day, -1)
            on_event_day = False
        due = cal.previous_working_day(cursor)
        n, unit = days
        if unit == "workday":
            cursor = cal.add_working_days(due, -n)
        else:
            cursor = cal.previous_working_day(due - timedelta(days=n))
        out.append(Scheduled(step.no, title, responsible, due, False))
    out.reverse()
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- making and ticking


def make(session: Session, case: Case, section: Any, event_day: date, settings: Settings, now: datetime) -> list[ChecklistItem]:
    """Create the checklist (replacing an unfinished one for the same procedure) and plan its reminders."""
    key = section.key or section.id
    existing = list(session.scalars(select(ChecklistItem).where(ChecklistItem.case_id == case.id, ChecklistItem.procedure_key == key)))
    if existing:
        return existing  # idempotent: a second tap on the button changes nothing
    cal = Calendar.load(session)
    start = session.scalar(select(ChecklistItem.position).where(ChecklistItem.case_id == case.id).order_by(ChecklistItem.position.desc()).limit(1)) or 0
    items = []
    for i, s in enumerate(schedule_backwards(steps_of(section), event_day, cal), start=start + 1):
        item = ChecklistItem(case_id=case.id, position=i, title=s.title[:500], responsible_role=s.responsible, procedure_key=key, step_no=str(s.step_no), due_on=s.due_on)
        session.add(item)
        items.append(item)
    session.flush()
    plan_reminders(session, case, settings, now)
    return items


def reschedule(session: Session, case: Case, event_day: date) -> int:
    """After a new event date: recompute the due days of the items not yet done from
    their procedure (by step number). Returns how many moved."""
    cal = Calendar.load(session)
    moved = 0
    items = [i for i in items_of(session, case.id) if i.done_at is None]
    for key in {i.procedure_key for i in items if i.procedure_key}:
        section = procedure_by_key(key)
        if section is None:
            log.warning("procedure %s unavailable: checklist dates kept", key)
            continue
        due = {str(s.step_no): s.due_on for s in schedule_backwards(steps_of(section), event_day, cal)}
        for item in items:
            if item.procedure_key == key and item.step_no in due and item.due_on != due[item.step_no]:
                item.due_on = due[item.step_no]
                moved += 1
    session.flush()
    return moved


def owner_target(session: Session, case: Case) -> str | None:
    officer_id = case.assignee_id or case.created_by_id
    return officer_target(session.get(Officer, officer_id)) if officer_id else None


def plan_reminders(session: Session, case: Case, settings: Settings, now: datetime) -> None:
    """One reminder per due day with open items, to the case's assignee (or creator)."""
    cancel_pending(session, case_id=case.id, kinds=("checklist_due",))
    target = owner_target(session, case)
    if target is None or case.status != "open":
        return
    days = set(session.scalars(select(ChecklistItem.due_on).where(ChecklistItem.case_id == case.id, ChecklistItem.done_at.is_(None), ChecklistItem.due_on.is_not(None))))
    for day in sorted(days):
        at = max(at_bangkok(day, settings.reminder_clock), now)
        plan(session, Plan("checklist_due", f"ck:{case.id}:{day.isoformat()}", target, at, case.id, payload={"day": day.isoformat()}))


def tick_off(session: Session, item: ChecklistItem, actor_id: int | None, now: datetime) -> bool:
    """Mark done; False if it already was."""
    if item.done_at is not None:
        return False
    item.done_at = now
    item.done_by_id = actor_id
    session.flush()
    return True


def items_of(session: Session, case_id: int) -> list[ChecklistItem]:
    return list(session.scalars(select(ChecklistItem).where(ChecklistItem.case_id == case_id).order_by(ChecklistItem.position)))


def item_line(item: ChecklistItem) -> str:
    mark = "✅" if item.done_at else "⬜"
    who = f" — {item.responsible_role}" if item.responsible_role else ""
    due = f" (ภายใน {thai_date(item.due_on)})" if item.due_on else ""
    return f"{mark} {item.position}. {clip(item.title, 80)}{due}{who}"


def done_buttons(items: list[ChecklistItem]) -> list[Action]:
    """"เสร็จข้อ N" for the first three of `items` (a card holds four buttons)."""
    return [Action(label=f"เสร็จข้อ {i.position}", data=postback("ck_done", item=i.id), display_text=f"เสร็จ {i.position}") for i in items[:3]]


def checklist_reply(session: Session, case: Case, now: datetime) -> Reply:
    items = items_of(session, case.id)
    if not items:
        return Reply(text=f"{case.ref} ยังไม่มีเช็กลิสต์ค่ะ")
    done = sum(1 for i in items if i.done_at)
    text = f"เช็กลิสต์ {case.ref}: เสร็จแล้ว {done}/{len(items)} ข้อค่ะ พิมพ์ “เสร็จ <เลขข้อ>” เมื่อทำเสร็จนะคะ"
    buttons = done_buttons([i for i in items if not i.done_at])
    return Reply(text=text, cards=[Card(title=f"เช็กลิสต์ {case.title}"[:80], header=case.ref, body=text, items=[item_line(i) for i in items][:40], buttons=buttons)])


def render_due(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    case = case_of(session, row)
    if case is None or case.status != "open":
        return None
    day = date.fromisoformat(row.payload["day"])
    due = [i for i in items_of(session, case.id) if i.due_on == day and i.done_at is None]
    if not due:
        return None
    when = "วันนี้" if day == today(now) else thai_date(day)
    text = f"เช็กลิสต์ {case.ref}: มี {len(due)} ข้อที่ต้องเสร็จภายใน{when}ค่ะ"
    buttons = done_buttons(due)
    return Rendered([Reply(text=text, cards=[Card(title=clip(case.title, 80), header=case.ref, body=text, items=[item_line(i) for i in due], buttons=buttons, tone="warning" if day < today(now) else "default")])])
