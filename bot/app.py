"""The Application: settings, database and handlers wired together once per process.

Both the webhook server and the terminal chat call `Application.handle`, so the
terminal exercises exactly what LINE does. (python-telegram-bot's Application plays
the same role; the scheduler is its JobQueue, kept in `scheduler/`.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utcnow
from bot.db import make_engine, session_factory, transaction, upgrade
from bot.logsafe import log_failure
from bot.records import RecordError
from bot.settings import Settings
from handlers import dispatch
from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Reply, text_reply

log = logging.getLogger(__name__)

SORRY = Reply(text="ขออภัยค่ะ ระบบขัดข้องชั่วคราว ยังไม่ได้บันทึกอะไร กรุณาลองใหม่อีกครั้งนะคะ")


class Application:
    def __init__(self, settings: Settings, *, migrate: bool = True) -> None:
        self.settings = settings
        if migrate:
            upgrade(settings.database_url)
        self.engine: Engine = make_engine(settings.database_url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)

    def handle(self, ev: Incoming) -> list[Reply]:
        """Decide and persist the answer to one event in one transaction.

        Any error rolls the whole event back (nothing half-done) and the person gets
        a short apology instead of silence.
        """
        try:
            with transaction(self.sessions) as session:
                ctx = Context(session=session, settings=self.settings, now=ev.now)
                return dispatch(ev, ctx)
        except RecordError as exc:
            # a rule the officer can act on, that a handler did not catch: rolled back like
            # any error, but the person reads the rule's own polite Thai, not an apology
            log.info("refused a %s event: %s", ev.kind, type(exc).__name__)
            return text_reply(str(exc))
        except Exception as exc:
            log_failure(log, exc, "handler failed for a %s event", ev.kind)  # no personal data
            return [SORRY]

    def context(self, session: Session, now: datetime | None = None) -> Context:
        return Context(session=session, settings=self.settings, now=now or utcnow())

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def command_session(settings: Settings | None = None) -> Iterator[Session]:
    """One transaction on DATABASE_URL for a command-line tool, the schema brought
    up to date first; the engine is closed afterwards."""
    app = Application(settings or Settings.from_env())
    try:
        with transaction(app.sessions) as session:
            yield session
    finally:
        app.close()
