"""Conversation topics, one module each, routed from LINE events or the terminal.

`dispatch(ev, ctx)` is the single entry point used by `bot` (webhook and terminal
chat). The order of `ROOT` is the order of precedence: leaving a conversation first,
then the topics, and the knowledge search last as the fallback for free text.
"""

from __future__ import annotations

from handlers import advances, ask, cases, conversation, groups, help, visits
from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Reply
from handlers.router import Router

ROOT = Router("root")
for _topic in (conversation, help, groups, cases, advances, visits, ask):
    ROOT.include(_topic.router)


def dispatch(ev: Incoming, ctx: Context) -> list[Reply]:
    """Decide the replies to one event (possibly none). Never raises for bad input."""
    if ev.in_group and ev.kind == "message" and not ev.addressed and ctx.conversation(ev) is None:
        return []  # a busy group: speak only when spoken to
    replies = ROOT.dispatch(ev, ctx) or []
    note = conversation.expiry_note(ctx)
    if note is not None:
        replies = [note, *replies][:5]
    return replies


__all__ = ["Context", "Incoming", "Reply", "dispatch", "ROOT"]
