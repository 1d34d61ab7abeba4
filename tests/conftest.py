"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL
is set), an Application on it, and a helper to say things to the bot as an officer.

On PostgreSQL each test session gets its own throw-away database, so parallel runs
never see each other's rows; tables are emptied between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import Application
from bot.db import make_engine, upgrade
from bot.db.engine import normalise_url
from bot.db.models import Base, Officer
from bot.settings import Settings
from handlers.incoming import Incoming
from handlers.replies import Reply

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

pytest_plugins = ["tests.fake_line"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ADMIN_ID = "U" + "a" * 32
OFFICER_ID = "U" + "b" * 32
OTHER_UNIT_ID = "U" + "c" * 32
GROUP_ID = "C" + "d" * 32


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if not TEST_DATABASE_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade(url)
        yield url
        return
    server = make_url(normalise_url(TEST_DATABASE_URL))
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    try:
        yield url
    finally:
        make_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = list(reversed(Base.metadata.sorted_tables))
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def settings(database_url) -> Settings:
    return replace(
        Settings.from_env({}),
        database_url=database_url,
        line_channel_secret="test-secret",
        line_channel_access_token="test-token",
        admin_user_ids=(ADMIN_ID,),
    )


@pytest.fixture
def app(settings) -> Iterator[Application]:
    _empty_tables(settings.database_url)
    application = Application(settings, migrate=False)
    yield application
    application.close()


@pytest.fixture
def officers(app) -> dict[str, int]:
    """Three registered people: an admin and an officer of the default unit, and an
    officer of another unit. Returns their row ids by LINE user id."""
    with app.sessions.begin() as session:
        rows = [
            Officer(line_user_id=ADMIN_ID, display_name="ผู้ดูแล", unit=app.settings.default_unit, role="admin"),
            Officer(line_user_id=OFFICER_ID, display_name="สมศรี", unit=app.settings.default_unit, role="officer"),
            Officer(line_user_id=OTHER_UNIT_ID, display_name="สมชาย", unit="สำนักพัฒนาสังคม", role="officer"),
        ]
        session.add_all(rows)
        session.flush()
        return {row.line_user_id: row.id for row in rows}


def incoming(
    text: str = "",
    *,
    user: str | None = OFFICER_ID,
    chat_id: str | None = None,
    chat_type: str = "user",
    kind: str = "message",
    message_type: str | None = "text",
    postback: dict[str, str] | None = None,
    now: datetime | None = None,
    addressed: bool = True,
) -> Incoming:
    return Incoming(
        kind=kind,
        chat_type=chat_type,
        chat_id=chat_id or (user if chat_type == "user" else GROUP_ID) or GROUP_ID,
        user_id=user,
        now=now or datetime.now(timezone.utc),
        text=text,
        message_type=message_type if kind == "message" else None,
        postback=postback or {},
        addressed=addressed,
    )


@pytest.fixture
def say(app):
    """say("เรื่องของฉัน", user=…, now=…) -> list[Reply] through the real dispatcher."""

    def _say(text: str, **kwargs) -> list[Reply]:
        return app.handle(incoming(text, **kwargs))

    return _say
