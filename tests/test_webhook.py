"""The webhook service end to end: signed bodies through the real aiohttp app, its
SDK client talking to the fake LINE server over HTTP (which refuses anything LINE
would refuse). Also the fake itself, and LineSender's retry rules."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer
from linebot.v3 import WebhookParser
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhook import UnknownEvent
from sqlalchemy import func, select

import knowledge
from bot.db.models import Chat, ChatMember, Officer, ProcessedEvent
from bot.line import LineSender
from bot.sender import PushError
from bot.web import SENDER, SERVICE, create_app
from handlers.replies import Reply
from knowledge.answer import Answer, Suggestion
from knowledge.model import Duration, Span, Step
from tests import fake_line as F
from tests.conftest import ADMIN_ID, GROUP_ID, OFFICER_ID

# ---------------------------------------------------------------- a fake knowledge engine


class FakeEngine:
    """Answers like knowledge.Engine, without loading the manuals (fast, predictable)."""

    def __init__(self) -> None:
        self.long = False
        self.questions: list[str] = []

    def steps(self, n: int) -> list[Step]:
        return [
            Step(no=str(i), text=f"ขั้นตอนที่ {i} ตรวจเอกสารและเสนอผู้บังคับบัญชา" * (20 if self.long else 1),
                 duration=Duration(raw="1 วัน"), responsible="นักวิเทศสัมพันธ์")
            for i in range(1, n + 1)
        ]

    def answer(self, q: str, unit: str | None = None) -> Answer:
        self.questions.append(q)
        if "ไม่รู้" in q:
            return Answer(query=q, kind="unsure", body="ขออภัยค่ะ ยังไม่แน่ใจว่าคู่มือมีคำตอบเรื่องนี้ หัวข้อที่ใกล้เคียงที่สุดคือ …",
                          suggestions=[Suggestion("การต้อนรับคณะชาวต่างประเทศ ณ ท่าอากาศยานสุวรรณภูมิ", "000/P6"),
                                       Suggestion("เงินยืม", "000/P9"), Suggestion("การล่าม", "000/P12")])
        n = 200 if self.long else 8
        steps = self.steps(n)
        body = "ขั้นตอนเงินยืม มีทั้งหมด %d ขั้นตอนค่ะ\n" % n + "\n".join(f"{s.no}. {s.text}" for s in steps)
        return Answer(query=q, kind="answer", title="การยืมเงินทดรองราชการ", body=body * (10 if self.long else 1),
                      steps=steps, total_steps=n, citation="คู่มือปฏิบัติงาน สกต. 2564 · เงินยืม · บรรทัด 100–120",
                      section_id="000/P9", key="000:P9", source="knowledge/sources/x.txt", lines=(100, 120),
                      suggestions=[Suggestion("การต้อนรับคณะ", "000/P6")])

    def section(self, section_id: str):
        if section_id not in {"000/P6", "000/P9", "000/P12"}:
            raise KeyError(section_id)
        return SimpleNamespace(id=section_id, doc="000", title="การยืมเงินทดรองราชการ", text="ยืมได้ภายใน 30 วัน",
                               steps=[], spans=[Span("knowledge/sources/x.txt", 100, 120)], key="000:P9")

    def document(self, _doc: str):
        return None

    def steps_text(self, section_id: str) -> str:
        self.section(section_id)
        return "\n".join(f"{s.no}. {s.text} (1 วัน · ผู้รับผิดชอบ นักวิเทศสัมพันธ์)" for s in self.steps(12))


@pytest.fixture
def engine(monkeypatch) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr(knowledge, "get_engine", lambda: fake, raising=False)
    return fake


@pytest.fixture
async def client(app, line_settings, engine):
    web_app = create_app(line_settings, application=app, knowledge_loader=None, start_ticker=False,
                         sender_options={"backoff": 0.01})
    async with TestClient(TestServer(web_app)) as c:
        yield c


def service(client):
    return client.server.app[SERVICE]


async def post(client, *events, secret: str = F.CHANNEL_SECRET, wait: bool = True):
    body = F.webhook_body(*events)
    resp = await client.post("/callback", data=body, headers=F.signed_headers(body, secret))
    if wait:
        await service(client).drain(5)
    return resp


def count(app, model) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- the fake itself


async def test_fake_enforces_tokens_retry_keys_and_limits(fake_line):
    conf = Configuration(host=fake_line.url, access_token=F.CHANNEL_TOKEN)
    async with AsyncApiClient(conf) as api_client:
        api = AsyncMessagingApi(api_client)
        await api.reply_message(ReplyMessageRequest(reply_token="t1", messages=[TextMessage(text="hi")]), _request_timeout=5)
        with pytest.raises(ApiException) as e:
            await api.reply_message(ReplyMessageRequest(reply_token="t1", messages=[TextMessage(text="hi")]), _request_timeout=5)
        assert e.value.status == 400 and "Invalid reply token" in str(e.value.body)
        key = str(uuid.uuid4())
        push = PushMessageRequest(to="U1", messages=[TextMessage(text="x")])
        await api.push_message(push, x_line_retry_key=key, _request_timeout=5)
        with pytest.raises(ApiException) as e:
            await api.push_message(push, x_line_retry_key=key, _request_timeout=5)
        assert e.value.status == 409
        with pytest.raises(ApiException) as e:
            await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x" * 5001)]), _request_timeout=5)
        assert e.value.status == 400
        fake_line.fail_next(429, times=2)
        for _ in range(2):
            with pytest.raises(ApiException) as e:
                await api.push_message(push, _request_timeout=5)
            assert e.value.status == 429
    assert len(fake_line.pushes) == 1 and len(fake_line.replies) == 1


def test_fake_flags_limits():
    assert F.message_problems({"type": "text", "text": "😀" * 2501})  # 5002 UTF-16 units
    assert not F.message_problems({"type": "text", "text": "😀" * 2500})
    q = {"type": "action", "action": {"type": "message", "label": "x" * 21, "text": "a"}}
    assert F.message_problems({"type": "text", "text": "a", "quickReply": {"items": [q]}})


def test_event_builders_parse_as_known_events():
    events = [
        F.text_event("hi", group="C1", mention_self=True, mention_users=["U2"]),
        *[F.message_event(t) for t in ("image", "video", "audio", "file", "location", "sticker")],
        F.follow_event(), F.unfollow_event(), F.join_event(), F.leave_event(), F.member_joined_event(["U3"]),
        F.member_left_event(["U3"]), F.postback_event("a=steps"), F.unsend_event(), F.message_edited_event(),
        F.video_play_complete_event(), F.beacon_event(), F.account_link_event(), F.membership_event(),
    ]
    body = F.webhook_body(*events)
    payload = WebhookParser(F.CHANNEL_SECRET).parse(body.decode(), F.signature(body), as_payload=True)
    assert not [e for e in payload.events if isinstance(e, UnknownEvent)]
    assert payload.destination == F.BOT_USER_ID
    body = F.webhook_body(F.unknown_event())
    assert isinstance(WebhookParser(F.CHANNEL_SECRET).parse(body.decode(), F.signature(body))[0], UnknownEvent)


# ---------------------------------------------------------------- verification and limits


async def test_verification_call_with_no_events(client, fake_line):
    resp = await post(client)
    assert resp.status == 200
    assert fake_line.requests == []


async def test_forged_or_missing_signature_is_refused_and_nothing_stored(client, app, fake_line):
    resp = await post(client, F.text_event("เงินยืม"), secret="not-the-secret")
    assert resp.status == 400
    body = F.webhook_body(F.text_event("เงินยืม"))
    resp = await client.post("/callback", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 400
    await service(client).drain(5)
    assert count(app, ProcessedEvent) == 0
    assert fake_line.requests == []


async def test_body_over_the_limit_is_413(app, line_settings, engine, fake_line):
    settings = replace(line_settings, max_body_bytes=2000)
    web_app = create_app(settings, application=app, knowledge_loader=None, start_ticker=False)
    async with TestClient(TestServer(web_app)) as c:
        body = F.webhook_body(*[F.text_event("ก" * 100) for _ in range(10)])
        resp = await c.post("/callback", data=body, headers=F.signed_headers(body))
        assert resp.status == 413
    assert count(app, ProcessedEvent) == 0


async def test_healthz_ready(client):
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json()) == {"status": "ok", "database": "ok", "knowledge": "ready"}


async def test_healthz_503_while_knowledge_loads(app, line_settings, fake_line):
    gate = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_loader():
        asyncio.run_coroutine_threadsafe(gate.wait(), loop).result(5)

    web_app = create_app(line_settings, application=app, knowledge_loader=slow_loader, start_ticker=False,
                         freeze_gc=False)
    async with TestClient(TestServer(web_app)) as c:
        resp = await c.get("/healthz")
        assert resp.status == 503
        assert (await resp.json())["knowledge"] == "loading"
        gate.set()
        for _ in range(100):
            resp = await c.get("/healthz")
            if resp.status == 200:
                break
            await asyncio.sleep(0.05)
        assert resp.status == 200


async def test_healthz_503_when_database_is_down(client, app, monkeypatch):
    def broken():
        raise RuntimeError("down")

    monkeypatch.setattr(service(client), "_ping_database", broken)
    resp = await client.get("/healthz")
    assert resp.status == 503
    assert (await resp.json())["database"] == "unavailable"


# ---------------------------------------------------------------- answering


async def test_text_question_gets_a_flex_answer_by_reply(client, fake_line, engine):
    ev = F.text_event("ขั้นตอนยืมเงิน")
    resp = await post(client, ev)
    assert resp.status == 200
    assert len(fake_line.replies) == 1
    (reply,) = fake_line.replies
    assert reply["replyToken"] == ev["replyToken"]
    msg = reply["messages"][0]
    assert msg["type"] == "flex" and msg["altText"].startswith("การยืมเงินทดรองราชการ")
    assert engine.questions == ["ขั้นตอนยืมเงิน"]
    labels = [i["action"]["label"] for i in msg["quickReply"]["items"]]
    assert "ดูขั้นตอนทั้งหมด" in labels


async def test_long_answer_is_cut_to_fit(client, fake_line, engine):
    engine.long = True
    await post(client, F.text_event("ขั้นตอนยืมเงิน"))
    assert len(fake_line.replies) == 1, [r.body for r in fake_line.requests]
    msg = fake_line.replies[0]["messages"][0]
    assert len(msg["altText"]) <= 1500 and msg["altText"].endswith("…")
    assert F.json_size(msg["contents"]) <= F.MAX_BUBBLE_BYTES


async def test_unsure_answer_offers_three_topics(client, fake_line, engine):
    await post(client, F.text_event("ไม่รู้เรื่องอะไร"))
    msg = fake_line.replies[0]["messages"][0]
    assert msg["type"] == "text" and "ไม่แน่ใจ" in msg["text"]
    topics = [i["action"] for i in msg["quickReply"]["items"] if i["action"]["type"] == "postback"]
    assert len(topics) == 3 and all(len(t["label"]) <= 20 for t in topics)


async def test_postback_steps_and_topic(client, fake_line, engine):
    await post(client, F.postback_event("a=steps&s=000%2FP9"))
    msg = fake_line.replies[-1]["messages"][0]
    assert msg["type"] == "flex" and "12 ขั้นตอน" in msg["altText"]
    await post(client, F.postback_event("a=topic&s=000%2FP6"))
    msg = fake_line.replies[-1]["messages"][0]
    assert msg["type"] == "flex" and "บรรทัด 100–120" in msg["altText"]
    await post(client, F.postback_event("a=steps&s=nope"))
    assert "ไม่พบหัวข้อนี้" in fake_line.replies[-1]["messages"][0]["text"]


async def test_expired_reply_token_falls_back_to_push(client, fake_line):
    ev = F.text_event("ขั้นตอนยืมเงิน")
    fake_line.expire_reply_token(ev["replyToken"])
    await post(client, ev)
    assert fake_line.replies == []
    assert len(fake_line.pushes) == 1 and fake_line.pushes[0]["to"] == OFFICER_ID
    push = [r for r in fake_line.requests if r.path.endswith("/push")][0]
    uuid.UUID(push.headers["X-Line-Retry-Key"])


async def test_old_event_is_pushed_without_trying_the_reply(client, fake_line):
    ev = F.text_event("ขั้นตอนยืมเงิน")
    ev["timestamp"] -= 120_000
    await post(client, ev)
    assert fake_line.replies == [] and len(fake_line.pushes) == 1


async def test_redelivery_and_duplicates_are_handled_once(client, app, fake_line):
    ev = F.text_event("ขั้นตอนยืมเงิน")
    await post(client, ev)
    again = dict(ev, deliveryContext={"isRedelivery": True}, replyToken=uuid.uuid4().hex)
    await post(client, again)
    await post(client, ev, ev)
    assert len(fake_line.replies) == 1
    assert count(app, ProcessedEvent) == 1


async def test_standby_events_are_not_answered(client, app, fake_line):
    await post(client, F.text_event("ขั้นตอนยืมเงิน", mode="standby"))
    assert fake_line.requests == []
    assert count(app, ProcessedEvent) == 1


async def test_group_needs_trigger_or_mention(client, fake_line, engine):
    await post(client, F.text_event("ขั้นตอนยืมเงิน", group=GROUP_ID))
    assert fake_line.requests == [] and engine.questions == []
    await post(client, F.text_event("บอท ขั้นตอนยืมเงิน", group=GROUP_ID))
    await post(client, F.text_event("ขั้นตอนคืนเงิน", group=GROUP_ID, mention_self=True, user=None))
    await post(client, F.text_event("bottle ขั้นตอน", group=GROUP_ID))
    assert engine.questions == ["ขั้นตอนยืมเงิน", "ขั้นตอนคืนเงิน"]
    assert len(fake_line.replies) == 2


async def test_every_event_type_is_handled_without_error(client, app, fake_line, officers):
    user = OFFICER_ID
    events = {
        "text": F.text_event("วิธีใช้", user=user),
        "image": F.message_event("image", user=user),
        "video": F.message_event("video", user=user),
        "audio": F.message_event("audio", user=user),
        "file": F.message_event("file", user=user),
        "location": F.message_event("location", user=user),
        "sticker": F.message_event("sticker", user=user),
        "emoji": F.text_event("😀😀", user=user),
        "follow": F.follow_event(user=user),
        "unfollow": F.unfollow_event(user=ADMIN_ID),
        "join": F.join_event(),
        "memberJoined": F.member_joined_event(["U" + "e" * 32, "U" + "f" * 32]),
        "memberLeft": F.member_left_event(["U" + "e" * 32]),
        "postback": F.postback_event("a=steps&s=000%2FP9", user=user),
        "unsend": F.unsend_event(user=user),
        "messageEdited": F.message_edited_event(user=user),
        "videoPlayComplete": F.video_play_complete_event(user=user),
        "beacon": F.beacon_event(user=user),
        "accountLink": F.account_link_event(user=user),
        "membership": F.membership_event(user=user),
        "unknown": F.unknown_event(user=user),
        "group image": F.message_event("image", group=GROUP_ID),
    }
    for name, ev in events.items():
        before = len(fake_line.requests)
        resp = await post(client, ev)
        assert resp.status == 200, name
        new = fake_line.requests[before:]
        assert all(r.status == 200 for r in new), (name, [r.body for r in new])
        texts = [m.get("text") or m.get("altText") for r in new for m in r.body["messages"]]
        assert not any("ขัดข้อง" in t for t in texts), name
        expect = {
            "image": "อ่านได้เฉพาะข้อความ", "file": "อ่านได้เฉพาะข้อความ", "video": "อ่านได้เฉพาะข้อความ",
            "audio": "อ่านได้เฉพาะข้อความ", "sticker": "😊", "emoji": "😊", "follow": "สวัสดีค่ะ",
            "join": "บอท", "text": "ทำอะไรได้บ้าง", "postback": "ขั้นตอน",
        }
        if name in expect:
            assert texts and expect[name] in texts[0], (name, texts)
        elif name in {"unsend", "messageEdited", "videoPlayComplete", "beacon", "accountLink", "membership",
                      "unknown", "unfollow", "memberJoined", "memberLeft", "group image"}:
            assert texts == [], name
    await post(client, F.leave_event())
    with app.sessions() as s:
        chat = s.scalar(select(Chat).where(Chat.line_chat_id == GROUP_ID))
        assert chat.active is False and chat.left_at is not None
        members = {m.line_user_id: m.left_at for m in s.scalars(select(ChatMember))}
        assert set(members) == {"U" + "e" * 32, "U" + "f" * 32}
        assert members["U" + "e" * 32] is not None and members["U" + "f" * 32] is None
        assert s.scalar(select(Officer.followed).where(Officer.line_user_id == ADMIN_ID)) is False
        assert s.scalar(select(Officer.followed).where(Officer.line_user_id == OFFICER_ID)) is True
    assert count(app, ProcessedEvent) == len(events) + 1


async def test_server_never_answers_5xx_when_a_handler_breaks(client, fake_line, monkeypatch):
    def boom(_ev):
        raise RuntimeError("boom")

    monkeypatch.setattr(service(client), "claim", lambda *a: (_ for _ in ()).throw(RuntimeError("db down")))
    resp = await post(client, F.text_event("ขั้นตอน"))
    assert resp.status == 200


async def test_malformed_but_signed_body_is_400_not_500(client):
    body = b'{"destination": "x", "events": [{"type": "message"}]}'
    resp = await client.post("/callback", data=body, headers=F.signed_headers(body))
    assert resp.status in {200, 400}
    body = b"not json"
    resp = await client.post("/callback", data=body, headers=F.signed_headers(body))
    assert resp.status == 400


# ---------------------------------------------------------------- LineSender


async def test_push_retries_429_and_5xx_then_delivers(line_settings, fake_line):
    sender = LineSender.open(line_settings, backoff=0.01)
    try:
        fake_line.fail_next(429, path="/push")
        fake_line.fail_next(500, path="/push")
        await sender.push(OFFICER_ID, [Reply(text="เตือนค่ะ")], retry_key=str(uuid.uuid4()))
        assert len(fake_line.pushes) == 1
        pushes = [r for r in fake_line.requests if r.path.endswith("/push")]
        assert [r.status for r in pushes] == [429, 500, 200]
        assert len({r.headers["X-Line-Retry-Key"] for r in pushes}) == 1
    finally:
        await sender.close()


async def test_push_409_counts_as_delivered(line_settings, fake_line):
    sender = LineSender.open(line_settings, backoff=0.01)
    try:
        key = str(uuid.uuid4())
        await sender.push(OFFICER_ID, [Reply(text="เตือนค่ะ")], retry_key=key)
        await sender.push(OFFICER_ID, [Reply(text="เตือนค่ะ")], retry_key=key)  # 409: no error
        assert len(fake_line.pushes) == 1
    finally:
        await sender.close()


async def test_push_monthly_limit_is_not_retried(line_settings, fake_line):
    sender = LineSender.open(line_settings, backoff=0.01)
    try:
        fake_line.fail_next(429, times=1, message="You have reached your monthly limit.")
        with pytest.raises(PushError) as e:
            await sender.push(OFFICER_ID, [Reply(text="เตือนค่ะ")], retry_key=str(uuid.uuid4()))
        assert e.value.retryable is False and e.value.status == 429
        assert len(fake_line.requests) == 1
        fake_line.fail_next(500, times=10)
        with pytest.raises(PushError) as e:
            await sender.push(OFFICER_ID, [Reply(text="เตือนค่ะ")], retry_key=str(uuid.uuid4()))
        assert e.value.retryable is True
    finally:
        await sender.close()


async def test_ticker_is_started_and_stopped(app, line_settings, engine, fake_line, monkeypatch):
    import scheduler.runner as runner

    seen: list[str] = []

    class Spy(runner.Ticker):
        def start(self) -> None:
            seen.append("start")

        async def shutdown(self) -> None:
            seen.append("shutdown")

    monkeypatch.setattr(runner, "Ticker", Spy)
    web_app = create_app(line_settings, application=app, knowledge_loader=None)
    async with TestClient(TestServer(web_app)) as c:
        assert isinstance(c.server.app[SENDER], LineSender)
    assert seen == ["start", "shutdown"]


# ---------------------------------------------------------------- the real knowledge engine


async def test_end_to_end_with_the_real_knowledge_engine(app, line_settings, fake_line):
    """No fake engine: the manuals answer through the webhook, LINE accepts the card."""
    from knowledge.engine import get_engine

    web_app = create_app(line_settings, application=app, knowledge_loader=get_engine, start_ticker=False,
                         freeze_gc=False)
    async with TestClient(TestServer(web_app)) as c:
        svc = c.server.app[SERVICE]
        for _ in range(600):
            if svc.knowledge_state != "loading":
                break
            await asyncio.sleep(0.1)
        assert svc.knowledge_state == "ready"
        for q in ("ขั้นตอนการต้อนรับคณะต่างประเทศ", "เงินยืม คืนกี่วัน", "สวัสดี"):
            await post(c, F.text_event(q))
        assert len(fake_line.replies) == 3, [(r.status, r.body) for r in fake_line.requests]
        assert fake_line.replies[0]["messages"][0]["type"] == "flex"


# ---------------------------------------------------------------- rich menu


def test_rich_menu_image_is_a_valid_png(tmp_path):
    from PIL import Image

    from bot.richmenu import HEIGHT, WIDTH, main as richmenu_main

    out = tmp_path / "menu.png"
    assert richmenu_main(["image", str(out)]) == 0
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (WIDTH, HEIGHT)
    assert out.stat().st_size < 1_000_000


def test_rich_menu_uses_a_thai_font_when_one_exists(tmp_path):
    from bot.richmenu import find_thai_font, render_image

    font = find_thai_font()
    if font is None:
        pytest.skip("no Thai-capable font on this machine (install fonts-thai-tlwg)")
    assert render_image(tmp_path / "menu.png", font_path=font).exists()


async def test_rich_menu_install_against_the_fake(line_settings, fake_line, tmp_path):
    from bot.richmenu import MENU, install, menu_request, render_image

    assert not F._rich_menu_problems(menu_request())
    png = render_image(tmp_path / "menu.png")
    menu_id = await install(line_settings, png)
    assert fake_line.default_rich_menu == menu_id
    assert fake_line.rich_menu_images[menu_id] == png.read_bytes()
    upload = [r for r in fake_line.requests if r.path.endswith("/content")][0]
    assert upload.headers["Content-Type"] == "image/png"
    areas = fake_line.rich_menus[menu_id]["areas"]
    assert [a["action"]["text"] for a in areas] == [b.text for b in MENU]


# ---------------------------------------------------------------- python -m bot serve


def test_serve_without_credentials_stops_at_once(monkeypatch, capsys):
    from bot.__main__ import main as bot_main

    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    assert bot_main(["serve"]) == 2
    assert "LINE_CHANNEL_SECRET" in capsys.readouterr().err


async def test_python_m_bot_serve_end_to_end(fake_line, tmp_path, unused_tcp_port):
    """The real command on a fresh SQLite file: healthz turns 200, a signed webhook is
    answered through the fake LINE server, SIGINT shuts it down cleanly."""
    import os
    import signal
    import sys

    import aiohttp

    from bot.settings import REPO_ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "BOT_", "DATABASE_URL"))}
    env.update(
        LINE_CHANNEL_SECRET=F.CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=F.CHANNEL_TOKEN,
        LINE_API_BASE_URL=fake_line.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        BOT_TICK_SECONDS="3600",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(unused_tcp_port),
        cwd=str(REPO_ROOT), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{unused_tcp_port}"
    try:
        async with aiohttp.ClientSession() as http:
            status = None
            for _ in range(1200):
                try:
                    async with http.get(base + "/healthz") as resp:
                        status = resp.status
                        if status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert proc.returncode is None, (await proc.stdout.read()).decode()
                await asyncio.sleep(0.1)
            assert status == 200
            body = F.webhook_body(F.text_event("วิธีใช้"))
            async with http.post(base + "/callback", data=body, headers=F.signed_headers(body)) as resp:
                assert resp.status == 200
            await fake_line.wait_deliveries(1, timeout=30)
            assert "ทำอะไรได้บ้าง" in fake_line.texts()[0]
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        out = (await asyncio.wait_for(proc.stdout.read(), 60)).decode()
        await asyncio.wait_for(proc.wait(), 60)
    assert proc.returncode == 0, out
    assert "U" + "b" * 32 not in out  # no LINE user ids in the logs


async def test_events_of_one_chat_are_answered_in_order(client, fake_line, engine):
    """Separate webhook requests for one chat: handled and delivered in arrival order,
    and the per-chat locks are released afterwards."""
    events = [F.text_event(q) for q in ("ขั้นตอนที่หนึ่ง", "ขั้นตอนที่สอง", "ขั้นตอนที่สาม")]
    for ev in events:
        await post(client, ev, wait=False)
    await service(client).drain(5)
    assert engine.questions == ["ขั้นตอนที่หนึ่ง", "ขั้นตอนที่สอง", "ขั้นตอนที่สาม"]
    assert [r["replyToken"] for r in fake_line.replies] == [e["replyToken"] for e in events]
    assert service(client)._chat_locks == {}


async def test_sqlite_checkpoints_run_off_the_handler_path(app, line_settings, engine, fake_line):
    from sqlalchemy import text as sql

    from bot.web import WalCheckpointer

    if not WalCheckpointer.applies(app.engine):
        pytest.skip("SQLite only")
    web_app = create_app(line_settings, application=app, knowledge_loader=None, start_ticker=False)
    async with TestClient(TestServer(web_app)) as c:
        with app.engine.connect() as conn:
            assert conn.execute(sql("PRAGMA wal_autocheckpoint")).scalar() == 0
        await post(c, F.text_event("ขั้นตอนยืมเงิน"))
        WalCheckpointer(app.engine).checkpoint()  # a manual pass works alongside the service
    assert len(fake_line.replies) == 1


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b'{"events": {"type": "message"}}', b'{"destination": [1], "events": []}'])
async def test_signed_json_that_is_not_a_webhook_object_is_400_not_500(client, body):
    resp = await client.post("/callback", data=body, headers=F.signed_headers(body))
    assert resp.status in {200, 400}
