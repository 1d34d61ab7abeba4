"""`python -m bot groups list | register GROUP_ID --unit U | off GROUP_ID`.

The command-line twin of the admin's "ลงทะเบียนกลุ่ม" in the chat: a group gets
pushes only once registered, for the notifications it keeps on.
"""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.app import command_session
from bot.clock import utcnow
from bot.db.models import Chat
from bot.settings import Settings
from scheduler import visits
from scheduler.messages import is_group_id

FLAGS = ("visits", "advances", "digest")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot groups", description="group notifications")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="groups the bot knows, and what each receives")
    reg = sub.add_parser("register", help="let a group receive notifications for a unit")
    reg.add_argument("group_id")
    reg.add_argument("--unit", required=True)
    reg.add_argument("--only", default=",".join(FLAGS), help="comma list of visits,advances,digest (default: all)")
    off = sub.add_parser("off", help="stop all pushes to a group")
    off.add_argument("group_id")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    with command_session(settings) as session:
        if args.command == "list":
            rows = list(session.scalars(select(Chat).where(Chat.chat_type.in_(("group", "room"))).order_by(Chat.id)))
            if not rows:
                print("no groups yet")
            for chat in rows:
                wants = [f for f in FLAGS if getattr(chat, f"notify_{f}")]
                state = "registered" if chat.registered_at else "not registered"
                print(f"{chat.line_chat_id}  {state}  unit={chat.unit or '-'}  notify={','.join(wants) or '-'}{'' if chat.active else '  (left)'}")
            return 0
        if not is_group_id(args.group_id):
            print("a LINE group id starts with C (a room id with R)")
            return 2
        chat = session.scalar(select(Chat).where(Chat.line_chat_id == args.group_id))
        if args.command == "register":
            wanted = {f.strip() for f in args.only.split(",") if f.strip()}
            unknown = wanted - set(FLAGS)
            if unknown:
                print(f"unknown notification: {', '.join(sorted(unknown))}")
                return 2
            if chat is None:
                chat = Chat(line_chat_id=args.group_id, chat_type="group" if args.group_id.startswith("C") else "room")
                session.add(chat)
            chat.unit = args.unit
            chat.registered_at = utcnow()
            for f in FLAGS:
                setattr(chat, f"notify_{f}", f in wanted)
            session.flush()
            known = visits.plan_for_group(session, chat, settings, utcnow())
            print(f"registered {args.group_id} for {args.unit}: {', '.join(f for f in FLAGS if f in wanted)}"
                  + (f" ({known} upcoming events planned)" if known else ""))
            return 0
        if chat is None:
            print("unknown group")
            return 1
        chat.registered_at = None
        for f in FLAGS:
            setattr(chat, f"notify_{f}", False)
        print(f"{args.group_id}: notifications off")
        return 0
