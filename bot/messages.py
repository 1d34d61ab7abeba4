"""Handlers' `Reply` → LINE SDK message models, within LINE's limits. The ONE place.

Why one place: every limit LINE enforces (1-5 messages, text ≤ 5,000 UTF-16 units,
altText ≤ 1,500, a bubble ≤ 30 KB and a carousel ≤ 12 bubbles / 50 KB, ≤ 13 quick
replies, labels 1-20, postback data ≤ 300) is applied here, by shortening with "…"
rather than failing: a reply LINE refuses is a reply the officer never sees, and the
SDK only checks a few of these itself.

Flex sizes are measured on the JSON the SDK actually sends (ASCII-escaped), which is
larger than the UTF-8 form, so a bubble that fits here fits however LINE counts.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from linebot.v3.messaging import Message

from handlers.replies import Action, Card, Reply

MAX_MESSAGES = 5
MAX_TEXT = 5000  # UTF-16 units
MAX_ALT_TEXT = 1500
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
MAX_BUBBLES = 12
MAX_QUICK = 13
MAX_LABEL = 20
MAX_DATA = 300
MAX_ACTION_TEXT = 300
MAX_BUTTONS = 4
ELLIPSIS = "…"

TONE_COLOURS = {"default": "#1F5AA6", "warning": "#B45309", "success": "#2F7D4F"}


# ---------------------------------------------------------------- text fitting


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int, *, units: bool = True) -> str:
    """`text` shortened to `limit` (UTF-16 units, or characters) ending in "…".

    Cuts at a line break or space when one is near the end, so a Thai sentence is
    not split mid-word more than it must be, and never splits a surrogate pair.
    """
    size = utf16_len if units else len
    if size(text) <= limit:
        return text
    budget = limit - 1
    cut = text
    if units:
        # Drop whole code points until it fits (a surrogate pair goes as a unit).
        approx = text[:budget]
        while utf16_len(approx) > budget:
            approx = approx[:-1]
        cut = approx
    else:
        cut = text[:budget]
    for sep in ("\n", " "):
        i = cut.rfind(sep)
        if i > len(cut) * 0.8:
            cut = cut[:i]
            break
    return cut.rstrip() + ELLIPSIS


def label(text: str) -> str:
    """A button / quick-reply label: 1-20 characters."""
    text = " ".join((text or "").split()) or "เลือก"
    return fit(text, MAX_LABEL, units=False)


def postback_data(data: str) -> str:
    """Postback data ≤ 300 characters: cut at a parameter boundary when possible."""
    if len(data) <= MAX_DATA:
        return data
    cut = data[:MAX_DATA]
    i = cut.rfind("&")
    return cut[:i] if i > 0 else cut


# ---------------------------------------------------------------- actions


def action_dict(action: Action) -> dict[str, Any]:
    """An Action as LINE action JSON (postback when it carries data, else message)."""
    if action.data:
        out: dict[str, Any] = {"type": "postback", "label": label(action.label), "data": postback_data(action.data)}
        if action.display_text:
            out["displayText"] = fit(action.display_text, MAX_ACTION_TEXT, units=False)
        return out
    text = action.text or action.label or "เมนู"
    return {"type": "message", "label": label(action.label), "text": fit(text, MAX_ACTION_TEXT, units=False)}


# ---------------------------------------------------------------- Flex bubbles


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": text or " ", "wrap": True, **style}


def bubble_dict(card: Card, *, max_items: int | None = None, body_limit: int | None = None, value_limit: int | None = None) -> dict[str, Any]:
    """A card as a Flex bubble. The optional limits let `fit_bubble` shrink it."""
    colour = TONE_COLOURS.get(card.tone, TONE_COLOURS["default"])
    body: list[dict[str, Any]] = []
    if card.header:
        body.append(_text(fit(card.header, 120), size="xs", color=colour, weight="bold"))
    body.append(_text(fit(card.title or " ", 300), weight="bold", size="md", color="#111111"))
    text = card.body
    if body_limit is not None:
        text = fit(text, body_limit)
    if text:
        body.append(_text(text, size="sm", color="#333333", margin="md"))
    if card.fields:
        rows = []
        for f in card.fields:
            value = f.value if value_limit is None else fit(f.value, value_limit)
            rows.append(
                {
                    "type": "box",
                    "layout": "baseline",
                    "spacing": "sm",
                    "contents": [
                        _text(fit(f.label, 60), size="sm", color="#777777", flex=2),
                        _text(value or "-", size="sm", color="#111111", flex=5),
                    ],
                }
            )
        body.append({"type": "box", "layout": "vertical", "spacing": "xs", "margin": "md", "contents": rows})
    items = card.items
    if max_items is not None and len(items) > max_items:
        hidden = len(items) - max_items
        items = [*items[:max_items], f"… และอีก {hidden} รายการ"]
    if items:
        lines = [_text(fit(i, 600 if value_limit is None else value_limit), size="sm", color="#333333") for i in items]
        body.append({"type": "box", "layout": "vertical", "spacing": "sm", "margin": "md", "contents": lines})
    if card.footnote:
        body.append({"type": "separator", "margin": "md"})
        body.append(_text(fit(card.footnote, 400), size="xxs", color="#888888", margin="sm"))
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "mega",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
    }
    if card.buttons:
        buttons = [
            {
                "type": "button",
                "style": "primary" if i == 0 else "secondary",
                "color": colour if i == 0 else "#E8EEF5",
                "height": "sm",
                "action": action_dict(a),
            }
            for i, a in enumerate(card.buttons[:MAX_BUTTONS])
        ]
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons}
    return bubble


def wire_size(obj: Any) -> int:
    """Bytes of `obj` as the SDK sends it (json.dumps escapes non-ASCII: \\uXXXX)."""
    return len(json.dumps(obj, separators=(",", ":")))


def fit_bubble(card: Card, limit: int = MAX_BUBBLE_BYTES) -> dict[str, Any]:
    """The largest rendering of `card` that fits `limit` bytes: fewer items first,
    then a shorter body, then shorter values. Always terminates."""
    bubble = bubble_dict(card)
    if wire_size(bubble) <= limit:
        return bubble
    max_items = len(card.items)
    body_limit = max(utf16_len(card.body), 1)
    value_limit = 600
    while True:
        if max_items > 3:
            max_items = max(3, max_items * 2 // 3)
        elif body_limit > 200:
            body_limit = body_limit * 2 // 3
        elif value_limit > 60:
            value_limit = value_limit // 2
        elif max_items > 0:
            max_items -= 1
        else:
            # Nothing left to shrink: the bare title and footnote.
            return bubble_dict(Card(title=card.title, footnote=card.footnote[:100], header=card.header[:40], tone=card.tone))
        bubble = bubble_dict(card, max_items=max_items, body_limit=body_limit, value_limit=value_limit)
        if wire_size(bubble) <= limit:
            return bubble


def flex_contents(cards: Sequence[Card]) -> dict[str, Any]:
    """One bubble, or a carousel of ≤ 12 bubbles that fits 50 KB in all."""
    if len(cards) == 1:
        return fit_bubble(cards[0])
    cards = list(cards[:MAX_BUBBLES])
    per_bubble = min(MAX_BUBBLE_BYTES, MAX_CAROUSEL_BYTES // len(cards) - 100)
    bubbles = [fit_bubble(c, per_bubble) for c in cards]
    carousel = {"type": "carousel", "contents": bubbles}
    while wire_size(carousel) > MAX_CAROUSEL_BYTES and len(bubbles) > 1:
        bubbles.pop()
    return carousel


# ---------------------------------------------------------------- messages


def message_json(reply: Reply) -> dict[str, Any]:
    """One Reply as LINE message JSON: text, or Flex with altText = the reply's text."""
    text = reply.text.strip() or (reply.cards[0].title if reply.cards else "") or "…"
    if reply.cards:
        msg: dict[str, Any] = {"type": "flex", "altText": fit(text, MAX_ALT_TEXT), "contents": flex_contents(reply.cards)}
    else:
        msg = {"type": "text", "text": fit(text, MAX_TEXT)}
    if reply.quick:
        msg["quickReply"] = {"items": [{"type": "action", "action": action_dict(a)} for a in reply.quick[:MAX_QUICK]]}
    return msg


# The SDK validates a message model when it is built and serialises it (twice, with
# pydantic) on every send: about 2 ms for an answer card, most of a request's cost.
# The same answers go out again and again, so each distinct message is validated
# and serialised once and the model and its wire form are reused (models are never
# mutated by the SDK).
_MODELS_SIZE = 1024
_models: OrderedDict[str, tuple[Message, dict[str, Any]]] = OrderedDict()
_wire: dict[int, dict[str, Any]] = {}
_models_lock = threading.Lock()


def _model(msg: dict[str, Any]) -> Message:
    key = json.dumps(msg, ensure_ascii=False, separators=(",", ":"))
    with _models_lock:
        hit = _models.get(key)
        if hit is not None:
            _models.move_to_end(key)
            return hit[0]
    model = Message.from_json(key)
    wire = model.to_dict()
    with _models_lock:
        if key not in _models:
            _models[key] = (model, wire)
            _wire[id(model)] = wire
            while len(_models) > _MODELS_SIZE:
                old, _ = _models.popitem(last=False)[1]
                _wire.pop(id(old), None)
        return _models[key][0]


def wire_dict(model: Message) -> dict[str, Any]:
    """The JSON LINE receives for a message model (cached for models made here)."""
    with _models_lock:
        wire = _wire.get(id(model))
    return wire if wire is not None else model.to_dict()


def to_message(reply: Reply) -> Message:
    """One Reply as an SDK TextMessage or FlexMessage."""
    return _model(message_json(reply))


def to_messages(replies: Sequence[Reply]) -> list[Message]:
    """At most five messages; replies past the fifth are folded into it as text, so
    nothing said is silently lost."""
    replies = [r for r in replies if r.text.strip() or r.cards]
    if len(replies) > MAX_MESSAGES:
        head, tail = replies[: MAX_MESSAGES - 1], replies[MAX_MESSAGES - 1 :]
        merged = Reply(text="\n\n".join(r.text for r in tail), quick=tail[-1].quick)
        replies = [*head, merged]
    return [to_message(r) for r in replies]


def messages_json(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """The messages as LINE JSON, as the SDK sends them."""
    return [wire_dict(m) for m in to_messages(replies)]
