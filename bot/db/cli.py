"""`python -m bot db upgrade`: apply the migrations to DATABASE_URL."""

from __future__ import annotations

import argparse

from bot.db.migrate import upgrade
from bot.settings import Settings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot db")
    parser.add_argument("action", choices=["upgrade"])
    parser.parse_args(argv)
    settings = Settings.from_env()
    upgrade(settings.database_url)
    print("database is up to date")
    return 0
