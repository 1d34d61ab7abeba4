"""What a handler answers with: plain data, rendered once by `bot` (LINE) or the chat.

Handlers never build LINE SDK models themselves. `bot/messages.py` turns a `Reply`
into SDK message models and enforces LINE's limits in one place; `bot/chat.py`
renders the same `Reply` as text for the terminal. Keeping one neutral shape is what
lets the terminal chat exercise exactly the handlers that LINE does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode


@dataclass(frozen=True, slots=True)
class Action:
    """A button or quick reply: either sends `text` as the user, or a postback `data`."""

    label: str
    text: str | None = None
    data: str | None = None
    display_text: str | None = None  # what the chat shows for a postback tap


@dataclass(slots=True)
class Field:
    """One labelled line of a card: "วันที่" → "15 ม.ค. 2569"."""

    label: str
    value: str


@dataclass(slots=True)
class Card:
    """A compact card (rendered as a Flex bubble on LINE)."""

    title: str
    body: str = ""
    fields: list[Field] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # e.g. steps, one line each
    footnote: str = ""  # the citation, or a hint
    buttons: list[Action] = field(default_factory=list)
    header: str = ""  # small label above the title ("คู่มือ", "เรื่อง C-2569-0007")
    tone: str = "default"  # default | warning | success


@dataclass(slots=True)
class Reply:
    """One message. `text` is always complete on its own: it is the altText of a card,
    the terminal rendering, and the push notification preview."""

    text: str
    cards: list[Card] = field(default_factory=list)  # 0: plain text; 1: bubble; >1: carousel
    quick: list[Action] = field(default_factory=list)


def says(*words: str) -> list[Action]:
    """Quick replies that send their own label, one per word ("วันนี้", "พรุ่งนี้")."""
    return [Action(label=word, text=word) for word in words]


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut (a list line,
    a card title); LINE's own limits are applied later by bot.messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def postback(action: str, **params: str | int) -> str:
    """Postback data in one format: `a=<action>&k=v…` (kept ≤ 300 chars by the caller)."""
    return urlencode({"a": action, **{k: str(v) for k, v in params.items()}})


def parse_postback(data: str) -> dict[str, str]:
    return dict(parse_qsl(data, keep_blank_values=True))


def text_reply(text: str, *quick: Action) -> list[Reply]:
    return [Reply(text=text, quick=list(quick))]
