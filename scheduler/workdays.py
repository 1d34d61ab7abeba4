"""Working days: Monday–Friday that are not in the Holiday table.

Deadlines that the manuals count in วันทำการ, and reminders about working-day
deadlines, are moved with these helpers so that nobody is nagged on a Sunday or on
Songkran. The Holiday table is the office's own list (`python -m bot holidays …`),
seeded from `scheduler/data/holidays.csv`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import Holiday

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_HOLIDAYS_FILE = DATA_DIR / "holidays.csv"


@dataclass(frozen=True, slots=True)
class Calendar:
    """A set of holidays and the arithmetic on it; cheap to build once per transaction."""

    holidays: frozenset[date] = frozenset()

    @classmethod
    def load(cls, session: Session) -> "Calendar":
        """The holidays as the office keeps them (a fresh install gets the shipped list)."""
        days = frozenset(session.scalars(select(Holiday.day)))
        if not days:
            ensure_seeded(session)
            days = frozenset(session.scalars(select(Holiday.day)))
        return cls(days)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the one before."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """n working days after `day` (n < 0: before). `day` itself is not counted."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day


def read_holidays_file(path: Path) -> list[tuple[date, str]]:
    """`YYYY-MM-DD,name` lines; `#` comments and blank lines are skipped."""
    rows: list[tuple[date, str]] = []
    with path.open(encoding="utf-8") as fh:
        for record in csv.reader(line for line in fh if line.strip() and not line.lstrip().startswith("#")):
            day_text, *name = record
            rows.append((date.fromisoformat(day_text.strip()), ",".join(name).strip()))
    return rows


def upsert_holidays(session: Session, rows: Iterable[tuple[date, str]]) -> int:
    """Insert or rename; returns how many rows were new."""
    added = 0
    for day, name in rows:
        row = session.get(Holiday, day)
        if row is None:
            session.add(Holiday(day=day, name=name))
            added += 1
        elif name and row.name != name:
            row.name = name
    session.flush()
    return added


def ensure_seeded(session: Session, path: Path = DEFAULT_HOLIDAYS_FILE) -> int:
    """Load the shipped holidays into an empty table, so a fresh install knows Songkran.

    Several processes may start at once: the insert ignores rows another one has
    just written (ON CONFLICT DO NOTHING on both drivers) instead of failing.
    Returns how many holidays the table then holds (0: it was not empty before).
    """
    if session.scalar(select(func.count()).select_from(Holiday)):
        return 0
    rows = [{"day": day, "name": name} for day, name in read_holidays_file(path)]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Holiday).values(rows).on_conflict_do_nothing(index_elements=["day"]))
    return session.scalar(select(func.count()).select_from(Holiday)) or 0
