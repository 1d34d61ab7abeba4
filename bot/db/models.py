"""The tables. One module, so that a newcomer sees the whole data model at once.

Times are `UTCDateTime` (stored UTC, returned aware); calendar days (a due date, a
holiday) are plain `Date` in Bangkok's calendar. Personal data lives only here,
never in logs.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


# ---------------------------------------------------------------- people and chats


class Officer(Base):
    """A registered user of the bot. `role` is officer | finance | admin."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="officer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    followed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InviteCode(Base):
    """A one-time registration code made by an admin (`python -m bot officers invite`)."""

    __tablename__ = "invite_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="officer")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    used_at: Mapped[datetime | None]


class Chat(Base):
    """A 1:1 chat, group or room the bot is in, and which notifications it takes.

    A group gets no push until an admin registers it (`registered_at`) and it keeps
    at least one `notify_*` flag on: the bot never pushes to a chat that did not ask.
    """

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_chat_id: Mapped[str] = mapped_column(String(64), unique=True)
    chat_type: Mapped[str] = mapped_column(String(10))  # user | group | room
    name: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str | None] = mapped_column(String(200))
    notify_visits: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_advances: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    registered_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]


class ChatMember(Base):
    """memberJoined / memberLeft as LINE reported them."""

    __tablename__ = "chat_members"
    __table_args__ = (UniqueConstraint("chat_id", "line_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    line_user_id: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]


# ---------------------------------------------------------------- webhook bookkeeping


class ProcessedEvent(Base):
    """Every webhookEventId seen: insert-or-ignore before any side effect."""

    __tablename__ = "processed_events"

    webhook_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    redelivery: Mapped[bool] = mapped_column(Boolean, default=False)


class ConversationState(Base):
    """Where a multi-turn conversation stands, so it survives a restart."""

    __tablename__ = "conversation_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    # line chat id + ":" + line user id: one conversation per person per chat.
    conversation_key: Mapped[str] = mapped_column(String(140), unique=True)
    topic: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


# ---------------------------------------------------------------- cases


class IdCounter(Base):
    """Next number per (prefix, fiscal year): C-2569-0007. Incremented atomically."""

    __tablename__ = "id_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """Anything an officer logs. `kind` is visit | advance | translation | interpreting |
    ceremony | conference | correspondence | procurement | other."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_unit_status", "unit", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed | cancelled
    unit: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id"))
    event_at: Mapped[datetime | None]  # when it happens (a visit, a ceremony)
    due_on: Mapped[date | None] = mapped_column(Date)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the parser read
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    close_note: Mapped[str] = mapped_column(Text, default="")

    history: Mapped[list["CaseHistory"]] = relationship(
        back_populates="case", order_by="CaseHistory.id", cascade="all, delete-orphan"
    )
    created_by: Mapped[Officer] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[Officer | None] = relationship(foreign_keys=[assignee_id])


class CaseHistory(Base):
    """Each change to a case: who, when, what."""

    __tablename__ = "case_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    action: Mapped[str] = mapped_column(String(20))  # created | updated | assigned | closed | reopened | cancelled
    note: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="history")


class Advance(Base):
    """An official advance (เงินยืมใช้ในราชการ): due 30 days after receipt, until cleared."""

    __tablename__ = "advances"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    purpose: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))

    case: Mapped[Case] = relationship()
    borrower: Mapped[Officer] = relationship(foreign_keys=[borrower_id])


class Visit(Base):
    """A visit or event: a foreign delegation, a courtesy call, a ceremony, a conference."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    delegation: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(Text, default="")
    guests: Mapped[int | None] = mapped_column(Integer)
    host_unit: Mapped[str] = mapped_column(String(200), default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned | cancelled | done

    case: Mapped[Case] = relationship()
    items: Mapped[list["VisitItem"]] = relationship(
        back_populates="visit", order_by="VisitItem.position", cascade="all, delete-orphan"
    )


class VisitItem(Base):
    """A programme item: courtesy call on the Governor, key-to-the-city ceremony, dinner…"""

    __tablename__ = "visit_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(30), default="other")
    title: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(Text, default="")

    visit: Mapped[Visit] = relationship(back_populates="items")


class ChecklistItem(Base):
    """A manual procedure's step, scheduled backwards from the event date."""

    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    responsible_role: Mapped[str] = mapped_column(Text, default="")
    procedure_key: Mapped[str] = mapped_column(String(40), default="")
    step_no: Mapped[str] = mapped_column(String(10), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))


# ---------------------------------------------------------------- time


class Reminder(Base):
    """A message the bot owes someone at a time. The database is the truth.

    The tick claims due rows atomically (status pending → claimed with a claim token),
    sends each with `retry_key` as X-Line-Retry-Key, then marks it sent. `dedupe_key`
    makes planning idempotent: re-planning never creates a second copy.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(64))  # LINE user or group id to push to
    due_at: Mapped[datetime]
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | claimed | sent | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Holiday(Base):
    """Thai public holidays the office can update (`python -m bot holidays …`)."""

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
