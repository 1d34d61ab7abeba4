"""Time as officers see it: Bangkok wall clock, Thai dates, the Thai fiscal year.

The bot stores UTC and thinks in Asia/Bangkok whatever the machine's zone; every
conversion goes through here so that no module guesses.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from pythainlp.util import thai_strftime

from bot.settings import BANGKOK
from knowledge.catalogue import fiscal_year  # noqa: F401  (one rule for the bot and the manuals)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def bangkok(dt: datetime) -> datetime:
    """An aware datetime in Bangkok time (naive input is taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(BANGKOK)


def today(now: datetime) -> date:
    """Bangkok's calendar day at the instant `now`."""
    return bangkok(now).date()


def at_bangkok(day: date, clock: time) -> datetime:
    """The UTC instant of a Bangkok wall-clock time on a Bangkok calendar day."""
    return datetime.combine(day, clock, tzinfo=BANGKOK).astimezone(timezone.utc)


def day_start(day: date) -> datetime:
    """The UTC instant a Bangkok calendar day begins: [day_start(d), day_start(d + 1))
    holds exactly the instants of that Bangkok day."""
    return at_bangkok(day, time(0))


def thai_date(day: date | datetime) -> str:
    """15 ม.ค. 2569 (a datetime is shown on its Bangkok day)."""
    if isinstance(day, datetime):
        day = bangkok(day).date()
    return thai_strftime(datetime.combine(day, time()), "%-d %b %Y")


def thai_datetime(dt: datetime) -> str:
    """15 ม.ค. 2569 14.00 น. (Bangkok time)."""
    return thai_strftime(bangkok(dt).replace(tzinfo=None), "%-d %b %Y %H.%M น.")


def thai_weekday_date(day: date) -> str:
    """วันพฤหัสบดี 15 ม.ค. 2569"""
    return thai_strftime(datetime.combine(day, time()), "%A %-d %b %Y")
