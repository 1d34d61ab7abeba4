"""Comparing what people type with the words the bot knows, whatever the spacing.

One helper, so that a command word, a quick-reply answer and a kind's label are
matched the same way everywhere ("ยืนยัน", " ยืน ยัน ", "OK" → "ok").
"""

from __future__ import annotations

import re

_SPACE_RE = re.compile(r"\s+")


def squash(text: str) -> str:
    """`text` without any whitespace, lower-cased: the form words are compared in."""
    return _SPACE_RE.sub("", text).lower()


POLITE = r"(?:\s*(?:หน่อย|ครับ|ค่ะ|คะ|นะ|จ้ะ|จ้า|please))*\s*$"  # "…ค่ะ", "…นะคะ", "…ครับ" at the end
_POLITE_RE = re.compile(POLITE, re.IGNORECASE)


def bare_word(text: str) -> str:
    """A one-word answer as compared: "ยืนยันค่ะ", "ok ครับ", "ยกเลิกนะคะ" are "ยืนยัน", "ok", "ยกเลิก"."""
    return squash(_POLITE_RE.sub("", text))
