"""Alembic, driven from code: `python -m bot db upgrade`, and `serve`/`chat` on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.db.engine import normalise_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a password may contain "%".
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to the newest schema; a no-op when it already is."""
    command.upgrade(alembic_config(database_url), revision)
