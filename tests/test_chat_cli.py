"""`python -m bot chat`: the terminal chat on a fresh database, through the same
Application.handle as LINE; numbered choices send their text or postback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import knowledge
from bot.app import Application
from bot.chat import LOCAL_ADMIN, Session, main, render
from bot.db.models import Chat, Officer
from bot.settings import REPO_ROOT, Settings
from handlers.replies import Action, Card, Reply
from tests.test_webhook import FakeEngine


@pytest.fixture
def fresh_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'fresh' / 'bot.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def engine(monkeypatch) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr(knowledge, "get_engine", lambda: fake, raising=False)
    return fake


def run_script(tmp_path, lines: list[str], *args: str) -> str:
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["--script", str(script), *args], out=out) == 0
    return out.getvalue()


def test_render_cards_and_numbered_choices():
    card = Card(title="เงินยืม", header="คู่มือ", body="คืนภายใน 30 วัน", items=["1. ยื่นเรื่อง"], footnote="ที่มา: คู่มือ",
                buttons=[Action("ดูขั้นตอนทั้งหมด", data="a=steps&s=1")])
    shown = render([Reply(text="alt", cards=[card], quick=[Action("ดูขั้นตอนทั้งหมด", data="a=steps&s=1"), Action("วิธีใช้", text="วิธีใช้")])])
    assert "■ เงินยืม" in shown.text and "1. ยื่นเรื่อง" in shown.text and "(ที่มา: คู่มือ)" in shown.text
    assert "  [1] ดูขั้นตอนทั้งหมด" in shown.text and "  [2] วิธีใช้" in shown.text
    assert len(shown.choices) == 2  # the same action as button and quick reply is listed once


def test_script_on_a_fresh_database_creates_local_admin(tmp_path, fresh_db, engine):
    out = run_script(tmp_path, ["วิธีใช้", "ขั้นตอนยืมเงิน", "1"])
    assert "> วิธีใช้" in out and "ผู้ช่วยทำอะไรได้บ้างคะ" in out
    assert "■ การยืมเงินทดรองราชการ" in out and "[1] ดูขั้นตอนทั้งหมด" in out
    assert "มีทั้งหมด 12 ขั้นตอน" in out  # "1" sent the postback
    assert engine.questions == ["ขั้นตอนยืมเงิน"]
    app = Application(Settings.from_env())
    try:
        with app.sessions() as s:
            admin = s.scalar(select(Officer).where(Officer.line_user_id == LOCAL_ADMIN))
            assert admin.role == "admin" and admin.unit == app.settings.default_unit
    finally:
        app.close()


def test_choice_that_sends_text(tmp_path, fresh_db, engine):
    out = run_script(tmp_path, ["สวัสดีค่ะ เมนู", "เมนู", "1"])
    assert engine.questions[-1] == "เงินยืม คืนกี่วัน"  # the first example of the help card
    assert out.count("> ") == 3


def test_as_another_user_and_in_a_group(tmp_path, fresh_db, engine):
    out = run_script(tmp_path, ["บอท ลงทะเบียนกลุ่ม"], "--as", "Usomeone", "--group", "Cgroup")
    assert "ผู้ดูแลระบบเท่านั้น" in out
    out = run_script(tmp_path, ["บอท ลงทะเบียนกลุ่ม", "ไม่มีคำเรียก"], "--group", "Cgroup")
    assert "ลงทะเบียนกลุ่มนี้" in out and "(ไม่มีคำตอบ)" in out
    app = Application(Settings.from_env())
    try:
        with app.sessions() as s:
            assert s.scalar(select(Chat).where(Chat.line_chat_id == "Cgroup")).registered_at is not None
    finally:
        app.close()


def test_session_ignores_out_of_range_numbers(fresh_db, engine):
    app = Application(Settings.from_env())
    try:
        session = Session(app, "Ux")
        ev = session.event_for("7")
        assert ev.kind == "message" and ev.text == "7"
    finally:
        app.close()


def test_python_m_bot_chat_runs_on_a_fresh_machine(tmp_path):
    """The real command, real knowledge engine, nothing configured but a database path."""
    script = tmp_path / "s.txt"
    script.write_text("วิธีใช้\nเงินยืม คืนกี่วัน\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "BOT_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'bot.sqlite3'}"
    done = subprocess.run([sys.executable, "-m", "bot", "chat", "--script", str(script)], cwd=Path(REPO_ROOT),
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "> เงินยืม คืนกี่วัน" in done.stdout and "ที่มา:" in done.stdout
