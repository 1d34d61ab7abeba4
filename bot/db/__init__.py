"""The database layer: engine, sessions, the UTC column type, models and migrations."""

from bot.db.engine import make_engine, session_factory, transaction
from bot.db.migrate import upgrade

__all__ = ["make_engine", "session_factory", "transaction", "upgrade"]
