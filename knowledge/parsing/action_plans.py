"""001 (action plan 2560) and 004 (action plan 2568): measures, projects, budgets, KPIs/KRs.

Generic blocks plus the catalogue overlay (see overlay.py). 001's Gantt rows (arrows in
month columns) are rewritten into readable schedules ("ช่วงเวลา: ธ.ค. ๒๕๕๙ – ม.ค. ๒๕๖๐"),
and the year/month header rows of every Gantt are dropped. Each 2560 KPI's line in the
plan's list of KPIs (name and target) is a passage of its own beside its definition row.
"""

from __future__ import annotations

import re

from knowledge.model import Section
from knowledge.parsing.overlay import build_overlay
from knowledge.parsing.text import clean_inline
from knowledge.parsing.tree import TreeBuilder

MONTHS_2560 = [
    "ต.ค. ๒๕๕๙", "พ.ย. ๒๕๕๙", "ธ.ค. ๒๕๕๙", "ม.ค. ๒๕๖๐", "ก.พ. ๒๕๖๐", "มี.ค. ๒๕๖๐",
    "เม.ย. ๒๕๖๐", "พ.ค. ๒๕๖๐", "มิ.ย. ๒๕๖๐", "ก.ค. ๒๕๖๐", "ส.ค. ๒๕๖๐", "ก.ย. ๒๕๖๐",
]
_ARROW_RE = re.compile("[←→↔]")
_CAPTION_RE = re.compile(r"^\s*(?:ชื่อ|ข้อ)(?:โครงการ|ตัวชี้วัด)ที่")
_MONTH_ROW_RE = re.compile(r"^(?:[\s|]*)(?:ต\.ค\.|พ\.ศ\.)")


def gantt_text(line: str) -> str | None:
    """A Gantt step row → "step (ร้อยละ x, สะสม y) ช่วงเวลา: first – last month"."""
    cells = line.split("\t")
    if len(cells) < 5 or not _ARROW_RE.search("".join(cells[3:])):
        return None
    months = [i - 3 for i, c in enumerate(cells) if i >= 3 and _ARROW_RE.search(c)]
    months = [m for m in months if 0 <= m < 12] or [0]
    step = clean_inline(cells[0])
    share, cumulative = clean_inline(cells[1]), clean_inline(cells[2])
    when = MONTHS_2560[months[0]] if months[0] == months[-1] else f"{MONTHS_2560[months[0]]} – {MONTHS_2560[months[-1]]}"
    extra = ", ".join(x for x in (share, f"สะสม {cumulative}" if cumulative else "") if x)
    return f"{step} ({extra}) ช่วงเวลา (เดือน): {when}" if extra else f"{step} ช่วงเวลา (เดือน): {when}"


def _fix_gantt(sections: dict[str, Section], lines: tuple[str, ...]) -> dict[str, Section]:
    drop = set()
    for s in sections.values():
        if s.kind == "paragraph" and _CAPTION_RE.match(s.text):
            s.searchable = False  # Gantt captions repeat the project / KPI name the item already holds
        if s.kind != "table_row":
            continue
        raw = lines[s.spans[0].first - 1]
        text = gantt_text(raw)
        if text:
            s.text = text
            continue
        if _MONTH_ROW_RE.match(s.text) or re.match(r"^(?:ต\.ค\.|พ\.ศ\.)", clean_inline(raw)):
            drop.add(s.id)
    for sid in drop:
        s = sections.pop(sid)
        if s.parent in sections:
            sections[s.parent].children.remove(sid)
    return sections


def _text_ranges_001(entry: dict, ranges: list[list[int]]) -> list[list[int]]:
    # projects: the budget-summary row and the measure-table row (not the shared KPI row or the Gantt)
    if entry["code"].startswith(("PRJ", "ACT")):
        return ranges[:2]
    if re.fullmatch(r"K\d+", entry["code"]):
        return ranges[:1]  # the definition row; the list line is a passage of its own (_kpi_list_line)
    return ranges


def parse_001() -> dict[str, Section]:
    from knowledge.parsing.text import read_lines
    from knowledge.catalogue import DOCUMENTS

    sections = build_overlay(
        "001", toc_ranges=[(13, 20)], primary=_summary_first, text_ranges=_text_ranges_001, extra=_kpi_list_line
    )
    return _fix_gantt(sections, read_lines(DOCUMENTS["001"].source))


_KPI_LINE_RE = re.compile(r"^-?\s*\d+\)\s*(.+?)\s*\(([^()]+)\)\s*$")  # "- 7) <name> (8,500 ครั้ง)"


def _kpi_list_line(tb: TreeBuilder, code: str, item: Section) -> None:
    """A KPI stated twice: in the plan's list of KPIs, name and target on one line ("- ๗)
    … (๘,๕๐๐ ครั้ง)"), and in its definition row. The item cites the row; the list line is
    a passage of its own too, the short answer to "what is the target"."""
    if not re.fullmatch(r"K\d+", code) or len(item.spans) < 2:
        return
    sp = item.spans[1]
    if sp.first != sp.last or not tb.lines[sp.first - 1].lstrip().startswith("-"):
        return
    text = tb.text_of(sp.first, sp.last)
    m = _KPI_LINE_RE.match(text)
    if m:  # read like the plan's other KPI rows, so the answer says what the number is
        text = f"{m.group(1)}\nค่าเป้าหมาย: {m.group(2)}"
    tb.add(f"{item.id}/target", "kpi", f"{item.title} – ค่าเป้าหมาย", text, [sp], item.id, key=item.key)


def parse_004() -> dict[str, Section]:
    return build_overlay("004", toc_ranges=[(16, 38)], primary=_summary_first)


def _summary_first(entry: dict, ranges: list[list[int]]) -> int:
    """The authoritative passage: a project's row in the budget summary table, a KPI's
    definition row (target, definition, calculation), rather than its first mention."""
    code = entry["code"]
    if len(ranges) > 1 and (code.startswith(("PRJ", "ACT", "B")) or re.fullmatch(r"K\d+", code)):
        return 1
    return 0
