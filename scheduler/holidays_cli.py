"""`python -m bot holidays list [--year Y] | add YYYY-MM-DD NAME | import [FILE]`.

The office keeps the Thai public holidays current here (a special holiday announced
by the Cabinet is one `add` away); working-day reminders and checklist deadlines
skip them. `import` without a file loads the shipped 2569 list.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sqlalchemy import extract, select

from bot.app import command_session
from bot.clock import thai_weekday_date
from bot.db.models import Holiday
from scheduler.workdays import DEFAULT_HOLIDAYS_FILE, ensure_seeded, read_holidays_file, upsert_holidays


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot holidays", description="public holidays")
    sub = parser.add_subparsers(dest="command", required=True)
    lst = sub.add_parser("list")
    lst.add_argument("--year", type=int, help="Christian-era year, e.g. 2026")
    add = sub.add_parser("add")
    add.add_argument("day", type=date.fromisoformat)
    add.add_argument("name", nargs="+")
    imp = sub.add_parser("import")
    imp.add_argument("file", nargs="?", type=Path, default=DEFAULT_HOLIDAYS_FILE)
    args = parser.parse_args(argv)

    with command_session() as session:
        if args.command == "list":
            ensure_seeded(session)  # the same table the reminders use, seeded the same way
            stmt = select(Holiday).order_by(Holiday.day)
            if args.year:
                stmt = stmt.where(extract("year", Holiday.day) == args.year)
            rows = list(session.scalars(stmt))
            for h in rows:
                print(f"{h.day.isoformat()}  {thai_weekday_date(h.day)}  {h.name}")
            print(f"{len(rows)} holidays")
        elif args.command == "add":
            added = upsert_holidays(session, [(args.day, " ".join(args.name))])
            print(f"{'added' if added else 'updated'} {args.day.isoformat()}")
        else:
            if not args.file.exists():
                print(f"no such file: {args.file}")
                return 1
            rows = read_holidays_file(args.file)
            added = upsert_holidays(session, rows)
            print(f"imported {len(rows)} holidays ({added} new)")
    return 0
