"""Page tests of the OIT publication matrix, the survey quotas and the score projection."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.db import make_engine
from ita_core.models import OitComponent, OitItem, Publication, SurveyQuota
from tests.test_pages import login, make_user, run_page


def item_id(code: str) -> int:
    with Session(make_engine()) as session:
        return session.exec(select(OitItem.id).where(OitItem.code == code)).one()


def test_matrix_page_shows_states_and_an_officer_ticks_a_cell(engine: Engine) -> None:
    app = run_page("oit_matrix")
    assert [(m.label, m.value) for m in app.metric] == [
        ("✅ เผยแพร่แล้ว", "0"), ("⏳ รอเผยแพร่", "86"), ("🔴 เลยกำหนด", "71")]
    tables = [m.value for m in app.markdown if m.value.startswith("| ข้อ |")]
    assert len(tables) == 7  # sub-indicators 9.1–9.5, 10.1, 10.2
    assert "| **O7** |" in tables[1] and "🔴 เลยกำหนด 31 | 🔴 เลยกำหนด 30 |" in tables[1]
    assert app.info and "เข้าสู่ระบบ" in app.info[0].value  # viewers read only
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = login(app, "somchai")
    app.selectbox(key="matrix_item").set_value(item_id("O7")).run()
    assert app.selectbox(key=f"matrix_month_{item_id('O7')}").value == date(2023, 10, 1)
    form = app.text_input(key=f"url_pub_{item_id('O7')}_2023-10-01_vNone")
    form.input("https://chiangmai.police.go.th/oit/o7-2566-10.pdf")
    app.button(key=f"FormSubmitter:form_pub_{item_id('O7')}_2023-10-01-💾 บันทึกการเผยแพร่").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        stored = session.exec(select(Publication)).one()
    assert (stored.month, stored.done, stored.updated_by) == (date(2023, 10, 1), True, "somchai")
    assert [m.value for m in app.metric] == ["1", "86", "70"]
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
    app.checkbox(key=f"mtick_{first.id}_v1").check()
    app.button(key=f"FormSubmitter:components_{item_id('O1')}-💾 บันทึกองค์ประกอบ").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        ticked = session.get(OitComponent, first.id)
    assert (ticked.done, ticked.version, ticked.updated_by) == (True, 2, "somchai")
    assert any("ทำแล้ว 1/5 องค์ประกอบ" in c.value for c in app.caption)


def quota_id(department: str) -> int:
    with Session(make_engine()) as session:
        return session.exec(select(SurveyQuota.id).where(SurveyQuota.department == department)).one()


def test_quotas_page_shows_progress_conflicts_and_the_secretary_records_a_count(engine: Engine) -> None:
    app = run_page("quotas")
    quota_lines = [m.value for m in app.markdown if "· ขั้นต่ำ" in m.value]
    assert quota_lines[0] == "🟡 เสี่ยงล่าช้า · **รวมทั้งสถานี** · ขั้นต่ำ 300 คน"  # 0 of 300, plan 123
    assert "🟡 เสี่ยงล่าช้า · **ฝ่ายจราจร** · ขั้นต่ำ 60 คน" in quota_lines and len(quota_lines) == 6
    conflicts = [w.value for w in app.warning]
    assert len(conflicts) == 2 and "ค่าที่บันทึกไว้: **60 คน**" in conflicts[1]
    assert "ผู้รับผิดชอบ column says ไม่น้อยกว่า ๓๐ คน" in conflicts[1]
    infos = [i.value for i in app.info]
    assert any("ขั้นต่ำรายฝ่ายรวมกัน 220 คน แต่ยอดขั้นต่ำทั้งสถานีคือ 300 คน — อีก 80 คน" in i for i in infos)
    assert any(i.startswith("แผนไม่ได้ระบุจำนวนผู้ตอบ IIT") for i in infos)
    assert any("เข้าสู่ระบบเพื่อบันทึกจำนวนผู้ตอบ" in i for i in infos)
    assert any("เหลือ 108 วัน" in c.value for c in app.caption)

    make_user("admin", "admin")
    app = login(app, "admin")
    traffic = quota_id("ฝ่ายจราจร")
    app.selectbox(key="count_quota").set_value(traffic).run()
    app.date_input(key="count_day").set_value(date(2024, 3, 10)).run()
    app.number_input(key=f"collected_count_{traffic}_2024-03-10_vNone").set_value(30)
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
    make_user("admin", "admin")
    app = login(app, "admin")
    app.number_input(key="iit_score_input_1_2567_vNone").set_value(80.0)
    app.number_input(key="eit_score_input_1_2567_vNone").set_value(90.0)
    app.text_input(key="basis_score_input_1_2567_vNone").input("ผลปี 2566")
    app.button(key="FormSubmitter:form_score_input_1_2567-💾 บันทึกคะแนนสำรวจ").click().run()
    assert not app.exception and not app.error
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    assert metrics["คะแนนรวมคาดการณ์"] == ("81.40", "เกรด B")
    assert metrics["ขาดอีกถึง 85"] == ("3.60", "❌ ไม่ผ่าน")
    assert any("ทำเพิ่มอีก **3 ข้อ**" in m.value for m in app.markdown)
    what_if = app.dataframe[1].value
    assert list(what_if["ข้อ"]) == ["O4", "O8", "O12", "O16", "O20", "O24"]
    assert list(what_if["คะแนนรวมสะสม"])[:3] == [83.0, 84.6, 86.2]

    app.number_input(key="total_score_history_1_2566_vNone").set_value(86.12)
    app.button(key="FormSubmitter:form_score_history_1_2566-💾 บันทึกผลคะแนนจริง").click().run()
    assert not app.exception and not app.error
    past = app.dataframe[2].value
    assert past[["ปีงบประมาณ", "คะแนนรวม", "เกรด"]].values.tolist() == [["2566", 86.12, "A"]]
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)  # plotly 7 escapes Thai in its JSON
    bars = {trace["name"]: (trace["x"], trace["y"]) for trace in figure["data"]}
    assert bars == {"ผลจริง": (["2566"], [86.12]), "คาดการณ์": (["2567 (คาดการณ์)"], [81.4])}


def test_the_to_do_tab_opens_the_tick_form_on_the_chosen_cell(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    app = run_page("oit_matrix", user="somchai")
    todo = [b for b in app.button if (b.key or "").startswith("todo_")]
    assert todo and todo[0].label.startswith("🔴 O3 · ต.ค. 66 · กำหนด 28 ต.ค. 2566")
    assert len(todo) == 40 and any(c.value.startswith("และอีก ") for c in app.caption)  # the rest in the table
    o11 = item_id("O11")
    app.button(key=f"todo_{o11}_2023-11").click().run()
    assert app.selectbox(key="matrix_item").value == o11
    assert app.selectbox(key=f"matrix_month_{o11}").value == date(2023, 11, 1)
