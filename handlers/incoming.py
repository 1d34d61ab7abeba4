"""The one shape of an incoming event that handlers see, from LINE or the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Incoming:
    """A LINE event reduced to what handlers decide on.

    `kind` is the LINE event type ("message", "postback", "follow", "join", …);
    `message_type` the content type of a message ("text", "sticker", "image", …).
    In a group, `addressed` says whether the message mentions the bot or starts with
    its trigger word; `text` then has the trigger removed.
    """

    kind: str
    chat_type: str  # user | group | room
    chat_id: str  # the user id in 1:1 chats, else the group/room id
    user_id: str | None
    now: datetime  # aware
    text: str = ""
    message_type: str | None = None
    postback: dict[str, str] = field(default_factory=dict)
    addressed: bool = True
    mentioned_user_ids: list[str] = field(default_factory=list)  # others mentioned (for "มอบหมาย … ให้ @name")
    raw: Any = None  # the SDK event, for the rare handler that needs more

    def postback_id(self, key: str) -> int | None:
        """A row id carried by a button's postback (`case=7`), None when absent or not a number."""
        try:
            return int(self.postback.get(key, ""))
        except ValueError:
            return None

    @property
    def in_group(self) -> bool:
        return self.chat_type in {"group", "room"}

    @property
    def conversation_key(self) -> str:
        return f"{self.chat_id}:{self.user_id or '-'}"
