"""Logging a failure without the personal data its message may carry.

Why: an exception's text is not ours to log. PostgreSQL's "Key (line_user_id)=(U…)
already exists", a driver quoting a statement's values, a ValueError repeating what
someone typed: any of them would put a LINE user id, a name or a message into the
logs. `log_failure` logs what an operator needs to find the bug (the exception's
type, its causes' types, and the traceback's frames) and never the message.
"""

from __future__ import annotations

import logging
import traceback


def describe(exc: BaseException) -> str:
    """The exception's type and its causes' types, then its frames: no messages."""
    kinds: list[str] = []
    frames: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kinds.append(type(current).__qualname__)
        frames = traceback.format_tb(current.__traceback__) + frames
        current = current.__cause__ or current.__context__
    return " <- ".join(kinds) + "\n" + "".join(frames).rstrip()


def log_failure(log: logging.Logger, exc: BaseException, message: str, *args: object) -> None:
    """`log.error(message % args)` followed by `describe(exc)`."""
    log.error(message + ": %s", *args, describe(exc))
