"""Thai free-text durations ("๑๕ – ๓๐ วัน", "ก่อนงานเริ่ม ประมาณ ๓-๔ ชั่วโมง", "๓๐ นาที/หน้า")."""

from __future__ import annotations

import re

from knowledge.model import Duration
from knowledge.parsing.text import clean_inline
from knowledge.text.normalize import thai_digits_to_arabic

_UNITS = [
    ("วันทำการ", "workday"),
    ("วัน ทำการ", "workday"),
    ("ชั่วโมง", "hour"),
    ("ช.ม.", "hour"),
    ("ชม.", "hour"),
    ("ชม", "hour"),
    ("นาที", "minute"),
    ("สัปดาห์", "week"),
    ("อาทิตย์", "week"),
    ("เดือน", "month"),
    ("ปี", "year"),
    ("วัน", "day"),
]
_NUM = r"(\d+(?:\.\d+)?(?:/\d+)?)"
_RANGE_RE = re.compile(_NUM + r"\s*(?:-|–|—|ถึง)\s*" + _NUM)
_ONE_RE = re.compile(_NUM)
_BEFORE_RE = re.compile(r"ก่อน(?:งาน|วันงาน|การ|เวลา|วัน|เริ่ม)|ล่วงหน้า")


def _num(s: str) -> float:
    if "/" in s:
        a, b = s.split("/", 1)
        return float(a) / float(b) if float(b) else float(a)
    return float(s)


# a cell holding only a number or a range ("๓๐", "๑-๒"): 002's tables state no unit there, or
# only in the header ("ระยะเวลา (วัน)"), and mean days (notes/002.md)
_BARE_RE = re.compile(r"\d+(?:\.\d+)?(?:\s*[-–]\s*\d+(?:\.\d+)?)?")


def parse_duration(raw: str) -> Duration | None:
    """Parse the ระยะเวลา cell; None when the cell is empty or only a dash. A bare number is
    a number of days, and its text says so: an answer reads "30 วัน", not "30"."""
    text = clean_inline(raw)
    if not text or text in {"-", "–"}:
        return None
    ascii_text = thai_digits_to_arabic(text)
    if _BARE_RE.fullmatch(ascii_text):
        text, ascii_text = f"{text} วัน", f"{ascii_text} วัน"
    unit = None
    unit_pos = -1
    for word, name in _UNITS:
        pos = ascii_text.find(word)
        if pos >= 0 and (unit_pos < 0 or pos < unit_pos):
            unit, unit_pos = name, pos
    if unit and re.search(r"/\s*(หน้า|ฉบับ|ฎีกา|เรื่อง)", ascii_text):
        unit = f"{unit}/page" if "หน้า" in ascii_text else f"{unit}/item"
    anchor = "before_event" if _BEFORE_RE.search(ascii_text) else None
    head = ascii_text[:unit_pos] if unit_pos >= 0 else ascii_text
    m = _RANGE_RE.search(head)
    lo = hi = None
    if m:
        lo, hi = _num(m.group(1)), _num(m.group(2))
    else:
        m1 = _ONE_RE.search(head)
        if m1:
            lo = hi = _num(m1.group(1))
    if lo is None or unit is None:
        return Duration(raw=text, anchor=anchor)
    if lo > hi:
        lo, hi = hi, lo
    return Duration(raw=text, min=lo, max=hi, unit=unit, anchor=anchor)
