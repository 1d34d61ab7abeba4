"""Reminder messages: rendered at send time from the rows as they are then.

Rendering late (not at planning) means a reminder never says something stale: a
cleared advance, a cancelled visit or a ticked checklist item simply makes the
reminder obsolete (`render` returns None and the row is cancelled). Personal data
goes into the message only, never into logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.clock import thai_date
from bot.db.models import Case, Chat, Officer, Reminder
from bot.settings import Settings
from scheduler.store import CLAIMED, PENDING, SENT, Plan

if TYPE_CHECKING:  # imported at run time inside `render`: handlers' package imports the scheduler
    from handlers.replies import Reply

# Which Chat flag a group must keep on to receive each kind (1:1 reminders need none).
GROUP_FLAG = {
    "visit_logged": "notify_visits",
    "visit_notice": "notify_visits",
    "visit_morning": "notify_visits",
    "visit_changed": "notify_visits",
    "visit_cancelled": "notify_visits",
    "advance_escalate": "notify_advances",
    "digest": "notify_digest",
}


@dataclass(slots=True)
class Rendered:
    replies: list[Reply]
    follow_ups: list[Plan] = field(default_factory=list)  # planned once this one is sent


def thai_days(days: list[date]) -> str:
    """Several days the way people write them: "24, 27, 30 พ.ย. และ 1 ธ.ค. 2569"
    (month and year said once for the days that share them)."""
    parts = []
    for day, after in zip(days, [*days[1:], None]):
        if after is not None and (after.year, after.month) == (day.year, day.month):
            parts.append(str(day.day))
        elif after is not None and after.year == day.year:
            parts.append(thai_date(day).rsplit(" ", 1)[0])
        else:
            parts.append(thai_date(day))
    return " และ ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


def thai_span(first: date, last: date) -> str:
    """A span of days said once: "23–29 พ.ย. 2569", "30 พ.ย. – 6 ธ.ค. 2569"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{thai_date(last)}"
    if first.year == last.year:
        return f"{thai_date(first).rsplit(' ', 1)[0]} – {thai_date(last)}"
    return f"{thai_date(first)} – {thai_date(last)}"


def case_of(session: Session, row: Reminder) -> Case | None:
    """The case a reminder is about, as it is now (None for a digest, or once deleted)."""
    return session.get(Case, row.case_id) if row.case_id else None


def is_group_id(line_id: str) -> bool:
    return line_id[:1] in {"C", "R"}


def group_targets(session: Session, unit: str, flag: str) -> list[str]:
    """LINE ids of the groups registered for `unit` that asked for `flag`."""
    rows = session.scalars(
        select(Chat.line_chat_id)
        .where(
            Chat.registered_at.is_not(None),
            Chat.active.is_(True),
            Chat.unit == unit,
            getattr(Chat, flag).is_(True),
            Chat.chat_type.in_(("group", "room")),
        )
        .order_by(Chat.id)
    )
    return list(rows)


def admin_targets(session: Session, unit: str, settings: Settings) -> list[str]:
    """Admins of the unit (1:1), else the admins named in the settings."""
    rows = list(
        session.scalars(
            select(Officer.line_user_id)
            .where(Officer.role == "admin", Officer.active.is_(True), Officer.followed.is_(True), Officer.unit == unit)
            .order_by(Officer.id)
        )
    )
    return rows or list(settings.admin_user_ids)


def officer_target(officer: Officer | None) -> str | None:
    """A person's 1:1 chat, if they still follow the bot."""
    if officer is None or not officer.active or not officer.followed:
        return None
    return officer.line_user_id


def target_allowed(session: Session, row: Reminder) -> bool:
    """The bot never pushes to a group that has not asked (or no longer asks) for it."""
    if not is_group_id(row.target):
        return True
    flag = GROUP_FLAG.get(row.kind)
    if flag is None:
        return False
    chat = session.scalar(select(Chat).where(Chat.line_chat_id == row.target))
    return bool(chat and chat.registered_at is not None and chat.active and getattr(chat, flag))


# After an outage several reminders of one case fall due in the same pass. Each is
# rendered from the case as it is now, so they would all say the same thing: a row of
# the left-hand kinds is dropped when a later row of the right-hand kinds, for the
# same case and chat, is due too (or went already). The later row carries on (an
# overdue row plans the next one), so nothing the officer should hear is lost.
SUPERSEDED_BY = {
    "advance_due": ("advance_due", "advance_snooze", "advance_overdue"),
    "advance_snooze": ("advance_due", "advance_snooze", "advance_overdue"),
    "visit_notice": ("visit_notice", "visit_morning"),
}
LIVE = (PENDING, CLAIMED, SENT)


def superseded(session: Session, row: Reminder, now: datetime) -> bool:
    later_kinds = SUPERSEDED_BY.get(row.kind)
    if later_kinds is None or row.case_id is None:
        return False
    later = or_(Reminder.due_at > row.due_at, and_(Reminder.due_at == row.due_at, Reminder.id > row.id))
    return session.scalar(
        select(Reminder.id).where(
            Reminder.case_id == row.case_id, Reminder.target == row.target, Reminder.kind.in_(later_kinds),
            Reminder.id != row.id, Reminder.status.in_(LIVE), Reminder.due_at <= now, later,
        ).limit(1)
    ) is not None


def render(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    """The message for `row`, or None when it no longer applies."""
    from handlers.replies import Reply
    from scheduler import advances, checklist, digest, planning, visits

    if not target_allowed(session, row) or superseded(session, row, now):
        return None
    renderers = {
        "advance_due": advances.render_due,
        "advance_snooze": advances.render_due,
        "advance_overdue": advances.render_overdue,
        "advance_escalate": advances.render_escalate,
        "visit_logged": visits.render_notice,
        "visit_notice": visits.render_notice,
        "visit_morning": visits.render_notice,
        "visit_changed": visits.render_notice,
        "visit_cancelled": visits.render_notice,
        "checklist_due": checklist.render_due,
        "case_due": planning.render_case_due,
        "digest": digest.render_digest,
    }
    fn = renderers.get(row.kind)
    if fn is None:
        text = str(row.payload.get("text") or "")
        return Rendered([Reply(text=text)]) if text else None
    return fn(session, row, now, settings)
