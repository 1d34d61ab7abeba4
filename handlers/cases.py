"""Topic: cases. Log a case in one line, confirm it, list, show, update, close, assign.

The handlers stay thin: reading text is `handlers.extract`, the records are
`bot.records`, who may do what is `bot.officers`. A draft lives in
ConversationState (topic "case") until the officer confirms it, so nothing becomes a
Case half-way, a restart loses nothing, and "ยกเลิก" leaves it.

Filters match only case commands: free text falls through to the knowledge search.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from bot import records
from bot.clock import at_bangkok, bangkok, thai_date, today
from bot.db.models import Case, Officer
from bot.officers import HOW_TO_REGISTER, by_line_id, find_by_name, register
from handlers import advances, visits
from handlers.context import Context
from handlers.extract.dates import RECEIVED_RE, DateMention, find_dates, find_times
from handlers.extract.fields import MAX_TEXT, REQUIRED, Extracted, clean_text, extract, has_words
from handlers.extract.kinds import EVENT_KINDS, KIND_LABELS, kind_from_answer, recognise_kind
from handlers.extract.numbers import find_amounts, find_counts, format_baht, normalise_digits
from handlers.extract.words import POLITE, bare_word
from handlers.incoming import Incoming
from handlers.replies import Action, Card, Field, Reply, clip, postback, says, text_reply
from handlers.router import Filter, Router, in_conversation, text_is
from knowledge.search import smalltalk_kind
from knowledge.text.normalize import strip_tones
from scheduler.planning import plan_case
from scheduler.rules import advance_due_date
from scheduler.rules import citation as advance_rule_citation

router = Router("cases")
TOPIC = "case"

_REF = records.REF_TYPED
LOG_RE = re.compile(r"^\s*(บันทึกเรื่อง|แจ้งเรื่อง|new case|log)(?![a-z])(?!\s*in\b)\s*[:：]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
# "ยืมเงิน …" and "คณะ … เยือน …" are also how people *ask* about advances and
# visits ("ยืมเงินต้องใช้เอกสารอะไร"): those start a case only when they say something
# and ask nothing; the questions go on to the manuals.
ADVANCE_RE = re.compile(r"^\s*ยืมเงิน(?!ทดรอง\s*$)\s*[:：]?\s*(\S.*)$", re.DOTALL)
DELEGATION_RE = re.compile(r"^\s*คณะ.+เยือน", re.DOTALL)
# "บันทึกเงินยืม 15,000 …", "บันทึก การเยือน …": the kind word stays in the text it is read
# from. Not "บันทึก" alone: บันทึกความเข้าใจ (MOU) and บันทึกการประชุม are things people ask about.
LOG_KIND_RE = re.compile(r"^\s*บันทึก\s*((?:เงินยืม|ยืมเงิน|การเยือน|การรับคณะ|รับคณะ|คณะ)\S*.*)$", re.DOTALL)
# matched without tone marks, as people type on a phone ("ตองคืนภายในกีวัน"); the กี of
# เกี่ยว/โตเกียว is not กี่
QUESTION_RE = re.compile(strip_tones(
    r"\?|？|อย่างไร|ยังไง|อะไร|(?<!ผ้า)ไหม|มั้ย|หรือไม่|หรือเปล่า|(?<!เ)กี่|เท่าไร|เท่าไหร่|ขั้นตอน|ต้องทำ|ที่ไหน|เมื่อไร|เมื่อไหร่|ใคร|"
    r"ได้หรือ|\bhow\b|\bwhat\b"
))


def is_question(text: str) -> bool:
    return QUESTION_RE.search(strip_tones(text)) is not None


SHOW_RE = re.compile(rf"^\s*(?:#\s*|(?:ดู|ดูเรื่อง|เปิดเรื่อง|view|show)\s*)({_REF}){POLITE}", re.IGNORECASE)
UPDATE_RE = re.compile(rf"^\s*(?:อัปเดต|อัพเดต|อัปเดท|อัพเดท|update)\s*({_REF})\s*(.*)$", re.IGNORECASE | re.DOTALL)
CLOSE_RE = re.compile(rf"^\s*(?:ปิดเรื่อง|ปิด|close)\s*({_REF})\s*(.*)$", re.IGNORECASE | re.DOTALL)
CANCEL_RE = re.compile(rf"^\s*(?:ยกเลิกเรื่อง|ยกเลิก|cancel case|cancel)\s*({_REF})\s*(.*)$", re.IGNORECASE | re.DOTALL)
ASSIGN_RE = re.compile(rf"^\s*(?:มอบหมาย|assign)\s*({_REF})\s*(?:ให้|to)?\s*(.*)$", re.IGNORECASE | re.DOTALL)
BARE_AMOUNT_RE = re.compile(r"\s*([\d,]+(?:\.\d+)?)\s*")  # "25000" typed alone as the amount
REGISTER_RE = re.compile(r"^\s*(?:ลงทะเบียน|register)\s*([A-Za-z0-9\- ]{4,40})\s*$", re.IGNORECASE)

TOO_LONG = f"ข้อความยาวเกินไปค่ะ (เกิน {MAX_TEXT:,} ตัวอักษร) กรุณาย่อให้สั้นลงแล้วส่งใหม่นะคะ"
CONFIRM_WORDS = ("ยืนยัน", "ตกลง", "ok", "โอเค", "confirm", "ใช่")
WHAT_HAPPENED = (
    "เล่าเรื่องที่จะบันทึกสั้น ๆ ในข้อความเดียวได้เลยค่ะ เช่น "
    "“รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ 15 ม.ค. 69 14.00 น.”"
)
QUESTIONS = {
    "title": "เรื่องนี้ชื่อเรื่องว่าอะไรคะ",
    "date": "วันที่เท่าไหร่คะ (เช่น 15 ม.ค. 69 14.00 น.)",
    "amount": "ยืมเงินจำนวนเท่าไหร่คะ (เช่น 25,000 บาท)",
    "received": "ได้รับเงินยืมวันไหนคะ (เช่น 3 ธ.ค. 68)",
    "kind": "เป็นเรื่องประเภทไหนคะ",
}
DRAFT_LABELS = (("place", "สถานที่"), ("city", "เมือง"), ("country", "ประเทศ"),
                ("contract_no", "เลขที่สัญญายืม"), ("letter_no", "เลขที่หนังสือ"))
# What the parser read that has no column of its own: kept in Case.fields.
KEPT_FIELDS = ("until", "city", "country", "place", "guests", "pages", "programme", "contract_no", "letter_no")
QUICK = {
    "date": ("วันนี้", "พรุ่งนี้", "สัปดาห์หน้า"),
    "received": ("วันนี้", "เมื่อวาน"),
}


# ---------------------------------------------------------------- helpers


def _matching(pattern: re.Pattern[str]) -> Filter:
    """The compiled pattern itself (with DOTALL), so a message of several lines still
    counts as the command its first line starts with."""
    return lambda ev, _ctx: pattern.match(ev.text) is not None


def _officer_or_refusal(ev: Incoming, ctx: Context) -> tuple[Officer | None, list[Reply] | None]:
    officer = ctx.officer(ev)
    if officer is None:
        return None, text_reply(HOW_TO_REGISTER)
    return officer, None


def _group_chat(ev: Incoming, ctx: Context):
    return ctx.chat(ev) if ev.in_group else None


def _draft_from(extracted: Extracted, raw: str) -> dict[str, Any]:
    """JSON-safe draft for ConversationState.data."""
    return {
        "nonce": secrets.token_hex(4),
        "kind": extracted.kind,
        "title": extracted.title,
        "day": extracted.day.isoformat() if extracted.day else None,
        "until": extracted.until.isoformat() if extracted.until else None,
        "clock": extracted.clock.strftime("%H:%M") if extracted.clock else None,
        "amount": str(extracted.amount) if extracted.amount is not None else None,
        "received_on": extracted.received_on.isoformat() if extracted.received_on else None,
        "guests": extracted.guests,
        "pages": extracted.pages,
        "city": extracted.city,
        "country": extracted.country,
        "place": extracted.place,
        "programme": [list(item) for item in extracted.programme],
        "problems": [list(p) for p in extracted.problems],
        "options": [thai_date(day) for day in extracted.options],
        "contract_no": extracted.contract_no,
        "letter_no": extracted.letter_no,
        "raw": raw[:MAX_TEXT],
    }


def _title(draft: dict[str, Any]) -> str:
    """The draft's title; an advance logged by its amount alone ("ยืมเงิน 15,000 บาท รับ
    20 พ.ย.") is named by it, as the officer would, instead of being refused untitled."""
    if draft.get("title"):
        return draft["title"]
    if draft.get("kind") == "advance" and draft.get("amount"):
        return f"เงินยืม {format_baht(Decimal(draft['amount']))}"
    return ""


def _missing(draft: dict[str, Any]) -> list[str]:
    have = {"title": draft.get("title"), "date": draft.get("day"), "amount": draft.get("amount"),
            "received": draft.get("received_on")}
    return [name for name in REQUIRED.get(draft["kind"], ("title",)) if not have[name]]


def _day(draft: dict[str, Any], key: str = "day") -> date | None:
    return date.fromisoformat(draft[key]) if draft.get(key) else None


def _shifted_until(until: str | None, old: date | None, new: date) -> str | None:
    """The last day of an event of several days once its first day moved from `old` to
    `new`: the event keeps its length."""
    return (date.fromisoformat(until) + (new - old)).isoformat() if until and old else None


def _move_day(draft: dict[str, Any], day: date) -> None:
    """A new first day; an event of several days keeps its length."""
    draft["until"] = _shifted_until(draft.get("until"), _day(draft), day)
    draft["day"] = day.isoformat()


def _guests_in(text: str) -> int | None:
    """The number of people a message gives ("20 คน"), if any."""
    return next((c.value for c in find_counts(text) if c.unit == "คน"), None)


def _clock(draft: dict[str, Any]) -> time | None:
    return time.fromisoformat(draft["clock"]) if draft.get("clock") else None


def _when(day: date, clock: time | None, until: date | None = None) -> str:
    return records.when_said(at_bangkok(day, clock or time(0)), clock is not None, until)


def _detail_fields(values: dict[str, Any]) -> list[Field]:
    """Place, city, country, numbers, guests and pages: the same lines on the draft card
    and on the saved case."""
    fields = [Field(label, str(values[key])) for key, label in DRAFT_LABELS if values.get(key)]
    if values.get("guests"):
        fields.append(Field("จำนวน", f"{values['guests']} คน"))
    if values.get("pages"):
        fields.append(Field("จำนวนหน้า", f"{values['pages']} หน้า"))
    return fields


def _draft_card(draft: dict[str, Any], complete: bool) -> Card:
    kind = draft["kind"]
    fields = [Field("ประเภท", KIND_LABELS.get(kind, kind)), Field("เรื่อง", _title(draft) or "-")]
    day = _day(draft)
    if day:
        label = "วันที่" if kind in EVENT_KINDS else ("วันงาน/เดินทาง" if kind == "advance" else "กำหนดส่ง")
        fields.append(Field(label, _when(day, _clock(draft), _day(draft, "until"))))
    fields += _detail_fields(draft)
    if draft.get("programme") and kind == "visit":
        fields.append(Field("กำหนดการ", ", ".join(title for _k, title in draft["programme"])))
    footnote = ""
    if kind == "advance":
        fields.append(Field("ผู้ยืม", "คุณ (ผู้บันทึก)"))
        if draft.get("amount"):
            fields.append(Field("จำนวนเงิน", format_baht(Decimal(draft["amount"]))))
        received = _day(draft, "received_on")
        if received and any(name == "received" for name, _q in draft.get("problems") or []):
            # a receipt date still being asked about: no due date worked out from it yet
            fields.append(Field("วันที่รับเงิน", f"{thai_date(received)} (รอยืนยัน)"))
        elif received:
            fields.append(Field("วันที่รับเงิน", thai_date(received)))
            fields.append(Field("ครบกำหนดส่งใช้", thai_date(advance_due_date(received))))
            footnote = advance_rule_citation()
    nonce = draft["nonce"]
    buttons = [
        Action("เปลี่ยนประเภท", data=postback("case_kind", n=nonce), display_text="เปลี่ยนประเภท"),
        Action("แก้วันที่", data=postback("case_date", n=nonce), display_text="แก้วันที่"),
        Action("ยกเลิก", data=postback("case_cancel", n=nonce), display_text="ยกเลิก"),
    ]
    if complete:
        buttons.insert(0, Action("ยืนยัน", data=postback("case_confirm", n=nonce), display_text="ยืนยัน"))
    return Card(title=_title(draft) or "เรื่องใหม่", header="บันทึกเรื่องใหม่ (ยังไม่ได้บันทึก)",
                fields=fields, footnote=footnote, buttons=buttons)


def _card_text(card: Card) -> str:
    lines = [card.header, *(f"{f.label}: {f.value}" for f in card.fields)]
    return "\n".join(line for line in lines if line)


def _next_step(ev: Incoming, ctx: Context, draft: dict[str, Any], state=None, show_card: bool = True) -> list[Reply]:
    """Ask the first open question, or show the card to confirm. One question at a time."""
    problems = draft.get("problems") or []
    missing = _missing(draft)
    if problems:
        field_name, reason = problems[0]
        options = draft.get("options", [])
        step, question, quick = f"ask:{field_name}", _ask_again(reason, options), says(*options)[:13]
    elif missing:
        field_name = missing[0]
        step, question = f"ask:{field_name}", QUESTIONS[field_name]
        offers = list(QUICK.get(field_name, ()))
        if field_name == "received" and draft.get("day") and _day(draft) <= today(ctx.now):
            offers.insert(0, thai_date(_day(draft)))  # the date the text did give (if past), one tap away
        quick = says(*offers)
    else:
        step, question, quick = "confirm", "ถูกต้องไหมคะ กด “ยืนยัน” เพื่อบันทึก", []  # the card has the buttons
    if state is None:
        ctx.start_conversation(ev, TOPIC, step, draft)
    else:
        ctx.save_conversation(state, step, draft)
    card = _draft_card(draft, complete=step == "confirm")
    if step == "confirm":
        return [Reply(text=_card_text(card) + "\n" + question, cards=[card], quick=quick)]
    replies = [Reply(text=_card_text(card), cards=[card])] if show_card else []
    return [*replies, Reply(text=question, quick=quick)]


def _create(ev: Incoming, ctx: Context, officer: Officer, draft: dict[str, Any]) -> list[Reply]:
    kind, day, clock = draft["kind"], _day(draft), _clock(draft)
    event_at = at_bangkok(day, clock or time(0)) if day and kind in EVENT_KINDS | {"advance"} else None
    case_draft = records.CaseDraft(
        kind=kind,
        title=_title(draft),
        details=draft.get("raw", ""),
        event_at=event_at,
        due_on=day if day and kind not in EVENT_KINDS | {"advance"} else None,
        fields={k: draft.get(k) for k in KEPT_FIELDS if draft.get(k)}
        | {"has_time": clock is not None},
    )
    if kind == "advance":
        case_draft.advance = records.AdvanceDraft(Decimal(draft["amount"]), _day(draft, "received_on"), _title(draft))
    if kind == "visit":
        case_draft.visit = records.VisitDraft(
            delegation=draft["title"], city=draft.get("city", ""), country=draft.get("country", ""),
            place=draft.get("place", ""), guests=draft.get("guests"),
            programme=[tuple(item) for item in draft.get("programme", [])],
        )
    case = records.create_case(ctx.session, officer, case_draft, ctx.now, _group_chat(ev, ctx))
    ctx.end_conversation(ev)
    card = _case_card(ctx, case, with_history=False)
    card.header = f"บันทึกแล้ว {case.ref}"
    card.tone = "success"
    done = Reply(text=f"บันทึกแล้วค่ะ เลขที่เรื่อง {case.ref}\n{_card_text(card)}", cards=[card])
    return [done, *plan_case(ctx, case, "created")][:5]


# ---------------------------------------------------------------- logging a case


def _not_a_question(ev: Incoming, _ctx: Context) -> bool:
    return not is_question(ev.text)


@router.message(_matching(LOG_RE))
def log_case(ev: Incoming, ctx: Context) -> list[Reply]:
    return _start_draft(ev, ctx, LOG_RE.match(ev.text).group(2), None)


@router.message(_matching(LOG_KIND_RE), _not_a_question)
def log_kind(ev: Incoming, ctx: Context) -> list[Reply]:
    return _start_draft(ev, ctx, LOG_KIND_RE.match(ev.text).group(1), None)


@router.message(lambda ev, _ctx: bare_word(ev.text) in {"ยืนยัน", "confirm"}, lambda ev, ctx: ctx.conversation(ev) is None)
def confirm_nothing(_ev: Incoming, _ctx: Context) -> list[Reply]:
    """"ยืนยัน" with no draft open (it expired, or was typed twice): say so rather than
    search the manuals for the word."""
    return text_reply(NOTHING_TO_CONFIRM)


@router.message(_matching(ADVANCE_RE), _not_a_question)
def log_advance(ev: Incoming, ctx: Context) -> list[Reply]:
    # the whole line: "ยืมเงิน 20000 ค่าเดินทาง" names its amount by the word before it
    return _start_draft(ev, ctx, ev.text, "advance")


@router.message(_matching(DELEGATION_RE), _not_a_question)
def log_delegation(ev: Incoming, ctx: Context) -> list[Reply]:
    return _start_draft(ev, ctx, ev.text, "visit")


def _start_draft(ev: Incoming, ctx: Context, body: str, hint: str | None) -> list[Reply]:
    officer, refusal = _officer_or_refusal(ev, ctx)
    if refusal:
        return refusal
    if len(ev.text) > MAX_TEXT:
        return text_reply(TOO_LONG)
    extracted = extract(body, today(ctx.now), hint)
    draft = _draft_from(extracted, clean_text(body))
    # a draft still waiting for its answers or "ยืนยัน" is replaced by the new one: say so,
    # so that nobody believes it was saved
    _, earlier = _state_and_draft(ev, ctx)
    dropped = text_reply(DRAFT_DROPPED.format(title=clip(_title(earlier), 60))) if earlier and earlier.get("title") else []
    if not has_words(draft["raw"]) and hint is None:
        # "บันทึกเรื่อง" alone (the rich menu's button): ask for the one line, no empty card
        ctx.start_conversation(ev, TOPIC, "ask:title", draft)
        return [*dropped, *text_reply(WHAT_HAPPENED)]
    return [*dropped, *_next_step(ev, ctx, draft)]


# ---------------------------------------------------------------- the draft conversation


def _state_and_draft(ev: Incoming, ctx: Context):
    state = ctx.conversation(ev)
    if state is None or state.topic != TOPIC:
        return None, None
    return state, dict(state.data)


def _stale(ev: Incoming, draft: dict[str, Any] | None) -> bool:
    return draft is None or ev.postback.get("n") != draft.get("nonce")


NOT_CORRECTED = "ยังไม่ได้แก้ไขค่ะ พิมพ์{what}ที่ถูกต้องมาได้เลย หรือกด “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก” นะคะ"
PURPOSE_MAX = 120  # letters: a purpose typed on the card, not a pasted letter
NOT_SAVED_YET = "ยินดีค่ะ 😊 เรื่องนี้ยังไม่ได้บันทึกนะคะ กด “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก” ได้เลยค่ะ"
DRAFT_DROPPED = "เรื่อง “{title}” ที่ยังไม่ได้ยืนยัน ไม่ได้บันทึกไว้นะคะ ขอเริ่มเรื่องใหม่ให้ค่ะ"
NOTHING_TO_CONFIRM = "ตอนนี้ไม่มีเรื่องที่รอยืนยันค่ะ หากต้องการบันทึก พิมพ์ “บันทึกเรื่อง” ตามด้วยรายละเอียดได้เลยนะคะ"
STALE = "การ์ดนี้ไม่มีเรื่องรอยืนยันแล้วค่ะ หากต้องการบันทึก กรุณาพิมพ์ใหม่อีกครั้งนะคะ"


def _on_draft(then):
    """A postback handler for a button of the draft card; an old card's button (the
    draft was confirmed, cancelled or replaced) gets a polite note instead."""

    def handler(ev: Incoming, ctx: Context) -> list[Reply]:
        state, draft = _state_and_draft(ev, ctx)
        if _stale(ev, draft):
            return text_reply(STALE)
        return then(ev, ctx, state, draft)

    return handler


def _confirm(ev: Incoming, ctx: Context, state, draft: dict[str, Any]) -> list[Reply]:
    officer, refusal = _officer_or_refusal(ev, ctx)
    if refusal:
        return refusal
    if draft.get("problems") or _missing(draft):
        return _next_step(ev, ctx, draft, state)
    return _create(ev, ctx, officer, draft)


@router.postback("case_cancel")
def cancel_postback(ev: Incoming, ctx: Context) -> list[Reply]:
    _state, draft = _state_and_draft(ev, ctx)
    if not _stale(ev, draft):
        ctx.end_conversation(ev)
    return text_reply("ยกเลิกแล้วค่ะ ไม่มีอะไรถูกบันทึก")


def _ask_kind(_ev: Incoming, ctx: Context, state, draft: dict[str, Any]) -> list[Reply]:
    ctx.save_conversation(state, "ask:kind", draft)
    quick = says(*KIND_LABELS.values())
    return [Reply(text=QUESTIONS["kind"], quick=quick)]


def _ask_date(_ev: Incoming, ctx: Context, state, draft: dict[str, Any]) -> list[Reply]:
    field_name = "received" if draft["kind"] == "advance" else "date"
    ctx.save_conversation(state, f"ask:{field_name}", draft)
    return [Reply(text=QUESTIONS[field_name], quick=says(*QUICK[field_name]))]


router.postback("case_confirm")(_on_draft(_confirm))
router.postback("case_kind")(_on_draft(_ask_kind))
router.postback("case_date")(_on_draft(_ask_date))


def _set_kind(draft: dict[str, Any], kind: str) -> None:
    draft["kind"] = kind
    if kind not in EVENT_KINDS and kind != "visit":
        draft["programme"] = []
    draft["problems"] = [p for p in draft.get("problems", []) if p[0] != "received" or kind == "advance"]
    if kind == "advance" and not draft.get("amount"):
        amounts = find_amounts(draft.get("raw", ""))
        if amounts:
            draft["amount"] = str(amounts[0].value.quantize(Decimal("0.01")))


def _ask_again(reason: str, options: list[str]) -> str:
    """A date that cannot be taken: its reason asks back when there are readings to
    tap ("หมายถึงวันไหนคะ"); a plain "ไม่มีวันที่ 30 ก.พ." gets the question added."""
    return reason if options else f"{reason} กรุณาพิมพ์วันที่อีกครั้งนะคะ"


def _read_date(answer: str, ctx: Context, past: bool = False) -> tuple[date | None, time | None, str | None, list[str]]:
    """(day, clock, problem, options) from an answer to a date question (`past`: to
    "ได้รับเงินยืมวันไหนคะ", where "วันที่ 20" is the most recent 20th)."""
    mentions = find_dates(answer, today(ctx.now), past=past)
    if not mentions:
        return None, None, "ขออภัยค่ะ ไม่เข้าใจวันที่ กรุณาพิมพ์อีกครั้ง เช่น 15 ม.ค. 69 หรือ พรุ่งนี้", []
    first = mentions[0]
    if not first.ok:
        options = [thai_date(c) for c in first.candidates]
        return None, None, _ask_again(first.reason, options), options
    return first.day, first.time, None, []


def _read_amount(answer: str) -> Decimal | None:
    amounts = find_amounts(answer)
    if amounts:
        return amounts[0].value.quantize(Decimal("0.01"))
    bare = BARE_AMOUNT_RE.fullmatch(normalise_digits(answer))
    if bare:
        try:
            value = Decimal(bare.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        return value.quantize(Decimal("0.01")) if value > 0 else None
    return None


def answer(ev: Incoming, ctx: Context) -> list[Reply] | None:
    """The officer's answer to the open question (or a word on the confirm step)."""
    state, draft = _state_and_draft(ev, ctx)
    if state is None:
        return None
    text = ev.text.strip()
    if len(text) > MAX_TEXT:
        return text_reply(TOO_LONG)
    step = state.step
    squashed = bare_word(text)
    if squashed in CONFIRM_WORDS:
        if step == "confirm":
            return _confirm(ev, ctx, state, draft)
        if not has_words(draft.get("raw", "")):
            return text_reply(WHAT_HAPPENED)
        return _next_step(ev, ctx, draft, state)  # not yet: ask the open question again
    if squashed == "เปลี่ยนประเภท":
        return _ask_kind(ev, ctx, state, draft)
    if squashed == "แก้วันที่":
        return _ask_date(ev, ctx, state, draft)
    field_name = step.removeprefix("ask:")
    if step == "confirm":
        return _correct(ev, ctx, state, draft, text)
    if field_name != "title" and is_question(text) and not _answers_field(field_name, text, ctx):
        return None  # a question about the manuals while a draft waits: answered there; the draft stays
    if field_name == "kind":
        kind = kind_from_answer(text)
        if kind is None:
            return _ask_kind(ev, ctx, state, draft)
        _set_kind(draft, kind)
        return _next_step(ev, ctx, draft, state)
    if field_name == "title":
        title = clean_text(text)
        if not has_words(title):
            return text_reply("ขออภัยค่ะ ยังไม่ได้ชื่อเรื่อง กรุณาพิมพ์เป็นข้อความสั้น ๆ นะคะ")
        if not has_words(draft.get("raw", "")):
            # the first words of this case: read them like a one-line log
            fresh = _draft_from(extract(title, today(ctx.now)), title)
            fresh["nonce"] = draft["nonce"]
            return _next_step(ev, ctx, fresh, state)
        draft["title"] = title[:300]
        if draft["kind"] == "other":
            _set_kind(draft, recognise_kind(title).kind)
        # what the title says besides (the city, the number of guests) fills what is still empty
        said = _draft_from(extract(title, today(ctx.now), draft["kind"]), title)
        for key in ("city", "country", "place", "guests", "pages", "programme"):
            draft[key] = draft.get(key) or said[key]
        return _next_step(ev, ctx, draft, state, show_card=draft["kind"] in EVENT_KINDS and bool(said["city"] or said["guests"]))
    if field_name in {"date", "received"}:
        day, clock, problem, options = _read_date(text, ctx, past=field_name == "received")
        if problem:
            draft["options"] = options
            ctx.save_conversation(state, step, draft)
            return [Reply(text=problem, quick=says(*options))]
        draft["problems"] = [p for p in draft.get("problems", []) if p[0] != field_name]
        draft.pop("options", None)
        if field_name == "date":
            _move_day(draft, day)
            draft["clock"] = clock.strftime("%H:%M") if clock else draft.get("clock")
        else:
            draft["received_on"] = day.isoformat()
        return _next_step(ev, ctx, draft, state)
    if field_name == "amount":
        amount = _read_amount(text)
        if amount is None:
            return text_reply("ขออภัยค่ะ ไม่เข้าใจจำนวนเงิน กรุณาพิมพ์เป็นตัวเลข เช่น 25,000 บาท")
        draft["amount"] = str(amount)
        return _next_step(ev, ctx, draft, state)
    return None


def _answers_field(field_name: str, text: str, ctx: Context) -> bool:
    """Whether the text holds what the open question asks (an amount, a date, a kind)."""
    if field_name == "amount":
        return _read_amount(text) is not None
    if field_name in {"date", "received"}:
        return bool(find_dates(text, today(ctx.now)))
    if field_name == "kind":
        return kind_from_answer(text) is not None
    return True


def _correct(ev: Incoming, ctx: Context, state, draft: dict[str, Any], text: str) -> list[Reply] | None:
    """On the confirm step a date or an amount typed alone corrects the draft; other
    text is not ours (it falls through, e.g. to a question about the manuals)."""
    mentions = find_dates(text, today(ctx.now), past=draft["kind"] == "advance")
    if mentions and mentions[0].ok:
        key = "received_on" if draft["kind"] == "advance" else "day"
        if key == "day":
            _move_day(draft, mentions[0].day)
        else:
            draft[key] = mentions[0].day.isoformat()
        if key == "day" and mentions[0].time:
            draft["clock"] = mentions[0].time.strftime("%H:%M")
        return _next_step(ev, ctx, draft, state)
    if mentions and mentions[0].reason:
        # a date that cannot be taken (31 พ.ย., a receipt still ahead): ask back with its
        # readings; the card stays as it was until one is chosen
        options = [thai_date(c) for c in mentions[0].candidates]
        return [Reply(text=_ask_again(mentions[0].reason, options), quick=says(*options))]
    if draft["kind"] == "advance" and (amount := _read_amount(text)) is not None:
        draft["amount"] = str(amount)
        return _next_step(ev, ctx, draft, state)
    if (draft["kind"] == "advance" and not draft.get("title") and has_words(text) and not is_question(text)
            and smalltalk_kind(text) is None and len(text) <= PURPOSE_MAX):
        # an advance logged by its amount alone, then "ประชุมเมืองพี่เมืองน้อง": what it is for
        draft["title"] = clean_text(text)
        return _next_step(ev, ctx, draft, state)
    if draft["kind"] in EVENT_KINDS:
        times = find_times(text)
        guests = _guests_in(text)
        if times and draft.get("day"):  # "เปลี่ยนเวลาเป็น 14.00 น.": the same day at the new time
            draft["clock"] = times[0].value.strftime("%H:%M")
        if guests is not None:  # "20 คน"
            draft["guests"] = guests
        if (times and draft.get("day")) or guests is not None:
            return _next_step(ev, ctx, draft, state)
    if smalltalk_kind(text) in {"thanks", "greeting"}:
        return text_reply(NOT_SAVED_YET)  # "ขอบคุณค่ะ" before tapping ยืนยัน: it is not saved yet
    if not is_question(text):
        # a correction not understood: say so here rather than answer it from the manuals
        what = {"advance": "วันที่รับเงินหรือจำนวนเงิน"}.get(draft["kind"], "วันที่ เวลา หรือจำนวนคน" if draft["kind"] in EVENT_KINDS else "วันที่")
        return text_reply(NOT_CORRECTED.format(what=what))
    return None


# ---------------------------------------------------------------- listing and showing


def _status_line(case: Case) -> str:
    title = clip(case.title, 40)
    return f"{case.ref} · {KIND_LABELS.get(case.kind, case.kind)} · {title} · {records.case_date(case)} · {records.STATUS_LABELS.get(case.status, case.status)}"


def _list(ev: Incoming, ctx: Context, scope: str, heading: str) -> list[Reply]:
    officer, refusal = _officer_or_refusal(ev, ctx)
    if refusal:
        return refusal
    found = records.list_visible(ctx.session, officer, scope, _group_chat(ev, ctx), limit=10)
    if not found.cases:
        return text_reply(f"{heading}: ยังไม่มีเรื่องที่เปิดอยู่ค่ะ")
    lines = [_status_line(case) for case in found.cases]
    rest = found.total - len(found.cases)
    footnote = f"และอีก {rest} เรื่อง" if rest > 0 else "พิมพ์ “ดู เลขที่เรื่อง” เพื่อดูรายละเอียด"
    card = Card(title=f"{heading} ({found.total} เรื่อง)", items=lines, footnote=footnote, header="เรื่องที่เปิดอยู่")
    return [Reply(text="\n".join([card.title, *lines, footnote]), cards=[card])]


@router.message(text_is("เรื่องของฉัน", "งานของฉัน", "my cases"))
def my_cases(ev: Incoming, ctx: Context) -> list[Reply]:
    return _list(ev, ctx, "mine", "เรื่องของฉัน")


@router.message(text_is("เรื่องค้าง", "งานค้าง", "open cases"))
def open_cases(ev: Incoming, ctx: Context) -> list[Reply]:
    return _list(ev, ctx, "unit", "เรื่องค้าง")


@router.message(text_is("เรื่องของกลุ่ม", "group cases"))
def group_cases(ev: Incoming, ctx: Context) -> list[Reply]:
    return _list(ev, ctx, "unit", "เรื่องของกลุ่ม")


def _case_card(ctx: Context, case: Case, with_history: bool = True) -> Card:
    fields = [
        Field("ประเภท", KIND_LABELS.get(case.kind, case.kind)),
        Field("สถานะ", records.STATUS_LABELS.get(case.status, case.status)),
        Field("วันที่", records.case_date(case)),
    ]
    if case.assignee_id:
        fields.append(Field("ผู้รับผิดชอบ", records.display_name(ctx.session.get(Officer, case.assignee_id))))
    advance = records.advance_of(ctx.session, case.id)
    footnote = ""
    if advance is not None:
        fields += [Field("จำนวนเงิน", format_baht(advance.amount)), Field("วันที่รับเงิน", thai_date(advance.received_on)),
                   Field("ครบกำหนดส่งใช้", thai_date(advance.due_on))]
        footnote = advance_rule_citation()
    # what the message said beyond the columns: a visit's own row where it has one
    # (edits land there), else Case.fields (a conference's city, a letter's number)
    kept = dict(case.fields or {})
    visit = records.visit_of(ctx.session, case.id)
    if visit is not None:
        kept |= {"place": visit.place, "city": visit.city, "country": visit.country, "guests": visit.guests}
    fields += _detail_fields(kept)
    if visit is not None and visit.items:
        fields.append(Field("กำหนดการ", ", ".join(item.title for item in visit.items)))
    if case.close_note:
        fields.append(Field("หมายเหตุปิดเรื่อง", case.close_note))
    items = []
    if with_history:
        items = [f"{line.when} · {line.who} · {line.what}" for line in records.history_lines(ctx.session, case)]
    buttons = []
    if case.status == "open":
        buttons = [Action("ปิดเรื่อง", text=f"ปิดเรื่อง {case.ref}")]
    return Card(title=case.title, header=f"เรื่อง {case.ref}", fields=fields, items=items[-10:],
                footnote=footnote, buttons=buttons)


def _find(ev: Incoming, ctx: Context, raw_ref: str) -> tuple[Officer | None, Case | None, list[Reply] | None]:
    officer, refusal = _officer_or_refusal(ev, ctx)
    if refusal:
        return None, None, refusal
    ref = records.normalise_ref(raw_ref)
    try:
        case = records.get_visible(ctx.session, officer, ref or "", _group_chat(ev, ctx))
    except records.NotFound as exc:
        return officer, None, text_reply(str(exc))
    return officer, case, None


@router.message(_matching(SHOW_RE))
def show_case(ev: Incoming, ctx: Context) -> list[Reply]:
    _officer, case, refusal = _find(ev, ctx, SHOW_RE.match(ev.text).group(1))
    if refusal:
        return refusal
    card = _case_card(ctx, case)
    return [Reply(text=_card_text(card) + "\n" + "\n".join(card.items), cards=[card])]


# ---------------------------------------------------------------- changing a case


def _change(ev: Incoming, ctx: Context, pattern: re.Pattern[str], act) -> list[Reply]:
    match = pattern.match(ev.text)
    if len(ev.text) > MAX_TEXT:
        return text_reply(TOO_LONG)
    officer, case, refusal = _find(ev, ctx, match.group(1))
    if refusal:
        return refusal
    note = clean_text(re.sub(POLITE, "", match.group(2)))  # "ปิดเรื่อง C-… ค่ะ" leaves no note "ค่ะ"
    try:
        return act(officer, case, note)
    except records.RecordError as exc:
        return text_reply(str(exc))


def _date_refused(case: Case, mention: DateMention, words: str = "") -> list[Reply]:
    """A date in an update that names no single day: nothing changes, and its readings
    come back as quick replies that send the whole update again."""
    quick = [Action(thai_date(day), text=f"อัปเดต {case.ref} {words}{thai_date(day)}") for day in mention.candidates]
    return text_reply(mention.reason + " ยังไม่ได้อัปเดตนะคะ", *quick[:13])


def _advance_changes(note: str, mentions: list[DateMention]) -> tuple[Decimal | None, DateMention | None]:
    """What an update of an advance changes: the amount ("จำนวน 15,000 บาท") and the
    date the money was received (a date after "รับเงิน"/"ได้รับ"). Other dates in
    the note stay part of the note."""
    norm = normalise_digits(note)
    received = next((m for m in mentions if RECEIVED_RE.search(norm[: m.text_span[0]])), None)
    taken = [m.text_span for m in mentions]
    amount = next((a.value.quantize(Decimal("0.01")) for a in find_amounts(norm)
                   if not any(a.text_span[0] < end and start < a.text_span[1] for start, end in taken)), None)
    return amount, received


@router.message(_matching(UPDATE_RE))
def update(ev: Incoming, ctx: Context) -> list[Reply]:
    def act(officer: Officer, case: Case, note: str) -> list[Reply]:
        if not has_words(note):
            return text_reply(f"กรุณาพิมพ์รายละเอียดต่อท้ายค่ะ เช่น “อัปเดต {case.ref} เลื่อนเป็น 20 ม.ค. 69”")
        event_at = due_on = guests = amount = received_on = None
        timed = False  # the note gives a time of day: the case gets one
        mentions = find_dates(note, today(ctx.now))
        times = find_times(note)
        advance = records.advance_of(ctx.session, case.id)
        if advance is not None:
            amount, received = _advance_changes(note, mentions)
            if received is not None and not received.ok:
                return _date_refused(case, received, "รับเงิน ")
            received_on = received.day if received is not None else None
        if not mentions and times and case.event_at is not None:
            # "เปลี่ยนเวลาเป็น 15.00 น.": the same day at the new time
            event_at = at_bangkok(today(case.event_at), times[0].value)
            timed = True
        if mentions and case.kind != "advance":
            first = mentions[0]
            if not first.ok:
                return _date_refused(case, first)
            if case.kind in EVENT_KINDS or case.event_at is not None:
                clock = first.time
                if clock is None and case.event_at is not None and case.fields.get("has_time"):
                    clock = bangkok(case.event_at).time()
                event_at = at_bangkok(first.day, clock or time(0))
                timed = timed or first.time is not None
            else:
                due_on = first.day
        if case.kind in EVENT_KINDS:
            guests = _guests_in(note)
        moved = (event_at is not None and event_at != case.event_at) or (due_on is not None and due_on != case.due_on)
        was = case.event_at
        history = records.update_case(ctx.session, case, officer, ctx.now, note, event_at=event_at, due_on=due_on,
                                      guests=guests, amount=amount, received_on=received_on)
        if timed:  # only once the update went through: a refusal changes nothing
            case.fields = {**case.fields, "has_time": True}
        if event_at is not None and was is not None and case.fields.get("until"):
            # an event of several days moves whole
            case.fields = {**case.fields, "until": _shifted_until(case.fields["until"], today(was), today(event_at))}
        text = f"อัปเดต {case.ref} แล้วค่ะ"
        if moved:
            text += f" วันที่ใหม่: {records.case_date(case)}"
        if "guests" in history.changes:
            text += f"\nจำนวนใหม่: {guests} คน"
        if "amount" in history.changes:
            text += f"\nจำนวนเงินใหม่: {format_baht(advance.amount)}"
        if "received_on" in history.changes:
            text += f"\nวันที่รับเงินใหม่: {thai_date(advance.received_on)} ครบกำหนดส่งใช้ {thai_date(advance.due_on)}"
            moved = True
        return [Reply(text=text), *plan_case(ctx, case, "rescheduled" if moved else "updated")][:5]

    return _change(ev, ctx, UPDATE_RE, act)


def _end(ev: Incoming, ctx: Context, pattern: re.Pattern[str], finish, done: str, planned: str) -> list[Reply]:
    """Close or cancel a case: the record, a reply that repeats the reason, its reminders."""
    def act(officer: Officer, case: Case, note: str) -> list[Reply]:
        note = note if has_words(note) else ""
        finish(ctx.session, case, officer, ctx.now, note)
        return [Reply(text=f"{done} {case.ref} แล้วค่ะ" + (f" ({note})" if note else "")), *plan_case(ctx, case, planned)][:5]

    return _change(ev, ctx, pattern, act)


@router.message(_matching(CLOSE_RE))
def close(ev: Incoming, ctx: Context) -> list[Reply]:
    return _end(ev, ctx, CLOSE_RE, records.close_case, "ปิดเรื่อง", "closed")


@router.message(_matching(CANCEL_RE))
def cancel(ev: Incoming, ctx: Context) -> list[Reply]:
    return _end(ev, ctx, CANCEL_RE, records.cancel_case, "ยกเลิกเรื่อง", "cancelled")


@router.message(_matching(ASSIGN_RE))
def assign(ev: Incoming, ctx: Context) -> list[Reply]:
    def act(officer: Officer, case: Case, note: str) -> list[Reply]:
        candidates: list[Officer] = []
        if ev.mentioned_user_ids:
            found = by_line_id(ctx.session, ev.mentioned_user_ids[0])
            candidates = [found] if found is not None and found.unit == case.unit and found.active else []
        elif note:
            candidates = find_by_name(ctx.session, case.unit, note)
        if not candidates:
            return text_reply("ไม่พบเจ้าหน้าที่คนนี้ในหน่วยงานค่ะ กรุณาแท็ก @ชื่อ หรือพิมพ์ชื่อที่ลงทะเบียนไว้นะคะ")
        if len(candidates) > 1:
            names = ", ".join(records.display_name(o) for o in candidates[:5])
            return text_reply(f"มีหลายคนที่ชื่อตรงกันค่ะ ({names}) กรุณาพิมพ์ชื่อให้ชัดขึ้นนะคะ")
        records.assign_case(ctx.session, case, officer, candidates[0], ctx.now)
        return [Reply(text=f"มอบหมาย {case.ref} ให้ {records.display_name(candidates[0])} แล้วค่ะ"),
                *plan_case(ctx, case, "updated")][:5]

    return _change(ev, ctx, ASSIGN_RE, act)


# ---------------------------------------------------------------- registration and the open draft


@router.message(_matching(REGISTER_RE))
def register_officer(ev: Incoming, ctx: Context) -> list[Reply]:
    if ev.in_group:
        return text_reply("กรุณาลงทะเบียนในแชตส่วนตัวกับบอทนะคะ (รหัสเป็นของคุณคนเดียว)")
    code = REGISTER_RE.match(ev.text).group(1)
    officer, message = register(ctx.session, ev.user_id or "", code, ctx.now)
    if officer is not None:
        ctx.forget_officer(ev.user_id or "")
    return text_reply(message)


def _not_another_command(ev: Incoming, ctx: Context) -> bool:
    """The rich menu's "เงินยืมค้าง" or "การเยือน" typed while a draft waits for an
    answer is that command (the topics come after this one); the draft stays open."""
    return not any(route.matches(ev, ctx) for topic in (advances.router, visits.router) for route in topic.routes)


# Last, so that a command typed in the middle of a draft is still a command.
router.message(in_conversation(TOPIC), _not_another_command)(answer)

__all__ = ["router"]
