"""`python -m bot chat`: talk to the bot in the terminal, without LINE.

Why: the same `Application.handle` that serves LINE answers here, on the local
database (DATABASE_URL, or the SQLite default that is created and migrated on first
use), so anyone can try every topic on a fresh machine with nothing but the repo.
Cards print as text; quick replies and card buttons print as numbered choices, and
typing the number sends that choice (a postback choice sends the postback).

    python -m bot chat                      # you are "local-admin", an admin of the default unit
    python -m bot chat --as U123…           # act as someone else
    python -m bot chat --group C123…        # speak in a group (start with the trigger word)
    python -m bot chat --script lines.txt   # replay a file, one message a line
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from bot.app import Application
from bot.clock import utcnow
from bot.db import transaction
from bot.db.models import Officer
from bot.events import strip_trigger
from bot.officers import by_line_id
from bot.settings import Settings
from handlers.incoming import Incoming
from handlers.replies import Action, Card, Reply, parse_postback

LOCAL_ADMIN = "local-admin"


def render_card(card: Card) -> list[str]:
    lines = []
    if card.header:
        lines.append(f"[{card.header}]")
    lines.append(f"■ {card.title}")
    if card.body:
        lines.append(card.body)
    lines += [f"{f.label}: {f.value}" for f in card.fields]
    lines += card.items
    if card.footnote:
        lines.append(f"({card.footnote})")
    return lines


@dataclass
class Rendered:
    text: str
    choices: list[Action] = field(default_factory=list)


def render(replies: Iterable[Reply]) -> Rendered:
    """Replies as terminal text; buttons and quick replies become numbered choices."""
    blocks: list[str] = []
    choices: list[Action] = []
    for reply in replies:
        if reply.cards:
            for card in reply.cards:
                blocks.append("\n".join(render_card(card)))
                choices += card.buttons
        else:
            blocks.append(reply.text)
        choices += reply.quick
    unique: list[Action] = []
    for action in choices:
        if action not in unique:
            unique.append(action)
    lines = ["\n\n".join(blocks)] if blocks else ["(ไม่มีคำตอบ)"]
    lines += [f"  [{i}] {a.label}" for i, a in enumerate(unique, 1)]
    return Rendered("\n".join(lines), unique)


class Session:
    """One person in one chat, talking to the Application."""

    def __init__(self, app: Application, user_id: str, *, group_id: str | None = None) -> None:
        self.app = app
        self.user_id = user_id
        self.group_id = group_id
        self.choices: list[Action] = []

    def event_for(self, line: str) -> Incoming:
        """A typed line (or the number of a choice) as an Incoming event."""
        now = utcnow()
        chat_type = "group" if self.group_id else "user"
        chat_id = self.group_id or self.user_id
        stripped = line.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.choices):
            action = self.choices[int(stripped) - 1]
            if action.data:
                return Incoming(kind="postback", chat_type=chat_type, chat_id=chat_id, user_id=self.user_id,
                                now=now, postback=parse_postback(action.data))
            stripped = (action.text or action.label).strip()
            if self.group_id:  # a choice tapped in a group is addressed to the bot
                stripped = f"{self.app.settings.trigger_words[0]} {stripped}" if self.app.settings.trigger_words else stripped
        addressed, text = True, stripped
        if self.group_id:
            addressed, text = strip_trigger(stripped, self.app.settings.trigger_words)
        return Incoming(kind="message", chat_type=chat_type, chat_id=chat_id, user_id=self.user_id, now=now,
                        text=text, message_type="text", addressed=addressed)

    def say(self, line: str) -> Rendered:
        replies = self.app.handle(self.event_for(line))
        rendered = render(replies)
        self.choices = rendered.choices
        return rendered


def ensure_local_admin(app: Application) -> None:
    """The person at the keyboard: a registered admin of the default unit."""
    with transaction(app.sessions) as session:
        if by_line_id(session, LOCAL_ADMIN) is None:
            session.add(Officer(line_user_id=LOCAL_ADMIN, display_name="ผู้ดูแล (เครื่องนี้)",
                                unit=app.settings.default_unit, role="admin"))


def _lines(stream: TextIO) -> Iterator[str]:
    for raw in stream:
        line = raw.rstrip("\n")
        if line.strip() and not line.lstrip().startswith("#"):
            yield line


def run(app: Application, session: Session, lines: Iterable[str], out: TextIO, *, echo: bool) -> None:
    for line in lines:
        if echo:
            print(f"> {line}", file=out)
        print(session.say(line).text, file=out)
        print(file=out)


def _interactive() -> Iterator[str]:
    while True:
        try:
            line = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line.strip() in {"/quit", "/exit"}:
            return
        if line.strip():
            yield line


def main(argv: list[str] | None = None, *, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot chat", description="Talk to the bot in the terminal.")
    parser.add_argument("--script", help="replay a file of lines (one message a line)")
    parser.add_argument("--as", dest="user", default=LOCAL_ADMIN, help="act as this LINE user id")
    parser.add_argument("--group", help="speak in this group id (start messages with the trigger word)")
    args = parser.parse_args(argv)
    out = out or sys.stdout
    logging.getLogger().setLevel(logging.WARNING)  # keep the conversation readable
    app = Application(Settings.from_env())
    try:
        if args.user == LOCAL_ADMIN:
            ensure_local_admin(app)
        session = Session(app, args.user, group_id=args.group)
        if args.script:
            with open(args.script, encoding="utf-8") as fh:
                run(app, session, _lines(fh), out, echo=True)
        else:
            print("พิมพ์ข้อความคุยกับผู้ช่วยได้เลยค่ะ (พิมพ์ตัวเลขเพื่อเลือก, /quit เพื่อออก)", file=out)
            run(app, session, _interactive(), out, echo=False)
    finally:
        app.close()
    return 0
