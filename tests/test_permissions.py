"""Who may see and change what: registration, unit walls, group scoping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.db.models import Case, InviteCode, Officer
from bot.officers import main as officers_main
from bot.officers import make_invite
from tests.conftest import ADMIN_ID, GROUP_ID, OFFICER_ID, OTHER_UNIT_ID

NOW = datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc)
STRANGER = "U" + "e" * 32


def file_case(say, text="บันทึกเรื่อง ตอบหนังสือสถานทูตญี่ปุ่น", **kwargs) -> str:
    say(text, now=NOW, **kwargs)
    reply = say("ยืนยัน", now=NOW, **kwargs)[0].text
    return reply.split("เลขที่เรื่อง ")[1].split()[0]


def test_unregistered_users_get_told_how_to_register(app, officers, say):
    for text in ("เรื่องของฉัน", "บันทึกเรื่อง ประชุม", "ดู C-2569-0001", "ปิดเรื่อง C-2569-0001 เสร็จ", "ยืมเงิน 5000 บาท"):
        replies = say(text, user=STRANGER, now=NOW)
        assert "ลงทะเบียน" in replies[0].text, text


def test_invite_code_registration(app, officers, say):
    with app.sessions.begin() as session:
        code = make_invite(session, "กลุ่มงานพิธีการ", "officer", now=NOW).code
    assert "ใช้ไม่ได้" in say("ลงทะเบียน WRONG123", user=STRANGER, now=NOW)[0].text
    assert "เรียบร้อย" in say(f"ลงทะเบียน {code.lower()}", user=STRANGER, now=NOW)[0].text
    assert "ยังไม่มีเรื่อง" in say("เรื่องของฉัน", user=STRANGER, now=NOW)[0].text
    other = "U" + "f" * 32
    assert "ใช้ไม่ได้" in say(f"ลงทะเบียน {code}", user=other, now=NOW)[0].text  # one-time
    with app.sessions() as session:
        assert session.scalar(select(Officer.unit).where(Officer.line_user_id == STRANGER)) == "กลุ่มงานพิธีการ"


def test_expired_code_and_group_registration_refused(app, officers, say):
    with app.sessions.begin() as session:
        code = make_invite(session, "กลุ่มงานพิธีการ", now=NOW - timedelta(days=30)).code
    assert "ใช้ไม่ได้" in say(f"ลงทะเบียน {code}", user=STRANGER, now=NOW)[0].text
    assert "แชตส่วนตัว" in say(f"ลงทะเบียน {code}", user=STRANGER, chat_type="group", now=NOW)[0].text


def test_settings_admin_is_registered_on_first_contact(app, say):
    replies = say("เรื่องของฉัน", user=ADMIN_ID, now=NOW)
    assert "ยังไม่มีเรื่อง" in replies[0].text
    with app.sessions() as session:
        admin = session.scalar(select(Officer).where(Officer.line_user_id == ADMIN_ID))
        assert admin.role == "admin" and admin.unit == app.settings.default_unit


def test_other_unit_cannot_see_or_change(app, officers, say):
    ref = file_case(say)
    for text in (f"ดู {ref}", f"#{ref}", f"ปิดเรื่อง {ref} เสร็จ", f"อัปเดต {ref} โทรแล้ว", f"มอบหมาย {ref} ให้ สมชาย"):
        assert say(text, user=OTHER_UNIT_ID, now=NOW)[0].text == "ไม่พบเรื่องนี้ค่ะ", text
    assert "ยังไม่มีเรื่อง" in say("เรื่องค้าง", user=OTHER_UNIT_ID, now=NOW)[0].text
    # a case that does not exist reads the same as one of another unit
    assert say("ดู C-2569-0999", user=OFFICER_ID, now=NOW)[0].text == "ไม่พบเรื่องนี้ค่ะ"
    with app.sessions() as session:
        assert session.scalar(select(Case.status)) == "open"


def test_same_unit_colleague_sees_it(app, officers, say):
    ref = file_case(say)
    assert ref in say(f"ดู {ref}", user=ADMIN_ID, now=NOW)[0].text
    assert ref in say(f"ดูเรื่อง {ref.lower()} หน่อยค่ะ", user=ADMIN_ID, now=NOW)[0].text
    assert ref in say("เรื่องค้าง", user=ADMIN_ID, now=NOW)[0].text
    assert "ยังไม่มีเรื่อง" in say("เรื่องของฉัน", user=ADMIN_ID, now=NOW)[0].text


def test_cannot_assign_to_another_unit(app, officers, say):
    ref = file_case(say)
    assert "ไม่พบเจ้าหน้าที่" in say(f"มอบหมาย {ref} ให้ สมชาย", now=NOW)[0].text


def test_group_shows_only_cases_linked_to_it(app, officers, say):
    private_ref = file_case(say)
    group_ref = file_case(say, "บันทึกเรื่อง ประชุมเตรียมงานสัปดาห์หน้า", chat_type="group")
    in_group = say("เรื่องของกลุ่ม", chat_type="group", now=NOW)[0].text
    assert group_ref in in_group and private_ref not in in_group
    assert say(f"ดู {private_ref}", chat_type="group", now=NOW)[0].text == "ไม่พบเรื่องนี้ค่ะ"
    other_group = say("เรื่องของกลุ่ม", chat_type="group", chat_id="C" + "9" * 32, now=NOW)[0].text
    assert group_ref not in other_group
    in_private = say("เรื่องค้าง", now=NOW)[0].text
    assert group_ref in in_private and private_ref in in_private
    assert GROUP_ID  # the default group of the fixtures


def test_officers_cli_invite_and_list(app, officers, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    assert officers_main(["invite", "--unit", "กลุ่มงานพิธีการ", "--role", "finance"]) == 0
    code = capsys.readouterr().out.splitlines()[0].strip()
    with app.sessions() as session:
        invite = session.get(InviteCode, code)
        assert invite.unit == "กลุ่มงานพิธีการ" and invite.role == "finance"
    assert officers_main(["list"]) == 0
    assert "สำนักพัฒนาสังคม" in capsys.readouterr().out


def test_the_asker_s_own_unit_s_manual_answers_a_question_both_manuals_answer(app, officers, say):
    """000 (สกต.) and 002 (สพส.) both describe the salary-step procedure, with 5 and 6 days
    for its first step. Each officer is answered from the own unit's manual."""
    question = "เลื่อนขั้นเงินเดือน ตรวจคุณสมบัติคนที่มีผลงานใช้กี่วัน"
    ours = say(question, user=OFFICER_ID)[0]
    theirs = say(question, user=OTHER_UNIT_ID)[0]
    assert "5 วัน" in ours.text and "สกต." in ours.text
    assert "6 วัน" in theirs.text and "กองนโยบายและแผนงาน" in theirs.text
    # a unit the question names still comes first, whoever asks
    named = say("เลื่อนขั้นเงินเดือน สพส. ตรวจคุณสมบัติคนที่มีผลงานใช้กี่วัน", user=OFFICER_ID)[0]
    assert "6 วัน" in named.text
