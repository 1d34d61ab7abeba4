"""Advances (เงินยืมใช้ในราชการ): the reminder ladder, overdue repeats, escalation, clearing.

The due date comes from `scheduler.rules` (30 days, cited). Before it, the borrower
is reminded on the ladder (settings.advance_ladder_days before, at reminder_clock,
moved back to a working day). After it, a reminder repeats every
settings.overdue_every_working_days working days and each repeat also goes to the
unit's registered group (notify_advances), or its admins when no group asked, until
the advance is cleared. Each overdue step plans the next one when it is sent, in the
same transaction, so the chain can neither break nor fork.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import at_bangkok, thai_date, today
from bot.db.models import Advance, Case, Officer, Reminder
from bot.records import advance_of, close_case, record_change
from bot.settings import Settings
from handlers.extract.numbers import format_baht
from handlers.replies import Action, Card, Field, Reply, postback
from scheduler import rules
from scheduler.messages import Rendered, admin_targets, case_of, group_targets, officer_target, thai_days
from scheduler.store import CLAIMED, FAILED, SENT, Plan, cancel_pending, plan
from scheduler.workdays import Calendar

KINDS = ("advance_due", "advance_snooze", "advance_overdue", "advance_escalate")


def is_open(case: Case, adv: Advance) -> bool:
    return adv.cleared_on is None and case.status == "open"


# ---------------------------------------------------------------- planning


def ladder_days(due_on: date, settings: Settings, cal: Calendar) -> list[date]:
    """Ladder days moved back onto working days, without duplicates, earliest first."""
    days = {cal.previous_working_day(due_on - timedelta(days=d)) for d in settings.advance_ladder_days}
    return sorted(days)


def overdue_plans(session: Session, case: Case, adv: Advance, n: int, at: datetime, settings: Settings) -> list[Plan]:
    """Overdue step n: the borrower's reminder and the escalations that go with it."""
    plans: list[Plan] = []
    payload = {"n": n, "day": today(at).isoformat()}
    borrower = officer_target(session.get(Officer, adv.borrower_id))
    if borrower:
        plans.append(Plan("advance_overdue", f"adv:{case.id}:overdue:{n}", borrower, at, case.id, payload=payload))
    escalate_to = group_targets(session, case.unit, "notify_advances") or admin_targets(session, case.unit, settings)
    for target in escalate_to:
        if target != borrower:
            plans.append(Plan("advance_escalate", f"adv:{case.id}:escalate:{n}:{target}", target, at, case.id, payload=payload))
    return plans


def _overdue_so_far(session: Session, case_id: int) -> tuple[int, date | None]:
    """(the last overdue step that went out or is going out, the day it was for).

    The overdue steps of an advance are numbered over its whole life, so that a
    re-plan (a new receipt date, an assignment) continues the chain instead of
    restarting it at a step that was already sent, which would end it."""
    rows = session.scalars(
        select(Reminder).where(Reminder.case_id == case_id, Reminder.kind.in_(("advance_overdue", "advance_escalate")),
                               Reminder.status.in_((CLAIMED, SENT, FAILED)))
    ).all()
    if not rows:
        return 0, None
    last = max(rows, key=lambda r: int(r.payload.get("n", 0)))
    day = last.payload.get("day")
    return int(last.payload.get("n", 0)), date.fromisoformat(day) if day else None


def plan_advance(session: Session, case: Case, change: str, settings: Settings, now: datetime) -> list[Reply]:
    """(Re)plan an advance's reminders; returns the note for the officer.

    Safe after any change, a new receipt date included: what is pending is re-planned
    for the current due date (same day, same row), what was sent stays sent, the
    overdue chain goes on from its last step, and a snooze the borrower asked for is
    kept until the advance is closed."""
    adv = advance_of(session, case.id)
    if adv is None:
        return []
    closing = change in {"cancelled", "closed"} or not is_open(case, adv)
    cancel_pending(session, case_id=case.id, kinds=KINDS if closing else tuple(k for k in KINDS if k != "advance_snooze"))
    if closing:
        return []
    cal = Calendar.load(session)
    borrower = officer_target(session.get(Officer, adv.borrower_id))
    planned: list[date] = []
    if borrower:
        for day in ladder_days(adv.due_on, settings, cal):
            at = at_bangkok(day, settings.reminder_clock)
            if at < now:
                continue
            left = (adv.due_on - day).days
            plan(session, Plan("advance_due", f"adv:{case.id}:ladder:{day.isoformat()}", borrower, at, case.id,
                               payload={"days_before": left, "day": day.isoformat(), "due_on": adv.due_on.isoformat()}))
            planned.append(day)
    at = at_bangkok(cal.add_working_days(adv.due_on, 1), settings.reminder_clock)
    step, last_day = _overdue_so_far(session, case.id)
    if last_day is not None and last_day > adv.due_on:
        # overdue under this due date too: keep the rhythm (no extra push on the day of a change)
        at = max(at, at_bangkok(cal.add_working_days(last_day, max(1, settings.overdue_every_working_days)), settings.reminder_clock))
    for p in overdue_plans(session, case, adv, step + 1, max(at, now), settings):
        plan(session, p)
    text = f"ครบกำหนดคืนเงินยืม {thai_date(adv.due_on)} ค่ะ"
    if planned:
        text += f" จะเตือนวันที่ {thai_days(planned)} นะคะ"
    elif adv.due_on < today(now):
        text = f"เงินยืมนี้เลยกำหนดคืน ({thai_date(adv.due_on)}) แล้วค่ะ จะเตือนทุก {settings.overdue_every_working_days} วันทำการจนกว่าจะคืนนะคะ"
    return [Reply(text=text, cards=[Card(title="กำหนดคืนเงินยืม", body=text, footnote=rules.citation(), header=case.ref)])]


def snooze(session: Session, case: Case, now: datetime, settings: Settings) -> Reply:
    """"เตือนพรุ่งนี้": one more reminder on the next working day at reminder_clock."""
    adv = advance_of(session, case.id)
    if adv is None or not is_open(case, adv):
        return Reply(text="เงินยืมรายการนี้เคลียร์แล้วค่ะ ไม่ต้องเตือนแล้วนะคะ")
    cal = Calendar.load(session)
    day = cal.next_working_day(today(now) + timedelta(days=1))
    target = officer_target(session.get(Officer, adv.borrower_id))
    if target:
        plan(session, Plan("advance_snooze", f"adv:{case.id}:snooze:{day.isoformat()}", target, at_bangkok(day, settings.reminder_clock), case.id))
    return Reply(text=f"ได้ค่ะ จะเตือนอีกครั้ง {thai_date(day)} เวลา {settings.reminder_clock:%H.%M} น. นะคะ")


def clear(session: Session, case: Case, actor: Officer, now: datetime, note: str = "คืนเงินยืมแล้ว") -> bool:
    """Mark cleared, close the case with history, cancel what is pending. False if already cleared."""
    adv = advance_of(session, case.id)
    if adv is None or adv.cleared_on is not None:
        return False
    adv.cleared_on = today(now)
    adv.cleared_by_id = actor.id
    changes = {"cleared_on": adv.cleared_on.isoformat()}
    if case.status == "open":
        close_case(session, case, actor, now, note, changes)
    else:  # repaid after the case was cancelled: recorded, the status kept
        record_change(session, case, actor, "closed", now, note, changes)
    cancel_pending(session, case_id=case.id)
    session.flush()
    return True


# ---------------------------------------------------------------- rendering


def buttons(case: Case) -> list[Action]:
    return [
        Action(label="เคลียร์แล้ว", data=postback("adv_clear", case=case.id), display_text=f"คืนเงินยืมแล้ว {case.ref}"),
        Action(label="เตือนพรุ่งนี้", data=postback("adv_snooze", case=case.id), display_text="เตือนพรุ่งนี้"),
        Action(label="ขั้นตอนการคืนเงินยืม", data=postback("adv_howto", case=case.id), display_text="ขั้นตอนการคืนเงินยืม"),
    ]


def card(case: Case, adv: Advance, title: str, *, tone: str = "default", with_buttons: bool = True, who: str = "") -> Card:
    fields = [Field("เรื่อง", adv.purpose or case.title), Field("จำนวน", format_baht(adv.amount))]
    if who:
        fields.insert(0, Field("ผู้ยืม", who))
    fields += [Field("รับเงิน", thai_date(adv.received_on)), Field("ครบกำหนด", thai_date(adv.due_on))]
    return Card(title=title, header=f"เงินยืม {case.ref}", fields=fields, footnote=rules.citation(), buttons=buttons(case) if with_buttons else [], tone=tone)


def _open_pair(session: Session, row: Reminder) -> tuple[Case, Advance] | None:
    adv = advance_of(session, row.case_id)
    case = case_of(session, row)
    if adv is None or case is None or not is_open(case, adv):
        return None
    return case, adv


def due_text(case: Case, adv: Advance, now: datetime) -> str:
    left = (adv.due_on - today(now)).days
    if left > 0:
        return f"อีก {left} วันครบกำหนดคืนเงินยืม {case.ref} ({thai_date(adv.due_on)}) นะคะ"
    if left == 0:
        return f"วันนี้ครบกำหนดคืนเงินยืม {case.ref} ค่ะ กรุณาส่งหลักฐานคืนเงินยืมนะคะ"
    return f"เงินยืม {case.ref} เลยกำหนดคืนมา {-left} วันแล้วค่ะ ({thai_date(adv.due_on)}) กรุณาคืนเงินยืมโดยเร็วนะคะ"


def _due_message(case: Case, adv: Advance, now: datetime) -> Rendered:
    text = due_text(case, adv, now)
    tone = "warning" if adv.due_on <= today(now) else "default"
    return Rendered([Reply(text=text, cards=[card(case, adv, text, tone=tone)])])


def _is_overdue(adv: Advance, now: datetime) -> bool:
    return adv.due_on < today(now)


def render_due(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    """A ladder (or snoozed) reminder, always about the current due date; after the
    due day it reads as overdue. A ladder row whose day is no ladder day of the due
    date any more (it was mid-send or being retried when a new receipt date re-planned
    the ladder) is dropped: the re-plan made the right ones."""
    pair = _open_pair(session, row)
    if pair is None:
        return None
    day = row.payload.get("day")
    if day is not None and date.fromisoformat(day) not in ladder_days(pair[1].due_on, settings, Calendar.load(session)):
        return None
    return _due_message(*pair, now)


def render_overdue(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    """Overdue step n; once sent, step n+1 is planned in the same transaction."""
    pair = _open_pair(session, row)
    if pair is None or not _is_overdue(pair[1], now):  # a new receipt date made it not overdue
        return None
    case, adv = pair
    rendered = _due_message(case, adv, now)
    n = int(row.payload.get("n", 1))
    base = max(date.fromisoformat(row.payload.get("day", today(now).isoformat())), today(now))
    next_day = Calendar.load(session).add_working_days(base, max(1, settings.overdue_every_working_days))
    rendered.follow_ups = overdue_plans(session, case, adv, n + 1, at_bangkok(next_day, settings.reminder_clock), settings)
    return rendered


def render_escalate(session: Session, row: Reminder, now: datetime, settings: Settings) -> Rendered | None:
    pair = _open_pair(session, row)
    if pair is None or not _is_overdue(pair[1], now):
        return None
    case, adv = pair
    borrower = session.get(Officer, adv.borrower_id)
    who = borrower.display_name if borrower and borrower.display_name else "ผู้ยืม"
    late = (today(now) - adv.due_on).days
    text = f"แจ้งเพื่อทราบค่ะ เงินยืม {case.ref} ของ{who} เลยกำหนดคืนมา {late} วันแล้ว ({thai_date(adv.due_on)})"
    return Rendered([Reply(text=text, cards=[card(case, adv, "เงินยืมเลยกำหนดคืน", tone="warning", with_buttons=False, who=who)])])


def open_advances(session: Session, *, borrower_id: int | None = None, unit: str | None = None) -> list[tuple[Case, Advance]]:
    """Open advances, most urgent (earliest due) first."""
    stmt = select(Case, Advance).join(Advance, Advance.case_id == Case.id).where(Advance.cleared_on.is_(None), Case.status == "open")
    if borrower_id is not None:
        stmt = stmt.where(Advance.borrower_id == borrower_id)
    if unit is not None:
        stmt = stmt.where(Case.unit == unit)
    return [(c, a) for c, a in session.execute(stmt.order_by(Advance.due_on, Case.id)).all()]
