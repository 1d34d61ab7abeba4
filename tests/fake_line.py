"""A fake LINE Messaging API over real HTTP, and signed webhook bodies to drive the bot.

Why a real server: the bot talks to LINE through the SDK's own `AsyncApiClient`
(aiohttp inside), so the only honest test double is an HTTP server that the SDK
reaches with `Configuration(host=fake.url)`. The fake is strict where LINE is strict:
it parses every request with the SDK's own request models, re-validates every
message, and enforces the limits the SDK does not check (text length in UTF-16
units, altText, Flex sizes, labels, postback data). Anything that would be refused
by LINE is refused here with a 400, so a green test means LINE would accept it.

It also behaves like LINE on the awkward paths: a reply token works once; a push
with an already accepted `X-Line-Retry-Key` answers 409; `fail_next()` makes the
next calls answer 429 / 500 / "Invalid reply token" on demand.

Use it as a pytest fixture (`fake_line`, registered through
`pytest_plugins = ["tests.fake_line"]` in conftest) or directly:

    async with FakeLine() as fake:
        ...  # fake.url, fake.replies, fake.pushes

Webhook bodies: `text_event(...)`, `follow_event(...)` … build events carrying every
field LINE sends (so the SDK never turns them into `UnknownEvent`), `webhook_body()`
wraps them and `signed_headers()` signs them as LINE does.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from linebot.v3.messaging import (
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
)

CHANNEL_SECRET = "test-secret"
CHANNEL_TOKEN = "test-token"
BOT_USER_ID = "U" + "0" * 31 + "b"  # the bot itself: webhook `destination`, mention isSelf

# LINE's limits, as the platform documents them.
MAX_MESSAGES = 5
MAX_TEXT_UTF16 = 5000
MAX_ALT_TEXT = 1500
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
MAX_CAROUSEL_BUBBLES = 12
MAX_QUICK_REPLY = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_RICH_MENU_IMAGE = 1_000_000

ACTION_TYPES = {"postback", "message", "uri", "datetimepicker", "camera", "cameraRoll", "location", "richmenuswitch", "clipboard"}


def utf16_len(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def json_size(obj: Any) -> int:
    """Size of a JSON object in bytes as sent compactly in UTF-8."""
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# ---------------------------------------------------------------- validation


def _walk_actions(node: Any) -> Iterable[dict[str, Any]]:
    """Every action object anywhere inside a message (quick replies, Flex buttons…)."""
    if isinstance(node, dict):
        if node.get("type") in ACTION_TYPES and ("label" in node or "data" in node or "text" in node or "uri" in node):
            yield node
        for value in node.values():
            yield from _walk_actions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_actions(value)


def message_problems(msg: dict[str, Any]) -> list[str]:
    """What LINE would refuse in one message (as JSON). Empty when it is acceptable."""
    problems: list[str] = []
    try:
        Message.from_dict(msg)
    except Exception as exc:  # the SDK's own model refuses it
        problems.append(f"SDK model: {exc}")
        return problems
    kind = msg.get("type")
    if kind == "text":
        text = msg.get("text", "")
        if not text:
            problems.append("text: empty")
        if utf16_len(text) > MAX_TEXT_UTF16:
            problems.append(f"text: {utf16_len(text)} UTF-16 units > {MAX_TEXT_UTF16}")
    if kind in {"flex", "template"}:
        alt = msg.get("altText", "")
        if not alt or len(alt) > MAX_ALT_TEXT:
            problems.append(f"altText: {len(alt)} characters (1-{MAX_ALT_TEXT})")
    if kind == "flex":
        contents = msg.get("contents") or {}
        if contents.get("type") == "bubble":
            if json_size(contents) > MAX_BUBBLE_BYTES:
                problems.append(f"bubble: {json_size(contents)} bytes > {MAX_BUBBLE_BYTES}")
        elif contents.get("type") == "carousel":
            bubbles = contents.get("contents") or []
            if not 1 <= len(bubbles) <= MAX_CAROUSEL_BUBBLES:
                problems.append(f"carousel: {len(bubbles)} bubbles (1-{MAX_CAROUSEL_BUBBLES})")
            if json_size(contents) > MAX_CAROUSEL_BYTES:
                problems.append(f"carousel: {json_size(contents)} bytes > {MAX_CAROUSEL_BYTES}")
            for bubble in bubbles:
                if json_size(bubble) > MAX_BUBBLE_BYTES:
                    problems.append(f"bubble in carousel: {json_size(bubble)} bytes > {MAX_BUBBLE_BYTES}")
        else:
            problems.append("flex: contents must be a bubble or a carousel")
    quick = (msg.get("quickReply") or {}).get("items") or []
    if msg.get("quickReply") is not None and not 1 <= len(quick) <= MAX_QUICK_REPLY:
        problems.append(f"quickReply: {len(quick)} items (1-{MAX_QUICK_REPLY})")
    for action in _walk_actions(msg):
        label = action.get("label")
        if label is not None and not 1 <= len(label) <= MAX_LABEL:
            problems.append(f"label {label!r}: {len(label)} characters (1-{MAX_LABEL})")
        if action.get("type") == "postback":
            data = action.get("data", "")
            if not data or len(data) > MAX_POSTBACK_DATA:
                problems.append(f"postback data: {len(data)} characters (1-{MAX_POSTBACK_DATA})")
            if len(action.get("displayText") or "") > 300:
                problems.append("postback displayText > 300")
        if action.get("type") == "message":
            text = action.get("text", "")
            if not text or len(text) > 300:
                problems.append(f"message action text: {len(text)} characters (1-300)")
    return problems


def request_problems(body: Any, model: Any) -> list[str]:
    """Problems of a reply/push body: the SDK request model, then each message."""
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    try:
        model.from_dict(body)
    except Exception as exc:
        return [f"SDK request model: {exc}"]
    messages = body.get("messages") or []
    if not 1 <= len(messages) <= MAX_MESSAGES:
        return [f"messages: {len(messages)} (1-{MAX_MESSAGES})"]
    problems: list[str] = []
    for i, msg in enumerate(messages):
        problems += [f"messages[{i}]: {p}" for p in message_problems(msg)]
    return problems


# ---------------------------------------------------------------- the server


@dataclass
class Recorded:
    """One request as the fake received it, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or raw bytes for uploads
    status: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    status: int
    message: str
    path: str | None  # only calls whose path contains this; None = any call
    times: int


_REC = web.RequestKey("rec", Recorded) if hasattr(web, "RequestKey") else "rec"


class FakeLine:
    """The fake Messaging API. Start with `await start()` (or `async with`)."""

    def __init__(self, *, token: str = CHANNEL_TOKEN, bot_user_id: str = BOT_USER_ID) -> None:
        self.token = token
        self.bot_user_id = bot_user_id
        self.requests: list[Recorded] = []
        self.replies: list[dict[str, Any]] = []  # accepted reply bodies
        self.pushes: list[dict[str, Any]] = []  # accepted push bodies
        self.rich_menus: dict[str, dict[str, Any]] = {}
        self.rich_menu_images: dict[str, bytes] = {}
        self.default_rich_menu: str | None = None
        self.profiles: dict[str, str] = {}  # user id -> display name
        self.used_reply_tokens: set[str] = set()
        self.expired_reply_tokens: set[str] = set()
        self.accepted_retry_keys: set[str] = set()
        self.delay: float = 0.0  # seconds to wait before answering (slow LINE)
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._server: TestServer | None = None
        self.app = self._make_app()

    # ------------------------------------------------------------ control

    def fail_next(self, status: int, times: int = 1, message: str | None = None, *, path: str | None = None) -> None:
        """Answer the next `times` calls (optionally only those whose path contains
        `path`, e.g. "/message/push") with `status` and LINE's error body."""
        default = {
            400: "Invalid reply token",
            429: "Too Many Requests",
            500: "Internal Server Error",
            503: "Service Unavailable",
        }.get(status, "Error")
        self._failures.append(_Failure(status, message or default, path, times))

    def expire_reply_token(self, token: str) -> None:
        """Make a reply token answer "Invalid reply token", as after a minute."""
        self.expired_reply_tokens.add(token)

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeLine not started"
        return str(self._server.make_url("")).rstrip("/")

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message delivered (reply or push), in order of arrival."""
        out: list[dict[str, Any]] = []
        for rec in self.requests:
            if rec.status == 200 and rec.path in {"/v2/bot/message/reply", "/v2/bot/message/push"}:
                out += rec.body.get("messages", [])
        return out

    def texts(self) -> list[str]:
        """Plain text of every delivered message (altText for Flex)."""
        return [m.get("text") or m.get("altText", "") for m in self.messages]

    async def wait_for(self, predicate: Callable[["FakeLine"], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate(self)` holds; fail the test after `timeout`."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), timeout)

    async def wait_deliveries(self, count: int, timeout: float = 5.0) -> None:
        await self.wait_for(lambda f: len(f.replies) + len(f.pushes) >= count, timeout)

    async def start(self) -> "FakeLine":
        self._server = TestServer(self.app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None

    async def __aenter__(self) -> "FakeLine":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------ plumbing

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=4 * 1024 * 1024)
        r = app.router
        r.add_post("/v2/bot/message/reply", self._reply)
        r.add_post("/v2/bot/message/push", self._push)
        r.add_post("/v2/bot/richmenu/validate", self._validate_rich_menu)
        r.add_post("/v2/bot/richmenu", self._create_rich_menu)
        r.add_get("/v2/bot/richmenu/list", self._list_rich_menus)
        r.add_post("/v2/bot/richmenu/{id}/content", self._upload_rich_menu_image)
        r.add_delete("/v2/bot/richmenu/{id}", self._delete_rich_menu)
        r.add_post("/v2/bot/user/all/richmenu/{id}", self._set_default_rich_menu)
        r.add_get("/v2/bot/user/all/richmenu", self._get_default_rich_menu)
        r.add_delete("/v2/bot/user/all/richmenu", self._cancel_default_rich_menu)
        r.add_get("/v2/bot/profile/{user}", self._profile)
        r.add_get("/v2/bot/group/{group}/member/{user}", self._group_member_profile)
        r.add_get("/v2/bot/room/{room}/member/{user}", self._group_member_profile)
        r.add_get("/v2/bot/info", self._bot_info)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        raw = await request.read()
        if request.content_type == "application/json" and raw:
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = raw
        else:
            body = raw
        rec = Recorded(request.method, request.path, dict(request.headers), body)
        self.requests.append(rec)
        request[_REC] = rec
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                response: web.StreamResponse = _error(401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
            elif (failure := self._take_failure(request.path)) is not None:
                response = _error(failure.status, failure.message)
            else:
                response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        rec.status = response.status
        async with self._changed:
            self._changed.notify_all()
        return response

    def _take_failure(self, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.path is None or failure.path in path:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _sent(self, messages: list[Any]) -> web.Response:
        return web.json_response(
            {"sentMessages": [{"id": str(next(self._ids)), "quoteToken": uuid.uuid4().hex} for _ in messages]},
            headers={"x-line-request-id": uuid.uuid4().hex},
        )

    # ------------------------------------------------------------ messages

    async def _reply(self, request: web.Request) -> web.Response:
        body = request[_REC].body
        problems = request_problems(body, ReplyMessageRequest)
        if problems:
            return _error(400, "The request body has 1 error(s)", problems)
        token = body["replyToken"]
        if token in self.used_reply_tokens or token in self.expired_reply_tokens:
            return _error(400, "Invalid reply token")
        self.used_reply_tokens.add(token)
        self.replies.append(body)
        return self._sent(body["messages"])

    async def _push(self, request: web.Request) -> web.Response:
        body = request[_REC].body
        problems = request_problems(body, PushMessageRequest)
        if problems:
            return _error(400, "The request body has 1 error(s)", problems)
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                return _error(400, "The value for the 'X-Line-Retry-Key' header is invalid")
            if key in self.accepted_retry_keys:
                return web.json_response(
                    {"message": "The retry key is already accepted", "sentMessages": []},
                    status=409,
                    headers={"x-line-accepted-request-id": uuid.uuid4().hex},
                )
            self.accepted_retry_keys.add(key)
        self.pushes.append(body)
        return self._sent(body["messages"])

    # ------------------------------------------------------------ rich menus

    async def _validate_rich_menu(self, request: web.Request) -> web.Response:
        problems = _rich_menu_problems(request[_REC].body)
        return _error(400, "invalid rich menu", problems) if problems else web.json_response({})

    async def _create_rich_menu(self, request: web.Request) -> web.Response:
        body = request[_REC].body
        problems = _rich_menu_problems(body)
        if problems:
            return _error(400, "invalid rich menu", problems)
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.rich_menus[menu_id] = body
        return web.json_response({"richMenuId": menu_id})

    async def _list_rich_menus(self, _request: web.Request) -> web.Response:
        return web.json_response({"richmenus": [{"richMenuId": k, **v} for k, v in self.rich_menus.items()]})

    async def _upload_rich_menu_image(self, request: web.Request) -> web.Response:
        menu_id = request.match_info["id"]
        data = request[_REC].body
        if menu_id not in self.rich_menus:
            return _error(404, "Not found")
        if request.content_type not in {"image/png", "image/jpeg"}:
            return _error(415, f"Unsupported content type {request.content_type}")
        if not isinstance(data, bytes) or not data.startswith(b"\x89PNG") and not data.startswith(b"\xff\xd8"):
            return _error(400, "not an image")
        if len(data) > MAX_RICH_MENU_IMAGE:
            return _error(400, "image too large")
        self.rich_menu_images[menu_id] = data
        return web.json_response({})

    async def _delete_rich_menu(self, request: web.Request) -> web.Response:
        if self.rich_menus.pop(request.match_info["id"], None) is None:
            return _error(404, "Not found")
        return web.json_response({})

    async def _set_default_rich_menu(self, request: web.Request) -> web.Response:
        menu_id = request.match_info["id"]
        if menu_id not in self.rich_menus:
            return _error(404, "Not found")
        if menu_id not in self.rich_menu_images:
            return _error(400, "must upload richmenu image before applying it to user")
        self.default_rich_menu = menu_id
        return web.json_response({})

    async def _get_default_rich_menu(self, _request: web.Request) -> web.Response:
        if self.default_rich_menu is None:
            return _error(404, "no default richmenu")
        return web.json_response({"richMenuId": self.default_rich_menu})

    async def _cancel_default_rich_menu(self, _request: web.Request) -> web.Response:
        self.default_rich_menu = None
        return web.json_response({})

    # ------------------------------------------------------------ profiles

    async def _profile(self, request: web.Request) -> web.Response:
        user = request.match_info["user"]
        if user not in self.profiles:
            return _error(404, "Not found")
        return web.json_response({"userId": user, "displayName": self.profiles[user], "language": "th"})

    async def _group_member_profile(self, request: web.Request) -> web.Response:
        user = request.match_info["user"]
        if user not in self.profiles:
            return _error(404, "Not found")
        return web.json_response({"userId": user, "displayName": self.profiles[user]})

    async def _bot_info(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "userId": self.bot_user_id,
                "basicId": "@000test",
                "displayName": "ผู้ช่วย กทม.",
                "chatMode": "bot",
                "markAsReadMode": "auto",
            }
        )


def _error(status: int, message: str, details: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message}
    if details:
        body["details"] = [{"message": d, "property": ""} for d in details]
    return web.json_response(body, status=status, headers={"x-line-request-id": uuid.uuid4().hex})


def _rich_menu_problems(body: Any) -> list[str]:
    try:
        RichMenuRequest.from_dict(body)
    except Exception as exc:
        return [f"SDK model: {exc}"]
    size = body.get("size") or {}
    problems = []
    if not 800 <= size.get("width", 0) <= 2500 or size.get("height", 0) < 250:
        problems.append(f"size {size}")
    areas = body.get("areas") or []
    if not 1 <= len(areas) <= 20:
        problems.append(f"{len(areas)} areas (1-20)")
    if len(body.get("chatBarText", "")) > 14 or len(body.get("name", "")) > 300:
        problems.append("chatBarText > 14 or name > 300")
    for area in areas:
        problems += message_problems({"type": "text", "text": "x", "quickReply": {"items": [{"type": "action", "action": area.get("action", {})}]}})
    return problems


# ---------------------------------------------------------------- webhook bodies

_event_ids = itertools.count(1)


def _event_id() -> str:
    """A ULID-shaped id, unique within the process."""
    return f"01TEST{uuid.uuid4().hex[:12].upper()}{next(_event_ids):08d}"


def source(user: str | None = "U" + "b" * 32, *, group: str | None = None, room: str | None = None) -> dict[str, Any]:
    """The `source` of an event: a 1:1 chat, a group or a room (userId may be None in groups)."""
    if group:
        return {"type": "group", "groupId": group, **({"userId": user} if user else {})}
    if room:
        return {"type": "room", "roomId": room, **({"userId": user} if user else {})}
    return {"type": "user", "userId": user}


def event(
    kind: str,
    *,
    user: str | None = "U" + "b" * 32,
    group: str | None = None,
    room: str | None = None,
    reply: bool = True,
    mode: str = "active",
    redelivery: bool = False,
    event_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Any webhook event with the common fields LINE always sends."""
    body: dict[str, Any] = {
        "type": kind,
        "mode": mode,
        "timestamp": int(time.time() * 1000),
        "source": source(user, group=group, room=room),
        "webhookEventId": event_id or _event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply:
        body["replyToken"] = uuid.uuid4().hex
    body.update(fields)
    return body


def _msg_id() -> str:
    return str(10**17 + next(_event_ids))


def text_event(
    text: str,
    *,
    mention_self: bool = False,
    mention_users: Iterable[str] = (),
    emojis: list[dict[str, Any]] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """A text message. `mention_self` prefixes "@ผู้ช่วย " with an isSelf mentionee;
    `mention_users` appends "@name" mentionees for other users."""
    mentionees: list[dict[str, Any]] = []
    if mention_self:
        tag = "@ผู้ช่วย "
        mentionees.append({"index": 0, "length": len(tag) - 1, "type": "user", "userId": BOT_USER_ID, "isSelf": True})
        text = tag + text
    for i, uid in enumerate(mention_users):
        tag = f" @คน{i + 1}"
        mentionees.append({"index": len(text) + 1, "length": len(tag) - 1, "type": "user", "userId": uid, "isSelf": False})
        text += tag
    message: dict[str, Any] = {"type": "text", "id": _msg_id(), "text": text, "quoteToken": uuid.uuid4().hex}
    if mentionees:
        message["mention"] = {"mentionees": mentionees}
    if emojis:
        message["emojis"] = emojis
    return event("message", message=message, **kw)


def message_event(content_type: str, **kw: Any) -> dict[str, Any]:
    """A non-text message of any content type, with that type's required fields."""
    provider = {"type": "line"}
    contents: dict[str, dict[str, Any]] = {
        "image": {"contentProvider": provider, "quoteToken": uuid.uuid4().hex},
        "video": {"duration": 6000, "contentProvider": provider, "quoteToken": uuid.uuid4().hex},
        "audio": {"duration": 4000, "contentProvider": provider},
        "file": {"fileName": "เอกสาร.pdf", "fileSize": 2048},
        "location": {"title": "ศาลาว่าการ กทม.", "address": "ถนนดินสอ", "latitude": 13.7539, "longitude": 100.5014},
        "sticker": {
            "packageId": "446",
            "stickerId": "1988",
            "stickerResourceType": "STATIC",
            "keywords": ["happy"],
            "quoteToken": uuid.uuid4().hex,
        },
    }
    message = {"type": content_type, "id": _msg_id(), **contents[content_type]}
    return event("message", message=message, **kw)


def follow_event(**kw: Any) -> dict[str, Any]:
    return event("follow", follow={"isUnblocked": False}, **kw)


def unfollow_event(**kw: Any) -> dict[str, Any]:
    return event("unfollow", reply=False, **kw)


def join_event(group: str = "C" + "d" * 32, **kw: Any) -> dict[str, Any]:
    kw.setdefault("user", None)
    return event("join", group=group, **kw)


def leave_event(group: str = "C" + "d" * 32, **kw: Any) -> dict[str, Any]:
    kw.setdefault("user", None)
    return event("leave", group=group, reply=False, **kw)


def member_joined_event(users: Iterable[str], group: str = "C" + "d" * 32, **kw: Any) -> dict[str, Any]:
    kw.setdefault("user", None)
    members = [{"type": "user", "userId": u} for u in users]
    return event("memberJoined", group=group, joined={"members": members}, **kw)


def member_left_event(users: Iterable[str], group: str = "C" + "d" * 32, **kw: Any) -> dict[str, Any]:
    kw.setdefault("user", None)
    members = [{"type": "user", "userId": u} for u in users]
    return event("memberLeft", group=group, reply=False, left={"members": members}, **kw)


def postback_event(data: str, params: dict[str, str] | None = None, **kw: Any) -> dict[str, Any]:
    return event("postback", postback={"data": data, **({"params": params} if params else {})}, **kw)


def unsend_event(**kw: Any) -> dict[str, Any]:
    return event("unsend", reply=False, unsend={"messageId": _msg_id()}, **kw)


def message_edited_event(text: str = "แก้ไขแล้ว", **kw: Any) -> dict[str, Any]:
    message = {"type": "text", "id": _msg_id(), "text": text, "quoteToken": uuid.uuid4().hex}
    return event("messageEdited", message=message, **kw)


def video_play_complete_event(**kw: Any) -> dict[str, Any]:
    return event("videoPlayComplete", videoPlayComplete={"trackingId": "track-1"}, **kw)


def beacon_event(**kw: Any) -> dict[str, Any]:
    return event("beacon", beacon={"hwid": "d41d8cd98f", "type": "enter", "dm": "1234"}, **kw)


def account_link_event(**kw: Any) -> dict[str, Any]:
    return event("accountLink", link={"result": "ok", "nonce": "nonce-1"}, **kw)


def membership_event(**kw: Any) -> dict[str, Any]:
    return event("membership", membership={"type": "joined", "membershipId": 3189}, **kw)


def unknown_event(**kw: Any) -> dict[str, Any]:
    return event("somethingNew", somethingNew={"x": 1}, **kw)


def webhook_body(*events: dict[str, Any], destination: str = BOT_USER_ID) -> bytes:
    """The request body LINE posts: `{"destination", "events"}` as compact UTF-8 JSON."""
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode("utf-8")


def signature(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    """X-Line-Signature as LINE computes it (base64 HMAC-SHA256 of the raw body).
    Test-side only: the bot itself verifies with the SDK's WebhookParser."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signed_headers(body: bytes, secret: str = CHANNEL_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8", "X-Line-Signature": signature(body, secret)}


# ---------------------------------------------------------------- pytest fixtures


@pytest.fixture
async def fake_line():
    """A running FakeLine on 127.0.0.1 (random port); closed after the test."""
    async with FakeLine() as fake:
        yield fake


@pytest.fixture
def line_settings(settings, fake_line):
    """The test settings pointed at the fake server (secret/token as the fake expects)."""
    from dataclasses import replace

    return replace(
        settings,
        line_channel_secret=CHANNEL_SECRET,
        line_channel_access_token=CHANNEL_TOKEN,
        line_api_base_url=fake_line.url,
    )
