"""The Sender for real LINE: replies and pushes through the SDK's async client.

Why this shape:
- One `AsyncApiClient` per process, created inside the running loop (the SDK uses
  aiohttp) and closed on shutdown; `LineSender.open()` is called from the web app's
  cleanup context, so tests can point it at the fake server with
  `Configuration(host=…)`.
- Every call passes `_request_timeout`: the SDK's default is 300 s.
- A reply token works once for about a minute; when LINE says "Invalid reply token"
  (or the reply cannot be sent), the same answer goes by push to the same chat.
- Pushes carry an `X-Line-Retry-Key`, so retrying after a 429 or 5xx never sends
  twice: LINE answers 409 for a key it already accepted, which counts as delivered.
  A 429 "monthly limit" is final (retrying cannot help; an admin must act).

Nothing personal is logged: no user or group ids, no message text.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from bot.messages import to_messages, wire_dict
from bot.sender import PushError
from bot.settings import Settings
from handlers.replies import Reply

log = logging.getLogger(__name__)


class ReplyError(Exception):
    """A reply that did not go through; `token_invalid` when the token expired or was used."""

    def __init__(self, message: str, *, status: int | None, token_invalid: bool) -> None:
        super().__init__(message)
        self.status = status
        self.token_invalid = token_invalid


def _body_text(exc: ApiException) -> str:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return str(body or exc.reason or "")


_WIRE_MESSAGES: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar("wire_messages", default=None)


@contextmanager
def _wire_for(messages: list[Any]) -> Iterator[None]:
    """The messages' cached JSON, for the requests sent inside this block only."""
    token = _WIRE_MESSAGES.set([wire_dict(m) for m in messages])
    try:
        yield
    finally:
        _WIRE_MESSAGES.reset(token)


class _ApiClient(AsyncApiClient):
    """The SDK client, serialising reply/push requests from cached message JSON.

    The SDK turns a request into JSON with pydantic, walking every message twice;
    `bot.messages` already holds each message's JSON (made once by the model's own
    `to_dict`), so only the request's few scalar fields are serialised here.
    """

    def sanitize_for_serialization(self, obj: Any) -> Any:
        wire = _WIRE_MESSAGES.get()
        if wire is not None and isinstance(obj, (ReplyMessageRequest, PushMessageRequest)):
            # The SDK hands over a validated copy of our request (so identity is lost);
            # the messages' JSON was set for this very call by `_send`.
            out = obj.dict(by_alias=True, exclude_none=True, exclude={"messages"})
            out["messages"] = wire
            return out
        return super().sanitize_for_serialization(obj)


class LineSender:
    """Implements `bot.sender.Sender` (push) and replies, over the SDK's async API."""

    def __init__(
        self,
        settings: Settings,
        client: AsyncApiClient,
        *,
        push_attempts: int = 4,
        backoff: float = 0.5,
    ) -> None:
        self.settings = settings
        self.client = client
        self.api = AsyncMessagingApi(client)
        self.blob = AsyncMessagingApiBlob(client)
        self.timeout = settings.reply_timeout_seconds
        self.push_attempts = push_attempts
        self.backoff = backoff

    @classmethod
    def open(cls, settings: Settings, **kwargs: Any) -> "LineSender":
        """Create the client; call inside the running event loop."""
        config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
        return cls(settings, _ApiClient(config), **kwargs)

    async def close(self) -> None:
        await self.client.close()

    # ------------------------------------------------------------ reply

    async def reply(self, token: str, replies: Sequence[Reply]) -> None:
        """Answer with a reply token (free of the monthly quota). Raises ReplyError."""
        messages = to_messages(replies)
        if not messages:
            return
        request = ReplyMessageRequest(reply_token=token, messages=messages)
        try:
            with _wire_for(messages):
                await self.api.reply_message(request, _request_timeout=self.timeout)
        except ApiException as exc:
            text = _body_text(exc)
            raise ReplyError(
                f"reply refused: {exc.status}", status=exc.status, token_invalid=exc.status == 400 and "reply token" in text.lower()
            ) from exc
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise ReplyError(f"reply failed: {type(exc).__name__}", status=None, token_invalid=False) from exc

    async def reply_or_push(self, token: str | None, to: str, replies: Sequence[Reply]) -> str:
        """Reply; if the token is gone (expired, used) or the reply failed, push instead.

        Returns how it went out: "reply", "push" or "failed". A 4xx other than an
        invalid token means the message itself is wrong: pushing it would fail too.
        """
        if token:
            try:
                await self.reply(token, replies)
                return "reply"
            except ReplyError as exc:
                if not exc.token_invalid and exc.status is not None and exc.status < 500 and exc.status != 429:
                    log.error("reply refused by LINE (status %s); not pushing", exc.status)
                    return "failed"
                log.info("reply not delivered (status %s); pushing instead", exc.status)
        try:
            await self.push(to, replies, retry_key=str(uuid.uuid4()))
            return "push"
        except PushError as exc:
            log.error("push failed (status %s, retryable %s)", exc.status, exc.retryable)
            return "failed"

    # ------------------------------------------------------------ push

    async def push(self, to: str, replies: Sequence[Reply], *, retry_key: str) -> None:
        """Push with `retry_key` as X-Line-Retry-Key; retried with backoff on 429
        (slow down) and 5xx and network errors. 409 = already delivered."""
        messages = to_messages(replies)
        if not messages:
            return
        request = PushMessageRequest(to=to, messages=messages)
        with _wire_for(messages):
            await self._push(request, retry_key)

    async def _push(self, request: PushMessageRequest, retry_key: str) -> None:
        last: PushError | None = None
        for attempt in range(self.push_attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                await self.api.push_message(request, x_line_retry_key=retry_key, _request_timeout=self.timeout)
                return
            except ApiException as exc:
                if exc.status == 409:
                    return  # this retry key was already accepted: delivered
                text = _body_text(exc)
                if exc.status == 429 and "monthly limit" in text.lower():
                    raise PushError("monthly message limit reached", retryable=False, status=429) from exc
                if exc.status == 429 or (exc.status or 0) >= 500:
                    last = PushError(f"push got {exc.status}", retryable=True, status=exc.status)
                    continue
                raise PushError(f"push refused: {exc.status}", retryable=False, status=exc.status) from exc
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                last = PushError(f"push failed: {type(exc).__name__}", retryable=True)
        assert last is not None
        raise last
