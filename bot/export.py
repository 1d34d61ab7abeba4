"""`python -m bot export cases --format csv [--output FILE] [--unit U] [--since YYYY-MM-DD]`

UTF-8 with a byte-order mark: without the BOM, Excel on Windows opens a CSV as the
local code page and Thai turns into mojibake. Dates are Bangkok time.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import astuple
from datetime import date
from pathlib import Path

from bot import records

HEADER = ("ref", "kind", "title", "status", "unit", "created by", "assignee",
          "event date", "due date", "created", "closed", "close note")


def cases_csv(rows: list[records.ExportRow]) -> str:
    """The CSV text (BOM included), with formula-looking cells defused: a title that
    starts with = + - @ would otherwise run as a formula when Excel opens the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_safe_cell(value) for value in astuple(row)])
    return "\ufeff" + buffer.getvalue()


def _safe_cell(value: str) -> str:
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def main(argv: list[str]) -> int:
    from bot.app import command_session

    parser = argparse.ArgumentParser(prog="python -m bot export")
    parser.add_argument("what", choices=["cases"])
    parser.add_argument("--format", default="csv", choices=["csv"])
    parser.add_argument("--output", help="file to write (default: standard output)")
    parser.add_argument("--unit", help="only this unit's cases")
    parser.add_argument("--since", type=date.fromisoformat, help="only cases created on or after YYYY-MM-DD (Bangkok)")
    args = parser.parse_args(argv)
    with command_session() as session:
        rows = records.export_rows(session, unit=args.unit, since=args.since)
    text = cases_csv(rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {len(rows)} cases to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 0
