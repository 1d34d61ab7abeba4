"""The webhook service end to end against the fake LINE server (and the fake itself)."""

import uuid, pytest
from linebot.v3.messaging import Configuration, AsyncApiClient, AsyncMessagingApi, ReplyMessageRequest, PushMessageRequest, TextMessage
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3 import WebhookParser
from linebot.v3.webhook import UnknownEvent
from tests import fake_line as F

async def test_smoke(fake_line):
    conf = Configuration(host=fake_line.url, access_token=F.CHANNEL_TOKEN)
    async with AsyncApiClient(conf) as client:
        api = AsyncMessagingApi(client)
        await api.reply_message(ReplyMessageRequest(reply_token="t1", messages=[TextMessage(text="hi")]), _request_timeout=5)
        with pytest.raises(ApiException) as e:
            await api.reply_message(ReplyMessageRequest(reply_token="t1", messages=[TextMessage(text="hi")]), _request_timeout=5)
        assert e.value.status == 400 and b"Invalid reply token" in e.value.body.encode() if isinstance(e.value.body,str) else True
        k = str(uuid.uuid4())
        await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x")]), x_line_retry_key=k, _request_timeout=5)
        with pytest.raises(ApiException) as e:
            await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x")]), x_line_retry_key=k, _request_timeout=5)
        assert e.value.status == 409
        with pytest.raises(ApiException) as e:
            await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x"*5001)]), _request_timeout=5)
        assert e.value.status == 400
        fake_line.fail_next(429, times=2)
        for _ in range(2):
            with pytest.raises(ApiException) as e:
                await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x")]), _request_timeout=5)
            assert e.value.status == 429
    assert len(fake_line.pushes) == 1 and len(fake_line.replies) == 1

def test_events_parse():
    evs = [F.text_event("hi", group="C1", mention_self=True, mention_users=["U2"]), *[F.message_event(t) for t in ["image","video","audio","file","location","sticker"]],
        F.follow_event(), F.unfollow_event(), F.join_event(), F.leave_event(), F.member_joined_event(["U3"]), F.member_left_event(["U3"]),
        F.postback_event("a=steps"), F.unsend_event(), F.message_edited_event(), F.video_play_complete_event(), F.beacon_event(), F.account_link_event(), F.membership_event()]
    body = F.webhook_body(*evs)
    p = WebhookParser(F.CHANNEL_SECRET).parse(body.decode(), F.signature(body), as_payload=True)
    bad = [type(e).__name__ for e in p.events if isinstance(e, UnknownEvent)]
    assert not bad, bad
    assert p.destination == F.BOT_USER_ID
    body = F.webhook_body(F.unknown_event())
    assert isinstance(WebhookParser(F.CHANNEL_SECRET).parse(body.decode(), F.signature(body))[0], UnknownEvent)
