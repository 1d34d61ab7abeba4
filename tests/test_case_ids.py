"""Case ids: C-/A-/V- prefix, BE fiscal year of the Bangkok date, 4 digits, unique
under concurrency (threads on SQLite and PostgreSQL, processes on PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from bot.db import make_engine, session_factory, transaction
from bot.db.models import Case, IdCounter
from bot.records import allocate_ref, normalise_ref, prefix_for
from tests.conftest import TEST_DATABASE_URL


def test_prefixes_and_format(app):
    with transaction(app.sessions) as session:
        assert allocate_ref(session, "other", date(2025, 12, 1)) == "C-2569-0001"
        assert allocate_ref(session, "translation", date(2025, 12, 1)) == "C-2569-0002"
        assert allocate_ref(session, "advance", date(2025, 12, 1)) == "A-2569-0001"
        assert allocate_ref(session, "visit", date(2025, 9, 30)) == "V-2568-0001"
        assert allocate_ref(session, "visit", date(2025, 10, 1)) == "V-2569-0001"
    assert prefix_for("ceremony") == "V" and prefix_for("procurement") == "C"


def test_fiscal_year_follows_the_bangkok_date(app, officers, say):
    # 30 Sep 2025 18.00 UTC is already 1 Oct 2025 in Bangkok: fiscal year 2569.
    late = datetime(2025, 9, 30, 18, 0, tzinfo=timezone.utc)
    say("บันทึกเรื่อง ตอบหนังสือสถานทูต", now=late)
    assert "C-2569-0001" in say("ยืนยัน", now=late)[0].text


def test_normalise_ref():
    assert normalise_ref("ปิดเรื่อง c-2569-7 เสร็จ") == "C-2569-0007"
    assert normalise_ref("#A - ๒๕๖๙ - ๐๐๑๒") == "A-2569-0012"
    assert normalise_ref("ไม่มีเลข") is None


def test_rolled_back_allocation_gives_the_number_back(app):
    with pytest.raises(RuntimeError):
        with transaction(app.sessions) as session:
            allocate_ref(session, "other", date(2025, 12, 1))
            raise RuntimeError
    with transaction(app.sessions) as session:
        assert allocate_ref(session, "other", date(2025, 12, 1)) == "C-2569-0001"


def _allocate_many(url: str, count: int, out: list[str]) -> None:
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        for _ in range(count):
            with transaction(factory) as session:
                out.append(allocate_ref(session, "visit", date(2026, 1, 15)))
    finally:
        engine.dispose()


def _check_unique(refs: list[str], expected: int) -> None:
    assert len(refs) == expected
    assert len(set(refs)) == expected
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in refs)
    assert numbers == list(range(1, expected + 1))  # no gaps, no duplicates


def test_threads_get_unique_consecutive_ids(app):
    threads_n, per_thread = 8, 15
    results: list[list[str]] = [[] for _ in range(threads_n)]
    threads = [
        threading.Thread(target=_allocate_many, args=(app.settings.database_url, per_thread, results[i]))
        for i in range(threads_n)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _check_unique([ref for chunk in results for ref in chunk], threads_n * per_thread)
    with app.sessions() as session:
        assert session.scalar(select(IdCounter.last_value)) == threads_n * per_thread


def _process_worker(url: str, count: int, queue) -> None:
    out: list[str] = []
    _allocate_many(url, count, out)
    queue.put(out)


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_processes_get_unique_ids_on_postgresql(app):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_process_worker, args=(app.settings.database_url, 20, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    refs = [ref for _ in workers for ref in queue.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=60)
    _check_unique(refs, 80)


def test_concurrent_confirmations_through_the_app(app, officers):
    """Many officers confirming at once each get their own case number."""
    from tests.conftest import ADMIN_ID, OFFICER_ID, incoming

    now = datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc)
    users = [ADMIN_ID, OFFICER_ID]
    for user in users:
        app.handle(incoming("บันทึกเรื่อง ตอบหนังสือสถานทูต", user=user, now=now))
    answers: dict[str, str] = {}

    def confirm(user: str) -> None:
        answers[user] = app.handle(incoming("ยืนยัน", user=user, now=now))[0].text

    threads = [threading.Thread(target=confirm, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.sessions() as session:
        refs = sorted(session.scalars(select(Case.ref)))
    assert refs == ["C-2569-0001", "C-2569-0002"]
