"""The advance rule and working-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.settings import REPO_ROOT
from scheduler.rules import ADVANCE_CLEARING, advance_due_date, citation
from scheduler.workdays import DEFAULT_HOLIDAYS_FILE, Calendar, read_holidays_file

HOLIDAYS = Calendar(frozenset(day for day, _name in read_holidays_file(DEFAULT_HOLIDAYS_FILE)))
days = st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 12, 31))


def test_thirty_days_counted_as_the_civil_code_counts():
    assert advance_due_date(date(2025, 12, 3)) == date(2026, 1, 2)
    assert advance_due_date(date(2026, 1, 31)) == date(2026, 3, 2)


def test_the_cited_line_holds_the_quote():
    lines = Path(REPO_ROOT / ADVANCE_CLEARING.source).read_text(encoding="utf-8").splitlines()
    assert ADVANCE_CLEARING.quote in lines[ADVANCE_CLEARING.line - 1]
    assert "ชดใช้เงินยืม" in lines[ADVANCE_CLEARING.line - 1]
    assert str(ADVANCE_CLEARING.line) in citation()


@given(days)
def test_due_is_always_thirty_days_later(received):
    assert advance_due_date(received) - received == timedelta(days=30)


def test_shipped_holidays():
    assert {date(2026, 4, 13), date(2026, 4, 14), date(2026, 4, 15), date(2026, 1, 1)} <= HOLIDAYS.holidays
    assert not HOLIDAYS.is_working_day(date(2026, 4, 14))
    assert HOLIDAYS.add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 16)  # Fri → after Songkran
    assert HOLIDAYS.previous_working_day(date(2026, 1, 1)) == date(2025, 12, 30)


@given(days, st.integers(min_value=-30, max_value=30))
def test_add_working_days_counts_only_working_days(day, n):
    end = HOLIDAYS.add_working_days(day, n)
    if n == 0:
        assert end == day
        return
    assert HOLIDAYS.is_working_day(end)
    lo, hi = (day, end) if n > 0 else (end, day)
    between = [lo + timedelta(days=i) for i in range(1, (hi - lo).days + (1 if n > 0 else 0))]
    if n < 0:
        between = [lo + timedelta(days=i) for i in range(0, (hi - lo).days)]
    assert sum(HOLIDAYS.is_working_day(d) for d in between) == abs(n)


@given(days)
def test_previous_and_next_working_day(day):
    before, after = HOLIDAYS.previous_working_day(day), HOLIDAYS.next_working_day(day)
    assert before <= day <= after
    assert HOLIDAYS.is_working_day(before) and HOLIDAYS.is_working_day(after)
    assert all(not HOLIDAYS.is_working_day(before + timedelta(days=i)) for i in range(1, (day - before).days + 1))


def test_holidays_command_line(app, monkeypatch, capsys, tmp_path):
    from scheduler import holidays_cli

    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    assert holidays_cli.main(["import"]) == 0
    assert "imported" in capsys.readouterr().out
    special = tmp_path / "special.csv"
    special.write_text("# special day\n2026-06-29,วันหยุดราชการเป็นกรณีพิเศษ\n", encoding="utf-8")
    assert holidays_cli.main(["import", str(special)]) == 0
    assert holidays_cli.main(["add", "2026-11-02", "วันหยุด", "พิเศษ"]) == 0
    assert holidays_cli.main(["list", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "2026-06-29" in out and "2026-11-02" in out and "สงกรานต์" in out
