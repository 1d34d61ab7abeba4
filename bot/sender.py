"""The one way anything leaves the bot towards LINE, as seen by its callers.

`bot/line.py` implements it with the SDK's async client; tests and the terminal chat
use in-memory implementations. The scheduler depends only on this protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from handlers.replies import Reply


class PushError(Exception):
    """A push that did not go through. `retryable` is False for a permanent refusal
    (bad target, monthly quota reached), True for 429-slow-down, 5xx and network errors."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class Sender(Protocol):
    async def push(self, to: str, replies: Sequence[Reply], *, retry_key: str) -> None:
        """Deliver `replies` to a user or group. A 409 (this retry key was already
        accepted) counts as delivered. Raises PushError otherwise."""
        ...
