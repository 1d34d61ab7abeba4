"""One pass of the scheduler: claim what is due, send it, record the outcome.

The database is the truth. A pass
1. plans the next weekly digests (idempotent),
2. at night moves non-urgent due rows to the end of the quiet hours,
3. claims due rows atomically — one conditional `UPDATE … RETURNING` whose inner
   select is `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serialises writers with
   BEGIN IMMEDIATE and the outer `status='pending'` re-check) — so any number of
   processes can tick at once and each row is claimed by exactly one of them;
   claims older than the lease (a process died between claiming and sending) are
   claimed again,
4. pushes each with X-Line-Retry-Key = the row's retry key, fixed at planning time:
   a resend after a crash is answered 409 by LINE and counts as delivered,
5. marks it sent (and plans what follows, e.g. the next overdue reminder) in the
   same transaction, guarded by the claim token; a failure is retried with backoff
   and recorded as failed once it is permanent or attempts run out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from bot.app import Application
from bot.clock import at_bangkok, bangkok, today, utcnow
from bot.db import transaction
from bot.db.models import Reminder
from bot.logsafe import log_failure
from bot.sender import PushError, Sender
from bot.settings import Settings
from scheduler import messages
from scheduler.store import CANCELLED, CLAIMED, FAILED, PENDING, SENT, plan

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claim older than this belongs to a dead process
LATE_AFTER = timedelta(minutes=10)  # sent this long after it fell due: the service was down
MAX_ATTEMPTS = 8
BATCH = 200
SEND_CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    kind: str
    target: str
    retry_key: str
    due_at: datetime
    attempts: int
    token: str
    reclaimed: bool = False


@dataclass(slots=True)
class Outcome:
    """What happened to one reminder; ids and kinds only, never personal data."""

    id: int
    kind: str
    status: str  # sent | retry | failed | cancelled | lost-claim
    late: bool = False
    reclaimed: bool = False
    error: str = ""


@dataclass(slots=True)
class TickReport:
    now: datetime
    deferred: int = 0
    planned_digests: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        late = sum(1 for o in self.outcomes if o.status == "sent" and o.late)
        return (
            f"sent {self.count('sent')} (late {late}), deferred {self.deferred}, "
            f"retry {self.count('retry')}, failed {self.count('failed')}, cancelled {self.count('cancelled')}"
        )


# ---------------------------------------------------------------- quiet hours


def is_quiet(now: datetime, settings: Settings) -> bool:
    """Inside settings.quiet_start–quiet_end (Bangkok), which may span midnight."""
    t = bangkok(now).time()
    start, end = settings.quiet_start, settings.quiet_end
    if start == end:
        return False
    if start > end:
        return t >= start or t < end
    return start <= t < end


def quiet_end_after(now: datetime, settings: Settings) -> datetime:
    """The next end of the quiet hours after `now`."""
    day = today(now)
    end = at_bangkok(day, settings.quiet_end)
    if end <= now:
        end = at_bangkok(day + timedelta(days=1), settings.quiet_end)
    return end


def defer_quiet(session: Session, now: datetime, settings: Settings) -> int:
    """At night, move due non-urgent rows to the morning (marking those that were
    already overdue before the night as late). Returns how many were deferred."""
    if not is_quiet(now, settings):
        return 0
    result = session.execute(
        update(Reminder)
        .where(Reminder.status == PENDING, Reminder.due_at <= now, Reminder.urgent.is_(False))
        .values(
            due_at=quiet_end_after(now, settings),
            late=case((Reminder.due_at < now - LATE_AFTER, True), else_=Reminder.late),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# ---------------------------------------------------------------- claiming


def claim(session: Session, now: datetime, *, limit: int = BATCH, lease: timedelta = LEASE, urgent_only: bool = False) -> list[Claimed]:
    """Atomically take up to `limit` due rows (and stale claims) for this pass."""
    token = uuid.uuid4().hex
    out: list[Claimed] = []
    returning = (Reminder.id, Reminder.kind, Reminder.target, Reminder.retry_key, Reminder.due_at, Reminder.attempts)

    stale = (
        select(Reminder.id)
        .where(Reminder.status == CLAIMED, Reminder.claimed_at < now - lease)
        .order_by(Reminder.due_at)  # ORDER BY … LIMIT keeps SQLite's planner on ix_reminders_due
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # A row whose lease ran out too often keeps killing the process that sends it:
    # give up on it (failed, shown to admins) rather than crash every pass.
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(stale), Reminder.status == CLAIMED, Reminder.attempts >= MAX_ATTEMPTS)
        .values(status=FAILED, last_error="lease expired on every attempt")
        .execution_options(synchronize_session=False)
    )
    if urgent_only:
        stale = stale.where(Reminder.urgent.is_(True))
    rows = session.execute(
        update(Reminder)
        .where(Reminder.id.in_(stale), Reminder.status == CLAIMED, Reminder.claimed_at < now - lease)
        .values(claim_token=token, claimed_at=now, attempts=Reminder.attempts + 1)
        .returning(*returning)
        .execution_options(synchronize_session=False)
    ).all()
    out += [Claimed(*row, token=token, reclaimed=True) for row in rows]

    if len(out) < limit:
        due = (
            select(Reminder.id)
            .where(Reminder.status == PENDING, Reminder.due_at <= now)
            .order_by(Reminder.due_at)
            .limit(limit - len(out))
            .with_for_update(skip_locked=True)
        )
        if urgent_only:
            due = due.where(Reminder.urgent.is_(True))
        rows = session.execute(
            update(Reminder)
            .where(Reminder.id.in_(due), Reminder.status == PENDING)
            .values(status=CLAIMED, claim_token=token, claimed_at=now, attempts=Reminder.attempts + 1)
            .returning(*returning)
            .execution_options(synchronize_session=False)
        ).all()
        out += [Claimed(*row, token=token) for row in rows]
    return out


def _mine(c: Claimed):
    """The guard on every finishing write: still claimed, and by this pass."""
    return (Reminder.id == c.id, Reminder.status == CLAIMED, Reminder.claim_token == c.token)


def is_late(c: Claimed, now: datetime) -> bool:
    """Sent long after it fell due, or taken over from a pass that died: the service was down."""
    return c.reclaimed or now - c.due_at > LATE_AFTER


def finish_sent(session: Session, c: Claimed, now: datetime, follow_ups: list[Any]) -> bool:
    late = is_late(c, now)
    result = session.execute(
        update(Reminder)
        .where(*_mine(c))
        .values(
            status=SENT,
            sent_at=now,
            last_error="",
            late=case((Reminder.late.is_(True), True), else_=late),
        )
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False  # another pass took it over after our lease ran out; it finishes it
    for p in follow_ups:
        plan(session, p)
    return True


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def finish_error(session: Session, c: Claimed, now: datetime, error: str, *, retryable: bool) -> str:
    if retryable and c.attempts < MAX_ATTEMPTS:
        values: dict[str, Any] = dict(status=PENDING, due_at=now + backoff(c.attempts), claim_token=None, claimed_at=None)
        status = "retry"
    else:
        values = dict(status=FAILED)
        status = "failed"
    result = session.execute(
        update(Reminder).where(*_mine(c)).values(last_error=error[:500], **values).execution_options(synchronize_session=False)
    )
    return status if result.rowcount else "lost-claim"


def finish_cancelled(session: Session, c: Claimed) -> None:
    session.execute(update(Reminder).where(*_mine(c)).values(status=CANCELLED).execution_options(synchronize_session=False))


# ---------------------------------------------------------------- the pass


async def run_tick(
    app: Application,
    sender: Sender,
    now: datetime | None = None,
    *,
    limit: int = BATCH,
    lease: timedelta = LEASE,
) -> TickReport:
    """One pass at `now` (default: the wall clock). Safe to run in many processes."""
    now = now or utcnow()
    settings = app.settings
    report = TickReport(now=now)

    def prepare() -> list[Claimed]:
        from scheduler.digest import ensure_digests

        with transaction(app.sessions) as session:
            report.planned_digests = ensure_digests(session, now, settings)
        with transaction(app.sessions) as session:
            report.deferred = defer_quiet(session, now, settings)
        with transaction(app.sessions) as session:
            return claim(session, now, limit=limit, lease=lease, urgent_only=is_quiet(now, settings))

    claimed = await asyncio.to_thread(prepare)
    if not claimed:
        return report
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def deliver(c: Claimed) -> Outcome:
        async with gate:
            return await _deliver(app, sender, c, now)

    report.outcomes = list(await asyncio.gather(*(deliver(c) for c in claimed)))
    return report


async def _deliver(app: Application, sender: Sender, c: Claimed, now: datetime) -> Outcome:
    def render() -> messages.Rendered | None:
        with transaction(app.sessions) as session:
            row = session.get(Reminder, c.id)
            assert row is not None
            return messages.render(session, row, now, app.settings)

    def finish(fn, *args, **kwargs):
        def run():
            with transaction(app.sessions) as session:
                return fn(session, c, *args, **kwargs)

        return asyncio.to_thread(run)

    try:
        rendered = await asyncio.to_thread(render)
    except Exception as exc:  # a bug in a template must not stop the other reminders
        log_failure(log, exc, "rendering reminder %s (%s) failed", c.id, c.kind)
        status = await finish(finish_error, now, f"render: {type(exc).__name__}", retryable=True)
        return Outcome(c.id, c.kind, status, error="render")
    if rendered is None:
        await finish(finish_cancelled)
        return Outcome(c.id, c.kind, "cancelled")
    try:
        await sender.push(c.target, rendered.replies, retry_key=c.retry_key)
    except PushError as exc:
        error = f"{exc.status or ''} {exc}".strip()
        log.warning("push of reminder %s (%s) failed: status %s", c.id, c.kind, exc.status)
        status = await finish(finish_error, now, error, retryable=exc.retryable)
        return Outcome(c.id, c.kind, status, reclaimed=c.reclaimed, error=str(exc.status or "error"))
    except Exception as exc:  # network trouble the sender did not wrap: try again later
        log.warning("push of reminder %s (%s) raised %s", c.id, c.kind, type(exc).__name__)
        status = await finish(finish_error, now, type(exc).__name__, retryable=True)
        return Outcome(c.id, c.kind, status, reclaimed=c.reclaimed, error=type(exc).__name__)
    ok = await finish(finish_sent, now, rendered.follow_ups)
    return Outcome(c.id, c.kind, "sent" if ok else "lost-claim", late=is_late(c, now), reclaimed=c.reclaimed)


def failed_reminders(session: Session, limit: int = 20) -> list[tuple[int, str, str]]:
    """(id, kind, last_error) of permanent failures, newest first: for admins."""
    rows = session.execute(
        select(Reminder.id, Reminder.kind, Reminder.last_error)
        .where(Reminder.status == FAILED)
        .order_by(Reminder.id.desc())
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]
