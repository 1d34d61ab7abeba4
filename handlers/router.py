"""Routers and filters in the style of aiogram: each topic registers its handlers.

A handler is `(Incoming, Context) -> list[Reply] | None`; returning None declines
the event so that the next route may take it. The first route whose filters all
pass and whose handler answers wins. Routers nest: the root includes one router per
topic, in order, with the knowledge search last as the fallback for free text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.context import Context
from handlers.extract.words import squash
from handlers.incoming import Incoming
from handlers.replies import Reply

Handler = Callable[[Incoming, Context], list[Reply] | None]
Filter = Callable[[Incoming, Context], bool]


@dataclass(slots=True)
class Route:
    handler: Handler
    filters: tuple[Filter, ...]

    def matches(self, ev: Incoming, ctx: Context) -> bool:
        return all(f(ev, ctx) for f in self.filters)


@dataclass
class Router:
    name: str
    routes: list[Route | "Router"] = field(default_factory=list)

    def include(self, router: "Router") -> "Router":
        self.routes.append(router)
        return router

    def on(self, *filters: Filter) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(Route(handler, filters))
            return handler

        return register

    def message(self, *filters: Filter) -> Callable[[Handler], Handler]:
        """Text messages (after the group trigger has been stripped)."""
        return self.on(is_text, *filters)

    def postback(self, action: str, *filters: Filter) -> Callable[[Handler], Handler]:
        """Postbacks whose data names `action` (see replies.postback)."""
        return self.on(event("postback"), lambda ev, _ctx: ev.postback.get("a") == action, *filters)

    def event(self, kind: str, *filters: Filter) -> Callable[[Handler], Handler]:
        return self.on(event(kind), *filters)

    def dispatch(self, ev: Incoming, ctx: Context) -> list[Reply] | None:
        for route in self.routes:
            if isinstance(route, Router):
                answer = route.dispatch(ev, ctx)
            elif route.matches(ev, ctx):
                answer = route.handler(ev, ctx)
            else:
                continue
            if answer is not None:
                return answer
        return None


# ---------------------------------------------------------------- filters


def event(*kinds: str) -> Filter:
    return lambda ev, _ctx: ev.kind in kinds


def is_text(ev: Incoming, _ctx: Context) -> bool:
    return ev.kind == "message" and ev.message_type == "text"


def message_type(*types: str) -> Filter:
    return lambda ev, _ctx: ev.kind == "message" and ev.message_type in types


def chat(*types: str) -> Filter:
    return lambda ev, _ctx: ev.chat_type in types


def text_is(*words: str) -> Filter:
    """The whole message is one of `words` (spaces and case ignored)."""
    wanted = {squash(w) for w in words}
    return lambda ev, _ctx: squash(ev.text) in wanted


def text_startswith(*prefixes: str) -> Filter:
    wanted = tuple(p.lower() for p in prefixes)
    return lambda ev, _ctx: ev.text.strip().lower().startswith(wanted)


def text_matches(pattern: str, flags: int = re.IGNORECASE) -> Filter:
    compiled = re.compile(pattern, flags)
    return lambda ev, _ctx: compiled.search(ev.text) is not None


def in_conversation(topic: str) -> Filter:
    """A multi-turn conversation of this topic is open for this person in this chat."""
    return lambda ev, ctx: (state := ctx.conversation(ev)) is not None and state.topic == topic


def registered(ev: Incoming, ctx: Context) -> bool:
    return ctx.officer(ev) is not None


def admin(ev: Incoming, ctx: Context) -> bool:
    """A registered, active admin: the one permission check for admin commands
    (an admin named in the settings is registered on first contact by ctx.officer,
    and loses the right like anyone else when deactivated)."""
    officer = ctx.officer(ev)
    return officer is not None and officer.role == "admin"
