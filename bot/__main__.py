"""`python -m bot …`: one entry point; each command lives with the code it drives.

Every subcommand is a `main(argv) -> int` in its own module, imported only when used,
so `ask` never loads the database and `db upgrade` never loads the manuals.
"""

from __future__ import annotations

import importlib
import logging
import sys

from bot.settings import SettingsError

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("bot.web", "run the LINE webhook server: serve [--host H] [--port P]"),
    "chat": ("bot.chat", "talk to the bot in the terminal: chat [--script FILE] [--as USER]"),
    "ask": ("knowledge.cli", "search the manuals: ask [--json] [--top K] [--batch FILE] QUESTION"),
    "tick": ("scheduler.cli", "one scheduler pass: tick [--now ISO-8601]"),
    "db": ("bot.db.cli", "database: db upgrade"),
    "export": ("bot.export", "export data: export cases --format csv"),
    "officers": ("bot.officers", "officers: officers invite --unit U [--role R] | officers list"),
    "groups": ("scheduler.groups_cli", "group notifications: groups list | register | off"),
    "holidays": ("scheduler.holidays_cli", "public holidays: holidays list | add | import"),
    "richmenu": ("bot.richmenu", "rich menu: richmenu image FILE | richmenu install"),
}


def usage() -> str:
    lines = ["usage: python -m bot COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<9} {help_}" for name, (_module, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"unknown command: {name}\n\n{usage()}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    module = importlib.import_module(COMMANDS[name][0])
    try:
        return int(module.main(rest) or 0)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
