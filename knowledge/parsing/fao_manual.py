"""000: the Foreign Affairs Office operating manual (fao_operations_manual_2564.txt).

Every procedure is described in up to five places (scope Sc, framework Fr, key requirements
Rq, flowchart Fl, step table St). The registry gives each part's line range (from the
reading notes); this module parses each part and MERGES them into one procedure Section
(key "000:P4") whose children are the parts and the individual steps. Grouped admin
framework/requirements rows fan out to every member procedure. Everything else (foreword,
summary, definitions, duties, references) goes through the generic block parser, and the
tables of contents become non-searchable "toc" sections.
"""

from __future__ import annotations

import re

from knowledge.model import Section
from knowledge.parsing.blocks import parse_blocks
from knowledge.parsing.registry import REGISTRY
from knowledge.parsing.steps import parse_step_table, step_text, steps_summary
from knowledge.parsing.text import clean_cell, clean_inline, is_blank, strip_heading
from knowledge.parsing.tree import TreeBuilder, page_debris, part_lines, start_document

DOC = "000"
TOC_RANGES = [(17, 529), (1379, 1475)]
UNITS = [
    # (code prefix, id, name, step-part line range)
    ("P", "protocol", "ส่วนส่งเสริมความสัมพันธ์ระหว่างเมือง – กลุ่มงานพิธีการ", (2959, 3352)),
    ("C", "city_relations", "ส่วนส่งเสริมความสัมพันธ์ระหว่างเมือง – กลุ่มงานส่งเสริมความสัมพันธ์ระหว่างเมือง", (3353, 3906)),
    ("PL", "planning", "ส่วนแผนงานและส่งเสริมศักยภาพของเมือง – กลุ่มงานแผนงานและส่งเสริมกิจการต่างประเทศ", (3907, 4100)),
    ("CP", "city_potential", "ส่วนแผนงานและส่งเสริมศักยภาพของเมือง – กลุ่มงานส่งเสริมศักยภาพของเมือง", (4101, 4229)),
    ("A", "admin", "ฝ่ายบริหารงานทั่วไป", (4230, 4603)),
]
# how officers say it when the manual's wording differs
EXTRA_ALIASES = {
    "PL1.1": ["การจัดประชุมระหว่างประเทศแบบออนไซต์ (on-site) ณ สถานที่จริง"],
    "PL1.2": ["การจัดประชุมระหว่างประเทศแบบออนไลน์ (online)"],
    "C15": ["การทำวิดีโอออนไลน์ (video) ส่งเมืองพี่เมืองน้อง"],
    "C9": ["PLC ผู้สูงอายุ"],
}
PART_KIND = {"Sc": "scope", "Fr": "framework", "Rq": "requirements", "Fl": "flowchart", "St": "steps"}
PART_LABEL = {
    "Sc": "ขอบเขตของกระบวนการ",
    "Fr": "กรอบแนวคิด",
    "Rq": "ข้อกำหนดที่สำคัญและตัวชี้วัด",
    "Fl": "แผนผังกระบวนการงาน",
    "St": "ขั้นตอนการปฏิบัติงาน",
}
_TITLE_NUM_RE = re.compile(
    r"^\(?[๐-๙0-9]+(?:\s*\.\s*[๐-๙0-9]+)*\s*\.?\)?\s*(?:กระบวนการ(?:งาน)?|กระบวนงาน)?\s*(?:ย่อย)?\s*"
)
_PAGE_HEADINGS = ("ขั้นตอนการปฏิบัติงาน", "ขั้นตอนปฏิบัติงาน", "แผนผังกระบวนการงาน", "แผนผังกระบวนการ")


def unit_of(code: str) -> tuple[str, str, str, tuple[int, int]]:
    letters = re.match(r"[A-Z]+", code).group(0)
    return next(u for u in UNITS if u[0] == letters)


# obvious misprints fixed in display titles (the printed form stays in `aliases`)
TITLE_FIXES = {
    "พัฒนาคูคลอง": "พัฒนาบุคลากร",
    "ยกย่องเอกสาร": "ยกร่างเอกสาร",
    "เมืองที่เมืองน้อง": "เมืองพี่เมืองน้อง",
    "เลื่อนขึ้นเงินเดือน": "เลื่อนขั้นเงินเดือน",
    "วิดิทัศน์": "วีดิทัศน์",
    "เมืองพี่น้องเมืองน้อง": "เมืองพี่เมืองน้อง",
}


def fix_title(title: str) -> str:
    for wrong, right in TITLE_FIXES.items():
        title = title.replace(wrong, right)
    return title


def title_from(line: str) -> str:
    """Procedure name from a numbered title line ("### ๔. กระบวนการ พิธีมอบกุญแจเมือง")."""
    text = strip_heading(line)
    text = _TITLE_NUM_RE.sub("", text).strip(" .:")
    text = re.sub(r"^(?:ย่อย\s*)?ที่\s*[๐-๙0-9]+\s*", "", text).strip(" .:")
    return text


def _good_alias(text: str) -> bool:
    return len(re.findall("[\u0e01-\u0e4e]", text)) >= 6 and not text.startswith(("-", "(")) and text not in {
        u[2] for u in UNITS
    } and text != "ฝ่ายบริหารงานทั่วไป"


def _trim(tb: TreeBuilder, first: int, last: int) -> tuple[int, int] | None:
    """Tight span without blank lines or repeated page headings at either end."""
    span = tb.tight(first, last)
    while span:
        a, b = span
        head, tail = strip_heading(tb.lines[a - 1]), strip_heading(tb.lines[b - 1])
        if a < b and "\t" not in tb.lines[b - 1] and tail.startswith(_PAGE_HEADINGS):
            span = tb.tight(a, b - 1)
        elif a < b and "\t" not in tb.lines[a - 1] and head.startswith(_PAGE_HEADINGS):
            span = tb.tight(a + 1, b)
        else:
            break
    return span


def _first_title(tb: TreeBuilder, first: int, last: int) -> tuple[str, int] | None:
    for n in range(first, min(last, first + 8) + 1):
        line = tb.lines[n - 1]
        if is_blank(line) or "\t" in line:
            continue
        text = strip_heading(line)
        if not text or any(text.startswith(h) for h in _PAGE_HEADINGS) or text.startswith("ตารางที่"):
            continue
        if len(text) > 300:
            return None
        return title_from(line) or text, n
    return None


def header_cell(cell: str) -> str:
    """A table cell as its header label is matched: the PDF breaks labels with spaces
    ("ข้อกำหนด ด้านกฎหมาย", "ประสิทธิภาพของ กระบวนการ": 002 L245, L305, L340, L511, L538, L566)."""
    return cell.replace(" ", "").strip()


_LAW_REF_RE = re.compile(r"หนังสือ\s*(?:ด่วน\S*\s*)?ที่|คำสั่ง|ระเบียบ|พระราชบัญญัติ|พ\.ร\.บ\.|^(?:<p>)?ที่\s*[๐-๙\d]+/")


def _law_or(facet: str, cell: str) -> str:
    """Under the indicators' header, a law is the laws' column continued after a page break
    (002 L459: "<p>ที่ ๑๘๐๒/๒๕๕๒ …</p> <p>- หนังสือที่ กท …")."""
    return "regulations" if facet == "indicators" and _LAW_REF_RE.search(cell) else facet


def _framework(tb: TreeBuilder, first: int, last: int) -> tuple[dict[str, str], str]:
    """Fr: stakeholders/needs, then legal requirements/efficiency/value (header rows mid-table)."""
    labels = {
        "ผู้เกี่ยวข้อง": "stakeholders",
        "ความต้องการ": "needs",
        "ข้อกำหนดด้านกฎหมาย": "regulations",
        "ประสิทธิภาพ": "efficiency",
        "ความคุ้มค่า": "value",
        # 002 (3.1) puts its indicators between the laws and the laws' page-break continuation:
        # they are read as indicators, not listed as laws
        "ตัวชี้วัด": "indicators",
        "ผลกระบวนการ": "indicators",
    }
    names = {
        "stakeholders": "ผู้เกี่ยวข้อง",
        "needs": "ความต้องการ",
        "regulations": "ข้อกำหนดด้านกฎหมาย",
        "efficiency": "ประสิทธิภาพของกระบวนการ",
        "value": "ความคุ้มค่า",
    }
    facets: dict[str, list[str]] = {}
    header: list[str | None] | None = None
    for n in range(first, last + 1):
        line = tb.lines[n - 1]
        if is_blank(line):
            continue
        cells = line.split("\t")
        found = [next((v for k, v in labels.items() if header_cell(c).startswith(k)), None) for c in cells]
        if any(found):
            header = found
            continue
        if header is None or "\t" not in line:
            if "\t" not in line and header is not None and not page_debris(line):
                facets.setdefault(_law_or(header[0] or "stakeholders", line), []).append(clean_cell(line))
            continue
        current = None
        for i, cell in enumerate(cells):
            name = header[i] if i < len(header) else None
            current = name or current
            value = clean_cell(cell)
            key = current or ("indicators" if "indicators" in header else None)
            if value and key:
                facets.setdefault(_law_or(key, cell), []).append(value)
    flat = {k: "\n".join(v).strip() for k, v in facets.items() if k in names and "".join(v).strip(" -")}
    text = "\n".join(f"{names[k]}:\n{flat[k]}" for k in names if k in flat)
    return flat, text


def framework_facets(tb: TreeBuilder, first: int, last: int) -> dict[str, str]:
    """stakeholders / needs / regulations / efficiency / value of a framework table."""
    return _framework(tb, first, last)[0]


def _requirements(tb: TreeBuilder, first: int, last: int) -> tuple[str, str, str]:
    reqs: list[str] = []
    inds: list[str] = []
    names: list[str] = []
    for n in range(first, last + 1):
        line = tb.lines[n - 1]
        if is_blank(line) or "\t" not in line:
            continue
        cells = line.split("\t")
        if cells[0].strip().startswith(("กระบวนการ", "กระบวนงาน")) and any("ข้อกำหนด" in c for c in cells):
            continue
        if cells[0].strip():
            names.append(clean_inline(cells[0]))
        if len(cells) > 1 and clean_cell(cells[1]):
            reqs.append(clean_cell(cells[1]))
        if len(cells) > 2 and clean_cell(cells[2]):
            inds.append(clean_cell(cells[2]))
    req, ind = "\n".join(reqs), "\n".join(inds)
    text = "\n".join(x for x in (f"ข้อกำหนดที่สำคัญ:\n{req}" if req else "", f"ตัวชี้วัด:\n{ind}" if ind else "") if x)
    return req, ind, text


def _flowchart(tb: TreeBuilder, first: int, last: int) -> tuple[str, str]:
    """Flowchart rows → "duration (headcount): label [lane]" lines plus the lane actors."""
    lanes: list[str] = []
    current_lanes: list[str] = []
    out: list[str] = []
    lane_row_next = False
    for n in range(first, last + 1):
        line = tb.lines[n - 1]
        if is_blank(line):
            continue
        cells = line.split("\t")
        if cells[0].strip().startswith("ระยะเวลา") or (len(cells) > 1 and "จำนวนผู้ปฏิบัติงาน" in cells[1]):
            lane_row_next = True
            continue
        if lane_row_next and "\t" in line:
            lane_row_next = False
            if not cells[0].strip():
                current_lanes = [clean_inline(c) for c in cells[2:]]
                for lane in current_lanes:
                    if lane and lane.replace(' ', '') not in {x.replace(' ', '') for x in lanes}:
                        lanes.append(lane)
                continue
        if "\t" not in line:
            text = strip_heading(line)
            if text and not text.startswith(_PAGE_HEADINGS) and n != first:
                out.append(text)
            continue
        duration = clean_inline(cells[0])
        count = clean_inline(cells[1]) if len(cells) > 1 else ""
        boxes = []
        for i, cell in enumerate(cells[2:]):
            label = clean_inline(cell)
            if label:
                lane = current_lanes[i] if i < len(current_lanes) else ""
                boxes.append(f"{label} [{lane}]" if lane else label)
        head = " ".join(x for x in (duration, f"({count})" if count else "") if x)
        if boxes or head:
            out.append((head + ": " if head and boxes else head) + "; ".join(boxes))
    return "ผู้ปฏิบัติ (เลน): " + ", ".join(lanes) if lanes else "", "\n".join(out)


def parse() -> dict[str, Section]:
    tb, root = start_document(DOC, wrap=True)
    n_lines = len(tb.lines)
    entries = [e for e in REGISTRY if e["doc"] == DOC]
    codes = {e["code"] for e in entries}
    claimed = part_lines(entries)

    unit_ids: dict[str, str] = {}
    for prefix, uid, name, (a, b) in UNITS:
        members = [e for e in entries if re.match(r"[A-Z]+", e["code"]).group(0) == prefix]
        text = name + "\nกระบวนการ: " + "; ".join(e["name"] for e in members if "." not in e["code"])
        unit_ids[prefix] = tb.add(f"{DOC}/unit/{uid}", "unit", name, text, [tb.span(a, b)], root).id

    for e in entries:
        _procedure(tb, e, codes, unit_ids)

    parse_blocks(tb, root, 1, n_lines, claimed, DOC, TOC_RANGES)
    tb.inherit_facets()
    return tb.ordered(DOC)


def _procedure(tb: TreeBuilder, e: dict, codes: set[str], unit_ids: dict[str, str]) -> None:
    code, key, parts = e["code"], e["key"], e["parts"]
    is_parent = any(c.startswith(code + ".") for c in codes)
    parent_code = code.rsplit(".", 1)[0] if "." in code else None
    parent = f"{DOC}/{parent_code}" if parent_code else unit_ids[re.match(r"[A-Z]+", code).group(0)]
    pid = f"{DOC}/{code}"

    found = _first_title(tb, *parts["St"]) if "St" in parts else None
    title = fix_title(found[0]) if found else e["name"]
    if parent_code and len(title) < 45 and pid != parent:
        title = f"{tb.sections[parent].title} – {title}"
    if code.startswith(("C3.", "PL1.", "PL4.", "PL5.")) and found is None:
        title = e.get("alias") or e["name"]
    aliases: list[str] = list(EXTRA_ALIASES.get(code, ()))
    if e.get("gloss"):
        aliases.append(e["gloss"])  # English gloss from the reading notes ("key to the city, state visit")
    for cand in [found[0] if found else None, e["name"], e.get("alias")] + [
        (_first_title(tb, *parts[k]) or ("", 0))[0] for k in ("Sc", "Fr", "Fl") if k in parts
    ]:
        if not cand or cand.endswith((" person.", "drafting.", "rollout.", "monitoring.", "analysis.", "reporting.")):
            continue
        cand = re.split(r"\s+มีจุดเริ่มต้น", cand)[0].strip()
        if cand and cand != title and cand not in aliases and len(cand) < 200 and _good_alias(cand):
            aliases.append(cand)

    steps_found = parse_step_table(tb.lines, *parts["St"]) if "St" in parts and not is_parent else []
    facets: dict[str, str] = {}
    children: list[tuple[str, str, str, str, tuple[int, int], dict]] = []  # (sid, kind, title, text, span, extra)

    if "Sc" in parts:
        span = tb.tight(*parts["Sc"])
        if span:
            text = tb.text_of(*span)
            facets["scope"] = text
            children.append((f"{pid}/scope", "scope", f"{title} – {PART_LABEL['Sc']}", text, span, {}))
    if "Fr" in parts:
        span = tb.tight(*parts["Fr"])
        if span:
            fr, text = _framework(tb, *span)
            for k, v in fr.items():
                facets[k] = v
            if text:
                children.append((f"{pid}/framework", "framework", f"{title} – {PART_LABEL['Fr']}", text, span, {}))
    if "Rq" in parts:
        span = tb.tight(*parts["Rq"])
        if span:
            req, ind, text = _requirements(tb, *span)
            if req or ind:
                facets["requirements"] = text
                children.append(
                    (f"{pid}/requirements", "requirements", f"{title} – {PART_LABEL['Rq']}", text, span, {})
                )
    if "Fl" in parts:
        span = _trim(tb, *parts["Fl"])
        if span:
            lanes, text = _flowchart(tb, *span)
            if lanes or text:
                facets["flow"] = "\n".join(x for x in (lanes, text) if x)
                body = "\n".join(x for x in (lanes, text) if x)
                children.append((f"{pid}/flowchart", "flowchart", f"{title} – {PART_LABEL['Fl']}", body, span, {}))

    st_span = _trim(tb, *parts["St"]) if "St" in parts else None
    steps = [s for s, _, _ in steps_found]
    for s, a, b in steps_found:
        s.span = tb.span(a, b)
    if steps and st_span:
        summary = steps_summary(steps)
        children.insert(
            0, (f"{pid}/steps", "steps", f"{title} – {PART_LABEL['St']}", summary, st_span, {"steps": steps})
        )

    # the procedure itself: step-table span first (the primary citation), then the others
    spans = []
    if st_span:
        spans.append(tb.span(*st_span))
    for _, kind, _, _, span, _ in children:
        if kind != "steps":
            spans.append(tb.span(*span))
    if not spans:
        spans = [tb.span(*next(iter(parts.values())))]
    body = [title]
    if facets.get("scope"):
        body.append(facets["scope"])
    if steps:
        body.append("ขั้นตอนการปฏิบัติงาน:\n" + steps_summary(steps))
    elif is_parent:
        subs = [c for c in sorted(codes) if c.startswith(code + ".")]
        body.append("กระบวนการย่อย: " + ", ".join(subs))
    tb.add(
        pid, "procedure", title, "\n".join(body), spans, parent, key=key, steps=steps, facets=facets, aliases=aliases
    )
    for sid, kind, ctitle, text, span, extra in children:
        tb.add(sid, kind, ctitle, text, [tb.span(*span)], pid, key=key, **extra)
    for s in steps:
        label = (s.flow_label or s.text).split("\n")[0]
        if len(label) > 80:
            label = label[:77] + "…"
        tb.add(
            f"{pid}/step/{s.no}", "step", f"{title} – ขั้นตอนที่ {s.no}: {label}", step_text(s), [s.span],
            f"{pid}/steps", key=key, steps=[s],
        )
