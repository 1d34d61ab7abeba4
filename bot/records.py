"""Case records: the domain operations every caller shares.

Handlers (chat), the CSV export and the scheduler's advance/visit handlers all go
through these functions, so that a case id is allocated one way, visibility is
decided one way, and every change leaves a CaseHistory row saying who did what.

All functions work inside the caller's open transaction (`Session`); none commits.
Callers pass `now` (aware) so that tests and the terminal chat control time.

API in short (refusals raise RecordError, whose message is polite Thai for the chat):
    create_case(session, actor, CaseDraft, now, chat=None) -> Case
        # CaseDraft(kind, title, event_at=…, due_on=…, advance=AdvanceDraft(amount,
        # received_on), visit=VisitDraft(city=…, programme=[(kind, title)])): an
        # advance gets its due date from scheduler.rules.advance_due_date.
    get_visible(session, viewer, ref, chat=None) -> Case          # raises NotFound
    unit_case(session, viewer, ref=… | case_id=…) -> Case | None  # any of the unit's
    list_visible(session, viewer, scope="mine"|"unit", chat=None, limit=10) -> CaseList
    update_case(…, note, event_at=None, due_on=None, guests=None, amount=None,
                received_on=None) -> CaseHistory         # an advance's amount/receipt too
    close_case / cancel_case(…, note) / assign_case(…, assignee) -> CaseHistory
    history_lines(session, case) -> list[HistoryLine]            # names and Thai dates
    export_rows(session, unit=None, since=None) -> list[ExportRow]
    normalise_ref("c-2569-7") -> "C-2569-0007"; allocate_ref(session, kind, day)

A case's event without a time of day is stored at 00.00 Bangkok with
`case.fields["has_time"] = False`; show it as a date only.
Callers re-plan reminders after a change: `scheduler.planning.plan_case(ctx, case, change)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from bot.clock import bangkok, day_start, fiscal_year, thai_date, thai_datetime, today
from bot.db.models import Advance, Case, CaseHistory, Chat, IdCounter, Officer, Visit, VisitItem
from scheduler.rules import advance_due_date

PREFIX_BY_KIND = {"advance": "A", "visit": "V", "ceremony": "V", "conference": "V"}
# A case id as typed (Thai digits too), for the handlers' command patterns; REF_RE reads it.
REF_TYPED = r"[CAVcav]\s*-?\s*[\d๐-๙]{4}\s*-?\s*[\d๐-๙]{1,4}(?![\d๐-๙])"
REF_RE = re.compile(r"(?<![A-Za-z])([CAVcav])\s*-?\s*(\d{4})\s*-?\s*(\d{1,4})(?!\d)")  # "A2570-1", "a 2570 1" too
STATUS_LABELS = {"open": "เปิดอยู่", "closed": "ปิดแล้ว", "cancelled": "ยกเลิก"}
ACTION_LABELS = {
    "created": "สร้างเรื่อง",
    "updated": "อัปเดต",
    "assigned": "มอบหมาย",
    "closed": "ปิดเรื่อง",
    "reopened": "เปิดใหม่",
    "cancelled": "ยกเลิก",
}
MAX_NOTE = 2000


class RecordError(Exception):
    """A refusal meant for the officer; the message is polite Thai."""


class NotFound(RecordError):
    """No such case *visible to this person* (we never hint that it exists elsewhere)."""

    def __init__(self) -> None:
        super().__init__("ไม่พบเรื่องนี้ค่ะ")


# ---------------------------------------------------------------- drafts


@dataclass
class AdvanceDraft:
    amount: Decimal
    received_on: date
    purpose: str = ""


@dataclass
class VisitDraft:
    delegation: str = ""
    city: str = ""
    country: str = ""
    place: str = ""
    guests: int | None = None
    programme: list[tuple[str, str]] = field(default_factory=list)  # (VisitItem.kind, title)


@dataclass
class CaseDraft:
    """Everything needed to file a case; `fields` keeps what the parser read."""

    kind: str
    title: str
    details: str = ""
    event_at: datetime | None = None
    due_on: date | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    advance: AdvanceDraft | None = None
    visit: VisitDraft | None = None


# ---------------------------------------------------------------- ids


def prefix_for(kind: str) -> str:
    """C- general, A- advances, V- visits and events."""
    return PREFIX_BY_KIND.get(kind, "C")


def normalise_ref(text: str) -> str | None:
    """"c-2569-7", "C - 2569 - 0007" or "C2569-7" → "C-2569-0007"; None if there is no ref."""
    from handlers.extract.numbers import normalise_digits

    match = REF_RE.search(normalise_digits(text))
    if match is None:
        return None
    return f"{match.group(1).upper()}-{match.group(2)}-{int(match.group(3)):04d}"


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def allocate_ref(session: Session, kind: str, day: date) -> str:
    """Next id for (prefix, fiscal year), unique under concurrency.

    The counter row is created with insert-or-ignore, then bumped with one atomic
    `UPDATE … SET last_value = last_value + 1 RETURNING last_value`: the row lock
    (PostgreSQL) or the write lock taken by BEGIN IMMEDIATE (SQLite) serialises
    concurrent writers, and a rolled-back event gives its number back.
    """
    prefix, year = prefix_for(kind), fiscal_year(day)
    insert = _insert(session)
    session.execute(
        insert(IdCounter)
        .values(prefix=prefix, fiscal_year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["prefix", "fiscal_year"])
    )
    value = session.execute(
        update(IdCounter)
        .where(IdCounter.prefix == prefix, IdCounter.fiscal_year == year)
        .values(last_value=IdCounter.last_value + 1)
        .returning(IdCounter.last_value)
    ).scalar_one()
    return f"{prefix}-{year}-{value:04d}"


# ---------------------------------------------------------------- writing


def record_change(session: Session, case: Case, actor: Officer | None, action: str, now: datetime,
                  note: str = "", changes: dict[str, Any] | None = None) -> CaseHistory:
    """The CaseHistory row every change leaves: who, when, what (the one way to write one)."""
    row = CaseHistory(case=case, at=now, actor_id=actor.id if actor else None, action=action,
                      note=note[:MAX_NOTE], changes=changes or {})
    session.add(row)
    return row


def create_case(session: Session, actor: Officer, draft: CaseDraft, now: datetime, chat: Chat | None = None) -> Case:
    """File a confirmed draft: the case, its Advance or Visit row, and a 'created'
    history entry. The id's fiscal year is that of today's Bangkok date."""
    if not draft.title.strip():
        raise RecordError("กรุณาระบุชื่อเรื่องค่ะ")
    case = Case(
        ref=allocate_ref(session, draft.kind, today(now)),
        kind=draft.kind,
        title=draft.title.strip()[:MAX_NOTE],
        details=draft.details[:MAX_NOTE],
        unit=actor.unit,
        created_by_id=actor.id,
        assignee_id=actor.id,
        chat_id=chat.id if chat is not None and chat.chat_type != "user" else None,
        event_at=draft.event_at,
        due_on=draft.due_on,
        fields=dict(draft.fields),
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    if draft.advance is not None:
        due = advance_due_date(draft.advance.received_on)
        case.due_on = due
        session.add(Advance(case=case, borrower_id=actor.id, amount=draft.advance.amount,
                            purpose=draft.advance.purpose or case.title,
                            received_on=draft.advance.received_on, due_on=due))
    if draft.visit is not None:
        visit = Visit(case=case, delegation=draft.visit.delegation or case.title, city=draft.visit.city,
                      country=draft.visit.country, starts_at=draft.event_at, place=draft.visit.place,
                      guests=draft.visit.guests, host_unit=actor.unit, responsible_id=actor.id)
        visit.items = [
            VisitItem(position=i, kind=kind, title=title, at=draft.event_at if i == 0 else None)
            for i, (kind, title) in enumerate(draft.visit.programme)
        ]
        session.add(visit)
    record_change(session, case, actor, "created", now)
    session.flush()
    return case


def advance_of(session: Session, case_id: int | None) -> Advance | None:
    """The Advance row of an advance case (None for any other case)."""
    if case_id is None:
        return None
    return session.scalar(select(Advance).where(Advance.case_id == case_id))


def visit_of(session: Session, case_id: int | None) -> Visit | None:
    """The Visit row of a logged visit (None for any other case)."""
    if case_id is None:
        return None
    return session.scalar(select(Visit).where(Visit.case_id == case_id))


def _require_open(case: Case) -> None:
    if case.status != "open":
        done = "ถูกยกเลิก" if case.status == "cancelled" else "ปิด"
        raise RecordError(f"เรื่อง {case.ref} {done}ไปแล้วค่ะ ไม่ได้เปลี่ยนแปลงอะไรนะคะ")


def update_case(session: Session, case: Case, actor: Officer, now: datetime, note: str = "",
                event_at: datetime | None = None, due_on: date | None = None,
                guests: int | None = None, amount: Decimal | None = None,
                received_on: date | None = None) -> CaseHistory:
    """Add a note and/or change what the note says (date, time, number of guests; an
    advance's amount and receipt date, which moves its due date by the rule).
    The caller re-plans reminders when the date moved (`plan_case(ctx, case, "rescheduled")`)."""
    _require_open(case)
    changes: dict[str, Any] = {}
    advance = advance_of(session, case.id) if amount is not None or received_on is not None else None
    if advance is not None:
        if advance.cleared_on is not None:
            raise RecordError(f"เงินยืม {case.ref} คืนเรียบร้อยแล้วค่ะ ไม่ได้เปลี่ยนแปลงอะไรนะคะ")
        if amount is not None and amount <= 0:
            raise RecordError("จำนวนเงินต้องมากกว่าศูนย์ค่ะ ยังไม่ได้อัปเดตนะคะ")
        if amount is not None and amount != advance.amount:
            changes["amount"] = [str(advance.amount), str(amount)]
            advance.amount = amount
        if received_on is not None and received_on != advance.received_on:
            due = advance_due_date(received_on)
            changes["received_on"] = [_iso(advance.received_on), _iso(received_on)]
            changes["due_on"] = [_iso(advance.due_on), _iso(due)]
            advance.received_on, advance.due_on, case.due_on = received_on, due, due
    visit = visit_of(session, case.id)
    if event_at is not None and event_at != case.event_at:
        changes["event_at"] = [_iso(case.event_at), _iso(event_at)]
        case.event_at = event_at
        if visit is not None:
            visit.starts_at = event_at
    if guests is not None and guests != case.fields.get("guests"):
        changes["guests"] = [case.fields.get("guests"), guests]
        case.fields = {**case.fields, "guests": guests}
        if visit is not None:
            visit.guests = guests
    if due_on is not None and due_on != case.due_on:
        changes["due_on"] = [_iso(case.due_on), _iso(due_on)]
        case.due_on = due_on
    case.updated_at = now
    return record_change(session, case, actor, "updated", now, note, changes)


def close_case(session: Session, case: Case, actor: Officer, now: datetime, note: str = "",
               changes: dict[str, Any] | None = None) -> CaseHistory:
    _require_open(case)
    case.status, case.closed_at, case.close_note, case.updated_at = "closed", now, note[:MAX_NOTE], now
    return record_change(session, case, actor, "closed", now, note, changes)


def cancel_case(session: Session, case: Case, actor: Officer, now: datetime, note: str = "") -> CaseHistory:
    _require_open(case)
    case.status, case.closed_at, case.close_note, case.updated_at = "cancelled", now, note[:MAX_NOTE], now
    visit = visit_of(session, case.id)
    if visit is not None:
        visit.status = "cancelled"
    return record_change(session, case, actor, "cancelled", now, note)


def assign_case(session: Session, case: Case, actor: Officer, assignee: Officer, now: datetime) -> CaseHistory:
    """Only to an active officer of the case's own unit."""
    _require_open(case)
    if assignee.unit != case.unit or not assignee.active:
        raise RecordError("มอบหมายได้เฉพาะเจ้าหน้าที่ในหน่วยงานเดียวกันค่ะ")
    before = case.assignee_id
    case.assignee_id, case.updated_at = assignee.id, now
    return record_change(session, case, actor, "assigned", now, display_name(assignee),
                    {"assignee_id": [before, assignee.id]})


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------- reading


def _visible(viewer: Officer, chat: Chat | None) -> Select[tuple[Case]]:
    """An officer sees their unit's cases; in a group, only those linked to the group."""
    query = select(Case).where(Case.unit == viewer.unit)
    if chat is not None and chat.chat_type != "user":
        query = query.where(Case.chat_id == chat.id)
    return query


def get_visible(session: Session, viewer: Officer, ref: str, chat: Chat | None = None) -> Case:
    case = session.scalar(_visible(viewer, chat).where(Case.ref == ref).options(selectinload(Case.history)))
    if case is None:
        raise NotFound()
    return case


def unit_case(session: Session, viewer: Officer, *, ref: str | None = None, case_id: int | None = None) -> Case | None:
    """A case of the viewer's unit by ref or by row id (a button's postback), or None.

    Unlike `get_visible` a group does not narrow it: advances and checklists are
    acted on from reminders, which name the case wherever they are read.
    """
    if case_id is not None:
        case = session.get(Case, case_id)
    elif ref:
        case = session.scalar(select(Case).where(Case.ref == ref))
    else:
        return None
    return case if case is not None and case.unit == viewer.unit else None


@dataclass
class CaseList:
    cases: list[Case]
    total: int  # all that matched; `cases` holds at most `limit`


def list_visible(session: Session, viewer: Officer, scope: str = "unit", chat: Chat | None = None,
                 limit: int = 10, kind: str | None = None) -> CaseList:
    """scope: "mine" (created by or assigned to me) | "unit" (all open of my unit or
    this group). Soonest date first, undated last."""
    query = _visible(viewer, chat).where(Case.status == "open")
    if scope == "mine":
        query = query.where(or_(Case.created_by_id == viewer.id, Case.assignee_id == viewer.id))
    if kind is not None:
        query = query.where(Case.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    sort_key = func.coalesce(Case.due_on, func.date(Case.event_at))
    rows = session.scalars(
        query.order_by(sort_key.is_(None), sort_key, Case.id).limit(limit)
    ).all()
    return CaseList(list(rows), total)


def when_said(at: datetime, timed: bool, until: date | None = None) -> str:
    """When an event happens, in Thai: with the time of day only when one was given (a
    date-only event is stored at 00.00 Bangkok and must not say so), and its last day
    when it lasts several ("15 ม.ค. 2569 ถึง 17 ม.ค. 2569")."""
    when = thai_datetime(at) if timed else thai_date(at)
    return f"{when} ถึง {thai_date(until)}" if until and until > bangkok(at).date() else when


def event_when(case: Case, at: datetime) -> str:
    """`when_said` for a saved case."""
    until = date.fromisoformat(case.fields["until"]) if case.fields.get("until") else None
    return when_said(at, bool(case.fields.get("has_time")), until)


def case_date(case: Case) -> str:
    """The date that matters most, in Thai: an advance's due date, else the event
    time, else the due date."""
    if case.kind == "advance" and case.due_on is not None:
        return "ครบกำหนด " + thai_date(case.due_on)
    if case.event_at is not None:
        return event_when(case, case.event_at)
    if case.due_on is not None:
        return "ครบกำหนด " + thai_date(case.due_on)
    return "-"


def display_name(officer: Officer | None) -> str:
    if officer is None:
        return "ระบบ"
    return officer.display_name or "เจ้าหน้าที่"


@dataclass(frozen=True, slots=True)
class HistoryLine:
    who: str
    when: str  # Thai date and time, Bangkok
    what: str


def history_lines(session: Session, case: Case) -> list[HistoryLine]:
    ids = {row.actor_id for row in case.history if row.actor_id}
    names = {o.id: display_name(o) for o in session.scalars(select(Officer).where(Officer.id.in_(ids)))} if ids else {}
    lines = []
    for row in case.history:
        what = ACTION_LABELS.get(row.action, row.action)
        if row.action == "assigned":
            what = f"มอบหมายให้ {row.note}"
        elif row.note:
            what = f"{what}: {row.note}"
        if "event_at" in row.changes and row.changes["event_at"][1]:
            what += f" (วันที่ใหม่ {event_when(case, datetime.fromisoformat(row.changes['event_at'][1]))})"
        if "amount" in row.changes:
            from handlers.extract.numbers import format_baht

            what += f" (จำนวนเงินใหม่ {format_baht(Decimal(row.changes['amount'][1]))})"
        if "received_on" in row.changes:
            received = date.fromisoformat(row.changes["received_on"][1])
            what += f" (วันที่รับเงินใหม่ {thai_date(received)} ครบกำหนด {thai_date(advance_due_date(received))})"
        lines.append(HistoryLine(names.get(row.actor_id, "ระบบ"), thai_datetime(row.at), what))
    return lines


# ---------------------------------------------------------------- export


@dataclass(frozen=True, slots=True)
class ExportRow:
    ref: str
    kind: str
    title: str
    status: str
    unit: str
    created_by: str
    assignee: str
    event_date: str
    due_date: str
    created: str
    closed: str
    close_note: str


def export_rows(session: Session, unit: str | None = None, since: date | None = None) -> list[ExportRow]:
    """Rows for the CSV export, oldest first; dates in Bangkok time, ISO-like so Excel sorts them."""
    query = select(Case).options(selectinload(Case.created_by), selectinload(Case.assignee)).order_by(Case.id)
    if unit:
        query = query.where(Case.unit == unit)
    if since is not None:
        query = query.where(Case.created_at >= day_start(since))
    rows = []
    for case in session.scalars(query):
        rows.append(ExportRow(
            ref=case.ref, kind=case.kind, title=case.title, status=case.status, unit=case.unit,
            created_by=display_name(case.created_by), assignee=display_name(case.assignee) if case.assignee else "",
            event_date=_local(case.event_at), due_date=case.due_on.isoformat() if case.due_on else "",
            created=_local(case.created_at), closed=_local(case.closed_at), close_note=case.close_note,
        ))
    return rows


def _local(value: datetime | None) -> str:
    return bangkok(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""
