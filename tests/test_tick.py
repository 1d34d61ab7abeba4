"""The tick: claim → send with the retry key → mark sent; retries, crashes, quiet hours.

Every test ends by asserting that each reminder was delivered exactly once and none
was lost. An in-memory sender plays LINE (it answers a repeated retry key as LINE's
409 does: accepted, not delivered again); the end-to-end tests go through the real
LineSender against the fake LINE server.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from bot.clock import at_bangkok
from bot.db import transaction
from bot.db.models import Chat, Reminder
from bot.sender import PushError
from handlers.replies import Reply
from scheduler.store import Plan, plan
from scheduler.tick import LEASE, MAX_ATTEMPTS, claim, is_quiet, run_tick

from tests.conftest import GROUP_ID, OFFICER_ID


@dataclass
class MemorySender:
    """LINE in memory: delivers each retry key once; `fail` queues PushErrors."""

    delivered: list[tuple[str, str, str]] = field(default_factory=list)  # (to, retry_key, text)
    calls: int = 0
    fail: list[PushError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    async def push(self, to: str, replies: Sequence[Reply], *, retry_key: str) -> None:
        self.calls += 1
        if self.fail:
            raise self.fail.pop(0)
        if retry_key in self.seen:
            return  # LINE: 409, already accepted
        self.seen.add(retry_key)
        self.delivered.append((to, retry_key, replies[0].text))

    def texts(self, to: str | None = None) -> list[str]:
        return [t for who, _k, t in self.delivered if to is None or who == to]


def bkk(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return at_bangkok(date(y, m, d), time(hh, mm))


def add_text_reminder(app, key: str, due_at: datetime, *, target: str = OFFICER_ID, urgent: bool = False) -> int:
    with transaction(app.sessions) as s:
        return plan(s, Plan("note", key, target, due_at, urgent=urgent, payload={"text": f"ข้อความ {key}"})).id


def statuses(app) -> Counter:
    with transaction(app.sessions) as s:
        return Counter(s.scalars(select(Reminder.status)))


def assert_exactly_once(app, sender: MemorySender) -> None:
    """Every reminder row that was due is sent, and LINE saw each retry key delivered once."""
    keys = Counter(k for _to, k, _t in sender.delivered)
    assert all(n == 1 for n in keys.values()), keys
    with transaction(app.sessions) as s:
        sent = set(s.scalars(select(Reminder.retry_key).where(Reminder.status == "sent")))
    assert sent == set(keys)


async def test_due_reminder_is_sent_once_and_not_again(app):
    sender = MemorySender()
    add_text_reminder(app, "a", bkk(2026, 1, 5, 9))
    add_text_reminder(app, "later", bkk(2026, 1, 6, 9))
    report = await run_tick(app, sender, bkk(2026, 1, 5, 9, 1))
    assert report.count("sent") == 1
    await run_tick(app, sender, bkk(2026, 1, 5, 10))
    assert sender.texts() == ["ข้อความ a"]
    await run_tick(app, sender, bkk(2026, 1, 6, 9, 1))
    assert sender.texts() == ["ข้อความ a", "ข้อความ later"]
    assert statuses(app) == {"sent": 2}
    assert_exactly_once(app, sender)


async def test_claim_is_atomic_between_two_passes(app):
    for i in range(30):
        add_text_reminder(app, f"r{i}", bkk(2026, 1, 5, 8))
    now = bkk(2026, 1, 5, 9)
    with transaction(app.sessions) as s1:
        first = claim(s1, now, limit=20)
    with transaction(app.sessions) as s2:
        second = claim(s2, now, limit=20)
    ids = [c.id for c in first] + [c.id for c in second]
    assert len(ids) == len(set(ids)) == 30


async def test_crash_between_claim_and_send_is_resent_once(app):
    """Claimed, then the process died; after the lease another pass sends it, and a
    send that did reach LINE before the crash is answered 409 (same retry key)."""
    sender = MemorySender()
    add_text_reminder(app, "lost-before-send", bkk(2026, 1, 5, 9))
    add_text_reminder(app, "lost-after-send", bkk(2026, 1, 5, 9))
    now = bkk(2026, 1, 5, 9, 0)
    with transaction(app.sessions) as s:
        claimed = claim(s, now)
    assert len(claimed) == 2
    # the dead process had pushed one of them before dying
    after = next(c for c in claimed if c.kind == "note" and "after" in _key_of(app, c.id))
    await sender.push(after.target, [Reply(text="ข้อความ lost-after-send")], retry_key=after.retry_key)
    # within the lease nobody touches them
    report = await run_tick(app, sender, now + LEASE - timedelta(seconds=1))
    assert report.outcomes == []
    report = await run_tick(app, sender, now + LEASE + timedelta(seconds=1))
    assert sorted(o.status for o in report.outcomes) == ["sent", "sent"]
    assert all(o.reclaimed for o in report.outcomes)
    assert sorted(sender.texts()) == ["ข้อความ lost-after-send", "ข้อความ lost-before-send"]
    assert statuses(app) == {"sent": 2}
    assert_exactly_once(app, sender)


def _key_of(app, reminder_id: int) -> str:
    with transaction(app.sessions) as s:
        return s.get(Reminder, reminder_id).dedupe_key


async def test_retryable_failures_back_off_then_deliver(app):
    sender = MemorySender(fail=[PushError("slow down", retryable=True, status=429), PushError("boom", retryable=True, status=500)])
    add_text_reminder(app, "x", bkk(2026, 1, 5, 9))
    now = bkk(2026, 1, 5, 9)
    r1 = await run_tick(app, sender, now)
    assert [o.status for o in r1.outcomes] == ["retry"]
    assert (await run_tick(app, sender, now + timedelta(seconds=10))).outcomes == []  # backing off
    r2 = await run_tick(app, sender, now + timedelta(minutes=5))
    assert [o.status for o in r2.outcomes] == ["retry"]
    r3 = await run_tick(app, sender, now + timedelta(minutes=30))
    assert [o.status for o in r3.outcomes] == ["sent"]
    with transaction(app.sessions) as s:
        row = s.scalar(select(Reminder))
        assert row.attempts == 3 and row.status == "sent"
    assert_exactly_once(app, sender)


async def test_permanent_failure_is_recorded_and_shown(app, capsys):
    sender = MemorySender(fail=[PushError("bad target", retryable=False, status=400)])
    add_text_reminder(app, "y", bkk(2026, 1, 5, 9))
    report = await run_tick(app, sender, bkk(2026, 1, 5, 9, 1))
    assert [o.status for o in report.outcomes] == ["failed"]
    with transaction(app.sessions) as s:
        row = s.scalar(select(Reminder))
        assert row.status == "failed" and "400" in row.last_error
    from scheduler.tick import failed_reminders

    with transaction(app.sessions) as s:
        assert [k for _i, k, _e in failed_reminders(s)] == ["note"]


async def test_attempts_run_out(app):
    sender = MemorySender(fail=[PushError("down", retryable=True, status=503) for _ in range(MAX_ATTEMPTS)])
    add_text_reminder(app, "z", bkk(2026, 1, 5, 9))
    now = bkk(2026, 1, 5, 9)
    for _ in range(MAX_ATTEMPTS):
        await run_tick(app, sender, now)
        now += timedelta(days=1)  # always in office hours
    assert statuses(app) == {"failed": 1}
    assert sender.delivered == []


async def test_quiet_hours_defer_unless_urgent(app):
    sender = MemorySender()
    add_text_reminder(app, "night", bkk(2026, 1, 5, 21))
    add_text_reminder(app, "urgent", bkk(2026, 1, 5, 21), urgent=True)
    assert is_quiet(bkk(2026, 1, 5, 21, 30), app.settings)
    report = await run_tick(app, sender, bkk(2026, 1, 5, 21, 30))
    assert report.deferred == 1 and sender.texts() == ["ข้อความ urgent"]
    await run_tick(app, sender, bkk(2026, 1, 6, 6, 59))
    assert sender.texts() == ["ข้อความ urgent"]
    await run_tick(app, sender, bkk(2026, 1, 6, 7, 0))
    assert sender.texts() == ["ข้อความ urgent", "ข้อความ night"]
    assert_exactly_once(app, sender)


async def test_due_while_down_is_sent_late_on_restart(app):
    sender = MemorySender()
    for day in (5, 6, 7):
        add_text_reminder(app, f"d{day}", bkk(2026, 1, day, 9))
    report = await run_tick(app, sender, bkk(2026, 1, 8, 10))  # the service was down for three days
    assert report.count("sent") == 3 and all(o.late for o in report.outcomes)
    with transaction(app.sessions) as s:
        assert all(s.scalars(select(Reminder.late)))
    assert_exactly_once(app, sender)


async def test_group_that_did_not_ask_gets_nothing(app, officers):
    sender = MemorySender()
    with transaction(app.sessions) as s:
        s.add(Chat(line_chat_id=GROUP_ID, chat_type="group", unit=app.settings.default_unit))
        plan(s, Plan("digest", "digest:x", GROUP_ID, bkk(2026, 1, 5, 8, 30), payload={"week_of": "2026-01-05"}))
    report = await run_tick(app, sender, bkk(2026, 1, 5, 9))
    assert [o.status for o in report.outcomes] == ["cancelled"] and sender.delivered == []


async def test_weekly_digest_goes_to_registered_groups(app, officers):
    sender = MemorySender()
    with transaction(app.sessions) as s:
        s.add(Chat(line_chat_id=GROUP_ID, chat_type="group", unit=app.settings.default_unit,
                   notify_digest=True, registered_at=bkk(2026, 1, 1)))
    await run_tick(app, sender, bkk(2026, 1, 2, 10))  # Friday: plans Monday's digest
    assert sender.delivered == []
    await run_tick(app, sender, bkk(2026, 1, 5, 8, 30))
    await run_tick(app, sender, bkk(2026, 1, 5, 8, 31))
    assert len(sender.texts(GROUP_ID)) == 1 and "สัปดาห์" in sender.texts(GROUP_ID)[0]
    await run_tick(app, sender, bkk(2026, 1, 12, 8, 30))
    assert len(sender.texts(GROUP_ID)) == 2
    assert_exactly_once(app, sender)


async def test_replanning_is_idempotent(app):
    with transaction(app.sessions) as s:
        a = plan(s, Plan("note", "k", OFFICER_ID, bkk(2026, 1, 5), payload={"text": "t"}))
        b = plan(s, Plan("note", "k", OFFICER_ID, bkk(2026, 1, 6), payload={"text": "t"}))
        assert a.id == b.id and a.retry_key == b.retry_key
        assert s.scalar(select(func.count()).select_from(Reminder)) == 1


# ---------------------------------------------------------------- through LineSender and the fake LINE server


async def test_end_to_end_through_line_with_429_and_500(app, fake_line, line_settings):
    from bot.line import LineSender

    line = LineSender.open(line_settings, backoff=0.0, push_attempts=1)
    try:
        for i in range(3):
            add_text_reminder(app, f"e{i}", bkk(2026, 1, 5, 9))
        fake_line.fail_next(429, times=1, path="/message/push")
        fake_line.fail_next(500, times=1, path="/message/push")
        now = bkk(2026, 1, 5, 9)
        for step in range(6):
            await run_tick(app, line, now + timedelta(minutes=10 * step))
        keys = Counter(r.headers.get("X-Line-Retry-Key") for r in fake_line.requests if r.path == "/v2/bot/message/push" and r.status == 200)
        assert len(fake_line.pushes) == 3 and all(n == 1 for n in keys.values())
        assert statuses(app) == {"sent": 3}
    finally:
        await line.close()


async def test_end_to_end_crash_after_push_is_answered_409(app, fake_line, line_settings):
    from bot.line import LineSender

    line = LineSender.open(line_settings, backoff=0.0)
    try:
        add_text_reminder(app, "c", bkk(2026, 1, 5, 9))
        now = bkk(2026, 1, 5, 9)
        with transaction(app.sessions) as s:
            (c,) = claim(s, now)
        await line.push(c.target, [Reply(text="ข้อความ c")], retry_key=c.retry_key)  # then the process died
        report = await run_tick(app, line, now + LEASE + timedelta(minutes=1))
        assert [o.status for o in report.outcomes] == ["sent"]
        assert len(fake_line.pushes) == 1
        assert [r.status for r in fake_line.requests if r.path == "/v2/bot/message/push"] == [200, 409]
    finally:
        await line.close()


async def test_tick_command_line_sends_and_prints_no_personal_data(app, officers, fake_line, line_settings, monkeypatch, capsys):
    from scheduler import cli

    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("LINE_CHANNEL_SECRET", line_settings.line_channel_secret)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", line_settings.line_channel_access_token)
    monkeypatch.setenv("LINE_API_BASE_URL", line_settings.line_api_base_url)
    add_text_reminder(app, "cli", bkk(2026, 1, 5, 9))
    with transaction(app.sessions) as s:
        plan(s, Plan("note", "cli-bad", "Ubad", bkk(2026, 1, 5, 9), payload={"text": "x"}))
    fake_line.fail_next(400, message="The property, 'to', in the request body is invalid", path="/message/push")
    code = await asyncio.to_thread(cli.main, ["--now", "2026-01-05T09:05:00+07:00"])
    out = capsys.readouterr().out
    assert code == 0
    assert "sent 1" in out and "failed 1" in out and "failed reminders" in out
    assert OFFICER_ID not in out and "ข้อความ" not in out  # ids and kinds only
    assert len(fake_line.pushes) == 1


async def test_ticker_runs_with_apscheduler_and_shuts_down(app):
    from scheduler.runner import Ticker

    sender = MemorySender()
    app.settings = replace(app.settings, quiet_start=time(0), quiet_end=time(0))  # whatever the hour of the run
    add_text_reminder(app, "due-while-down", datetime.now(timezone.utc) - timedelta(hours=3))
    ticker = Ticker(app, sender)
    ticker.start()
    job = ticker.scheduler.get_job("reminder-tick")
    assert job.max_instances == 1 and job.coalesce and job.misfire_grace_time >= 60
    assert str(ticker.scheduler.timezone) == "Asia/Bangkok"
    for _ in range(200):  # the first tick runs at start-up
        if sender.delivered:
            break
        await asyncio.sleep(0.05)
    await ticker.shutdown()
    assert len(sender.delivered) == 1
    with transaction(app.sessions) as s:
        assert s.scalar(select(Reminder.late)) is True
    assert_exactly_once(app, sender)


async def test_a_row_that_kills_every_sender_ends_failed(app):
    sender = MemorySender()
    add_text_reminder(app, "poison", bkk(2026, 1, 5, 9))
    now = bkk(2026, 1, 5, 9)
    for _ in range(MAX_ATTEMPTS):
        with transaction(app.sessions) as s:
            assert len(claim(s, now)) == 1  # …and the process dies before sending
        now += LEASE + timedelta(minutes=1)
    report = await run_tick(app, sender, now)
    assert report.outcomes == [] and statuses(app) == {"failed": 1}
