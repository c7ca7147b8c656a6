"""The `ita` command as a station IT officer uses it, on a fresh database."""

import csv
import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from ita_core import queries
from ita_core.auth import CLI
from ita_core.cli import main
from ita_core.db import make_engine, session_scope
from ita_core.exports import BE_DATE_FORMAT, THAI_FONT, neutralise, to_csv_bytes, to_xlsx_bytes
from ita_core.framework import catalogue_of, framework_of
from ita_core.models import Activity, FiscalYear
from ita_core.quotas import quota_rows
from ita_core.services.writer import Writer
from ita_core.settings import DEFAULT_DATA_DIR
from ita_core.thai_dates import shift_year
from tests.test_score import use_letters
from tests.transfer_support import seed_plan_sheet, write


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'ita.db'}")
    assert main(["init", "--no-demo"]) == 0
    return tmp_path


def read_export(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_oit_items_export_has_25_items_with_sub_indicators(fresh_db: Path) -> None:
    out = fresh_db / "x.csv"
    assert main(["export", "oit-items", "--format", "csv", "--lang", "en", "-o", str(out)]) == 0
    rows = read_export(out)
    assert list(rows[0]) == ["code", "sub_indicator", "group", "title", "components", "responsible",
                             "due_date", "due_text", "rhythm", "status", "note", "evidence_url", "version"]
    assert [r["code"] for r in rows] == [f"O{n}" for n in range(1, 26)]
    assert (rows[0]["sub_indicator"], rows[17]["sub_indicator"], rows[24]["sub_indicator"]) == (
        "9.1", "10.1", "10.2")
    assert rows[0]["due_date"] == "2024-01-31"
    assert rows[0]["responsible"] == "พินิจ อินตา; อนุทิน พุดดี; ภัทรพงษ์ พลังช้างสาร"


def test_activities_export_has_every_measures_row(fresh_db: Path) -> None:
    out = fresh_db / "a.csv"
    assert main(["export", "activities", "--lang", "en", "--fy", "2567", "-o", str(out)]) == 0
    rows = read_export(out)
    assert len(rows) == 26
    assert list(rows[0])[:4] == ["id", "fiscal_year", "station", "indicator"]
    assert {r["station"] for r in rows} == {"chiangmai"}
    assert rows[1]["due_date"] == "2024-03-30" and rows[1]["due_text"] == "๓๐ มี.ค.๖๗"


def test_people_export_lists_each_person_once(fresh_db: Path) -> None:
    out = fresh_db / "p.csv"
    assert main(["export", "people", "--lang", "en", "-o", str(out)]) == 0
    rows = read_export(out)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names)) == 40
    assert not any("พลังข้างสาร" in n or "อินถา" in n for n in names)


def test_thai_headers_by_default(fresh_db: Path) -> None:
    out = fresh_db / "ph.csv"
    assert main(["export", "phases", "-o", str(out)]) == 0
    rows = read_export(out)
    assert len(rows) == 9
    assert rows[0]["ขั้นตอน"] == "เตรียมความพร้อม"


def test_xlsx_export_uses_real_dates_shown_in_be(fresh_db: Path) -> None:
    out = fresh_db / "a.xlsx"
    assert main(["export", "activities", "--format", "xlsx", "--as-of", "2024-03-01", "-o", str(out)]) == 0
    sheet = load_workbook(out).active
    assert "สถานีตำรวจภูธรเชียงใหม่" in sheet["A1"].value and "1 มี.ค. 2567" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert header[8] == "กำหนดเสร็จ"
    due = sheet.cell(row=4, column=9)  # seq 2: ๓๐ มี.ค.๖๗
    assert due.value.date().isoformat() == "2024-03-30"
    assert due.number_format == BE_DATE_FORMAT
    assert due.font.name == THAI_FONT
    assert sheet.freeze_panes == "A3"


def test_unknown_fiscal_year_is_a_clear_error(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["export", "activities", "--fy", "2599", "-o", str(fresh_db / "n.csv")]) == 2
    assert "ไม่มีแผนปีงบประมาณ 2599" in capsys.readouterr().err
    assert not (fresh_db / "n.csv").exists()


def test_init_twice_keeps_data_and_demo_is_flagged(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "--demo"]) == 0
    assert "มีแผนอยู่แล้ว" in capsys.readouterr().out
    out = fresh_db / "o.csv"
    main(["export", "oit-items", "--lang", "en", "-o", str(out)])
    rows = read_export(out)
    assert len(rows) == 25
    assert sum(r["status"] == "done" for r in rows) == 19
    assert all(r["evidence_url"] for r in rows if r["status"] == "done")


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+1", "-2+3", "\t=x", "\r=x"])
def test_formula_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_numbers_and_control_characters() -> None:
    assert neutralise(-5) == -5
    assert neutralise("a\x07b") == "ab"


def test_csv_export_writes_formula_text_as_text() -> None:
    frame = pd.DataFrame([{"seq": 1, "stage": "=1+1", "step": "@SUM(A1)", "kind": "x", "name": "ไทย",
                           "start": None, "end": None, "period_text": "", "description": "",
                           "responsible_text": ""}])
    text = to_csv_bytes(frame, "phases", "en").decode("utf-8-sig")
    assert "'=1+1" in text and "'@SUM(A1)" in text and "ไทย" in text


def test_data_dir_is_inside_the_repository() -> None:
    assert (DEFAULT_DATA_DIR / "activities.csv").exists()


def test_xlsx_export_writes_formula_text_as_text() -> None:
    frame = pd.DataFrame([{"seq": 1, "stage": "=1+1", "step": "@SUM(A1)", "kind": "x", "name": "ไทย",
                           "start": None, "end": None, "period_text": "", "description": "",
                           "responsible_text": ""}])
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame, "phases", "en"))).active
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("'=1+1", "s")
    assert sheet["C3"].value == "'@SUM(A1)"
    assert sheet["A3"].value == 1


def test_user_add_reads_the_password_from_stdin_and_audit_export(
        fresh_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "officer", "--person", "ภัทรพงษ์ พลังข้างสาร"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "other", "--role", "officer"]) == 2
    assert "อย่างน้อย 10 ตัวอักษร" in capsys.readouterr().err
    out = fresh_db / "audit.csv"
    assert main(["export", "audit", "--format", "csv", "--lang", "en", "-o", str(out)]) == 0
    rows = read_export(out)
    assert list(rows[0]) == ["at", "user", "source", "table", "row_id", "field", "old", "new"]
    assert {(r["user"], r["source"], r["table"], r["field"], r["new"]) for r in rows} == {
        ("cli", "cli", "app_user", "username", "somchai"), ("cli", "cli", "app_user", "role", "officer"),
        ("cli", "cli", "app_user", "person_id", "23"), ("cli", "cli", "app_user", "can_edit_all", "false")}
    assert all("pass-word" not in (r["new"] or "") for r in rows)


THAI = re.compile(r"[\u0E00-\u0E7F]")


def add_lamphun() -> None:
    assert main(["station", "add", "LPN01", "สถานีตำรวจภูธรเมืองลำพูน", "--province", "ลำพูน"]) == 0


def test_an_error_is_printed_once(fresh_db: Path) -> None:
    """The real `ita` process: one Thai line on stderr, no second `ERROR ita: …` log line."""
    env = {**os.environ, "ITA_DATABASE_URL": f"sqlite:///{fresh_db / 'ita.db'}"}
    done = subprocess.run([sys.executable, "-m", "ita_core.cli", "status", "--station", "nope"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["ผิดพลาด: ไม่พบสถานีรหัส 'nope' (มี: chiangmai) / unknown station code"]
    assert done.stdout == ""


def test_a_refused_command_logs_nothing_above_debug(fresh_db: Path, capsys: pytest.CaptureFixture,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    assert main(["export", "activities", "--fy", "2599", "-o", str(fresh_db / "n.csv")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: สถานีนี้ไม่มีแผนปีงบประมาณ 2599 (มี: [2567]) / no plan for that year"]
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []


def test_a_station_without_a_plan_never_becomes_the_default(fresh_db: Path,
                                                            capsys: pytest.CaptureFixture) -> None:
    add_lamphun()  # "LPN01" sorts before "chiangmai"
    capsys.readouterr()
    assert main(["status", "--as-of", "2024-03-16", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert lines[8] == "9. Disclosure of information · red (overdue) · done 0 of 18 rated"
    out = fresh_db / "a.csv"
    assert main(["export", "activities", "--lang", "en", "-o", str(out)]) == 0
    assert {r["station"] for r in read_export(out)} == {"chiangmai"}
    assert main(["framework", "copy", "--from", "2567", "--to", "2568"]) == 0
    assert main(["rollover", "--from", "2567", "--to", "2568"]) == 0
    assert "สถานีตำรวจภูธรเชียงใหม่" in capsys.readouterr().out


def test_the_default_station_setting(fresh_db: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture) -> None:
    add_lamphun()
    capsys.readouterr()
    monkeypatch.setenv("ITA_DEFAULT_STATION", "LPN01")
    assert main(["status"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: สถานี LPN01 ยังไม่มีแผน: นำเข้าแผนด้วย `ita import FILE --station LPN01` "
        "หรือระบุสถานีอื่นด้วย --station / this station has no plan yet"]
    assert main(["status", "--station", "chiangmai"]) == 0  # --station wins over the setting
    monkeypatch.setenv("ITA_DEFAULT_STATION", "chaingmai")
    assert main(["status"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "ผิดพลาด: ITA_DEFAULT_STATION: ไม่พบสถานีรหัส 'chaingmai' (มี: LPN01, chiangmai) / unknown station code")


def test_no_station_with_a_plan_names_station_and_the_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")  # no `ita init`
    assert main(["status"]) == 2
    assert "ita init" in capsys.readouterr().err
    add_lamphun()
    assert main(["station", "add", "CMI02", "สถานีตำรวจภูธรแม่ริม"]) == 0
    capsys.readouterr()
    assert main(["status"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: ยังไม่มีสถานีใดมีแผน: ระบุสถานีด้วย --station CODE (มี: CMI02, LPN01) "
        "/ no station has a plan yet; name one with --station"]


def test_status_in_english_and_thai_is_labelled(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main(["status", "--as-of", "2024-03-16", "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert english[:2] == ["1. Performance of duties · red (overdue) · done 6 of 7 rated",
                           "2. Use of budget · yellow (at risk) · done 0 of 1 rated"]
    assert len(english) == 10 and not any(THAI.search(line) for line in english)
    assert main(["status", "--as-of", "2024-03-16"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "1. การปฏิบัติหน้าที่ · 🔴 แดง (มีเรื่องเลยกำหนด) · เสร็จ 6 จาก 7 รายการที่ประเมิน")


def test_user_add_refuses_a_person_nobody_is_called(fresh_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "officer", "--person", "…"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: ไม่พบบุคคลชื่อ '…' ในสถานี chiangmai (รายชื่อทั้งหมด: "
        "`ita export people --station chiangmai -o people.csv`) / unknown person"]
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "officer", "--person", "ภัทรพงษ์ พลังช้าง"]) == 2
    assert "ชื่อที่ใกล้เคียง: ภัทรพงษ์ พลังช้างสาร;" in capsys.readouterr().err
    add_lamphun()
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "officer", "--station", "LPN01", "--person", "…"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: สถานี LPN01 ยังไม่มีรายชื่อบุคลากร: นำเข้าแผนก่อนด้วย "
        "`ita import FILE --station LPN01 --approve-names` / station has no people yet"]
    out = fresh_db / "audit.csv"
    assert main(["export", "audit", "--lang", "en", "-o", str(out)]) == 0
    assert not [r for r in read_export(out) if r["table"] == "app_user"]  # no login was made


@pytest.mark.parametrize("command", [["import"], ["init", "--from-plan"]])
def test_an_import_opens_a_new_year_like_the_web_import_page(fresh_db: Path, command: list[str],
                                                             capsys: pytest.CaptureFixture) -> None:
    sheet = write(fresh_db / "plan.xlsx", seed_plan_sheet())
    add_lamphun()
    base = [*command, str(sheet), "--station", "LPN01"]
    assert main([*base, "--fy", "1999"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "ผิดพลาด: ปีงบประมาณ 1999 ไม่ใช่ปี พ.ศ. ที่ใช้ได้ (เช่น 2568)"
    approve = ["--approve-names"] if command == ["import"] else []
    assert main([*base, "--fy", "2568", *approve]) == 2  # a year without a framework
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "ผิดพลาด: ปีงบประมาณ 2568 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2568`",
        "ไม่ได้นำเข้า: แก้ไฟล์ตามรายการข้างบนแล้วลองใหม่ / nothing imported"]
    assert main(["framework", "copy", "--from", "2567", "--to", "2568"]) == 0
    assert main([*base, "--fy", "2568", *approve]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "เพิ่มรายการ OIT ตามเกณฑ์ปี 2568 25 รายการ (ยังไม่มอบหมายผู้รับผิดชอบ) "
        "/ OIT items added from the year's framework")
    with Session(make_engine()) as session:
        station = queries.station_by_code(session, "LPN01")
        assert [fy.be_year for fy in queries.fiscal_years(session, station.id)] == [2568]
        assert session.get(FiscalYear, 2568).start == date(2024, 10, 1)
        assert len(queries.activities(session, station.id, 2568)) == 26
        assert list(queries.oit_items(session, station.id, 2568)["code"]) == [f"O{n}" for n in range(1, 26)]


def test_a_bad_setting_is_one_thai_line_naming_the_variable(fresh_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ITA_AT_RISK_DAYS", "two weeks")
    assert main(["status", "--as-of", "2024-03-16"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ผิดพลาด: ") and "ITA_AT_RISK_DAYS" in lines[0]


def score_json(capsys: pytest.CaptureFixture, *options: str) -> dict:
    """`ita score --json` parsed: exactly one JSON object on stdout."""
    capsys.readouterr()
    assert main(["score", "--fy", "2567", "--as-of", "2024-03-16", "--json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def test_score_json_without_survey_scores_has_no_total(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "--demo"]) == 0  # 19 of 25 OIT items done with evidence: OIT 76
    assert score_json(capsys) == {"iit": None, "eit": None, "oit": 76.0, "total": None, "label_th": None,
                                  "label_en": None, "passed": None, "gap": None}
    assert score_json(capsys, "--iit", "80")["total"] is None  # EIT still missing


def test_score_uses_the_entered_scores_and_the_year_framework(fresh_db: Path,
                                                               capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "--demo"]) == 0
    with session_scope(make_engine()) as session:
        Writer(session, CLI, source="cli").save_score_input(station_id=1, fiscal_year=2567,
                                                            values={"iit": 80, "eit": 90})
    # 24 + 27 + 30.4 under the rating scheme of the FY 2567 framework
    assert score_json(capsys) == {"iit": 80.0, "eit": 90.0, "oit": 76.0, "total": 81.4, "label_th": "ผ่าน",
                                  "label_en": "Pass", "passed": False, "gap": 3.6}
    # what if OIT were 100: 91.00 is over 85, but IIT 80 is under the per-tool floor of ผ่านดี
    assert score_json(capsys, "--oit", "100") == {
        "iit": 80.0, "eit": 90.0, "oit": 100.0, "total": 91.0, "label_th": "ผ่าน", "label_en": "Pass",
        "passed": False, "gap": 0.0}
    assert score_json(capsys, "--iit", "90", "--oit", "100") == {  # --iit replaces the entered 80
        "iit": 90.0, "eit": 90.0, "oit": 100.0, "total": 94.0, "label_th": "ผ่านดี", "label_en": "Good",
        "passed": True, "gap": 0.0}
    assert score_json(capsys, "--iit", "95", "--eit", "95", "--oit", "95.5")["label_en"] == "Excellent"

    assert main(["score", "--fy", "2567", "--as-of", "2024-03-16", "--lang", "en", "--oit", "100"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "chiangmai · FY 2567 · projected from the OIT items' current status (not as of 2024-03-16)",
        "IIT: 80.00", "EIT: 90.00", "OIT: 100.00", "total: 91.00 (IIT 30% · EIT 30% · OIT 40%)",
        "label: Pass (ผ่าน)", "passed: no (pass mark 85)", "gap: 0.00",
        "held back: IIT 80.00 is under the per-tool floor 85"]
    assert main(["score", "--as-of", "2024-03-16"]) == 0  # Thai by default, the station's newest year
    assert capsys.readouterr().out.splitlines()[4:] == [
        "คะแนนรวม: 81.40 (IIT 30% · EIT 30% · OIT 40%)", "ระดับผล: ผ่าน", "ผ่านเกณฑ์ 85: ยังไม่ผ่าน",
        "ขาดอีกถึง 85: 3.60"]


def test_score_under_the_letter_scheme(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "--demo"]) == 0
    use_letters(make_engine())
    assert score_json(capsys, "--iit", "80", "--eit", "90") == {
        "iit": 80.0, "eit": 90.0, "oit": 76.0, "total": 81.4, "label_th": "B", "label_en": "B",
        "passed": False, "gap": 3.6}
    assert score_json(capsys, "--iit", "80", "--eit", "90", "--oit", "100")["label_th"] == "A"  # no floor


def test_score_of_a_year_without_a_framework_names_the_command(fresh_db: Path,
                                                               capsys: pytest.CaptureFixture) -> None:
    with session_scope(make_engine()) as session:
        session.add(FiscalYear(be_year=2570, start=date(2026, 10, 1), end=date(2027, 9, 30)))
        session.flush()
        session.add(Activity(station_id=1, fiscal_year=2570, seq=1, indicator=1, activity="ทดสอบ"))
    capsys.readouterr()
    assert main(["score", "--fy", "2570", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "ผิดพลาด: ปีงบประมาณ 2570 ยังไม่มีเกณฑ์การประเมิน (น้ำหนัก เกณฑ์ผ่าน ระดับผล) จึงคาดการณ์คะแนนไม่ได้: "
        "สร้างด้วย `ita framework copy --from 2567 --to 2570` / FY 2570 has no framework (weights, pass mark, "
        "bands): make one with `ita framework copy --from 2567 --to 2570`"]


def test_score_refuses_a_score_outside_0_100(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["score", "--oit", "101"])
    assert stopped.value.code == 2
    assert "คะแนนต้องอยู่ระหว่าง 0 ถึง 100: '101'" in capsys.readouterr().err


def test_ita_framework_export_and_import(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    """Export 2567, import it unchanged (nothing changes), refuse it for 2570 while its dates are
    2567's (nothing written, not even the fiscal year), then import a 2570 copy: preview, --commit."""
    path = fresh_db / "F.xlsx"
    assert main(["framework", "export", "--fy", "2567", "-o", str(path)]) == 0
    assert capsys.readouterr().out == (f"บันทึกเกณฑ์การประเมินปี 2567 ลงไฟล์ {path} แล้ว "
                                       "/ wrote the framework workbook\n")
    assert load_workbook(path).sheetnames == ["indicators", "sub_indicators", "oit_items", "components",
                                              "phases", "scoring", "rating_bands"]
    assert main(["framework", "export", "--fy", "2567", "-o", str(fresh_db / "E.xlsx"), "--lang", "en"]) == 0
    assert [c.value for c in load_workbook(fresh_db / "E.xlsx")["phases"][2]] == ["seq", "kind", "name_th",
                                                                                 "start", "end"]
    capsys.readouterr()

    assert main(["framework", "import", str(path), "--fy", "2567", "--commit"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ปีงบประมาณ 2567: ไม่มีอะไรเปลี่ยน",
        "นำเข้าเกณฑ์การประเมินปี 2567 แล้ว / framework imported: " + str({sheet: {
            "added": 0, "changed": 0, "removed": 0} for sheet in ("scoring", "indicators", "sub_indicators",
                                                                 "oit_items", "components", "phases",
                                                                 "rating_bands")})]

    assert main(["framework", "import", str(path), "--fy", "2570"]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines()[:2] == ["ปีงบประมาณ 2570: สร้างเกณฑ์ใหม่", "  เกณฑ์คะแนน (scoring): เพิ่ม 1"]
    errors = err.splitlines()
    assert errors[0] == ("ผิดพลาด: รายการ O1: กำหนดส่ง 31 ม.ค. 2567 อยู่ไกลจากปีงบประมาณ 2570 "
                         "(1 ต.ค. 2569 – 30 ก.ย. 2570)")
    assert len(errors) == 16 + 2 and errors[-1] == "ไม่ได้นำเข้า: ไม่มีการเปลี่ยนแปลงใดถูกบันทึก / nothing imported"
    assert "Traceback" not in err
    with Session(make_engine()) as session:
        assert framework_of(session, 2570) is None and session.get(FiscalYear, 2570) is None

    book = load_workbook(path)
    for sheet in ("oit_items", "phases"):
        for row in book[sheet].iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.value = shift_year(cell.value.date(), 3)
    book.save(path)
    assert main(["framework", "import", str(path), "--fy", "2570"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "ยังไม่ได้บันทึก: ใช้ --commit เพื่อนำเข้าจริง / preview only, nothing written")
    with Session(make_engine()) as session:
        assert framework_of(session, 2570) is None
    assert main(["framework", "import", str(path), "--fy", "2570", "--commit"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(
        "นำเข้าเกณฑ์การประเมินปี 2570 แล้ว / framework imported: {'scoring': {'added': 1,")
    with Session(make_engine()) as session:
        assert len(catalogue_of(session, 2570)) == 25
        assert catalogue_of(session, 2570)[0].due_date == date(2027, 1, 31)


def test_ita_framework_refusals_are_thai_lines(fresh_db: Path, capsys: pytest.CaptureFixture) -> None:
    bad = fresh_db / "bad.xlsx"
    bad.write_text("not a workbook")
    assert main(["framework", "import", str(bad), "--fy", "2570", "--commit"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: ไฟล์ bad.xlsx ไฟล์ bad.xlsx ตั้งชื่อเป็น .xlsx แต่เนื้อในไม่ใช่ไฟล์ Excel (อาจเป็นไฟล์ข้อความหรือไฟล์เสีย): "
        "เปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่",
        "ไม่ได้นำเข้า: แก้ไฟล์ตามรายการข้างบนแล้วลองใหม่ / nothing imported"]
    assert main(["framework", "import", str(fresh_db / "none.xlsx"), "--fy", "2570"]) == 2
    assert capsys.readouterr().err == f"ผิดพลาด: ไม่พบไฟล์ {fresh_db / 'none.xlsx'}\n"
    assert main(["framework", "export", "--fy", "2571", "-o", str(fresh_db / "G.xlsx")]) == 2
    assert capsys.readouterr().err == (
        "ผิดพลาด: ปีงบประมาณ 2571 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2571`\n")
    assert not (fresh_db / "G.xlsx").exists()


def test_every_table_the_export_command_offers_is_exported(fresh_db: Path) -> None:
    """`ita export` offers each table of COLUMNS; the two only pages built (the province roll-up and
    the survey counts) crashed with a KeyError traceback."""
    with session_scope(make_engine()) as session:
        quota_id = quota_rows(session, 1, 2567)[0].id
        Writer(session, CLI, source="cli").record_survey_count(quota_id=quota_id, day=date(2024, 1, 15),
                                                               collected=12, note="ชุดแรก")
    as_of = ["--as-of", "2024-03-16"]
    assert main(["export", "stations", "--lang", "en", *as_of, "-o", str(fresh_db / "s.csv")]) == 0
    [station] = read_export(fresh_db / "s.csv")
    assert list(station) == ["code", "name", "province", "overall", "percent_done", "done", "at_risk",
                             "overdue", "oit_share"]
    assert (station["code"], station["name"], station["overall"]) == (
        "chiangmai", "สถานีตำรวจภูธรเชียงใหม่", "มีเรื่องเลยกำหนด")
    assert main(["export", "survey-counts", "-o", str(fresh_db / "c.csv")]) == 0
    [count] = read_export(fresh_db / "c.csv")
    assert (count["วันที่"], count["จำนวน (คน)"], count["หมายเหตุ"]) == ("2024-01-15", "12", "ชุดแรก")
    assert main(["export", "survey-counts", "--format", "xlsx", "-o", str(fresh_db / "c.xlsx")]) == 0
    assert load_workbook(fresh_db / "c.xlsx").active.max_row == 3  # title, header, the one count


def test_user_list_disable_enable_unlock_and_password(
        fresh_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from ita_core.auth import authenticate
    from ita_core.db import make_engine, session_scope

    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "officer", "--person", "ภัทรพงษ์ พลังข้างสาร"]) == 0
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "somchai" in listed and "scrypt" not in listed and "ใช้งาน" in listed
    assert main(["user", "disable", "somchai"]) == 0
    assert "ปิดใช้งานบัญชี somchai แล้ว" in capsys.readouterr().out
    assert main(["user", "list"]) == 0
    assert "ปิดใช้งาน" in capsys.readouterr().out
    assert main(["user", "enable", "somchai"]) == 0
    assert main(["user", "unlock", "somchai"]) == 2
    assert "ไม่ได้ถูกล็อก" in capsys.readouterr().err
    assert main(["user", "disable", "nobody"]) == 2
    assert "ไม่พบผู้ใช้ชื่อ 'nobody'" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("password123\n"))
    assert main(["user", "password", "somchai"]) == 2
    assert "ใช้กันมาก" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("ฟ้าใส-ลมเย็น-2570\n"))
    assert main(["user", "password", "somchai"]) == 0
    with session_scope(make_engine(f"sqlite:///{fresh_db / 'ita.db'}")) as session:
        assert authenticate(session, "somchai", "ฟ้าใส-ลมเย็น-2570").username == "somchai"
