"""Deadline rules from the manuals, each in one place with its citation.

The finance unit can check every rule here against the manual line it cites.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    days: int
    quote: str  # the manual's own words
    source: str  # path relative to the repo root
    line: int  # 1-based line of the quote


ADVANCE_CLEARING = Rule(
    name="คืนเงินยืมใช้ในราชการ",
    days=30,
    quote="คืนภายใน ๓๐ วัน นับแต่วันที่ได้รับเงินยืม",
    source="knowledge/sources/fao_operations_manual_2564.txt",
    line=3251,  # the clearing step (ชดใช้เงินยืม) of the manual's step table
)


def advance_due_date(received_on: date, rule: Rule = ADVANCE_CLEARING) -> date:
    """Last day to clear an advance.

    Counted as the Thai Civil and Commercial Code counts periods (section 193/3: the
    first day is not counted), so 30 days from receipt on 3 Dec ends on 2 Jan.
    """
    return received_on + timedelta(days=rule.days)


def citation(rule: Rule = ADVANCE_CLEARING) -> str:
    """The footnote every advance card shows, so an officer can check it in the manual."""
    return f"“{rule.quote}” — คู่มือการปฏิบัติงาน สำนักงานการต่างประเทศ (บรรทัด {rule.line})"
