"""The import page under AppTest: admins only, preview with errors in Thai, commit with approved names."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.models import Activity, AuditLog, FiscalYear, OitItem, Person
from ita_core.thai_dates import fiscal_year_of
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


def test_a_new_station_brings_its_first_plan_for_a_year_it_chooses(engine: Engine) -> None:
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import make_engine, session_scope

    this_year = fiscal_year_of(date.today())
    with session_scope(make_engine()) as session:
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
        services.create_user(session, CLI, "newsec", "pass-word-2567", "admin", station_id=station)
        services.copy_framework(session, CLI, 2567, this_year + 1, "cli")
    app = run_page("import_plan", user="newsec")
    years = app.sidebar.selectbox(key="fiscal_year")
    assert years.options[:2] == [str(this_year + 1), str(this_year)] and "2567" in years.options
    years.set_value(this_year + 1).run()
    app.file_uploader[0].set_value(("แผน.xlsx", seed_plan_sheet(), XLSX))
    app.run()
    assert app.subheader[0].value.startswith("เพิ่ม 26 แถว")
    app.button(key="commit_import").click().run()
    assert not app.exception
    with Session(engine) as session:
        added = session.exec(select(Activity).where(Activity.station_id == station)).all()
        assert {a.fiscal_year for a in added} == {this_year + 1} and len(added) == 26
        items = session.exec(select(OitItem).where(OitItem.station_id == station)).all()
        assert sorted(i.number for i in items) == list(range(1, 26))
        assert {i.fiscal_year for i in items} == {this_year + 1}
        assert session.get(FiscalYear, this_year + 1).start == date(this_year - 543, 10, 1)
