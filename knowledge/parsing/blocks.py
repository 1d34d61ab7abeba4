"""Generic block parser: headings → parts, prose → paragraphs, TSV rows → table rows.

Used for everything that is not a catalogued procedure/project/KPI: forewords, summaries,
definitions, duties, budget tables, evaluation tables… Lines already claimed by a
specialised parser are skipped. A repeated table header (page break) is dropped; a row
whose first cell is empty continues the previous row.
"""

from __future__ import annotations

import re

from knowledge.model import Section
from knowledge.parsing.text import clean_cell, clean_inline, is_blank, strip_heading
from knowledge.parsing.tree import TreeBuilder
from knowledge.text.normalize import thai_digits_to_arabic

_HEADING_RE = re.compile(r"^\s*(#{1,6})\s+\S")
_BOLD_RE = re.compile(r"^\s*\*\*[^*\t]{2,200}\*\*\s*$")
# a bold title the extraction broke over two lines (004 L264-265, a hard break inside **…**)
_BOLD_OPEN_RE = re.compile(r"^\s*\*\*[^*\t]{2,200}$")
_BOLD_CLOSE_RE = re.compile(r"^[^*\t]{2,200}\*\*\s*$")
_DIGIT_RE = re.compile(r"[0-9๐-๙]")
_MONEY_RE = re.compile(r"^[0-9๐-๙][0-9๐-๙,]*(?:\.[0-9๐-๙-]*)?-?\s*(?:บาท)?$")
_CONT_RE = re.compile(r"\s*\(\s*ต่อ\s*\)\s*$")
_PAGE_DEBRIS_RE = re.compile(r"^\s*(?:#+\s*)?(?:ตารางที่\s*[๐-๙0-9]+|ตาราง|[๐-๙0-9]{1,3}|-\s*[๐-๙0-9]+\s*-)\s*$")
# "๑. เมืองพี่เมืองน้อง หมายถึง …", "“ยุทธศาสตร์” (Strategic) หมายถึง …": the term titles the definition
_DEFINITION_RE = re.compile(r"^(?:[๐-๙0-9]+\.\s*)?[“\"]?([^“”\"\n]{2,80}?)[”\"]?\s*(?:\([^)]{1,60}\))?\s*หมายถึง")
_YEAR_RE = re.compile(r"^(?:25[0-9]{2}|๒๕[๐-๙]{2})$")
_SOFT_TITLE_RE = re.compile(r"^(?![-•*]|[๐-๙0-9]+[.)]|\()[^\n]{2,60}$")
_NAME_HINTS = ("ชื่อ", "ตัวชี้วัด", "KR", "โครงการ", "กิจกรรม", "มาตรการ", "หน่วยงาน", "เรื่อง", "คำ")


# "ส่วนที่ 1" alone on a plain line opens a part of the plan as "## ส่วนที่ 2" does (004 L83,
# L254): without it, part 1 (83-145) ran on under the heading before, "ตัวชี้วัดผลหลัก (KR)"
_PLAIN_PART_RE = re.compile(r"^\s*ส่วนที่\s*[0-9๐-๙]+\s*$")


LIST_ITEM_CHARS = 160  # what a line of a list of names holds, at most (the answers show such a list whole)
_ITEM_NO_RE = re.compile(r"^([0-9๐-๙]{1,2})[.)]\s")


def _continues_list(prev: Section, text: str, n: int) -> bool:
    """`text` (line n) is the next item of the list of short lines `prev` ends with, a blank
    line or two between them (a page break inside the list). Items that are paragraphs of
    their own (a definition, a unit's duties) stay apart: each answers on its own."""
    tail = prev.text.rsplit("\n", 1)[-1]
    m, last = _ITEM_NO_RE.match(text), _ITEM_NO_RE.match(tail)
    return bool(m and last and 0 < n - prev.spans[0].last <= 3
                and max(len(text), len(tail)) <= LIST_ITEM_CHARS and not _DEFINITION_RE.match(text)
                and int(thai_digits_to_arabic(m.group(1))) == int(thai_digits_to_arabic(last.group(1))) + 1)


def _heading_level(line: str) -> int | None:
    m = _HEADING_RE.match(line)
    if m:
        return len(m.group(1))
    if _PLAIN_PART_RE.match(line):
        return 2
    if _BOLD_RE.match(line):
        return 4
    return None


def _looks_like_header(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    if any(len(c) > 110 or "<" in c or " : " in c or c.endswith(":") for c in filled):
        return False
    if _DIGIT_RE.search(filled[0]):
        return False
    # header cells are labels: short, and not bare numbers or amounts
    return not any(_MONEY_RE.match(c) or len(c) > 60 and _DIGIT_RE.search(c) for c in filled[1:])


def row_text(header: list[str] | None, cells: list[str]) -> tuple[str, str]:
    """(title, readable text) of one table row."""
    clean = [clean_inline(c) for c in cells]
    names = [clean_inline(h) for h in header] if header else []
    title = ""
    pairs: list[str] = []
    for i, value in enumerate(clean):
        if not value:
            continue
        label = names[i] if i < len(names) else ""
        if label and ("งบประมาณ" in label or "ประมาณการ" in label) and _MONEY_RE.match(value):
            pairs.append(f"{label} {value}" + ("" if "บาท" in value else " บาท"))
        elif label and label != value:
            pairs.append(f"{label}: {value}")
        else:
            pairs.append(value)
    for hint in _NAME_HINTS:
        title = next(
            (v for i, v in enumerate(clean) if v and i < len(names) and hint in names[i] and not _MONEY_RE.match(v)),
            "",
        )
        if title:
            break
    if not title:
        title = next((v for v in clean if v and not _MONEY_RE.match(v) and len(v) > 3), clean[0] if clean else "")
    if len(title) > 120:
        title = title[:117] + "…"
    return title, "\n".join(pairs)


def _one_line_label(tb: TreeBuilder, sid: str | None) -> str | None:
    """The text of the short label paragraph `sid` ("วิสัยทัศน์", "โครงสร้างและกรอบอัตรากำลัง")
    that titles what follows it, if it is one line."""
    text = tb.sections[sid].text if sid else ""
    return text if text and "\n" not in text else None


def parse_blocks(
    tb: TreeBuilder,
    root: str,
    first: int,
    last: int,
    claimed: set[int],
    id_prefix: str,
    toc_ranges: list[tuple[int, int]] = (),
    key: str | None = None,
) -> None:
    """Add part/paragraph/table_row/toc sections for the unclaimed lines of [first, last]."""
    lines = tb.lines
    stack: list[tuple[int, str]] = []  # (level, section id)
    seen_headings: set[str] = set()
    header: list[str] | None = None
    last_row: str | None = None
    para: str | None = None
    prev_tab = False
    counter = 0
    toc_lines = {n for a, b in toc_ranges for n in range(a, b + 1)}
    parts_by_title: dict[str, str] = {}
    rows_by_title: dict[str, str] = {}
    paragraphs: list[str] = []
    soft_title: str | None = None
    # a header-less table right after a short caption line ("โครงสร้างและกรอบอัตรากำลัง"):
    # its rows are titled by the caption, which says what their numbers are
    caption: str | None = None
    joined_heading = 0

    def parent() -> str:
        return stack[-1][1] if stack else root

    for a, b in toc_ranges:
        span = tb.tight(a, b)
        if span:
            body = tb.text_of(*span)
            tb.add(f"{id_prefix}/toc/{a}", "toc", "สารบัญ", body, [tb.span(*span)], root, searchable=False)

    for n in range(first, last + 1):
        if n in claimed or n in toc_lines:
            para = None
            prev_tab = False
            continue
        line = lines[n - 1]
        if is_blank(line):
            para = None
            continue
        counter += 1
        if _PAGE_DEBRIS_RE.match(line):
            continue  # bare page headers / page numbers
        if n == joined_heading:
            continue  # the second line of a bold title broken over two lines
        level = _heading_level(line)
        if level is None and n < last and _BOLD_OPEN_RE.match(line) and _BOLD_CLOSE_RE.match(lines[n]):
            line, level, joined_heading = f"{line.strip()} {lines[n].strip()}", 4, n + 1
        if level is not None and "\t" not in line:
            title = strip_heading(line)
            para = None
            soft_title = None
            header = None
            last_row = None
            prev_tab = False
            if not title:
                continue
            norm = re.sub(r"\s+", "", _CONT_RE.sub("", title))
            while stack and stack[-1][0] >= level:
                stack.pop()
            if _CONT_RE.search(title) and norm in parts_by_title:
                stack.append((level, parts_by_title[norm]))
                continue
            repeated = norm in seen_headings
            seen_headings.add(norm)
            sec = tb.add(
                f"{id_prefix}/part/{n}", "part", title, title, [tb.span(n, n + (joined_heading == n + 1))], parent(), key=key,
                searchable=False,  # navigation only: the content lives in the children
            )
            stack.append((level, sec.id))
            parts_by_title.setdefault(norm, sec.id)
            continue
        if "\t" in line and not any(c.strip() for c in line.split("\t")[1:]):
            line = line.split("\t")[0]  # key : value line padded with tabs
        if "\t" in line:
            cells = line.split("\t")
            para = None
            if not prev_tab:
                caption = _one_line_label(tb, soft_title)
            soft_title = None
            if not any(c.strip() for c in cells):
                continue
            stripped = [c.strip() for c in cells]
            if header is not None and [c for c in stripped if c] == [c for c in header if c.strip()]:
                prev_tab = True
                continue  # repeated header after a page break
            if not prev_tab and _looks_like_header(cells):
                header = stripped
                prev_tab = True
                last_row = None
                continue
            prev_tab = True
            first_filled = next((c for c in stripped if c), "")
            if not stripped[0] and last_row is not None and any(stripped[1:]) and not first_filled.startswith("รวม"):
                row = tb.sections[last_row]
                _, more = row_text(header, cells)
                row.text = row.text + "\n" + more
                row.spans[0] = tb.span(row.spans[0].first, n)
                continue
            first_cell = clean_inline(cells[0])
            base = re.sub(r"\s+", "", _CONT_RE.sub("", first_cell))
            if _CONT_RE.search(first_cell) and base in rows_by_title:
                row = tb.sections[rows_by_title[base]]
                _, more = row_text(header, [""] + cells[1:])
                row.text = row.text + "\n" + more
                if n - row.spans[-1].last <= 8:
                    row.spans[-1] = tb.span(row.spans[-1].first, n)
                else:
                    row.spans.append(tb.span(n, n))
                last_row = row.id
                continue
            title, text = row_text(header, cells)
            if not text:
                continue
            if not title or _MONEY_RE.match(title):
                title = (tb.sections[parent()].title if stack else "") or text.split("\n")[0][:80]
            if caption and header is None and caption not in title:
                title = f"{caption} – {title}"
            values = [c.strip() for c in cells if c.strip()]
            header_fragment = all(_YEAR_RE.match(v) for v in values)  # e.g. a "2567 | 2568" header row
            sec = tb.add(
                f"{id_prefix}/row/{n}", "table_row", title, text, [tb.span(n, n)], parent(), key=key,
                searchable=not header_fragment,
            )
            last_row = sec.id
            if base:
                rows_by_title[base] = sec.id
            continue
        prev_tab = False
        text = clean_cell(line)
        if not text:
            continue
        if para is None and paragraphs and tb.sections[paragraphs[-1]].parent == parent() \
                and _continues_list(tb.sections[paragraphs[-1]], text, n):
            para = paragraphs[-1]  # "9." after a blank line still belongs to the list of 1.-8.
        if para is not None:
            sec = tb.sections[para]
            sec.text += "\n" + text
            sec.spans[0] = tb.span(sec.spans[0].first, n)
            continue
        title_base = tb.sections[parent()].title if stack else ""
        soft = _one_line_label(tb, soft_title)
        if soft:
            tb.sections[soft_title].searchable = False  # it lives on as the title of what follows
            title = f"{title_base} – {soft}" if title_base and title_base != soft else soft
        else:
            title = title_base or text.split("\n")[0][:80]
        term = _DEFINITION_RE.match(text)
        if term:
            title = f"คำจำกัดความ: {term.group(1).strip()}"
        sec = tb.add(f"{id_prefix}/p/{n}", "paragraph", title, text, [tb.span(n, n)], parent(), key=key)
        paragraphs.append(sec.id)
        para = sec.id
        # a short label line ("วิสัยทัศน์", "ปัญหา อุปสรรค", "หลักฐานอ้างอิง :") titles the next paragraph
        soft_title = sec.id if _SOFT_TITLE_RE.match(text) else None

    # repeated captions / page headers: only the first occurrence is searchable
    seen: set[str] = set()
    for sid in paragraphs:
        norm = re.sub(r"\s+", "", tb.sections[sid].text)
        if norm in seen:
            tb.sections[sid].searchable = False
        seen.add(norm)
