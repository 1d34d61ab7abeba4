"""SDK webhook events → `Incoming`, the one shape handlers decide on.

Why here and not in handlers: only this module knows the SDK's event models, so the
terminal chat and the tests can build `Incoming` directly and exercise the same
handlers. Group manners are decided here too: in a group or room the bot is
`addressed` only when a message mentions it (a mentionee with `isSelf`, or a user
mentionee whose id is the bot's own, i.e. the webhook's `destination`) or starts
with a trigger word, which is then removed from the text. LINE emoji placeholders are
removed from the text, so an emoji-only message arrives as empty text.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.clock import utcnow
from bot.settings import Settings
from handlers.incoming import Incoming
from handlers.replies import parse_postback


_RUN_OF_BLANKS_RE = re.compile(r"[ \t]{2,}")  # left where a mention or emoji was cut out


def event_type(ev: Any) -> str:
    return str(getattr(ev, "type", "") or "unknown")


def event_mode(ev: Any) -> str:
    mode = getattr(ev, "mode", None)
    return str(getattr(mode, "value", mode) or "active")


def reply_token(ev: Any) -> str | None:
    return getattr(ev, "reply_token", None) or None


def _source(ev: Any) -> tuple[str, str, str | None] | None:
    """(chat_type, chat_id, user_id) or None when the event names no chat."""
    src = getattr(ev, "source", None)
    if src is None:
        return None
    user_id = getattr(src, "user_id", None)
    kind = getattr(src, "type", None)
    if kind == "group" and getattr(src, "group_id", None):
        return "group", src.group_id, user_id
    if kind == "room" and getattr(src, "room_id", None):
        return "room", src.room_id, user_id
    if kind == "user" and user_id:
        return "user", user_id, user_id
    return None


def _strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Remove [index, index+length) spans, last first so earlier indexes stay valid."""
    for index, length in sorted(spans, reverse=True):
        if 0 <= index <= len(text):
            text = text[:index] + " " + text[index + length :]
    return text


def strip_trigger(text: str, trigger_words: tuple[str, ...]) -> tuple[bool, str]:
    """(True, rest) when `text` starts with a trigger word as a whole word."""
    stripped = text.lstrip()
    lower = stripped.lower()
    for word in sorted(trigger_words, key=len, reverse=True):
        w = word.lower()
        if not w or not lower.startswith(w):
            continue
        rest = stripped[len(w) :]
        # "bot" must not match "bottle": a Latin trigger needs a boundary after it.
        if w[-1].isascii() and w[-1].isalnum() and rest[:1].isascii() and rest[:1].isalnum():
            continue
        return True, rest.lstrip(" ,:：、-").strip()
    return False, text


def _text_parts(message: Any, bot_user_id: str | None) -> tuple[str, bool, list[str]]:
    """(clean text, mentions the bot, other mentioned user ids) of a text message."""
    text = getattr(message, "text", "") or ""
    spans: list[tuple[int, int]] = []
    mentioned_self = False
    others: list[str] = []
    mention = getattr(message, "mention", None)
    for m in getattr(mention, "mentionees", None) or []:
        uid = getattr(m, "user_id", None)
        is_self = bool(getattr(m, "is_self", False)) or (
            getattr(m, "type", None) == "user" and bot_user_id is not None and uid == bot_user_id
        )
        if is_self:
            mentioned_self = True
            spans.append((m.index, m.length))
        elif getattr(m, "type", None) == "user" and uid and uid not in others:
            others.append(uid)
    for e in getattr(message, "emojis", None) or []:
        spans.append((e.index, e.length))
    if spans:
        text = _strip_spans(text, spans)
    return _RUN_OF_BLANKS_RE.sub(" ", text).strip(), mentioned_self, others


def to_incoming(ev: Any, settings: Settings, *, bot_user_id: str | None = None, now: datetime | None = None) -> Incoming | None:
    """The Incoming for an SDK event, or None for an event that names no chat."""
    where = _source(ev)
    if where is None:
        return None
    chat_type, chat_id, user_id = where
    kind = event_type(ev)
    incoming = Incoming(
        kind=kind,
        chat_type=chat_type,
        chat_id=chat_id,
        user_id=user_id,
        now=now or utcnow(),
        raw=ev,
        addressed=chat_type == "user",
    )
    if kind == "message":
        message = ev.message
        incoming.message_type = getattr(message, "type", None)
        if incoming.message_type == "text":
            text, mentioned, others = _text_parts(message, bot_user_id)
            incoming.mentioned_user_ids = others
            if chat_type != "user":
                triggered, text = strip_trigger(text, settings.trigger_words)
                incoming.addressed = mentioned or triggered
            incoming.text = text
        # A photo or sticker in a busy group is not addressed to the bot.
    elif kind == "postback":
        pb = ev.postback
        data = parse_postback(getattr(pb, "data", "") or "")
        for key, value in (getattr(pb, "params", None) or {}).items():
            data.setdefault(key, str(value))  # datetime picker: date / time / datetime
        incoming.postback = data
        incoming.addressed = True
    else:
        incoming.addressed = True
    return incoming
