"""Page tests of the framework page (เกณฑ์การประเมินรายปี): the seed's FY 2567 framework shown to
admins, forms and writes for central admins only, the copy of a year and the workbook round trip."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ita_core import services
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.framework import (
    catalogue_components,
    catalogue_of,
    framework_of,
    framework_years,
    rating_band_rows,
)
from ita_core.framework_workbook import framework_workbook_bytes
from ita_core.models import Activity, AuditLog, FiscalYear, Station
from tests.test_pages import make_user, run_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    # the page itself has no form (the sidebar keeps the user's own change-password form)
    assert not app.main.get("form") and not app.main.get("popover") and not app.file_uploader
    assert {b.key for b in app.get("download_button")} == {"framework_xlsx_th", "framework_xlsx_en"}
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
    assert local.info[0].value == ("ยังไม่มีเกณฑ์การประเมินของปีงบประมาณนี้ — ปี 2570 ต้องมีรายการ OIT ปฏิทิน ITA "
                                   "และเกณฑ์คะแนน ก่อนสถานีเริ่มแผนของปีนั้น")
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


def audit_of(engine: Engine, table: str, row_id: int) -> list[tuple[str, str, str, str | None, str | None]]:
    """(actor, source, field, old, new) of each audited change of one row, in order."""
    trail = select(AuditLog.actor, AuditLog.source, AuditLog.field, AuditLog.old, AuditLog.new)
    with Session(engine) as session:
        return list(session.exec(trail.where(AuditLog.table_name == table, AuditLog.row_id == row_id)
                                 .order_by(AuditLog.id)).all())


def test_a_central_admin_edits_an_item_title_and_the_pass_mark(engine: Engine) -> None:
    central_and_station_admins()
    with Session(engine) as session:
        o1 = catalogue_of(session, 2567)[0].id
    app = run_page("framework", user="admin")
    app.selectbox(key="edit_catalogue_2567").set_value(o1).run()
    app.text_input(key=f"title_th_oit_catalogue_item_{o1}_r0").input("โครงสร้างและผู้บริหาร (แก้ไข)")
    app.button(key=f"FormSubmitter:form_oit_catalogue_item_{o1}-💾 บันทึก").click().run()
    app.number_input(key="pass_mark_framework_2567_r0").set_value(80.0)
    app.button(key="FormSubmitter:form_framework_2567-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        item = catalogue_of(session, 2567)[0]
        rule = framework_of(session, 2567)
        assert (item.code, item.title_th, item.version) == ("O1", "โครงสร้างและผู้บริหาร (แก้ไข)", 2)
        assert rule is not None and (rule.pass_mark, rule.version) == (80.0, 2)
    assert audit_of(engine, "oit_catalogue_item", o1) == [
        ("admin", "form", "title_th", "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร", "โครงสร้างและผู้บริหาร (แก้ไข)")]
    rule_trail = audit_of(engine, "framework", 2567)
    assert [(actor, source, name, new) for actor, source, name, _, new in rule_trail] == [
        ("admin", "form", "pass_mark", "80.0")]
    assert tables(app)[1].iloc[0]["ข้อมูล"] == "โครงสร้างและผู้บริหาร (แก้ไข)"
    assert app.metric[4].value == "80"


def _upload_with_one_item_changed(engine: Engine, code: str, column: str, value: str) -> AppTest:
    """The framework page after the admin uploads FY 2567's exported workbook with one cell of the
    oit_items sheet changed: item ``code``'s column headed ``column`` set to ``value``."""
    with Session(engine) as session:
        workbook = load_workbook(io.BytesIO(framework_workbook_bytes(session, 2567)))
    items = workbook["oit_items"]
    header = next(row for row in items.iter_rows() if row[0].value == "รหัสรายการ")
    column_number = next(cell.column for cell in header if cell.value == column)
    row_number = next(row[0].row for row in items.iter_rows() if row[0].value == code)
    items.cell(row_number, column_number).value = value
    edited = io.BytesIO()
    workbook.save(edited)
    app = run_page("framework", user="admin")
    app.file_uploader(key="framework_file_2567_0").set_value(("เกณฑ์ 2567.xlsx", edited.getvalue(), XLSX))
    return app.run()
def test_an_exported_workbook_with_one_changed_title_imports_that_one_change(engine: Engine) -> None:
    central_and_station_admins()
    app = _upload_with_one_item_changed(engine, "O5", "ชื่อรายการ", "ข้อมูลการติดต่อ (ปรับปรุง)")
    assert app.subheader[-1].value == "ตัวอย่างการนำเข้าเกณฑ์ปี 2567: 1 รายการ"
    preview = tables(app)[-1]
    assert preview.to_dict("records") == [{
        "การเปลี่ยนแปลง": "✏️ แก้ไข", "รายการ": "O5", "ช่อง": "ชื่อรายการ",
        "ค่าเดิม": "ข้อมูลการติดต่อ / และช่องทาง ถาม-ตอบ รับฟัง ความคิดเห็น", "ค่าใหม่": "ข้อมูลการติดต่อ (ปรับปรุง)"}]
    app.button(key="framework_import").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        titles = {item.code: (item.title_th, item.version) for item in catalogue_of(session, 2567)}
        assert titles["O5"] == ("ข้อมูลการติดต่อ (ปรับปรุง)", 2)
        assert sum(version for _, version in titles.values()) == 26  # no other item was touched
        o5_id = next(item.id for item in catalogue_of(session, 2567) if item.code == "O5")
    assert [(source, name) for _, source, name, _, _ in audit_of(engine, "oit_catalogue_item", o5_id)] == [
        ("import", "title_th")]
    assert [t.value for t in app.toast] == ["นำเข้าเกณฑ์ปี 2567 แล้ว: เพิ่ม 0 แก้ไข 1 ลบ 0 รายการ"]
    assert [u.key for u in app.file_uploader] == ["framework_file_2567_1"]  # the next round starts empty


def test_a_refused_workbook_lists_every_problem_where_it_is_and_cannot_be_imported(engine: Engine) -> None:
    central_and_station_admins()
    with Session(engine) as session:
        workbook = load_workbook(io.BytesIO(framework_workbook_bytes(session, 2567)))
    scoring = workbook["scoring"]
    next(row for row in scoring.iter_rows() if row[0].value == "pass_mark")[1].value = "สูง"
    workbook["oit_items"].cell(4, 5).value = None  # O2's title
    broken = io.BytesIO()
    workbook.save(broken)
    app = run_page("framework", user="admin")
    app.file_uploader(key="framework_file_2567_0").set_value(("เกณฑ์.xlsx", broken.getvalue(), XLSX))
    app.run()
    assert [e.value for e in app.error] == [
        "ไฟล์ เกณฑ์.xlsx แผ่นงาน «oit_items» แถว 4 คอลัมน์ E (ชื่อรายการ): ต้องมีชื่อรายการ",
        "ไฟล์ เกณฑ์.xlsx แผ่นงาน «scoring» แถว 7 คอลัมน์ B (ค่า): ต้องเป็นคะแนน 0–100 แต่พบ สูง"]
    assert "framework_import" not in {b.key for b in app.button}


def test_a_central_admin_adds_and_deletes_a_component_of_an_item(engine: Engine) -> None:
    central_and_station_admins()
    with Session(engine) as session:
        o8 = next(item.id for item in catalogue_of(session, 2567) if item.code == "O8")
    app = run_page("framework", user="admin")
    app.selectbox(key="edit_catalogue_2567").set_value(o8).run()
    assert list(tables(app)[2]["ข้อ"]) == [1]  # O8's checklist under the catalogue table
    app.text_input(key=f"new_catalogue_component_{o8}_text_th_0").input("คู่มือฉบับปรับปรุงล่าสุด")
    app.button(key=f"FormSubmitter:new_catalogue_component_{o8}_0-เพิ่มองค์ประกอบ").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        added = catalogue_components(session, o8)[-1]
    assert (added.seq, added.text_th) == (2, "คู่มือฉบับปรับปรุงล่าสุด")
    assert list(tables(app)[2]["องค์ประกอบ"])[-1] == "คู่มือฉบับปรับปรุงล่าสุด"
    app.selectbox(key=f"edit_component_{o8}").set_value(added.id).run()
    app.button(key=f"delete_catalogue_component_{added.id}").click().run()
    with Session(engine) as session:
        assert [c.seq for c in catalogue_components(session, o8)] == [1]
    trail = audit_of(engine, "oit_catalogue_component", added.id)
    assert {(actor, source) for actor, source, *_ in trail} == {("admin", "form")}
    assert [(name, old, new) for *_, name, old, new in trail if name == "text_th"] == [
        ("text_th", None, "คู่มือฉบับปรับปรุงล่าสุด"), ("text_th", "คู่มือฉบับปรับปรุงล่าสุด", None)]  # added, deleted


def test_a_rhythm_change_is_previewed_in_thai_words(engine: Engine) -> None:
    """The preview table names the rhythm as the workbook does, not by its stored word (monthly)."""
    central_and_station_admins()
    app = _upload_with_one_item_changed(engine, "O12", "รอบการเผยแพร่", "ทุกไตรมาส")
    assert tables(app)[-1].to_dict("records") == [{
        "การเปลี่ยนแปลง": "✏️ แก้ไข", "รายการ": "O12", "ช่อง": "รอบการเผยแพร่", "ค่าเดิม": "ทุกเดือน",
        "ค่าใหม่": "ทุกไตรมาส"}]
