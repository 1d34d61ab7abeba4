"""Step-by-step tables (ขั้นตอนการปฏิบัติงาน), shared by the BMA five-table manuals (000, 002).

Columns are mapped by the keywords of the latest header row, never by position: the header
repeats after every page break and its wording varies ("ผังกระบวนการ", "ฝั่งกระบวนการงาน",
"รายละเอียดงาน"; the photography table of 000 has no "ที่" column at all). A row whose
"ที่" cell is empty continues the previous step (page-break continuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.model import Step
from knowledge.parsing.duration import parse_duration
from knowledge.parsing.text import clean_cell, clean_inline, is_blank
from knowledge.text.normalize import thai_digits_to_arabic

_COLUMNS = [
    ("no", ("ที่",)),
    ("flow", ("ผังกระบวน", "ฝั่งกระบวน", "ฝั่ง กระบวน", "flow")),
    ("duration", ("ระยะเวลา",)),
    ("text", ("รายละเอียด",)),
    ("standard", ("มาตรฐาน", "คุณภาพงาน")),
    ("monitoring", ("ติดตาม", "ระบิต", "ประเมินผล")),
    ("responsible", ("ผู้รับผิดชอบ",)),
    ("forms", ("แบบฟอร์ม",)),
    ("references", ("อ้างอิง",)),
]
FIELD_LABELS = {
    "duration": "ระยะเวลา",
    "responsible": "ผู้รับผิดชอบ",
    "standard": "มาตรฐานคุณภาพงาน",
    "monitoring": "ระบบติดตาม/ประเมินผล",
    "forms": "แบบฟอร์ม",
    "references": "เอกสารอ้างอิง",
}


def header_map(cells: list[str]) -> dict[int, str] | None:
    """Column index → field name when `cells` is a step-table header row, else None."""
    return _header_map(tuple(cells))


@lru_cache(maxsize=4096)
def _header_map(cells: tuple[str, ...]) -> dict[int, str] | None:
    if any(len(c) > 60 for c in cells):
        return None
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        c = re.sub(r"\s+", " ", cell.strip()).lower()
        if not c:
            continue
        for name, words in _COLUMNS:
            if name == "no":
                if c in {"ที่", "ลำดับ", "ลำดับที่"}:
                    mapping[i] = "no"
                    break
                continue
            if any(w in c for w in words) and name not in mapping.values():
                mapping[i] = name
                break
    fields = set(mapping.values())
    if "duration" in fields and ("text" in fields or "responsible" in fields) and len(fields) >= 4:
        return mapping
    return None


_CONT_RE = re.compile(r"\(\s*ต่อ\s*\)\s*$")


def join_continued(chunks: list[str]) -> str:
    """Join a cell split by a page break: a Thai word cut in two is glued back together."""
    out = ""
    for chunk in (c.strip() for c in chunks):
        if not chunk:
            continue
        if out and re.search("[\u0e01-\u0e4e]$", out) and re.match("[\u0e01-\u0e4e]", chunk):
            out += chunk
        elif out:
            out += "\n" + chunk
        else:
            out = chunk
    return out


@dataclass
class _Row:
    first: int
    last: int
    cells: dict[str, list[str]] = field(default_factory=dict)


def parse_step_table(lines: tuple[str, ...], first: int, last: int) -> list[tuple[Step, int, int]]:
    """Steps of the table(s) in lines[first..last] (1-based) with each step's line span."""
    rows: list[_Row] = []
    mapping: dict[int, str] | None = None
    for n in range(first, last + 1):
        line = lines[n - 1]
        if is_blank(line) or "\t" not in line:
            continue
        cells = line.split("\t")
        hm = header_map(cells)
        if hm is not None:
            mapping = hm
            continue
        if mapping is None or not any(c.strip() for c in cells):
            continue
        values: dict[str, str] = {}
        for i, cell in enumerate(cells):
            name = mapping.get(i)
            if name and cell.strip():
                values[name] = cell
        if not values:
            continue
        has_no_column = "no" in mapping.values()
        no_cell = values.get("no", "").strip()
        if has_no_column and not no_cell and rows:
            row = rows[-1]
            row.last = n
            for k, v in values.items():
                row.cells.setdefault(k, []).append(v)
            continue
        rows.append(_Row(n, n, {k: [v] for k, v in values.items()}))

    out: list[tuple[Step, int, int]] = []
    for idx, row in enumerate(rows, 1):
        get = lambda k: " ".join(clean_inline(v) for v in row.cells.get(k, [])).strip()  # noqa: E731
        no_raw = thai_digits_to_arabic(get("no")).strip().rstrip(".").strip()
        text_cell = join_continued([clean_cell(v) for v in row.cells.get("text", [])])
        flow = " ".join(
            x for x in (clean_inline(v) for v in row.cells.get("flow", [])) if x and not _CONT_RE.search(x)
        )
        if not no_raw:
            no_raw = str(idx)  # tables without a "ที่" column: number the rows in order
        duration_raw = " ".join(v for v in row.cells.get("duration", []))
        step = Step(
            no=no_raw,
            text=text_cell or flow,
            duration=parse_duration(duration_raw),
            responsible=join_broken_posts(get("responsible")),
            standard=get("standard"),
            monitoring=get("monitoring"),
            forms=get("forms").strip(" -") and get("forms"),
            references=get("references").strip(" -") and get("references"),
            flow_label=flow,
        )
        out.append((step, row.first, row.last))
    return out


# Post names the PDF extraction broke across a line ("นักวิเทศ สัมพันธ์", "เจ้า พนักงาน ธุรการ",
# "จพง. ชุรการ"): the responsible column names a post, so it is read whole. Only these
# known posts: elsewhere a space between Thai words is a phrase break.
_POSTS = ("นักวิเทศสัมพันธ์", "เจ้าพนักงานธุรการ", "เจ้าพนักงานการเงินและบัญชี", "นักจัดการงานทั่วไป",
          "นายช่างภาพชำนาญงาน", "นักวิชาการเงินและบัญชี", "กลุ่มงานแผนงาน", "บริหารงานทั่วไป")
_POST_RES = [(re.compile(r"\s*".join(map(re.escape, post.replace("ธุรการ", "")))
                         + (r"\s*[ธชฐร][ุู]รการ" if "ธุรการ" in post else "")), post) for post in _POSTS]


def join_broken_posts(text: str) -> str:
    for rx, post in _POST_RES:
        text = rx.sub(post, text)
    return re.sub(r"จพง\.\s*[ชฐร][ุู]รการ", "จพง.ธุรการ", text)


def step_text(step: Step, with_no: bool = True) -> str:
    """Readable text of one step: detail, then labelled fields."""
    head = f"ขั้นตอนที่ {step.no}: " if with_no else ""
    parts = [head + (step.text or step.flow_label)]
    if step.flow_label and step.text and step.flow_label not in step.text:
        parts.append(f"ผังกระบวนการ: {step.flow_label}")
    if step.duration:
        parts.append(f"{FIELD_LABELS['duration']}: {step.duration.raw}")
    for name in ("responsible", "standard", "monitoring", "forms", "references"):
        value = getattr(step, name)
        if value and value.strip(" -"):
            parts.append(f"{FIELD_LABELS[name]}: {value}")
    return "\n".join(parts)


def steps_summary(steps: list[Step]) -> str:
    """One line per step: number, short detail, duration, responsible role."""
    out = []
    for s in steps:
        detail = (s.flow_label or s.text).replace("\n", " ")
        if len(detail) > 160:
            detail = detail[:157] + "…"
        extra = []
        if s.duration:
            extra.append(s.duration.raw)
        if s.responsible:
            extra.append(s.responsible)
        out.append(f"{s.no}. {detail}" + (f" ({'; '.join(extra)})" if extra else ""))
    return "\n".join(out)
