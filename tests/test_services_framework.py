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
    SurveyMinimum,
)
from ita_core.services import PermissionDenied, ValidationFailed
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
