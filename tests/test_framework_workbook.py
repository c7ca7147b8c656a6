"""The framework workbook: a year's framework written as .xlsx, read back with every problem named,
previewed against a year and imported through the write path (all or nothing, idempotent)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from ita_core.auth import CLI, Actor
from ita_core.db import session_scope
from ita_core.framework import bands_of, catalogue_of, framework_of
from ita_core.framework_workbook import (
    COLUMNS,
    FrameworkFileRefused,
    FrameworkWorkbook,
    framework_workbook_bytes,
    preview_framework_import,
    read_framework_workbook,
)
from ita_core.models import AuditLog, CatalogueItem, FiscalYear, FrameworkSubIndicator, OitItem, Station
from ita_core.services import PermissionDenied, ValidationFailed
from ita_core.services.writer import Writer
from ita_core.thai_dates import shift_year
from ita_core.workbooks import BE_DATE_FORMAT

ROWS = {"indicators": 10, "sub_indicators": 7, "oit_items": 25, "components": 128, "phases": 9, "scoring": 6,
        "rating_bands": 5}


def export(engine: Engine, year: int = 2567, lang: str = "th") -> bytes:
    with Session(engine) as session:
        return framework_workbook_bytes(session, year, lang=lang)


def edited(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    """The workbook with ``change`` made to it in openpyxl, as a person edits it in Excel."""
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes) -> FrameworkWorkbook:
    return read_framework_workbook(data, file_name="F.xlsx")


def refusals(data: bytes) -> list[str]:
    with pytest.raises(FrameworkFileRefused) as refused:
        read(data)
    return refused.value.lines()


def apply(engine: Engine, workbook: FrameworkWorkbook, year: int, actor: Actor = CLI):
    with session_scope(engine) as session:
        return Writer(session, actor, source="cli").import_framework(fiscal_year=year, workbook=workbook)


def audit_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


def cell_of(book: Workbook, sheet: str, code: str, key: str):
    """The cell of column ``key`` in the data row whose first cell is ``code``."""
    column = [k for k, _ in COLUMNS[sheet]].index(key) + 1
    for row in book[sheet].iter_rows(min_row=3):
        if row[0].value == code:
            return book[sheet].cell(row[0].row, column)
    raise KeyError(code)


def test_the_workbook_has_every_sheet_with_thai_or_english_headers_and_be_dates(engine: Engine) -> None:
    thai, english = (load_workbook(io.BytesIO(export(engine, lang=lang))) for lang in ("th", "en"))
    assert thai.sheetnames == english.sheetnames == list(COLUMNS)
    for name, columns in COLUMNS.items():
        assert [c.value for c in thai[name][2]] == [title for _, title in columns]
        assert [c.value for c in english[name][2]] == [key for key, _ in columns]
        assert thai[name].max_row - 2 == ROWS[name], name
    assert thai["oit_items"]["A1"].value == "เกณฑ์การประเมิน ITA ปีงบประมาณ 2567: รายการ OIT"
    o1 = [c.value for c in thai["oit_items"][3]]
    assert o1[:5] == ["O1", 1, "9.1", "", "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร"]
    assert o1[6:] == ["ครั้งเดียวในปี", "ภายใน ๓๑ ม.ค.๖๗", datetime(2024, 1, 31)]
    assert thai["oit_items"]["I3"].number_format == BE_DATE_FORMAT
    assert english["oit_items"]["G3"].value == "once"
    assert [c.value for c in thai["scoring"]["A"][2:]] == ["scheme", "weight_iit", "weight_eit", "weight_oit",
                                                           "pass_mark", "source_note"]
    assert [c.value for c in thai["scoring"]["B"][2:7]] == ["rating", 30, 30, 40, 85]
    assert [c.value for c in thai["rating_bands"][5]] == ["ผ่าน", "Pass", 75, None]
    assert thai["phases"]["D3"].value == datetime(2023, 10, 1)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_unchanged_export_imports_as_no_change(engine: Engine, lang: str) -> None:
    workbook = read(export(engine, lang=lang))
    assert (len(workbook.oit_items), len(workbook.components)) == (25, 128)
    assert workbook.scoring["weight_oit"] == 40
    before = audit_count(engine)
    changes = apply(engine, workbook, 2567)
    assert changes.total() == 0 and changes.lines() == ["ปีงบประมาณ 2567: ไม่มีอะไรเปลี่ยน"]
    assert audit_count(engine) == before
    with Session(engine) as session:
        assert {item.version for item in catalogue_of(session, 2567)} == {1}
        assert framework_of(session, 2567).version == 1


def test_formula_text_is_written_quoted_and_read_back_as_typed(engine: Engine) -> None:
    with session_scope(engine) as session:
        item = session.exec(select(CatalogueItem).where(CatalogueItem.code == "O3")).one()
        Writer(session, CLI, source="cli").save_framework_row(
            table="oit_items", row_id=item.id, seen_version=1, values={"title_th": '=HYPERLINK("http://x","คลิก")'})
    data = export(engine)
    book = load_workbook(io.BytesIO(data))
    cell = cell_of(book, "oit_items", "O3", "title_th")
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://x","คลิก")', "s")
    assert read(data).oit_items[2]["title_th"] == '=HYPERLINK("http://x","คลิก")'
    with Session(engine) as session:
        assert preview_framework_import(session, 2567, read(data)).total() == 0


def test_every_problem_is_named_with_file_sheet_row_and_column(engine: Engine) -> None:
    def break_it(book: Workbook) -> None:
        book["indicators"]["B3"] = "XIT"
        cell_of(book, "oit_items", "O2", "code").value = "O1"
        cell_of(book, "oit_items", "O3", "sub_indicator").value = "9.9"
        cell_of(book, "oit_items", "O4", "rhythm").value = "ทุกปี"
        cell_of(book, "oit_items", "O5", "due_date").value = "สักวัน"
        book["components"]["A3"] = "O99"
        cell_of(book, "scoring", "weight_iit", "value").value = 35
        book["phases"]["E3"] = date(2023, 9, 1)
        del book["rating_bands"]

    assert refusals(edited(export(engine), break_it)) == [
        "ไฟล์ F.xlsx แผ่นงาน «indicators» แถว 3 คอลัมน์ B (เครื่องมือ): เครื่องมือต้องเป็น IIT, EIT หรือ OIT แต่พบ XIT",
        "ไฟล์ F.xlsx แผ่นงาน «oit_items» แถว 6 คอลัมน์ G (รอบการเผยแพร่): ไม่รู้จักรอบการเผยแพร่ ทุกปี "
        "(ใช้ ครั้งเดียวในปี, ทุกเดือน, ทุกไตรมาส, ทุกครั้งที่มีเหตุการณ์)",
        "ไฟล์ F.xlsx แผ่นงาน «oit_items» แถว 7 คอลัมน์ I (วันกำหนดส่ง): อ่านวันที่ไม่ได้: สักวัน "
        "(ใช้วันที่ของ Excel หรือ YYYY-MM-DD หรือ ๓๐ มี.ค. ๖๗)",
        "ไฟล์ F.xlsx แผ่นงาน «phases» แถว 3 คอลัมน์ E (วันสิ้นสุด): วันสิ้นสุด 1 ก.ย. 2566 มาก่อนวันเริ่ม 1 ต.ค. 2566",
        "ไฟล์ F.xlsx ไม่มีแผ่นงาน «rating_bands» (ระดับผลการประเมิน): ใช้ไฟล์ที่ส่งออกด้วย "
        "`ita framework export` เป็นต้นแบบ"]

    def break_more(book: Workbook) -> None:
        cell_of(book, "oit_items", "O2", "code").value = "O1"
        cell_of(book, "oit_items", "O3", "sub_indicator").value = "9.9"
        book["components"]["A3"] = "O99"
        cell_of(book, "scoring", "weight_iit", "value").value = 35
        book["rating_bands"]["C7"] = 10

    assert refusals(edited(export(engine), break_more)) == [
        "ไฟล์ F.xlsx แผ่นงาน «scoring»: น้ำหนัก IIT + EIT + OIT ต้องรวมกันได้ 100 (ตอนนี้ 105)",
        "ไฟล์ F.xlsx แผ่นงาน «oit_items» แถว 4 คอลัมน์ A (รหัสรายการ): O1 ซ้ำกับแถว 3",
        "ไฟล์ F.xlsx แผ่นงาน «oit_items» แถว 5 คอลัมน์ C (ตัวชี้วัดย่อย): ไม่มีตัวชี้วัดย่อย 9.9 ในแผ่นงาน sub_indicators",
        "ไฟล์ F.xlsx แผ่นงาน «components» แถว 3 คอลัมน์ A (รหัสรายการ): ไม่มีรายการ O99 ในแผ่นงาน oit_items",
        *(f"ไฟล์ F.xlsx แผ่นงาน «components» แถว {row} คอลัมน์ A (รหัสรายการ): ไม่มีรายการ O2 ในแผ่นงาน oit_items"
          for row in (8, 9, 10)),  # O2's three components lost their item when it was renamed O1
        "ไฟล์ F.xlsx แผ่นงาน «rating_bands»: ระดับต่ำสุดต้องเริ่มที่คะแนน 0 (ตอนนี้เริ่มที่ 10)"]
    assert refusals(b"not a workbook") == [
        "ไฟล์ F.xlsx ไฟล์ F.xlsx ตั้งชื่อเป็น .xlsx แต่เนื้อในไม่ใช่ไฟล์ Excel (อาจเป็นไฟล์ข้อความหรือไฟล์เสีย): "
        "เปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"]


def test_the_preview_lists_added_changed_and_removed_rows_and_writes_nothing(engine: Engine) -> None:
    def change(book: Workbook) -> None:
        cell_of(book, "oit_items", "O5", "title_th").value = "ชื่อใหม่ของ O5"
        cell_of(book, "rating_bands", "ผ่าน", "min_total").value = 70
        book["components"].append(["O5", 7, "องค์ประกอบใหม่"])
        book["oit_items"].delete_rows(cell_of(book, "oit_items", "O25", "code").row)
        for row in [r for r in book["components"].iter_rows(min_row=3) if r[0].value == "O25"][::-1]:
            book["components"].delete_rows(row[0].row)

    workbook = read(edited(export(engine), change))
    with Session(engine) as session:
        changes = preview_framework_import(session, 2567, workbook)
    assert changes.counts() == {
        "scoring": {"added": 0, "changed": 0, "removed": 0},
        "indicators": {"added": 0, "changed": 0, "removed": 0},
        "sub_indicators": {"added": 0, "changed": 0, "removed": 0},
        "oit_items": {"added": 0, "changed": 1, "removed": 1},
        "components": {"added": 1, "changed": 0, "removed": 11},
        "phases": {"added": 0, "changed": 0, "removed": 0},
        "rating_bands": {"added": 0, "changed": 1, "removed": 0}}
    lines = changes.lines()
    assert lines[:4] == ["ปีงบประมาณ 2567: การเปลี่ยนแปลงของเกณฑ์", "  รายการ OIT (oit_items): แก้ไข 1, ลบ 1",
                         "    ~ O5: ชื่อรายการ: ข้อมูลการติดต่อ / และช่องทาง ถาม-ตอบ รับฟัง ความคิดเห็น → ชื่อใหม่ของ O5",
                         "    - O25 การรายงานผลการดำเนินการตามมาตรการการยกระดับคุณธรร…"]
    assert lines[4:6] == ["  องค์ประกอบของรายการ OIT (components): เพิ่ม 1, ลบ 11", "    + O5 ข้อ 7 องค์ประกอบใหม่"]
    assert lines[-3:] == ["  ระดับผลการประเมิน (rating_bands): แก้ไข 1", "    ~ ผ่าน: คะแนนรวมขั้นต่ำ: 75 → 70",
                          "  ทำไม่ได้: ลบรายการ O25 ไม่ได้: สถานี 1 แห่ง มีรายการนี้ในแผนอยู่ (1 แถว)"]
    assert changes.lines(lang="en")[1] == "  oit_items: changed 1, removed 1"
    assert changes.blocked == ["ลบรายการ O25 ไม่ได้: สถานี 1 แห่ง มีรายการนี้ในแผนอยู่ (1 แถว)"]
    with Session(engine) as session:
        assert len(catalogue_of(session, 2567)) == 25
    before = audit_count(engine)
    with pytest.raises(ValidationFailed) as refused:
        apply(engine, workbook, 2567)
    assert refused.value.errors == [
        "แผ่นงาน «oit_items» O25: ลบรายการ O25 ของปี 2567 ไม่ได้: สถานี 1 แห่ง มีรายการนี้ในแผนอยู่ (1 แถว)"]
    assert audit_count(engine) == before  # all or nothing: the title and band changes rolled back too
    with Session(engine) as session:
        assert bands_of(session, 2567)[2].min_total == 75


def test_an_import_applies_changes_through_the_write_path(engine: Engine) -> None:
    def change(book: Workbook) -> None:
        cell_of(book, "oit_items", "O5", "title_th").value = "ชื่อใหม่ของ O5"
        cell_of(book, "scoring", "pass_mark", "value").value = 80
        book["components"].append(["O5", 7, "องค์ประกอบใหม่"])

    changes = apply(engine, read(edited(export(engine), change)), 2567)
    assert changes.total() == 3
    with Session(engine) as session:
        o5 = session.exec(select(CatalogueItem).where(CatalogueItem.fiscal_year == 2567,
                                                      CatalogueItem.code == "O5")).one()
        assert (o5.title_th, o5.version) == ("ชื่อใหม่ของ O5", 2)
        assert (framework_of(session, 2567).pass_mark, framework_of(session, 2567).version) == (80, 2)
        rows = session.exec(select(AuditLog.table_name, AuditLog.field, AuditLog.source, AuditLog.actor)
                            .order_by(AuditLog.id)).all()
    assert [tuple(r) for r in rows] == [("framework", "pass_mark", "import", "cli"),
                                        ("oit_catalogue_item", "title_th", "import", "cli"),
                                        ("oit_catalogue_component", "item_id", "import", "cli"),
                                        ("oit_catalogue_component", "seq", "import", "cli"),
                                        ("oit_catalogue_component", "text_th", "import", "cli")]


def test_only_a_central_admin_imports_a_framework(engine: Engine) -> None:
    with pytest.raises(PermissionDenied, match="เฉพาะผู้ดูแลระบบส่วนกลาง"):
        apply(engine, read(export(engine)), 2567, actor=Actor("station-admin", "admin", station_id=1))


def _framework_2570(book: Workbook) -> None:
    """The 2567 framework turned into a FY 2570 one as the NACC renumbers a list: O6 and O7 dropped,
    O8–O25 renumbered O6–O23 (so 9.2 is O6–O9), sub-indicator 9.5 renamed 9.6, dates moved 3 years."""
    def renumbered(code: str) -> str:
        number = int(code[1:])
        return f"O{number - 2}" if number >= 8 else code

    for sheet in ("oit_items", "components"):
        rows = book[sheet]
        for row in [r for r in rows.iter_rows(min_row=3) if r[0].value in ("O6", "O7")][::-1]:
            rows.delete_rows(row[0].row)
        for row in rows.iter_rows(min_row=3):
            row[0].value = renumbered(row[0].value)
            if sheet == "oit_items":
                row[1].value = int(row[0].value[1:])
                row[2].value = "9.6" if row[2].value == "9.5" else row[2].value
    for row in book["sub_indicators"].iter_rows(min_row=3):
        row[0].value = "9.6" if row[0].value == "9.5" else row[0].value
    for sheet in ("oit_items", "phases"):
        for row in book[sheet].iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.value = shift_year(cell.value.date(), 3)


def test_a_renumbered_23_item_framework_for_2570_and_a_2567_station_rolled_over_to_it(engine: Engine) -> None:
    """Issue 14, point 8: the year gets its framework from the workbook (fiscal year opened), a
    second import changes nothing, and the rollover matches the station's items by code and title."""
    with Session(engine) as session:
        old = {item.code: item.title_th for item in catalogue_of(session, 2567)}
        station_id = session.exec(select(Station.id)).one()
    workbook = read(edited(export(engine), _framework_2570))
    changes = apply(engine, workbook, 2570)
    assert changes.new_framework
    assert {name: counts["added"] for name, counts in changes.counts().items()} == {
        "scoring": 1, "indicators": 10, "sub_indicators": 7, "oit_items": 23, "components": 128 - 8,
        "phases": 9, "rating_bands": 5}
    with Session(engine) as session:
        year = session.get(FiscalYear, 2570)
        assert (year.start, year.end) == (date(2026, 10, 1), date(2027, 9, 30))
        catalogue = catalogue_of(session, 2570)
        assert [item.code for item in catalogue] == [f"O{n}" for n in range(1, 24)]
        assert [i.code for i in catalogue if i.sub_indicator == "9.2"] == ["O6", "O7", "O8", "O9"]
        assert [i.code for i in catalogue if i.sub_indicator == "9.6"] == ["O15"]
        assert catalogue[5].title_th == old["O8"]
        assert catalogue[0].due_date == date(2027, 1, 31)
        assert sorted(session.exec(select(FrameworkSubIndicator.code)
                                   .where(FrameworkSubIndicator.fiscal_year == 2570)).all()) == [
            "10.1", "10.2", "9.1", "9.2", "9.3", "9.4", "9.6"]
        assert [b.label_th for b in bands_of(session, 2570)] == [b.label_th for b in bands_of(session, 2567)]
    before = audit_count(engine)
    assert apply(engine, workbook, 2570).total() == 0
    assert audit_count(engine) == before

    with session_scope(engine) as session:
        writer = Writer(session, CLI, source="cli")
        report = writer.rollover(station_id=station_id, from_year=2567, to_year=2570)
    assert [code for code, _ in report.kept] == ["O1", "O2", "O3", "O4", "O5"]
    assert [(code, was, now) for code, was, now in report.renamed] == [
        (f"O{n}", old[f"O{n}"], old[f"O{n + 2}"]) for n in range(6, 24)]
    assert report.dropped == [("O24", old["O24"]), ("O25", old["O25"])]
    assert report.new == []
    with Session(engine) as session:
        items = session.exec(select(OitItem).order_by(OitItem.number)
                             .where(OitItem.station_id == station_id, OitItem.fiscal_year == 2570)).all()
        catalogue = catalogue_of(session, 2570)
        assert [(i.code, i.title) for i in items] == [(c.code, c.title_th) for c in catalogue]
        assert {i.catalogue_item_id for i in items} == {c.id for c in catalogue}


def test_a_file_of_another_year_is_blocked_in_the_preview_by_its_due_dates(engine: Engine) -> None:
    with Session(engine) as session:
        changes = preview_framework_import(session, 2570, read(export(engine)))
    assert changes.new_framework and len(changes.blocked) == 16
    assert changes.blocked[0] == ("รายการ O1: กำหนดส่ง 31 ม.ค. 2567 อยู่ไกลจากปีงบประมาณ 2570 "
                                  "(1 ต.ค. 2569 – 30 ก.ย. 2570)")
    with pytest.raises(ValidationFailed) as refused:
        apply(engine, read(export(engine)), 2570)
    assert len(refused.value.errors) == 16
    with Session(engine) as session:
        assert framework_of(session, 2570) is None and session.get(FiscalYear, 2570) is None


def test_an_import_confirmed_on_a_stale_preview_writes_nothing(engine: Engine) -> None:
    def change(book: Workbook) -> None:
        cell_of(book, "oit_items", "O5", "title_th").value = "ชื่อใหม่ของ O5"

    workbook = read(edited(export(engine), change))
    with Session(engine) as session:
        seen = preview_framework_import(session, 2567, workbook).fingerprint()
    with session_scope(engine) as session:
        o5 = session.exec(select(CatalogueItem).where(CatalogueItem.code == "O5")).one()
        Writer(session, CLI, source="cli").save_framework_row(table="oit_items", row_id=o5.id, seen_version=1,
                                                               values={"deadline": "ภายใน ๓๐ ม.ค.๖๗"})
    before = audit_count(engine)
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        writer = Writer(session, CLI, source="cli")
        writer.import_framework(fiscal_year=2567, workbook=workbook, expected=seen)
    assert refused.value.errors == ["เกณฑ์ปี 2567 เปลี่ยนไประหว่างตรวจไฟล์: ตรวจตัวอย่างใหม่อีกครั้งแล้วจึงยืนยัน"]
    assert audit_count(engine) == before
    with Session(engine) as session:
        fresh = preview_framework_import(session, 2567, workbook)
    done = apply_expected(engine, workbook, fresh.fingerprint())
    assert [row.fields for row in done.sheets["oit_items"].changed] == [{
        "title_th": ("ข้อมูลการติดต่อ / และช่องทาง ถาม-ตอบ รับฟัง ความคิดเห็น", "ชื่อใหม่ของ O5"),
        "deadline": ("ภายใน ๓๐ ม.ค.๖๗", "ภายใน ๓๑ ม.ค.๖๗")}]  # the file's deadline wins back


def apply_expected(engine: Engine, workbook: FrameworkWorkbook, expected: str):
    with session_scope(engine) as session:
        writer = Writer(session, CLI, source="cli")
        return writer.import_framework(fiscal_year=2567, workbook=workbook, expected=expected)


def test_a_rhythm_change_is_previewed_in_the_files_words(engine: Engine) -> None:
    """The preview names a rhythm as the workbook does (Thai labels), never the stored ``monthly``."""
    def change(book: Workbook) -> None:
        cell_of(book, "oit_items", "O12", "rhythm").value = "ทุกไตรมาส"

    with Session(engine) as session:
        changes = preview_framework_import(session, 2567, read(edited(export(engine), change)))
    assert changes.lines()[2] == "    ~ O12: รอบการเผยแพร่: ทุกเดือน → ทุกไตรมาส"
    assert changes.lines(lang="en")[2] == "    ~ O12: rhythm: monthly → quarterly"
