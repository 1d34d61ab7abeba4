"""What a handler may use besides the event: the open transaction, settings, time,
the knowledge engine, and small lookups everyone needs (who is speaking, which chat,
what conversation is open)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Chat, ConversationState, Officer
from bot.officers import by_line_id
from bot.settings import Settings

if TYPE_CHECKING:
    from handlers.incoming import Incoming
    from knowledge.engine import Engine


@dataclass
class Context:
    session: Session
    settings: Settings
    now: datetime  # aware; the same instant for the whole event
    _officers: dict[str, Officer | None] = field(default_factory=dict)
    # The conversation row per key, read once per event: the dispatcher, the
    # in_conversation filters and the topics all ask for it.
    _conversations: dict[str, ConversationState | None] = field(default_factory=dict)
    # Set when a conversation expired on this event, so a handler can say so politely.
    expired_topic: str | None = None

    @property
    def knowledge(self) -> "Engine":
        from knowledge import get_engine

        return get_engine()

    # ------------------------------------------------------------ people and chats

    def officer(self, ev: "Incoming") -> Officer | None:
        """The registered, active officer speaking, or None.

        An admin listed in the settings is registered on first contact, as an admin
        of the default unit, unless that person was deactivated on purpose.
        """
        if not ev.user_id:
            return None
        if ev.user_id not in self._officers:
            found = by_line_id(self.session, ev.user_id)
            if found is None and self.settings.is_admin(ev.user_id):
                found = Officer(line_user_id=ev.user_id, unit=self.settings.default_unit, role="admin",
                                created_at=self.now, updated_at=self.now)
                self.session.add(found)
                self.session.flush()
            self._officers[ev.user_id] = found if found is not None and found.active else None
        return self._officers[ev.user_id]

    def forget_officer(self, user_id: str) -> None:
        self._officers.pop(user_id, None)

    def chat(self, ev: "Incoming") -> Chat:
        """The chat row for this event, created on first sight."""
        row = self.session.scalar(select(Chat).where(Chat.line_chat_id == ev.chat_id))
        if row is None:
            row = Chat(line_chat_id=ev.chat_id, chat_type=ev.chat_type, joined_at=self.now)
            self.session.add(row)
            self.session.flush()
        return row

    # ------------------------------------------------------------ conversations

    def _stored_conversation(self, key: str) -> ConversationState | None:
        if key not in self._conversations:
            self._conversations[key] = self.session.scalar(
                select(ConversationState).where(ConversationState.conversation_key == key)
            )
        return self._conversations[key]

    def _drop_conversation(self, key: str, state: ConversationState) -> None:
        self.session.delete(state)
        self.session.flush()
        self._conversations[key] = None

    def conversation(self, ev: "Incoming") -> ConversationState | None:
        """The open conversation of this person in this chat; an expired one is
        deleted and remembered in `expired_topic`."""
        state = self._stored_conversation(ev.conversation_key)
        if state is not None and state.expires_at <= self.now:
            self.expired_topic = state.topic
            self._drop_conversation(ev.conversation_key, state)
            return None
        return state

    def start_conversation(self, ev: "Incoming", topic: str, step: str, data: dict[str, Any]) -> ConversationState:
        """Open (or replace) this person's conversation; it expires after the TTL."""
        self.end_conversation(ev)
        state = ConversationState(
            conversation_key=ev.conversation_key,
            topic=topic,
            step=step,
            data=data,
            updated_at=self.now,
            expires_at=self.now + timedelta(minutes=self.settings.conversation_ttl_minutes),
        )
        self.session.add(state)
        self.session.flush()
        self._conversations[ev.conversation_key] = state
        return state

    def save_conversation(self, state: ConversationState, step: str, data: dict[str, Any]) -> None:
        state.step = step
        state.data = dict(data)  # a new object, so the JSON column is marked dirty
        state.updated_at = self.now
        state.expires_at = self.now + timedelta(minutes=self.settings.conversation_ttl_minutes)
        self.session.flush()

    def end_conversation(self, ev: "Incoming") -> bool:
        state = self._stored_conversation(ev.conversation_key)
        if state is None:
            return False
        self._drop_conversation(ev.conversation_key, state)
        return True
