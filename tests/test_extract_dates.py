"""The Thai date and time reader: the forms officers type, the pitfalls of the
general-purpose parsers, and properties over arbitrary text."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.extract.dates import MONTH_ABBR, find_dates, find_times

TODAY = date(2025, 12, 1)  # a Monday


def one(text: str, today: date = TODAY):
    found = find_dates(text, today)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15 ม.ค. 69", date(2026, 1, 15)),
        ("15 ม.ค 69", date(2026, 1, 15)),
        ("15 มค 2569", date(2026, 1, 15)),
        ("15 มกราคม 2569", date(2026, 1, 15)),
        ("วันที่ 15 มกราคม พ.ศ. 2569", date(2026, 1, 15)),
        ("15 Jan 2026", date(2026, 1, 15)),
        ("Jan 15, 2026", date(2026, 1, 15)),
        ("15 ธ.ค. 68", date(2025, 12, 15)),  # dateparser: 2068
        ("15 ธ.ค.68", date(2025, 12, 15)),  # thai_strptime fails
        ("15ธ.ค.68", date(2025, 12, 15)),
        ("15/12/2568", date(2025, 12, 15)),  # thai_strptime fails
        ("15 12 2568", date(2025, 12, 15)),  # thai_strptime: 15 January
        ("15-12-2025", date(2025, 12, 15)),
        ("15.12.68", date(2025, 12, 15)),
        ("๑๕ ธ.ค. ๒๕๖๘", date(2025, 12, 15)),
        ("3 ธ.ค. 26", date(2026, 12, 3)),  # a short CE year
        ("15/6", date(2026, 6, 15)),  # day > 12: one reading only
        ("1 ต.ค.", date(2026, 10, 1)),
        ("1 ธ.ค.", date(2025, 12, 1)),  # today counts as the next occurrence
        ("29 ก.พ.", date(2028, 2, 29)),
        ("3 มี.ค.", date(2026, 3, 3)),
    ],
)
def test_absolute_dates(text, expected):
    mention = one(text)
    assert mention.ok and mention.day == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("วันนี้", date(2025, 12, 1)),
        ("พรุ่งนี้", date(2025, 12, 2)),
        ("มะรืน", date(2025, 12, 3)),
        ("มะรืนนี้", date(2025, 12, 3)),
        ("อีก 3 วัน", date(2025, 12, 4)),
        ("อีกสามวัน", date(2025, 12, 4)),
        ("อีก 2 สัปดาห์", date(2025, 12, 15)),
        ("สัปดาห์หน้า", date(2025, 12, 8)),
        ("วันศุกร์หน้า", date(2025, 12, 12)),
        ("วันศุกร์นี้", date(2025, 12, 5)),
        ("วันจันทร์", date(2025, 12, 8)),
        ("สิ้นเดือน", date(2025, 12, 31)),
        ("สิ้นเดือนหน้า", date(2026, 1, 31)),
    ],
)
def test_relative_dates(text, expected):
    assert one(text).day == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14.00 น.", time(14)),
        ("14:30", time(14, 30)),
        ("เวลา 9.00 น.", time(9)),
        ("บ่ายสองโมง", time(14)),
        ("บ่ายโมง", time(13)),
        ("บ่าย 3 โมง", time(15)),
        ("สิบโมงเช้า", time(10)),
        ("ห้าโมงเย็น", time(17)),
        ("2 ทุ่ม", time(20)),
        ("สองทุ่มครึ่ง", time(20, 30)),
        ("ตีสอง", time(2)),
        ("เที่ยง", time(12)),
        ("เที่ยงคืน", time(0)),
        ("2pm", time(14)),
        ("๑๔.๐๐ น.", time(14)),
    ],
)
def test_times(text, expected):
    found = find_times(text)
    assert [t.value for t in found] == [expected]


def test_amounts_are_not_times():
    assert find_times("2.5 หมื่น") == []
    assert find_times("1.20 ล้าน") == []


def test_the_issue_line_reads_date_and_time():
    text = "บันทึกเรื่อง รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ 15 ม.ค. 69 14.00 น."
    mention = one(text)
    assert (mention.day, mention.time) == (date(2026, 1, 15), time(14))
    assert text[mention.text_span[0] : mention.text_span[1]] == "15 ม.ค. 69 14.00 น."


def test_relative_day_with_spoken_time():
    mention = one("พรุ่งนี้บ่ายสองโมง")
    assert (mention.day, mention.time) == (date(2025, 12, 2), time(14))


def test_impossible_date_asks_back():
    mention = one("31 ก.พ.")
    assert mention.day is None and not mention.ok and "31 ก.พ." in mention.reason
    assert one("30 ก.พ. 2569").day is None
    assert one("29 ก.พ. 2569").day is None  # 2026 is not a leap year


def test_two_way_numeric_date_is_ambiguous():
    mention = one("5/6")
    assert mention.ambiguous and mention.day is None
    assert set(mention.candidates) == {date(2026, 6, 5), date(2026, 5, 6)}
    assert "5 มิ.ย." in mention.reason and "6 พ.ค." in mention.reason


def test_short_year_that_is_neither_be_nor_ce_recent_is_ambiguous():
    mention = one("3 มี.ค. 45")
    assert mention.ambiguous and mention.day is None and "ปี" in mention.reason


def test_counts_and_money_are_not_years():
    mention = one("15 ม.ค. 12 คน")
    assert mention.day == date(2026, 1, 15)
    assert one("15 ม.ค. 14.00 น.").day == date(2026, 1, 15)


def test_no_date_in_plain_text():
    assert find_dates("ตอบหนังสือสถานทูต", TODAY) == []
    assert find_dates("ราคา 2.5 หมื่น", TODAY) == []
    assert find_dates("พยาบาล 15 คน", TODAY) == []


# ---------------------------------------------------------------- properties

TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789๐๑๒๓๔๕๖๗๘๙ /.:-,มคกพยธตสเนวันที่บ่ายโมงทุ่มอีกหน้าพรุ่งนี้ abcJanDec")),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_never_crashes_and_spans_are_in_bounds(text, today):
    for mention in find_dates(text, today):
        start, end = mention.text_span
        assert 0 <= start < end <= len(text)
        assert mention.ok or mention.reason
    for found in find_times(text):
        assert 0 <= found.text_span[0] < found.text_span[1] <= len(text)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31)),
    st.sampled_from(["be4", "be2", "ce4", "none", "slash", "spaced"]),
)
def test_every_date_returned_is_the_one_written(day, form):
    today = date(2025, 12, 1)
    month = MONTH_ABBR[day.month]
    text = {
        "be4": f"{day.day} {month} {day.year + 543}",
        "be2": f"{day.day} {month} {(day.year + 543) % 100:02d}",
        "ce4": f"{day.day} {month} {day.year}",
        "none": f"{day.day} {month}",
        "slash": f"{day.day}/{day.month}/{day.year + 543}",
        "spaced": f"{day.day} {day.month} {day.year + 543}",
    }[form]
    mention = one(text, today)
    if mention.ok:
        assert mention.day.day == day.day and mention.day.month == day.month
        if form != "none":
            assert mention.day == day
        else:
            assert mention.day >= today
    else:
        # only a two-digit year may be refused, and only with a question
        assert form == "be2" and mention.reason


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_unicode_never_crashes(text):
    for mention in find_dates(text, date(2025, 12, 1)):
        assert mention.day is None or isinstance(mention.day, date)
    find_times(text)


def test_day_returned_is_allowed_by_text_digits():
    """Every day number in an answer appears in the text (no invented dates)."""
    for text in ("ประชุม 7 ก.ค. 69 และ 9 ส.ค. 69", "5 ม.ค. 69 - 8 ม.ค. 69"):
        for mention in find_dates(text, TODAY):
            assert str(mention.day.day) in re.findall(r"\d+", text)


# ---------------------------------------------------------------- a day without its month

SAT_21_NOV = date(2026, 11, 21)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("วันที่ 20", date(2026, 12, 20)),  # the 20th has passed: next month's
        ("20 นี้", date(2026, 12, 20)),
        ("วันที่ ๒๐", date(2026, 12, 20)),
        ("วันที่ 21", date(2026, 11, 21)),  # today stays today
        ("วันที่ 25", date(2026, 11, 25)),
        ("วันที่ 25 นี้", date(2026, 11, 25)),
        ("วันศุกร์ที่ 27", date(2026, 11, 27)),
        ("วันที่ 5 เดือนหน้า", date(2026, 12, 5)),
        ("วันที่ 30 เดือนนี้", date(2026, 11, 30)),
        ("ประชุมวันที่ 20 เวลา 14.00 น.", date(2026, 12, 20)),
    ],
)
def test_day_without_month_is_the_next_such_day(text, expected):
    assert one(text, SAT_21_NOV).day == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("รับเงินวันที่ 20", date(2026, 11, 20)),  # money is logged after it arrives
        ("ได้รับเงิน 21 นี้", date(2026, 11, 21)),
        ("รับเงินวันที่ 25", date(2026, 10, 25)),
        ("รับเงินวันที่ 31", date(2026, 10, 31)),
        # a day and month without the year
        ("รับเงิน 3 ธ.ค.", date(2025, 12, 3)),  # on 21 Nov 2569: last December's, not a receipt to come
        ("ได้รับเงินยืม 25 พ.ย.", date(2025, 11, 25)),
        ("ได้รับเงินเมื่อ 21 พ.ย.", date(2026, 11, 21)),  # today included
        ("รับเงิน 20 พ.ย.", date(2026, 11, 20)),
        ("รับเงินวันที่ 30/11", date(2025, 11, 30)),
        ("received Dec 3", date(2025, 12, 3)),
    ],
)
def test_a_receipt_day_without_month_or_year_is_the_most_recent(text, expected):
    assert one(text, SAT_21_NOV).day == expected


def test_past_reading_on_request_and_event_dates_stay_ahead():
    assert one("วันที่ 25", SAT_21_NOV).day == date(2026, 11, 25)
    assert find_dates("วันที่ 25", SAT_21_NOV, past=True)[0].day == date(2026, 10, 25)
    both = find_dates("ไปประชุมวันที่ 25 รับเงินวันที่ 20", SAT_21_NOV)
    assert [m.day for m in both] == [date(2026, 11, 25), date(2026, 11, 20)]


def test_day_and_month_of_an_event_stay_ahead_and_past_reads_back():
    assert one("ประชุม 3 ธ.ค.", SAT_21_NOV).day == date(2026, 12, 3)
    assert find_dates("3 ธ.ค.", SAT_21_NOV, past=True)[0].day == date(2025, 12, 3)
    both = find_dates("ไปประชุม 3 ธ.ค. รับเงิน 3 ธ.ค.", SAT_21_NOV)
    assert [m.day for m in both] == [date(2026, 12, 3), date(2025, 12, 3)]
    assert find_dates("รับเงิน 29 ก.พ.", SAT_21_NOV)[0].day == date(2024, 2, 29)
    assert find_dates("รับเงิน 5/6", SAT_21_NOV)[0].candidates == (date(2026, 6, 5), date(2026, 5, 6))


def test_a_receipt_date_still_ahead_is_asked_back():
    ahead = one("รับเงิน 3 ธ.ค. 2570", SAT_21_NOV)
    assert not ahead.ok and ahead.ambiguous and ahead.day == date(2027, 12, 3)
    assert ahead.reason == "วันที่ 3 ธ.ค. 2570 ยังไม่ถึงค่ะ ได้รับเงินวันไหนคะ"
    assert ahead.candidates == (date(2025, 12, 3), SAT_21_NOV)
    assert find_dates("3 ธ.ค. 69", SAT_21_NOV, past=True)[0].candidates == (date(2025, 12, 3), SAT_21_NOV)
    tomorrow = one("รับเงินพรุ่งนี้", SAT_21_NOV)
    assert not tomorrow.ok and tomorrow.candidates == (SAT_21_NOV,)
    assert one("รับเงิน 21 พ.ย. 69", SAT_21_NOV).ok  # today is fine
    assert one("ประชุม 3 ธ.ค. 2570", SAT_21_NOV).ok  # only receipts must be past


def test_a_day_the_month_lacks_is_asked_back_with_its_readings():
    mention = one("วันที่ 31", SAT_21_NOV)
    assert mention.day is None and mention.ambiguous and "30 วัน" in mention.reason
    assert mention.candidates == (date(2026, 11, 30), date(2026, 12, 31))
    past = find_dates("วันที่ 31", date(2026, 3, 5), past=True)[0]
    assert past.day is None and past.candidates == (date(2026, 1, 31), date(2026, 2, 28))
    assert one("วันที่ 29 เดือนหน้า", date(2027, 1, 10)).candidates == (date(2027, 2, 28), date(2027, 3, 29))
    assert one("วันที่ 45", SAT_21_NOV).reason


@pytest.mark.parametrize("text", ["ครั้งที่ 20 นี้", "วันที่ 20 คน", "ข้อ 20", "วันที่ 14.30", "ห้อง 20"])
def test_numbers_that_are_not_a_day(text):
    assert all(m.day != date(2026, 12, 20) for m in find_dates(text, SAT_21_NOV))


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 31), st.booleans())
def test_a_day_without_month_is_the_nearest_such_day(today, day, past):
    mention = find_dates(f"วันที่ {day}", today, past=past)[0]
    if mention.ok:
        assert mention.day.day == day
        gap = (today - mention.day).days if past else (mention.day - today).days
        assert 0 <= gap < 31  # today or within a month, on the side asked for
    else:
        assert mention.reason and len(mention.candidates) == 2
        assert all(c.day == day or c.month != (c + timedelta(days=1)).month for c in mention.candidates)
