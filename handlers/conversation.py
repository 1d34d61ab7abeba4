"""Leaving any conversation ("ยกเลิก"), and the polite note when one has expired."""

from __future__ import annotations

from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Reply, text_reply
from handlers.extract.words import bare_word
from handlers.router import Router

router = Router("conversation")

CANCEL_WORDS = ("ยกเลิก", "cancel", "พอแล้ว", "ยกเลิกก่อน", "ไม่เอาแล้ว", "ไม่บันทึก")


@router.message(lambda ev, _ctx: bare_word(ev.text) in CANCEL_WORDS)  # "ยกเลิกนะคะ" too
def cancel(ev: Incoming, ctx: Context) -> list[Reply]:
    if ctx.end_conversation(ev):
        return text_reply("ยกเลิกแล้วค่ะ ไม่มีอะไรถูกบันทึกเพิ่ม")
    return text_reply("ตอนนี้ไม่มีเรื่องที่ค้างอยู่ค่ะ")


def expiry_note(ctx: Context) -> Reply | None:
    """Said once, before the answer, when the person's open conversation timed out."""
    if ctx.expired_topic is None:
        return None
    return Reply(text="เรื่องที่คุยค้างไว้หมดเวลาแล้วค่ะ ยังไม่ได้บันทึก หากต้องการ กรุณาพิมพ์ใหม่อีกครั้งนะคะ")
