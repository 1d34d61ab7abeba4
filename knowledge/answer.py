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


def display_text(section: Section) -> str:
    if section.text:
        return clean(section.text)
    return "\n".join(format_steps(section.steps))


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


_SENT_SPLIT = re.compile(r"\n+|(?<=[\u0e01-\u0e4e)])\s{1,}(?=\d+\.\s)|\s·\s")
_DURATION_RE = re.compile(r"\d+\s*(?:-\s*\d+\s*)?(?:วันทำการ|วัน|ชั่วโมง|ชม\.?|นาที|สัปดาห์|เดือน)|ภายใน|ไม่เกิน|ล่วงหน้า")
_ROLE_RE = re.compile(r"ผู้รับผิดชอบ|ผู้อำนวยการ|ผอ\.|หัวหน้า|นักวิเทศ|เจ้าพนักงาน|เจ้าหน้าที่|ผู้ว่าราชการ|ปลัด|ลงนาม|อนุมัติ")
_FORM_RE = re.compile(r"แบบ|เอกสาร|หลักฐาน|สำเนา|ใบเสร็จ|หนังสือ")


def _best_sentences(text: str, rx: re.Pattern, q_terms: list[str], limit: int = 3) -> list[str]:
    sents = [s.strip() for s in _SENT_SPLIT.split(text) if s and len(s.strip()) > 3]
    scored = []
    for i, s in enumerate(sents):
        hit = 2 if rx.search(s) else 0
        overlap = sum(1 for t in q_terms if len(t) > 1 and t in s)
        if hit or overlap:
            scored.append((hit + overlap, -i, s))
    scored.sort(reverse=True)
    return [s for _, _, s in scored[:limit]]


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


def citation(engine, section: Section, lines: tuple[int, int]) -> str:
    doc = engine.document(section.doc)
    short = doc.short_title if doc else section.doc
    a, b = lines
    span = f"บรรทัด {a}" if a == b else f"บรรทัด {a}–{b}"
    return f"{short} · {clean_title(section.title)} · {span}"


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
        title = clean_title(owner.title if owner else s.unit.title)
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
    title = clean_title(owner.title if owner else section.title)
    text = display_text(section)
    intents = q.intents
    body = ""
    out_steps: list[Step] = []
    if "steps" in intents and steps:
        out_steps = steps
        lines = format_steps(steps)
        body = f"ขั้นตอน{title} มีทั้งหมด {len(steps)} ขั้นตอนค่ะ\n" + "\n".join(lines)
    elif "duration" in intents:
        sents = _best_sentences(text, _DURATION_RE, q.content)
        timed = [s for s in steps if s.duration] if steps else []
        if sents:
            body = "ตามคู่มือ: " + " ".join(sents)
        if timed and ("steps" in intents or not sents):
            out_steps = steps
            body = (body + "\n" if body else "") + "ระยะเวลาแต่ละขั้นตอน:\n" + "\n".join(format_steps(timed))
    elif "role" in intents:
        sents = _best_sentences(text, _ROLE_RE, q.content)
        if sents:
            body = "ตามคู่มือ: " + " ".join(sents)
        roles = [s for s in steps if s.responsible]
        if roles and not sents:
            out_steps = roles
            body = "ผู้รับผิดชอบแต่ละขั้นตอน:\n" + "\n".join(format_steps(roles))
    elif "forms" in intents:
        forms = [s for s in steps if s.forms]
        sents = _best_sentences(text, _FORM_RE, q.content)
        if sents:
            body = "เอกสารที่เกี่ยวข้องตามคู่มือ: " + " ".join(sents)
        elif forms:
            body = "แบบฟอร์ม/เอกสารในแต่ละขั้นตอน:\n" + "\n".join(f"{s.no}. {clean(s.forms)}" for s in forms)
    if not body:
        body = text
    return Answer(
        query=query, kind="answer", title=title, body=_truncate(body), steps=out_steps,
        total_steps=len(steps), citation=citation(engine, section, top.unit.lines),
        section_id=section.id, key=section.key, source=top.unit.source, lines=top.unit.lines,
        suggestions=[s for s in suggestions if s.title != title][:3],
        took_ms=(time.perf_counter() - t0) * 1000,
    )
