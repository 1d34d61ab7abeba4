"""Turn ranked passages into a short, polite Thai answer with a citation."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

from knowledge.model import Section, Step
from knowledge.search import analyse, score, smalltalk_kind
from knowledge.text.normalize import strip_markup, thai_digits_to_arabic

MAX_BODY = 1200


@dataclass(slots=True)
class Suggestion:
    title: str
    section_id: str


@dataclass(slots=True)
class Answer:
    query: str
    kind: str  # "answer" | "unsure" | "smalltalk"
    title: str = ""
    body: str = ""
    steps: list[Step] = field(default_factory=list)
    total_steps: int = 0
    citation: str = ""
    section_id: str | None = None
    key: str | None = None
    source: str | None = None
    lines: tuple[int, int] | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    took_ms: float = 0.0


def clean(text: str) -> str:
    """Display form: markup and leaders dropped, Arabic digits, tabs as separators."""
    text = thai_digits_to_arabic(strip_markup(text or ""))
    text = re.sub(r"[ \u00a0]*\t+[ \u00a0]*", " · ", text)
    text = re.sub(r"(?:\s*·\s*){2,}", " · ", text)
    text = re.sub(r"[ \u00a0]{2,}", " ", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"\*\*", "", text)
    return text.strip(" ·\n")


def clean_title(title: str) -> str:
    t = clean(title)
    t = re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", t)
    t = re.sub(r"^กระบวนการ\s+", "", t)
    return t.strip()


def display_text(section: Section, limit: int | None = None) -> str:
    if section.text:
        raw = section.text if limit is None else section.text[: limit + 200]
        out = clean(raw)
    else:
        out = "\n".join(format_steps(section.steps))
    return out if limit is None or len(out) <= limit else out[:limit].rstrip() + " …"


def format_step(step: Step) -> str:
    extra = []
    if step.duration and step.duration.raw:
        extra.append(clean(step.duration.raw))
    if step.responsible:
        extra.append("ผู้รับผิดชอบ " + clean(step.responsible))
    line = f"{step.no}. {clean(step.text)}"
    return line + (f" ({' · '.join(extra)})" if extra else "")


def format_steps(steps: list[Step]) -> list[str]:
    return [format_step(s) for s in steps]


def _truncate(text: str, limit: int = MAX_BODY) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for sep in ("\n", " ", "·"):
        i = cut.rfind(sep)
        if i > limit * 0.6:
            cut = cut[:i]
            break
    return cut.rstrip() + " …"


GREETING_REPLIES = [
    "สวัสดีค่ะ 😊 สอบถามเรื่องในคู่มือได้เลยนะคะ เช่น \"เงินยืม คืนกี่วัน\" หรือ \"ขั้นตอนพิธีมอบกุญแจเมือง\"",
]
THANKS_REPLIES = ["ยินดีค่ะ 😊 มีอะไรสอบถามเพิ่มเติมได้เลยนะคะ"]
EMPTY_REPLY = "พิมพ์คำถามเกี่ยวกับงานในคู่มือได้เลยนะคะ เช่น \"เงินยืม คืนกี่วัน\" 😊"


def _smalltalk(query: str, kind: str, t0: float) -> Answer:
    body = {"greeting": GREETING_REPLIES[0], "thanks": random.choice(THANKS_REPLIES)}.get(kind, EMPTY_REPLY)
    return Answer(query=query, kind="smalltalk", body=body, took_ms=(time.perf_counter() - t0) * 1000)


def _owner_steps(engine, section: Section) -> tuple[Section | None, list[Step]]:
    if section.steps:
        owner = engine.procedure(section.key) if section.key else None
        return owner or section, section.steps
    if not section.key:
        return None, []
    owner = engine.procedure(section.key)
    if owner is None:
        return None, []
    if owner.steps:
        return owner, owner.steps
    for child in engine.corpus.children(owner):
        if child.steps:
            return owner, child.steps
    return owner, []


def _label(section: Section) -> str:
    """The short name of a passage: "พิธีมอบกุญแจเมือง – ขั้นตอนที่ 4" (no step text)."""
    t = clean(section.title)
    head, sep, tail = t.partition(" – ")
    if sep and ":" in tail:
        tail = tail.split(":", 1)[0]
    t = f"{clean_title(head)}{sep}{tail}" if sep else clean_title(t)
    return t if len(t) <= 110 else t[:108].rstrip() + "…"


def citation(engine, section: Section, lines: tuple[int, int]) -> str:
    doc = engine.document(section.doc)
    short = doc.short_title if doc else section.doc
    a, b = lines
    span = f"บรรทัด {a}" if a == b else f"บรรทัด {a}–{b}"
    return f"{short} · {_label(section)} · {span}"


_CLAUSE_SPLIT = re.compile(r"\n+|(?<=\S)\s+(?=\d+\.\s)|\s·\s|\s-\s|(?<=\))\s+")


def _clauses(text: str) -> list[str]:
    out = []
    for c in _CLAUSE_SPLIT.split(text):
        c = c.strip(" -•·")
        if len(c) > 3:
            out.append(c)
            # a rule in brackets is a clause of its own: "(คืนภายใน 30 วัน นับแต่…)"
            out.extend(m.strip() for m in re.findall(r"\(([^()]{8,160})\)", c))
    return out


def _best_clause(text: str, rx: re.Pattern, q_terms: list[str]) -> str | None:
    best, best_score = None, 0.0
    for i, c in enumerate(_clauses(text)):
        if not rx.search(c):
            continue
        plain = c.replace(" ", "")
        overlap = sum(len(t) for t in q_terms if len(t) > 1 and t in plain)
        score = overlap + 3 - min(len(c), 400) / 200
        if score > best_score:
            best, best_score = c, score
    return best


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _step_of(section: Section) -> Step | None:
    return section.steps[0] if section.kind == "step" and section.steps else None


def _polite(text: str) -> str:
    text = text.strip().rstrip(".")
    return text if text.endswith(("ค่ะ", "คะ")) else text + " ค่ะ"


def _body_for(engine, section: Section, owner: Section | None, steps: list[Step], intents: set[str], q) -> tuple[str, list[Step]]:
    from knowledge.text.normalize import strip_tones

    text = display_text(section)
    q_terms = [t for t in q.content if len(t) > 1]
    plain_terms = q_terms  # tone-stripped terms; clauses are compared tone-stripped too
    step = _step_of(section)
    title = clean_title(owner.title if owner else section.title)

    # where rules are looked for: a step's own cells, else the passage text
    rule_text = clean("\n".join(x for x in (step.text, step.standard) if x)) if step else text

    def clause(rx):
        c = _best_clause(strip_tones(rule_text), rx, plain_terms)
        if c is None:
            return None
        # return the clause with its tone marks: find it back in the display text
        for orig in _clauses(rule_text):
            if strip_tones(orig) == c:
                return orig
        return c

    # a bare topic ("พิธีมอบกุญแจเมือง") on a procedure or its table: show its steps too
    if ("steps" in intents or (not intents and section.kind in {"procedure", "steps"})) and steps and not step:
        lines = format_steps(steps)
        return f"ขั้นตอน{title} มีทั้งหมด {len(steps)} ขั้นตอนค่ะ\n" + "\n".join(lines), steps
    if "duration" in intents or "when" in intents:
        rule = clause(_DURATION_TONELESS)
        if step is not None:
            dur = clean(step.duration.raw) if step.duration else ""
            what = _short(clean(step.text), 220)
            parts = []
            if rule and (not dur or rule.replace(" ", "") not in dur.replace(" ", "")):
                parts.append(f"ตามคู่มือ: {rule}")
            parts.append(f"ขั้นตอนที่ {step.no} ของ{title}: {what}" + (f" ใช้เวลา {dur}" if dur else ""))
            if step.responsible:
                parts.append(f"ผู้รับผิดชอบ: {clean(step.responsible)}")
            return _polite("\n".join(parts)), [step]
        if rule:
            timed = [s for s in steps if s.duration]
            body = f"ตามคู่มือ: {rule}"
            if timed and "steps" in intents:
                body += "\nระยะเวลาแต่ละขั้นตอน:\n" + "\n".join(format_steps(timed))
                return body, timed
            return _polite(body), []
        timed = [s for s in steps if s.duration]
        if timed:
            return "ระยะเวลาแต่ละขั้นตอนของ" + title + ":\n" + "\n".join(format_steps(timed)), timed
    # who / which documents: the step's own cell, else a rule sentence, else every step's cell
    for intent, field_, rx, step_label, rule_label, list_label in (
        ("role", "responsible", _ROLE_TONELESS, "ผู้รับผิดชอบ", "ตามคู่มือ", "ผู้รับผิดชอบแต่ละขั้นตอนของ" + title),
        ("forms", "forms", _FORM_TONELESS, f"เอกสาร/แบบฟอร์มในขั้นตอนนี้ของ{title}", "เอกสารที่เกี่ยวข้องตามคู่มือ",
         "แบบฟอร์ม/เอกสารในแต่ละขั้นตอน"),
    ):
        if intent not in intents:
            continue
        if step is not None and getattr(step, field_):
            body = f"{step_label}: {clean(getattr(step, field_))}\n(ขั้นตอนที่ {step.no} ของ{title}: {_short(clean(step.text), 220)})"
            return _polite(body), [step]
        rule = clause(rx)
        if rule:
            return _polite(f"{rule_label}: {rule}"), []
        having = [s for s in steps if getattr(s, field_)]
        if having:
            return list_label + ":\n" + "\n".join(f"{s.no}. {clean(getattr(s, field_))}" for s in having), having
    if "framework" in intents:
        regs = section.facets.get("regulations") or (owner.facets.get("regulations") if owner else "")
        if regs:
            return f"ระเบียบ/กฎหมายที่เกี่ยวข้องกับ{title}:\n{clean(regs)}", []
    return text, []


_DURATION_TONELESS = re.compile(
    r"\d+\s*(?:-\s*\d+\s*)?(?:วันทำการ|วัน|ชัวโมง|ชม\.?|นาที|สัปดาห|เดือน)|ภายใน|ไมเกิน|ลวงหนา|ไมนอยกวา"
)
_ROLE_TONELESS = re.compile(r"ผูรับผิดชอบ|ผูอำนวยการ|ผอ\.|หัวหนา|นักวิเทศ|เจาพนักงาน|เจาหนาที|ผูวาราชการ|ปลัด|ลงนาม|อนุมัติ")
_FORM_TONELESS = re.compile(r"แบบ|เอกสาร|หลักฐาน|สำเนา|ใบเสร็จ|หนังสือ")


def build_answer(engine, query: str) -> Answer:
    from knowledge.engine import is_confident

    t0 = time.perf_counter()
    kind = smalltalk_kind(query)
    if kind:
        return _smalltalk(query, kind, t0)
    q = analyse(engine.index, query)
    ranked = score(engine.index, q, top=8)
    if not ranked:
        return Answer(query=query, kind="unsure", body="ขออภัยค่ะ ไม่พบเรื่องนี้ในคู่มือ ลองพิมพ์ชื่องานหรือคำสำคัญอีกครั้งนะคะ",
                      took_ms=(time.perf_counter() - t0) * 1000)
    suggestions: list[Suggestion] = []
    seen_titles: set[str] = set()
    for s in ranked:
        owner = engine.procedure(s.unit.key) if s.unit.key else None
        title = clean_title(owner.title if owner else s.unit.title.split(" – ")[0])
        if title and title not in seen_titles:
            seen_titles.add(title)
            suggestions.append(Suggestion(title, owner.id if owner else s.unit.sid))
    top = ranked[0]
    section = engine.section(top.unit.sid)
    if not is_confident(ranked):
        titles = "\n".join(f"• {s.title}" for s in suggestions[:3])
        return Answer(
            query=query, kind="unsure",
            body=f"ขออภัยค่ะ ยังไม่แน่ใจว่าคู่มือมีคำตอบเรื่องนี้ หัวข้อที่ใกล้เคียงที่สุดคือ\n{titles}\nเลือกหัวข้อหรือพิมพ์คำถามให้ชัดขึ้นได้เลยนะคะ",
            suggestions=suggestions[:3], took_ms=(time.perf_counter() - t0) * 1000,
        )
    owner, steps = _owner_steps(engine, section)
    title = clean_title(owner.title if owner else section.title.split(" – ")[0])
    body, out_steps = _body_for(engine, section, owner, steps, q.intents, q)
    return Answer(
        query=query, kind="answer", title=title, body=_truncate(body), steps=out_steps,
        total_steps=len(steps), citation=citation(engine, section, top.unit.lines),
        section_id=section.id, key=section.key, source=top.unit.source, lines=top.unit.lines,
        suggestions=[s for s in suggestions if s.title != title][:3],
        took_ms=(time.perf_counter() - t0) * 1000,
    )
