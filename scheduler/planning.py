"""Turning cases into reminders. (Interface stub: the scheduler issue fills it in.)

`plan_case` is called by the cases conversation, inside the same transaction, right
after a case is confirmed or changed; it writes reminder rows (the database is the
truth) and returns any extra replies to show the officer (e.g. "จะเตือนวันที่ …", an
offer to turn the matching manual procedure into a checklist).
"""

from __future__ import annotations

from handlers.context import Context
from handlers.replies import Reply

from bot.db.models import Case


def plan_case(ctx: Context, case: Case, change: str = "created") -> list[Reply]:
    """change: created | updated | rescheduled | cancelled | closed."""
    return []
