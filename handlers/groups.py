"""Topic: groups: joining and leaving, members, registration and notifications.

Why registration: a group gets no push until an admin says "ลงทะเบียนกลุ่ม" in it,
which ties it to the admin's unit and turns its notifications on; "ปิดการแจ้งเตือน"
turns them all off again. The scheduler pushes only to registered chats with a flag
on, so the bot never pushes to a group that did not ask.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Chat, ChatMember
from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Action, Reply
from handlers.router import Router, admin, text_is
from scheduler import visits

router = Router("groups")

REGISTER_WORDS = ("ลงทะเบียนกลุ่ม", "ลงทะเบียนกลุ่มนี้")
OFF_WORDS = ("ปิดการแจ้งเตือน", "ปิดแจ้งเตือน")
ON_WORDS = ("เปิดการแจ้งเตือน", "เปิดแจ้งเตือน")

NOT_ADMIN = "ขออภัยค่ะ คำสั่งนี้สำหรับผู้ดูแลระบบเท่านั้น รบกวนให้ผู้ดูแลของหน่วยงานพิมพ์แทนนะคะ"
ONLY_IN_GROUP = "คำสั่งนี้ใช้ในกลุ่ม LINE ค่ะ เชิญบอทเข้ากลุ่มแล้วพิมพ์อีกครั้งนะคะ"


def _set_flags(chat: Chat, on: bool) -> None:
    chat.notify_visits = chat.notify_advances = chat.notify_digest = on


# ---------------------------------------------------------------- membership events


@router.event("join")
def join(ev: Incoming, ctx: Context) -> list[Reply]:
    chat = ctx.chat(ev)
    if not chat.active:  # invited back after leaving
        chat.active, chat.left_at, chat.joined_at = True, None, ctx.now
    trigger = ctx.settings.trigger_word
    text = (
        "สวัสดีค่ะ ผู้ช่วยงานสำนักงานการต่างประเทศ กทม. ยินดีที่ได้ร่วมกลุ่มค่ะ 😊\n"
        f"ในกลุ่มนี้จะตอบเฉพาะเมื่อแท็กบอท หรือข้อความขึ้นต้นด้วย \"{trigger}\" เช่น \"{trigger} เงินยืม คืนกี่วัน\"\n"
        "ผู้ดูแลพิมพ์ \"ลงทะเบียนกลุ่ม\" เพื่อรับแจ้งเตือนการเยือนและเงินยืมของหน่วยงานได้ค่ะ"
    )
    return [Reply(text=text, quick=[Action("วิธีใช้", text=f"{trigger} วิธีใช้")])]


@router.event("leave")
def leave(ev: Incoming, ctx: Context) -> list[Reply]:
    chat = ctx.chat(ev)
    chat.active = False
    chat.left_at = ctx.now
    return []


def _members(ev: Incoming, attr: str) -> list[str]:
    block: Any = getattr(ev.raw, attr, None)
    return [m.user_id for m in getattr(block, "members", None) or [] if getattr(m, "user_id", None)]


def _member_row(ctx: Context, chat: Chat, user_id: str) -> ChatMember:
    """The member row of this chat and user, created on first sight."""
    row = ctx.session.scalar(select(ChatMember).where(ChatMember.chat_id == chat.id, ChatMember.line_user_id == user_id))
    if row is None:
        row = ChatMember(chat_id=chat.id, line_user_id=user_id, joined_at=ctx.now)
        ctx.session.add(row)
    return row


@router.event("memberJoined")
def member_joined(ev: Incoming, ctx: Context) -> list[Reply]:
    chat = ctx.chat(ev)
    for user_id in _members(ev, "joined"):
        row = _member_row(ctx, chat, user_id)
        row.joined_at, row.left_at = ctx.now, None
    ctx.session.flush()
    return []


@router.event("memberLeft")
def member_left(ev: Incoming, ctx: Context) -> list[Reply]:
    chat = ctx.chat(ev)
    for user_id in _members(ev, "left"):
        _member_row(ctx, chat, user_id).left_at = ctx.now
    ctx.session.flush()
    return []


# ---------------------------------------------------------------- registration


@router.message(text_is(*REGISTER_WORDS))
def register(ev: Incoming, ctx: Context) -> list[Reply]:
    if not ev.in_group:
        return [Reply(text=ONLY_IN_GROUP)]
    if not admin(ev, ctx):
        return [Reply(text=NOT_ADMIN)]
    officer = ctx.officer(ev)
    assert officer is not None  # an admin is a registered officer
    chat = ctx.chat(ev)
    chat.unit = officer.unit
    chat.registered_at = ctx.now
    chat.registered_by_id = officer.id
    chat.active = True
    _set_flags(chat, True)
    visits.plan_for_group(ctx.session, chat, ctx.settings, ctx.now)  # events logged before today too
    return [
        Reply(
            text=(
                f"ลงทะเบียนกลุ่มนี้กับ{chat.unit}แล้วค่ะ ✅\n"
                "จะแจ้งเตือนการเยือน เงินยืมใกล้ครบกำหนด และสรุปประจำสัปดาห์ในกลุ่มนี้นะคะ "
                "ปิดได้ด้วย \"ปิดการแจ้งเตือน\" ค่ะ"
            )
        )
    ]


@router.message(text_is(*OFF_WORDS))
def notifications_off(ev: Incoming, ctx: Context) -> list[Reply]:
    return _toggle(ev, ctx, on=False)


@router.message(text_is(*ON_WORDS))
def notifications_on(ev: Incoming, ctx: Context) -> list[Reply]:
    return _toggle(ev, ctx, on=True)


def _toggle(ev: Incoming, ctx: Context, *, on: bool) -> list[Reply]:
    if not ev.in_group:
        return [Reply(text=ONLY_IN_GROUP)]
    if not admin(ev, ctx):
        return [Reply(text=NOT_ADMIN)]
    chat = ctx.chat(ev)
    if on and chat.registered_at is None:
        return [Reply(text="กลุ่มนี้ยังไม่ได้ลงทะเบียนค่ะ พิมพ์ \"ลงทะเบียนกลุ่ม\" ก่อนนะคะ",
                      quick=[Action("ลงทะเบียนกลุ่ม", text="ลงทะเบียนกลุ่ม")])]
    _set_flags(chat, on)
    if on:
        visits.plan_for_group(ctx.session, chat, ctx.settings, ctx.now)
        return [Reply(text="เปิดการแจ้งเตือนในกลุ่มนี้แล้วค่ะ 🔔")]
    return [Reply(text="ปิดการแจ้งเตือนในกลุ่มนี้แล้วค่ะ 🔕 เปิดอีกครั้งได้ด้วย \"เปิดการแจ้งเตือน\" นะคะ")]
