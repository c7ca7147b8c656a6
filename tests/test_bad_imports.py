"""Every file of the bad-import corpus is refused with a Thai message naming the problem, and the
database stays exactly as it was (a full export before and after is compared)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import imports, services, sheet_reader
from ita_core.auth import CLI
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.models import Activity, AuditLog, Station
from ita_core.settings import Settings, get_settings
from tests.make_bad_imports import CASES, OUT, build
from tests.transfer_support import full_export


@pytest.fixture(scope="module")
def corpus() -> dict[str, Path]:
    """The corpus, generated into tests/data/bad_imports/ from tests/make_bad_imports.py."""
    return build(OUT)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_refused_and_nothing_changes(name: str, corpus: dict[str, Path], engine: Engine,
                                                 capsys: pytest.CaptureFixture) -> None:
    before = full_export(engine)
    assert main(["import", str(corpus[name])]) == 2
    err = capsys.readouterr().err
    for words in CASES[name]:
        assert words in err, err
    assert "ไม่ได้นำเข้า" in err
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
    with pytest.raises(services.ValidationFailed) as refused, session_scope(engine) as session:
        imports.commit(session, CLI, corpus[name].read_bytes(), name, station_id=station.id, fiscal_year=2567,
                       settings=get_settings())
    assert all(words in str(refused.value) for words in CASES[name])
    assert full_export(engine) == before


def test_the_corpus_covers_what_the_issue_lists() -> None:
    kinds = {"wrong columns": "missing_column.xlsx", "wrong types": "wrong_types.xlsx",
             "unparseable dates": "unparseable_date.xlsx", "unknown indicator": "unknown_indicator.xlsx",
             "formulas": "formula.xlsx", "merged cells": "merged_cells.xlsx", "empty file": "empty.xlsx",
             "non-Excel bytes named .xlsx": "not_excel.xlsx", "password-protected": "password.xlsx",
             "sheet over the row limit": "too_many_rows.xlsx", "file over the byte limit": "too_big.xlsx",
             "sheet over the byte limit": "sheet_too_big.xlsx"}
    assert set(kinds.values()) <= set(CASES)


def test_limits_come_from_the_settings(corpus: dict[str, Path], engine: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_IMPORT_MAX_ROWS", "6000")
    monkeypatch.setenv("ITA_IMPORT_MAX_BYTES", str(8 * 1024 * 1024))
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        result = imports.preview(session, corpus["too_many_rows.xlsx"].read_bytes(), "too_many_rows.xlsx",
                                 station_id=station.id, fiscal_year=2567, settings=get_settings())
    assert result.errors == [] and result.count("add") == 5011


def test_import_limits_default_to_5_mb_and_5000_rows() -> None:
    from ita_core.settings import Settings

    settings = Settings.from_env({})
    assert (settings.import_max_bytes, settings.import_max_rows) == (5 * 1024 * 1024, 5000)


@pytest.mark.parametrize("name", ["shared_strings_bomb.xlsx", "ratio_bomb.xlsx"])
def test_a_zip_bomb_is_refused_from_the_zip_directory_without_opening_it(
        name: str, corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a workbook the ZIP directory already refuses")

    monkeypatch.setattr(sheet_reader, "load_workbook", never)
    with pytest.raises(sheet_reader.FileRefused) as refused:
        sheet_reader.read_sheets(corpus[name].read_bytes(), name, Settings.from_env({}))
    assert len(refused.value.problems) == 1
    assert all(words in str(refused.value) for words in CASES[name])


def test_the_ratio_refusal_names_the_part_and_both_sizes(corpus: dict[str, Path]) -> None:
    with pytest.raises(sheet_reader.FileRefused) as refused:
        sheet_reader.read_sheets(corpus["ratio_bomb.xlsx"].read_bytes(), "ratio_bomb.xlsx",
                                 Settings.from_env({}))
    message = str(refused.value)
    assert message.startswith("ไฟล์ ratio_bomb.xlsx: ส่วน xl/sharedStrings.xml บีบอัดไว้ ")
    assert "คลายออกเป็น 20.0 MB) เกิน 100 เท่า" in message


def test_an_ordinary_workbook_passes_the_zip_checks(corpus: dict[str, Path]) -> None:
    sheets = sheet_reader.read_sheets(corpus["duplicate_rows.xlsx"].read_bytes(), "plan.xlsx",
                                      Settings.from_env({}))
    assert [len(sheet.rows) for sheet in sheets] == [4]


def test_a_duplicate_id_is_caught_in_the_preview_not_at_commit(corpus: dict[str, Path],
                                                               engine: Engine) -> None:
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        result = imports.preview(session, corpus["duplicate_id.csv"].read_bytes(), "duplicate_id.csv",
                                 station_id=station.id, fiscal_year=2567, settings=get_settings())
    assert [str(p) for p in result.errors] == [
        "แผ่นงาน «duplicate_id» แถว 3 คอลัมน์ A (รหัส): รหัสกิจกรรม 1 ซ้ำกับแถว 2: แถวหนึ่งของแผนนำเข้าได้ครั้งเดียว"
        "ต่อไฟล์ ลบแถวที่ซ้ำออก (ถ้าตั้งใจให้เป็นคนละรายการ ให้แก้ข้อความให้ต่างกัน)"]
    assert [(row.row, row.action) for row in result.rows] == [(2, "change")]


def test_a_due_date_outside_the_year_but_within_the_margin_still_only_warns(engine: Engine) -> None:
    from tests.make_bad_imports import GOOD_ROW, _plan

    data = _plan([*GOOD_ROW[:5], date(2024, 11, 15), *GOOD_ROW[6:]])
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        result = imports.preview(session, data, "plan.xlsx", station_id=station.id, fiscal_year=2567,
                                 settings=get_settings())
    assert result.errors == [] and result.count("add") == 1
    assert "มีกำหนดเสร็จนอกปีงบประมาณ 2567" in str(result.warnings[0])


def _far_due_preview(engine: Engine, data: bytes, name: str, *, intended: bool) -> imports.Preview:
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        return imports.preview(session, data, name, station_id=station.id, fiscal_year=2567,
                               settings=get_settings(), dates_outside_year_intended=intended)


def test_a_far_due_date_is_a_warning_and_imported_only_when_the_admin_says_it_is_intended(
        corpus: dict[str, Path], engine: Engine) -> None:
    data = corpus["due_1900.xlsx"].read_bytes()
    refused = _far_due_preview(engine, data, "due_1900.xlsx", intended=False)
    kept = _far_due_preview(engine, data, "due_1900.xlsx", intended=True)
    assert (refused.rows, len(refused.errors), refused.dates_kept_outside_year) == ([], 1, 0)
    assert kept.errors == [] and [(row.row, row.action) for row in kept.rows] == [(3, "add")]
    assert kept.dates_kept_outside_year == 1
    assert str(kept.warnings[0]) == (
        "แผ่นงาน «แผน» แถว 3 คอลัมน์ F (ระยะเวลาแล้วเสร็จ): กำหนดเสร็จ 30 มี.ค. 2443 อยู่นอกช่วงที่นำเข้าได้ "
        "1 ต.ค. 2565 – 30 ก.ย. 2568 (ปีงบประมาณ 2567 ± 1 ปี): นำเข้าตามวันที่ในไฟล์ "
        "เพราะเลือก «วันที่นอกปีงบประมาณเป็นความตั้งใจ» ไว้")
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one()
        done = imports.commit(session, CLI, data, "due_1900.xlsx", station_id=station.id, fiscal_year=2567,
                              settings=get_settings(), expected=kept.fingerprint(),
                              dates_outside_year_intended=True)
    assert (done.added, done.changed) == (1, 0)
    with Session(engine) as session:
        row = session.exec(select(Activity).where(Activity.activity == "กิจกรรมทดสอบการนำเข้า")).one()
        assert row.due_date == date(1900, 3, 30)
        sources = set(session.exec(select(AuditLog.source).where(AuditLog.table_name == "activity",
                                                                 AuditLog.row_id == row.id)))
    assert sources == {imports.SOURCE_DATES_INTENDED}


def test_an_import_without_far_dates_keeps_the_plain_import_source_even_when_ticked(engine: Engine) -> None:
    from tests.make_bad_imports import GOOD_ROW, _plan

    data = _plan(GOOD_ROW)
    assert _far_due_preview(engine, data, "plan.xlsx", intended=True).dates_kept_outside_year == 0
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one()
        imports.commit(session, CLI, data, "plan.xlsx", station_id=station.id, fiscal_year=2567,
                       settings=get_settings(), dates_outside_year_intended=True)
    with Session(engine) as session:
        row = session.exec(select(Activity).where(Activity.activity == "กิจกรรมทดสอบการนำเข้า")).one()
        sources = set(session.exec(select(AuditLog.source).where(AuditLog.table_name == "activity",
                                                                 AuditLog.row_id == row.id)))
    assert (row.due_date, sources) == (date(2024, 3, 30), {"import"})


def test_ita_import_takes_far_due_dates_only_with_allow_dates_outside_year(
        corpus: dict[str, Path], engine: Engine, capsys: pytest.CaptureFixture) -> None:
    path = str(corpus["due_2099.csv"])
    assert main(["import", path]) == 2
    assert "หรือคำสั่ง ita import --allow-dates-outside-year" in capsys.readouterr().err
    assert main(["import", path, "--allow-dates-outside-year"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert ("  หมายเหตุ: แผ่นงาน «due_2099» แถว 2 คอลัมน์ I (กำหนดเสร็จ): กำหนดเสร็จ 1 ม.ค. 2642 "
            "อยู่นอกช่วงที่นำเข้าได้ 1 ต.ค. 2565 – 30 ก.ย. 2568 (ปีงบประมาณ 2567 ± 1 ปี): นำเข้าตามวันที่ในไฟล์ "
            "เพราะเลือก «วันที่นอกปีงบประมาณเป็นความตั้งใจ» ไว้") in out
    assert out[-1].startswith("นำเข้าแล้ว: เพิ่ม 1 แก้ไข 0 แถว")
    with Session(engine) as session:
        row = session.exec(select(Activity).where(Activity.due_date == date(2099, 1, 1))).one()
        sources = set(session.exec(select(AuditLog.source).where(AuditLog.table_name == "activity",
                                                                 AuditLog.row_id == row.id)))
    assert sources == {"import-dates-outside-year"}
