"""Thai dates and times as officers type them, read without silent guesses.

Why our own reader: measured on pythainlp 5.4, `thai_strptime` reads "15 12 2568" as
15 January and fails on "15/12/2568" and "ธ.ค.68"; dateparser reads "15 ธ.ค. 68" as
2068. Here a date that does not exist (31 ก.พ.) or that reads two ways ("5/6", a
short year that could be BE or CE) comes back with `day=None` and a Thai `reason`,
so the bot asks instead of guessing.

Rules:
- Thai or Arabic digits; Thai month names, with or without dots (ม.ค., ม.ค, มค,
  มกราคม) and English month names.
- Years: BE (2569, 69) or CE (2026, 26). A two-digit year is whichever of 25yy BE
  or 20yy CE lies within `PLAUSIBLE_YEARS` of today; neither or both → ambiguous.
- A day and month without a year is the next occurrence from today (Bangkok); a
  receipt date (after RECEIVED_RE, or any date when `past=True`) is the most recent
  one, today included ("รับเงิน 3 ธ.ค." on 21 Nov is last December's).
- A day without a month ("วันที่ 20", "20 นี้", "วันศุกร์ที่ 20", "วันที่ 5 เดือนหน้า")
  is the next such day of a month, today included. A date something was received
  on ("รับเงินวันที่ 20", or any day-only date when `past=True`, e.g. the answer to
  "ได้รับเงินยืมวันไหนคะ") is the most recent one, today included: money is logged
  after it arrives. A day that month does not have (วันที่ 31 in November) is asked
  back with its readings: the month's last day, or the nearest month that has it.
- A receipt date that is still ahead ("รับเงิน 3 ธ.ค. 70", "รับเงินพรุ่งนี้") is asked
  back: `day` keeps the date as written but `ambiguous` is set, with a Thai question
  and the readings to offer (today, and for a written date that day and month most
  recently).
- Numeric dates are day/month[/year] (the Thai order); without a year and with both
  parts ≤ 12 ("5/6") they are ambiguous.
- Relative days: วันนี้, พรุ่งนี้, มะรืน, เมื่อวาน, อีก N วัน/สัปดาห์, สัปดาห์หน้า
  (its Monday), วันศุกร์หน้า (Friday of next week), วันศุกร์นี้ (the coming one),
  สิ้นเดือน(หน้า).
- Times: 14.00 น., 14:00, บ่ายสองโมง, สิบโมงเช้า, 2 ทุ่ม, ตีสอง, เที่ยง, …ครึ่ง.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from handlers.extract.numbers import NUMBER_WORDS, normalise_digits, thai_words_to_int

PLAUSIBLE_YEARS = 10  # a two-digit year must name a year within this many of today

# month number → spellings (full names, abbreviations written without dots; dots are optional)
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("มกราคม", "มกรา", "มค", "january", "jan"),
    2: ("กุมภาพันธ์", "กุมภาพันธ", "กุมภา", "กพ", "february", "feb"),
    3: ("มีนาคม", "มีนา", "มีค", "march", "mar"),
    4: ("เมษายน", "เมษา", "เมย", "april", "apr"),
    5: ("พฤษภาคม", "พฤษภา", "พค", "may"),
    6: ("มิถุนายน", "มิถุนา", "มิย", "june", "jun"),
    7: ("กรกฎาคม", "กรกฎา", "กค", "july", "jul"),
    8: ("สิงหาคม", "สิงหา", "สค", "august", "aug"),
    9: ("กันยายน", "กันยา", "กย", "september", "sept", "sep"),
    10: ("ตุลาคม", "ตุลา", "ตค", "october", "oct"),
    11: ("พฤศจิกายน", "พฤศจิกา", "พฤศจิ", "พย", "november", "nov"),
    12: ("ธันวาคม", "ธันวา", "ธค", "december", "dec"),
}
MONTH_ABBR = ("", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def _spelling_pattern(word: str) -> str:
    """Short Thai abbreviations accept a dot (and a space) after each letter: ม.ค."""
    if len(word) <= 3 and not word.isascii():
        return r"\.?\s?".join(re.escape(ch) for ch in word) + r"\.?"
    return re.escape(word) + (r"\.?" if word.isascii() else "")


_MONTH_LOOKUP: list[tuple[str, int]] = sorted(
    ((spelling, month) for month, spellings in _MONTHS.items() for spelling in spellings),
    key=lambda item: len(item[0]),
    reverse=True,
)
_MONTH_RE = "(?P<month>" + "|".join(_spelling_pattern(s) for s, _ in _MONTH_LOOKUP) + ")"
_THAI_LETTER = "\u0e01-\u0e4e"
_NOT_TIME_AFTER = r"(?!\s*(?:[.:]\d|คน|ท่าน|บาท|ราย|หน้า|น\.|นาฬิกา|โมง|ทุ่ม|ชั่วโมง|ชม))"
_YEAR_RE = rf"(?:\s*(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?|ปี|B\.?E\.?|C\.?E\.?)?\s*(?P<year>\d{{4}}|\d{{2}})(?!\d){_NOT_TIME_AFTER})?"

# 15 ม.ค. 69 | วันที่ 15 มกราคม 2569 | 15ธ.ค.68 | Jan 15, 2026 handled below
_DAY_MONTH_RE = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})\s*(?:-\s*\d{{1,2}}\s*)?{_MONTH_RE}(?![{_THAI_LETTER}a-z]){_YEAR_RE}",
    re.IGNORECASE,
)
_MONTH_DAY_EN_RE = re.compile(
    rf"(?<![a-z]){_MONTH_RE}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s*(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)
# 15/12/2568 | 15-12-68 | 15.12.2568 | 15 12 2568 | 5/6
_NUMERIC_RE = re.compile(
    r"(?<![\d.,/:])(?P<day>\d{1,2})(?P<sep>[/\-.])(?P<month>\d{1,2})(?:(?P=sep)(?P<year>\d{4}|\d{2}))?(?![\d/:]|\.\d)"
)
# วันที่ 20 | วันที่ 20 นี้ | 20 นี้ | วันศุกร์ที่ 20 | วันที่ 5 เดือนหน้า (never a range "20-25" or a time "20.30")
_DAY_ONLY_RE = re.compile(
    r"(?:(?P<marker>วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)?\s*ที่?)\s*|(?<![\d.,/:\-])(?<!ที่)(?<!ที่\s))"
    r"(?P<day>\d{1,2})(?!\d)(?!\s*[/\-]\s*\d)"
    r"(?:\s*เดือน(?P<month>หน้า|นี้)|(?P<this>\s*นี้))?" + _NOT_TIME_AFTER
)
# What something was received on is in the past: "รับเงินวันที่ 20", "ได้รับ 20 นี้",
# "ได้รับเงินยืม 25 พ.ย.", "รับเงินเมื่อ 3 ธ.ค.".
RECEIVED_RE = re.compile(
    r"((?:ได้)?รับเงิน(?:ยืม)?|ได้รับ|รับเมื่อ|(?<![\u0e01-\u0e4f])รับ|received(?: on)?)\s*(?:เมื่อ)?\s*(?:วันที่)?\s*$", re.IGNORECASE
)
_SPACED_RE = re.compile(r"(?<![\d.,/:])(?P<day>\d{1,2})\s(?P<month>\d{1,2})\s(?P<year>\d{4})(?!\d)")

_WEEKDAYS = {
    "จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3, "พฤ": 3, "ศุกร์": 4, "เสาร์": 5, "อาทิตย์": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_WEEKDAY_ALT = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_NUMWORD = "(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")+"
_RELATIVE_RE = re.compile(
    "|".join(
        (
            r"(?P<today>วันนี้|today)",
            r"(?P<dayafter>มะรืน(?:นี้)?|day after tomorrow)",
            r"(?P<tomorrow>พรุ่งนี้|พรุ้งนี้|tomorrow)",
            r"(?P<yesterday>เมื่อวาน(?:นี้)?|วานนี้|yesterday)",
            rf"อีก\s*(?P<n>\d{{1,3}}|{_NUMWORD})\s*(?P<unit>วัน|สัปดาห์|อาทิตย์|เดือน)",
            rf"(?:วัน)?(?P<weekday>{_WEEKDAY_ALT})(?:\s*(?P<which>หน้า|นี้|ที่จะถึง))?(?!\s*ที่\s*\d)",
            r"(?P<nextweek>สัปดาห์หน้า|อาทิตย์หน้า|next week)",
            r"(?P<monthend>สิ้นเดือน(?P<nextmonth>หน้า)?|end of (?:the )?month)",
        )
    ),
    re.IGNORECASE,
)

# ---------------------------------------------------------------- times
_HM_RE = re.compile(
    r"(?<![\d.,/])(?:เวลา\s*)?(?P<h>[01]?\d|2[0-3])\s*(?P<sep>[.:])\s*(?P<m>[0-5]\d)(?!\d)(?:\s*(?P<suffix>น\.?|นาฬิกา|hrs?|am|pm))?(?!\s*(?:ล้าน|แสน|หมื่น|พัน|บาท|k\b|%))",
    re.IGNORECASE,
)
_H_OCLOCK_RE = re.compile(r"(?<![\d.,])(?:เวลา\s*)?(?P<h>[01]?\d|2[0-3])\s*(?:นาฬิกา|น\.|(?P<ap>am|pm)\b)(?!\d)", re.IGNORECASE)
_N = rf"(?P<n>\d{{1,2}}|{_NUMWORD})"
_SPOKEN_RE = re.compile(
    "|".join(
        (
            r"(?P<midnight>เที่ยงคืน)",
            r"(?P<noon>เที่ยง(?:วัน|ตรง)?)(?!คืน)",
            rf"บ่าย\s*{_N.replace('(?P<n>', '(?P<pm>')}?\s*(?:โมง)?",
            rf"{_N.replace('(?P<n>', '(?P<tum>')}\s*ทุ่ม",
            rf"ตี\s*{_N.replace('(?P<n>', '(?P<tee>')}",
            rf"{_N}\s*โมง\s*(?P<part>เช้า|เย็น|ค่ำ)?",
        )
    )
)
_HALF_RE = re.compile(r"\s*ครึ่ง")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date (maybe with a time) found in text.

    `day` is None when the text names no valid single day: then `reason` is a short
    Thai sentence for the question to ask, and `candidates` the readings it allows.
    A receipt date still ahead keeps its `day` but is `ambiguous`, with a reason too.
    """

    day: date | None
    time: time | None
    text_span: tuple[int, int]
    ambiguous: bool = False
    reason: str = ""
    candidates: tuple[date, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.day is not None and not self.ambiguous


@dataclass(frozen=True, slots=True)
class TimeMention:
    value: time
    text_span: tuple[int, int]


def month_number(word: str) -> int | None:
    squashed = re.sub(r"[.\s]", "", word).lower()
    for spelling, month in _MONTH_LOOKUP:
        if squashed == spelling:
            return month
    return None


def _small_number(raw: str | None) -> int | None:
    if not raw:
        return None
    return int(raw) if raw.isdigit() else thai_words_to_int(raw)


def _year_candidates(raw: str, today: date) -> tuple[int, ...]:
    """CE years that a written year can mean."""
    value = int(raw)
    if len(raw) == 4:
        if value >= 2400:
            return (value - 543,)
        return (value,) if 1900 <= value <= 2300 else ()
    readings = {2500 + value - 543, 2000 + value}
    return tuple(sorted(y for y in readings if abs(y - today.year) <= PLAUSIBLE_YEARS))


def _describe(day: int, month: int) -> str:
    return f"{day} {MONTH_ABBR[month]}"


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(day: int, month: int, today: date) -> date | None:
    """The first such day on or after today (29 ก.พ. waits for a leap year)."""
    for year in range(today.year, today.year + 9):
        found = _valid(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def _last_occurrence(day: int, month: int, today: date) -> date | None:
    """The last such day on or before today (29 ก.พ. looks back to a leap year)."""
    for year in range(today.year, today.year - 9, -1):
        found = _valid(year, month, day)
        if found is not None and found <= today:
            return found
    return None


def _occurrence(day: int, month: int, today: date, past: bool) -> date | None:
    return _last_occurrence(day, month, today) if past else _next_occurrence(day, month, today)


def _resolve(day: int, month: int, year_raw: str | None, today: date, span: tuple[int, int],
             past: bool = False) -> DateMention:
    """A day and month, with the year as written; without one, the next occurrence
    (the most recent one when `past`)."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return DateMention(None, None, span, reason="วันที่นี้ไม่ถูกต้องค่ะ")
    if year_raw is None:
        found = _occurrence(day, month, today, past)
        if found is None or day > calendar.monthrange(2024, month)[1]:
            return DateMention(None, None, span, reason=f"ไม่มีวันที่ {_describe(day, month)} ค่ะ")
        return DateMention(found, None, span)
    years = _year_candidates(year_raw, today)
    if len(years) != 1:
        options = tuple(d for y in years if (d := _valid(y, month, day)) is not None)
        return DateMention(
            None, None, span, ambiguous=True, candidates=options,
            reason=f"ปี {year_raw} หมายถึงปีไหนคะ กรุณาพิมพ์ปีเต็ม เช่น {today.year + 543}",
        )
    found = _valid(years[0], month, day)
    if found is None:
        return DateMention(None, None, span, reason=f"ไม่มีวันที่ {_describe(day, month)} {years[0] + 543} ค่ะ")
    return DateMention(found, None, span)


def _add_months(day: date, months: int) -> tuple[int, int]:
    """(year, month) `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def day_of_month(day: int, today: date, *, past: bool = False, month_offset: int | None = None,
                 span: tuple[int, int] = (0, 0)) -> DateMention:
    """A day written without its month: in this month or the next (the previous one
    when `past`), or in the month `month_offset` from this one (เดือนนี้ 0, เดือนหน้า 1).
    A day that month does not have comes back with `day=None`, a question and the
    readings to offer: that month's last day and the nearest month that has the day."""
    if not 1 <= day <= 31:
        return DateMention(None, None, span, reason="วันที่นี้ไม่ถูกต้องค่ะ")
    if month_offset is None:
        month_offset = (-1 if day > today.day else 0) if past else (1 if day < today.day else 0)
    year, month = _add_months(today, month_offset)
    found = _valid(year, month, day)
    if found is not None:
        return DateMention(found, None, span)
    step = -1 if past else 1
    nearest = next(
        found for n in range(month_offset + step, month_offset + 13 * step, step)
        if (found := _valid(*_add_months(today, n), day)) is not None
    )
    last = date(year, month, _days_in(year, month))
    options = tuple(sorted((last, nearest)))
    return DateMention(
        None, None, span, ambiguous=True, candidates=options,
        reason=f"เดือน {MONTH_ABBR[month]} {year + 543} มีแค่ {last.day} วันค่ะ หมายถึงวันไหนคะ",
    )


def _relative(match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if groups["today"]:
        return today
    if groups["tomorrow"]:
        return today + timedelta(days=1)
    if groups["dayafter"]:
        return today + timedelta(days=2)
    if groups["yesterday"]:
        return today - timedelta(days=1)
    if groups["n"]:
        n = _small_number(groups["n"])
        if n is None:
            return None
        unit = groups["unit"]
        if unit == "วัน":
            return today + timedelta(days=n)
        if unit in {"สัปดาห์", "อาทิตย์"}:
            return today + timedelta(weeks=n)
        month_index = today.month - 1 + n
        year, month = today.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    if groups["weekday"]:
        wanted = _WEEKDAYS[groups["weekday"].lower()]
        if groups["which"] == "หน้า":
            monday_next = today + timedelta(days=7 - today.weekday())
            return monday_next + timedelta(days=wanted)
        ahead = (wanted - today.weekday()) % 7
        if ahead == 0 and groups["which"] is None:
            ahead = 7  # "วันศุกร์" said on a Friday means the next one
        return today + timedelta(days=ahead)
    if groups["nextweek"]:
        return today + timedelta(days=7 - today.weekday())
    if groups["monthend"]:
        year, month = today.year, today.month
        if groups["nextmonth"]:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return date(year, month, calendar.monthrange(year, month)[1])
    return None


def find_times(text: str) -> list[TimeMention]:
    """Clock times in order: 14.00 น., 14:00, บ่ายสองโมง, สิบโมงเช้า, 2 ทุ่ม, เที่ยง."""
    norm = normalise_digits(text)
    found: list[TimeMention] = []

    def add(value: time | None, start: int, end: int) -> None:
        if value is None or any(t.text_span[0] < end and start < t.text_span[1] for t in found):
            return
        found.append(TimeMention(value, (start, end)))

    for match in _HM_RE.finditer(norm):
        hour, minute = int(match.group("h")), int(match.group("m"))
        suffix = (match.group("suffix") or "").lower()
        if suffix == "pm" and hour < 12:
            hour += 12
        # "2.5" is never a time; "14.00" alone is, when the minutes have two digits.
        add(time(hour, minute), match.start(), match.end())
    for match in _H_OCLOCK_RE.finditer(norm):
        hour = int(match.group("h"))
        meridiem = (match.group("ap") or "").lower()
        if meridiem and not 1 <= hour <= 12:
            continue
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        add(time(hour), match.start(), match.end())
    for match in _SPOKEN_RE.finditer(norm):
        g = match.groupdict()
        hour: int | None
        if g["midnight"]:
            hour = 0
        elif g["noon"]:
            hour = 12
        elif match.group(0).startswith("บ่าย"):
            n = _small_number(g["pm"]) if g["pm"] else 1
            hour = None if n is None or not 1 <= n <= 6 else 12 + n
        elif g["tum"]:
            n = _small_number(g["tum"])
            hour = None if n is None or not 1 <= n <= 6 else 18 + n
        elif g["tee"]:
            n = _small_number(g["tee"])
            hour = None if n is None or not 1 <= n <= 5 else n
        else:
            n = _small_number(g["n"])
            part = g["part"]
            if n is None or not 1 <= n <= 12:
                hour = None
            elif part in {"เย็น", "ค่ำ"}:
                hour = n + 12 if n < 12 else n
            else:
                hour = n
        end = match.end()
        minute = 0
        half = _HALF_RE.match(norm, end)
        if half and hour is not None:
            minute, end = 30, half.end()
        add(time(hour, minute) if hour is not None else None, match.start(), end)
    return sorted(found, key=lambda t: t.text_span)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _future_receipt(mention: DateMention, today: date, written: bool) -> DateMention:
    """A receipt date still ahead is asked back: money is logged after it arrives.
    The readings offered: today, and for a date `written` with its month, that day
    and month most recently (the year was likely a slip)."""
    day = mention.day
    if day is None or mention.ambiguous or day <= today:
        return mention
    recent = _last_occurrence(day.day, day.month, today) if written else None
    options = tuple(sorted({d for d in (recent, today) if d is not None}))
    return DateMention(
        day, mention.time, mention.text_span, ambiguous=True, candidates=options,
        reason=f"วันที่ {_describe(day.day, day.month)} {day.year + 543} ยังไม่ถึงค่ะ ได้รับเงินวันไหนคะ",
    )


def find_dates(text: str, today: date, *, past: bool = False) -> list[DateMention]:
    """Every date the text names, in order, each with the time written right after it
    (within a few words). Never raises; invalid or two-way dates carry a reason.
    `past`: every date is a receipt date (otherwise only one right after RECEIVED_RE):
    a day without its month, or a day and month without a year, is the most recent
    one, and a date still ahead is asked back."""
    norm = normalise_digits(text)
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def received(start: int) -> bool:
        return past or RECEIVED_RE.search(norm[:start]) is not None

    def add(mention: DateMention) -> None:
        if not _overlaps(mention.text_span, taken):
            mentions.append(mention)
            taken.append(mention.text_span)

    for match in _DAY_MONTH_RE.finditer(norm):
        month = month_number(match.group("month"))
        if month is not None:
            add(_resolve(int(match.group("day")), month, match.group("year"), today, match.span(),
                         past=received(match.start())))
    for match in _MONTH_DAY_EN_RE.finditer(norm):
        month = month_number(match.group("month"))
        if month is not None and not _overlaps(match.span(), taken):
            add(_resolve(int(match.group("day")), month, match.group("year"), today, match.span(),
                         past=received(match.start())))
    for match in _SPACED_RE.finditer(norm):
        add(_resolve(int(match.group("day")), int(match.group("month")), match.group("year"), today, match.span()))
    for match in _NUMERIC_RE.finditer(norm):
        day, month, year = int(match.group("day")), int(match.group("month")), match.group("year")
        if match.group("sep") == "." and year is None:
            continue  # 14.00 or 2.5: a time or a decimal, not a date
        back = received(match.start())
        if year is None and day <= 12 and month <= 12 and day != month:
            options = tuple(
                d for d in (_occurrence(day, month, today, back), _occurrence(month, day, today, back)) if d is not None
            )
            add(DateMention(None, None, match.span(), ambiguous=True, candidates=options,
                            reason=f"“{match.group(0)}” หมายถึง {_describe(day, month)} หรือ {_describe(month, day)} คะ"))
            continue
        add(_resolve(day, month, year, today, match.span(), past=back))
    written = set(taken)  # dates written with their month
    for match in _DAY_ONLY_RE.finditer(norm):
        if match.group("marker") or match.group("month") or match.group("this"):
            offset = {"นี้": 0, "หน้า": 1}.get(match.group("month") or "")
            add(day_of_month(int(match.group("day")), today, past=received(match.start()) and offset is None,
                             month_offset=offset, span=match.span()))
    for match in _RELATIVE_RE.finditer(norm):
        if match.group(0).strip() and not _overlaps(match.span(), taken):
            found = _relative(match, today)
            if found is not None:
                add(DateMention(found, None, match.span()))

    mentions.sort(key=lambda m: m.text_span)
    mentions = [_future_receipt(m, today, m.text_span in written) if received(m.text_span[0]) else m
                for m in mentions]
    return _attach_times(norm, mentions, taken)


def _attach_times(norm: str, mentions: list[DateMention], taken: list[tuple[int, int]]) -> list[DateMention]:
    """Give each date the first time written after it, before the next date, if the
    gap is short ("15 ม.ค. 69 เวลา 14.00 น.", "พรุ่งนี้บ่ายสองโมง")."""
    times = [t for t in find_times(norm) if not _overlaps(t.text_span, taken)]
    result: list[DateMention] = []
    for index, mention in enumerate(mentions):
        limit = mentions[index + 1].text_span[0] if index + 1 < len(mentions) else len(norm)
        chosen = None
        for candidate in times:
            gap = candidate.text_span[0] - mention.text_span[1]
            if 0 <= gap <= 12 and candidate.text_span[1] <= limit:
                chosen = candidate
                break
            before = mention.text_span[0] - candidate.text_span[1]
            if 0 <= before <= 3 and index == 0:
                chosen = candidate  # "บ่ายสองโมงพรุ่งนี้"
                break
        if chosen is None:
            result.append(mention)
            continue
        start = min(mention.text_span[0], chosen.text_span[0])
        end = max(mention.text_span[1], chosen.text_span[1])
        result.append(
            DateMention(mention.day, chosen.value, (start, end), mention.ambiguous, mention.reason, mention.candidates)
        )
    return result


def first_date(text: str, today: date) -> DateMention | None:
    mentions = find_dates(text, today)
    return mentions[0] if mentions else None
