"""Turning cases into reminders.

`plan_case` is called by the cases conversation, inside the same transaction, right
after a case is confirmed or changed; it writes reminder rows (the database is the
truth) and returns any extra replies to show the officer (e.g. "จะเตือนวันที่ …", an
offer to turn the matching manual procedure into a checklist). Re-planning is always
safe: rows are keyed by `dedupe_key`, and what was already sent stays sent.
"""

from __future__ import annotations

from datetime import datetime

from handlers.context import Context
from handlers.replies import Reply
from sqlalchemy.orm import Session

from bot.clock import at_bangkok, thai_date, today
from bot.db.models import Case, Reminder
from bot.settings import Settings
from scheduler import advances, checklist, visits
from scheduler.messages import Rendered, case_of
from scheduler.store import Plan, cancel_pending, plan
from scheduler.workdays import Calendar

CHANGES = {"created", "updated", "rescheduled", "cancelled", "closed"}


def plan_case(ctx: Context, case: Case, change: str = "created") -> list[Reply]:
    """change: created | updated | rescheduled | cancelled | closed."""
    return plan_case_in(ctx.session, case, change, ctx.settings, ctx.now)


def plan_case_in(session: Session, case: Case, change: str, settings: Settings, now: datetime) -> list[Reply]:
    """The same without a chat Context (command line, tests, imports)."""
    if change not in CHANGES:
        raise ValueError(f"unknown change: {change}")
    session.flush()
    is_event = visits.is_event(session, case)
    if change in {"cancelled", "closed"} and not is_event:
        cancel_pending(session, case_id=case.id)
        return []
    if advances.advance_of(session, case.id) is not None:
        return advances.plan_advance(session, case, change, settings, now)
    if is_event:
        replies = visits.plan_visit(session, case, change, settings, now)
        if change in {"cancelled", "closed"}:
            cancel_pending(session, case_id=case.id, kinds=("checklist_due", "case_due"))
            return replies
        if change in {"rescheduled", "updated"}:  # a new date, or a new assignee to remind
            start = visits.starts_at(case, visits.visit_of(session, case.id))
            if change == "rescheduled" and start is not None:
                checklist.reschedule(session, case, today(start))
            checklist.plan_reminders(session, case, settings, now)
        if change == "created":
            replies += checklist.offer(session, case, visits.visit_of(session, case.id))
        return replies
    return plan_case_due(session, case, settings, now)


def plan_case_due(session: Session, case: Case, settings: Settings, now: datetime) -> list[Reply]:
    """Any other case with a due date: one reminder to its owner on the (working) due day."""
    cancel_pending(session, case_id=case.id, kinds=("case_due",))
    target = checklist.owner_target(session, case)
    if case.due_on is None or case.status != "open" or target is None:
        return []
    day = Calendar.load(session).previous_working_day(case.due_on)
    at = max(at_bangkok(day, settings.reminder_clock), now)
    plan(session, Plan("case_due", f"case:{case.id}:due:{case.due_on.isoformat()}", target, at, case.id, payload={"due_on": case.due_on.isoformat()}))
    return [Reply(text=f"จะเตือนเรื่องนี้วันที่ {thai_date(day)} นะคะ")]


def render_case_due(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    case = case_of(session, row)
    if case is None or case.status != "open" or case.due_on is None or case.due_on.isoformat() != row.payload.get("due_on"):
        return None
    left = (case.due_on - today(now)).days
    when = "วันนี้" if left == 0 else (f"อีก {left} วัน" if left > 0 else f"เลยมา {-left} วันแล้ว")
    return Rendered([Reply(text=f"เรื่อง {case.ref} “{case.title}” ครบกำหนด{when} ({thai_date(case.due_on)}) ค่ะ")])
