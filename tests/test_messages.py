"""bot/messages.py: any Reply becomes messages LINE accepts (checked by the same
validator the fake LINE server uses), shortened with "…" rather than refused."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import fit, label, messages_json, postback_data, to_messages, utf16_len, wire_size
from handlers.replies import Action, Card, Field, Reply, postback
from tests import fake_line as F

thai = st.text(alphabet=st.sampled_from(list("กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะาิีึืุูเแโใไ่้๊๋์ 0123456789abc😀\n")), max_size=400)


def problems(replies: list[Reply]) -> list[str]:
    msgs = messages_json(replies)
    body = {"to": "U" + "1" * 32, "messages": msgs}
    from linebot.v3.messaging import PushMessageRequest

    return F.request_problems(body, PushMessageRequest)


def test_plain_text_and_quick_replies():
    (msg,) = messages_json([Reply(text="สวัสดีค่ะ", quick=[Action("วิธีใช้", text="วิธีใช้")])])
    assert msg["type"] == "text" and msg["text"] == "สวัสดีค่ะ"
    assert msg["quickReply"]["items"][0]["action"] == {"type": "message", "label": "วิธีใช้", "text": "วิธีใช้"}


def test_card_is_a_flex_bubble_with_alt_text_and_postback_button():
    card = Card(title="เงินยืม", body="คืนภายใน 30 วัน", fields=[Field("วันที่", "15 ม.ค. 2569")], items=["1. ยื่นเรื่อง"],
                footnote="ที่มา: คู่มือ · บรรทัด 10", buttons=[Action("ดูขั้นตอนทั้งหมด", data=postback("steps", s="000/P9"))])
    (msg,) = messages_json([Reply(text="เงินยืม คืนภายใน 30 วัน", cards=[card])])
    assert msg["type"] == "flex" and msg["altText"] == "เงินยืม คืนภายใน 30 วัน"
    assert msg["contents"]["type"] == "bubble"
    button = msg["contents"]["footer"]["contents"][0]["action"]
    assert button["type"] == "postback" and button["data"] == "a=steps&s=000%2FP9"


def test_several_cards_make_a_carousel_of_at_most_12():
    cards = [Card(title=f"เรื่อง {i}", body="ก" * 50) for i in range(20)]
    (msg,) = messages_json([Reply(text="รายการ", cards=cards)])
    assert msg["contents"]["type"] == "carousel" and len(msg["contents"]["contents"]) == 12
    assert not problems([Reply(text="รายการ", cards=cards)])


def test_limits_are_enforced_by_cutting_never_failing():
    long_label = Action("ป้ายที่ยาวมากเกินยี่สิบตัวอักษรแน่นอน", data="a=x&" + "k=" + "v" * 400)
    replies = [Reply(text="😀" * 3000, quick=[long_label] * 20)] + [Reply(text=f"ข้อ {i}") for i in range(7)]
    msgs = messages_json(replies)
    assert len(msgs) == 5
    assert utf16_len(msgs[0]["text"]) <= 5000 and msgs[0]["text"].endswith("…")
    items = msgs[0]["quickReply"]["items"]
    assert len(items) == 13
    assert all(1 <= len(i["action"]["label"]) <= 20 and len(i["action"]["data"]) <= 300 for i in items)
    assert "ข้อ 6" in msgs[4]["text"]  # folded into the fifth, not dropped
    assert not problems(replies)


def test_huge_card_shrinks_below_30kb():
    card = Card(title="ขั้นตอน", body="ข้อความยาว " * 2000, items=[f"{i}. " + "ทำงาน " * 100 for i in range(300)],
                fields=[Field("หมายเหตุ", "ก" * 3000)] * 5)
    (msg,) = messages_json([Reply(text="ก" * 4000, cards=[card])])
    assert wire_size(msg["contents"]) <= 30_000
    assert len(msg["altText"]) <= 1500
    assert not problems([Reply(text="ก" * 4000, cards=[card])])


def test_empty_text_and_empty_label_still_valid():
    replies = [Reply(text="", cards=[Card(title="หัวข้อ")], quick=[Action("", text="")]), Reply(text="  ")]
    assert len(to_messages(replies)) == 1
    assert not problems(replies)


def test_helpers():
    assert fit("abc", 3) == "abc" and fit("abcd", 3) == "ab…"
    assert utf16_len(fit("😀" * 10, 5)) <= 5
    assert label("  ") == "เลือก" and len(label("x" * 30)) == 20
    assert postback_data("a=1&" + "b=" + "x" * 400) == "a=1"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(thai, min_size=0, max_size=8),
    titles=st.lists(thai, min_size=1, max_size=15),
    items=st.lists(thai, max_size=40),
    labels=st.lists(thai, max_size=16),
    big=st.integers(min_value=1, max_value=30),
)
def test_any_reply_is_accepted_by_the_fake_line_validator(texts, titles, items, labels, big):
    actions = [Action(lb, data=postback("topic", s=lb * 3)) if i % 2 else Action(lb, text=lb) for i, lb in enumerate(labels)]
    cards = [Card(title=t, body=t * big, items=items, buttons=actions, fields=[Field(t, t * big)]) for t in titles]
    replies = [Reply(text=t * big, quick=actions) for t in texts] + [Reply(text=titles[0] * big, cards=cards, quick=actions)]
    assert not problems(replies)
