"""The cases conversation through the real dispatcher: one message, several turns,
cancel, expiry, a restart in the middle, and text that must be stored safely."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import SORRY, Application
from bot.db.models import Advance, Case, CaseHistory, ConversationState, Visit
from handlers.cases import router as cases_router
from handlers.context import Context
from handlers.replies import parse_postback
from tests.conftest import OFFICER_ID, incoming
from tests.test_tick import bkk

NOW = datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc)  # Mon 1 Dec 2025, 10.00 Bangkok
LATER = datetime(2025, 12, 5, 3, 0, tzinfo=timezone.utc)  # Fri 5 Dec 2025: money received on 3 Dec is logged
ISSUE_LINE = "บันทึกเรื่อง รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ 15 ม.ค. 69 14.00 น."


def count_cases(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Case))


def button(replies, label):
    for reply in replies:
        for card in reply.cards:
            for action in card.buttons:
                if action.label == label:
                    return parse_postback(action.data)
    raise AssertionError(f"no button {label}")


def tap(app, data, **kwargs):
    return app.handle(incoming(kind="postback", postback=data, now=kwargs.pop("now", NOW), **kwargs))


def test_one_message_visit_confirm_card_then_case(app, officers, say):
    replies = say(ISSUE_LINE, now=NOW)
    card = replies[0].cards[0]
    values = {f.label: f.value for f in card.fields}
    assert values["วันที่"] == "15 ม.ค. 2569 14.00 น."
    assert values["เมือง"] == "ฟุกุโอกะ" and values["จำนวน"] == "12 คน"
    assert count_cases(app) == 0  # nothing until confirmed
    done = tap(app, button(replies, "ยืนยัน"))
    assert "V-2569-0001" in done[0].text
    with app.sessions() as session:
        case = session.scalar(select(Case))
        visit = session.scalar(select(Visit))
        assert case.kind == "visit" and case.status == "open"
        assert case.event_at == datetime(2026, 1, 15, 7, 0, tzinfo=timezone.utc)  # stored UTC
        assert (visit.city, visit.country, visit.guests) == ("ฟุกุโอกะ", "ญี่ปุ่น", 12)
        assert [item.kind for item in visit.items] == ["courtesy_call"]
        assert session.scalar(select(ConversationState)) is None


def test_advance_asks_only_for_what_is_missing(app, officers, say):
    first = say("ยืมเงิน ไปประชุมที่โตเกียว", now=LATER)
    assert "จำนวนเท่าไหร่" in first[-1].text
    second = say("2.5 หมื่น", now=LATER)
    assert "ได้รับเงินยืมวันไหน" in second[-1].text
    assert [a.label for a in second[-1].quick] == ["วันนี้", "เมื่อวาน"]
    third = say("3 ธ.ค. 68", now=LATER)
    values = {f.label: f.value for f in third[0].cards[0].fields}
    assert values["จำนวนเงิน"] == "25,000 บาท"
    assert values["ครบกำหนดส่งใช้"] == "2 ม.ค. 2569"
    assert "30" in third[0].cards[0].footnote or "๓๐" in third[0].cards[0].footnote
    done = say("ยืนยัน", now=LATER)
    assert "A-2569-0001" in done[0].text
    with app.sessions() as session:
        advance = session.scalar(select(Advance))
        assert advance.amount == Decimal("25000.00") and advance.received_on == date(2025, 12, 3)
        assert advance.due_on == date(2026, 1, 2) and advance.borrower_id == officers[OFFICER_ID]


def test_an_advance_logged_by_its_amount_takes_its_purpose_from_the_next_line(app, officers, say):
    say("บันทึกเงินยืม 15000 บาท รับเงิน 3 ธ.ค. 68", now=LATER)
    card = say("ประชุมเมืองพี่เมืองน้อง", now=LATER)[0].cards[0]
    assert {f.label: f.value for f in card.fields}["เรื่อง"] == "ประชุมเมืองพี่เมืองน้อง"
    assert "A-2569-0001" in say("ยืนยัน", now=LATER)[0].text
    with app.sessions() as session:
        assert session.scalar(select(Case)).title == "ประชุมเมืองพี่เมืองน้อง"


def test_ambiguous_date_is_asked_back(app, officers, say):
    replies = say("บันทึกเรื่อง ประชุมเครือข่ายเมือง 5/6", now=NOW)
    assert "5 มิ.ย." in replies[-1].text and "6 พ.ค." in replies[-1].text
    assert len(replies[-1].quick) == 2
    picked = say(replies[-1].quick[0].text, now=NOW)
    assert "ยืนยัน" in picked[-1].text
    say("ยืนยัน", now=NOW)
    with app.sessions() as session:
        assert session.scalar(select(Case)).event_at.date() == date(2026, 6, 4)  # 5 Jun 00.00 Bangkok


def test_impossible_date_is_refused_not_guessed(app, officers, say):
    replies = say("บันทึกเรื่อง ประชุมสัมมนา 31 ก.พ.", now=NOW)
    assert "ไม่มีวันที่ 31 ก.พ." in replies[-1].text
    again = say("30 ก.พ.", now=NOW)
    assert "ไม่มีวันที่" in again[-1].text
    assert count_cases(app) == 0


def test_change_kind_and_date_from_the_card(app, officers, say):
    replies = say("บันทึกเรื่อง งานวันชาติญี่ปุ่น 10 ธ.ค.", now=NOW)
    asked = tap(app, button(replies, "เปลี่ยนประเภท"))
    assert "ประเภท" in asked[0].text and len(asked[0].quick) == 9
    say("ประชุม/สัมมนา", now=NOW)
    fix = tap(app, button(replies, "แก้วันที่"))
    assert "วันที่" in fix[0].text
    say("12 ธ.ค. 68 บ่ายสองโมง", now=NOW)
    say("ยืนยัน", now=NOW)
    with app.sessions() as session:
        case = session.scalar(select(Case))
        assert case.kind == "conference"
        assert case.event_at == datetime(2025, 12, 12, 7, 0, tzinfo=timezone.utc)


def test_cancel_leaves_nothing(app, officers, say):
    say(ISSUE_LINE, now=NOW)
    assert "ยกเลิกแล้ว" in say("ยกเลิก", now=NOW)[0].text
    assert count_cases(app) == 0


def test_thanks_before_confirming_says_it_is_not_saved(app, officers, say):
    say(ISSUE_LINE, now=NOW)
    replies = say("ขอบคุณค่ะ", now=NOW)
    assert "ยังไม่ได้บันทึก" in replies[0].text and "ยืนยัน" in replies[0].text
    assert count_cases(app) == 0
    assert "V-2569-0001" in say("ยืนยัน", now=NOW)[0].text  # the draft is still there


def test_a_new_draft_says_the_unconfirmed_one_was_not_saved(app, officers, say):
    say("บันทึกเรื่อง ประชุม ICLEI ที่โซล 3 ก.พ. 69", now=NOW)
    replies = say(ISSUE_LINE, now=NOW)
    assert "ประชุม ICLEI ที่โซล" in replies[0].text and "ไม่ได้บันทึก" in replies[0].text
    assert "ฟุกุโอกะ" in replies[1].text
    say("ยืนยัน", now=NOW)
    with app.sessions() as session:
        assert [c.title for c in session.scalars(select(Case))] == ["รับคณะเทศมนตรีเมืองฟุกุโอกะ เข้าพบผู้ว่าฯ"]


def test_cancel_button_and_stale_card(app, officers, say):
    replies = say(ISSUE_LINE, now=NOW)
    confirm = button(replies, "ยืนยัน")
    tap(app, button(replies, "ยกเลิก"))
    stale = tap(app, confirm)
    assert "ไม่มีเรื่องรอยืนยัน" in stale[0].text
    assert count_cases(app) == 0


def test_draft_expires_politely(app, officers, say):
    say("บันทึกเรื่อง ประชุมเครือข่าย", now=NOW)
    later = NOW + timedelta(minutes=app.settings.conversation_ttl_minutes + 1)
    replies = say("ยืนยัน", now=later)
    assert any("หมดเวลา" in r.text for r in replies)
    assert count_cases(app) == 0


def test_restart_in_the_middle_keeps_the_draft(app, officers, settings, say):
    say("ยืมเงิน 25,000 บาท ไปโตเกียว", now=NOW)
    app.close()
    restarted = Application(settings, migrate=False)
    try:
        restarted.handle(incoming("วันนี้", now=NOW))
        done = restarted.handle(incoming("ยืนยัน", now=NOW))
        assert "A-2569-0001" in done[0].text
    finally:
        restarted.close()


def test_list_show_update_close_assign(app, officers, say):
    say(ISSUE_LINE, now=NOW)
    say("ยืนยัน", now=NOW)
    say("บันทึกเรื่อง ตอบหนังสือสถานทูตญี่ปุ่น", now=NOW)
    say("ยืนยัน", now=NOW)
    mine = say("เรื่องของฉัน", now=NOW)
    assert "V-2569-0001" in mine[0].text and "C-2569-0001" in mine[0].text
    assert len(mine[0].cards[0].items) == 2

    moved = say("อัปเดต V-2569-0001 เลื่อนเป็น 16 ม.ค. 69", now=NOW)
    assert "16 ม.ค. 2569 14.00 น." in moved[0].text  # keeps the time of day
    assign = say("มอบหมาย C-2569-0001 ให้ ผู้ดูแล", now=NOW)
    assert "ผู้ดูแล" in assign[0].text
    closed = say("ปิดเรื่อง c-2569-1 ส่งหนังสือขอบคุณแล้ว", now=NOW + timedelta(hours=1))
    assert "C-2569-0001" in closed[0].text
    shown = say("#C-2569-0001", now=NOW)
    history = shown[0].cards[0].items
    assert any("สมศรี" in line and "สร้างเรื่อง" in line for line in history)
    assert any("มอบหมายให้ ผู้ดูแล" in line for line in history)
    assert any("ปิดเรื่อง: ส่งหนังสือขอบคุณแล้ว" in line and "1 ธ.ค. 2568 11.00 น." in line for line in history)
    assert say("ปิดเรื่อง C-2569-0001", now=NOW)[0].text.startswith("เรื่อง C-2569-0001 ปิดไปแล้วค่ะ")
    open_now = say("เรื่องค้าง", now=NOW)
    assert "C-2569-0001" not in open_now[0].text and "V-2569-0001" in open_now[0].text


def test_assign_by_mention(app, officers, say):
    from tests.conftest import ADMIN_ID

    say("บันทึกเรื่อง จัดซื้อของที่ระลึก", now=NOW)
    say("ยืนยัน", now=NOW)
    ev = incoming("มอบหมาย C-2569-0001 ให้ @ผู้ดูแล", now=NOW)
    ev.mentioned_user_ids = [ADMIN_ID]
    assert "ผู้ดูแล" in app.handle(ev)[0].text
    with app.sessions() as session:
        assert session.scalar(select(Case.assignee_id)) == officers[ADMIN_ID]


def test_long_list_shows_count_of_the_rest(app, officers, say):
    for n in range(12):
        say(f"บันทึกเรื่อง เรื่องทดสอบ {n}", now=NOW)
        say("ยืนยัน", now=NOW)
    listed = say("เรื่องของฉัน", now=NOW)
    assert len(listed[0].cards[0].items) == 10 and "อีก 2 เรื่อง" in listed[0].text


def test_hostile_text_is_stored_verbatim_and_shown_as_text(app, officers, say):
    for body in ("<script>alert(1)</script>", "'; DROP TABLE cases; --", "Robert'); DELETE FROM officers;--"):
        say(f"บันทึกเรื่อง {body}", now=NOW)
        say("ยืนยัน", now=NOW)
    with app.sessions() as session:
        titles = set(session.scalars(select(Case.title)))
    assert titles == {"<script>alert(1)</script>", "'; DROP TABLE cases; --", "Robert'); DELETE FROM officers;--"}
    assert "เรื่องทั่วไป" in say("เรื่องของฉัน", now=NOW)[0].text


def test_too_long_empty_and_emoji_only(app, officers, say):
    assert "ยาวเกิน" in say("บันทึกเรื่อง " + "ก" * 2100, now=NOW)[0].text
    assert count_cases(app) == 0
    asked = say("บันทึกเรื่อง 🙂🙂🙂", now=NOW)
    assert "ข้อความเดียว" in asked[-1].text
    assert "ข้อความเดียว" in say("ยืนยัน", now=NOW)[-1].text  # "ยืนยัน" is not a case
    assert "ยังไม่ได้ชื่อเรื่อง" in say("🎉🎉", now=NOW)[0].text
    assert count_cases(app) == 0


def test_a_failing_event_leaves_no_half_case(app, officers, say, monkeypatch):
    import handlers.cases as cases

    def boom(*_args, **_kwargs):
        raise RuntimeError("planner down")

    say(ISSUE_LINE, now=NOW)
    monkeypatch.setattr(cases, "plan_case", boom)
    replies = say("ยืนยัน", now=NOW)
    assert "ขออภัย" in replies[0].text
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert session.scalar(select(func.count()).select_from(CaseHistory)) == 0
        assert session.scalar(select(ConversationState)) is not None  # the draft survives
    monkeypatch.undo()
    assert "V-2569-0001" in say("ยืนยัน", now=NOW)[0].text  # the number was not used up


def test_english_aliases_and_delegation_form(app, officers, say):
    replies = say("คณะนายกเทศมนตรีเมืองโอซาก้า เยือนกรุงเทพฯ 20 ม.ค. 69", now=NOW)
    assert any(f.value == "โอซาก้า" for f in replies[0].cards[0].fields)
    say("ยกเลิก", now=NOW)
    replies = say("new case courtesy call by the Ambassador of France tomorrow 10:00", now=NOW)
    assert replies[0].cards[0].fields[0].value == "การเยือน/รับคณะ"


def test_free_text_is_not_taken(app, officers, say):

    for text in (
        "ขั้นตอนการยืมเงินทำอย่างไร", "เรื่องของกลุ่มงานพิธีการคืออะไร", "ดูงานที่ญี่ปุ่นต้องทำอะไรบ้าง",
        "ยืมเงิน", "ยืมเงินต้องใช้เอกสารอะไรบ้าง", "ยืมเงินได้กี่วัน", "คณะต่างประเทศมาเยือนต้องเตรียมอะไร",
        "login ไม่ได้", "log in ไม่ได้", "ดูงาน C", "ปิดเรื่องนี้ยังไง",
    ):
        ev = incoming(text, now=NOW)
        with app.sessions.begin() as session:
            ctx = Context(session=session, settings=app.settings, now=NOW)
            assert cases_router.dispatch(ev, ctx) is None, text


def test_a_message_of_several_lines_is_still_a_command(app, officers, say):
    replies = say("บันทึกเรื่อง ประชุมเตรียมงานวันชาติ\nวันที่ 10 ธ.ค. 68 เวลา 9.00 น.\nห้องประชุม 1", now=NOW)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["วันที่"] == "10 ธ.ค. 2568 09.00 น."
    assert "ยืนยัน" in replies[0].text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=120), prefix=st.sampled_from(["บันทึกเรื่อง ", "ยืมเงิน ", "log ", "อัปเดต C-2569-0001 "]))
def test_any_text_after_a_command_gets_an_answer_not_an_error(app, officers, prefix, body):
    replies = app.handle(incoming(prefix + body, now=NOW))
    assert replies and SORRY not in replies
    follow_up = app.handle(incoming(body or "-", now=NOW))
    assert SORRY not in follow_up


def test_advance_date_without_a_marker_is_offered_not_assumed(app, officers, say):
    replies = say("ยืมเงิน 25,000 บาท ไปโตเกียว 3 ธ.ค. 68", now=LATER)
    question = replies[-1]
    assert "ได้รับเงินยืมวันไหน" in question.text
    assert question.quick[0].label == "3 ธ.ค. 2568"
    confirm = say(question.quick[0].text, now=LATER)
    values = {f.label: f.value for f in confirm[0].cards[0].fields}
    assert values["ครบกำหนดส่งใช้"] == "2 ม.ค. 2569"


def test_letter_number_is_kept_and_shown(app, officers, say):
    say("บันทึกเรื่อง ตอบหนังสือ กท 0410/202 ขอบคุณสถานทูต", now=NOW)
    say("ยืนยัน", now=NOW)
    shown = say("ดู C-2569-0001", now=NOW)[0].cards[0]
    assert {f.label: f.value for f in shown.fields}["เลขที่หนังสือ"] == "กท 0410/202"


def test_bare_command_asks_for_the_line_then_reads_it_whole(app, officers, say):
    first = say("บันทึกเรื่อง", now=NOW)
    assert len(first) == 1 and not first[0].cards and "ข้อความเดียว" in first[0].text
    card = say("รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ 15 ม.ค. 69 14.00 น.", now=NOW)[0].cards[0]
    values = {f.label: f.value for f in card.fields}
    assert values["ประเภท"] == "การเยือน/รับคณะ" and values["วันที่"] == "15 ม.ค. 2569 14.00 น."
    assert "V-2569-0001" in say("ยืนยัน", now=NOW)[0].text


def test_update_reads_time_and_guests(app, officers, say):
    say(ISSUE_LINE, now=NOW)
    say("ยืนยัน", now=NOW)
    moved = say("อัปเดต V-2569-0001 เปลี่ยนเวลาเป็น 15.30 น. และคณะเพิ่มเป็น 15 คน", now=NOW)
    assert "15 ม.ค. 2569 15.30 น." in moved[0].text
    with app.sessions() as session:
        visit = session.scalar(select(Visit))
        assert visit.guests == 15
        assert visit.starts_at == datetime(2026, 1, 15, 8, 30, tzinfo=timezone.utc)
        changes = session.scalars(select(CaseHistory.changes).where(CaseHistory.action == "updated")).one()
        assert changes["guests"] == [12, 15]


def test_a_refused_update_changes_nothing(app, officers, say):
    """Updating a closed case is refused, and the refusal leaves the case as it was
    (its date-only event is not turned into one at 00.00 น.)."""
    say("บันทึกเรื่อง รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ 15 ม.ค. 69", now=NOW)
    say("ยืนยัน", now=NOW)
    say("ปิดเรื่อง V-2569-0001", now=NOW)
    refused = say("อัปเดต V-2569-0001 เปลี่ยนเวลาเป็น 15.30 น.", now=NOW)
    assert "ปิดไปแล้วค่ะ" in refused[0].text
    with app.sessions() as session:
        case = session.scalar(select(Case))
        assert case.fields["has_time"] is False
    shown = say("#V-2569-0001", now=NOW)
    assert {f.label: f.value for f in shown[0].cards[0].fields}["วันที่"] == "15 ม.ค. 2569"


def test_a_day_without_month_is_read_not_asked(app, officers, say):
    replies = say("บันทึกเรื่อง ประชุมเครือข่ายเมือง วันที่ 20", now=NOW)  # Mon 1 Dec 2025
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["วันที่"] == "20 ธ.ค. 2568" and "เมือง" not in values
    assert "ยืนยัน" in replies[-1].text
    say("ยกเลิก", now=NOW)
    today = say("บันทึกเรื่อง ประชุมเตรียมงาน วันที่ ๑", now=NOW)  # today stays today
    assert {f.label: f.value for f in today[0].cards[0].fields}["วันที่"] == "1 ธ.ค. 2568"


def test_a_day_the_month_lacks_is_asked_back_with_quick_replies(app, officers, say):
    late_nov = datetime(2025, 11, 21, 3, 0, tzinfo=timezone.utc)
    replies = say("บันทึกเรื่อง ประชุมสัมมนา วันที่ 31", now=late_nov)
    assert "30 วัน" in replies[-1].text
    assert [a.label for a in replies[-1].quick] == ["30 พ.ย. 2568", "31 ธ.ค. 2568"]
    assert count_cases(app) == 0
    picked = say(replies[-1].quick[1].text, now=late_nov)
    assert "ยืนยัน" in picked[-1].text
    say("ยืนยัน", now=late_nov)
    with app.sessions() as session:
        assert session.scalar(select(Case)).event_at == datetime(2025, 12, 30, 17, 0, tzinfo=timezone.utc)


def test_receipt_day_without_month_is_the_most_recent(app, officers, say):
    say("ยืมเงิน 25,000 บาท ไปประชุมที่โตเกียว", now=NOW)
    card = say("วันที่ 20", now=NOW)[0].cards[0]  # to "ได้รับเงินยืมวันไหนคะ" on 1 Dec
    values = {f.label: f.value for f in card.fields}
    assert values["วันที่รับเงิน"] == "20 พ.ย. 2568" and values["ครบกำหนดส่งใช้"] == "20 ธ.ค. 2568"
    say("ยกเลิก", now=NOW)
    card = say("ยืมเงิน 5,000 บาท อบรม วันที่ 10 รับเงินวันที่ 28", now=NOW)[0].cards[0]
    values = {f.label: f.value for f in card.fields}
    assert values["วันที่รับเงิน"] == "28 พ.ย. 2568" and values["วันงาน/เดินทาง"] == "10 ธ.ค. 2568"


def _logged_advance(say) -> None:
    say("ยืมเงิน 20,000 บาท ประชุมที่โตเกียว รับเงิน 3 ธ.ค. 68", now=LATER)
    say("ยืนยัน", now=LATER)


def test_update_advance_amount_and_receipt_date(app, officers, say):
    _logged_advance(say)
    amount = say("อัปเดต A-2569-0001 จำนวน 15,000 บาท", now=LATER)
    assert "15,000 บาท" in amount[0].text
    moved = say("อัปเดต A-2569-0001 รับเงิน 28 พ.ย. 68", now=LATER)
    assert "28 พ.ย. 2568" in moved[0].text and "28 ธ.ค. 2568" in moved[0].text
    assert any("28 ธ.ค. 2568" in r.text and "จะเตือน" in r.text for r in moved)
    with app.sessions() as session:
        advance = session.scalar(select(Advance))
        case = session.scalar(select(Case))
        assert advance.amount == Decimal("15000.00")
        assert (advance.received_on, advance.due_on, case.due_on) == (date(2025, 11, 28), date(2025, 12, 28), date(2025, 12, 28))
        rows = session.scalars(select(CaseHistory).where(CaseHistory.action == "updated").order_by(CaseHistory.id)).all()
        assert rows[0].changes == {"amount": ["20000.00", "15000.00"]}
        assert rows[1].changes == {"received_on": ["2025-12-03", "2025-11-28"], "due_on": ["2026-01-02", "2025-12-28"]}
        assert rows[1].actor_id == officers[OFFICER_ID]
    history = say("ดู A-2569-0001", now=LATER)[0].cards[0].items
    assert any("วันที่รับเงินใหม่ 28 พ.ย. 2568" in line for line in history)
    assert any("จำนวนเงินใหม่ 15,000 บาท" in line for line in history)
    day_only = say("อัปเดต A-2569-0001 ได้รับเงินวันที่ 29", now=LATER)  # the most recent 29th
    assert "29 พ.ย. 2568" in day_only[0].text


def test_an_impossible_receipt_date_changes_nothing(app, officers, say):
    _logged_advance(say)
    refused = say("อัปเดต A-2569-0001 รับเงิน 31 พ.ย. 68", now=LATER)
    assert "ไม่มีวันที่ 31 พ.ย." in refused[0].text and "ยังไม่ได้อัปเดต" in refused[0].text
    early_march = datetime(2026, 3, 5, 3, 0, tzinfo=timezone.utc)
    asked = say("อัปเดต A-2569-0001 รับเงินวันที่ 31", now=early_march)  # February has no 31st
    assert "ยังไม่ได้อัปเดต" in asked[0].text
    assert [a.text for a in asked[0].quick] == ["อัปเดต A-2569-0001 รับเงิน 31 ม.ค. 2569",
                                                "อัปเดต A-2569-0001 รับเงิน 28 ก.พ. 2569"]
    with app.sessions() as session:
        advance = session.scalar(select(Advance))
        assert (advance.received_on, advance.due_on) == (date(2025, 12, 3), date(2026, 1, 2))
        assert session.scalar(select(func.count()).select_from(CaseHistory).where(CaseHistory.action == "updated")) == 0
    picked = say(asked[0].quick[1].text, now=early_march)
    assert "28 ก.พ. 2569" in picked[0].text


def test_only_the_unit_may_update_an_advance(app, officers, say):
    from tests.conftest import OTHER_UNIT_ID

    _logged_advance(say)
    assert say("อัปเดต A-2569-0001 จำนวน 1 บาท", user=OTHER_UNIT_ID, now=LATER)[0].text == "ไม่พบเรื่องนี้ค่ะ"
    say("คืนเงินยืมแล้ว A-2569-0001", now=LATER)
    closed = say("อัปเดต A-2569-0001 รับเงิน 1 ธ.ค. 68", now=LATER)
    assert "ไม่ได้เปลี่ยนแปลง" in closed[0].text
    with app.sessions() as session:
        advance = session.scalar(select(Advance))
        assert (advance.amount, advance.received_on) == (Decimal("20000.00"), date(2025, 12, 3))


def test_receipt_day_and_month_without_year_is_the_most_recent(app, officers, say):
    late_nov = datetime(2025, 11, 21, 3, 0, tzinfo=timezone.utc)  # Fri 21 Nov 2568
    card = say("ยืมเงิน 5,000 บาท อบรม 3 ธ.ค. ได้รับเงินยืม 25 ต.ค.", now=late_nov)[0].cards[0]
    values = {f.label: f.value for f in card.fields}
    assert values["วันที่รับเงิน"] == "25 ต.ค. 2568" and values["วันงาน/เดินทาง"] == "3 ธ.ค. 2568"
    corrected = say("รับเงิน 3 พ.ย.", now=late_nov)[0].cards[0]  # a correction on the confirm card
    assert {f.label: f.value for f in corrected.fields}["วันที่รับเงิน"] == "3 พ.ย. 2568"
    say("ยกเลิก", now=late_nov)
    say("ยืมเงิน 25,000 บาท ไปประชุมที่โตเกียว", now=late_nov)
    card = say("3 ธ.ค.", now=late_nov)[0].cards[0]  # to "ได้รับเงินยืมวันไหนคะ": last December
    assert {f.label: f.value for f in card.fields}["วันที่รับเงิน"] == "3 ธ.ค. 2567"
    say("ยกเลิก", now=late_nov)
    _logged_advance(say)
    moved = say("อัปเดต A-2569-0001 รับเงิน 4 ธ.ค.", now=datetime(2026, 1, 6, 3, 0, tzinfo=timezone.utc))
    assert "4 ธ.ค. 2568" in moved[0].text


def test_a_receipt_date_still_ahead_is_asked_back(app, officers, say):
    replies = say("ยืมเงิน 5,000 บาท อบรม รับเงิน 3 ธ.ค. 68", now=NOW)  # on 1 Dec
    assert "ยังไม่ถึงค่ะ ได้รับเงินวันไหนคะ" in replies[-1].text
    assert [a.label for a in replies[-1].quick] == ["3 ธ.ค. 2567", "1 ธ.ค. 2568"]
    asked = {f.label: f.value for f in replies[0].cards[0].fields}
    assert asked["วันที่รับเงิน"] == "3 ธ.ค. 2568 (รอยืนยัน)" and "ครบกำหนดส่งใช้" not in asked  # no due date from it
    card = say("1 ธ.ค. 68", now=NOW)[0].cards[0]
    assert {f.label: f.value for f in card.fields}["วันที่รับเงิน"] == "1 ธ.ค. 2568"
    say("ยกเลิก", now=NOW)
    _logged_advance(say)
    refused = say("อัปเดต A-2569-0001 รับเงิน 20 ธ.ค. 68", now=LATER)
    assert "ยังไม่ถึง" in refused[0].text and "ยังไม่ได้อัปเดต" in refused[0].text
    with app.sessions() as session:
        assert session.scalar(select(Advance)).received_on == date(2025, 12, 3)


def test_a_menu_command_in_the_middle_of_a_draft_is_that_command(app, officers, say):
    say("ยืมเงิน 1.2 แสนบาท ค่าเดินทางไปปารีส", now=LATER)
    listing = say("เงินยืมค้าง", now=LATER)
    assert "ไม่เข้าใจวันที่" not in listing[0].text
    visits = say("การเยือน", now=LATER)
    assert "ไม่เข้าใจวันที่" not in visits[0].text
    answered = say("วานนี้", now=LATER)  # the draft is still open and takes the answer
    values = {f.label: f.value for f in answered[0].cards[0].fields}
    assert values["วันที่รับเงิน"] == "4 ธ.ค. 2568"


def test_the_word_before_a_date_leaves_the_title_with_it(app, officers, say):
    replies = say("แจ้งเรื่อง คณะผู้แทนจากกรุงฮานอยเข้าเยี่ยมคารวะผู้ว่าฯ วันที่ 8 ธ.ค. เวลา 10.30 น. 15 คน", now=NOW)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["เรื่อง"] == "คณะผู้แทนจากกรุงฮานอยเข้าเยี่ยมคารวะผู้ว่าฯ"  # the count has its own line
    assert values["วันที่"] == "8 ธ.ค. 2568 10.30 น." and values["จำนวน"] == "15 คน"


def test_a_day_the_month_never_has_is_asked_again_not_just_refused(app, officers, say):
    replies = say("บันทึกเรื่อง พิธีลงนาม MOU กับกรุงโซล 30 ก.พ. 70", now=NOW)
    assert "ไม่มีวันที่ 30 ก.พ. 2570" in replies[-1].text and "อีกครั้ง" in replies[-1].text
    again = say("31 เม.ย. 70", now=NOW)
    assert "ไม่มีวันที่" in again[-1].text and "อีกครั้ง" in again[-1].text
    fixed = say("28 ก.พ. 70", now=NOW)
    assert {f.label: f.value for f in fixed[0].cards[0].fields}["วันที่"] == "28 ก.พ. 2570"


def test_a_deadline_word_goes_with_its_date_not_the_title(app, officers, say):
    replies = say("บันทึกเรื่อง งานแปลเอกสารภาษาอังกฤษ 12 หน้า ส่งภายใน 5 ธ.ค.", now=NOW)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["เรื่อง"] == "งานแปลเอกสารภาษาอังกฤษ 12 หน้า" and values["กำหนดส่ง"] == "5 ธ.ค. 2568"


def test_the_help_example_advance_reads_its_bare_amount(app, officers, say):
    replies = say("ยืมเงิน 20000 ค่าเดินทาง", now=LATER)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["จำนวนเงิน"] == "20,000 บาท" and values["เรื่อง"] == "ค่าเดินทาง"
    assert "ได้รับเงินยืมวันไหน" in replies[-1].text
    say("ยกเลิก", now=LATER)
    replies = say("ยืมเงินทดรองราชการ 30000 รับเงิน 1 ธ.ค. 68", now=LATER)
    assert {f.label: f.value for f in replies[0].cards[0].fields}["จำนวนเงิน"] == "30,000 บาท"


def test_a_trip_date_still_ahead_is_not_offered_as_the_receipt_date(app, officers, say):
    replies = say("ยืมเงิน 25000 ไปประชุม 20 ธ.ค. 68", now=LATER)
    assert "ได้รับเงินยืมวันไหน" in replies[-1].text
    assert [a.label for a in replies[-1].quick] == ["วันนี้", "เมื่อวาน"]


def test_corrections_on_the_card_and_a_polite_confirm(app, officers, say):
    say("บันทึกเรื่อง รับคณะจากเมืองโอซาก้า 10 คน 16 ธ.ค. 68 10.00 น.", now=NOW)
    moved = say("เปลี่ยนเวลาเป็น 14.00 น.", now=NOW)
    assert {f.label: f.value for f in moved[0].cards[0].fields}["วันที่"] == "16 ธ.ค. 2568 14.00 น."
    more = say("20 คน", now=NOW)
    assert {f.label: f.value for f in more[0].cards[0].fields}["จำนวน"] == "20 คน"
    unclear = say("ชื่อเรื่องผิดค่ะ", now=NOW)
    assert "ยังไม่ได้แก้ไข" in unclear[0].text and count_cases(app) == 0
    done = say("ยืนยันค่ะ", now=NOW)
    assert "V-2569-0001" in done[0].text
    with app.sessions() as session:
        assert session.scalar(select(Visit)).guests == 20
    updated = say("อัปเดต V-2569-0001 เพิ่มเป็น 25 คน", now=NOW)
    assert "จำนวนใหม่: 25 คน" in updated[0].text
    assert "ไม่มีเรื่องที่รอยืนยัน" in say("ยืนยันครับ", now=NOW)[0].text


@pytest.mark.parametrize("word", ["ยกเลิกนะคะ", "ยกเลิกก่อน", "ยกเลิกครับ", "ไม่เอาแล้วค่ะ"])
def test_cancel_said_politely_leaves_the_draft(app, officers, say, word):
    say("ยืมเงิน 20,000 บาท ไปประชุมที่ฮานอย รับเงิน 3 ธ.ค. 68", now=LATER)
    assert "ยกเลิกแล้ว" in say(word, now=LATER)[0].text
    assert "ไม่มีเรื่องที่รอยืนยัน" in say("ยืนยัน", now=LATER)[0].text


def test_an_unreadable_correction_of_an_advance_names_what_can_be_corrected(app, officers, say):
    say("ยืมเงิน 20,000 บาท ไปประชุมที่ฮานอย รับเงิน 3 ธ.ค. 68", now=LATER)
    hint = say("ชื่อเรื่องผิด", now=LATER)[0].text
    assert "ยังไม่ได้แก้ไข" in hint and "จำนวนเงิน" in hint and "จำนวนคน" not in hint


@pytest.mark.parametrize("line", ["ประชุม C40 Cities ที่ลอนดอน 3-5 มี.ค. 69", "สัมมนา C40 Cities ที่ลอนดอน 3 ถึง 5 มี.ค. 69",
                                  "ประชุม C40 Cities ที่ลอนดอน 3 มี.ค. 69 - 5 มี.ค. 69"])
def test_an_event_of_several_days_keeps_its_last_day(app, officers, say, line):
    replies = say(f"บันทึกเรื่อง {line}", now=NOW)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["วันที่"] == "3 มี.ค. 2569 ถึง 5 มี.ค. 2569"
    assert values["เรื่อง"].endswith("C40 Cities ที่ลอนดอน")
    say("ยืนยัน", now=NOW)
    moved = say("อัปเดต V-2569-0001 เลื่อนเป็น 10 มี.ค. 69", now=NOW)
    assert "10 มี.ค. 2569 ถึง 12 มี.ค. 2569" in moved[0].text


def test_a_title_given_later_fills_the_city_and_guests(app, officers, say):
    say("บันทึกเรื่อง 15 ม.ค. 69", now=NOW)
    replies = say("รับคณะจากปักกิ่ง 12 คน", now=NOW)
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["ประเภท"] == "การเยือน/รับคณะ" and values["เมือง"] == "ปักกิ่ง" and values["จำนวน"] == "12 คน"


def test_advance_sum_after_the_purpose_and_a_plain_received(app, officers, say):
    """"ยืมเงิน ค่าเดินทาง 20000 รับ 10 พ.ย." is complete: nothing is asked back."""
    replies = say("ยืมเงิน ค่าเดินทาง 20000 รับ 10 พ.ย.", now=bkk(2026, 11, 21, 9))
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["เรื่อง"] == "ค่าเดินทาง"
    assert values["จำนวนเงิน"] == "20,000 บาท" and values["วันที่รับเงิน"] == "10 พ.ย. 2569"
    assert values["ครบกำหนดส่งใช้"] == "10 ธ.ค. 2569"
    assert "ถูกต้องไหม" in replies[-1].text


def test_a_conference_keeps_its_city_after_it_is_saved(app, officers, say):
    say("บันทึกเรื่อง ประชุม C40 ที่โตเกียว 3-5 มี.ค. 70", now=bkk(2026, 11, 21, 9))
    replies = say("ยืนยัน", now=bkk(2026, 11, 21, 9))
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["วันที่"] == "3 มี.ค. 2570 ถึง 5 มี.ค. 2570"
    assert (values["เมือง"], values["ประเทศ"]) == ("โตเกียว", "ญี่ปุ่น")
    shown = say(f"ดูเรื่อง {replies[0].text.split()[2]}", now=bkk(2026, 11, 22, 9))
    assert "โตเกียว" in shown[0].text or any("โตเกียว" == f.value for f in shown[0].cards[0].fields)


def test_the_officer_learns_when_no_group_will_hear_of_an_event(app, officers, say):
    say("บันทึกเรื่อง รับคณะจากโซล 15 ม.ค. 70", now=bkk(2026, 11, 21, 9))
    replies = say("ยืนยัน", now=bkk(2026, 11, 21, 9))
    assert any("ลงทะเบียนกลุ่ม" in r.text for r in replies)
    say("บันทึกเรื่อง รับคณะจากโซล 15 ม.ค. 69", now=bkk(2026, 11, 21, 9))
    replies = say("ยืนยัน", now=bkk(2026, 11, 21, 9))
    assert any("ผ่านมาแล้ว" in r.text for r in replies)
    assert not any("ลงทะเบียนกลุ่ม" in r.text for r in replies)


def test_a_visit_title_leaves_the_count_and_the_place_to_their_own_lines(app, officers, say):
    replies = say("บันทึกเรื่อง รับคณะจากโซล 12 คน 15 ม.ค. 70 ที่ศาลาว่าการ", now=bkk(2026, 11, 21, 9))
    values = {f.label: f.value for f in replies[0].cards[0].fields}
    assert values["เรื่อง"] == "รับคณะจากโซล"
    assert (values["สถานที่"], values["จำนวน"], values["เมือง"]) == ("ศาลาว่าการ", "12 คน", "โซล")


def test_a_head_count_leaves_no_word_behind_in_the_title():
    """"รับคณะจากโซล 3-5 มี.ค. 70 จำนวน 12 คน": the count is its own line on the card, so the
    title keeps neither "12 คน" nor the "จำนวน" before it."""
    from datetime import date

    from handlers.extract.fields import extract

    got = extract("รับคณะจากโซล 3-5 มี.ค. 70 จำนวน 12 คน", date(2026, 11, 22))
    assert got.title == "รับคณะจากโซล" and got.guests == 12
    assert (got.day, got.until) == (date(2027, 3, 3), date(2027, 3, 5))


def test_a_short_country_name_inside_a_word_is_no_country():
    """"ศาลาว่าการ" (the City Hall) holds the letters of ลาว, and "ประชุมรวม" is a joint
    meeting: neither is read as a country or a head count's word."""
    from datetime import date

    from handlers.extract.fields import extract

    got = extract("ประชุมรวม 20 คน ที่ศาลาว่าการ 15 ม.ค. 70", date(2026, 11, 22))
    assert got.country == "" and got.title == "ประชุมรวม" and got.guests == 20
    assert extract("รับคณะจากลาว 15 ม.ค. 70", date(2026, 11, 22)).country == "ลาว"
    assert extract("รับคณะจากโซล 15 ม.ค. 70", date(2026, 11, 22)).country == "เกาหลีใต้"
