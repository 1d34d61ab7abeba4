"""003: performance-agreement result forms (components, indicators, projects, results)."""

from __future__ import annotations

import re

from knowledge.model import Section, Span
from knowledge.parsing.overlay import build_overlay


def _primary(entry: dict, ranges: list[list[int]]) -> int:
    # indicators: the detail block (longest range) is the authoritative passage
    if entry["code"].startswith("K") and len(ranges) > 1:
        return max(range(len(ranges)), key=lambda i: ranges[i][1] - ranges[i][0])
    return 0


def _text_ranges(entry: dict, ranges: list[list[int]]) -> list[list[int]]:
    # keep the item text cohesive: the criteria/result rows plus the head of the detail block
    out = []
    for a, b in ranges:
        out.append([a, min(b, a + 12)])
    return out


_KPI_CELL = "ตัวชี้วัด: "
_NUMBERED_KPI = re.compile(re.escape(_KPI_CELL) + r"(\d+)\.\s*(\S.*)")
_NUMBER_ONLY = re.compile(re.escape(_KPI_CELL) + r"(\d+)\.\s*$", re.M)


def _name_result_rows(sections: dict[str, Section]) -> dict[str, Section]:
    """A results row names its indicator by number only ("ตัวชี้วัด: 1.", L25–27, L223–224):
    give it the name the scoring-criteria table above prints for that number (L18–20), so the
    row is found and read by the indicator's name ("เครือข่ายพหุวัฒนธรรม ได้ระดับเท่าไร")."""
    names: dict[str, str] = {}
    for s in sections.values():
        if s.kind == "table_row" and (m := _NUMBERED_KPI.match(s.text)):
            names.setdefault(m.group(1), m.group(2).strip())
    for s in sections.values():
        if s.kind == "table_row" and (m := _NUMBER_ONLY.match(s.text)) and m.group(1) in names:
            s.text = f"{_KPI_CELL}{m.group(1)}. {names[m.group(1)]}" + s.text[m.end():]
    return sections


def _split_total_rows(sections: dict[str, Section], lines: tuple[str, ...]) -> dict[str, Section]:
    """A component's total row ("\t50\t\tคะแนนที่ได้\t47", L28, L225) has an empty first cell,
    so the table parser read it as the last indicator's continuation: make it its own row, so
    indicator 3 does not carry the component's 50 and 47."""
    out: dict[str, Section] = {}
    for sid, s in sections.items():
        out[sid] = s
        sp = s.spans[0] if s.spans else None
        if s.kind != "table_row" or sp is None or sp.last == sp.first:
            continue
        cells = [c.strip() for c in lines[sp.last - 1].split("\t")]
        if cells[0] or "คะแนนที่ได้" not in cells:
            continue
        filled = [c for c in cells if c]
        s.text = "\n".join(s.text.split("\n")[: -len(filled)])
        s.spans[0] = Span(sp.source, sp.first, sp.last - 1)
        total = Section(
            f"{sid}/total", s.doc, "table_row", s.title,
            f"{_KPI_CELL}รวมทั้งองค์ประกอบ\nน้ำหนัก (ร้อยละ): {filled[0]}\nคะแนนที่ได้ (ถ่วงน้ำหนัก): {filled[-1]}",
            [Span(sp.source, sp.last, sp.last)], key=s.key, parent=s.parent,
        )
        out[total.id] = total
        parent = sections[s.parent].children
        parent.insert(parent.index(sid) + 1, total.id)
    return out


def parse() -> dict[str, Section]:
    from knowledge.catalogue import DOCUMENTS
    from knowledge.parsing.text import read_lines

    sections = build_overlay("003", primary=_primary, text_ranges=_text_ranges)
    return _split_total_rows(_name_result_rows(sections), read_lines(DOCUMENTS["003"].source))
