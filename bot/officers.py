"""Who may use cases: registration by one-time invite code, admins from settings.

`python -m bot officers invite --unit U [--role R]` prints a code; the officer types
"ลงทะเบียน <code>" in a 1:1 chat. LINE user ids in settings.admin_user_ids become
admins of settings.default_unit the first time they speak to the bot.
"""

from __future__ import annotations

import argparse
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import bangkok, utcnow
from bot.db.models import InviteCode, Officer

ROLES = ("officer", "finance", "admin")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
INVITE_DAYS = 14

HOW_TO_REGISTER = (
    "ขออภัยค่ะ เรื่องนี้ใช้ได้เฉพาะเจ้าหน้าที่ที่ลงทะเบียนแล้ว "
    "กรุณาขอรหัสลงทะเบียนจากผู้ดูแลระบบ แล้วพิมพ์ “ลงทะเบียน รหัส” ในแชตส่วนตัวกับบอทนะคะ"
)


def by_line_id(session: Session, line_user_id: str) -> Officer | None:
    """The officer row of a LINE user, active or not (callers decide what inactive means)."""
    return session.scalar(select(Officer).where(Officer.line_user_id == line_user_id))


def make_invite(session: Session, unit: str, role: str = "officer", now: datetime | None = None) -> InviteCode:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not unit.strip():
        raise ValueError("unit is required")
    now = now or utcnow()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    invite = InviteCode(code=code, unit=unit.strip(), role=role, created_at=now,
                        expires_at=now + timedelta(days=INVITE_DAYS))
    session.add(invite)
    session.flush()
    return invite


def register(session: Session, line_user_id: str, code: str, now: datetime, display_name: str = "") -> tuple[Officer | None, str]:
    """Use an invite code. Returns (officer, Thai message); officer is None on refusal."""
    code = code.strip().upper().replace("-", "").replace(" ", "")
    invite = session.get(InviteCode, code) if code else None
    existing = by_line_id(session, line_user_id)
    if existing is not None and existing.active:
        return existing, f"คุณลงทะเบียนไว้แล้วค่ะ (หน่วยงาน {existing.unit})"
    if invite is None or invite.used_by_id is not None or (invite.expires_at and invite.expires_at <= now):
        return None, "รหัสนี้ใช้ไม่ได้ค่ะ (ไม่ถูกต้อง ใช้ไปแล้ว หรือหมดอายุ) กรุณาขอรหัสใหม่จากผู้ดูแลระบบนะคะ"
    if existing is None:
        existing = Officer(line_user_id=line_user_id, display_name=display_name[:200], unit=invite.unit,
                           role=invite.role, created_at=now, updated_at=now)
        session.add(existing)
    else:
        existing.active, existing.unit, existing.role, existing.updated_at = True, invite.unit, invite.role, now
    session.flush()
    invite.used_by_id, invite.used_at = existing.id, now
    return existing, f"ลงทะเบียนเรียบร้อยค่ะ หน่วยงาน {invite.unit} พิมพ์ “เรื่องของฉัน” เพื่อดูเรื่องของคุณได้เลยนะคะ"


def find_by_name(session: Session, unit: str, name: str) -> list[Officer]:
    """Officers of a unit whose display name matches (exact first, then contains)."""
    name = name.strip().lstrip("@").removeprefix("คุณ").strip()
    if not name:
        return []
    rows = session.scalars(select(Officer).where(Officer.unit == unit, Officer.active.is_(True))).all()
    exact = [o for o in rows if o.display_name == name]
    return exact or [o for o in rows if name in o.display_name]


def main(argv: list[str]) -> int:
    from bot.app import command_session

    parser = argparse.ArgumentParser(prog="python -m bot officers")
    sub = parser.add_subparsers(dest="action", required=True)
    invite = sub.add_parser("invite", help="make a one-time registration code")
    invite.add_argument("--unit", required=True)
    invite.add_argument("--role", default="officer", choices=ROLES)
    sub.add_parser("list", help="list registered officers")
    args = parser.parse_args(argv)
    with command_session() as session:
        if args.action == "invite":
            row = make_invite(session, args.unit, args.role)
            print(row.code)
            print(f"unit: {row.unit}  role: {row.role}  expires: {bangkok(row.expires_at):%Y-%m-%d} (Bangkok)")
            print("The officer types: ลงทะเบียน " + row.code + " (in a 1:1 chat with the bot)")
        else:
            for officer in session.scalars(select(Officer).order_by(Officer.unit, Officer.id)):
                state = "active" if officer.active else "inactive"
                print(f"{officer.id}\t{officer.unit}\t{officer.role}\t{state}\t{officer.display_name}")
    return 0
