"""Page tests: the real dashboard script under Streamlit's AppTest, on fresh databases."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ita_core.db import make_engine
from ita_core.models import Activity, Person
from tests.date_support import pick_be_date

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
AS_OF = date(2024, 3, 16)
ADMIN_TAB = "admin_tab"  # the admin page's open section (pages/admin.py draws only that tab)


@pytest.fixture
def empty_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'fresh' / 'ita.db'}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    return url


def run_page(page: str | None = None, as_of: date | None = AS_OF, user: str | None = None,
             tab: str | None = None) -> AppTest:
    """Run the app (optionally switched to ``pages/<page>.py``) at a fixed as-of date, logged in
    as ``user`` first when given (the admin pages exist in the navigation only for admins), with
    the admin page's section ``tab`` open (it draws only the open one)."""
    app = AppTest.from_file(APP, default_timeout=60)
    if as_of:
        app.session_state["as_of_2567"] = as_of
    if user:
        login(app.run(), user)
    if tab:
        app.session_state[ADMIN_TAB] = tab
    if page:
        app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not unexpected_errors(app), "see the captured log for the traceback"
    return app


def unexpected_errors(app: AppTest) -> list[str]:
    """The Thai "unexpected error" messages dashboard.py shows instead of a traceback."""
    from ita_ui.errors import UNEXPECTED

    return [e.value for e in app.error if e.value.startswith(UNEXPECTED.split("{")[0])]


def test_home_creates_and_fills_a_fresh_database(empty_db_url: str) -> None:
    app = run_page(as_of=None)
    assert "สถานีตำรวจภูธรเชียงใหม่" in app.subheader[0].value
    assert "2567" in app.subheader[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["ข้อมูล OIT"] == "25"
    assert metrics["มาตรการ/กิจกรรม"] == "26"
    per_indicator = app.dataframe[0].value.set_index("ข้อ")
    assert list(per_indicator["กิจกรรม"]) == [7, 1, 1, 2, 2, 5, 5, 1, 1, 1]
    assert list(per_indicator["ข้อมูล OIT"]) == [0] * 8 + [17, 8]
    assert not app.warning  # no demo banner on real seed data


def test_overview_kpis_and_drill_down(demo_engine: Engine) -> None:
    app = run_page("overview")
    values = [m.value for m in app.metric]
    assert values == ["39", "7", "5", "46"]
    assert "16 มี.ค. 2567" in app.caption[0].value
    app.selectbox(key="drill").set_value(9).run()
    table = app.dataframe[0].value
    assert len(table) == 18
    assert set(table["รหัส"]) == {f"O{n}" for n in range(1, 18)} | {"ก25"}


def test_overview_lights_change_with_the_as_of_date(engine: Engine) -> None:
    early = run_page("overview", as_of=date(2023, 10, 2))
    assert [m.value for m in early.metric][:3] == ["0", "0", "0"]
    late = run_page("overview", as_of=date(2024, 9, 30))
    # 41 overdue; the 10 rows reported at every month end are due today (30 Sep), so at risk
    assert [m.value for m in late.metric][1:3] == ["10", "41"]


def person_id(name: str) -> int:
    with Session(make_engine()) as session:
        return session.exec(select(Person.id).where(Person.name == name)).one()


def test_workload_lists_the_most_loaded_first(engine: Engine) -> None:
    app = run_page("workload")
    table = app.dataframe[0].value
    assert table.iloc[0]["ชื่อ"] == "ภัทรพงษ์ พลังช้างสาร"
    assert table.iloc[0]["ค้าง"] == 32 and bool(table.iloc[0]["งานล้นมือ"])
    app.selectbox(key="person").set_value(person_id("พินิจ อินตา")).run()
    assert len(app.dataframe[1].value) == 21


def test_timeline_shows_the_chart_and_month_list(engine: Engine) -> None:
    app = run_page("timeline")
    assert len(app.get("plotly_chart")) == 1
    months = [e.label for e in app.expander]
    assert months[0].startswith("ต.ค. 66")
    assert [e.markdown for e in app.expander] == [[]] * len(months)  # a closed month draws only its heading
    app.session_state["month_ต.ค. 66"] = True  # as tapping it does
    app.run()
    october = app.expander[0]
    lines = october.markdown[0].value.split("\n\n")
    assert len(lines) == int(october.label.split("·")[1].split()[0])
    assert lines[0].startswith("🔷 **")  # the calendar's first phase opens the year
    app.toggle(key="reports").set_value(True).run()
    assert sum(int(e.label.split("·")[1].split()[0]) for e in app.expander) == 9 + 38 + 657
    assert len(app.expander[0].markdown[0].value.split("\n\n")) > len(lines)  # still open, with the reports


def make_user(username: str, role: str, person: str | None = None) -> None:
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import session_scope

    with session_scope(make_engine()) as session:
        services.create_user(session, CLI, username, "pass-word-2567", role,
                             person_id=person_id(person) if person else None)


def login(app: AppTest, username: str, password: str = "pass-word-2567") -> AppTest:
    app.sidebar.text_input(key="login_user").input(username)
    app.sidebar.text_input(key="login_password").input(password)
    return app.sidebar.button[0].click().run()


def test_first_admin_setup_is_offered_once(engine: Engine) -> None:
    app = run_page(as_of=None)
    app.text_input(key="setup_user").input("admin")
    app.text_input(key="setup_password").input("pass-word-2567")
    app.text_input(key="setup_again").input("pass-word-2567")
    app.button(key="FormSubmitter:first_admin-สร้างผู้ดูแลระบบ").click().run()
    assert not app.exception
    from ita_core.models import User

    with Session(make_engine()) as session:
        assert session.exec(select(User.username, User.role)).all() == [("admin", "admin")]
    again = run_page(as_of=None)
    assert not [e for e in again.markdown if "ผู้ดูแลระบบคนแรก" in e.value]  # offered once only


def test_wrong_password_shows_a_thai_error(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = login(run_page("my_items"), "somchai", "wrong-password")
    assert [e.value for e in app.sidebar.error] == ["ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"]


def open_row(app: AppTest, kind: str, row_id: int) -> AppTest:
    """Open one row of งานของฉัน as a tap on its heading does: only the open row draws its form."""
    app.session_state[f"row_{kind}_{row_id}"] = True
    return app.run()


def oit_id(code: str) -> int:
    from ita_core.models import OitItem

    with Session(make_engine()) as session:
        return session.exec(select(OitItem.id).where(OitItem.code == code)).one()


def test_officer_logs_in_and_saves_an_oit_item(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = run_page("my_items", user="somchai")
    assert not app.exception
    assert any("somchai" in m.value for m in app.sidebar.markdown)
    headings = [e.label for e in app.main.expander]  # the sidebar holds the change-password expander
    assert len(headings) == 32 and any(" O1 " in h for h in headings)
    assert [link.label for link in app.get("page_link")] == [
        "การเผยแพร่รายเดือนของข้อมูล OIT: บันทึกที่ ตารางเผยแพร่ OIT → 📱 ต้องทำ"]
    assert not app.main.text_input and not app.main.text_area  # closed rows draw no form
    o1 = next(i for i, h in enumerate(headings) if " O1 " in h)
    open_row(app, "oit_item", oit_id("O1"))
    form = app.main.expander[o1]
    assert len(form.text_area) == 1 and len(app.main.text_area) == 1  # the open row's form only
    form.selectbox[0].set_value("done")
    form.text_input[0].input("https://chiangmai.police.go.th/oit/o1")
    form.button[0].click()
    app.run()
    assert not app.exception and not app.error
    from ita_core.models import OitItem

    with Session(make_engine()) as session:
        item = session.exec(select(OitItem).where(OitItem.code == "O1")).one()
    assert (item.status, item.evidence_url, item.version, item.updated_by) == (
        "done", "https://chiangmai.police.go.th/oit/o1", 2, "somchai")
    assert len(app.main.expander) == 31  # done rows leave the "open only" list


def test_a_saved_row_stays_open_under_its_new_heading(engine: Engine) -> None:
    """A save changes the row's light, so its heading: the row stays open, its form ready for the
    next step, and closing it is the user's choice."""
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = run_page("my_items", user="somchai")
    app.toggle(key="open_only").set_value(False)  # done rows stay in the list
    app = open_row(app, "oit_item", oit_id("O1"))
    before = next(e.label for e in app.main.expander if " O1 " in e.label)
    key = f"oit_item_{oit_id('O1')}"
    app.selectbox(key=f"status_{key}_r0").set_value("done")
    app.text_input(key=f"url_{key}_r0").input("https://chiangmai.police.go.th/oit/o1")
    app.button(key=f"FormSubmitter:form_{key}-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    after = next(e.label for e in app.main.expander if " O1 " in e.label)
    assert (before.split(" · ")[0], after.split(" · ")[0]) == ("🔴 เลยกำหนด", "✅ เสร็จแล้ว")
    assert app.selectbox(key=f"status_{key}_r1").value == "done"  # still open, in the form's next round
    assert len(app.main.text_area) == 1
    app.session_state[f"row_{key}"] = False  # the user closes it
    app.run()
    assert not app.main.text_area  # closed: its form is gone


def test_viewer_cannot_reach_the_forms(engine: Engine) -> None:
    app = run_page("my_items")
    assert not app.expander
    assert "เข้าสู่ระบบ" in app.info[0].value


def test_admin_edits_an_activity_and_the_audit_page_shows_it(engine: Engine) -> None:
    make_user("admin", "admin")
    app = run_page("admin", user="admin")
    app.selectbox(key="edit_activity").set_value(_activity_id(2)).run()
    form_areas = [t for t in app.text_area if t.key and t.key.startswith("output_activity_")]
    form_areas[0].input("ติดป้ายพันธะสัญญา 2 จุด")
    app.button(key="FormSubmitter:form_activity_" + str(_activity_id(2)) + "-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    audit_page = run_page("audit", user="admin")
    assert len(audit_page.dataframe[0].value) == 4  # creating the admin (3 fields set) and the edit
    audit_page.selectbox(key="audit_table").set_value("activity").run()
    table = audit_page.dataframe[0].value
    assert list(table["ช่อง"]) == ["output"]
    assert list(table["ค่าใหม่"]) == ["ติดป้ายพันธะสัญญา 2 จุด"]
    assert list(table["ผู้แก้ไข"]) == ["admin"]


def test_admin_pages_refuse_officers(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    for page in ("admin", "audit"):
        app = login(run_page(page), "somchai")
        assert "ผู้ดูแลระบบ" in app.info[0].value
        assert not app.dataframe


def _activity_id(seq: int) -> int:
    from ita_core.models import Activity

    with Session(make_engine()) as session:
        return session.exec(select(Activity.id).where(Activity.seq == seq)).one()


def test_province_page_lists_every_station_and_drills_down(engine: Engine) -> None:
    from bench.generate import copy_stations

    copy_stations(engine, 3)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["province_as_of_2567"] = AS_OF
    app.switch_page("pages/province.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert [m.value for m in app.metric][:2] == ["3", "3"]  # 3 stations, all with something overdue
    assert len(app.dataframe[0].value) == 3
    assert len(app.get("plotly_chart")) == 1
    app.selectbox(key="drill_station").set_value(2).run()
    app.button(key="open_station").click().run()
    assert not app.exception
    assert app.session_state["station"] == 2
    assert app.title[0].value == "ภาพรวมตัวชี้วัด ITA"
    assert "สถานีทดสอบ 2" in app.caption[0].value


def test_private_install_shows_each_user_only_their_station(engine: Engine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.generate import copy_stations
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import session_scope

    copy_stations(engine, 2)
    with session_scope(engine) as session:
        services.create_user(session, CLI, "viewer2", "pass-word-2567", "viewer", station_id=2)
    monkeypatch.setenv("ITA_PUBLIC_READ", "off")
    anonymous = run_page("overview")
    assert not anonymous.metric and "เข้าสู่ระบบ" in anonymous.info[0].value
    app = login(run_page("overview"), "viewer2")
    assert not app.exception
    assert app.sidebar.selectbox(key="station").options == ["สถานีทดสอบ 2"]
    assert [m.value for m in app.metric][:3] == ["0", "32", "19"]


def test_admin_adds_an_officer_of_the_current_station(engine: Engine) -> None:
    from ita_core.models import User

    make_user("admin", "admin")
    app = run_page("admin", user="admin", tab="ผู้ใช้")
    app.text_input(key="new_username_0").input("somsri")
    app.text_input(key="new_password_0").input("pass-word-2567")
    app.selectbox(key="new_role_0").set_value("officer")
    app.selectbox(key="new_user_person_0").set_value(person_id("อนุทิน พุดดี"))
    app.button(key="FormSubmitter:new_user_0-เพิ่มผู้ใช้").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        user = session.exec(select(User).where(User.username == "somsri")).one()
    assert (user.role, user.station_id, user.person_id) == ("officer", 1, person_id("อนุทิน พุดดี"))
    assert "pass-word" not in user.password_hash


def test_a_station_without_a_plan_gets_a_notice_on_every_page(engine: Engine) -> None:
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import session_scope

    with session_scope(make_engine()) as session:
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
        services.create_user(session, CLI, "newcomer", "pass-word-2567", "admin", station_id=station)
    for page in ("overview", "workload", "timeline", "my_items", "admin"):
        app = login(run_page(page), "newcomer")
        assert [w.value for w in app.warning] == ["ยังไม่มีแผนในฐานข้อมูล ให้ผู้ดูแลรัน `ita init` หรือนำเข้าแผน"]
        assert not app.dataframe and not app.metric


def test_admin_adds_a_recurring_report_to_an_activity(engine: Engine,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    from ita_core.models import RecurringDuty

    make_user("admin", "admin")
    app = run_page("admin", user="admin")
    row = _activity_id(2)
    app.selectbox(key="edit_activity").set_value(row).run()
    app.selectbox(key=f"new_duty_activity_id_{row}_kind_0").set_value("every_n_days")
    app.number_input(key=f"new_duty_activity_id_{row}_interval_days_0").set_value(0)
    app.text_input(key=f"new_duty_activity_id_{row}_text_0").input("ตรวจทุก ๒ สัปดาห์")
    app.button(key=f"FormSubmitter:new_duty_activity_id_{row}_0-เพิ่มรอบ").click().run()
    assert [e.value for e in app.error] == ["ทุกกี่วันต้องเป็นจำนวนเต็ม 1–366 (ได้รับ 0)"]
    assert "write by admin refused, invalid input: ทุกกี่วันต้องเป็นจำนวนเต็ม 1–366 (ได้รับ 0)" in caplog.messages
    # refused: what was typed is still there, only the wrong number needs fixing
    assert app.selectbox(key=f"new_duty_activity_id_{row}_kind_0").value == "every_n_days"
    assert app.text_input(key=f"new_duty_activity_id_{row}_text_0").value == "ตรวจทุก ๒ สัปดาห์"
    app.number_input(key=f"new_duty_activity_id_{row}_interval_days_0").set_value(14)
    pick_be_date(app, f"new_duty_activity_id_{row}_start_0", date(2023, 11, 1))
    app.button(key=f"FormSubmitter:new_duty_activity_id_{row}_0-เพิ่มรอบ").click().run()
    assert not app.exception and not app.error
    assert app.text_input(key=f"new_duty_activity_id_{row}_text_1").value == ""  # saved: starts empty
    with Session(make_engine()) as session:
        duty = session.exec(select(RecurringDuty).where(RecurringDuty.activity_id == row)).one()
    assert (duty.kind, duty.interval_days, duty.start, duty.text) == (
        "every_n_days", 14, date(2023, 11, 1), "ตรวจทุก ๒ สัปดาห์")
    assert "🔁 ทุก 14 วัน · 1 พ.ย. 2566 – สิ้นปีงบประมาณ · ตรวจทุก ๒ สัปดาห์" in [e.label for e in app.expander]


def test_admin_replaces_the_assumed_iit_quota(engine: Engine) -> None:
    """The seed states no IIT minimum: its placeholder quota says so until an admin sets the number
    and the note."""
    from ita_core.models import SurveyQuota

    with Session(make_engine()) as session:
        iit = session.exec(select(SurveyQuota).where(SurveyQuota.tool == "IIT")).one()
    make_user("admin", "admin")
    app = run_page("quotas", user="admin")
    assert any(i.value.startswith("แผนไม่ได้ระบุจำนวนผู้ตอบ IIT") and "1 คนเป็นค่าสมมุติ" in i.value for i in app.info)
    app.selectbox(key="edit_quota").set_value(iit.id).run()
    app.number_input(key=f"min_respondents_quota_{iit.id}_r0").set_value(150)
    app.text_input(key=f"note_quota_{iit.id}_r0").input("ตามระบบ ITAS")
    app.button(key=f"FormSubmitter:form_quota_{iit.id}-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    assert not any(i.value.startswith("แผนไม่ได้ระบุจำนวนผู้ตอบ IIT") for i in app.info)
    assert any("**รวมทั้งสถานี** · ขั้นต่ำ 150 คน" in m.value for m in app.markdown)


def test_only_a_central_admin_may_download_the_whole_backup(engine: Engine) -> None:
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import session_scope

    make_user("admin", "admin")
    with session_scope(make_engine()) as session:
        services.create_user(session, CLI, "station_admin", "pass-word-2567", "admin", station_id=1)
    central = run_page("admin", user="admin", tab="สำรองข้อมูล")
    assert "backup_zip" in {b.key for b in central.get("download_button")}
    local = run_page("admin", user="station_admin", tab="สำรองข้อมูล")
    assert "backup_zip" not in {b.key for b in local.get("download_button")}
    assert any("เฉพาะผู้ดูแลระบบส่วนกลาง" in i.value for i in local.info)


def _delete_that_meets_a_conflict() -> None:
    from ita_core.services import ConflictError
    from ita_ui.writes import write

    def action(writer) -> None:
        raise ConflictError("activity", 1, 3, {"deleted_at": None}, {})

    write(action, "ลบแล้ว", deleting=True)


def test_a_delete_that_meets_a_conflict_is_not_done_and_says_so(engine: Engine) -> None:
    app = AppTest.from_function(_delete_that_meets_a_conflict, default_timeout=30).run()
    assert not app.exception
    assert [w.value for w in app.warning] == ["มีผู้อื่นแก้ไขรายการนี้ระหว่างนั้น จึงยังไม่ลบ — ตรวจสอบค่าล่าสุดแล้วกดลบอีกครั้ง"]


def test_admin_previews_and_starts_a_later_years_plan(engine: Engine) -> None:
    """The year tab offers the next year and every later year with a framework; without a framework
    it shows the command instead of the button; with one it lists kept, renamed, dropped and new
    items (a 2570 framework with O5 renamed, O12 dropped and O26 added) before the confirm."""
    from ita_core.models import OitItem
    from tests.test_services_rollover import NEW_O5, O26, _framework_2570_with_two_items_changed

    make_user("admin", "admin")
    app = run_page("admin", user="admin", tab="ปีงบประมาณใหม่")
    assert app.selectbox(key="rollover_target").options == ["2568"]
    assert [w.value for w in app.warning] == [
        "ปีงบประมาณ 2568 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2568`"]
    assert "rollover_confirm" not in [b.key for b in app.button]
    _framework_2570_with_two_items_changed(make_engine())  # also copies 2567's framework to 2570
    with Session(make_engine()) as session:
        old = {i.code: i.title for i in session.exec(select(OitItem).where(OitItem.fiscal_year == 2567))}
    app.run()
    assert app.selectbox(key="rollover_target").options == ["2568", "2570"]
    app.selectbox(key="rollover_target").set_value(2570).run()
    assert not app.error and not app.warning
    kept, renamed, dropped, new = [t.value for t in app.text][-4:]
    assert kept.splitlines()[:2] == [f"O1 {old['O1']}", f"O2 {old['O2']}"]
    assert [line.split()[0] for line in kept.splitlines()] == [f"O{n}" for n in range(1, 26)
                                                               if n not in (5, 12)]
    assert (renamed, dropped, new) == (f"O5 {old['O5']} → {NEW_O5}", f"O12 {old['O12']}", f"O26 {O26}")
    assert [m.value for m in app.markdown if m.value.startswith("**")] == [
        "**คงเดิม** · 23 รายการ", "**เปลี่ยนชื่อ** · 1 รายการ", "**ตัดออก (ความคืบหน้ายังอยู่ในปี 2567)** · 1 รายการ",
        "**เพิ่มใหม่ (ยังไม่มอบหมาย)** · 1 รายการ"]
    app.button(key="rollover_confirm").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        assert len(session.exec(select(Activity).where(Activity.fiscal_year == 2570)).all()) == 26
        codes = {i.code for i in session.exec(select(OitItem).where(OitItem.fiscal_year == 2570))}
    assert len(codes) == 25 and "O26" in codes and "O12" not in codes
    assert app.sidebar.selectbox(key="fiscal_year").options == ["2570", "2567"]
    assert [w.value for w in app.warning] == ["ปีงบประมาณ 2570 มีแผนอยู่แล้ว"]  # the preview now says so
    app.button(key="rollover_confirm").click().run()  # without ticking overwrite
    assert [e.value for e in app.error] == [
        "ปีงบประมาณ 2570 มีแผนอยู่แล้ว — ต้องสั่งเขียนทับ (overwrite) ถ้าต้องการแทนที่"]


def test_the_audit_page_lists_failed_logins_by_channel(engine: Engine) -> None:
    make_user("admin", "admin")
    login(run_page(), "admin", "wrong-password")
    app = run_page("audit", user="admin")
    app.selectbox(key="audit_source").set_value("login").run()
    table = app.dataframe[0].value
    assert list(table["ช่อง"]) == ["failed_logins"] and list(table["ค่าใหม่"]) == ["1"]
    assert app.selectbox(key="audit_source").format_func("login") == "การเข้าสู่ระบบ"


def test_a_new_station_without_a_plan_is_not_what_the_app_opens_on(engine: Engine,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import session_scope
    from ita_ui.notices import NO_PLAN

    with session_scope(engine) as session:  # "LPN01" sorts before "chiangmai"
        services.create_station(session, CLI, "LPN01", "สถานีตำรวจภูธรเมืองลำพูน", "ลำพูน")
    app = run_page(as_of=None)
    assert app.session_state["station"] == 1
    assert app.subheader[0].value == "สถานีตำรวจภูธรเชียงใหม่ · ปีงบประมาณ 2567"
    assert NO_PLAN not in [w.value for w in app.warning]
    monkeypatch.setenv("ITA_DEFAULT_STATION", "LPN01")
    chosen = run_page(as_of=None)
    assert chosen.session_state["station"] == 2
    assert NO_PLAN in [w.value for w in chosen.warning]
    monkeypatch.setenv("ITA_DEFAULT_STATION", "LPN1")
    typo = run_page(as_of=None)
    assert [e.value for e in typo.error] == [
        "ITA_DEFAULT_STATION: ไม่พบสถานีรหัส 'LPN1' (มี: LPN01, chiangmai) / unknown station code"]
    assert not typo.subheader


def test_a_group_with_nothing_to_rate_is_grey_in_words_wherever_a_light_is_shown(engine: Engine) -> None:
    from sqlalchemy import update

    from ita_core.db import session_scope
    from ita_core.models import Activity, OitItem

    with session_scope(engine) as session:
        session.execute(update(Activity).values(status="not_applicable"))
        session.execute(update(OitItem).values(status="not_applicable"))
    overview = run_page("overview")
    # each indicator's box is one Markdown element: heading, name and light, then its sub-indicators
    paragraphs = [m.value.split("\n\n") for m in overview.markdown if m.value.startswith("### ")]
    assert [box[0] for box in paragraphs] == [f"### ⚪ {n}" for n in range(1, 11)]
    boxes = [box[1] for box in paragraphs]
    assert len(boxes) == 10 and all(b.endswith("  \nไม่มีรายการให้ประเมิน") for b in boxes)
    assert all(b.startswith("**") for b in boxes)  # no counts line: grey already says nothing to rate
    subs = [line for box in paragraphs for line in box[2:] if line.startswith(("⚪ 9.", "⚪ 10."))]
    codes = ("9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2")
    assert subs == [f"⚪ {code} ไม่มีรายการให้ประเมิน" for code in codes]
    meeting = run_page("meeting")
    tools = ("IIT", "EIT", "OIT")
    assert [m.label for m in meeting.metric] == [f"{tool} · ⚪ ไม่มีรายการให้ประเมิน" for tool in tools]
    province = AppTest.from_file(APP, default_timeout=60)
    province.session_state["province_as_of_2567"] = AS_OF
    province.switch_page("pages/province.py").run()
    assert list(province.dataframe[0].value["light"]) == ["⚪ ไม่มีรายการให้ประเมิน"]


def test_admin_adds_an_activity_and_a_group_through_the_new_row_forms(engine: Engine) -> None:
    make_user("admin", "admin")
    app = run_page("admin", user="admin")
    app.selectbox(key="new_activity_indicator_0").set_value(3)
    app.text_area(key="new_activity_activity_0").input("ประชุมชี้แจงแนวทาง ITA ประจำเดือน")
    app.button(key="FormSubmitter:new_activity_0-เพิ่ม").click().run()
    assert not app.exception and not app.error
    app.session_state[ADMIN_TAB] = "บุคคล"
    app.run()
    app.selectbox(key="new_person_kind_0").set_value("group")
    app.text_input(key="new_person_name_0").input("ชุดปฏิบัติการ ITA")
    app.button(key="FormSubmitter:new_person_0-เพิ่ม").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        text = "ประชุมชี้แจงแนวทาง ITA ประจำเดือน"
        added = session.exec(select(Activity).where(Activity.activity == text)).one()
        group = session.exec(select(Person).where(Person.name == "ชุดปฏิบัติการ ITA")).one()
    assert (added.indicator, added.seq, added.station_id, added.fiscal_year) == (3, 27, 1, 2567)
    assert (group.kind, group.rank) == ("group", "")


def test_the_users_table_shows_who_each_login_is_in_the_plan(engine: Engine) -> None:
    """Issue 15: the users tab names each login's person and position, its role and reach in Thai
    and whether it is in use, closed or locked; a station admin sees only its station's logins."""
    from datetime import UTC, datetime, timedelta

    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import session_scope
    from ita_core.models import User

    with session_scope(make_engine()) as session:
        other = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
        services.create_user(session, CLI, "newsec", "pass-word-2567", "admin", station_id=other)
        services.create_user(session, CLI, "somchai", "pass-word-2567", "officer", station_id=1,
                             person_id=person_id("อนุทิน พุดดี"))
        services.create_user(session, CLI, "viewer", "pass-word-2567", "viewer", station_id=1)
        services.create_user(session, CLI, "secretary", "pass-word-2567", "admin", station_id=1,
                             person_id=person_id("ภัทรพงษ์ พลังช้างสาร"), can_edit_all=True)
        locked = session.exec(select(User).where(User.username == "somchai")).one()
        locked.locked_until = datetime.now(UTC) + timedelta(minutes=10)
        session.exec(select(User).where(User.username == "viewer")).one().active = False
    app = run_page("admin", user="secretary", tab="ผู้ใช้")
    table = next(
        d.value for d in app.dataframe if list(d.value.columns)[:2] == ["ชื่อผู้ใช้", "บุคคลในแผน"])
    assert list(table.columns) == ["ชื่อผู้ใช้", "บุคคลในแผน", "ตำแหน่ง", "บทบาท", "ขอบเขต", "สถานะ", "แก้ได้ทุกแถว",
                                   "อีเมล", "LINE user id"]
    rows = table.set_index("ชื่อผู้ใช้")
    assert list(rows.index) == ["secretary", "somchai", "viewer"]  # not newsec of the other station
    assert list(rows.loc["secretary"]) == ["ส.ต.ท.ภัทรพงษ์ พลังช้างสาร", "จนท.ลงเว็บไซต์ สภ. / ผู้ดูแลระบบ ITAP",
                                           "ผู้ดูแลระบบ", "สถานีตำรวจภูธรเชียงใหม่", "ใช้งาน", "ใช่", "", ""]
    assert list(rows.loc["somchai"])[:4] == ["ด.ต.อนุทิน พุดดี", "", "เจ้าหน้าที่", "สถานีตำรวจภูธรเชียงใหม่"]
    assert rows.loc["somchai", "สถานะ"].startswith("ล็อกชั่วคราวถึง ")
    assert list(rows.loc["viewer"]) == ["", "", "ผู้ชม", "สถานีตำรวจภูธรเชียงใหม่", "ปิดใช้งาน", "", "", ""]


def test_score_what_if_shows_a_dash_for_the_running_total_before_iit_and_eit(engine: Engine) -> None:
    app = run_page("score")
    assert not app.exception
    what_if = next(d.value for d in app.dataframe if "คะแนนรวมสะสม" in d.value.columns)
    assert len(what_if) == 10 and set(what_if["คะแนนรวมสะสม"]) == {"—"}  # never "None"
    assert "คะแนนรวมสะสม (—) คำนวณได้เมื่อบันทึกคะแนน IIT และ EIT แล้ว" in [c.value for c in app.caption]


def test_opening_the_database_freezes_the_startup_objects_once(engine: Engine) -> None:
    import gc

    from ita_ui.process import freeze_startup_objects

    gc.unfreeze()
    freeze_startup_objects.clear()
    assert gc.get_freeze_count() == 0
    app = run_page("home")  # this test's new database: its engine is made during the run
    frozen = gc.get_freeze_count()
    assert frozen > 50_000  # the imported libraries' objects, out of every later collection
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert gc.get_freeze_count() <= frozen  # once per process: nothing frozen again (some freed)
