"""Page tests of the framework page (เกณฑ์การประเมินรายปี): the seed's FY 2567 framework shown to
admins, forms and writes for central admins only, the copy of a year and the workbook round trip."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ita_core import services
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.framework import catalogue_of, framework_of, framework_years, rating_band_rows
from ita_core.models import Activity, FiscalYear, Station
from tests.test_pages import make_user, run_page

BANDS_2567 = ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]


def central_and_station_admins() -> None:
    """``admin``: a central login (no station); ``station_admin``: the seed station's admin."""
    make_user("admin", "admin")
    with session_scope(make_engine()) as session:
        services.create_user(session, CLI, "station_admin", "pass-word-2567", "admin", station_id=1)


def tables(app: AppTest) -> list:
    return [frame.value for frame in app.dataframe]


def test_the_page_shows_the_seeds_2567_framework(engine: Engine) -> None:
    central_and_station_admins()
    app = run_page("framework", user="admin")
    assert [tab.label for tab in app.tabs] == ["คะแนนและระดับผล", "รายการ OIT (25)", "ปฏิทิน ITA (9)", "ตัวชี้วัด",
                                               "ไฟล์เกณฑ์"]
    assert [(m.label, m.value) for m in app.metric] == [
        ("รูปแบบการให้ผล", "ระดับผล"), ("น้ำหนัก IIT", "30%"), ("น้ำหนัก EIT", "30%"), ("น้ำหนัก OIT", "40%"),
        ("เกณฑ์ผ่าน", "85")]
    bands, items, phases, indicators, sub_indicators = tables(app)[:5]
    assert list(bands["ระดับผล"]) == BANDS_2567
    assert list(bands["คะแนนรวมตั้งแต่"]) == ["95", "85", "75", "50", "0"]
    assert list(bands["ทุกเครื่องมือไม่ต่ำกว่า"]) == ["85", "85", "—", "—", "—"]
    assert list(items["รหัส"]) == [f"O{n}" for n in range(1, 26)]
    assert items["องค์ประกอบ"].sum() == 128 and items.iloc[0]["องค์ประกอบ"] == 5
    assert list(items.iloc[0][["ตัวชี้วัดย่อย", "ข้อมูล"]]) == ["9.1", "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร"]
    assert len(phases) == 9 and phases.iloc[0]["ประเภท"] == "เตรียมการ"
    assert phases.iloc[0]["เริ่ม"] == "1 ต.ค. 2566"
    assert len(indicators) == 10 and list(sub_indicators["รายการ OIT"]) == [6, 5, 4, 1, 1, 6, 2]


def test_a_station_admin_reads_the_framework_without_forms(engine: Engine) -> None:
    central_and_station_admins()
    app = run_page("framework", user="station_admin")
    assert len(tables(app)[1]) == 25  # the OIT catalogue
    assert not app.get("form") and not app.get("popover")
    assert "ดูได้อย่างเดียว — แก้ไขได้เฉพาะผู้ดูแลระบบส่วนกลาง" in app.caption[0].value
    details = app.text[-1].value  # the read-only view of the chosen item: its components
    assert details.startswith("1. แสดงแผนผังโครงสร้าง") and details.count("\n") == 4


def open_2570_plan(engine: Engine) -> None:
    """A station plan for FY 2570, a year without a framework."""
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one()
        session.add(FiscalYear(be_year=2570, start=date(2026, 10, 1), end=date(2027, 9, 30)))
        session.flush()
        session.add(Activity(station_id=station.id, fiscal_year=2570, seq=1, indicator=1, activity="ทดสอบ"))


def test_a_year_without_a_framework_is_copied_by_a_central_admin(engine: Engine) -> None:
    central_and_station_admins()
    open_2570_plan(engine)
    local = run_page("framework", user="station_admin")
    assert local.info[0].value.startswith("ยังไม่มีเกณฑ์การประเมินของปีงบประมาณนี้ 2570")
    assert "copy_framework" not in {b.key for b in local.button} and not local.dataframe
    app = run_page("framework", user="admin")
    assert app.selectbox(key="copy_from").value == 2567
    app.button(key="copy_framework").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        assert framework_years(session) == [2570, 2567]
        assert len(catalogue_of(session, 2570)) == 25
    assert [tab.label for tab in app.tabs][1] == "รายการ OIT (25)"
    assert tables(app)[2].iloc[0]["เริ่ม"] == "1 ต.ค. 2569"  # the calendar moved by three years


def test_reads_of_the_page_give_the_stored_rows(engine: Engine) -> None:
    with Session(engine) as session:
        bands = rating_band_rows(session, 2567)
        assert [b.label_th for b in bands] == BANDS_2567 and all(b.version == 1 for b in bands)
        assert framework_of(session, 2567) is not None and framework_of(session, 2570) is None
