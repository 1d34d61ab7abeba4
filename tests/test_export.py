"""The CSV export: UTF-8 with BOM so Excel keeps the Thai, filters, safe cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from bot.export import main as export_main
from tests.conftest import OTHER_UNIT_ID

NOW = datetime(2025, 12, 1, 3, 0, tzinfo=timezone.utc)


def seed(say):
    say("บันทึกเรื่อง รับคณะเทศมนตรีเมืองฟุกุโอกะ 12 คน เข้าพบผู้ว่าฯ 15 ม.ค. 69 14.00 น.", now=NOW)
    say("ยืนยัน", now=NOW)
    say("บันทึกเรื่อง =HYPERLINK(\"x\") ตอบหนังสือ", now=NOW)
    say("ยืนยัน", now=NOW)
    say("ปิดเรื่อง C-2569-0001 ส่งหนังสือขอบคุณแล้ว", now=NOW)
    later = datetime(2026, 1, 10, 3, 0, tzinfo=timezone.utc)
    say("ยืมเงิน 5,000 บาท รับเงิน 9 ม.ค. 69 ไปประชุม", user=OTHER_UNIT_ID, now=later)
    say("ยืนยัน", user=OTHER_UNIT_ID, now=later)


def run(monkeypatch, app, tmp_path, *args) -> list[list[str]]:
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    out = tmp_path / "cases.csv"
    assert export_main(["cases", "--format", "csv", "--output", str(out), *args]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_all(app, officers, say, monkeypatch, tmp_path):
    seed(say)
    rows = run(monkeypatch, app, tmp_path)
    assert rows[0][:4] == ["ref", "kind", "title", "status"]
    assert len(rows[0]) == 12
    by_ref = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    visit = by_ref["V-2569-0001"]
    assert visit["title"].startswith("รับคณะเทศมนตรีเมืองฟุกุโอกะ")
    assert visit["event date"] == "2026-01-15 14:00"  # Bangkok time
    assert visit["created by"] == "สมศรี"
    closed = by_ref["C-2569-0001"]
    assert closed["status"] == "closed" and closed["close note"] == "ส่งหนังสือขอบคุณแล้ว"
    assert closed["title"].startswith("'=")  # no formula runs in Excel
    assert by_ref["A-2569-0001"]["due date"] == "2026-02-08"


def test_export_filters(app, officers, say, monkeypatch, tmp_path):
    seed(say)
    unit_rows = run(monkeypatch, app, tmp_path, "--unit", "สำนักพัฒนาสังคม")
    assert [row[0] for row in unit_rows[1:]] == ["A-2569-0001"]
    since_rows = run(monkeypatch, app, tmp_path, "--since", "2026-01-01")
    assert [row[0] for row in since_rows[1:]] == ["A-2569-0001"]


def test_export_to_stdout(app, officers, say, monkeypatch, capfdbinary):
    seed(say)
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    assert export_main(["cases"]) == 0
    out = capfdbinary.readouterr().out
    assert out.startswith(b"\xef\xbb\xbf") and "ฟุกุโอกะ".encode() in out
