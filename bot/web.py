"""`python -m bot serve`: the LINE webhook service (aiohttp).

POST /callback   LINE webhooks, verified by the SDK's WebhookParser.
GET  /healthz    database and knowledge-index readiness as JSON (200 ready / 503).

Why it is built this way:
- LINE wants its 200 within about two seconds, so /callback only verifies, parses
  and schedules; the work runs in background tasks that the app tracks and awaits
  on shutdown. Handlers are synchronous (SQLAlchemy), so they run in a small thread
  pool, never on the event loop.
- Events of one chat are handled in order (a per-chat lock): a conversation's next
  message must see the state the previous one saved.
- Each webhookEventId is recorded (insert-or-ignore) before anything else happens,
  so a redelivered or duplicated event is never handled twice.
- A reply token lives about a minute: an answer that is ready too late, or whose
  reply is refused as "Invalid reply token", goes by push to the same chat.
- A well-signed request never gets a 5xx: every failure after verification is
  logged (without personal data) and the request still gets its 200.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiohttp import web
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import Event
from sqlalchemy import event as sa_event
from sqlalchemy import text

from bot.app import Application
from bot.clock import utcnow
from bot.db.models import ProcessedEvent
from bot.events import event_mode, event_type, reply_token, to_incoming
from bot.line import LineSender
from bot.logsafe import log_failure
from bot.settings import Settings
from handlers.incoming import Incoming
from handlers.replies import Reply

log = logging.getLogger(__name__)

# A reply token is good for about a minute; past this age, push instead.
REPLY_TOKEN_MAX_AGE_S = 50.0

SETTINGS = web.AppKey("settings", Settings)
APPLICATION = web.AppKey("application", Application)
SENDER = web.AppKey("sender", LineSender)


class WebhookService:
    """The event pipeline behind /callback: dedupe, handle, deliver; tracked tasks."""

    def __init__(self, settings: Settings, application: Application, sender: Any, *, workers: int | None = None) -> None:
        self.settings = settings
        self.application = application
        self.sender = sender
        self.parser = WebhookParser(settings.line_channel_secret)
        if workers is None:
            # SQLite takes one writer at a time: more threads only wait on its lock
            # (busy-sleeping); PostgreSQL can use a few.
            workers = 1 if application.engine.dialect.name == "sqlite" else 4
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="handler")
        self._claim_stmt = self._insert_or_ignore()
        self.tasks: set[asyncio.Task[None]] = set()
        self._chat_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self.knowledge_state = "loading"

    # ------------------------------------------------------------ scheduling

    def spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for all work in progress (shutdown, tests)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.tasks:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            done, _pending = await asyncio.wait(set(self.tasks), timeout=left)
            if deadline is not None and time.monotonic() >= deadline:
                break

    @asynccontextmanager
    async def _chat_turn(self, chat_id: str) -> AsyncIterator[None]:
        """One event of a chat at a time, in arrival order (asyncio.Lock is FIFO);
        the lock is dropped when nobody waits, so the map does not grow forever."""
        lock, users = self._chat_locks.get(chat_id, (asyncio.Lock(), 0))
        self._chat_locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chat_locks[chat_id]
            if users <= 1:
                del self._chat_locks[chat_id]
            else:
                self._chat_locks[chat_id] = (lock, users - 1)

    async def run_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    # ------------------------------------------------------------ events

    async def process(self, events: list[Event], destination: str | None) -> None:
        """Handle one webhook's events in order, grouped per chat."""
        for ev in events:
            try:
                await self.process_one(ev, destination)
            except Exception as exc:  # never let one event stop the others
                log_failure(log, exc, "failed to process a %s event", event_type(ev))

    async def process_one(self, ev: Event, destination: str | None) -> None:
        kind = event_type(ev)
        incoming = to_incoming(ev, self.settings, bot_user_id=destination)
        event_id = getattr(ev, "webhook_event_id", None)
        key = incoming.chat_id if incoming is not None else "-"
        answer = incoming if event_mode(ev) != "standby" else None
        async with self._chat_turn(key):
            replies = await self.run_blocking(self.claim_and_handle, event_id, kind, _redelivery(ev), answer)
            if not replies or incoming is None:
                return
            token = reply_token(ev)
            age = time.time() - (getattr(ev, "timestamp", 0) or 0) / 1000
            if token and age > REPLY_TOKEN_MAX_AGE_S:
                token = None  # too old to reply: push straight away
            # Still in the chat's turn: its answers go out in the order asked.
            await self.sender.reply_or_push(token, incoming.chat_id, replies)

    def claim_and_handle(self, event_id: str | None, kind: str, redelivery: bool, incoming: Incoming | None) -> list[Reply]:
        """In the worker thread: record the event, then (if new and answerable) handle it."""
        if event_id and not self.claim(event_id, kind, redelivery):
            log.info("skipping a duplicate %s event", kind)
            return []
        if incoming is None:  # standby mode, or an event that names no chat
            return []
        return self.application.handle(incoming)

    def claim(self, event_id: str, kind: str, redelivery: bool) -> bool:
        """Record the event id; False when it was already there (insert-or-ignore)."""
        row = {
            "webhook_event_id": event_id[:64],
            "event_type": kind[:40],
            "received_at": utcnow(),
            "redelivery": redelivery,
        }
        with self.application.engine.begin() as conn:
            # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT.
            return conn.execute(self._claim_stmt, row).scalar() is not None

    def _insert_or_ignore(self) -> Any:
        """One Core statement, built once (compiled once, cached by SQLAlchemy)."""
        if self.application.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = ProcessedEvent.__table__
        return (
            insert(table)
            .on_conflict_do_nothing(index_elements=[table.c.webhook_event_id])
            .returning(table.c.webhook_event_id)
        )

    # ------------------------------------------------------------ HTTP

    async def callback(self, request: web.Request) -> web.Response:
        if (request.content_length or 0) > self.settings.max_body_bytes:
            return web.Response(status=413, text="body too large")
        signature = request.headers.get("X-Line-Signature", "")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="body too large")
        if len(body) > self.settings.max_body_bytes:
            return web.Response(status=413, text="body too large")
        if not signature:
            return web.Response(status=400, text="missing signature")
        try:
            payload = self.parser.parse(body.decode("utf-8"), signature, as_payload=True)
        except InvalidSignatureError:
            log.warning("webhook with a bad signature refused")
            return web.Response(status=400, text="bad signature")
        except UnicodeDecodeError:
            return web.Response(status=400, text="bad body")
        except Exception:
            # Signed by LINE but not parseable as a whole (an event the SDK cannot
            # even read as unknown): take what can be read, one event at a time.
            payload = _parse_leniently(self.parser, body, signature)
            if payload is None:
                return web.Response(status=400, text="bad body")
        events = list(payload.events or [])
        if events:
            self.spawn(self.process(events, payload.destination))
        return web.Response(text="OK")

    async def healthz(self, _request: web.Request) -> web.Response:
        database = "ok"
        try:
            await asyncio.wait_for(self.run_blocking(self._ping_database), timeout=3)
        except Exception:
            database = "unavailable"
        ready = database == "ok" and self.knowledge_state == "ready"
        body = {"status": "ok" if ready else "unavailable", "database": database, "knowledge": self.knowledge_state}
        return web.json_response(body, status=200 if ready else 503)

    def _ping_database(self) -> None:
        with self.application.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    async def warm_knowledge(self, loader: Callable[[], Any], *, freeze_gc: bool = True) -> None:
        """Load the knowledge index off the loop; /healthz says "ready" afterwards."""
        try:
            await asyncio.get_running_loop().run_in_executor(None, _load_and_freeze, loader, freeze_gc)
            self.knowledge_state = "ready"
        except Exception:
            log.exception("knowledge index failed to load")
            self.knowledge_state = "error"

    def close(self) -> None:
        self.pool.shutdown(wait=True)


SERVICE = web.AppKey("service", WebhookService)


class WalCheckpointer:
    """SQLite only: WAL checkpoints on a timer in another thread, not inside a handler.

    By default SQLite checkpoints from whichever connection commits the 1000th WAL
    page, fsync included: one event in a thousand then stalls its handler (and all
    queued behind it) for a few hundred ms on slow disks. `serve` turns the automatic
    checkpoint off for its own connections and runs a PASSIVE one every few seconds
    (it never blocks writers), plus a final one on shutdown.
    """

    def __init__(self, engine: Any, every_s: float = 5.0) -> None:
        self.engine = engine
        self.every_s = every_s

    @staticmethod
    def applies(engine: Any) -> bool:
        return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")

    def attach(self) -> None:
        def no_auto_checkpoint(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

        sa_event.listen(self.engine, "connect", no_auto_checkpoint)
        self.engine.dispose()  # pooled connections are re-made with the pragma

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.execute(f"PRAGMA wal_checkpoint({mode})")
        finally:
            raw.close()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await loop.run_in_executor(None, self.checkpoint)
            except Exception:
                log.warning("WAL checkpoint failed; will retry")


def _load_and_freeze(loader: Callable[[], Any], freeze: bool) -> None:
    """Load the index, then move everything alive into the GC's permanent generation.

    The index is ~650k long-lived objects; every full collection would walk them
    all (~170 ms, a stall of every reply in flight). Frozen, they are never scanned.
    """
    loader()
    if freeze:
        gc.collect()
        gc.freeze()


def _redelivery(ev: Any) -> bool:
    return bool(getattr(getattr(ev, "delivery_context", None), "is_redelivery", False))


def _parse_leniently(parser: WebhookParser, body: bytes, signature: str) -> Any:
    """The readable events of a signed body the SDK refused as a whole; None when the
    signature is wrong or the body is not a JSON object (the caller answers 400)."""
    from linebot.v3.webhook import WebhookPayload

    if not parser.signature_validator.validate(body.decode("utf-8"), signature):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):  # a list, string or number: no events to read
        return None
    raw_events = data.get("events")
    events = []
    for raw in raw_events if isinstance(raw_events, list) else []:
        with suppress(Exception):
            events.append(Event.from_dict(raw))
    return WebhookPayload(events=events, destination=data.get("destination"))


def _default_loader() -> Any:
    from knowledge import get_engine

    return get_engine()


def create_app(
    settings: Settings,
    *,
    application: Application | None = None,
    knowledge_loader: Callable[[], Any] | None = _default_loader,
    start_ticker: bool = True,
    sender_options: dict[str, Any] | None = None,
    freeze_gc: bool = True,
) -> web.Application:
    """The aiohttp app. Tests pass their own Application (and no knowledge loader,
    or `freeze_gc=False`: freezing the GC suits a service, not a test process)."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings

    async def lifecycle(app: web.Application) -> Any:
        own_application = application is None
        appl = application
        if appl is None:
            # Brings an empty SQLite database up to date (migrations) off the loop.
            appl = await asyncio.get_running_loop().run_in_executor(None, Application, settings)
        sender = LineSender.open(settings, **(sender_options or {}))
        service = WebhookService(settings, appl, sender)
        app[APPLICATION] = appl
        app[SENDER] = sender
        app[SERVICE] = service
        checkpointer = None
        if WalCheckpointer.applies(appl.engine):
            checkpointer = WalCheckpointer(appl.engine)
            checkpointer.attach()
            checkpoints = asyncio.ensure_future(checkpointer.run())
        if knowledge_loader is None:
            service.knowledge_state = "ready"
        else:
            service.spawn(service.warm_knowledge(knowledge_loader, freeze_gc=freeze_gc))
        ticker = None
        if start_ticker:
            from scheduler.runner import Ticker

            ticker = Ticker(appl, sender)
            ticker.start()
        try:
            yield
        finally:
            if ticker is not None:
                with suppress(Exception):
                    await ticker.shutdown()
            await service.drain(timeout=30)
            await sender.close()
            service.close()
            if checkpointer is not None:
                checkpoints.cancel()
                with suppress(Exception):
                    checkpointer.checkpoint("TRUNCATE")
            if own_application:
                appl.close()

    app.cleanup_ctx.append(lifecycle)

    async def callback(request: web.Request) -> web.Response:
        return await request.app[SERVICE].callback(request)

    async def healthz(request: web.Request) -> web.Response:
        return await request.app[SERVICE].healthz(request)

    app.router.add_post("/callback", callback)
    app.router.add_get("/healthz", healthz)
    return app


# The event loop and the handler thread share the GIL. With CPython's default 5 ms
# switch interval the loop, wanting the GIL back after every socket call, waits up to
# 5 ms each time the handler thread computes; 1 ms keeps replies flowing.
GIL_SWITCH_INTERVAL_S = 0.001


def tune_interpreter() -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot serve", description="Run the LINE webhook server.")
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    settings.require_line()
    tune_interpreter()
    web.run_app(create_app(settings), host=args.host, port=args.port, access_log=None)
    return 0
