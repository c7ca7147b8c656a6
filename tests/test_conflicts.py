"""One conflict helper for every form (ita_ui/conflicts.py): the version a user saw is remembered,
a save after someone else's change shows "theirs" and "yours" side by side, and nothing typed is lost."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ita_core import services
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.models import Activity, OitComponent, OitItem, SurveyCount, SurveyQuota
from ita_ui.conflicts import CHANGED, CONFLICT, THEIRS, YOURS
from tests.date_support import pick_be_date
from tests.test_pages import make_user, open_row, run_page


def _row(model, **where):
    with Session(make_engine()) as session:
        return session.exec(select(model).filter_by(**where)).one()


def _note_by_someone_else(item_id: int, note: str) -> None:
    with session_scope(make_engine()) as session:
        version = session.get(OitItem, item_id).version
        services.update_progress(session, CLI, "oit_item", item_id, version, {"note": note})


def _officer_page_then_secretary_note() -> tuple[AppTest, int]:
    """The officer's งานของฉัน page open on O1 (its form showing version 1) while the secretary
    saves a note on O1: the start of every conflict below. Returns the page and O1's id."""
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    o1 = _row(OitItem, code="O1").id
    app = open_row(run_page("my_items", user="somchai"), "oit_item", o1)  # the form is drawn when opened
    _note_by_someone_else(o1, "ของเลขานุการ")
    return app, o1


def _save_progress(app: AppTest, item_id: int) -> AppTest:
    return app.button(key=f"FormSubmitter:form_oit_item_{item_id}-💾 บันทึก").click().run()


def _panel(app: AppTest) -> list[dict]:
    return app.dataframe[0].value.to_dict("records")


def test_a_save_after_someone_elses_change_shows_both_and_mine_saves_over(engine: Engine) -> None:
    app, o1 = _officer_page_then_secretary_note()  # the officer's form still shows version 1
    app.text_area(key=f"note_oit_item_{o1}_r0").input("ของฉัน")
    _save_progress(app, o1)
    assert not app.exception and not app.error
    assert CONFLICT in [w.value for w in app.warning]
    assert _panel(app) == [{"ช่อง": "หมายเหตุ", THEIRS: "ของเลขานุการ", YOURS: "ของฉัน"}]
    assert app.text_area(key=f"note_oit_item_{o1}_r0").value == "ของฉัน"  # still in the form below
    assert _row(OitItem, id=o1).note == "ของเลขานุการ"  # nothing overwritten yet
    app.button(key=f"mine_oit_item_{o1}").click().run()
    assert not app.exception and not app.error
    saved = _row(OitItem, id=o1)
    assert (saved.note, saved.version, saved.updated_by) == ("ของฉัน", 3, "somchai")
    assert CONFLICT not in [w.value for w in app.warning]
    assert app.text_area(key=f"note_oit_item_{o1}_r1").value == "ของฉัน"  # the form's next round, fresh


def test_taking_theirs_drops_mine_and_shows_theirs(engine: Engine) -> None:
    app, o1 = _officer_page_then_secretary_note()
    app.text_area(key=f"note_oit_item_{o1}_r0").input("ของฉัน")
    _save_progress(app, o1)
    app.button(key=f"theirs_oit_item_{o1}").click().run()
    assert not app.exception and CONFLICT not in [w.value for w in app.warning]
    assert _row(OitItem, id=o1).note == "ของเลขานุการ"
    assert app.text_area(key=f"note_oit_item_{o1}_r1").value == "ของเลขานุการ"


def test_a_rerun_while_typing_keeps_the_widgets_and_offers_the_newer_values(engine: Engine) -> None:
    app, o1 = _officer_page_then_secretary_note()
    app.run()  # any other widget's rerun: the form keeps its keys, so nothing typed is reset
    assert not app.exception
    assert app.text_area(key=f"note_oit_item_{o1}_r0").value == ""
    assert CHANGED in [i.value for i in app.info]
    app.button(key=f"fresh_oit_item_{o1}").click().run()
    assert not app.exception and CHANGED not in [i.value for i in app.info]
    assert app.text_area(key=f"note_oit_item_{o1}_r1").value == "ของเลขานุการ"


def test_a_save_sends_only_the_fields_typed_so_a_field_someone_else_changed_is_not_put_back(
        engine: Engine) -> None:
    app, o1 = _officer_page_then_secretary_note()
    app.text_input(key=f"url_oit_item_{o1}_r0").input("https://example.go.th/o1.pdf")
    _save_progress(app, o1)
    assert _panel(app) == [{"ช่อง": "ลิงก์หลักฐาน", THEIRS: "", YOURS: "https://example.go.th/o1.pdf"}]
    _save_progress(app, o1)  # a second submit, having seen theirs: saved over the newer version
    assert not app.exception and not app.error and CONFLICT not in [w.value for w in app.warning]
    saved = _row(OitItem, id=o1)
    assert (saved.note, saved.evidence_url, saved.version) == (
        "ของเลขานุการ", "https://example.go.th/o1.pdf", 3)


def test_a_component_tick_that_meets_a_newer_version_names_the_component(engine: Engine) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    o1 = _row(OitItem, code="O1").id
    first = _row(OitComponent, item_id=o1, seq=1)
    app = run_page("oit_matrix", user="somchai")
    with session_scope(make_engine()) as session:  # someone ticks and unticks it meanwhile
        services.set_component_done(session, CLI, first.id, 1, True)
        services.set_component_done(session, CLI, first.id, 2, False)
    app.checkbox(key=f"mtick_oit_component_{first.id}_r0").check()
    app.button(key=f"FormSubmitter:components_{o1}-💾 บันทึกองค์ประกอบ").click().run()
    assert not app.exception and not app.error
    [row] = _panel(app)
    assert row["ช่อง"] == f"1. {first.text}" and (row[THEIRS], row[YOURS]) == ("✘ ไม่", "✔ ใช่")
    app.button(key=f"mine_components_{o1}").click().run()
    ticked = _row(OitComponent, id=first.id)
    assert (ticked.done, ticked.version, ticked.updated_by) == (True, 4, "somchai")


def test_the_admin_edit_form_keeps_the_typed_text_through_a_conflict(engine: Engine) -> None:
    make_user("admin", "admin")
    activity = _row(Activity, seq=2)
    app = run_page("admin", user="admin")
    app.selectbox(key="edit_activity").set_value(activity.id).run()
    with session_scope(make_engine()) as session:
        services.save_activity(session, CLI, {"output": "ของอีกคน"}, activity.id, activity.version)
    app.text_area(key=f"output_activity_{activity.id}_r0").input("ของฉัน")
    app.button(key=f"FormSubmitter:form_activity_{activity.id}-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    assert _panel(app) == [{"ช่อง": "ผลผลิต", THEIRS: "ของอีกคน", YOURS: "ของฉัน"}]
    assert app.text_area(key=f"output_activity_{activity.id}_r0").value == "ของฉัน"  # kept in the form
    app.button(key=f"mine_activity_{activity.id}").click().run()
    assert not app.exception and not app.error
    assert (_row(Activity, id=activity.id).output, _row(Activity, id=activity.id).version) == ("ของฉัน", 3)
    assert app.text_area(key=f"output_activity_{activity.id}_r1").value == "ของฉัน"


def test_two_secretaries_record_the_same_day(engine: Engine) -> None:
    make_user("admin", "admin")
    traffic = _row(SurveyQuota, department="ฝ่ายจราจร").id
    day = date(2024, 3, 10)
    app = run_page("quotas", user="admin")
    app.selectbox(key="count_quota").set_value(traffic).run()
    pick_be_date(app, "count_day", day)
    app.run()
    with session_scope(make_engine()) as session:  # the other secretary saves first
        services.record_survey_count(session, CLI, traffic, day, 12)
    app.number_input(key=f"collected_count_{traffic}_2024-03-10_r0").set_value(30)
    app.button(key=f"FormSubmitter:form_count_{traffic}_2024-03-10-💾 บันทึกจำนวน").click().run()
    assert not app.exception and not app.error
    assert {r["ช่อง"]: (r[THEIRS], r[YOURS]) for r in _panel(app)}["จำนวน (คน)"] == ("12", "30")
    assert _row(SurveyCount, quota_id=traffic, day=day).collected == 12
    app.button(key=f"mine_count_{traffic}_2024-03-10").click().run()
    assert not app.exception and not app.error
    assert _row(SurveyCount, quota_id=traffic, day=day).collected == 30


def _remembering() -> None:
    import streamlit as st

    from ita_ui.conflicts import forget_seen, form_tag, remember_seen, seen_version

    first = seen_version("row", 4)  # nothing remembered: the current version
    remember_seen("row", 4)
    remember_seen("row", 5)  # a later draw does not move what the round began with
    later = seen_version("row", 6)  # the row moved on: still the version the user saw
    tag = form_tag("row", 6)
    forget_seen("row")
    st.write(f"{first} {later} {tag} {seen_version('row', 6)} {form_tag('row', 6)}")


def test_the_version_seen_is_remembered_until_forgotten() -> None:
    app = AppTest.from_function(_remembering).run()
    assert [m.value for m in app.markdown] == ["4 4 row_r0 6 row_r1"]
