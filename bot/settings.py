"""One settings object, read from the environment once.

Only `serve` needs the LINE credentials; `chat`, `ask`, `tick` and the tests run
without them, so missing values are reported by `Settings.require_line()` at the
moment they are needed, with a message that says where to get them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
BANGKOK = ZoneInfo("Asia/Bangkok")
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'bot.sqlite3'}"


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message is meant for the operator."""


def _int_list(raw: str) -> tuple[int, ...]:
    return tuple(int(part) for part in raw.replace(" ", "").split(",") if part)


def _str_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _clock(raw: str) -> time:
    hour, _, minute = raw.partition(":")
    return time(int(hour), int(minute or 0))


@dataclass(frozen=True)
class Settings:
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base_url: str = "https://api.line.me"
    database_url: str = DEFAULT_DATABASE_URL
    # Groups: the bot answers only when mentioned or when a message starts with a trigger word.
    trigger_words: tuple[str, ...] = ("บอท", "bot", "@bot")
    # LINE user ids that are admins from the start (besides invite codes).
    admin_user_ids: tuple[str, ...] = ()
    default_unit: str = "สำนักงานการต่างประเทศ"
    # Reminders
    advance_ladder_days: tuple[int, ...] = (7, 3, 1, 0)
    reminder_clock: time = time(9, 0)
    overdue_every_working_days: int = 2
    visit_notice_days: tuple[int, ...] = (7, 1)
    morning_clock: time = time(7, 30)
    digest_weekday: int = 0  # Monday
    digest_clock: time = time(8, 30)
    quiet_start: time = time(20, 0)
    quiet_end: time = time(7, 0)
    tick_seconds: int = 30
    conversation_ttl_minutes: int = 30
    max_body_bytes: int = 1_000_000
    reply_timeout_seconds: float = 10.0
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        get = env.get
        try:
            return cls(
                line_channel_secret=get("LINE_CHANNEL_SECRET", ""),
                line_channel_access_token=get("LINE_CHANNEL_ACCESS_TOKEN", ""),
                line_api_base_url=get("LINE_API_BASE_URL", "https://api.line.me").rstrip("/"),
                database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
                trigger_words=_str_list(get("BOT_TRIGGER_WORDS", "บอท,bot,@bot")),
                admin_user_ids=_str_list(get("BOT_ADMIN_USER_IDS", "")),
                default_unit=get("BOT_DEFAULT_UNIT", cls.default_unit),
                advance_ladder_days=_int_list(get("BOT_ADVANCE_LADDER_DAYS", "7,3,1,0")),
                reminder_clock=_clock(get("BOT_REMINDER_TIME", "09:00")),
                overdue_every_working_days=int(get("BOT_OVERDUE_EVERY_WORKING_DAYS", "2")),
                visit_notice_days=_int_list(get("BOT_VISIT_NOTICE_DAYS", "7,1")),
                morning_clock=_clock(get("BOT_MORNING_TIME", "07:30")),
                digest_weekday=int(get("BOT_DIGEST_WEEKDAY", "0")),
                digest_clock=_clock(get("BOT_DIGEST_TIME", "08:30")),
                quiet_start=_clock(get("BOT_QUIET_START", "20:00")),
                quiet_end=_clock(get("BOT_QUIET_END", "07:00")),
                tick_seconds=int(get("BOT_TICK_SECONDS", "30")),
                conversation_ttl_minutes=int(get("BOT_CONVERSATION_TTL_MINUTES", "30")),
                max_body_bytes=int(get("BOT_MAX_BODY_BYTES", "1000000")),
            )
        except ValueError as exc:  # a malformed number or clock
            raise SettingsError(f"ค่าตั้งค่าไม่ถูกต้อง: {exc}") from exc

    def require_line(self) -> None:
        """Stop `serve` at once, naming the variable and how to get it."""
        missing = [
            name
            for name, value in (
                ("LINE_CHANNEL_SECRET", self.line_channel_secret),
                ("LINE_CHANNEL_ACCESS_TOKEN", self.line_channel_access_token),
            )
            if not value
        ]
        if missing:
            raise SettingsError(
                "Missing " + ", ".join(missing) + ". Get them from the LINE Developers console → "
                "your Messaging API channel (Basic settings → Channel secret; Messaging API → "
                "Channel access token), then export them before `python -m bot serve`. "
                "To try the bot without LINE, run `python -m bot chat`."
            )

    @property
    def trigger_word(self) -> str:
        """The trigger word the bot's help texts show (the first one configured)."""
        return self.trigger_words[0] if self.trigger_words else "บอท"

    def is_admin(self, user_id: str | None) -> bool:
        return bool(user_id) and user_id in self.admin_user_ids
