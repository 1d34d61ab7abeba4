"""Topic: ask the manuals. The last router: free text nobody else took.

Why it looks like this: an officer wants the answer first, then the steps (with how
long each takes and who does it), then where it is written, so a card shows exactly
that; long step lists are summarised with a "ดูขั้นตอนทั้งหมด" postback. When the
engine is not sure, it says so and offers the three closest topics to tap instead
of guessing. `Reply.text` is the whole answer in plain text (altText, terminal).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from bot.clock import fiscal_year, thai_date, today
from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Action, Card, Reply, postback
from handlers.extract.words import POLITE
from handlers.router import Router, is_text, text_matches
from knowledge.answer import brief_step, citation, clean_title, numbered, section_answer, shorten

log = logging.getLogger(__name__)

router = Router("ask")

STEPS_SHOWN = 5  # a phone screen: the first steps, the rest behind "ดูขั้นตอนทั้งหมด"
SEE_ALL = "ดูขั้นตอนทั้งหมด"
_STEP_LINE = re.compile(r"^\s*\d+[.)]\s")


def _topic_action(title: str, section_id: str) -> Action:
    return Action(label=title, data=postback("topic", s=section_id), display_text=title)


def _steps_action(section_id: str, title: str = "") -> Action:
    return Action(label=SEE_ALL, data=postback("steps", s=section_id), display_text=f"{SEE_ALL} {title}".strip())


def _format_step(step: Any) -> str:
    """One short line per step for a card (the full text is behind "ดูขั้นตอนทั้งหมด")."""
    return brief_step(step)


def _card_title(title: str, limit: int = 80) -> str:
    """A card's title fits two lines on a phone; the whole title stays in the text."""
    return shorten(title or "", limit)


def answer_reply(answer: Any) -> Reply:
    """A knowledge Answer as a Reply: a card for answers, text + topics otherwise."""
    if answer.kind == "smalltalk":
        from handlers.help import EXAMPLES

        return Reply(text=answer.body, quick=[Action(a.label, text=(a.text or a.label).strip()) for a in EXAMPLES[:4]])
    if answer.kind != "answer":
        topics = [_topic_action(s.title, s.section_id) for s in answer.suggestions[:3]]
        return Reply(text=answer.body, quick=[*topics, Action("วิธีใช้", text="วิธีใช้")])
    body_lines = answer.body.split("\n")
    steps = list(answer.steps)
    intro = body_lines
    items: list[str] = []
    if steps:
        # the body's own step lines become the card's items: each step is shown once
        intro = [line for line in body_lines if not _STEP_LINE.match(line) and not line.startswith("…และอีก")]
        items = [_format_step(s) for s in steps[:STEPS_SHOWN]]
    total = max(answer.total_steps, len(steps))
    if steps and total > len(items):
        items.append(f"…และอีก {total - len(items)} ขั้นตอน แตะ \"{SEE_ALL}\" นะคะ")
    buttons: list[Action] = []
    quick: list[Action] = []
    if answer.section_id and total > 1:
        buttons.append(_steps_action(answer.section_id, answer.title))
        quick.append(_steps_action(answer.section_id, answer.title))
    quick += [_topic_action(s.title, s.section_id) for s in answer.suggestions[:3]]
    footnote = f"ที่มา: {answer.citation}" if answer.citation else ""
    card = Card(
        title=_card_title(answer.title) or "คำตอบจากคู่มือ",
        header="คู่มือ",
        body="\n".join(intro).strip(),
        items=items,
        footnote=footnote,
        buttons=buttons,
    )
    text = f"{answer.title}\n{answer.body}" if answer.title else answer.body
    if footnote:
        text += f"\n{footnote}"
    return Reply(text=text, cards=[card], quick=quick)


def _title(section: Any) -> str:
    return clean_title(section.title)


def _procedure(engine: Any, section: Any) -> Any:
    """The procedure a step belongs to (its title names the whole list of steps)."""
    key = getattr(section, "key", None)
    finder = getattr(engine, "procedure", None)
    return finder(key) if key and finder else None


GONE = "ขออภัยค่ะ ไม่พบหัวข้อนี้ในคู่มือแล้ว ลองถามใหม่อีกครั้งนะคะ"


def _section(engine: Any, ev: Incoming) -> Any:
    """The section a postback names, or None when the index no longer has it."""
    try:
        return engine.section(ev.postback.get("s", ""))
    except KeyError:
        return None


@router.postback("steps")
def all_steps(ev: Incoming, ctx: Context) -> list[Reply]:
    engine = ctx.knowledge
    section = _section(engine, ev)
    if section is None:
        return [Reply(text=GONE)]
    owner = _procedure(engine, section)
    lines = _step_lines(engine, owner or section)
    if not lines and owner is not None:
        lines = _step_lines(engine, section)
    title = _title(owner or section)
    if not lines:
        return [Reply(text=f"หัวข้อ \"{title}\" ไม่มีตารางขั้นตอนในคู่มือค่ะ")]
    intro = f"ขั้นตอน{title} มีทั้งหมด {len(lines)} ขั้นตอนค่ะ"
    card = Card(title=title, header="ขั้นตอนทั้งหมด", body=intro, items=_all_step_items(owner or section, lines),
                footnote=_steps_citation(engine, owner or section))
    text = intro + "\n" + "\n".join(lines)
    if card.footnote:
        text += f"\n{card.footnote}"
    return [Reply(text=text, cards=[card])]


def _step_lines(engine: Any, section: Any) -> list[str]:
    """One line per step (engine.steps_text lists no separator row)."""
    return [line for line in engine.steps_text(section.id).split("\n") if line.strip()]


def _all_step_items(section: Any, lines: list[str]) -> list[str]:
    """Every step, one readable line each (very long cells shortened at a phrase end)."""
    steps = numbered(getattr(section, "steps", None) or [])
    return [brief_step(s, 240) for s in steps] if len(steps) == len(lines) else lines


def _steps_citation(engine: Any, section: Any) -> str:
    spans = section.spans
    return "ที่มา: " + citation(engine, section, (spans[0].first, spans[0].last)) if spans else ""


@router.postback("topic")
def topic(ev: Incoming, ctx: Context) -> list[Reply]:
    """A suggested topic tapped: answer about that section."""
    engine = ctx.knowledge
    section = _section(engine, ev)
    if section is None:
        return [Reply(text=GONE)]
    return [section_reply(engine, section)]


def section_reply(engine: Any, section: Any) -> Reply:
    """The card for one section by id (not a search: the person chose it)."""
    return answer_reply(section_answer(engine, section))


# Officers ask the same few questions again and again; the manuals do not change
# while the process runs, so an answer is kept per (engine, question text).
ANSWER_CACHE_SIZE = 1024
_answers: OrderedDict[tuple[int, str | None, str], tuple[Any, Reply]] = OrderedDict()
_answers_lock = threading.Lock()


def cached_answer(engine: Any, text: str, unit: str | None = None) -> Reply:
    """The reply to a question, asked by an officer of `unit` (whose own manuals answer
    first when the question names no unit)."""
    key = (id(engine), unit, " ".join(text.split()))
    with _answers_lock:
        hit = _answers.get(key)
        if hit is not None and hit[0] is engine:  # ids are reused: check it is this engine
            _answers.move_to_end(key)
            return hit[1]
    answer = engine.answer(text, unit)
    log.info("answered kind=%s in %.1f ms", answer.kind, answer.took_ms)  # no question text: it may be personal
    reply = answer_reply(answer)
    if answer.kind != "smalltalk":  # small talk may vary its wording
        with _answers_lock:
            _answers[key] = (engine, reply)
            while len(_answers) > ANSWER_CACHE_SIZE:
                _answers.popitem(last=False)
    return reply


# "ดูเพิ่ม" typed instead of tapping: each answer is self-contained (no per-chat memory of
# the last one), so say where the rest is rather than search the manuals for the word
MORE_RE = r"^\s*(?:ขอ\s*)?(?:ดูเพิ่ม(?:เติม)?|ดูทั้งหมด|ดูต่อ|อ่านต่อ|ต่อ|เพิ่มเติม|ขั้นตอนทั้งหมด|more|see all)" + POLITE
MORE_HINT = ("แตะปุ่ม \"ดูขั้นตอนทั้งหมด\" ใต้คำตอบได้เลยค่ะ หรือพิมพ์ \"ขั้นตอน\" ตามด้วยชื่องาน "
             "เช่น \"ขั้นตอนพิธีมอบกุญแจเมือง\" นะคะ")


@router.message(text_matches(MORE_RE))
def more(_ev: Incoming, _ctx: Context) -> list[Reply]:
    return [Reply(text=MORE_HINT, quick=[Action("ขั้นตอนพิธีมอบกุญแจเมือง", text="ขั้นตอนพิธีมอบกุญแจเมือง")])]


# "ปีงบ 70 เริ่มเมื่อไหร่", "ตอนนี้ปีงบประมาณอะไร": the calendar, not the manuals
_FISCAL_RE = re.compile(r"ปีงบ")
_FISCAL_ASKS = re.compile(r"เริ่ม|สิ้นสุด|หมด|จบ|ตั้งแต่|ถึงวัน|ถึงเมื่อ|วันไหน|เดือนไหน|ช่วงไหน|ช่วงเวลา|ปีอะไร|ปีไหน"
                          r"|ปีงบ\S{0,6}\s*(?:อะไร|ไหน)|คือปี|คือช่วง|ตรงกับ")
# a question about a year's plan, budget or results is the manuals' ("ปีงบ 68 งบรวมเท่าไหร่")
_FISCAL_NOT = re.compile(r"บาท|งบรวม|วงเงิน|โครงการ|ตัวชี้วัด|เบิกจ่าย|แผน|รายงาน|คำของบ|kr|kpi|กี่", re.I)
_FISCAL_SHIFT = ((re.compile(r"ปีงบ\S{0,6}\s*(?:หน้า|ถัดไป)"), 1), (re.compile(r"ปีงบ\S{0,6}\s*(?:ที่แล้ว|ก่อน|ที่ผ่านมา)"), -1))


def fiscal_year_answer(text: str, day: date) -> str | None:
    """When a fiscal year starts and ends (1 Oct – 30 Sep, named by its BE year), for a
    question about the fiscal year itself; None for anything the manuals should answer."""
    from knowledge.search import years_in
    from knowledge.text.normalize import normalize

    t = normalize(text)
    if not _FISCAL_RE.search(t) or not _FISCAL_ASKS.search(t) or _FISCAL_NOT.search(t):
        return None
    current = fiscal_year(day)
    named = sorted(y for y in years_in(re.sub(r"นี้|หน้า|ถัดไป|ที่แล้ว|ก่อน|ที่ผ่านมา|ปัจจุบัน", " ", t)) if 2400 < y < 2700)
    year = named[0] if named else current + next((k for rx, k in _FISCAL_SHIFT if rx.search(t)), 0)
    start, end = date(year - 544, 10, 1), date(year - 543, 9, 30)
    now = " (ปีงบประมาณปัจจุบัน)" if year == current else ""
    return f"ปีงบประมาณ พ.ศ. {year}{now} เริ่ม {thai_date(start)} สิ้นสุด {thai_date(end)} ค่ะ"


@router.message()
def fiscal_year_reply(ev: Incoming, ctx: Context) -> list[Reply] | None:
    """None (the next route: the manuals) unless the message asks about a fiscal year."""
    answer = fiscal_year_answer(ev.text, today(ctx.now))
    return [Reply(text=answer)] if answer else None


@router.message()
def ask(ev: Incoming, ctx: Context) -> list[Reply]:
    text = ev.text.strip()
    if not text:
        from handlers.help import help_reply

        return [help_reply(ctx)]
    officer = ctx.officer(ev)
    return [cached_answer(ctx.knowledge, text, officer.unit if officer else None)]


@router.on(lambda ev, ctx: not is_text(ev, ctx))
def anything_else(_ev: Incoming, _ctx: Context) -> list[Reply]:
    """Every other event (unknown types included) is handled by saying nothing."""
    return []
