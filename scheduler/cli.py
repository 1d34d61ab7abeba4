"""`python -m bot tick [--now ISO-8601] [--dry-run]`: one scheduler pass, for operations
and for tests that travel in time.

It pushes through LineSender when LINE credentials are set; without them it only
lists what is due (nothing is claimed, so nothing can be lost). The output names
reminders by id and kind only, never by person or content.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.app import Application
from bot.clock import utcnow
from bot.db import transaction
from bot.db.models import Reminder
from bot.settings import BANGKOK, Settings
from scheduler.store import PENDING
from scheduler.tick import TickReport, failed_reminders, run_tick
from scheduler.workdays import ensure_seeded


def parse_now(raw: str | None) -> datetime:
    if not raw:
        return utcnow()
    value = datetime.fromisoformat(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=BANGKOK)  # a wall-clock time means Bangkok's
    return value.astimezone(timezone.utc)


def print_report(report: TickReport) -> None:
    print(f"tick at {report.now.isoformat()}: {report.summary()}")
    for o in report.outcomes:
        flags = " late" if o.late else ""
        flags += " reclaimed" if o.reclaimed else ""
        error = f" ({o.error})" if o.error else ""
        print(f"  {o.status:<9} #{o.id} {o.kind}{flags}{error}")


async def _run(app: Application, now: datetime) -> TickReport:
    from bot.line import LineSender

    sender = LineSender.open(app.settings)
    try:
        return await run_tick(app, sender, now)
    finally:
        await sender.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot tick", description="one scheduler pass")
    parser.add_argument("--now", help="the time of the pass, ISO-8601 (naive = Bangkok)")
    parser.add_argument("--dry-run", action="store_true", help="list what is due without sending")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    now = parse_now(args.now)
    app = Application(settings)
    try:
        with transaction(app.sessions) as session:
            ensure_seeded(session)
        dry = args.dry_run or not (settings.line_channel_access_token and settings.line_channel_secret)
        if dry:
            with transaction(app.sessions) as session:
                due = session.execute(
                    select(Reminder.kind, func.count()).where(Reminder.status == PENDING, Reminder.due_at <= now).group_by(Reminder.kind)
                ).all()
            note = "" if args.dry_run else " (no LINE credentials: nothing sent)"
            print(f"due at {now.isoformat()}{note}: " + (", ".join(f"{k} {n}" for k, n in due) or "nothing"))
        else:
            print_report(asyncio.run(_run(app, now)))
        with transaction(app.sessions) as session:
            failed = failed_reminders(session)
        if failed:
            print(f"failed reminders (admins, please check): {len(failed)}")
            for rid, kind, error in failed:
                print(f"  #{rid} {kind}: {error[:80]}")
        return 0
    finally:
        app.close()
