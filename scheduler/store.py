"""Writing reminder rows: idempotent planning and cancelling.

Planning is keyed by `dedupe_key`, so re-planning a case (an edit, a retried webhook,
a second tick that plans the next overdue step) never makes a second copy. A row's
`retry_key` is fixed when it is first planned and never changes: it is what LINE
deduplicates on when a send is repeated after a crash.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Reminder

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass(slots=True)
class Plan:
    """One message owed to one target at one time."""

    kind: str
    dedupe_key: str
    target: str
    due_at: datetime
    case_id: int | None = None
    urgent: bool = False
    payload: dict[str, Any] = field(default_factory=dict)


def plan(session: Session, p: Plan) -> Reminder:
    """Insert the reminder, or move a still-pending (or cancelled) one to the new time.

    A row that was already claimed, sent or failed is left alone: what was delivered
    stays delivered. Two planners racing on the same key: the loser's insert fails
    inside a savepoint and it takes the winner's row.
    """
    row = session.scalar(select(Reminder).where(Reminder.dedupe_key == p.dedupe_key))
    if row is None:
        row = Reminder(
            kind=p.kind,
            dedupe_key=p.dedupe_key,
            case_id=p.case_id,
            target=p.target,
            due_at=p.due_at,
            urgent=p.urgent,
            status=PENDING,
            attempts=0,
            retry_key=str(uuid.uuid4()),
            payload=dict(p.payload),
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.scalar(select(Reminder).where(Reminder.dedupe_key == p.dedupe_key))
            assert row is not None
        return row
    if row.status in (PENDING, CANCELLED):
        row.status = PENDING
        row.due_at = p.due_at
        row.target = p.target
        row.urgent = p.urgent
        row.payload = dict(p.payload)
        row.last_error = ""
        session.flush()
    return row


def cancel_pending(session: Session, *, case_id: int | None = None, kinds: tuple[str, ...] = (), key_prefix: str = "") -> int:
    """Cancel what has not gone out yet. Claimed rows are mid-send and are left to finish."""
    stmt = update(Reminder).where(Reminder.status == PENDING)
    if case_id is not None:
        stmt = stmt.where(Reminder.case_id == case_id)
    if kinds:
        stmt = stmt.where(Reminder.kind.in_(kinds))
    if key_prefix:
        stmt = stmt.where(Reminder.dedupe_key.startswith(key_prefix, autoescape=True))
    result = session.execute(stmt.values(status=CANCELLED).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0
