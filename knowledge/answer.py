"""Turn ranked passages into a short, polite Thai answer with a citation."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.catalogue import DOCUMENTS, YEAR_BOUND_KINDS, document_noun
from knowledge.model import Section, Step
from knowledge.parsing.blocks import LIST_ITEM_CHARS
from knowledge.parsing.text import header_only
from knowledge.search import PROCEDURAL_INTENTS, analyse, asked_figure_re, asked_quantity, score, smalltalk_kind
from knowledge.text.facts import BAHT_AMOUNT, DOCUMENT_WORDS, NO_BUDGET, ROLE_WORDS, TIME_SPAN, TIME_SPAN_OR_YEARS, TIME_UNIT_OR_YEARS
from knowledge.text.normalize import month_pattern, strip_markup, strip_tones, thai_digits_to_arabic
from knowledge.text.tokenize import terms

MAX_BODY = 600  # characters: one phone screen
MAX_LIST_BODY = 2000  # a numbered list of names, whole (a LINE text message holds 5,000)
_LIST_RE = re.compile(r"\n\s*\d+[.)]\s")  # a second (third …) numbered line


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


@lru_cache(maxsize=16384)  # pure, and fed from a fixed corpus: answers reuse the same cells
def clean(text: str) -> str:
    """Display form: markup and leaders dropped, Arabic digits, tabs as separators."""
    text = thai_digits_to_arabic(strip_markup(text or ""))
    text = re.sub(r"[ \u00a0]*\t+[ \u00a0]*", " · ", text)
    text = re.sub(r"(?:\s*·\s*){2,}", " · ", text)
    text = re.sub(r"[ \u00a0]{2,}", " ", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"\*\*", "", text)
    return text.strip(" ·\n")


@lru_cache(maxsize=16384)  # pure, and fed from a fixed corpus: answers reuse the same cells
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
    """One whole step on one line (engine.steps_text: one line per step)."""
    extra = []
    if step.duration and step.duration.raw:
        extra.append(duration_text(step.duration.raw))
    if step.responsible:
        extra.append("ผู้รับผิดชอบ " + _people(step.responsible))
    line = f"{step.no}. {one_line(step.text)}"
    return line + (f" ({' · '.join(extra)})" if extra else "")


def format_steps(steps: list[Step]) -> list[str]:
    """One line per step; a ruled-off separator row is no step."""
    return [format_step(s) for s in numbered(steps)]


def body_limit(text: str) -> int:
    """A reply body's length: one phone screen, but a numbered list (the plan's 18 KRs) whole,
    up to MAX_LIST_BODY: cut short, it would not answer "มีอะไรบ้าง"."""
    lines = text.split("\n")
    short_items = len(_LIST_RE.findall(text)) >= 2 and sum(map(len, lines)) <= LIST_ITEM_CHARS * len(lines)
    return MAX_LIST_BODY if short_items else MAX_BODY


def _truncate(text: str, limit: int | None = None) -> str:
    """At most `limit` (else `body_limit`) characters, cut where a line or a phrase ends."""
    limit = limit or body_limit(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("\n", " ", "·"):
        i = cut.rfind(sep)
        if i > limit * 0.6:
            cut = cut[:i]
            break
    return cut.rstrip(" ·;,-–(/") + "…"


GREETING_REPLIES = [
    "สวัสดีค่ะ 😊 สอบถามเรื่องในคู่มือได้เลยนะคะ เช่น \"เงินยืม คืนกี่วัน\" หรือ \"ขั้นตอนพิธีมอบกุญแจเมือง\"",
]
THANKS_REPLIES = ["ยินดีค่ะ 😊 มีอะไรสอบถามเพิ่มเติมได้เลยนะคะ"]
EMPTY_REPLY = "พิมพ์คำถามเกี่ยวกับงานในคู่มือได้เลยนะคะ เช่น \"เงินยืม คืนกี่วัน\" 😊"


def _smalltalk(query: str, kind: str, t0: float) -> Answer:
    body = {"greeting": GREETING_REPLIES[0], "thanks": random.choice(THANKS_REPLIES)}.get(kind, EMPTY_REPLY)
    return Answer(query=query, kind="smalltalk", body=body, took_ms=(time.perf_counter() - t0) * 1000)


def numbered(steps) -> list[Step]:
    """The table's steps without a ruled-off separator row ("-----" in every cell)."""
    return [s for s in steps if re.match(r"\d", s.no or "")]


def _owner_steps(engine, section: Section) -> tuple[Section | None, list[Step]]:
    """The procedure a passage belongs to and that procedure's whole list of steps
    (a single matched step still counts the procedure's steps, not 1)."""
    owner, steps = _owner_steps_raw(engine, section)
    return owner, numbered(steps)


def _owner_steps_raw(engine, section: Section) -> tuple[Section | None, list[Step]]:
    owner = engine.procedure(section.key) if section.key else None
    if owner is None:
        return (section, section.steps) if section.steps and section.kind != "step" else (None, list(section.steps))
    if owner.steps:
        return owner, owner.steps
    for child in engine.corpus.children(owner):
        if child.steps:
            return owner, child.steps
    return owner, list(section.steps) if section.kind != "step" else []


def _label(section: Section) -> str:
    """The short name of a passage: "พิธีมอบกุญแจเมือง – ขั้นตอนที่ 4" (no step text)."""
    t = clean(section.title)
    head, sep, tail = t.partition(" – ")
    if sep and ":" in tail:
        tail = tail.split(":", 1)[0]
    t = f"{clean_title(head)}{sep}{tail}" if sep else clean_title(t)
    return shorten(t, 80)


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


def _best_clause(text: str, rx: re.Pattern, q_terms: list[str], key=lambda c: c) -> str | None:
    """The clause of `text` that `rx` finds in (read through `key`) sharing the most of the
    question's words, shorter ones first on a tie."""
    best, best_score = None, 0.0
    for c in _clauses(text):
        plain = key(c)
        if not rx.search(plain):
            continue
        plain = plain.replace(" ", "")
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
    text = text.strip()
    # an abbreviation is bare consonants ("สนป.", "ผอ.") or dotted groups ("ผว.กทม.")
    if re.search(r"(?:^|[\s(/])(?:[\u0e01-\u0e2e]{1,4}\.|(?:[\u0e01-\u0e4e]{1,4}\.){2,})$", text):
        return text + " ค่ะ"  # "ฝ่ายการคลัง สนป." / "ผว.กทม.": the dot belongs to the abbreviation
    text = text.rstrip(".").rstrip()
    if text.endswith(("ค่ะ", "คะ", "นะคะ")):
        return text
    return text + ("ค่ะ" if re.search(r"[\u0e01-\u0e4e]$", text) else " ค่ะ")


# --- display helpers: table cells as readable Thai ----------------------------------

_HAS_TIME = re.compile(TIME_SPAN_OR_YEARS)
_MONEY = re.compile(BAHT_AMOUNT + "|" + NO_BUDGET)


@lru_cache(maxsize=16384)  # pure, and fed from a fixed corpus: answers reuse the same cells
def tidy(text: str) -> str:
    """clean() plus what table cells leave behind: "(ต่อ)", leader dots, pipes, bullets."""
    t = clean(text)
    t = re.sub(r"\(\s*ต่อ\s*\)", "", t)
    t = re.sub(r"\.{3,}|…{2,}|_{3,}", " ", t)
    t = re.sub(r"\s*\|\s*", " · ", t)
    t = re.sub(r"\s*[▪•●]\s*", " ", t)
    t = re.sub(r"(\d+)\s+วัน\s+ทำการ", r"\1 วันทำการ", t)
    t = re.sub(r"^[\s\-–]+", "", t, flags=re.M)
    t = re.sub(r"[ \u00a0]{2,}", " ", t)
    t = re.sub(r"\n{2,}", "\n", t)
    t = re.sub(r"(?m)^(\S.{3,}?)(?:\s+\1)+$", r"\1", t)  # "7-15 วันทำการ 7-15 วันทำการ" once
    # a merged table cell repeats across columns: "ระดับที่ 5 · ระดับที่ 5" once
    t = "\n".join(" · ".join(c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1])
                  for cells in ([c.strip() for c in line.split(" · ")] for line in t.split("\n")))
    return t.strip(" ·-\n")


def one_line(text: str) -> str:
    """A cell's lines (often "- a\n- b", "1. a 2. b") as one phrase: "a; b"."""
    t = re.sub(r"(?:^|(?<=\s))\d{1,2}\.\s*(?=[\u0e01-\u0e4e])", "\n", tidy(text))
    parts = [p.strip(" -–·;") for p in re.split(r"\n|(?<!\d)\s+-\s+(?!\d)", t)]
    return "; ".join(p for p in parts if p)


def duration_text(raw: str) -> str:
    """A duration cell as one phrase; several times in one cell (one per sub-item) are
    kept apart: "7 วันทำการ 2 วันทำการ" -> "7 วันทำการ / 2 วันทำการ"."""
    return re.sub(r"(" + TIME_UNIT_OR_YEARS + r")[ ;]+(?=(?:ไม่เกิน|ภายใน|ไม่น้อยกว่า|ประมาณ)?\s*\d)", r"\1 / ", one_line(raw))


# a time cell that says when, not how long ("ทุกวันที่ 1 ของทุกเดือน", "ทันที", "ก่อนงานเริ่ม
# ประมาณ 1-2 ชั่วโมง"), or what the time depends on ("ตามกำหนดในสัญญา", "ขึ้นอยู่กับปริมาณของงาน")
_WHEN_CELL = re.compile(r"^(?:ทุก|ทันที|ก่อน|หลัง)")
_DEPENDS_CELL = re.compile(r"^(?:ตาม|ขึ้นอยู่กับ)")
_BY_DAY_CELL = re.compile(r"^(?:ไม่เกิน|ภายใน)\s*(วันที่.*)")


def time_phrase(raw: str, limit: int = 60) -> str:
    """A step's time cell as a phrase: "ใช้เวลา 3 วัน", "ทำทุกวันที่ 1 ของทุกเดือน",
    "ระยะเวลาตามกำหนดในสัญญา" (a schedule is not "ใช้เวลา ทุกวันที่ 1")."""
    text = re.sub(r"(\d)(?=[\u0e01-\u0e4e])", r"\1 ", shorten(duration_text(raw), limit))  # "10ของ": a PDF gap lost
    by_day = _BY_DAY_CELL.match(text)
    if by_day:  # "ไม่เกิน วันที่ 10 ของเดือนถัดไป": a deadline, not a length of time
        return "ภายใน" + by_day.group(1)
    if _WHEN_CELL.match(text):
        return "ทำ" + text
    if _DEPENDS_CELL.match(text):
        return "ระยะเวลา" + text
    return f"ใช้เวลา {text}"


def _people(text: str) -> str:
    """A responsible cell: each name once ("นักวิเทศสัมพันธ์ นักวิเทศสัมพันธ์" -> once)."""
    out: list[str] = []
    for w in one_line(text).split(" "):
        if w and (not out or w != out[-1]):
            out.append(w)
    return " ".join(out)


def shorten(text: str, limit: int, keep: "re.Pattern | None" = None) -> str:
    """At most `limit` characters, cut only where a phrase ends (a space, ";", a line).
    `keep` (a tone-stripped pattern: the figure a question asks for, "120,000 บาท") found past
    the cut: the text is cut before it instead, so the answer still states it."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if keep is not None:
        end = _match_end(text, keep)
        if end is not None and end > limit - 1:
            start = max(0, end - limit + 80)
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < end - 20 else start
            return "…" + shorten(text[start:], limit - 1)
    cut = text[: limit - 1]
    best = max(cut.rfind(sep) for sep in (" ", ";", "\n", ","))
    if best > limit * 0.5:
        cut = cut[:best]
    return cut.rstrip(" ;,·-–(/") + "…"


def _match_end(text: str, rx: "re.Pattern") -> int | None:
    """Where in `text` the first match of `rx` ends, or None. `rx` reads text as the index
    does: tone marks and spaces dropped, Arabic digits."""
    kept = [i for i, ch in enumerate(text) if strip_tones(ch) and not ch.isspace()]
    m = rx.search(thai_digits_to_arabic("".join(text[i] for i in kept)))
    return kept[m.end() - 1] + 1 if m else None


def short_title(title: str, limit: int = 70) -> str:
    return shorten(title, limit)


def brief_step(step: Step, limit: int = 110) -> str:
    """One step on one short line, for cards: "3. ตรวจสอบงบประมาณ (2 วันทำการ · เจ้าหน้าที่พัสดุ)"."""
    extra = []
    if step.duration and step.duration.raw:
        extra.append(shorten(duration_text(step.duration.raw), 40))
    if step.responsible:
        extra.append(shorten(_people(step.responsible), 50))
    line = f"{step.no}. {shorten(one_line(step.text), limit)}"
    return line + (f" ({' · '.join(extra)})" if extra else "")


def _bullets(text: str) -> list[str]:
    return [p for p in (x.strip(" -–·;") for x in re.split(r"\n|\s-\s|\s·\s", tidy(text))) if len(p) > 2]


def _paired_durations(step: Step) -> list[tuple[str, str]]:
    """A step whose cell lists cases ("- วงเงินเกิน 5 แสนบาท …") next to a cell of as many
    durations: the pairs, row by row, as the table prints them."""
    if not step.duration or not step.duration.raw:
        return []
    cases = [p for p in (x.strip(" -–") for x in tidy(step.text).split("\n")) if p]
    durs = [d.strip() for d in re.findall(r"(?:ไม่น้อยกว่า|ไม่เกิน|ภายใน)?\s*" + TIME_SPAN_OR_YEARS,
                                         tidy(step.duration.raw))]
    if len(cases) >= 2 and len(cases) == len(durs):
        return list(zip(cases, [re.sub(r"วัน\s+ทำการ", "วันทำการ", d) for d in durs]))
    return []


def _step_context(step: Step, title: str, total: int, with_duration: bool = True, with_role: bool = True,
                  said: str = "") -> str:
    of = f"จาก {total} ขั้นตอน" if total > 1 else ""  # "ขั้นตอนที่ 9 จาก 10 ขั้นตอนของ…"
    text = one_line(step.text)
    flat, said_flat = text.replace(" ", ""), said.replace(" ", "")
    repeated = said_flat and (flat in said_flat or (said_flat in flat and len(said_flat) >= 0.7 * len(flat)))
    line = f"เรื่องนี้อยู่ในขั้นตอนที่ {step.no}{' ' + of if of else ''}ของ{short_title(title)}"
    if not repeated:  # the first sentence already quoted the whole step: do not say it twice
        line += f": {shorten(text, 160)}"
    extra = []
    if with_duration and step.duration and step.duration.raw:
        extra.append(time_phrase(step.duration.raw))
    if with_role and step.responsible:
        extra.append(f"ผู้รับผิดชอบคือ {shorten(_people(step.responsible), 80)}")
    return line + (" (" + " · ".join(extra) + ")" if extra else "")


def _steps_summary(title: str, steps: list[Step], limit: int = MAX_BODY) -> str:
    """The intro line and as many short step lines as fit the phone screen."""
    head = f"{short_title(title)} มีทั้งหมด {len(steps)} ขั้นตอนค่ะ" if len(steps) > 1 else f"{short_title(title)} มี 1 ขั้นตอนค่ะ"
    if not head.startswith("ขั้นตอน"):
        head = "ขั้นตอน" + head
    return fit_lines(head, [brief_step(s) for s in steps], limit - 60, SEE_ALL_STEPS)


SEE_ALL_STEPS = " แตะ \"ดูขั้นตอนทั้งหมด\" เพื่อดูครบทุกขั้นตอนนะคะ"


def fit_lines(head: str, lines: list[str], limit: int, see_all: str = "") -> str:
    """`head` and as many of `lines` as fit in `limit` characters; the rest counted on a
    last line ("…และอีก 3 ขั้นตอน", then `see_all`: where to read them)."""
    out = [head]
    used = len(head)
    for i, line in enumerate(lines):
        rest = len(lines) - i
        if used + len(line) + 1 > limit and rest > 1:
            out.append(f"…และอีก {rest} ขั้นตอน{see_all}")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


# the step asked by its place: first, last, or by number
_STEP_BY_PLACE = re.compile(strip_tones(r"(?P<first>ขั้นตอนแรก|ขั้นแรก|เริ่มต้นทำอะไร|เริ่มจากอะไร)|(?P<last>ขั้นตอนสุดท้าย|ขั้นสุดท้าย)"
                                        r"|ขั้นตอนที่\s*(?P<no>\d{1,2})(?!\d)"))


def _step_asked(engine, section: Section, query: str) -> Section:
    """The passage that answers a question about steps, given the best-matching one:
    "ขั้นตอนแรกของ…", "ขั้นตอนสุดท้าย", "ขั้นตอนที่ 3" ask for that step of its table, whichever
    step matched the question's words best.

    (A question asking only for steps that matched one step best keeps that step: of the 13
    such questions in the own and independent sets, some ask for a sub-task's step
    ("กันเงินไว้เบิกเหลื่อมปี ทำยังไง"), others for the whole procedure, and no rule of words
    tried told them apart.)"""
    if section.kind == "procedure":
        table = next((c for c in engine.corpus.children(section) if c.kind == "steps"), None)
    else:
        table = section if section.kind == "steps" else engine.corpus.sections.get(section.parent or "")
    if table is None or table.kind != "steps" or section.kind not in {"step", "steps", "procedure"}:
        return section
    asked = strip_tones(thai_digits_to_arabic(query))
    place = _STEP_BY_PLACE.search(asked)
    rows = [c for c in engine.corpus.children(table) if c.kind == "step" and c.steps]
    if place:
        if place.group("first"):
            return rows[0] if rows else section
        if place.group("last"):
            return rows[-1] if rows else section
        # a few tables number two rows alike ("3" twice in 000/P16): the last one, as before
        return next((r for r in reversed(rows) if r.steps[0].no == place.group("no")), section)
    if section.kind == "step" and section.steps and _approver_step(section.steps[:1], query):
        return section
    # "ใครอนุมัติ…": the step whose cells say who approves, when the one matched does not
    found = _approver_step([r.steps[0] for r in rows], query)
    return next(r for r in rows if r.steps[0] is found[0]) if found else section


def _body_for(engine, section: Section, owner: Section | None, steps: list[Step], intents: set[str], q,
              plan: list[Section] = ()) -> tuple[str, list[Step]]:
    """The reply body, direct answer first, and the steps a card should list. `plan`: the
    schedule rows of the plan's project, when a question about steps lands on one (plan_rows)."""
    text = tidy(section.text) if section.text else ""
    q_terms = [t for t in q.content if len(t) > 1]
    raw_q = getattr(q, "raw", "") or ""
    step = _step_of(section)
    title = clean_title(owner.title if owner else section.title)
    total = len(steps)

    if step is None and steps and section.kind in {"steps", "procedure", "flowchart"}:
        step = _pick_step(steps, intents, q_terms)

    # where rules are looked for: a step's own cells, else the passage text
    rule_text = tidy("\n".join(x for x in (step.text, step.standard) if x)) if step else text

    def clause(rx, must=None):
        if step is None and section.kind == "steps":
            return None  # a table of steps holds no rule sentence: its rows are steps
        best = None
        for orig in _clauses(rule_text):
            if must is not None and not must.search(orig):
                continue
            if re.match(r"\d+\.\s", orig):  # a step row, not a rule
                continue
            head = orig.split(";")[0]
            if ";" in orig and len(head) <= 25 and _HAS_TIME.search(head):  # a step's "(2 ชม./หน้า; ผู้ทำ)" cell
                continue
            if rx.search(strip_tones(orig)):
                best = best or []
                best.append(orig)
        if not best:
            return None
        c = _best_clause("\n".join(strip_tones(b) for b in best), rx, q_terms)
        topic_terms = [t for t in q_terms if len(t) > 1 and strip_tones(t) not in _ASKING_WORDS and not rx.fullmatch(strip_tones(t))]
        if c is not None and not any(strip_tones(t) in c.replace(" ", "") for t in topic_terms):
            return None  # a rule about something else in the same cell ("คืนภายใน 30 วัน" for a nomination)
        for orig in best:
            if strip_tones(orig) == c:
                return shorten(one_line(orig), 220)
        return shorten(one_line(best[0]), 220) if c else None

    # a bare topic ("พิธีมอบกุญแจเมือง") on a procedure or its table: show its steps
    if ("steps" in intents or (not intents and section.kind in {"procedure", "steps"})) and steps and not step:
        return _steps_summary(title, steps), steps

    if "duration" in intents or "when" in intents:
        rule = clause(_DURATION_TONELESS, must=_HAS_TIME)
        if step is not None:
            pairs = _paired_durations(step)
            if pairs:
                head = f"ขั้นตอนที่ {step.no} ของ{short_title(title)} ใช้เวลาตามกรณีดังนี้ค่ะ"
                lines = [f"• {shorten(c, 90)}: {d}" for c, d in pairs]
                tail = f"ผู้รับผิดชอบคือ {_people(step.responsible)}" if step.responsible else ""
                return "\n".join([head, *lines, *([tail] if tail else [])]), []
            dur = duration_text(step.duration.raw) if step.duration and step.duration.raw else ""
            if rule:
                first = _polite(f"คู่มือกำหนดไว้ว่า {rule}")
                ctx = _step_context(step, title, total, with_duration=bool(dur) and dur.replace(" ", "") not in rule.replace(" ", ""),
                                    said=rule)
            elif dur:
                first = _polite(f"ขั้นตอนที่ {step.no} ของ{short_title(title)} {time_phrase(step.duration.raw, 200)}")
                ctx = f"คือ {shorten(one_line(step.text), 160)}"
                if step.responsible:
                    ctx += f" (ผู้รับผิดชอบคือ {shorten(_people(step.responsible), 80)})"
                if total > 1:
                    ctx += f"\nขั้นตอนอื่นใช้เวลาเท่าไร แตะ \"ดูขั้นตอนทั้งหมด\" ได้เลยนะคะ"
            else:
                first, ctx = "", ""
            if first:
                return f"{first}\n{ctx}", []
        elif rule:
            return _polite(f"คู่มือกำหนดไว้ว่า {rule}") + (f"\n(เรื่อง{short_title(title)})" if title else ""), []
        timed = [s for s in steps if s.duration and s.duration.raw]
        if timed and not step:
            lines = [f"• ขั้นตอนที่ {s.no}: {shorten(duration_text(s.duration.raw), 40)} ({shorten(one_line(s.text), 60)})"
                     for s in timed]
            return fit_lines(f"ระยะเวลาแต่ละขั้นตอนของ{short_title(title)} มีดังนี้ค่ะ", lines, MAX_BODY - 70,
                             SEE_ALL_STEPS), []

    # who / which documents: the step's own cell, else a rule sentence, else every step's cell
    for intent, field_, rx, first_fmt, list_head in (
        ("role", "responsible", _ROLE_TONELESS, "ผู้รับผิดชอบคือ {}", "ผู้รับผิดชอบแต่ละขั้นตอนของ{} มีดังนี้ค่ะ"),
        ("forms", "forms", _FORM_TONELESS, "เอกสาร/แบบฟอร์มที่ใช้คือ {}", "เอกสาร/แบบฟอร์มในแต่ละขั้นตอนของ{} มีดังนี้ค่ะ"),
    ):
        if intent not in intents:
            continue
        if step is not None and field_ == "responsible" and step.responsible and not _ASKS_DOER.search(
                strip_tones(getattr(q, "raw", "") or "")):
            # "ใครอนุมัติ / ส่งถึงใคร": the one named in the step's text, not the officer doing the step
            first = _polite(f"ตามคู่มือ ขั้นตอนที่ {step.no} ของ{short_title(title)}: {shorten(one_line(step.text), 240, asked_figure_re(q.text))}")
            approver = _approver_step([step], raw_q)
            if approver and approver[1] != step.text:  # the approver is named in another cell of the row
                first = _polite(f"ตามคู่มือ ขั้นตอนที่ {step.no} ของ{short_title(title)} ({shorten(one_line(step.text), 90)}): "
                                f"{shorten(one_line(approver[1]), 160)}")
            extra = [f"ผู้ดำเนินการขั้นตอนนี้คือ {shorten(_people(step.responsible), 80)}"]
            if step.duration and step.duration.raw:
                extra.append(time_phrase(step.duration.raw))
            return first + "\n" + " · ".join(extra), []
        if step is not None and getattr(step, field_):
            first = _polite(first_fmt.format(shorten(one_line(getattr(step, field_)), 200)))
            return f"{first}\n{_step_context(step, title, total, with_role=field_ != 'responsible')}", []
        rule = clause(rx) if step is not None or section.kind in {"requirements", "framework", "procedure", "scope"} else None
        if rule:
            return _polite(f"คู่มือระบุไว้ว่า {rule}") + (f"\n(เรื่อง{short_title(title)})" if title else ""), []
        having = [s for s in steps if getattr(s, field_)]
        values = {_people(getattr(s, field_)) for s in having}
        if having and len(values) == 1 and len(having) == len(steps) and len(steps) > 1:
            return _polite(f"{first_fmt.format(shorten(values.pop(), 200))} ในทุกขั้นตอนของ{short_title(title)}"), []
        if having:
            lines = [f"• ขั้นตอนที่ {s.no}: {shorten(one_line(getattr(s, field_)), 90)}" for s in having[:8]]
            return "\n".join([list_head.format(short_title(title)), *lines]), []

    if "framework" in intents:
        regs = section.facets.get("regulations") or (owner.facets.get("regulations") if owner else "")
        if not regs and section.kind == "framework":
            regs = section.text
        # a framework shared by several procedures lists all their laws: the one the question
        # (or else the procedure's own name) points to leads
        items = _most_asked_first(_bullets(regs), q_terms, terms(title)) if regs else []
        if items:
            lines = [f"• {shorten(x, 220)}" for x in items[:8]]
            return "\n".join([f"ระเบียบ/กฎหมายที่เกี่ยวข้องกับ{short_title(title)} มีดังนี้ค่ะ", *lines]), []

    if "budget" in intents:
        found = _MONEY.search(text)
        if found:
            amount = found.group(0).replace(".-", "")
            name = short_title(_project_name(section) or title)
            if name.startswith("รวมงบประมาณ") and section.doc in DOCUMENTS:
                # the plan's total row: "งบประมาณรวมทั้งสิ้นของแผนปฏิบัติการ สกต. 2568"
                name = f"รวมทั้งสิ้นของ{DOCUMENTS[section.doc].short_title}"
            first = "เรื่องนี้ไม่ใช้งบประมาณค่ะ" if amount == "ไม่ใช้งบประมาณ" else _polite(f"งบประมาณ{name} คือ {amount}")
            return first, []

    if step is not None:
        first = _polite(f"ขั้นตอนที่ {step.no} ของ{short_title(title)}: {shorten(one_line(step.text), 260, asked_figure_re(q.text))}")
        extra = []
        if step.duration and step.duration.raw:
            extra.append(time_phrase(step.duration.raw))
        if step.responsible:
            extra.append(f"ผู้รับผิดชอบคือ {shorten(_people(step.responsible), 80)}")
        body = first + ("\n" + " · ".join(extra) if extra else "")
        if "forms" in intents and _NAMES_DOCUMENTS.search(raw_q) and not step.forms \
                and not _FORM_TONELESS.search(strip_tones(step.text)):
            body = MISSING_FORMS + "\n" + body  # do not pass a step off as its list of documents
        return body, []
    if steps and (not text or section.kind == "steps"):
        # the asked cell is not in this table: say so, then show the steps to look in
        missing = {"forms": "รายการเอกสาร", "role": "ผู้รับผิดชอบ", "duration": "ระยะเวลา"}
        asked = [missing[i] for i in ("forms", "role", "duration") if i in intents]
        summary = _steps_summary(title, steps)
        if asked:
            summary = f"ยังไม่พบ{asked[0]}ที่ระบุไว้ตรง ๆ ในตารางนี้ค่ะ ลองดูจากขั้นตอนด้านล่างนะคะ\n" + summary
        return summary, steps
    body = _readable(text)
    if not _LIST_RE.search(body):  # "1. เมืองพี่เมืองน้อง หมายถึง …": the number of one item is noise
        body = re.sub(r"^\s*\d+[.)]\s+(?=\S)", "", body)
    own = clean_title(section.title).replace(" ", "")
    if "\n" in body:  # a row's closing "16. <its own title>" repeats the card's title
        body = "\n".join(ln for ln in body.split("\n") if re.sub(r"^\d+[.)]\s*", "", ln).replace(" ", "") != own)
    raw = thai_digits_to_arabic(getattr(q, "raw", "") or "")
    if plan:  # "โครงการ … มีขั้นตอนอะไรบ้าง": every step of the plan's schedule, with its months
        rows = [_PLAN_ROW.search(tidy(row.text)) for row in plan]
        lines = [f"{shorten(m.group(1).strip(' :'), 80)} · {m.group(3).strip()}" for m in rows]
        return fit_lines(f"ขั้นตอนตามแผนของ{short_title(title)} มีทั้งหมด {len(plan)} ขั้นตอนค่ะ", lines,
                         MAX_LIST_BODY - 40), []
    if "when" in intents:
        m = _PLAN_ROW.search(body)
        if m:  # an action-plan row: "ขั้นตอนงาน (ร้อยละ 20, สะสม ร้อยละ 100) ช่วงเวลา (เดือน): มิ.ย. 2560"
            what, share, months = m.group(1).strip(" :"), m.group(2), m.group(3).strip()
            first = _polite(f"ตามแผน \"{shorten(what, 120)}\" อยู่ในช่วง {months}") if what else _polite(f"ช่วงเวลาตามแผนคือ {months}")
            rest = f"(น้ำหนักงาน {share})" if share else ""
            return "\n".join(x for x in (first, rest) if x), []
    if "duties" in intents:
        duties = _duties_answer(body, clean_title(section.title))
        if duties:
            return duties, []
    field_lead = _field_answer(body, raw)
    if field_lead:  # a table row's "ค่าเป้าหมาย: ร้อยละ 80" for "เป้ากี่เปอร์เซ็นต์"
        value = field_lead[1].partition(":")[2].strip()  # said in the lead: not again on a line of its own
        rest = "\n".join(ln for ln in body.split("\n") if ln.strip() not in (field_lead[1], value))
        return shorten(field_lead[0] + ("\n" + rest if rest else ""), MAX_BODY), []
    if _ASKS_NUMBER.search(raw):
        lead = _number_phrase(body, q_terms, raw)
        if lead:  # "เป้าหมายกี่ครั้ง": the number first, the passage after it
            return shorten(_polite(f"{document_noun(section.doc)}ระบุไว้ว่า {lead}") + "\n" + body, MAX_BODY), []
    figure = asked_figure_re(q.text)
    if figure is not None and not figure.search(strip_tones(body.split("\n")[0]).replace(" ", "")):
        lead = _figure_clause(body, figure, q_terms)
        if lead:  # "ลงวันที่เท่าไร", "กี่เปอร์เซ็นต์": the sentence stating it first
            return shorten(_polite(f"{document_noun(section.doc)}ระบุไว้ว่า {shorten(lead, 220)}") + "\n" + body, MAX_BODY), []
    if "definition" in intents and len(body) <= MAX_BODY and re.search(r"[\u0e01-\u0e4e)]$", body):
        return _polite(body), []
    if "role" in intents and body.strip() and not _PERSON_TONELESS.search(strip_tones(body)):
        return shorten(MISSING_ROLE + "\n" + body, MAX_BODY), []  # the passage names no one: say so first
    if "forms" in intents and body.strip() and _NAMES_DOCUMENTS.search(raw_q) and not _FORM_TONELESS.search(strip_tones(body)):
        return shorten(MISSING_FORMS + "\n" + body, MAX_BODY), []
    return shorten(body, body_limit(body)), []


# a step of an action plan's schedule (action_plans.gantt_text): "ขั้นตอนงาน (ร้อยละ 20, สะสม
# ร้อยละ 100) ช่วงเวลา (เดือน): มิ.ย. 2560"
_PLAN_ROW = re.compile(r"^(.*?)\s*(?:\(([^()]*ร้อยละ[^()]*)\))?\s*ช่วงเวลา\s*\(เดือน\)\s*:\s*([^\n]+)", re.M)


def plan_rows(engine, section: Section) -> list[Section]:
    """The schedule rows of the plan's project that `section` is, or is a row of, in order;
    empty when it has none."""
    owner = section if section.kind in {"project", "kpi"} else engine.corpus.sections.get(section.parent or "")
    if owner is None or owner.kind not in {"project", "kpi"}:
        return []
    rows = [c for c in engine.corpus.children(owner) if c.kind == "table_row" and _PLAN_ROW.search(tidy(c.text))]
    if section is not owner and section not in rows:
        return []
    return sorted(rows, key=lambda c: c.span.first)


MISSING_ROLE = "ยังไม่พบชื่อผู้รับผิดชอบที่ระบุไว้ตรง ๆ ในคู่มือค่ะ ข้อความที่ใกล้ที่สุดคือ"
# "เอกสารอะไรบ้าง", not "ต้องเตรียมอะไรบ้าง": only then is a missing list of documents worth saying
_NAMES_DOCUMENTS = re.compile(r"เอกสาร|แบบฟอร์ม|ฟอร์ม|หลักฐาน|form", re.I)
MISSING_FORMS = "ยังไม่พบรายการเอกสารที่ระบุไว้ตรง ๆ ในคู่มือค่ะ ข้อความที่ใกล้ที่สุดคือ"
# a person or a unit, matched tone-insensitively (ลงนาม/อนุมัติ are acts, not who does them)
_PERSON_TONELESS = re.compile(r"ผู(?!ประกอบการ)|หัวหนา|นัก|เจาหนาที|เจาพนักงาน|จพง|ปลัด|ผอ\.|ผว\.|คณะกรรมการ|คณะทำงาน|ฝาย|กอง|สำนัก|สำนักงาน|รับผิดชอบ")

# a duties table's row: "หน้าที่ความรับผิดชอบ: มีอำนาจหน้าที่เกี่ยวกับ 1. … 2. …"
_DUTIES_LABEL = re.compile(strip_tones(r"หน้าที่"))
_DUTIES_LEAD = re.compile(r"^(?:มี)?(?:อำนาจ)?หน้าที่(?:ความรับผิดชอบ)?\s*(?:เกี่ยวกับ|ดังนี้|ดังต่อไปนี้)?\s*:?\s*")
_ITEM_NO = re.compile(r"(?:^|\s)\(?\d{1,2}[.)]\s+")


def _duties_answer(body: str, post: str) -> str | None:
    """"ผอ.สกต. มีหน้าที่อะไร" answered from the duties table: the post's duties, one per
    line, led by whose they are (not the row's column labels)."""
    values = [ln.partition(":")[2].strip() for ln in body.split("\n")
              if ":" in ln and _DUTIES_LABEL.search(strip_tones(ln.partition(":")[0]))]
    text = " ".join(v for v in values if v)
    if not text:
        return None
    # "กองนโยบายและแผนงาน มีอำนาจหน้าที่ ดังนี้ …": the lead-in names the post again
    text = _DUTIES_LEAD.sub("", re.sub(r"^.{0,40}?(?=(?:มี)?(?:อำนาจ)?หน้าที่)", "", text)).strip()
    items = [x.strip(" ;") for x in _ITEM_NO.split(text) if x.strip(" ;")]
    if len(items) >= 2:
        head = f"หน้าที่ของ{post} ตามคู่มือมีดังนี้ค่ะ"
        # "กลุ่มงาน… มีอำนาจหน้าที่ ดังนี้" heads the items after it
        lines = [x if x.endswith("ดังนี้") else f"• {shorten(x, 300)}" for x in items]
        return shorten("\n".join([head, *lines]), MAX_BODY)
    return shorten(_polite(f"หน้าที่ของ{post} ตามคู่มือคือ {text}"), MAX_BODY)


# what a question asks for -> the row labels that hold it (matched tone-insensitively)
_FIELD_ASKS = [
    (r"เปา|เปอ\S?รเซ\S?น|รอยละ|กีครัง|กีผลิตภัณฑ", r"เปาหมาย"),
    (r"คะแนน", r"^(?!ระดับ\s*\d).*คะแนน"),  # not a criteria column: "ระดับ 1 (60 คะแนน)"
    (r"นำหนัก", r"นำหนัก"),
    (r"ใคร|รับผิดชอบ|หนวยงานไหน|หนวยงานใด|ฝายไหน", r"รับผิดชอบ"),
    (r"งบ", r"งบประมาณ"),
    (r"รหัส", r"รหัส"),
]


def _field_answer(body: str, raw: str) -> tuple[str, str] | None:
    """For a table row ("label: value" lines), the line the question asks for, as a sentence."""
    asked = strip_tones(raw)
    lines = [ln for ln in body.split("\n") if ":" in ln]
    for q_rx, label_rx in _FIELD_ASKS:
        if not re.search(q_rx, asked):
            continue
        for ln in lines:
            label, _, value = ln.partition(":")
            value = value.strip()
            if re.search(label_rx, strip_tones(label)) and value and re.search(r"[\w\u0e01-\u0e4e]", value):
                return _polite(f"{label.strip()}คือ {shorten(value, 200)}"), ln.strip()
    if _ASKS_NUMBER.search(raw):
        # "ต้องได้กี่เปอร์เซ็นต์ถึงได้ระดับ 5": the column the question names ("ระดับ 5 (100 คะแนน)"),
        # in the row whose value it names too ("กลุ่มหน่วยงาน A"), when the passage holds several
        plain = asked.replace(" ", "").lower()
        named, row, row_name = None, -1, ""
        for k, ln in enumerate(lines):
            label, _, value = ln.partition(":")
            value = value.strip()
            key = strip_tones(re.sub(r"\([^()]*\)", "", label)).replace(" ", "").lower()
            if len(key) >= 5 and key in plain and re.search(r"\d", value) and named is None:
                named = (k, label.strip(), value, ln.strip())
            if value and strip_tones(value).replace(" ", "").lower() in plain and len(value) >= 3:
                row, row_name = k, value
            if named is not None and row >= 0 and named[0] < row:
                named = None  # the column of an earlier row: look on in the named row
        if named is not None:
            of = f"{row_name} " if row >= 0 else ""
            return _polite(f"{of}{named[1]} คือ {shorten(named[2], 200)}"), named[3]
    return None


# "ร้อยละการเบิกจ่ายงบประมาณ เป้าหมายเท่าไหร่": a KPI's target/weight/score, not an amount of money
_ASKS_KPI_FIGURE = re.compile(r"เปาหมาย|รอยละ|เปอ\S?รเซ\S?น|นำหนัก|คะแนน|ตัวชีวัด|kpi", re.I)
# a day of a date ("ถึง 30 กันยายน 2564") is not a figure
_MONTH = month_pattern()
_ASKS_NUMBER = re.compile(r"กี่|เท่าไ|เท่าใด|ร้อยละ|จำนวน|เป้าหมาย|เปาหมาย")
_VALUE_WORDS = [strip_tones(w) for w in ("ค่าเป้าหมาย", "เป้าหมาย", "งบประมาณ", "น้ำหนัก", "ร้อยละ", "จำนวน")]


def _phrase_start(text: str, at: int, space_before: int | None = None) -> int:
    """Where the phrase holding text[at] begins: after the last space (before
    `space_before`, to keep the word before a number), line break, colon or opening
    bracket ("(8,500 ครั้ง)" gives "8,500 ครั้ง")."""
    space = text.rfind(" ", 0, at if space_before is None else space_before)
    return max(space, text.rfind("\n", 0, at), text.rfind(":", 0, at), text.rfind("(", 0, at)) + 1


def _figure_clause(text: str, figure: re.Pattern, q_terms: list[str]) -> str | None:
    """The clause of `text` stating the figure asked (`figure`: tone-stripped, no spaces, as
    search.asked_figure_re gives it) that shares the most of the question's words."""
    return _best_clause(text, figure, q_terms, key=lambda c: strip_tones(c).replace(" ", ""))


def _number_phrase(text: str, q_terms: list[str], raw: str) -> str | None:
    """The phrase giving the count a "กี่ครั้ง / กี่เมือง" question asks for: the number
    followed by the very unit asked, with the words just before it ("ค่าเป้าหมาย 10 ครั้ง")."""
    m = re.search(r"กี่\s*([\u0e01-\u0e4e]{2,12}?)(?:คะ|ค่ะ|ครับ|นะ|\s|$|\?)", raw)
    if not m:
        # "ค่าเป้าหมายเท่าไหร่": the value the question names, with a number right after it
        toneless = strip_tones(raw)
        for word in _VALUE_WORDS:
            if word not in toneless:
                continue
            loose = "".join(re.escape(c) + "[\u0e48-\u0e4b]?" for c in word)
            hit = re.search(loose + r"[^\n:;()]{0,12}?(?<![\d,.])(?!25\d\d)\d[\d,.]*(?:[ \t]*(?:ครั้ง|คน|เมือง|โครงการ|กิจกรรม|ล้านบาท|บาท|วัน|เดือน|แห่ง|ฉบับ|เรื่อง|ประเทศ|%|ระดับ))?(?![\d,.]|[ \t]*(?:" + _MONTH + "))", text)
            if hit:
                phrase = text[_phrase_start(text, hit.start()):hit.end()].strip()
                return phrase if len(phrase) <= 90 else None
        return None
    unit = m.group(1)
    best, best_score = None, -1
    for hit in re.finditer(r"(\d[\d,]*(?:\.\d+)?)(?!\.)[ \t]*" + re.escape(unit), text):
        start = _phrase_start(text, hit.start(), max(hit.start() - 1, 0))
        window = text[max(0, hit.start() - 60):hit.start()]
        score = sum(len(t) for t in q_terms if len(t) > 1 and t in window)
        if score > best_score:
            best, best_score = text[start:hit.end()].strip(), score
    return best if best and len(best) <= 90 else None


# words of the question itself ("within how many days"), not of its topic
_ASKING_WORDS = {strip_tones(w) for w in "วัน ภายใน ล่วงหน้า เวลา ใช้เวลา ระยะ ระยะเวลา กี่ กี่วัน นาน ต้อง ใคร เอกสาร อะไร บ้าง ทำการ วันทำการ เมื่อไร เมื่อไหร่".split()}

# "who is responsible / which unit does it": the step's responsible cell answers it
# "ใครอนุมัติ", "ใครเซ็น", "ผู้มีอำนาจลงนาม": who approves, not who does the work
_ASKS_APPROVER = re.compile(strip_tones(r"ใคร(?:เป็นคน|เป็นผู้)?(?:อนุมัติ|เซ็น|ลงนาม|เห็นชอบ)|(?:อนุมัติ|เซ็น|ลงนาม|เห็นชอบ)\S{0,12}ใคร"
                                        r"|ผู้มีอำนาจ|ผู้อนุมัติ|ผู้ลงนาม"))
# a cell naming who approves: "ได้รับการอนุมัติจาก ป.กทม. หรือ ผว.กทม.", "เสนอ ผอ.สกต. ลงนาม"
_APPROVED_BY = re.compile(strip_tones(r"อนุมัติจาก|อนุมัติโดย|ผู้อนุมัติ|ลงนามโดย|ผู้มีอำนาจ|เห็นชอบจาก"))


def _approver_step(steps: list[Step], raw_q: str) -> tuple[Step, str] | None:
    """The first step with a cell that says who approves or signs, for "ใครอนุมัติ…"."""
    asked = strip_tones(raw_q).replace(" ", "")
    if not _ASKS_APPROVER.search(asked) or _ASKS_DOER.search(asked):
        return None
    for s_ in steps:
        for cell in (s_.text, s_.standard, s_.monitoring):
            flat = strip_tones(cell or "").replace(" ", "")
            if _APPROVED_BY.search(flat) and _PERSON_TONELESS.search(flat):
                return s_, cell
    return None


_ASKS_DOER = re.compile(strip_tones(r"รับผิดชอบ|ใครทำ|ใครดำเนินการ|ใครเป็นคนทำ|ใครดูแล|หน่วยงานไหน|หน่วยงานใด|ฝ่ายไหน|ฝ่ายใด|เจ้าหน้าที่คนไหน"))

_STEP_FIELD = {"duration": "duration", "when": "duration", "role": "responsible", "forms": "forms"}


def _pick_step(steps: list[Step], intents: set[str], q_terms: list[str]) -> Step | None:
    """On a whole table of steps, the one step a when/who/which-document question is about:
    the only step holding the most of the question's words (and the asked cell), else None."""
    fields = [_STEP_FIELD[i] for i in intents if i in _STEP_FIELD]
    if not fields or "steps" in intents:
        return None
    words = _plain_words(q_terms)
    scored = sorted(((_letters_asked(s.text, words), s) for s in steps if all(_states_field(s, f) for f in fields)),
                    key=lambda x: -x[0])
    if scored and scored[0][0] >= 3 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _states_field(step: Step, field_: str) -> bool:
    """The step gives the asked cell, or (documents) lists them in its own text: "เสนอเอกสาร
    หลักฐาน … ได้แก่ ใบเสร็จรับเงิน …" with an empty form column."""
    return bool(getattr(step, field_)) or (field_ == "forms" and bool(_FORM_TONELESS.search(strip_tones(step.text))))


def _plain_words(q_terms: list[str]) -> list[str]:
    """The question's words of two letters or more as `_letters_asked` compares them (tones
    and spaces aside): made once per question, not once per line compared."""
    return [strip_tones(t).replace(" ", "").lower() for t in q_terms if len(t) > 1]


def _letters_asked(text: str, words: list[str]) -> int:
    """How much of the question a passage's line holds: the letters of its `_plain_words`
    found in the line, tones and spaces aside."""
    plain = strip_tones(clean(text)).replace(" ", "").lower()
    return sum(len(t) for t in words if t in plain)


def _most_asked_first(items: list[str], *asked: list[str]) -> list[str]:
    """A list (the laws of a shared framework) led by the one item holding more of the
    first of `asked` that singles one out than any other item: "ลาออกจากราชการ ใช้ระเบียบ
    ก.พ. ฉบับไหน" leads with the resignation rule, not the salary rule the manual lists
    first. Otherwise, and for the rest, the manual's order."""
    for words in map(_plain_words, asked):
        weights = [_letters_asked(x, words) for x in items]
        best = max(weights, default=0)
        if best >= 3 and weights.count(best) == 1:
            i = weights.index(best)
            return [items[i], *items[:i], *items[i + 1:]]
    return items


def _project_name(section: Section) -> str:
    m = re.search(r"ชื่อโครงการ[^:\n]*:\s*([^\n]+)", section.text or "")
    return tidy(m.group(1)) if m else ""


def _readable(text: str) -> str:
    """A table row's "label: value" lines stay lines; lone labels ("ตัวชี้วัด") are dropped."""
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln and not re.fullmatch(r"[^:\s]{1,20}:?", ln)
             and not re.fullmatch(r"(?:ลำดับ)?ที่\s*(?:\(\w+\))?\s*:\s*[\d.]+", ln)  # row numbers say nothing
             and not re.fullmatch(r"[^:\n]{1,40}:\s*[-–]?", ln)  # a label with no value ("ผลการดำเนินงาน :")
             and not header_only(ln)]  # a column heading ("ตัววัดผลหลัก (Key Result : KR)") is no fact
    return "\n".join(dict.fromkeys(lines))  # a value printed under two headings: once


_DURATION_TONELESS = re.compile(strip_tones(TIME_SPAN + r"|ภายใน|ไม่เกิน|ล่วงหน้า|ไม่น้อยกว่า"))
_ROLE_TONELESS = re.compile(strip_tones(ROLE_WORDS + r"|อนุมัติ"))  # and who approves
_FORM_TONELESS = re.compile(strip_tones(DOCUMENT_WORDS + r"|หนังสือ"))  # and a letter


def _picked_step(section: Section, steps: list[Step], q, body: str) -> Step | None:
    """The one row of a whole table of steps the answer is about (None when it lists them)."""
    if section.kind not in {"steps", "procedure", "flowchart"} or _step_of(section) is not None or not steps:
        return None
    step = _pick_step(steps, q.intents, [t for t in q.content if len(t) > 1])
    if step is None or step.span is None or not step.span.first or f"ขั้นตอนที่ {step.no}" not in body:
        return None
    spans = section.spans or []
    if spans and step.span.source != spans[0].source:
        return None
    return step


def section_answer(engine, section: Section) -> Answer:
    """The answer for one section someone chose (a suggested topic): its steps when it is a
    procedure, else its text made readable; cited like any answer."""
    t0 = time.perf_counter()
    try:
        owner, steps = _owner_steps(engine, section)
    except AttributeError:  # an engine without procedures (a test double)
        owner, steps = None, list(getattr(section, "steps", None) or [])
    total = len(steps)
    if not total:  # the procedure's table may sit elsewhere: count what "ดูขั้นตอนทั้งหมด" would list
        total = len([ln for ln in engine.steps_text(section.id).split("\n") if ln.strip()])
    title = clean_title(section.title)
    spans = section.spans or []
    lines = (spans[0].first, spans[0].last) if spans else None  # the primary span (others may lie elsewhere)
    if steps and (section.kind in {"procedure", "steps", "project", "kpi"} or not section.text):
        body, out_steps = _steps_summary(title, steps), list(steps)
    else:
        body, out_steps = shorten(_readable(tidy(section.text)), MAX_BODY) if section.text else "", []
    return Answer(
        query=title, kind="answer", title=title, body=body or title, steps=out_steps, total_steps=total,
        citation=citation(engine, section, lines) if lines else "", section_id=section.id, key=section.key,
        source=spans[0].source if spans else None, lines=lines, took_ms=(time.perf_counter() - t0) * 1000,
    )


UNSURE_NONE = ("ขออภัยค่ะ ไม่พบเรื่องนี้ในคู่มือเลย ไม่อยากเดาคำตอบให้ผิดนะคะ "
               "ลองพิมพ์ชื่องานหรือคำสำคัญอีกครั้ง เช่น \"เงินยืม คืนกี่วัน\"")


def unsure_body(suggestions: list[Suggestion], what: str = "") -> str:
    why = what or "ยังไม่แน่ใจว่าคู่มือตอบเรื่องนี้ไว้ตรงไหน จึงยังไม่ตอบเพื่อไม่ให้ผิดนะคะ"
    if not suggestions:
        return f"ขออภัยค่ะ {why}\nลองพิมพ์ชื่องานหรือคำสำคัญให้ชัดขึ้นได้เลยนะคะ"
    lines = [f"{i}. {short_title(s.title, 80)}" for i, s in enumerate(suggestions[:3], 1)]
    return "\n".join([f"ขออภัยค่ะ {why}", f"หัวข้อที่ใกล้เคียงที่สุด {len(lines)} เรื่องคือ", *lines,
                      "แตะเลือกหัวข้อ หรือพิมพ์ชื่องานพร้อมสิ่งที่อยากรู้ให้ชัดขึ้นได้เลยนะคะ"])


def _suggestions(engine, ranked) -> list[Suggestion]:
    out: list[Suggestion] = []
    seen: set[str] = set()
    for s in ranked:
        owner = engine.procedure(s.unit.key) if s.unit.key else None
        title = clean_title(owner.title if owner else s.unit.title.split(" – ")[0])
        if title and title not in seen and _topic_like(title):
            seen.add(title)
            out.append(Suggestion(title, owner.id if owner else s.unit.sid))
    return out


# a table's column heading or a bare item number ("๙.๒.๑.๑") names no topic to tap
_NOT_TOPICS = frozenset({"ชื่อตัวชี้วัด", "ตัวชี้วัด", "ชื่อโครงการ", "ลำดับ", "ที่"})
_LETTERS = re.compile(r"[\u0e01-\u0e2eA-Za-z]")


@lru_cache(maxsize=4096)
def _topic_like(title: str) -> bool:
    return title not in _NOT_TOPICS and len(_LETTERS.findall(title)) >= 3


def build_answer(engine, query: str, unit: str | None = None) -> Answer:
    from knowledge.engine import is_confident

    t0 = time.perf_counter()

    def ms() -> float:
        return (time.perf_counter() - t0) * 1000

    kind = smalltalk_kind(query)
    if kind:
        return _smalltalk(query, kind, t0)
    q = analyse(engine.index, query, unit)
    wide = score(engine.index, q, top=30)  # one pass: its first 8 are exactly score(top=8)
    ranked = wide[:8]
    if not ranked:
        return Answer(query=query, kind="unsure", body=UNSURE_NONE, took_ms=ms())
    suggestions = _suggestions(engine, ranked)
    if len(suggestions) < 4:
        suggestions = _suggestions(engine, wide)
    near = 0
    while len(suggestions) < 4 and near < len(suggestions):  # too few topics matched: add those nearest them
        seen = {s.title for s in suggestions}
        found = _suggestions(engine, score(engine.index, analyse(engine.index, suggestions[near].title), top=80))
        suggestions += [s for s in found if s.title not in seen][:4 - len(suggestions)]
        near += 1
    top = ranked[0]
    # a procedure whose framework alone states what is asked answers from its framework
    section = engine.section(top.cite_section or top.unit.sid)
    from knowledge.search import detect_intents

    if q.content and all(detect_intents(t) or t in _ASKING_WORDS for t in q.content):
        # "ขั้นตอน", "ใครเซ็น", "เอกสารอะไรบ้าง": what is asked, but not about which work
        return Answer(query=query, kind="unsure", suggestions=suggestions[:3], took_ms=ms(), body=unsure_body(
            suggestions, "ยังไม่แน่ใจว่าหมายถึงงานไหนนะคะ พิมพ์ชื่องานต่อท้ายได้เลย เช่น \"ขั้นตอนมอบกุญแจเมือง\""))
    if not is_confident(ranked):
        what = ""
        if top.other_year:  # "งบ ... ปี 2569" and only the 2568 plan has such figures
            doc = engine.document(top.unit.doc)
            asked = " ".join(str(y) for y in sorted(q.years))
            if doc and doc.kind in YEAR_BOUND_KINDS:
                what = f"คู่มือมีข้อมูลเรื่องนี้ของปี {doc.year_be} ยังไม่มีของปี {asked} นะคะ"
            elif doc:  # a manual says how the work is done, not what happened in a given year
                what = f"{doc.short_title} บอกวิธีทำงาน ไม่มีข้อมูลเฉพาะของปี {asked} นะคะ"
        return Answer(query=query, kind="unsure", body=unsure_body(suggestions, what), suggestions=suggestions[:3], took_ms=ms())
    section = _step_asked(engine, section, query)
    lines = (top.cite or top.unit.lines) if section.id == top.unit.sid else (section.span.first, section.span.last)
    owner, steps = _owner_steps(engine, section)
    title = clean_title(owner.title if owner else section.title.split(" – ")[0])
    asked = asked_quantity(q.text)
    if "budget" in q.intents and not (PROCEDURAL_INTENTS & q.intents) \
            and (asked is None or asked[0] == "money" or asked[1] == "บาท") \
            and not _ASKS_KPI_FIGURE.search(strip_tones(query)) and not _MONEY.search(tidy(section.text or "")):
        # an amount was asked and this passage has none: say so rather than answer beside the point
        return Answer(query=query, kind="unsure", suggestions=suggestions[:3], took_ms=ms(),
                      body=unsure_body(suggestions, "ยังไม่พบตัวเลขงบประมาณของเรื่องนี้ในคู่มือที่แน่ใจได้นะคะ"))
    plan = plan_rows(engine, section) if "steps" in q.intents else []
    body, out_steps = _body_for(engine, section, owner, steps, q.intents, q, plan)
    cite = citation(engine, section, lines)
    if plan:  # the answer lists the project's whole schedule: cite the project and all its rows
        lines = (plan[0].span.first, plan[-1].span.last)
        cite = citation(engine, engine.section(plan[0].parent), lines)
    picked = _picked_step(section, steps, q, body)
    if picked is not None:  # the answer quotes one row of the table: cite that row, not the whole table
        lines = (picked.span.first, picked.span.last)
        doc = engine.document(section.doc)
        span = f"บรรทัด {lines[0]}" if lines[0] == lines[1] else f"บรรทัด {lines[0]}–{lines[1]}"
        cite = f"{doc.short_title if doc else section.doc} · {shorten(title, 70)} – ขั้นตอนที่ {picked.no} · {span}"
    if not body.strip() or (section.kind == "table_row" and header_only(body)):  # a heading answers nothing
        return Answer(query=query, kind="unsure", body=unsure_body(suggestions), suggestions=suggestions[:3], took_ms=ms())
    return Answer(
        query=query, kind="answer", title=title, body=_truncate(body), steps=out_steps,
        total_steps=len(steps), citation=cite, section_id=section.id, key=section.key, source=top.unit.source, lines=lines,
        suggestions=[s for s in suggestions if s.title != title][:3],
        took_ms=ms(),
    )
