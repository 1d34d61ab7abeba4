"""Amounts and counts: Arabic and Thai digits, Thai number words, multipliers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.extract.numbers import find_amounts, find_counts, format_baht


@pytest.mark.parametrize(
    "text, value",
    [
        ("25,000 บาท", 25000),
        ("25000 บาท", 25000),
        ("๒๕,๐๐๐ บาท", 25000),
        ("2.5 หมื่น", 25000),
        ("ห้าพันบาท", 5000),
        ("สองหมื่นห้าพันบาท", 25000),
        ("1.2 ล้าน", 1200000),
        ("1 ล้าน 2 แสน บาท", 1200000),
        ("3 แสน", 300000),
        ("ยืมเงิน 30000 ไปโตเกียว", 30000),
        ("2,500.50 บาท", Decimal("2500.50")),
    ],
)
def test_amounts(text, value):
    found = find_amounts(text)
    assert len(found) == 1, found
    assert found[0].value == Decimal(value)


def test_numbers_that_are_not_money():
    assert find_amounts("รับคณะ 12 คน 15 ม.ค. 69 14.00 น.") == []
    assert find_amounts("ประชุมปี 2569") == []
    assert find_amounts("ยืมเงิน 12 คน") == []


@pytest.mark.parametrize(
    "text, value, unit",
    [("12 คน", 12, "คน"), ("สิบสองคน", 12, "คน"), ("๕ ท่าน", 5, "คน"), ("แปล 5 หน้า", 5, "หน้า"), ("20 pax", 20, "คน")],
)
def test_counts(text, value, unit):
    found = find_counts(text)
    assert [(c.value, c.unit) for c in found] == [(value, unit)]


def test_format_baht():
    assert format_baht(Decimal("25000.00")) == "25,000 บาท"
    assert format_baht(Decimal("2500.5")) == "2,500.50 บาท"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_written_amount_reads_back(value):
    for text in (f"{value:,} บาท", f"{value} บาท", f"ยืมเงิน {value}"):
        found = find_amounts(text)
        assert found and found[0].value == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789,. บาทหมื่นพันแสนล้านห้าสองคนk")), max_size=40))
def test_never_crashes_and_never_negative(text):
    for amount in find_amounts(text):
        assert amount.value > 0
        assert 0 <= amount.text_span[0] < amount.text_span[1] <= len(text)
    for count in find_counts(text):
        assert count.value > 0


def test_a_number_word_inside_another_word_is_no_amount():
    from handlers.extract.numbers import find_amounts

    assert find_amounts("พันธกิจของสำนักงานมีอะไรบ้าง") == []
    assert [a.value for a in find_amounts("ห้าพันค่ะ")] == [5000]
    assert [a.value for a in find_amounts("ยืมเงินสองหมื่นห้าพันบาท")] == [25000]


@pytest.mark.parametrize(
    "text, value",
    [
        ("ยืมเงิน ค่าเดินทาง 20000", 20000),
        ("ยืมเงินค่าที่พัก ๓๕,๐๐๐ รับ 19/11", 35000),
        ("ยืมเงินไปโซล 2569 รับ 10 พ.ย.", None),  # a year
        ("ยืมเงิน โทร 081-234-5678", None),  # a phone number
        ("ยืมเงิน ค่าอาหาร 15 คน", None),  # a head count
        ("ยืมเงิน ค่าอาหาร 50", None),  # too small to be the sum of an advance
    ],
)
def test_a_bare_sum_anywhere_in_an_advance(text, value):
    """Once the message is known to be an advance, the sum may come after the purpose."""
    amounts = find_amounts(text, bare=True)
    assert [a.value for a in amounts][:1] == ([Decimal(value)] if value else [])
    assert find_amounts("ประชุม ค่าเดินทาง 20000") == []  # without bare: not money


def test_a_string_of_digits_too_long_to_be_money_is_no_amount():
    assert find_amounts("ยืมเงิน 100000000000000000000000000") == []
    assert find_amounts("ยืมเงิน ค่าเดินทาง 100000000000000000000000000", bare=True) == []
    assert [a.value for a in find_amounts("ยืมเงิน 1,500,000,000 บาท")] == [Decimal(1_500_000_000)]
