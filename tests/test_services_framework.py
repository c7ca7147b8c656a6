"""Copying a year's ITA framework: every part, dates moved by the years between, audited, central
admins only, refused onto a year that has one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.framework import bands_of, catalogue_of, framework_of
from ita_core.models import (
    AuditLog,
    CatalogueComponent,
    CatalogueItem,
    FiscalYear,
    FrameworkIndicator,
    FrameworkPhase,
    FrameworkSubIndicator,
    RatingBand,
    SurveyMinimum,
)
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.services.writer import Writer

COUNTS = {"rating_bands": 5, "indicators": 10, "sub_indicators": 7, "oit_items": 25, "components": 128,
          "phases": 9, "survey_minimums": 6}


def copy(engine: Engine, from_year: int = 2567, to_year: int = 2570, actor: Actor = CLI) -> dict[str, int]:
    with session_scope(engine) as session:
        return Writer(session, actor, source="cli").copy_framework(from_year=from_year, to_year=to_year)


def _components(session: Session, year: int) -> list[tuple[str, int, str]]:
    rows = session.exec(select(CatalogueItem.code, CatalogueComponent.seq, CatalogueComponent.text_th)
                        .join(CatalogueItem).where(CatalogueItem.fiscal_year == year)
                        .order_by(CatalogueItem.number, CatalogueComponent.seq)).all()
    return [tuple(row) for row in rows]


def test_a_copy_holds_every_part_with_dates_moved_three_years(engine: Engine) -> None:
    assert copy(engine) == COUNTS
    with Session(engine) as session:
        old, new = framework_of(session, 2567), framework_of(session, 2570)
        assert new is not None and old is not None
        assert (new.scheme, new.weight_iit, new.weight_eit, new.weight_oit, new.pass_mark) == (
            "rating", 30, 30, 40, 85)
        assert new.source_note == f"คัดลอกจากเกณฑ์ปี 2567 — {old.source_note}"
        assert bands_of(session, 2570) == bands_of(session, 2567)
        opened = session.get(FiscalYear, 2570)
        assert (opened.start, opened.end) == (date(2026, 10, 1), date(2027, 9, 30))
        items = {c.code: c for c in catalogue_of(session, 2570)}
        assert list(items) == [f"O{n}" for n in range(1, 26)]
        assert (items["O1"].title_th, items["O1"].deadline, items["O1"].due_date) == (
            "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร", "ภายใน ๓๑ ม.ค.๗๐", date(2027, 1, 31))
        # 29 Feb 2024, the last day of February, stays February's last day in 2027
        assert (items["O8"].deadline, items["O8"].due_date) == ("ภายใน ก.พ.๗๐", date(2027, 2, 28))
        assert (items["O24"].deadline, items["O24"].due_date) == ("ภายในเดือน มี.ค.๗๐", date(2027, 3, 31))
        assert (items["O12"].deadline, items["O12"].due_date, items["O12"].rhythm) == ("", None, "monthly")
        assert [(c.sub_indicator, c.title_th) for c in catalogue_of(session, 2570)] == [
            (c.sub_indicator, c.title_th) for c in catalogue_of(session, 2567)]
        assert _components(session, 2570) == _components(session, 2567)
        assert len(_components(session, 2570)) == 128
        phases = session.exec(select(FrameworkPhase).where(FrameworkPhase.fiscal_year == 2570)
                              .order_by(FrameworkPhase.seq)).all()
        assert (phases[0].kind, phases[0].start, phases[0].end) == ("preparation", date(2026, 10, 1),
                                                                    date(2026, 12, 31))
        assert (phases[-1].start, phases[-1].end) == (date(2027, 8, 1), date(2027, 8, 31))
        minimums = session.exec(select(SurveyMinimum.department, SurveyMinimum.min_respondents)
                                .where(SurveyMinimum.fiscal_year == 2570).order_by(SurveyMinimum.id)).all()
        assert [tuple(m) for m in minimums] == [("ฝ่ายอำนวยการ", 30), ("ฝ่ายป้องกันปราบปราม", 50),
                                                 ("ฝ่ายจราจร", 60), ("ฝ่ายสืบสวน", 30), ("ฝ่ายสอบสวน", 50),
                                                 ("รวมทั้งสถานี", 300)]
        indicators = session.exec(select(FrameworkIndicator.number, FrameworkIndicator.tool)
                                  .where(FrameworkIndicator.fiscal_year == 2570)).all()
        assert sorted(indicators) == [(n, "IIT") for n in range(1, 6)] + [(n, "EIT") for n in range(6, 9)] + [
            (9, "OIT"), (10, "OIT")]
        subs = session.exec(select(FrameworkSubIndicator.code)
                            .where(FrameworkSubIndicator.fiscal_year == 2570)
                            .order_by(FrameworkSubIndicator.code)).all()
        assert subs == ["10.1", "10.2", "9.1", "9.2", "9.3", "9.4", "9.5"]


def test_the_copy_is_audited_station_less_with_its_source(engine: Engine) -> None:
    copy(engine)
    with Session(engine) as session:
        rows = session.exec(select(AuditLog.table_name, func.count(func.distinct(AuditLog.row_id)))
                            .group_by(AuditLog.table_name)).all()
        assert dict(rows) == {"fiscal_year": 1, "framework": 1, "rating_band": 5, "framework_indicator": 10,
                              "framework_sub_indicator": 7, "oit_catalogue_item": 25,
                              "oit_catalogue_component": 128, "framework_phase": 9, "survey_minimum": 6}
        assert set(session.exec(select(AuditLog.source).distinct()).all()) == {"cli"}
        assert set(session.exec(select(AuditLog.station_id).distinct()).all()) == {None}
        deadline = session.exec(select(AuditLog.new).where(AuditLog.table_name == "oit_catalogue_item",
                                                           AuditLog.field == "deadline")).first()
        assert deadline == "ภายใน ๓๑ ม.ค.๗๐"


def test_a_year_with_a_framework_is_not_copied_over(engine: Engine) -> None:
    copy(engine)
    with pytest.raises(ValidationFailed) as refused:
        copy(engine)
    assert refused.value.errors == ["ปีงบประมาณ 2570 มีเกณฑ์การประเมินอยู่แล้ว: แก้ไขเกณฑ์ของปีนั้นแทนการคัดลอกทับ"]
    with pytest.raises(ValidationFailed) as refused:
        copy(engine, 2566, 2567)
    assert refused.value.errors == ["ปีงบประมาณ 2566 ยังไม่มีเกณฑ์การประเมินให้คัดลอก",
                                    "ปีงบประมาณ 2567 มีเกณฑ์การประเมินอยู่แล้ว: แก้ไขเกณฑ์ของปีนั้นแทนการคัดลอกทับ"]
    with pytest.raises(ValidationFailed, match=r"ไม่ใช่ปี พ\.ศ\."):
        copy(engine, 2567, 1999)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(CatalogueItem)).one() == 50


@pytest.mark.parametrize("actor", [Actor("station-admin", "admin", station_id=1),
                                   Actor("province-admin", "admin", province="เชียงใหม่",
                                         province_stations=frozenset({1}))])
def test_only_a_central_admin_copies_a_framework(engine: Engine, actor: Actor) -> None:
    with pytest.raises(PermissionDenied, match="เฉพาะผู้ดูแลระบบส่วนกลาง"):
        copy(engine, actor=actor)
    with Session(engine) as session:
        assert framework_of(session, 2570) is None and session.get(FiscalYear, 2570) is None


def test_ita_framework_copy(db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["framework", "copy", "--from", "2567", "--to", "2570"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith(
        "คัดลอกเกณฑ์การประเมินปี 2567 → 2570 แล้ว (เลื่อนวันที่ 3 ปี): รายการ OIT 25 องค์ประกอบ 128 "
        "ขั้นตอนปฏิทิน 9 ช่วงคะแนน 5 / framework copied")
    assert main(["framework", "copy", "--from", "2567", "--to", "2570"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: ปีงบประมาณ 2570 มีเกณฑ์การประเมินอยู่แล้ว: แก้ไขเกณฑ์ของปีนั้นแทนการคัดลอกทับ"]


# --- single-row edits of a year's framework (Writer.save_* / delete_* of the central admins) -------

def _writer(session: Session, actor: Actor = CLI) -> Writer:
    return Writer(session, actor, source="cli")


def _audit_rows(session: Session, table: str) -> list[tuple[str | None, str | None, str | None]]:
    return [tuple(row) for row in session.exec(
        select(AuditLog.field, AuditLog.old, AuditLog.new).where(AuditLog.table_name == table)
        .order_by(AuditLog.id)).all()]


def _item(session: Session, code: str, year: int = 2567) -> CatalogueItem:
    return session.exec(select(CatalogueItem).where(CatalogueItem.fiscal_year == year,
                                                    CatalogueItem.code == code)).one()


def test_save_framework_changes_only_what_differs_and_checks_the_weights(engine: Engine) -> None:
    with session_scope(engine) as session:
        saved = _writer(session).save_framework(fiscal_year=2567, values={"pass_mark": 80, "weight_iit": 30},
                                                seen_version=1)
    assert (saved.row_id, saved.version) == (2567, 2)
    with session_scope(engine) as session:
        again = _writer(session).save_framework(fiscal_year=2567, values={"pass_mark": 80.0}, seen_version=2)
    assert again.version == 2  # the same value: no write
    with Session(engine) as session:
        assert framework_of(session, 2567).pass_mark == 80
        assert _audit_rows(session, "framework") == [("pass_mark", "85.0", "80.0")]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework(fiscal_year=2567, values={"weight_iit": 35, "pass_mark": 120,
                                                                  "scheme": "stars"}, seen_version=2)
    assert refused.value.errors == ["รูปแบบการให้คะแนน (scheme) ต้องเป็นหนึ่งใน rating, letter (ได้ 'stars')",
                                    "เกณฑ์ผ่าน ต้องเป็นตัวเลข 0–100 (ได้ 120)"]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework(fiscal_year=2567, values={"weight_iit": 35}, seen_version=2)
    assert refused.value.errors == ["น้ำหนัก IIT + EIT + OIT ต้องรวมกันได้ 100 (ตอนนี้ 105)"]
    with session_scope(engine) as session, pytest.raises(ConflictError):
        _writer(session).save_framework(fiscal_year=2567, values={"pass_mark": 75}, seen_version=1)
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="ปีงบประมาณ 2570 ยังไม่มีเกณฑ์"):
        _writer(session).save_framework(fiscal_year=2570, values={"pass_mark": 75}, seen_version=1)


def test_rating_bands_keep_unique_labels_and_a_band_from_zero(engine: Engine) -> None:
    with Session(engine) as session:
        bands = {b.label_th: (b.id, b.version) for b in session.exec(
            select(RatingBand).where(RatingBand.fiscal_year == 2567)).all()}
    lowest, best = bands["ต้องปรับปรุงโดยด่วน"], bands["ผ่านดีเยี่ยม"]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework_row(table="rating_bands", row_id=lowest[0], seen_version=lowest[1],
                                            values={"min_total": 10})
    assert refused.value.errors == ["ระดับต่ำสุดต้องเริ่มที่คะแนน 0 (ตอนนี้เริ่มที่ 10)"]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework_row(table="rating_bands", parent=2567,
                                            values={"label_th": "ผ่าน", "label_en": "Pass", "min_total": 70})
    assert refused.value.errors == ["ชื่อระดับ (ไทย) «ผ่าน» ซ้ำกัน: แต่ละระดับต้องมีชื่อไม่ซ้ำ",
                                    "ชื่อระดับ (อังกฤษ) «Pass» ซ้ำกัน: แต่ละระดับต้องมีชื่อไม่ซ้ำ"]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).delete_framework_row(table="rating_bands", row_id=lowest[0], seen_version=lowest[1])
    assert refused.value.errors == ["ลบระดับ «ต้องปรับปรุงโดยด่วน» ไม่ได้: ต้องมีระดับที่เริ่มจากคะแนน 0 เหลืออยู่"]
    with session_scope(engine) as session:
        writer = _writer(session)
        added = writer.save_framework_row(table="rating_bands", parent=2567, values={
            "label_th": "ดีมาก", "label_en": "Very good", "min_total": 90, "min_each_tool": ""})
        writer.delete_framework_row(table="rating_bands", row_id=best[0], seen_version=best[1])
    with Session(engine) as session:
        assert [(b.label_th, b.min_total, b.min_each_tool) for b in bands_of(session, 2567)] == [
            ("ผ่านดี", 85, 85), ("ผ่าน", 75, None), ("ต้องปรับปรุง", 50, None), ("ต้องปรับปรุงโดยด่วน", 0, None),
            ("ดีมาก", 90, None)]
        assert session.get(RatingBand, added.row_id).seq == 6


def test_a_catalogue_item_is_checked_against_its_year_and_kept_while_stations_hold_it(engine: Engine) -> None:
    values = {"code": "O26", "number": 26, "sub_indicator": "9.9", "title_th": " รายการใหม่ ",
              "rhythm": "yearly", "due_date": date(2025, 3, 31)}
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework_row(table="oit_items", parent=2567, values=values)
    assert refused.value.errors == [
        "รอบการเผยแพร่ (rhythm) ต้องเป็นหนึ่งใน once, monthly, quarterly, each_event (ได้ 'yearly')",
        "ปี 2567 ไม่มีตัวชี้วัดย่อย '9.9' (มี 10.1, 10.2, 9.1, 9.2, 9.3, 9.4, 9.5)",
        "กำหนดส่ง 31 มี.ค. 2568 อยู่ไกลจากปีงบประมาณ 2567 (1 ต.ค. 2566 – 30 ก.ย. 2567)"]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        duplicate = {**values, "code": "O1", "rhythm": "once", "sub_indicator": "9.1", "due_date": None}
        _writer(session).save_framework_row(table="oit_items", parent=2567, values=duplicate)
    assert refused.value.errors == ["ปี 2567 มีรายการ O1 อยู่แล้ว"]
    with session_scope(engine) as session:
        writer = _writer(session)
        item = writer.save_framework_row(table="oit_items", parent=2567, values={
            **values, "rhythm": "monthly", "sub_indicator": "9.2", "due_date": date(2024, 9, 30)})
        first = writer.save_framework_row(table="components", parent=item.row_id, values={"text_th": "ข้อแรก"})
        second = writer.save_framework_row(table="components", parent=item.row_id,
                                           values={"text_th": "ข้อสอง"})
        writer.save_framework_row(table="components", row_id=first.row_id, seen_version=1,
                                  values={"text_th": "ข้อหนึ่ง"})
    with Session(engine) as session:
        row = session.get(CatalogueItem, item.row_id)
        assert (row.title_th, row.rhythm, row.version) == ("รายการใหม่", "monthly", 1)
        assert [(c.seq, c.text_th, c.version) for c in session.exec(
            select(CatalogueComponent).where(CatalogueComponent.item_id == item.row_id)
            .order_by(CatalogueComponent.seq)).all()] == [(1, "ข้อหนึ่ง", 2), (2, "ข้อสอง", 1)]
        held = _item(session, "O1")
        held_id, held_version = held.id, held.version
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).delete_framework_row(table="oit_items", row_id=held_id, seen_version=held_version)
    assert refused.value.errors == ["ลบรายการ O1 ของปี 2567 ไม่ได้: สถานี 1 แห่ง มีรายการนี้ในแผนอยู่ (1 แถว)"]
    with session_scope(engine) as session:
        _writer(session).delete_framework_row(table="oit_items", row_id=item.row_id, seen_version=1)
    with Session(engine) as session:
        assert session.get(CatalogueItem, item.row_id) is None
        assert session.get(CatalogueComponent, second.row_id) is None
        deleted = session.exec(select(AuditLog.table_name, AuditLog.row_id).where(AuditLog.field == "text_th",
                                                                                 AuditLog.new.is_(None))).all()
        assert sorted(deleted) == [("oit_catalogue_component", first.row_id),
                                   ("oit_catalogue_component", second.row_id)]


def test_sub_indicators_and_indicators_are_kept_while_rows_sit_under_them(engine: Engine) -> None:
    with Session(engine) as session:
        sub = session.exec(select(FrameworkSubIndicator).where(FrameworkSubIndicator.fiscal_year == 2567,
                                                               FrameworkSubIndicator.code == "9.2")).one()
        indicator = session.exec(select(FrameworkIndicator).where(FrameworkIndicator.fiscal_year == 2567,
                                                                  FrameworkIndicator.number == 9)).one()
        sub_id, indicator_id = sub.id, indicator.id
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework_row(table="sub_indicators", row_id=sub_id, seen_version=1,
                                            values={"code": "9.6"})
    assert refused.value.errors == ["เปลี่ยนรหัสตัวชี้วัดย่อย 9.2 ไม่ได้: มีรายการ OIT 5 รายการ (O7, O8, O9, O10, O11) "
                                    "อยู่ในตัวชี้วัดย่อยนี้"]
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).delete_framework_row(table="indicators", row_id=indicator_id, seen_version=1)
    assert refused.value.errors == ["ลบตัวชี้วัดที่ 9 ไม่ได้: มีตัวชี้วัดย่อย 5 ข้อ (9.1, 9.2, 9.3, 9.4, 9.5) "
                                    "อยู่ใต้ตัวชี้วัดนี้"]
    with session_scope(engine) as session:
        writer = _writer(session)
        saved = writer.save_framework_row(table="sub_indicators", row_id=sub_id, seen_version=1,
                                                    values={"name_th": "บริหาร"})
        added = writer.save_framework_row(table="indicators", parent=2567,
                                          values={"number": 11, "tool": "OIT", "name_th": "ตัวชี้วัดใหม่"})
        new_sub = writer.save_framework_row(table="sub_indicators", parent=2567,
                                            values={"code": "11.1", "indicator": 11, "name_th": "ย่อยใหม่"})
        writer.delete_framework_row(table="sub_indicators", row_id=new_sub.row_id, seen_version=1)
        writer.delete_framework_row(table="indicators", row_id=added.row_id, seen_version=1)
    assert saved.version == 2
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework_row(table="sub_indicators", parent=2567,
                                            values={"code": "12.1", "indicator": 12, "name_th": "x"})
    assert refused.value.errors == ["ปี 2567 ไม่มีตัวชี้วัดที่ 12"]


def test_framework_phases_need_ordered_dates_and_a_free_seq(engine: Engine) -> None:
    values = {"kind": "oit_publish", "name_th": "เผยแพร่ข้อมูล", "start": date(2024, 5, 1),
              "end": date(2024, 4, 1)}
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        _writer(session).save_framework_row(table="phases", parent=2567, values={**values, "seq": 1})
    assert refused.value.errors == ["วันสิ้นสุด 1 เม.ย. 2567 มาก่อนวันเริ่ม 1 พ.ค. 2567",
                                    "ปี 2567 มีขั้นตอนลำดับ 1 อยู่แล้ว"]
    with session_scope(engine) as session:
        saved = _writer(session).save_framework_row(table="phases", parent=2567,
                                                      values={**values, "end": date(2024, 5, 31)})
        _writer(session).delete_framework_row(table="phases", row_id=saved.row_id, seen_version=1)
    with Session(engine) as session:
        assert _audit_rows(session, "framework_phase")[:2] == [("fiscal_year", None, "2567"),
                                                               ("seq", None, "10")]


def test_a_framework_row_of_an_unknown_table_is_a_callers_slip(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValueError, match="'stations'"):
        _writer(session).save_framework_row(table="stations", parent=2567,  # type: ignore[arg-type]
                                            values={"code": "x"})
    with session_scope(engine) as session, pytest.raises(ValueError, match="not a framework table"):
        _writer(session).delete_framework_row(table="survey_minimums", row_id=1, seen_version=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("actor", [Actor("station-admin", "admin", station_id=1)])
def test_only_a_central_admin_edits_a_framework(engine: Engine, actor: Actor) -> None:
    with session_scope(engine) as session, pytest.raises(PermissionDenied, match="เฉพาะผู้ดูแลระบบส่วนกลาง"):
        _writer(session, actor).save_framework(fiscal_year=2567, values={"pass_mark": 80}, seen_version=1)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        _writer(session, actor).save_framework_row(table="oit_items", parent=2567, values={"code": "O26"})
