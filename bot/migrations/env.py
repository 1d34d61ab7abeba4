"""Alembic environment: the models' metadata, the URL from bot.db.migrate."""

from __future__ import annotations

from alembic import context
from bot.db.engine import make_engine
from bot.db.models import Base
from bot.db.types import UTCDateTime

target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """UTCDateTime is a Python-side wrapper: the stored column is a plain DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_item=render_item,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
