"""Numbers officers type: amounts of money and head counts, in Arabic digits, Thai
digits or Thai words ("25,000 บาท", "2.5 หมื่น", "ห้าพันบาท", "1.2 ล้าน", "12 คน").

Thai digits are mapped one character to one character (see `normalise_digits`), so
every span found on the normalised text is also a span of the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pythainlp.util import thai_digit_to_arabic_digit, thaiword_to_num

# Thai number words, longest first so that the alternation is greedy per token.
NUMBER_WORDS = (
    "ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า",
    "สิบ", "ยี่", "เอ็ด", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน",
)
_WORD = "(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
THAI_NUMBER_RE = re.compile(f"{_WORD}+")

MULTIPLIERS = {"พัน": 1_000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000, "k": 1_000, "K": 1_000}
_MULT = "(?:ล้าน|แสน|หมื่น|พัน|[kK](?![a-zA-Z]))"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# 25,000 บาท | 2.5 หมื่น | 1 ล้าน 2 แสน บาท | 3.5k
_DIGIT_AMOUNT_RE = re.compile(
    rf"(?<![\d.,])(?P<body>(?:(?:{_NUM})\s*{_MULT}\s*)+(?:{_NUM})?|(?:{_NUM}))\s*(?P<baht>บาท|฿|baht|thb)?",
    re.IGNORECASE,
)
# a Thai number word is not the start of another word ("พันธกิจ" is no 1,000), though a
# particle may follow it ("ห้าพันค่ะ")
_THAI_AMOUNT_RE = re.compile(
    rf"(?P<body>{_WORD}+)(?:\s*(?P<baht>บาท)|(?!(?!ค่ะ|คะ|ครับ|นะ|จ้ะ|จ้า|ค่า)[\u0e01-\u0e4e]))"
)

COUNT_UNITS = ("คน", "ท่าน", "ราย", "หน้า", "ชุด", "people", "persons", "pax", "pages")
_COUNT_RE = re.compile(
    rf"(?<![\d.,])(?P<num>\d{{1,5}}|{_WORD}+)\s*(?P<unit>{'|'.join(COUNT_UNITS)})(?![ก-ฮ])",
    re.IGNORECASE,
)
# A bare number after these words is an amount even without "บาท".
_AMOUNT_CONTEXT_RE = re.compile(r"(ยืมเงิน|เงินยืม|ยืม|ทดรอง(?:ราชการ)?|จำนวนเงิน|วงเงิน|จำนวน|amount|borrow)\s*$", re.IGNORECASE)


def normalise_digits(text: str) -> str:
    """Thai digits to Arabic (pythainlp), one character for one, so spans stay valid."""
    return thai_digit_to_arabic_digit(text)


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    text_span: tuple[int, int]
    explicit: bool  # said "บาท" or a multiplier word, so it is surely money


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    unit: str
    text_span: tuple[int, int]


def thai_words_to_int(words: str) -> int | None:
    """"ห้าพัน" → 5000 via pythainlp; None for what is not a whole Thai number."""
    try:
        return int(thaiword_to_num(words))
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def _digits_body_value(body: str) -> Decimal | None:
    """'1 ล้าน 2 แสน' → 1200000; '2.5 หมื่น' → 25000; '25,000' → 25000."""
    total = Decimal(0)
    pos = 0
    pattern = re.compile(rf"\s*({_NUM})\s*({_MULT})?", re.IGNORECASE)
    last_multiplier: int | None = None
    while pos < len(body):
        match = pattern.match(body, pos)
        if match is None or match.end() == pos:
            break
        try:
            number = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        multiplier = MULTIPLIERS.get(match.group(2) or "", 1)
        if last_multiplier is not None and multiplier >= last_multiplier:
            return None  # "2 พัน 3 หมื่น" is not a number
        total += number * multiplier
        last_multiplier = multiplier
        pos = match.end()
    return total if pos >= len(body.rstrip()) else None


def find_amounts(text: str, bare: bool = False) -> list[Amount]:
    """Money mentioned in the text, in order. Bare numbers count only after words
    like "ยืมเงิน"/"จำนวน", so that "12 คน" or a year is never taken for money.

    With `bare` (the message is already known to be about an advance), a bare sum of
    at least BARE_MIN anywhere counts too ("ยืมเงิน ค่าเดินทาง 20000"), except a year,
    a piece of a phone number, a reference or a time."""
    norm = normalise_digits(text)
    found: list[Amount] = []
    for match in _DIGIT_AMOUNT_RE.finditer(norm):
        body = match.group("body").strip()
        after = norm[match.end() :]
        has_multiplier = re.search(_MULT, body, re.IGNORECASE) is not None
        explicit = bool(match.group("baht")) or has_multiplier
        if not explicit:
            if re.match(r"\s*(คน|ท่าน|ราย|หน้า|วัน|โมง|ทุ่ม|น\.|นาฬิกา|[./:-]\d)", after):
                continue
            if not _AMOUNT_CONTEXT_RE.search(norm[: match.start()]) and not (bare and _bare_sum(norm, match.start(), body)):
                continue
        value = _digits_body_value(body)
        if value is None or not 0 < value <= MAX_AMOUNT:
            continue
        end = match.start() + len(match.group(0).rstrip())
        found.append(Amount(value=value, text_span=(match.start(), end), explicit=explicit))
    for match in _THAI_AMOUNT_RE.finditer(norm):
        body = match.group("body")
        if not match.group("baht") and not re.search("พัน|หมื่น|แสน|ล้าน", body):
            continue
        if any(a.text_span[0] <= match.start() < a.text_span[1] for a in found):
            continue
        number = thai_words_to_int(body)
        if number and number <= MAX_AMOUNT:
            found.append(Amount(Decimal(number), (match.start(), match.end()), explicit=True))
    return sorted(found, key=lambda a: a.text_span)


BARE_MIN = 100
MAX_AMOUNT = Decimal(10) ** 12  # a trillion baht: past it, a string of digits is no sum of money
_YEAR_LIKE_RE = re.compile(r"(?:25|20)\d\d")


def _bare_sum(norm: str, start: int, body: str) -> bool:
    if start and norm[start - 1] in "-/#:":
        return False  # 081-234-5678, 12/2569, #4567
    plain = body.replace(",", "")
    if _YEAR_LIKE_RE.fullmatch(plain) and "," not in body:
        return False  # 2569, 2026
    try:
        return Decimal(plain) >= BARE_MIN
    except InvalidOperation:
        return False


def find_counts(text: str) -> list[Count]:
    """Head counts and page counts: "12 คน", "สิบสองคน", "5 หน้า"."""
    norm = normalise_digits(text)
    counts: list[Count] = []
    for match in _COUNT_RE.finditer(norm):
        raw = match.group("num")
        value = int(raw) if raw.isdigit() else thai_words_to_int(raw)
        if value is None or value <= 0:
            continue
        unit = match.group("unit").lower()
        unit = {"ท่าน": "คน", "people": "คน", "persons": "คน", "pax": "คน", "pages": "หน้า"}.get(unit, unit)
        counts.append(Count(value=value, unit=unit, text_span=(match.start(), match.end())))
    return counts


def format_baht(value: Decimal) -> str:
    """25000 → "25,000 บาท"; 2500.5 → "2,500.50 บาท"."""
    if value == value.to_integral_value():
        return f"{int(value):,} บาท"
    return f"{value:,.2f} บาท"
