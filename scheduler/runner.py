"""The tick, run every settings.tick_seconds by APScheduler inside `serve`.

APScheduler is used for the interval only (timezone Asia/Bangkok, max_instances=1,
coalesce, a generous misfire grace: its default of 1 s silently skips ticks on a
busy loop). Reminders themselves are rows, never APScheduler jobs: job stores lose
or duplicate one-off jobs across processes, rows claimed with SKIP LOCKED do not.
The first tick runs at start-up, so what fell due while the service was down goes
out at once (marked late).
"""

from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Application
from bot.clock import utcnow
from bot.db import transaction
from bot.logsafe import log_failure
from bot.settings import BANGKOK
from bot.sender import Sender
from scheduler.tick import TickReport, run_tick
from scheduler.workdays import ensure_seeded

log = logging.getLogger(__name__)

JOB_ID = "reminder-tick"


class Ticker:
    def __init__(self, app: Application, sender: Sender) -> None:
        self.app = app
        self.sender = sender
        self.scheduler: AsyncIOScheduler | None = None
        self._current: asyncio.Task | None = None
        self.last_report: TickReport | None = None

    def start(self) -> None:
        """Start ticking on the running event loop (call from inside it)."""
        if self.scheduler is not None:
            return
        with transaction(self.app.sessions) as session:
            ensure_seeded(session)
        self.scheduler = AsyncIOScheduler(timezone=BANGKOK, event_loop=asyncio.get_running_loop())
        self.scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.app.settings.tick_seconds,
            id=JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(60, self.app.settings.tick_seconds * 10),
            next_run_time=utcnow(),
        )
        self.scheduler.start()

    async def _tick(self) -> None:
        self._current = asyncio.current_task()
        try:
            report = await run_tick(self.app, self.sender)
            self.last_report = report
            if report.outcomes or report.deferred:
                log.info("tick: %s", report.summary())
        except Exception as exc:  # the next tick tries again; rows are untouched or reclaimed after the lease
            log_failure(log, exc, "tick failed")
        finally:
            self._current = None

    async def shutdown(self) -> None:
        """Stop ticking; a tick in progress finishes first."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        current = self._current
        if current is not None and not current.done():
            await asyncio.shield(current)
