"""Several tickers at once, each with its own engine (as separate serve processes
would have): every reminder is sent exactly once — not merely deduplicated by LINE,
but pushed once — and none is left behind. PostgreSQL relies on FOR UPDATE SKIP
LOCKED; SQLite on BEGIN IMMEDIATE and the conditional UPDATE … RETURNING."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.app import Application
from bot.db import transaction
from bot.db.models import Reminder
from handlers.replies import Reply
from scheduler.tick import run_tick

from tests.conftest import OFFICER_ID, TEST_DATABASE_URL
from tests.test_tick import bkk

ROWS = 600
TICKERS = 4


class SharedSender:
    """Counts pushes per retry key across threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pushes: Counter[str] = Counter()

    async def push(self, to: str, replies: Sequence[Reply], *, retry_key: str) -> None:
        await asyncio.sleep(0)  # let the other tickers interleave
        with self.lock:
            self.pushes[retry_key] += 1


def seed(app, now) -> set[str]:
    import uuid

    keys = [str(uuid.uuid4()) for _ in range(ROWS)]
    with transaction(app.sessions) as s:
        s.execute(
            insert(Reminder),
            [
                dict(kind="note", dedupe_key=f"c{i}", target=OFFICER_ID, due_at=now - timedelta(minutes=i % 50),
                     status="pending", attempts=0, retry_key=k, payload={"text": f"ข้อความ {i}"}, urgent=False, late=False, last_error="")
                for i, k in enumerate(keys)
            ],
        )
    return set(keys)


def run_tickers(settings, sender: SharedSender, now) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(TICKERS)

    def worker() -> None:
        app = Application(settings, migrate=False)  # its own engine and pool
        try:
            start.wait()
            for _ in range(ROWS // 20):
                report = asyncio.run(run_tick(app, sender, now, limit=25))
                if not report.outcomes:
                    break
        except BaseException as exc:  # surfaced to the test
            errors.append(exc)
        finally:
            app.close()

    threads = [threading.Thread(target=worker) for _ in range(TICKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def check(app, sender: SharedSender, keys: set[str]) -> None:
    assert set(sender.pushes) == keys  # none lost
    assert max(sender.pushes.values()) == 1  # none pushed twice
    with transaction(app.sessions) as s:
        assert Counter(s.scalars(select(Reminder.status))) == {"sent": ROWS}


def test_concurrent_tickers_send_each_reminder_once(app, settings):
    """On the database under test (SQLite by default, PostgreSQL with TEST_DATABASE_URL)."""
    now = bkk(2026, 1, 5, 10)
    keys = seed(app, now)
    sender = SharedSender()
    assert run_tickers(settings, sender, now) == []
    check(app, sender, keys)


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_postgres_uses_skip_locked(app):
    from sqlalchemy.dialects import postgresql

    from scheduler.tick import claim

    assert app.engine.dialect.name == "postgresql"
    captured: list[str] = []

    from sqlalchemy import event

    @event.listens_for(app.engine, "before_cursor_execute")
    def grab(conn, cursor, statement, *args):
        captured.append(statement)

    with transaction(app.sessions) as s:
        claim(s, bkk(2026, 1, 5, 10))
    assert any("FOR UPDATE SKIP LOCKED" in sql for sql in captured)
    assert postgresql  # the dialect under test


async def test_separate_tick_processes_push_each_reminder_once(app, line_settings, fake_line):
    """Real processes (`python -m bot tick`), started together on the same database,
    pushing to the fake LINE server: every retry key is pushed once and accepted."""
    import os
    import sys

    now = bkk(2026, 1, 5, 10)
    keys = seed(app, now)
    env = {
        **os.environ,
        "DATABASE_URL": app.settings.database_url,
        "LINE_CHANNEL_SECRET": line_settings.line_channel_secret,
        "LINE_CHANNEL_ACCESS_TOKEN": line_settings.line_channel_access_token,
        "LINE_API_BASE_URL": line_settings.line_api_base_url,
    }
    for _round in range(3):  # each pass claims at most a batch; a few rounds drain the table
        procs = [
            await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "tick", "--now", now.isoformat(), env=env,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            for _ in range(TICKERS)
        ]
        outs = [await p.communicate() for p in procs]
        assert all(p.returncode == 0 for p in procs), [e.decode()[-500:] for _o, e in outs]
        with transaction(app.sessions) as s:
            if not s.scalar(select(func.count()).select_from(Reminder).where(Reminder.status != "sent")):
                break
    pushed = Counter(r.headers.get("X-Line-Retry-Key") for r in fake_line.requests if r.path == "/v2/bot/message/push")
    assert set(pushed) == keys and max(pushed.values()) == 1
    with transaction(app.sessions) as s:
        assert Counter(s.scalars(select(Reminder.status))) == {"sent": ROWS}
