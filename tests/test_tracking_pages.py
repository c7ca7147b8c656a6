"""Page tests of the OIT publication matrix, the survey quotas and the score projection."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import services
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.models import OitComponent, OitItem, Publication, Station, SurveyQuota
from tests.date_support import pick_be_date
from tests.test_framework_page import open_2570_plan
from tests.test_pages import login, make_user, open_row, run_page
from tests.test_score import ADMIN, enter_scores, use_letters


def item_id(code: str) -> int:
    with Session(make_engine()) as session:
        return session.exec(select(OitItem.id).where(OitItem.code == code)).one()


def test_matrix_page_shows_states_and_an_officer_ticks_a_cell(engine: Engine) -> None:
    app = run_page("oit_matrix")
    assert [(m.label, m.value) for m in app.metric] == [  # the station's to-do list: 71 late, 14 in 30 days
        ("🔴 เลยกำหนด", "71"), ("⏳ ครบกำหนดใน 30 วัน", "14"), ("✅ เผยแพร่แล้ว", "0")]
    assert "ทั้งสถานีทั้งปี: ✅ เผยแพร่แล้ว 0 · ⏳ รอเผยแพร่ 86 · 🔴 เลยกำหนด 71" in [c.value for c in app.caption]
    tables = [m.value for m in app.markdown if m.value.startswith("| ข้อ |")]
    assert len(tables) == 7  # sub-indicators 9.1–9.5, 10.1, 10.2
    assert "| **O7** |" in tables[1] and "🔴 เลยกำหนด 31 | 🔴 เลยกำหนด 30 |" in tables[1]
    assert app.info and "เข้าสู่ระบบ" in app.info[0].value  # viewers read only
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = login(app, "somchai")
    app.selectbox(key="matrix_item").set_value(item_id("O7")).run()
    assert app.selectbox(key=f"matrix_month_{item_id('O7')}").value == date(2023, 10, 1)
    form = app.text_input(key=f"url_pub_{item_id('O7')}_2023-10-01_r0")
    form.input("https://chiangmai.police.go.th/oit/o7-2566-10.pdf")
    app.button(key=f"FormSubmitter:form_pub_{item_id('O7')}_2023-10-01-💾 บันทึกการเผยแพร่").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        stored = session.exec(select(Publication)).one()
    assert (stored.month, stored.done, stored.updated_by) == (date(2023, 10, 1), True, "somchai")
    assert [m.value for m in app.metric] == ["70", "14", "1"]
    tables = [m.value for m in app.markdown if m.value.startswith("| ข้อ |")]
    assert "✅ [เผยแพร่แล้ว](https://chiangmai.police.go.th/oit/o7-2566-10.pdf)" in tables[1]
    month = app.selectbox(key=f"matrix_month_{item_id('O7')}")  # stays on the saved month, now ticked
    assert month.value == date(2023, 10, 1)
    assert month.format_func(month.value) == "ต.ค. 66 · กำหนด 31 ต.ค. 2566"
    assert "สถานะเดือนนี้: ✅ [เผยแพร่แล้ว](https://chiangmai.police.go.th/oit/o7-2566-10.pdf)" in [
        m.value for m in app.markdown]


def test_matrix_page_components_checklist_is_tickable(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = run_page("oit_matrix", user="somchai")
    with Session(make_engine()) as session:
        first = session.exec(select(OitComponent).where(OitComponent.item_id == item_id("O1"))
                             .order_by(OitComponent.seq)).first()
    app.checkbox(key=f"mtick_oit_component_{first.id}_r0").check()
    app.button(key=f"FormSubmitter:components_{item_id('O1')}-💾 บันทึกองค์ประกอบ").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        ticked = session.get(OitComponent, first.id)
    assert (ticked.done, ticked.version, ticked.updated_by) == (True, 2, "somchai")
    assert any("ทำแล้ว 1/5 องค์ประกอบ" in c.value for c in app.caption)


def quota_id(department: str) -> int:
    with Session(make_engine()) as session:
        return session.exec(select(SurveyQuota.id).where(SurveyQuota.department == department,
                                                         SurveyQuota.tool == "EIT")).one()


def test_quotas_page_shows_progress_conflicts_and_the_secretary_records_a_count(engine: Engine) -> None:
    app = run_page("quotas")
    quota_lines = [m.value for m in app.markdown if "· ขั้นต่ำ" in m.value]
    assert quota_lines[0] == "🟡 เสี่ยงล่าช้า · **รวมทั้งสถานี** · ขั้นต่ำ 300 คน"  # 0 of 300, plan 123
    assert "🟡 เสี่ยงล่าช้า · **ฝ่ายจราจร** · ขั้นต่ำ 60 คน" in quota_lines and len(quota_lines) == 7  # and IIT
    conflicts = [w.value for w in app.warning]
    assert len(conflicts) == 2 and "ค่าที่บันทึกไว้: **60 คน**" in conflicts[1]
    assert "ช่องผู้รับผิดชอบระบุไม่น้อยกว่า ๓๐ คน" in conflicts[1]
    infos = [i.value for i in app.info]
    assert any("ขั้นต่ำรายฝ่ายรวมกัน 220 คน แต่ยอดขั้นต่ำทั้งสถานีคือ 300 คน — อีก 80 คน" in i for i in infos)
    assert any(i.startswith("แผนไม่ได้ระบุจำนวนผู้ตอบ IIT") for i in infos)
    assert any("เข้าสู่ระบบเพื่อบันทึกจำนวนผู้ตอบ" in i for i in infos)
    assert any("เหลือ 108 วัน" in c.value for c in app.caption)

    make_user("admin", "admin")
    app = login(app, "admin")
    traffic = quota_id("ฝ่ายจราจร")
    app.selectbox(key="count_quota").set_value(traffic).run()
    pick_be_date(app, "count_day", date(2024, 3, 10))
    app.run()
    app.number_input(key=f"collected_count_{traffic}_2024-03-10_r0").set_value(30)
    app.button(key=f"FormSubmitter:form_count_{traffic}_2024-03-10-💾 บันทึกจำนวน").click().run()
    assert not app.exception and not app.error
    assert any(p.text.startswith("เก็บได้ 30 จาก 60 คน (50%)") for p in app.get("progress") if p.text)
    traffic_line = next(m.value for m in app.markdown if "**ฝ่ายจราจร**" in m.value)
    assert traffic_line.startswith("🟢 ตามแผน")  # 30 ≥ 24.6 expected by 16 Mar
    assert app.dataframe[0].value.iloc[0].to_dict() == {
        "วันที่": "10 มี.ค. 2567", "เครื่องมือ": "EIT", "ฝ่าย": "ฝ่ายจราจร", "จำนวน (คน)": 30, "หมายเหตุ": "",
        "ผู้บันทึก": "admin"}
    downloads = {b.key for b in app.get("download_button")}
    assert {"survey-counts-2567_csv", "survey-counts-2567_xlsx"} <= downloads


def test_score_page_projects_the_total_and_the_admin_enters_scores(demo_engine: Engine) -> None:
    app = run_page("score")
    assert [m.value for m in app.metric] == ["—", "—", "76.00", "—", "—"]
    assert "ยังไม่มีคะแนน IIT และ EIT" in app.warning[0].value
    method = app.info[0].value
    assert "ไม่ใช่เกณฑ์ทางการ" in method and "น้ำหนัก IIT 30% · EIT 30% · OIT 40%" in method
    assert ("ระดับผล: ผ่านดีเยี่ยม 95 ขึ้นไป (ทุกเครื่องมือ ≥ 85), ผ่านดี 85 ขึ้นไป (ทุกเครื่องมือ ≥ 85), "
            "ผ่าน 75 ขึ้นไป, ต้องปรับปรุง 50 ขึ้นไป, ต้องปรับปรุงโดยด่วน ต่ำกว่านั้น · เกณฑ์ผ่าน 85 คะแนน") in method
    assert "ITA_WEIGHT" not in method
    make_user("admin", "admin")
    app = login(app, "admin")
    app.number_input(key="iit_score_input_1_2567_r0").set_value(80.0)
    app.number_input(key="eit_score_input_1_2567_r0").set_value(90.0)
    app.text_input(key="basis_score_input_1_2567_r0").input("ผลปี 2566")
    app.button(key="FormSubmitter:form_score_input_1_2567-💾 บันทึกคะแนนสำรวจ").click().run()
    assert not app.exception and not app.error
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    assert metrics["คะแนนรวมคาดการณ์"] == ("81.40", "ผ่าน")  # the FY 2567 framework's rating scheme
    assert metrics["ขาดอีกถึง 85"] == ("3.60", "❌ ยังไม่ผ่านเกณฑ์ 85")
    # IIT 80 is under the per-tool floor of ผ่านดี: no number of OIT items passes
    assert [w.value for w in app.warning] == ["ทำข้อมูล OIT ครบทุกข้อแล้วก็ยังไม่ผ่านเกณฑ์ 85 — ต้องยกระดับคะแนน "
                                              "IIT/EIT ด้วย"]
    what_if = app.dataframe[1].value
    assert list(what_if["ข้อ"]) == ["O4", "O8", "O12", "O16", "O20", "O24"]
    assert list(what_if["คะแนนรวมสะสม"])[:3] == ["83.00", "84.60", "86.20"]

    app.number_input(key="total_score_history_1_2566_r0").set_value(86.12)
    app.button(key="FormSubmitter:form_score_history_1_2566-💾 บันทึกผลคะแนนจริง").click().run()
    assert not app.exception and not app.error
    past = app.dataframe[2].value
    # FY 2566 has no framework in the store: its letter grade, as before
    assert past[["ปีงบประมาณ", "คะแนนรวม", "ผลการประเมิน"]].values.tolist() == [["2566", 86.12, "A"]]
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)  # plotly 7 escapes Thai in its JSON
    bars = {trace["name"]: (trace["x"], trace["y"]) for trace in figure["data"]}
    assert bars == {"ผลจริง": (["2566"], [86.12]), "คาดการณ์": (["2567 (คาดการณ์)"], [81.4])}


def test_score_page_floor_case_and_the_letter_scheme(demo_engine: Engine) -> None:
    enter_scores(demo_engine, 84.0, 100.0)  # 25.2 + 30 + 30.4
    app = run_page("score")
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    assert metrics["คะแนนรวมคาดการณ์"] == ("85.60", "ผ่าน")
    assert metrics["ขาดอีกถึง 85"] == ("0.00", "❌ ยังไม่ผ่านเกณฑ์ 85")
    assert app.warning[0].value == ("คะแนนรวมถึง 85 แล้ว แต่ได้ระดับผ่าน: IIT 84.00, OIT 76.00 "
                                    "ต่ำกว่าเกณฑ์ขั้นต่ำรายเครื่องมือ 85 คะแนน")
    use_letters(demo_engine)
    app = run_page("score")
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    assert metrics["คะแนนรวมคาดการณ์"] == ("85.60", "A")
    assert metrics["ขาดอีกถึง 85"] == ("0.00", "✅ ผ่านเกณฑ์ 85")
    assert not app.warning and app.success[0].value == "คะแนนคาดการณ์ผ่านเกณฑ์ 85 แล้ว (A)"
    assert "ระดับผล: AA 95 ขึ้นไป, A 85 ขึ้นไป, B 75 ขึ้นไป" in app.info[0].value
    with session_scope(demo_engine) as session:
        services.save_score_input(session, ADMIN, 1, 2567, {"iit": 80.0, "eit": 90.0}, expected_version=1)
    app = run_page("score")
    assert {m.label: (m.value, m.delta) for m in app.metric}["คะแนนรวมคาดการณ์"] == ("81.40", "B")
    assert any("ทำเพิ่มอีก **3 ข้อ** ตามลำดับด้านล่าง คะแนนคาดการณ์จะผ่านเกณฑ์ 85" in m.value
               for m in app.markdown)


def test_score_page_of_a_year_without_a_framework_says_how_to_make_one(engine: Engine) -> None:
    open_2570_plan(engine)
    app = run_page("score")
    assert app.warning[0].value == (
        "ยังไม่มีเกณฑ์การประเมินของปีงบประมาณนี้ (น้ำหนัก เกณฑ์ผ่าน และระดับผล) จึงคาดการณ์คะแนนไม่ได้ — "
        "ผู้ดูแลสร้างด้วยคำสั่ง `ita framework copy --from 2567 --to 2570`")
    assert not app.metric and not app.dataframe


# --- the officer on a phone: his own to-do list, a tick dialog, progress in steps -----------------

WEB_OFFICER = "ภัทรพงษ์ พลังช้างสาร"  # the station's web officer: all 25 OIT items are his
FEW_ITEMS = "กร พินิจสุวรรณ"  # responsible for 4 OIT items


def expected_to_do(person: str | None) -> list[tuple[str, date]]:
    """(code, month) of the to-do cells at 16 มี.ค. 2567, from ita_core: ``person``'s own cells
    (his items), or the whole station's with None."""
    from ita_core import oit_matrix, queries
    from tests.test_pages import AS_OF, person_id

    with Session(make_engine()) as session:
        station = session.exec(select(Station)).one()
        cells = oit_matrix.cells(session, station.id, 2567, AS_OF)
        assignments = queries.assignments(session, station.id, 2567)
    if person is not None:
        cells = oit_matrix.cells_of(cells, assignments, person_id(person))
    return [(row.code, row.month) for row in oit_matrix.to_do(cells, AS_OF).itertuples()]


def to_do_buttons(app) -> list[tuple[str, date]]:
    """(code, month) of the to-do buttons on the page, in order (keys ``todo_{item id}_{2023-10}``)."""
    with Session(make_engine()) as session:
        codes = {item.id: item.code for item in session.exec(select(OitItem))}
    shown = []
    for button in app.button:
        if (button.key or "").startswith("todo_"):
            _, item, month = button.key.split("_")
            year, number = month.split("-")
            shown.append((codes[int(item)], date(int(year), int(number), 1)))
    return shown


def test_an_officers_to_do_list_is_his_own_cells_with_its_counts_on_top(engine: Engine) -> None:
    make_user("kor", "officer", FEW_ITEMS)
    app = run_page("oit_matrix", user="kor")
    assert not app.exception and not app.error
    mine, station = expected_to_do(FEW_ITEMS), expected_to_do(None)
    assert to_do_buttons(app) == mine
    assert 0 < len(mine) < len(station) == 85
    assert sorted({code for code, _ in mine}) == ["O10", "O11", "O23", "O3"]  # his 4 items
    assert mine[:4] == [("O3", date(2023, 10, 1)), ("O11", date(2023, 10, 1)), ("O23", date(2023, 10, 1)),
                        ("O3", date(2023, 11, 1))] and len(mine) == 19  # 5 late months × 3, O10, March × 3
    assert {code for code, _ in mine} < {code for code, _ in station}
    overdue = sum(1 for code, month in mine if month < date(2024, 3, 1))  # months before มี.ค. 67 are late
    assert [(m.label, m.value) for m in app.metric] == [("🔴 เลยกำหนด", str(overdue)),
                                                         ("⏳ ครบกำหนดใน 30 วัน", str(len(mine) - overdue)),
                                                         ("✅ เผยแพร่แล้ว", "0")]
    assert "#### 📱 งานเผยแพร่ของ กร พินิจสุวรรณ ณ 16 มี.ค. 2567" in [m.value for m in app.markdown]


def test_the_web_officers_to_do_list_and_the_admins_station_view(engine: Engine) -> None:
    make_user("somchai", "officer", WEB_OFFICER)
    app = run_page("oit_matrix", user="somchai")
    shown = to_do_buttons(app)
    assert shown == expected_to_do(WEB_OFFICER)
    assert len(shown) == 85 and shown[0] == ("O3", date(2023, 10, 1))  # every cell shown, none cut off
    assert shown[-1] == ("O25", date(2024, 3, 1))
    assert "**🔴 เลยกำหนด 71 รายการ**" in [m.value for m in app.markdown]
    make_user("admin", "admin")
    app = run_page("oit_matrix", user="admin")
    assert to_do_buttons(app) == expected_to_do(None)
    assert "#### 📱 งานเผยแพร่ของทั้งสถานีตำรวจภูธรเชียงใหม่ ณ 16 มี.ค. 2567" in [m.value for m in app.markdown]


def test_tapping_a_to_do_cell_opens_its_tick_dialog_which_saves_and_closes(engine: Engine) -> None:
    make_user("somchai", "officer", WEB_OFFICER)
    app = run_page("oit_matrix", user="somchai")
    o11 = item_id("O11")
    tag = f"pub_{o11}_2023-11-01_r0"
    assert not [t for t in app.text_input if t.key.startswith("todo_")]  # no dialog before a tap
    app.button(key=f"todo_{o11}_2023-11").click().run()
    assert "เดือน พ.ย. 66 · กำหนด 30 พ.ย. 2566 · 🔴 เลยกำหนด" in [m.value for m in app.markdown]
    submit = f"FormSubmitter:form_todo_pub_{o11}_2023-11-01-💾 บันทึกการเผยแพร่"
    app.button(key=submit).click().run()  # ticked without its link: refused, the dialog stays
    assert [e.value for e in app.error] == [
        "O11 เดือน พ.ย. 66: ต้องใส่ลิงก์ของข้อมูลที่เผยแพร่ (ผู้ประเมินตรวจจากลิงก์)"]
    app.text_input(key=f"todo_url_{tag}").input("https://chiangmai.police.go.th/oit/o11-2566-11.pdf")
    app.text_input(key=f"todo_note_{tag}").input("ลงเว็บสถานีแล้ว")
    app.button(key=submit).click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        stored = session.exec(select(Publication)).one()
    assert (stored.item_id, stored.month, stored.done, stored.url, stored.note, stored.updated_by) == (
        o11, date(2023, 11, 1), True, "https://chiangmai.police.go.th/oit/o11-2566-11.pdf", "ลงเว็บสถานีแล้ว",
        "somchai")
    assert not [t for t in app.text_input if t.key.startswith("todo_")]  # the dialog closed
    assert [m.value for m in app.metric] == ["70", "14", "1"]
    assert ("O11", date(2023, 11, 1)) not in to_do_buttons(app)


def test_progress_is_set_in_steps_and_a_value_between_steps_is_kept(engine: Engine) -> None:
    make_user("somchai", "officer", WEB_OFFICER)
    o2 = item_id("O2")
    with session_scope(make_engine()) as session:  # an imported 30 %, between the steps
        services.update_progress(session, CLI, "oit_item", o2, 1, {"progress": 30})
    app = run_page("my_items", user="somchai")
    o1 = item_id("O1")
    open_row(open_row(app, "oit_item", o1), "oit_item", o2)  # two rows open at once, each with its form
    steps = app.segmented_control(key=f"progress_oit_item_{o1}_r0")
    assert steps.options == ["0", "25", "50", "75", "100"] and steps.value == 0
    kept = app.segmented_control(key=f"progress_oit_item_{o2}_r0")
    assert kept.options == ["0", "25", "30", "50", "75", "100"] and kept.value == 30
    app.text_area(key=f"note_oit_item_{o2}_r0").input("รอภาพถ่าย")  # the other row: its 30 stays
    app.button(key=f"FormSubmitter:form_oit_item_{o2}-💾 บันทึก").click().run()
    steps = app.segmented_control(key=f"progress_oit_item_{o1}_r0")
    steps.set_value(50)
    app.button(key=f"FormSubmitter:form_oit_item_{o1}-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        first, second = session.get(OitItem, o1), session.get(OitItem, o2)
    assert (first.progress, first.version, first.updated_by) == (50, 2, "somchai")
    assert (second.progress, second.note, second.version) == (30, "รอภาพถ่าย", 3)
    assert not app.slider  # no 12 px handle to drag


def test_no_form_submits_on_enter() -> None:
    """Every form in pages/ and ita_ui/ passes enter_to_submit=False, so Streamlit never shows its
    English hint "Press Ctrl+Enter to submit form" over a Thai field."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    calls = []
    for path in sorted([*root.glob("pages/*.py"), *root.glob("ita_ui/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "form":
                flag = next((k.value for k in node.keywords if k.arg == "enter_to_submit"), None)
                calls.append((path.name, node.lineno, isinstance(flag, ast.Constant) and flag.value is False))
    assert len(calls) >= 12
    assert [call for call in calls if not call[2]] == []
