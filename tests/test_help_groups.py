"""Help, welcome, group registration and notification switches, through the real
dispatcher (no LINE): what officers see and what is stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bot.db.models import Chat, Officer
from bot.events import strip_trigger, to_incoming
from tests.conftest import ADMIN_ID, GROUP_ID, OFFICER_ID, incoming


def chat_row(app, chat_id=GROUP_ID) -> Chat | None:
    with app.sessions() as s:
        return s.scalar(select(Chat).where(Chat.line_chat_id == chat_id))


@pytest.mark.parametrize("word", ["วิธีใช้", "เมนู", "help", "ช่วยอะไรได้บ้างคะ", "บอททำอะไรได้บ้าง", "ใช้งานยังไงครับ"])
def test_help_lists_what_the_bot_does_with_tappable_examples(say, word):
    (reply,) = say(word)
    for topic in ("บันทึกเรื่อง", "ยืมเงิน", "เงินยืมค้าง", "การเยือน", "เรื่องของฉัน", "ลงทะเบียนกลุ่ม"):
        assert topic in reply.text
    assert len(reply.quick) >= 5 and all(a.text for a in reply.quick)


def test_follow_welcomes_and_records(app, officers):
    (reply,) = app.handle(incoming(kind="follow", user=OFFICER_ID))
    assert "สวัสดีค่ะ" in reply.text and reply.quick
    app.handle(incoming(kind="unfollow", user=OFFICER_ID))
    with app.sessions() as s:
        assert s.scalar(select(Officer.followed).where(Officer.line_user_id == OFFICER_ID)) is False
    assert app.handle(incoming(kind="follow", user="U" + "9" * 32))  # unregistered: welcomed too


def test_join_introduces_and_records_the_group(app):
    (reply,) = app.handle(incoming(kind="join", user=None, chat_type="group"))
    trigger = app.settings.trigger_words[0]
    assert f'"{trigger}' in reply.text and "แท็ก" in reply.text
    row = chat_row(app)
    assert row is not None and row.chat_type == "group" and row.active and row.registered_at is None


def test_admin_registers_a_group_and_switches_notifications(app, officers):
    (reply,) = app.handle(incoming("ลงทะเบียนกลุ่ม", user=ADMIN_ID, chat_type="group"))
    assert "ลงทะเบียน" in reply.text and "ค่ะ" in reply.text
    row = chat_row(app)
    assert row.unit == app.settings.default_unit and row.registered_at is not None
    assert row.registered_by_id == officers[ADMIN_ID]
    assert row.notify_visits and row.notify_advances and row.notify_digest
    app.handle(incoming("ปิดการแจ้งเตือน", user=ADMIN_ID, chat_type="group"))
    row = chat_row(app)
    assert not (row.notify_visits or row.notify_advances or row.notify_digest)
    app.handle(incoming("เปิดการแจ้งเตือน", user=ADMIN_ID, chat_type="group"))
    assert chat_row(app).notify_visits


def test_non_admin_is_refused_politely(app, officers):
    for words in ("ลงทะเบียนกลุ่ม", "ปิดการแจ้งเตือน", "เปิดการแจ้งเตือน"):
        (reply,) = app.handle(incoming(words, user=OFFICER_ID, chat_type="group"))
        assert "ขออภัยค่ะ" in reply.text and "ผู้ดูแล" in reply.text
    row = chat_row(app)
    assert row is None or row.registered_at is None


def test_a_deactivated_settings_admin_is_refused_like_anyone(app, officers):
    """Admins named in the settings are registered on first contact; deactivated on
    purpose, they lose the group commands too (one permission check, router.admin)."""
    with app.sessions.begin() as s:
        s.scalar(select(Officer).where(Officer.line_user_id == ADMIN_ID)).active = False
    for words in ("ลงทะเบียนกลุ่ม", "ปิดการแจ้งเตือน"):
        (reply,) = app.handle(incoming(words, user=ADMIN_ID, chat_type="group"))
        assert "ขออภัยค่ะ" in reply.text
    row = chat_row(app)
    assert row is None or row.registered_at is None


def test_registration_only_in_a_group(app, officers):
    (reply,) = app.handle(incoming("ลงทะเบียนกลุ่ม", user=ADMIN_ID))
    assert "กลุ่ม" in reply.text
    assert chat_row(app, ADMIN_ID) is None or chat_row(app, ADMIN_ID).registered_at is None


def test_notifications_on_needs_registration_first(app, officers):
    (reply,) = app.handle(incoming("เปิดการแจ้งเตือน", user=ADMIN_ID, chat_type="group"))
    assert "ยังไม่ได้ลงทะเบียน" in reply.text
    assert not chat_row(app).notify_visits


def test_leave_marks_the_chat_inactive(app):
    app.handle(incoming(kind="join", user=None, chat_type="group"))
    assert app.handle(incoming(kind="leave", user=None, chat_type="group")) == []
    row = chat_row(app)
    assert row.active is False and row.left_at is not None
    app.handle(incoming(kind="join", user=None, chat_type="group"))
    assert chat_row(app).active is True


def test_group_message_without_trigger_is_ignored(app, officers):
    assert app.handle(incoming("วิธีใช้", user=OFFICER_ID, chat_type="group", addressed=False)) == []


def test_non_text_in_one_to_one(app):
    (image,) = app.handle(incoming(message_type="image"))
    assert image.text.startswith("ตอนนี้อ่านได้เฉพาะข้อความนะคะ")
    (sticker,) = app.handle(incoming(message_type="sticker"))
    assert "😊" in sticker.text
    (emoji,) = app.handle(incoming("😀👍"))
    assert "😊" in emoji.text
    assert app.handle(incoming(kind="unsend", message_type=None)) == []
    assert app.handle(incoming(kind="somethingNew", message_type=None)) == []


# ---------------------------------------------------------------- events → Incoming


def _text_event(text, *, source, mentionees=(), emojis=None):
    message = SimpleNamespace(type="text", text=text, mention=SimpleNamespace(mentionees=list(mentionees)) if mentionees else None, emojis=emojis)
    return SimpleNamespace(type="message", source=source, message=message, mode="active")


def test_trigger_words_are_stripped_as_whole_words(settings):
    words = settings.trigger_words
    assert strip_trigger("บอท เงินยืม", words) == (True, "เงินยืม")
    assert strip_trigger("Bot: help", words) == (True, "help")
    assert strip_trigger("@bot วิธีใช้", words) == (True, "วิธีใช้")
    assert strip_trigger("bottle", words)[0] is False
    assert strip_trigger("เงินยืม บอท", words)[0] is False


def test_mentions_address_the_bot_and_collect_others(settings):
    bot, other = "Ubot", "Uother"
    group = SimpleNamespace(type="group", group_id=GROUP_ID, user_id=None)
    ev = _text_event(
        "@ผู้ช่วย มอบหมายให้ @สมศรี",
        source=group,
        mentionees=[SimpleNamespace(type="user", index=0, length=8, user_id=bot, is_self=False),
                    SimpleNamespace(type="user", index=19, length=6, user_id=other, is_self=False)],
    )
    inc = to_incoming(ev, settings, bot_user_id=bot, now=datetime.now(timezone.utc))
    assert inc.addressed and inc.user_id is None and inc.chat_id == GROUP_ID
    assert inc.mentioned_user_ids == [other]
    assert inc.text.startswith("มอบหมายให้")
    plain = to_incoming(_text_event("สวัสดี", source=group), settings, bot_user_id=bot)
    assert plain.addressed is False
    custom = replace(settings, trigger_words=("น้องบอท",))
    assert to_incoming(_text_event("น้องบอท สวัสดี", source=group), custom).addressed


def test_line_emoji_placeholders_are_removed(settings):
    user = SimpleNamespace(type="user", user_id=OFFICER_ID)
    ev = _text_event("(love)(love)", source=user, emojis=[SimpleNamespace(index=0, length=6), SimpleNamespace(index=6, length=6)])
    assert to_incoming(ev, settings).text == ""


def test_rich_menu_ask_button_explains_how_to_ask(say):
    (reply,) = say("ถามคู่มือ")
    assert "พิมพ์คำถาม" in reply.text and len(reply.quick) == 4


def test_see_more_typed_points_to_the_button_not_a_random_topic(app, officers, say):
    for typed in ("ดูเพิ่ม", "ดูเพิ่มเติมค่ะ", "ต่อ", "ขอดูทั้งหมดครับ"):
        (reply,) = say(typed)
        assert "ดูขั้นตอนทั้งหมด" in reply.text and "ไม่แน่ใจ" not in reply.text
