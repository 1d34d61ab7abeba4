"""From one line of chat to the fields of a case draft.

Composes the small readers (dates, numbers, kinds) and adds what is specific to a
kind: the visiting city and country, the programme items of a visit, the money and
date received of an advance. What a kind *must* have is listed in `REQUIRED`, so the
conversation asks for exactly that and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from handlers.extract.dates import RECEIVED_RE, DateMention, find_dates
from handlers.extract.kinds import EVENT_KINDS, recognise_kind
from handlers.extract.numbers import find_amounts, find_counts, normalise_digits

MAX_TEXT = 2000

# What a case of each kind must have before it can be confirmed.
REQUIRED: dict[str, tuple[str, ...]] = {
    "visit": ("title", "date"),
    "ceremony": ("title", "date"),
    "conference": ("title", "date"),
    "interpreting": ("title", "date"),
    "advance": ("amount", "received"),
    "translation": ("title",),
    "correspondence": ("title",),
    "procurement": ("title",),
    "other": ("title",),
}

# A small gazetteer of partner cities (→ country) and countries, Thai and English.
CITIES: dict[str, tuple[str, str]] = {
    "ฟุกุโอกะ": ("ฟุกุโอกะ", "ญี่ปุ่น"), "fukuoka": ("ฟุกุโอกะ", "ญี่ปุ่น"),
    "โตเกียว": ("โตเกียว", "ญี่ปุ่น"), "tokyo": ("โตเกียว", "ญี่ปุ่น"),
    "โอซาก้า": ("โอซาก้า", "ญี่ปุ่น"), "โอซากา": ("โอซาก้า", "ญี่ปุ่น"), "osaka": ("โอซาก้า", "ญี่ปุ่น"),
    "ปักกิ่ง": ("ปักกิ่ง", "จีน"), "beijing": ("ปักกิ่ง", "จีน"),
    "เซี่ยงไฮ้": ("เซี่ยงไฮ้", "จีน"), "shanghai": ("เซี่ยงไฮ้", "จีน"),
    "ฉงชิ่ง": ("ฉงชิ่ง", "จีน"), "เฉิงตู": ("เฉิงตู", "จีน"), "กวางโจว": ("กวางโจว", "จีน"),
    "เทียนจิน": ("เทียนจิน", "จีน"), "อู่ฮั่น": ("อู่ฮั่น", "จีน"), "ฉางชา": ("ฉางชา", "จีน"),
    "โซล": ("โซล", "เกาหลีใต้"), "seoul": ("โซล", "เกาหลีใต้"), "ปูซาน": ("ปูซาน", "เกาหลีใต้"),
    "ไทเป": ("ไทเป", "ไต้หวัน"), "taipei": ("ไทเป", "ไต้หวัน"),
    "ฮานอย": ("ฮานอย", "เวียดนาม"), "hanoi": ("ฮานอย", "เวียดนาม"),
    "โฮจิมินห์": ("โฮจิมินห์", "เวียดนาม"), "เวียงจันทน์": ("เวียงจันทน์", "ลาว"),
    "พนมเปญ": ("พนมเปญ", "กัมพูชา"), "ย่างกุ้ง": ("ย่างกุ้ง", "เมียนมา"),
    "กัวลาลัมเปอร์": ("กัวลาลัมเปอร์", "มาเลเซีย"), "จาการ์ตา": ("จาการ์ตา", "อินโดนีเซีย"),
    "มะนิลา": ("มะนิลา", "ฟิลิปปินส์"), "ปารีส": ("ปารีส", "ฝรั่งเศส"), "paris": ("ปารีส", "ฝรั่งเศส"),
    "ลอนดอน": ("ลอนดอน", "สหราชอาณาจักร"), "london": ("ลอนดอน", "สหราชอาณาจักร"),
    "มอสโก": ("มอสโก", "รัสเซีย"), "วอชิงตัน": ("วอชิงตัน ดี.ซี.", "สหรัฐอเมริกา"),
    "บูดาเปสต์": ("บูดาเปสต์", "ฮังการี"), "ลิสบอน": ("ลิสบอน", "โปรตุเกส"),
    "อัสตานา": ("อัสตานา", "คาซัคสถาน"), "บริสเบน": ("บริสเบน", "ออสเตรเลีย"),
    "ซิดนีย์": ("ซิดนีย์", "ออสเตรเลีย"), "เบอร์ลิน": ("เบอร์ลิน", "เยอรมนี"),
}
COUNTRIES: dict[str, str] = {
    "ญี่ปุ่น": "ญี่ปุ่น", "japan": "ญี่ปุ่น", "จีน": "จีน", "china": "จีน",
    "เกาหลีใต้": "เกาหลีใต้", "เกาหลี": "เกาหลีใต้", "korea": "เกาหลีใต้", "ไต้หวัน": "ไต้หวัน",
    "เวียดนาม": "เวียดนาม", "vietnam": "เวียดนาม", "ลาว": "ลาว", "กัมพูชา": "กัมพูชา",
    "เมียนมา": "เมียนมา", "พม่า": "เมียนมา", "มาเลเซีย": "มาเลเซีย", "สิงคโปร์": "สิงคโปร์",
    "singapore": "สิงคโปร์", "อินโดนีเซีย": "อินโดนีเซีย", "ฟิลิปปินส์": "ฟิลิปปินส์",
    "ฝรั่งเศส": "ฝรั่งเศส", "france": "ฝรั่งเศส", "อังกฤษ": "สหราชอาณาจักร", "สหราชอาณาจักร": "สหราชอาณาจักร",
    "รัสเซีย": "รัสเซีย", "สหรัฐอเมริกา": "สหรัฐอเมริกา", "สหรัฐฯ": "สหรัฐอเมริกา", "สหรัฐ": "สหรัฐอเมริกา",
    "อเมริกา": "สหรัฐอเมริกา", "usa": "สหรัฐอเมริกา", "ออสเตรเลีย": "ออสเตรเลีย", "australia": "ออสเตรเลีย",
    "เยอรมนี": "เยอรมนี", "เยอรมัน": "เยอรมนี", "germany": "เยอรมนี", "ฮังการี": "ฮังการี",
    "โปรตุเกส": "โปรตุเกส", "อินเดีย": "อินเดีย", "india": "อินเดีย", "คาซัคสถาน": "คาซัคสถาน",
    "อิตาลี": "อิตาลี", "สเปน": "สเปน", "เนเธอร์แลนด์": "เนเธอร์แลนด์", "แคนาดา": "แคนาดา",
}
# Programme items of a visit (VisitItem.kind) and the words that name them.
PROGRAMME: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("courtesy_call", "เข้าเยี่ยมคารวะผู้ว่าฯ", ("เข้าพบผู้ว่า", "เยี่ยมคารวะ", "คารวะ", "courtesy call", "เข้าพบ")),
    ("key_to_city", "พิธีมอบกุญแจเมือง", ("มอบกุญแจเมือง", "กุญแจเมือง", "key to the city")),
    ("reception", "งานเลี้ยงรับรอง", ("งานเลี้ยงรับรอง", "เลี้ยงรับรอง", "งานเลี้ยง", "reception", "dinner")),
    ("study_visit", "ศึกษาดูงาน", ("ศึกษาดูงาน", "ดูงาน", "study visit")),
    ("signing", "พิธีลงนาม", ("ลงนาม", "signing", "mou")),
    ("airport", "รับ-ส่งที่สนามบิน", ("สนามบิน", "airport")),
)
_CITY_RE = re.compile(r"(?<!กุญแจ)(?<!พี่)(?<!น้อง)(?:เมือง|city of)\s?([\u0e01-\u0e4ea-zA-Z]+?)(?=\s|$|[,.)]|จาก|ประเทศ|เข้า|มา|ไป|เยือน)")
_NOT_CITIES = ("พี่", "น้อง", "ไทย", "หลวง", "หลัก", "ท่องเที่ยว", "วันที่")  # "…เมือง วันที่ 20" names no city
_FROM_RE = re.compile(r"(?:จาก|from)\s?(?:เมือง|ประเทศ|นคร)?\s?([\u0e01-\u0e4ea-zA-Z]+)", re.IGNORECASE)
_PLACE_RE = re.compile(r"(?:ณ|at)\s+(.+?)(?=\s+(?:วันที่|เวลา|\d)|$)")
_ROOM_RE = re.compile(r"(ห้อง\S+|ศาลาว่าการ\S*)")
_PLACE_LEAD_RE = re.compile(r"(?:ที่|ณ)\s*$")
_COUNT_LEAD_RE = re.compile(r"จำนวน\s*$")  # "จำนวน 12 คน": the word goes with the count
# Reference numbers the manuals' case types carry: the loan contract of an advance
# (เลขที่สัญญายืม, 000 notes E25) and an official letter's number (E27, e.g. กท 0410/202).
_CONTRACT_RE = re.compile(r"สัญญา(?:ยืม)?(?:เงิน)?\s*(?:เลขที่|ที่|no\.?)\s*([0-9A-Za-z\u0e01-\u0e2e/.-]*\d[0-9A-Za-z/.-]*)", re.IGNORECASE)
_LETTER_NO_RE = re.compile(r"(?<![\u0e01-\u0e4e])(กท|กต|มท|นร)\s?\.?\s?(\d{2,5}(?:\.\d+)?/\d{1,6})")
_NOISE_RE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200d\ufeff]")
_SPACES_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[\w\u0e01-\u0e4e]")  # a letter or digit, Thai or other


@dataclass
class Extracted:
    """What one text said, before anyone confirmed it."""

    kind: str
    title: str
    day: date | None = None
    until: date | None = None  # the last day of an event of several days ("3-5 มี.ค.")
    clock: time | None = None
    amount: Decimal | None = None
    received_on: date | None = None
    guests: int | None = None
    pages: int | None = None
    city: str = ""
    country: str = ""
    place: str = ""
    programme: list[tuple[str, str]] = field(default_factory=list)  # (item kind, title)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, Thai question) to ask first
    kind_words: tuple[str, ...] = ()
    options: list[date] = field(default_factory=list)  # the readings of the first problem, to offer
    contract_no: str = ""
    letter_no: str = ""

    def missing(self) -> list[str]:
        """Required fields still empty, in the order to ask them."""
        have = {
            "title": bool(self.title),
            "date": self.day is not None,
            "amount": self.amount is not None,
            "received": self.received_on is not None,
        }
        return [name for name in REQUIRED.get(self.kind, ("title",)) if not have[name]]


def clean_text(text: str) -> str:
    """Drop control and zero-width characters, squash whitespace (kept for display)."""
    return _SPACES_RE.sub(" ", _NOISE_RE.sub("", text)).strip()


def has_words(text: str) -> bool:
    """True when the text holds letters or digits (emoji-only or punctuation-only → False)."""
    return _WORD_RE.search(text) is not None


def _place_names(text: str) -> tuple[str, str]:
    lowered = text.lower()
    city = country = ""
    for match in list(_CITY_RE.finditer(text)) + list(_FROM_RE.finditer(text)):
        word = match.group(1).lower()
        if word in CITIES:
            city, country = CITIES[word]
            break
        if word in COUNTRIES:
            country = COUNTRIES[word]
            break
        if match.re is _CITY_RE and len(word) >= 3 and not city and not word.startswith(_NOT_CITIES):
            city = match.group(1)
    if not city:
        for name, (city_name, city_country) in CITIES.items():
            if _names(name, lowered):
                city, country = city_name, country or city_country
                break
    if not country:
        for name, country_name in sorted(COUNTRIES.items(), key=lambda item: -len(item[0])):
            if _names(name, lowered):
                country = country_name
                break
    return city, country


SHORT_NAME = 4  # letters: a name this short is found inside other words ("ลาว" in ศาลาว่าการ)


def _names(name: str, lowered: str) -> bool:
    """Whether the text names the place: a short name must be a whole word of it."""
    if name not in lowered:
        return False
    if len(name) > SHORT_NAME:
        return True
    from knowledge.text.tokenize import word_tokens

    return name in word_tokens(lowered)


def _programme(text: str) -> list[tuple[str, str]]:
    lowered = text.lower()
    found: list[tuple[str, str]] = []
    for kind, title, words in PROGRAMME:
        if any(word in lowered for word in words):
            found.append((kind, title))
    return found


_RANGE_IN_RE = re.compile(r"^(\d{1,2})\s*(?:-|–|ถึง)\s*(\d{1,2})(?!\d)")  # "3-5 มี.ค." read as one date
_RANGE_BEFORE_RE = re.compile(r"(?<![\d.,/:])(\d{1,2})\s*(?:-|–|ถึง|จนถึง)\s*$")  # "3 ถึง 5 มี.ค."
_RANGE_BETWEEN_RE = re.compile(r"^\s*(?:-|–|ถึง|จนถึง)\s*$")  # "28 ก.พ. - 2 มี.ค."


def _days_of(norm: str, mentions: list[DateMention], cut_spans: list[tuple[int, int]]) -> tuple[date, date | None]:
    """(first day, last day or None) of an event written as a range; the range's
    words join the cut spans so that the title keeps none of them."""
    first = mentions[0]
    start, end = first.text_span
    inside = _RANGE_IN_RE.match(norm[start:end])
    if inside:
        try:
            opening, closing = first.day.replace(day=int(inside.group(1))), first.day.replace(day=int(inside.group(2)))
        except ValueError:
            return first.day, None
        return (opening, closing) if opening < closing else (first.day, None)
    before = _RANGE_BEFORE_RE.search(norm[:start])
    if before:
        try:
            opening = first.day.replace(day=int(before.group(1)))
        except ValueError:
            return first.day, None
        if opening < first.day:
            cut_spans.append((before.start(), start))
            return opening, first.day
    if len(mentions) > 1 and mentions[1].ok and _RANGE_BETWEEN_RE.match(norm[end : mentions[1].text_span[0]]):
        if mentions[1].day > first.day:
            cut_spans.append((end, mentions[1].text_span[0]))
            return first.day, mentions[1].day
    return first.day, None


_LEAD_IN_RE = re.compile(
    r"(?:(?:ใน|เมื่อ)\s*)?(?:วันที่|เมื่อ)\s*$"
    r"|(?:(?:กำหนด)?ส่ง(?:งาน)?\s*)(?:ภายใน|ก่อน)?\s*(?:วันที่)?\s*$"  # a deadline: "ส่งภายใน 5 ธ.ค."
    r"|(?:ภายใน|ก่อน)\s*(?:วันที่)?\s*$"
)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return _SPACES_RE.sub(" ", text).strip(" ,")


def extract(text: str, today: date, kind_hint: str | None = None) -> Extracted:
    """Read a case from one message body (the command word already removed)."""
    body = clean_text(text)[:MAX_TEXT]
    norm = normalise_digits(body)
    guess = recognise_kind(norm, kind_hint)
    result = Extracted(kind=guess.kind, title="", kind_words=guess.words)
    dates = find_dates(norm, today)
    cut_spans: list[tuple[int, int]] = []
    event_dates: list[DateMention] = []
    for mention in dates:
        before = norm[: mention.text_span[0]]
        received = RECEIVED_RE.search(before)
        if result.kind == "advance" and received:
            cut_spans.append((received.start(), mention.text_span[1]))
            # a date still ahead keeps its day (shown on the card) and is asked back
            result.received_on = mention.day
            if not mention.ok:
                result.problems.append(("received", mention.reason))
                result.options = result.options or list(mention.candidates)
            continue
        lead_in = _LEAD_IN_RE.search(before)  # "วันที่ 8 ธ.ค.": the word goes with the date
        cut_spans.append((lead_in.start() if lead_in else mention.text_span[0], mention.text_span[1]))
        event_dates.append(mention)
    if event_dates:
        first = event_dates[0]
        if first.ok:
            result.day, result.clock = first.day, first.time
            result.day, result.until = _days_of(norm, event_dates, cut_spans)
        else:
            result.problems.append(("date", first.reason))
            result.options = result.options or list(first.candidates)
    amounts = find_amounts(norm)
    if not amounts and result.kind == "advance":
        # "ยืมเงิน ค่าเดินทาง 20000": the sum came after the purpose, not after "ยืมเงิน"
        dated = [m.text_span for m in dates]
        amounts = [a for a in find_amounts(norm, bare=True)
                   if not any(s < a.text_span[1] and a.text_span[0] < e for s, e in dated)]
    if amounts and result.kind == "advance":
        result.amount = amounts[0].value.quantize(Decimal("0.01"))
        cut_spans.append(amounts[0].text_span)
    for count in find_counts(norm):
        if count.unit == "คน" and result.guests is None:
            result.guests = count.value
            if result.kind in EVENT_KINDS:
                lead = _COUNT_LEAD_RE.search(norm[: count.text_span[0]])  # shown as its own line: "จำนวน 12 คน"
                cut_spans.append((lead.start() if lead else count.text_span[0], count.text_span[1]))
        elif count.unit == "หน้า" and result.pages is None:
            result.pages = count.value
    contract = _CONTRACT_RE.search(norm)
    if contract and result.kind == "advance":
        result.contract_no = contract.group(1)
        cut_spans.append(contract.span())
    letter = _LETTER_NO_RE.search(norm)
    if letter:
        result.letter_no = f"{letter.group(1)} {letter.group(2)}"
    if result.kind in EVENT_KINDS:
        result.city, result.country = _place_names(body)
        if result.kind == "visit":
            result.programme = _programme(body)
        place = _PLACE_RE.search(norm) or _ROOM_RE.search(norm)
        if place:
            result.place = body[place.start(1) : place.end(1)].strip()[:200]
            lead = _PLACE_LEAD_RE.search(norm[: place.start()])  # "ที่ศาลาว่าการ": the word goes too
            cut_spans.append((lead.start() if lead else place.start(), place.end()))
    title = _cut(norm, cut_spans)
    title = re.sub(r"^(วันที่|เมื่อ)\s*|\s*(วันที่|เวลา|เมื่อ)$", "", title).strip()
    if result.kind == "advance":
        title = re.sub(r"^(ยืมเงิน|เงินยืม)\s*", "", title).strip()
    if has_words(title):
        # map back to the original characters (Thai digits kept as typed)
        result.title = title[:300]
    return result
