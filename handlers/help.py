"""Topic: help, welcome, and the events a person does not type.

Why here: `help` is early in the root router, so "วิธีใช้" always works, and the
non-text events (a sticker, a photo, a follow) get a short, friendly answer or are
quietly ignored before any topic tries to read them as text.
"""

from __future__ import annotations

import re

from bot.db.models import Officer
from bot.officers import by_line_id
from handlers.context import Context
from handlers.incoming import Incoming
from handlers.replies import Action, Card, Reply, says
from handlers.router import Router, chat, event, is_text, message_type, text_is, text_matches

router = Router("help")

HELP_WORDS = ("help", "วิธีใช้", "เมนู", "ช่วยเหลือ", "ใช้ยังไง", "menu", "?")
# the whole message asks what the assistant does: "ช่วยอะไรได้บ้างคะ", "บอททำอะไรได้บ้าง"
HELP_ASKED = (r"^\s*(?:บอท|น้อง\S{0,6}|คุณ)?\s*(?:ช่วย(?:อะไร)?(?:ได้)?(?:บ้าง)|ช่วยอะไรได้|ทำอะไรได้(?:บ้าง)?"
              r"|ใช้(?:งาน)?(?:ยังไง|อย่างไร))\s*(?:คะ|ค่ะ|ครับ|คับ|จ้ะ|จ้า|นะ|หน่อย|\s)*[?？]*\s*$")

EXAMPLES: tuple[Action, ...] = (
    Action("ถามคู่มือ", text="เงินยืม คืนกี่วัน"),
    Action("ขั้นตอนรับคณะ", text="ขั้นตอนการต้อนรับคณะต่างประเทศ"),
    Action("บันทึกเรื่อง", text="บันทึกเรื่อง "),
    Action("ยืมเงิน", text="ยืมเงิน "),
    Action("เงินยืมค้าง", text="เงินยืมค้าง"),
    Action("การเยือน", text="การเยือน"),
    Action("เรื่องของฉัน", text="เรื่องของฉัน"),
    Action("วิธีใช้", text="วิธีใช้"),
)

ONLY_TEXT = "ตอนนี้อ่านได้เฉพาะข้อความนะคะ พิมพ์คำถามหรือคำสั่งได้เลยค่ะ"
STICKER_REPLY = "😊 มีอะไรให้ช่วยพิมพ์มาได้เลยนะคะ"


def _examples(actions: tuple[Action, ...]) -> list[Action]:
    # A quick reply must send something: "บันทึกเรื่อง " alone is a prompt, kept short.
    return [Action(a.label, text=(a.text or a.label).strip()) for a in actions]


def help_reply(ctx: Context) -> Reply:
    trigger = ctx.settings.trigger_word
    items = [
        "ถามคู่มือ: พิมพ์คำถามได้เลย เช่น \"เงินยืม คืนกี่วัน\"",
        "บันทึกเรื่อง: \"บันทึกเรื่อง ต้อนรับคณะจากโตเกียว 15 ม.ค.\"",
        "เงินยืม: \"ยืมเงิน 20000 ค่าเดินทาง\" · ดูที่ค้าง \"เงินยืมค้าง\"",
        "การเยือน: \"การเยือน\" ดูคณะที่กำลังจะมา",
        "เรื่องของฉัน: ดูเรื่องที่รับผิดชอบอยู่",
        f"ในกลุ่ม: แท็กบอทหรือขึ้นต้นด้วย \"{trigger}\" · ผู้ดูแลพิมพ์ \"ลงทะเบียนกลุ่ม\" เพื่อรับแจ้งเตือน",
    ]
    text = "ผู้ช่วยทำอะไรได้บ้างคะ\n" + "\n".join(f"• {i}" for i in items) + "\nแตะตัวอย่างด้านล่างเพื่อลองได้เลยค่ะ"
    card = Card(title="ผู้ช่วยทำอะไรได้บ้างคะ", header="วิธีใช้", items=[f"• {i}" for i in items],
                footnote="พิมพ์ \"ยกเลิก\" เพื่อออกจากเรื่องที่คุยค้างได้ทุกเมื่อค่ะ")
    return Reply(text=text, cards=[card], quick=_examples(EXAMPLES))


@router.message(text_is(*HELP_WORDS))
@router.message(text_matches(HELP_ASKED))
def show_help(_ev: Incoming, ctx: Context) -> list[Reply]:
    return [help_reply(ctx)]


@router.message(text_is("ถามคู่มือ"))
def how_to_ask(_ev: Incoming, _ctx: Context) -> list[Reply]:
    """The rich menu's "ถามคู่มือ": say how, with questions to tap."""
    examples = ("เงินยืม คืนกี่วัน", "ขั้นตอนการต้อนรับคณะต่างประเทศ", "ขั้นตอนพิธีมอบกุญแจเมือง", "ใครอนุมัติการเดินทางไปต่างประเทศ")
    text = "พิมพ์คำถามเกี่ยวกับงานในคู่มือได้เลยค่ะ เช่น \"เงินยืม คืนกี่วัน\" จะตอบพร้อมขั้นตอนและที่มาให้นะคะ"
    return [Reply(text=text, quick=says(*examples))]


@router.event("follow")
def follow(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = _officer_any(ev, ctx)
    if officer is not None:
        officer.followed = True
    greeting = "สวัสดีค่ะ ผู้ช่วยงานสำนักงานการต่างประเทศ กทม. ยินดีให้บริการค่ะ 😊"
    text = (
        f"{greeting}\nถามขั้นตอนในคู่มือ บันทึกเรื่อง ติดตามเงินยืมและการเยือนได้ที่นี่เลย "
        "พิมพ์คำถามหรือแตะเมนูด้านล่างได้เลยนะคะ"
    )
    return [Reply(text=text, quick=_examples(EXAMPLES))]


@router.event("unfollow")
def unfollow(ev: Incoming, ctx: Context) -> list[Reply]:
    officer = _officer_any(ev, ctx)
    if officer is not None:
        officer.followed = False
    return []  # LINE gives no way to answer someone who blocked the bot


def _officer_any(ev: Incoming, ctx: Context) -> Officer | None:
    """The officer row whether active or not (following is recorded for everyone)."""
    return by_line_id(ctx.session, ev.user_id) if ev.user_id else None


# ---------------------------------------------------------------- non-text messages


@router.on(message_type("image", "file", "video", "audio"), chat("user"))
def only_text(_ev: Incoming, _ctx: Context) -> list[Reply]:
    return [Reply(text=ONLY_TEXT)]


@router.on(message_type("sticker"), chat("user"))
def sticker(_ev: Incoming, _ctx: Context) -> list[Reply]:
    return [Reply(text=STICKER_REPLY)]


_WORDY = re.compile(r"[\w\u0e00-\u0e7f]", re.UNICODE)


def _emoji_only(ev: Incoming, ctx: Context) -> bool:
    """Text with no letters or digits (emoji, LINE emoji removed upstream, punctuation)."""
    return is_text(ev, ctx) and not _WORDY.search(ev.text) and ctx.conversation(ev) is None


@router.on(_emoji_only, chat("user"))
def emoji(_ev: Incoming, _ctx: Context) -> list[Reply]:
    return [Reply(text=STICKER_REPLY)]


@router.on(message_type("location"), chat("user"))
def location(_ev: Incoming, _ctx: Context) -> list[Reply]:
    return [Reply(text=ONLY_TEXT)]


# Events nobody expects an answer to: recorded by the webhook, otherwise ignored.
@router.on(event("unsend", "messageEdited", "videoPlayComplete", "beacon", "accountLink", "membership", "things", "module", "activated", "deactivated", "botSuspended", "botResumed", "pnpDeliveryCompletion"))
def ignore(_ev: Incoming, _ctx: Context) -> list[Reply]:
    return []
