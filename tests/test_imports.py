"""Imports: round trip of our own exports, the Thai plan layout, preview, approval, all-or-nothing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from ita_core import imports, services
from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.exports import export_frame, plan_workbook_bytes, to_csv_bytes, to_xlsx_bytes
from ita_core.models import Activity, Assignment, AuditLog, OitItem, Person, Station
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from ita_core.thai_dates import shift_be_years_in_text
from tests.transfer_support import AS_OF, full_export, seed_plan_sheet, write

FY = 2567


def _station(engine: Engine) -> Station:
    with Session(engine) as session:
        return session.exec(select(Station)).one()


def _preview(engine: Engine, data: bytes, name: str) -> imports.Preview:
    with Session(engine) as session:
        return imports.preview(session, data, name, station_id=_station(engine).id, fiscal_year=FY,
                               settings=get_settings())


def _commit(engine: Engine, data: bytes, name: str, **kwargs) -> imports.CommitResult:
    with session_scope(engine) as session:
        return imports.commit(session, kwargs.pop("actor", CLI), data, name, station_id=_station(engine).id,
                              fiscal_year=FY, settings=get_settings(), **kwargs)


def _typed_notes(engine: Engine) -> None:
    """Notes a user could type that a spreadsheet would run as formulas, and a Thai note."""
    with session_scope(engine) as session:
        first, second, third = session.exec(select(Activity).order_by(Activity.seq).limit(3)).all()
        item = session.exec(select(OitItem).where(OitItem.code == "O2")).one()
        services.update_progress(session, CLI, "activity", first.id, first.version, {"note": "=1+1"})
        services.update_progress(session, CLI, "activity", second.id, second.version, {"note": "@SUM(A1)"})
        services.update_progress(session, CLI, "activity", third.id, third.version,
                                 {"note": "'=เดิม\nบรรทัดสอง"})
        services.update_progress(session, CLI, "oit_item", item.id, item.version, {"note": "-2+3 ไทย"})


def _exports(engine: Engine) -> dict[str, bytes]:
    station = _station(engine)
    with Session(engine) as session:
        activities = export_frame(session, "activities", station.id, FY)
        items = export_frame(session, "oit-items", station.id, FY)
        workbook = plan_workbook_bytes(session, station.id, FY, AS_OF, get_settings())
    return {
        "activities.xlsx": to_xlsx_bytes(activities, "activities", title="ทดสอบ"),
        "activities.csv": to_csv_bytes(activities, "activities"),
        "activities-en.csv": to_csv_bytes(activities, "activities", "en"),
        "oit-items.xlsx": to_xlsx_bytes(items, "oit-items", "en", title="OIT"),
        "oit-items.csv": to_csv_bytes(items, "oit-items"),
        "plan.xlsx": workbook,
    }


@pytest.mark.parametrize("name", ["activities.xlsx", "activities.csv", "activities-en.csv", "oit-items.xlsx",
                                  "oit-items.csv", "plan.xlsx"])
def test_export_then_import_changes_nothing(demo_engine: Engine, name: str) -> None:
    _typed_notes(demo_engine)
    data = _exports(demo_engine)[name]
    result = _preview(demo_engine, data, name)
    assert result.errors == [] and result.new_names == {}
    # the plan workbook: 26 activities, 25 OIT items and its 40 people (their contacts are read back)
    expected = {"activities": 26, "oit-items": 25, "plan": 91}[name.split(".")[0].removesuffix("-en")]
    assert (result.count("unchanged"), result.count("change"), result.count("add")) == (expected, 0, 0)
    before = full_export(demo_engine)
    assert _commit(demo_engine, data, name) == imports.CommitResult(0, 0, 0, 0)
    assert full_export(demo_engine) == before


def test_formula_text_in_a_note_comes_out_as_text_in_csv_and_excel(engine: Engine) -> None:
    _typed_notes(engine)
    files = _exports(engine)
    text = files["activities.csv"].decode("utf-8-sig")
    assert files["activities.csv"].startswith(b"\xef\xbb\xbf")
    assert ",'=1+1," in text and ",'@SUM(A1)," in text and "''=เดิม" in text
    sheet = load_workbook(io.BytesIO(files["activities.xlsx"])).active
    notes = {sheet.cell(row, 15).value: sheet.cell(row, 15).data_type for row in (3, 4)}
    assert notes == {"'=1+1": "s", "'@SUM(A1)": "s"}
    assert sheet.cell(2, 15).value == "หมายเหตุ"


def test_the_seed_plan_in_the_thai_layout_is_unchanged(engine: Engine) -> None:
    result = _preview(engine, seed_plan_sheet(), "แผน.xlsx")
    assert result.layout == "plan"
    assert (result.errors, result.new_names) == ([], {})
    assert result.count("unchanged") == 26
    assert [row.row for row in result.rows][:3] == [3, 4, 5]


def test_a_plan_brought_into_the_wrong_year_is_flagged(engine: Engine) -> None:
    with session_scope(engine) as session:
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
    with Session(engine) as session:
        right, wrong = (imports.preview(session, seed_plan_sheet(), "แผน.xlsx", station_id=station,
                                        fiscal_year=year, settings=get_settings()) for year in (2567, 2570))
    assert (right.count("add"), right.errors) == (26, [])
    assert [str(w) for w in right.warnings] == [  # the station's first plan of 2567 brings its OIT items
        "สถานียังไม่มีรายการ OIT 25 รายการของเกณฑ์ปี 2567 (O1–O25): จะเพิ่มให้พร้อมองค์ประกอบเมื่อนำเข้า "
        "โดยยังไม่มอบหมายผู้รับผิดชอบ"]
    errors = [str(e) for e in wrong.errors]  # 2567's dates are three years from 2570: refused, not warned
    assert len(errors) == 23 and errors[0] == (
        "แผ่นงาน «แผนยกระดับ» แถว 4 คอลัมน์ F (ระยะเวลาแล้วเสร็จ): กำหนดเสร็จ 30 มี.ค. 2567 อยู่นอกช่วงที่นำเข้าได้ "
        "1 ต.ค. 2568 – 30 ก.ย. 2571 (ปีงบประมาณ 2570 ± 1 ปี): แก้วันที่ในไฟล์ หรือเลือกปีงบประมาณให้ตรงกับแผน "
        "(ถ้าตั้งใจใช้วันที่นี้ เลือก «วันที่นอกปีงบประมาณเป็นความตั้งใจ» หรือคำสั่ง ita import --allow-dates-outside-year)")
    assert errors[-1] == (  # and 2570 has no framework yet
        "ปีงบประมาณ 2570 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2570`")
    assert [row.row for row in wrong.rows] == [3, 24, 25, 27]  # rows of phrases without a year are kept


def _edited_plan() -> bytes:
    def edit(seq: int, values: list) -> None:
        if seq == 2:
            values[5] = "๑๕ เม.ย.๖๗"
    new_row = [None, "ประเด็นใหม่", "จัดอบรมเจ้าหน้าที่เรื่องการนำเข้าแผน", "ผู้เข้าอบรม ๒๐ นาย", "ไลน์กลุ่ม",
               "ภายใน พ.ค.๖๗", "สว.อก.๑ ผู้ควบคุม ร.ต.อ.สมชาย ใจดี ผู้บรรยาย ด.ต.อนุทิน พุดดี จัดทำเอกสาร",
               "ทุก ๑ เดือน"]
    return seed_plan_sheet([new_row], edit)


def test_a_thai_plan_sheet_previews_adds_changes_and_new_names(engine: Engine) -> None:
    result = _preview(engine, _edited_plan(), "แผน.xlsx")
    assert result.errors == []
    assert (result.count("add"), result.count("change"), result.count("unchanged")) == (1, 1, 25)
    changed = next(r for r in result.rows if r.action == "change")
    assert (changed.ref, changed.row) == ("ก2", 4)
    assert changed.changes == {"due_text": ("๓๐ มี.ค.๖๗", "๑๕ เม.ย.๖๗"),
                               "due_date": (date(2024, 3, 30), date(2024, 4, 15))}
    added = next(r for r in result.rows if r.action == "add")
    assert added.plan_values["indicator"] == 10  # blank indicator cell continues the row above
    assert added.plan_values["due_date"] == date(2024, 5, 31)
    assert result.new_names == {"สมชาย ใจดี": "ร.ต.อ."}
    assert added.add_people == ["สว.อก.๑", "อนุทิน พุดดี", "สมชาย ใจดี"]
    table = result.table()
    assert list(table["การดำเนินการ"].value_counts().sort_index().items()) == [
        ("เพิ่ม", 1), ("แก้ไข", 1), ("ไม่เปลี่ยน", 25)]


def test_commit_writes_through_the_audited_write_path(engine: Engine) -> None:
    data = _edited_plan()
    expected = _preview(engine, data, "แผน.xlsx").fingerprint()
    done = _commit(engine, data, "แผน.xlsx", expected=expected, approve_names=["สมชาย ใจดี"])
    assert done == imports.CommitResult(added=1, changed=1, people_added=1, assignments_added=3)
    with Session(engine) as session:
        new = session.exec(select(Activity).where(Activity.seq == 27)).one()
        assert (new.indicator, new.due_date, new.updated_by) == (10, date(2024, 5, 31), "cli")
        person = session.exec(select(Person).where(Person.name == "สมชาย ใจดี")).one()
        assert person.rank == "ร.ต.อ."
        names = set(session.exec(select(Person.name).join(Assignment, Assignment.person_id == Person.id)
                                 .where(Assignment.activity_id == new.id)))
        assert names == {"สว.อก.๑", "อนุทิน พุดดี", "สมชาย ใจดี"}
        sources = set(session.exec(select(AuditLog.source)))
        assert sources == {"import"}
        second = session.exec(select(Activity).where(Activity.seq == 2)).one()
        assert (second.due_date, second.version) == (date(2024, 4, 15), 2)
    assert _preview(engine, data, "แผน.xlsx").count("unchanged") == 27


def test_unapproved_new_names_stay_text_only(engine: Engine) -> None:
    done = _commit(engine, _edited_plan(), "แผน.xlsx")
    assert (done.people_added, done.assignments_added) == (0, 2)
    with Session(engine) as session:
        assert session.exec(select(Person).where(Person.name == "สมชาย ใจดี")).first() is None


def test_a_failure_half_way_writes_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    before = full_export(engine)

    def broken(*_args, **_kwargs):
        raise services.ValidationFailed(["จำลองความผิดพลาดกลางทาง"])

    monkeypatch.setattr(Writer, "add_assignment", broken)
    with pytest.raises(services.ValidationFailed, match="จำลอง"):
        _commit(engine, _edited_plan(), "แผน.xlsx", approve_names=["สมชาย ใจดี"])
    assert full_export(engine) == before


def test_a_preview_that_moved_meanwhile_is_not_committed(engine: Engine) -> None:
    data = _edited_plan()
    seen = _preview(engine, data, "แผน.xlsx").fingerprint()
    with session_scope(engine) as session:
        row = session.exec(select(Activity).where(Activity.seq == 2)).one()
        services.save_activity(session, CLI, {"due_text": "๑๕ เม.ย.๖๗", "due_date": date(2024, 4, 15)},
                               row.id, row.version)
    before = full_export(engine)
    with pytest.raises(services.ValidationFailed, match="เปลี่ยนไประหว่างตรวจไฟล์"):
        _commit(engine, data, "แผน.xlsx", expected=seen)
    assert full_export(engine) == before


def test_edits_in_our_export_are_applied_and_a_stale_row_is_refused(engine: Engine) -> None:
    station = _station(engine)
    with Session(engine) as session:
        frame = export_frame(session, "activities", station.id, FY)
    workbook = load_workbook(io.BytesIO(to_xlsx_bytes(frame, "activities")))
    sheet = workbook.active
    sheet["M3"], sheet["N3"], sheet["O3"] = "in_progress", 40, "'=ตามแผน"  # row of seq 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    result = _preview(engine, data, "กิจกรรม.xlsx")
    assert (result.count("change"), result.errors) == (1, [])
    assert result.rows[0].changes == {"status": ("not_started", "in_progress"), "progress": (0, 40),
                                      "note": ("", "=ตามแผน")}
    _commit(engine, data, "กิจกรรม.xlsx")
    with Session(engine) as session:
        first = session.exec(select(Activity).where(Activity.seq == 1)).one()
        assert (first.status, first.progress, first.note, first.version) == ("in_progress", 40, "=ตามแผน", 2)
    sheet["N3"] = 60  # the file still says version 1, the row is now version 2
    workbook.save(buffer := io.BytesIO())
    stale = _preview(engine, buffer.getvalue(), "กิจกรรม.xlsx")
    assert [str(p) for p in stale.errors] == [
        "แผ่นงาน «activities» แถว 3 คอลัมน์ Q (ฉบับที่): แถวนี้ถูกแก้ไขในระบบหลังจากส่งออก "
        "(ไฟล์เป็นฉบับที่ 1 ในระบบเป็นฉบับที่ 2): ส่งออกใหม่แล้วแก้ในไฟล์ใหม่"]


def test_only_admins_commit(engine: Engine) -> None:
    officer = Actor("somchai", "officer", can_edit_all=True)
    with pytest.raises(services.PermissionDenied):
        _commit(engine, _edited_plan(), "แผน.xlsx", actor=officer)


def test_ita_import_dry_run_then_commit(db_url: str, engine: Engine, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path / "แผน.xlsx", _edited_plan())
    before = full_export(engine)
    assert main(["import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "เพิ่ม 1 แถว · แก้ไข 1 แถว · ไม่เปลี่ยน 25 แถว · ปัญหา 0 จุด" in out
    assert "ชื่อใหม่ที่ยังไม่รู้จัก: ร.ต.อ.สมชาย ใจดี" in out and "--dry-run" in out
    assert full_export(engine) == before
    assert main(["import", str(path), "--approve-names"]) == 0
    assert "นำเข้าแล้ว: เพิ่ม 1 แก้ไข 1 แถว, บุคลากรใหม่ 1" in capsys.readouterr().out
    assert full_export(engine)["rows/activity"] == 27


def test_a_new_stations_first_plan_brings_the_years_oit_catalogue(engine: Engine) -> None:
    """A measures-only plan of a station added today, for 2570 with a framework copied from 2567:
    the station gets the 25 catalogue items, unassigned, and its OIT matrix works at once."""
    from ita_core import oit_matrix, queries
    from ita_core.framework import catalogue_of
    from ita_core.models import CatalogueComponent, OitComponent, RecurringDuty

    with session_scope(engine) as session:
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
        Writer(session, CLI, source="cli").copy_framework(from_year=2567, to_year=2570)
    # the measures table only, its dates moved to 2570 (๖๗ → ๗๐)
    plan_2570 = seed_plan_sheet(edit=lambda _, row: row.__setitem__(5, shift_be_years_in_text(row[5], 3)))
    with session_scope(engine) as session:
        done = imports.commit(session, CLI, plan_2570, "แผน.xlsx", station_id=station, fiscal_year=2570,
                              settings=get_settings())
    assert (done.added, done.oit_items_added) == (26, 25)
    with Session(engine) as session:
        items = session.exec(select(OitItem).where(OitItem.station_id == station)
                             .order_by(OitItem.number)).all()
        assert [i.code for i in items] == [f"O{n}" for n in range(1, 26)]
        assert {i.fiscal_year for i in items} == {2570}
        catalogue = {c.code: c.id for c in catalogue_of(session, 2570)}
        assert [i.catalogue_item_id for i in items] == [catalogue[i.code] for i in items]
        o1 = items[0]
        assert (o1.title, o1.due_text, o1.due_date, o1.due_kind, o1.status, o1.rhythm_text) == (
            "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร", "ภายใน ๓๑ ม.ค.๗๐", date(2027, 1, 31), "date",
            "not_started", "")
        assert items[6].rhythm_text == "ทุกเดือน"  # O7, monthly
        components = session.exec(select(OitComponent).where(
            OitComponent.item_id.in_([i.id for i in items]))).all()
        assert len(components) == 128
        ids = [i.id for i in items]
        assert session.exec(select(Assignment).where(Assignment.oit_item_id.in_(ids))).all() == []
        duties = session.exec(select(RecurringDuty).where(RecurringDuty.station_id == station)).all()
        assert sorted(int(d.oit_item_id) for d in duties) == sorted(
            i.id for i in items if i.code in {"O3", "O7", "O11", "O12", "O13", "O14", "O15", "O16", "O17",
                                              "O20", "O21", "O23"})
        per_entry = dict(session.exec(select(CatalogueComponent.item_id, func.count())
                                      .group_by(CatalogueComponent.item_id)).all())
        frame = queries.oit_items(session, station, 2570)
        assert list(frame["components_total"]) == [per_entry[catalogue[i.code]] for i in items]
        cells = oit_matrix.cells(session, station, 2570, date(2027, 3, 16))
        assert len(cells) == 25 * 12
        assert sorted(set(cells["code"]), key=lambda c: int(c[1:])) == list(catalogue)
        assert int(cells["required"].sum()) == 12 * 12 + 13  # monthly items every month, one-offs once
        assert oit_matrix.summary(cells)["overdue"] > 0
        trail = session.exec(select(AuditLog.source).where(AuditLog.table_name == "oit_item",
                                                           AuditLog.station_id == station).distinct()).all()
        assert trail == ["import"]
    with session_scope(engine) as session:  # a second import adds no item twice
        again = imports.commit(session, CLI, plan_2570, "แผน.xlsx", station_id=station, fiscal_year=2570,
                               settings=get_settings())
    assert (again.added, again.oit_items_added) == (0, 0)


def test_an_oit_item_takes_a_sub_indicator_code_of_the_years_framework(engine: Engine) -> None:
    from ita_core.models import FrameworkSubIndicator, SubIndicator

    with Session(engine) as session:
        items = export_frame(session, "oit-items", _station(engine).id, FY)
    workbook = load_workbook(io.BytesIO(to_xlsx_bytes(items, "oit-items", "en")))
    sheet = workbook.active
    header = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "sub_indicator")
    o1 = sheet.cell(header.row + 1, header.column)
    assert (o1.value, sheet.cell(header.row + 1, 1).value) == ("9.1", "O1")
    o1.value = "9.6"
    workbook.save(buffer := io.BytesIO())
    data = buffer.getvalue()
    assert [str(p) for p in _preview(engine, data, "oit.xlsx").errors] == [
        "แผ่นงาน «oit-items» แถว 3 คอลัมน์ B (sub_indicator): ไม่รู้จักตัวชี้วัดย่อย '9.6' "
        "(มี 10.1, 10.2, 9.1, 9.2, 9.3, 9.4, 9.5)"]
    with session_scope(engine) as session:  # the NACC adds 9.6 to the FY 2567 framework only
        session.add(FrameworkSubIndicator(fiscal_year=FY, code="9.6", indicator=9, name_th="ข้อมูลเชิงสถิติ"))
    result = _preview(engine, data, "oit.xlsx")
    assert result.errors == []
    assert [r.changes for r in result.rows if r.changes] == [{"sub_indicator": ("9.1", "9.6")}]
    _commit(engine, data, "oit.xlsx")
    with Session(engine) as session:
        assert session.exec(select(OitItem.sub_indicator).where(OitItem.code == "O1")).one() == "9.6"
        assert session.get(SubIndicator, "9.6").indicator == 9  # the foreign key's target, from the framework


def _new_station_preview(engine: Engine) -> tuple[imports.Preview, list[str]]:
    """A new station's preview of the seed plan with the names of seq 3 and 12 removed."""
    with session_scope(engine) as session:
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id

    def no_names(seq: int, row: list[object]) -> None:
        if seq in (3, 12):
            row[6] = ""

    with Session(engine) as session:
        preview = imports.preview(session, seed_plan_sheet(edit=no_names), "แผน.xlsx", station_id=station,
                                  fiscal_year=FY, settings=get_settings())
    return preview, list(preview.new_names)


# rows of the seed plan sheet (sheet row = seq + 2) naming only positions, which a new station does
# not know as people, plus rows 5 and 14 (seq 3 and 12) whose names were removed
NO_NAME_ROWS = [3, 4, 5, 8, 9, 14, 24, 25, 26, 27, 28]


def test_rows_left_without_owner_on_a_new_station_follow_the_approved_names(engine: Engine) -> None:
    preview, everyone = _new_station_preview(engine)
    assert len(everyone) == 9
    assert [(r.sheet, r.row, r.ref) for r in imports.without_owner(preview, everyone)] == [
        ("แผนยกระดับ", row, "ก(ใหม่)") for row in NO_NAME_ROWS]
    all_but_one = [name for name in everyone if name != "อนุทิน พุดดี"]
    # rows 11, 15 and 18 name only him; row 22 names ภัทรพงษ์ พลัง too
    assert [r.row for r in imports.without_owner(preview, all_but_one)] == sorted([*NO_NAME_ROWS, 11, 15, 18])
    assert len(imports.without_owner(preview, [])) == 26
    table = imports.without_owner_table(imports.without_owner(preview, everyone)[:1])
    assert table.to_dict("records") == [{
        "แผ่นงาน": "แผนยกระดับ", "แถว": 3, "รหัส": "ก(ใหม่)",
        "เรื่อง": "การจัดให้มีผู้ทำหน้าที่ประชาสัมพันธ์บนสถานีตำรวจเพื่อให้คำแนะนำขั้นตอนการติดต่อง"}]


def test_rows_keep_the_owners_they_have(engine: Engine) -> None:
    """The seeded station's plan with names removed from two rows: their stored assignments stay
    (imports never take one away), so no row is left without an owner."""
    preview = _preview(engine, seed_plan_sheet(edit=lambda seq, row: row.__setitem__(6, "") if seq in (3, 12)
                                               else None), "แผน.xlsx")
    assert preview.count("change") == 2
    assert next(r for r in preview.rows if r.row == 5).owners == ["งานอำนวยการ", "ศุภิสรา ดวงทิพย์", "สว.อก.๑"]
    assert imports.without_owner(preview, []) == []


def test_the_import_page_offers_this_year_minus_one_to_plus_two_and_years_in_use(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ita_core.imports.read.today", lambda: date(2026, 11, 30))  # fiscal year 2570
    with Session(engine) as session:
        assert imports.offered_years(session, _station(engine).id) == [2572, 2571, 2570, 2569, 2567]
        assert imports.import_year(session, 999, None) == 2567  # no own plan: the newest any station has
