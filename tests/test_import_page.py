"""The import page under AppTest: admins only, preview with errors in Thai, commit with approved names."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.models import Activity, AuditLog, FiscalYear, OitItem, Person
from ita_core.thai_dates import shift_be_years_in_text
from tests.make_bad_imports import GOOD_ROW, PLAN_HEADERS, _plan
from tests.test_pages import make_user, run_page
from tests.transfer_support import seed_plan_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW_ROW = [None, "ประเด็นใหม่", "กิจกรรมใหม่จากหน้าเว็บ", "ป้าย", "เว็บไซต์", "๓๐ เม.ย.๖๗",
           "สว.อก.๑ ผู้ควบคุม ร.ต.อ.สมชาย ใจดี จัดทำ", "ทุกเดือน"]


def test_officers_are_sent_away(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = run_page("import_plan", user="somchai")
    assert [i.value for i in app.info] == ["หน้านี้สำหรับผู้ดูแลระบบ (admin)"]
    assert not app.file_uploader


def test_a_bad_file_shows_where_and_cannot_be_committed(engine: Engine) -> None:
    make_user("secretary", "admin")
    app = run_page("import_plan", user="secretary")
    bad = _plan(GOOD_ROW, [None, *GOOD_ROW[1:5], "เร็ว ๆ นี้", *GOOD_ROW[6:]])
    app.file_uploader[0].set_value(("แผน.xlsx", bad, XLSX))
    app.run()
    assert [e.value for e in app.error] == [
        "แผ่นงาน «แผน» แถว 4 คอลัมน์ F (ระยะเวลาแล้วเสร็จ): อ่านวันที่ไม่ได้: เร็ว ๆ นี้ "
        "(เช่น ๓๐ มี.ค.๖๗, ภายใน ก.พ.๖๗, ทุกวัน, ตามปฏิทิน ป.ป.ช.)"]
    assert app.button(key="commit_import").disabled
    assert PLAN_HEADERS[0] in app.markdown[0].value


def test_the_secretary_previews_approves_a_name_and_commits(engine: Engine) -> None:
    make_user("secretary", "admin")
    app = run_page("import_plan", user="secretary")
    app.file_uploader[0].set_value(("แผน.xlsx", seed_plan_sheet([NEW_ROW]), XLSX))
    app.run()
    assert app.subheader[0].value == "เพิ่ม 1 แถว · แก้ไข 0 แถว · ไม่เปลี่ยน 26 แถว · ปัญหา 0 จุด"
    assert [t.label for t in app.tabs] == ["➕ เพิ่ม (1)", "✏️ แก้ไข (0)", "✔️ ไม่เปลี่ยน (26)"]
    app.multiselect(key="approve_0").set_value(["สมชาย ใจดี"]).run()
    app.button(key="commit_import").click().run()
    assert not app.exception
    assert [t.value for t in app.toast] == ["นำเข้าแล้ว: เพิ่ม 1 แก้ไข 0 แถว บุคลากรใหม่ 1 คน"]
    with Session(engine) as session:
        assert session.exec(select(Activity).where(Activity.activity == "กิจกรรมใหม่จากหน้าเว็บ")).one().seq == 27
        assert session.exec(select(Person).where(Person.name == "สมชาย ใจดี")).one().rank == "ร.ต.อ."
        trail = select(AuditLog.actor, AuditLog.source).where(AuditLog.table_name == "activity")
        assert set(session.exec(trail)) == {("secretary", "import")}


def test_the_preview_is_computed_once_per_uploaded_file(engine: Engine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from ita_core import imports

    calls: list[str] = []
    real = imports.preview

    def counted(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "preview", counted)
    make_user("secretary", "admin")
    app = run_page("import_plan", user="secretary")
    app.file_uploader[0].set_value(("แผน.xlsx", seed_plan_sheet([NEW_ROW]), XLSX))
    app.run()
    app.multiselect(key="approve_0").set_value([]).run()  # reruns: the same file is not read again
    app.run()
    assert calls == ["แผน.xlsx"]
    assert app.subheader[0].value == "เพิ่ม 1 แถว · แก้ไข 0 แถว · ไม่เปลี่ยน 26 แถว · ปัญหา 0 จุด"
    two_rows = seed_plan_sheet([NEW_ROW, [*NEW_ROW[:2], "อีกกิจกรรม", *NEW_ROW[3:]]])
    app.file_uploader[0].set_value(("แผน2.xlsx", two_rows, XLSX)).run()  # another file is previewed afresh
    assert calls == ["แผน.xlsx", "แผน2.xlsx"]
    assert app.subheader[0].value.startswith("เพิ่ม 2 แถว")


def _new_station(*, framework_to: tuple[int, ...] = ()) -> int:
    """A station added today with its own admin ``newsec``, and frameworks copied from 2567."""
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import make_engine, session_scope

    with session_scope(make_engine()) as session:
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
        services.create_user(session, CLI, "newsec", "pass-word-2567", "admin", station_id=station)
        for year in framework_to:
            services.copy_framework(session, CLI, 2567, year, "cli")
    return station


@pytest.fixture
def late_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import page's clock on 30 November 2026 (BE 2569), fiscal year 2570."""
    monkeypatch.setattr("ita_core.imports.read.today", lambda: date(2026, 11, 30))


def test_a_new_station_chooses_any_year_from_last_to_two_ahead(engine: Engine, late_2026: None) -> None:
    station = _new_station(framework_to=(2571,))
    app = run_page("import_plan", user="newsec")
    years = app.sidebar.selectbox(key="fiscal_year")
    assert years.options == ["2572", "2571", "2570", "2569", "2567"]  # 2570 ± and 2567 in use
    assert years.value is None and years.placeholder == "เลือกปีงบประมาณ"
    assert [i.value for i in app.info] == [
        r"สภ\.ทดสอบใหม่ ยังไม่มีแผนในระบบ: เลือกปีงบประมาณของแผนที่จะนำเข้าในช่อง «ปีงบประมาณ (พ.ศ.)» ที่แถบด้านข้าง"]
    assert not app.file_uploader
    years.set_value(2572).run()  # no framework yet: said before any upload
    assert app.header[0].value == r"สภ\.ทดสอบใหม่ · ปีงบประมาณ 2572"  # Markdown body: the name escaped
    assert [e.value for e in app.error] == [
        "ปีงบประมาณ 2572 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — สร้างก่อนด้วยคำสั่ง "
        "`ita framework copy --from 2571 --to 2572` หรือคัดลอก/นำเข้าเกณฑ์ที่หน้า «เกณฑ์การประเมินรายปี» "
        "แล้วกลับมานำเข้าแผน"]
    assert not app.file_uploader
    app.sidebar.selectbox(key="fiscal_year").set_value(2571).run()
    plan_2571 = seed_plan_sheet(edit=lambda _, row: row.__setitem__(5, shift_be_years_in_text(row[5], 4)))
    app.file_uploader[0].set_value(("แผน.xlsx", plan_2571, XLSX))
    app.run()
    assert app.subheader[0].value.startswith("เพิ่ม 26 แถว")
    commit = app.button(key="commit_import")
    assert commit.label == r"บันทึกการนำเข้า 26 แถว เข้าแผนของสภ\.ทดสอบใหม่ ปีงบประมาณ 2571"
    commit.click().run()
    assert not app.exception
    with Session(engine) as session:
        added = session.exec(select(Activity).where(Activity.station_id == station)).all()
        assert {a.fiscal_year for a in added} == {2571} and len(added) == 26
        items = session.exec(select(OitItem).where(OitItem.station_id == station)).all()
        assert sorted(i.number for i in items) == list(range(1, 26))
        assert {i.fiscal_year for i in items} == {2571}
        assert session.get(FiscalYear, 2571).start == date(2027, 10, 1)
    # the next page and the first download are the imported plan's
    assert (app.session_state["kept_station"], app.session_state["kept_fiscal_year"]) == (station, 2571)
    assert app.sidebar.selectbox(key="fiscal_year").value == 2571
    assert app.header[0].value == r"สภ\.ทดสอบใหม่ · ปีงบประมาณ 2571"


def test_the_year_follows_the_station(engine: Engine, late_2026: None) -> None:
    station = _new_station()
    make_user("secretary", "admin")  # every station
    app = run_page("import_plan", user="secretary")
    assert app.sidebar.selectbox(key="fiscal_year").value == 2567
    app.sidebar.selectbox(key="station").set_value(station).run()
    assert app.sidebar.selectbox(key="fiscal_year").value is None  # not the other station's 2567
    assert not app.file_uploader
    app.sidebar.selectbox(key="station").set_value(1).run()
    assert app.sidebar.selectbox(key="fiscal_year").value == 2567
    assert app.header[0].value == "สถานีตำรวจภูธรเชียงใหม่ · ปีงบประมาณ 2567"


def test_new_names_start_selected_and_rows_without_owner_are_listed(engine: Engine) -> None:
    _new_station()
    app = run_page("import_plan", user="newsec")
    app.sidebar.selectbox(key="fiscal_year").set_value(2567).run()
    app.file_uploader[0].set_value(("แผน.xlsx", seed_plan_sheet(), XLSX))
    app.run()
    names = app.multiselect(key="approve_0")
    assert names.value == ["ศุภิสรา ดวงทิพย์", "ภัทรพงษ์ พลัง", "ทวิศักดิ์ อินไชย", "นงนภัส มั่งมูล", "พิสันต์ ไชยมงคล",
                           "อนุทิน พุดดี", "ประเสริฐ วงศ์กันทิยะ", "ชัชวาล แสง", "ภัทรพงษ์ พลังช้างสาร",
                           "ปุณยนุช บุญทะวงค์"]  # all ten, as the file names them
    assert names.options[:2] == ["ด.ต.หญิงศุภิสรา ดวงทิพย์", "ส.ต.ท.ภัทรพงษ์ พลัง"]
    assert names.placeholder == "เลือกชื่อที่จะเพิ่มเป็นบุคลากรใหม่"
    assert [w.value.split(" (")[0] for w in app.warning if "ผู้รับผิดชอบหลัง" in w.value] == [
        "9 แถวจะไม่มีผู้รับผิดชอบหลังนำเข้า"]
    assert list(app.dataframe[-1].value["แถว"]) == [3, 4, 8, 9, 24, 25, 26, 27, 28]  # positions only
    names.unselect("อนุทิน พุดดี").run()  # the only name of rows 11, 15 and 18
    assert list(app.dataframe[-1].value["แถว"]) == [3, 4, 8, 9, 11, 15, 18, 24, 25, 26, 27, 28]
    assert list(app.dataframe[-1].value.iloc[0]) == [
        "แผนยกระดับ", 3, "ก(ใหม่)", "การจัดให้มีผู้ทำหน้าที่ประชาสัมพันธ์บนสถานีตำรวจเพื่อให้คำแนะนำขั้นตอนการติดต่อง"]
    app.button(key="commit_import").click().run()
    assert [t.value for t in app.toast] == [
        "นำเข้าแล้ว: เพิ่ม 26 แก้ไข 0 แถว บุคลากรใหม่ 9 คน รายการ OIT ตามเกณฑ์ 25 รายการ · 12 แถวยังไม่มีผู้รับผิดชอบ"]


def test_a_far_due_date_is_refused_until_the_admin_ticks_that_it_is_intended(engine: Engine) -> None:
    far = _plan([*GOOD_ROW[:5], date(2099, 3, 30), *GOOD_ROW[6:]])
    make_user("secretary", "admin")
    app = run_page("import_plan", user="secretary")
    app.file_uploader[0].set_value(("แผน.xlsx", far, XLSX))
    app.run()
    refusal = ("แผ่นงาน «แผน» แถว 3 คอลัมน์ F (ระยะเวลาแล้วเสร็จ): กำหนดเสร็จ 30 มี.ค. 2642 อยู่นอกช่วงที่นำเข้าได้ "
               "1 ต.ค. 2565 – 30 ก.ย. 2568 (ปีงบประมาณ 2567 ± 1 ปี)")
    assert [e.value.split(": แก้วันที่")[0] for e in app.error] == [refusal]
    assert app.button(key="commit_import").disabled
    assert app.checkbox(key="dates_intended_0").label == "วันที่นอกปีงบประมาณเป็นความตั้งใจ"
    app.checkbox(key="dates_intended_0").check().run()
    assert not app.error
    assert f"{refusal}: นำเข้าตามวันที่ในไฟล์ เพราะเลือก «วันที่นอกปีงบประมาณเป็นความตั้งใจ» ไว้" in [
        w.value for w in app.warning]
    assert app.subheader[0].value == "เพิ่ม 1 แถว · แก้ไข 0 แถว · ไม่เปลี่ยน 0 แถว · ปัญหา 0 จุด"
    app.button(key="commit_import").click().run()
    assert not app.exception
    assert [t.value for t in app.toast] == ["นำเข้าแล้ว: เพิ่ม 1 แก้ไข 0 แถว บุคลากรใหม่ 0 คน"]
    with Session(engine) as session:
        row = session.exec(select(Activity).where(Activity.due_date == date(2099, 3, 30))).one()
        trail = select(AuditLog.actor, AuditLog.source).where(AuditLog.table_name == "activity",
                                                              AuditLog.row_id == row.id)
        assert set(session.exec(trail)) == {("secretary", "import-dates-outside-year")}
