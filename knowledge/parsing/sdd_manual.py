"""002: Social Development Department policy & planning manual (BMA five-table format).

Each procedure appears in the executive-summary scope paragraph, ตารางที่ ๑ (scope row),
๒ (framework: requirements, KPI, laws), ๓ (process table), ๔ (swimlane flowchart) and
๕ (step-by-step table, authoritative). The registry gives the line ranges per table; the
parts are merged into one procedure Section keyed "002:<number>" (ASCII digits), whose
children are the parts and the individual steps. Sub-procedures (1.1.1 …) hang under
their parent procedure.
"""

from __future__ import annotations

import re

from knowledge.model import Section
from knowledge.parsing.blocks import parse_blocks
from knowledge.parsing.fao_manual import framework_facets, header_cell, title_from
from knowledge.parsing.registry import REGISTRY
from knowledge.parsing.steps import parse_step_table, step_text, steps_summary
from knowledge.parsing.text import is_blank, strip_heading
from knowledge.parsing.tree import TreeBuilder, part_lines, start_document

DOC = "002"
TOC_RANGES = [(25, 40)]
PARTS = {
    "ExSum": ("scope", "ขอบเขต (บทสรุปสำหรับผู้บริหาร)"),
    "T1": ("scope", "ตารางที่ ๑ ขอบเขต"),
    "T2": ("framework", "ตารางที่ ๒ กรอบแนวคิดและข้อกำหนด"),
    "T3": ("process", "ตารางที่ ๓ กระบวนการ"),
    "T4": ("flowchart", "ตารางที่ ๔ แผนผังกระบวนการงาน"),
}
_SKIP_TITLES = ("ตารางที่", "ขั้นตอนการปฏิบัติงาน", "ขั้นตอนปฏิบัติงาน")


def _title(tb: TreeBuilder, first: int, last: int) -> str | None:
    for n in range(first, min(last, first + 6) + 1):
        line = tb.lines[n - 1]
        if is_blank(line) or "\t" in line:
            continue
        text = strip_heading(line)
        if not text or text.startswith(_SKIP_TITLES) or len(text) > 200:
            continue
        title = title_from(line).replace("(ต่อ)", "").strip(" :")
        return title or None
    return None


# ตารางที่ ๒'s blocks, each opened by its header row (in this order, or with the laws before the
# indicators, L442–461): who is served and what they need; the key requirements; the process
# indicators; the laws, efficiency and value
_FRAMEWORK_BLOCKS = {
    "ผู้เกี่ยวข้อง": ("", "framework", "ผู้เกี่ยวข้องและความต้องการ"),
    "ข้อกำหนดที่สำคัญ": ("/requirements", "requirements", "ข้อกำหนดที่สำคัญและตัวชี้วัด"),
    "ตัวชี้วัด": ("/indicators", "requirements", "ตัวชี้วัด"),
    "ข้อกำหนดด้านกฎหมาย": ("/laws", "framework", "ข้อกำหนดด้านกฎหมาย ประสิทธิภาพ ความคุ้มค่า"),
}


def _framework_blocks(tb: TreeBuilder, first: int, last: int) -> list[tuple[str, str, str, int, int]]:
    """The framework table split at its header rows, so that "ตัวชี้วัดงานสารบรรณ ร้อยละเท่าไร"
    or "ระเบียบ … ปีอะไร" lands on the block that says it, not on the whole table (L220–249).
    (suffix, kind, label, first, last) per block; [] when fewer than two headers are found."""
    starts: list[tuple[str, int]] = []
    for n in range(first, last + 1):
        head = header_cell(tb.lines[n - 1].split("\t")[0])
        opener = next((o for o in _FRAMEWORK_BLOCKS if head.startswith(o)), None)
        if opener and opener not in {o for o, _ in starts}:
            starts.append((opener, n))
    if len(starts) < 2:
        return []
    # the indicators read with the requirements they measure, as in 000's ข้อกำหนดที่สำคัญ table
    starts = [(o, n) for k, (o, n) in enumerate(starts)
              if not (o == "ตัวชี้วัด" and k and starts[k - 1][0] == "ข้อกำหนดที่สำคัญ")]
    out = []
    for k, (opener, a) in enumerate(starts):
        tight = tb.tight(a, starts[k + 1][1] - 1 if k + 1 < len(starts) else last)
        if tight:
            out.append((*_FRAMEWORK_BLOCKS[opener], *tight))
    return out


def parse() -> dict[str, Section]:
    tb, root = start_document(DOC)
    n_lines = len(tb.lines)
    entries = [e for e in REGISTRY if e["doc"] == DOC]
    codes = [e["code"] for e in entries]
    claimed = part_lines(entries)

    for e in entries:
        code, key, parts = e["code"], e["key"], e["parts"]
        base = code.split("-")[0]
        parent_code = base if "-" in code else (base.rsplit(".", 1)[0] if base.count(".") >= 2 else None)
        parent = f"{DOC}/{parent_code}" if parent_code in codes else root
        is_parent = any(c != code and (c.startswith(code + ".") or c.startswith(code + "-")) for c in codes)
        pid = f"{DOC}/{code}"
        name = re.sub(r"^[:\s]+", "", e["name"])
        main = "T5" if "T5" in parts else "T3"
        found = _title(tb, *parts[main])
        title = name
        aliases = [x for x in (found, e.get("gloss", "")) if x and x != title]

        steps_found = [] if is_parent else parse_step_table(tb.lines, *parts[main])
        for s, a, b in steps_found:
            s.span = tb.span(a, b)
        steps = [s for s, _, _ in steps_found]
        facets: dict[str, str] = {}
        kids: list[tuple[str, str, str, str, tuple[int, int], dict]] = []
        main_span = tb.tight(*parts[main])
        if steps and main_span:
            kids.append((f"{pid}/steps", "steps", f"{title} – ขั้นตอนการปฏิบัติงาน", steps_summary(steps), main_span,
                         {"steps": steps}))
        for part, (kind, label) in PARTS.items():
            if part not in parts or (part == main and steps):
                continue
            span = tb.tight(*parts[part])
            if not span:
                continue
            text = tb.text_of(*span)
            if not text:
                continue
            if kind == "framework":
                for k, v in framework_facets(tb, *span).items():
                    facets.setdefault(k, v)
            facet = {"scope": "scope", "framework": "requirements", "process": "process", "flowchart": "flow"}[kind]
            facets[facet] = (facets.get(facet, "") + "\n" + text).strip()
            blocks = _framework_blocks(tb, *span) if kind == "framework" else []
            for suffix, block_kind, block_label, a, b in blocks:
                block_text = tb.text_of(a, b)
                if block_text:
                    kids.append((f"{pid}/{part.lower()}{suffix}", block_kind, f"{title} – {label}: {block_label}",
                                 block_text, (a, b), {}))
            if not blocks:
                kids.append((f"{pid}/{part.lower()}", kind, f"{title} – {label}", text, span, {}))

        spans = [tb.span(*main_span)] if main_span else []
        spans += [tb.span(*k[4]) for k in kids if k[1] != "steps"]
        body = [title]
        if facets.get("scope"):
            body.append(facets["scope"].split("\n")[0])
        if steps:
            body.append("ขั้นตอนการปฏิบัติงาน:\n" + steps_summary(steps))
        elif is_parent:
            subs = [f"{c} {x['name']}" for c, x in zip(codes, entries) if c != code and c.startswith(code + ".")]
            body.append("กระบวนการย่อย: " + "; ".join(subs))
        tb.add(pid, "procedure", title, "\n".join(body), spans or [tb.span(*parts[main])], parent, key=key,
               steps=steps, facets=facets, aliases=aliases)
        for sid, kind, ktitle, text, span, extra in kids:
            tb.add(sid, kind, ktitle, text, [tb.span(*span)], pid, key=key, **extra)
        for s in steps:
            label = (s.flow_label or s.text).split("\n")[0][:80]
            tb.add(f"{pid}/step/{s.no}", "step", f"{title} – ขั้นตอนที่ {s.no}: {label}", step_text(s), [s.span],
                   f"{pid}/steps", key=key, steps=[s])

    parse_blocks(tb, root, 1, n_lines, claimed, DOC, TOC_RANGES)
    tb.inherit_facets()
    return tb.ordered(root)
