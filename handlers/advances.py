"""Topic: advances — "เงินยืมค้าง", "คืนเงินยืมแล้ว A-2569-0003" and the reminder buttons.

The reminders themselves are planned by `scheduler.advances`; this module is the
chat side: listing what is still open (most urgent first), clearing, snoozing, and
showing the clearing procedure from the manual.
"""

from __future__ import annotations

from bot.clock import thai_date, today
from bot.db.models import Case, Officer
from bot.records import REF_TYPED, normalise_ref, unit_case
from handlers.extract.numbers import format_baht
from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Action, Card, Reply, text_reply
from handlers.extract.words import POLITE
from handlers.router import Router, registered, text_matches
from scheduler import advances as adv_rules
from scheduler import checklist, rules

router = Router("advances")

REF_HINT = "กรุณาระบุเลขเรื่องด้วยนะคะ เช่น “คืนเงินยืมแล้ว A-2569-0003”"


def _sees_unit_advances(officer: Officer) -> bool:
    """Finance and admins act on every advance of their unit; others on their own."""
    return officer.role in {"finance", "admin"}


def _find_case(ctx: Context, officer: Officer, ref: str | None = None, case_id: int | None = None) -> Case | None:
    """An advance case the officer may act on: their own, or any in their unit for finance/admin."""
    case = unit_case(ctx.session, officer, ref=ref, case_id=case_id)
    if case is None:
        return None
    adv = adv_rules.advance_of(ctx.session, case.id)
    if adv is None:
        return None
    if adv.borrower_id != officer.id and not _sees_unit_advances(officer):
        return None
    return case


# "เงินยืมค้าง" (the menu), "ดูเงินยืมที่ค้างอยู่ค่ะ", "เงินยืมของฉัน", "รายการเงินยืมทั้งหมด"
LIST_RE = (r"^\s*(?:ขอ\s*)?(?:ดู|เช็ก|เช็ค)?\s*(?:รายการ)?\s*เงินยืม\s*"
           r"(?:(?:ที่|คง)?\s*ค้าง(?:อยู่)?|ของ\s*(?:ฉัน|ผม|หนู|เรา|ดิฉัน|กระผม|ตัวเอง)|ทั้งหมด)"
           r"\s*(?:มี)?(?:อะไร)?(?:บ้าง)?" + POLITE)


@router.message(registered, text_matches(LIST_RE))
def list_open(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = ctx.officer(ev)
    assert officer is not None
    everyone = _sees_unit_advances(officer)
    rows = adv_rules.open_advances(ctx.session, borrower_id=None if everyone else officer.id, unit=officer.unit)
    if not rows:
        return text_reply("ไม่มีเงินยืมค้างค่ะ 👍")
    now_day = today(ctx.now)
    lines = []
    for case, adv in rows[:20]:
        left = (adv.due_on - now_day).days
        when = f"เหลือ {left} วัน" if left > 0 else ("ครบกำหนดวันนี้" if left == 0 else f"เลยกำหนด {-left} วัน")
        lines.append(f"{case.ref} {format_baht(adv.amount)} — {when} ({thai_date(adv.due_on)})")
    text = f"เงินยืมค้าง {len(rows)} รายการค่ะ (เรียงจากใกล้ครบกำหนดที่สุด)"
    card = Card(title="เงินยืมค้าง", body=text, items=lines, footnote=rules.citation())
    return [Reply(text=text + "\n" + "\n".join(lines), cards=[card])]


def _clear(ev: Incoming, ctx: Context, case: Case | None) -> list[Reply]:
    officer = ctx.officer(ev)
    if case is None or officer is None:
        return text_reply("ไม่พบเงินยืมเลขนี้ที่คุณดูแลค่ะ " + REF_HINT)
    if not adv_rules.clear(ctx.session, case, officer, ctx.now):
        return text_reply(f"เงินยืม {case.ref} เคลียร์ไปแล้วค่ะ")
    return text_reply(f"บันทึกแล้วค่ะ เงินยืม {case.ref} คืนเรียบร้อย ปิดเรื่องและยกเลิกการเตือนแล้วนะคะ")


# "คืนเงินยืมแล้ว A-…", "ส่งใช้เงินยืมแล้ว", "คืนเงินยืม A-… แล้วค่ะ"
CLEARED_RE = rf"^\s*(?:คืนเงินยืมแล้ว|คืนเงินแล้ว|ส่งใช้เงินยืมแล้ว|ส่งใช้แล้ว|เคลียร์เงินยืมแล้ว|เคลียร์แล้ว|(?:คืน|ส่งใช้|เคลียร์)เงินยืม\s*{REF_TYPED}\s*แล้ว)"


@router.message(registered, text_matches(CLEARED_RE))
def clear_by_text(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = ctx.officer(ev)
    assert officer is not None
    ref = normalise_ref(ev.text)
    if ref is None:
        # no number typed: the officer's own open advances, one tap each
        own = adv_rules.open_advances(ctx.session, borrower_id=officer.id, unit=officer.unit)
        if not own:
            return text_reply(REF_HINT)
        quick = [Action(case.ref, text=f"คืนเงินยืมแล้ว {case.ref}") for case, _adv in own[:13]]
        lines = [f"{case.ref} {format_baht(adv.amount)} ({thai_date(adv.due_on)})" for case, adv in own[:13]]
        return text_reply("\n".join(["คืนเงินยืมรายการไหนคะ กดเลือกได้เลยค่ะ", *lines]), *quick)
    return _clear(ev, ctx, _find_case(ctx, officer, ref=ref))


def _postback_case(ev: Incoming, ctx: Context) -> Case | None:
    officer = ctx.officer(ev)
    case_id = ev.postback_id("case")
    return _find_case(ctx, officer, case_id=case_id) if officer and case_id is not None else None


@router.postback("adv_clear", registered)
def clear_button(ev: Incoming, ctx: Context) -> list[Reply]:
    return _clear(ev, ctx, _postback_case(ev, ctx))


@router.postback("adv_snooze", registered)
def snooze_button(ev: Incoming, ctx: Context) -> list[Reply]:
    case = _postback_case(ev, ctx)
    if case is None:
        return text_reply("ไม่พบเงินยืมรายการนี้ค่ะ")
    return [adv_rules.snooze(ctx.session, case, ctx.now, ctx.settings)]


CLEARING_QUERY = "ชดใช้เงินยืมใช้ในราชการ คืนเงินยืม"


@router.postback("adv_howto")
def howto_button(ev: Incoming, ctx: Context) -> list[Reply]:
    """The clearing steps from the manual, with the 30-day rule's own citation."""
    section = checklist.find_procedure(CLEARING_QUERY)
    items: list[str] = []
    title = "ขั้นตอนการคืนเงินยืม"
    if section is not None:
        title = section.title[:80]
        try:
            items = [line for line in ctx.knowledge.steps_text(section.id).splitlines() if line.strip()][:12]
        except Exception:
            items = []
    text = f"คืนเงินยืมภายใน {rules.ADVANCE_CLEARING.days} วันนับแต่วันที่ได้รับเงินค่ะ โดยส่งหลักฐานการจ่าย (ฉบับจริง) พร้อมบันทึกขอตั้งฎีกาเบิกจ่ายเพื่อชดใช้เงินยืมถึงผู้อำนวยการสำนักงานฯ นะคะ"
    return [Reply(text=text, cards=[Card(title=title, header="คู่มือ", body=text, items=items, footnote=rules.citation())])]
