"""The admin page draws its sections with forms whichever tab is open (a form not drawn loses its
typing) and its read-only previews only while their tab is open; it keeps each section's chosen
row, and a form's typing and conflict panel over the reruns of its own section."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.models import Activity, Assignment, Person
from ita_core.services.writer import Writer
from ita_ui.conflicts import THEIRS, YOURS
from tests.test_pages import ADMIN_TAB, make_user, person_id, run_page

SECTIONS = ["มาตรการ/กิจกรรม", "ข้อมูล OIT", "บุคคล", "การมอบหมาย", "ผู้ใช้", "การแจ้งเตือน", "ปีงบประมาณใหม่",
            "สำรองข้อมูล"]


def _activity(seq: int) -> Activity:
    with Session(make_engine()) as session:
        row = session.exec(select(Activity).where(Activity.seq == seq)).one()
        session.expunge(row)
        return row


def _drawn(app) -> list[str]:
    """The labels of the tabs that hold anything."""
    return [tab.label for tab in app.tabs if tab.children]


FORMS = SECTIONS[:5]  # drawn on every run: what is typed in them survives a change of tab


def test_the_first_section_opens_and_the_previews_are_not_worked_out(engine: Engine) -> None:
    make_user("admin", "admin")
    app = run_page("admin", user="admin")
    assert [tab.label for tab in app.tabs] == SECTIONS
    assert _drawn(app) == FORMS
    assert app.session_state[ADMIN_TAB] == "มาตรการ/กิจกรรม"
    assert not app.main.expander  # no reminder previews
    assert "rollover_target" not in {s.key for s in app.selectbox}  # no rollover preview


def test_a_preview_is_drawn_only_while_its_tab_is_open(engine: Engine) -> None:
    make_user("admin", "admin")
    app = run_page("admin", user="admin")
    for section in SECTIONS[5:]:
        app.session_state[ADMIN_TAB] = section
        app.run()
        assert not app.exception
        assert _drawn(app) == [*FORMS, section]
    assert "rollover_target" not in {s.key for s in app.selectbox}  # the backup tab is open now


def test_a_sections_chosen_row_is_kept_while_another_section_is_open(engine: Engine) -> None:
    make_user("admin", "admin")
    second = _activity(2).id
    app = run_page("admin", user="admin")
    app.selectbox(key="edit_activity").set_value(second).run()
    app.session_state[ADMIN_TAB] = "บุคคล"
    app.run()
    app.selectbox(key="edit_person").set_value(person_id("อนุทิน พุดดี")).run()
    app.session_state[ADMIN_TAB] = "มาตรการ/กิจกรรม"
    app.run()
    assert app.selectbox(key="edit_activity").value == second
    assert app.text_area(key=f"output_activity_{second}_r0").value == _activity(2).output
    app.session_state[ADMIN_TAB] = "บุคคล"
    app.run()
    assert app.selectbox(key="edit_person").value == person_id("อนุทิน พุดดี")


def test_a_conflict_in_another_section_shows_its_panel_there_with_the_typing_kept(engine: Engine) -> None:
    """A save in the people section that meets a newer version reruns the page on that section,
    with both values side by side and the typed text still in the form."""
    make_user("admin", "admin")
    someone = person_id("อนุทิน พุดดี")
    app = run_page("admin", user="admin", tab="บุคคล")
    app.selectbox(key="edit_person").set_value(someone).run()
    with session_scope(make_engine()) as session:
        version = session.get(Person, someone).version  # type: ignore[union-attr]
        Writer(session, CLI, source="cli").save_person(values={"position": "ของอีกคน"}, row_id=someone,
                                                       seen_version=version)
    app.text_input(key=f"position_person_{someone}_r0").input("ของฉัน")
    app.button(key=f"FormSubmitter:form_person_{someone}-💾 บันทึก").click().run()
    assert not app.exception and not app.error
    assert app.session_state[ADMIN_TAB] == "บุคคล"
    panel = next(d.value for d in app.dataframe if THEIRS in d.value.columns)
    assert panel.to_dict("records") == [{"ช่อง": "ตำแหน่ง", THEIRS: "ของอีกคน", YOURS: "ของฉัน"}]
    assert app.text_input(key=f"position_person_{someone}_r0").value == "ของฉัน"


def test_an_admin_assigns_a_person_to_an_activity_and_takes_them_off(engine: Engine) -> None:
    make_user("admin", "admin")
    row, someone = _activity(3).id, person_id("อนุทิน พุดดี")
    with session_scope(make_engine()) as session:  # a name from a plan file may hold Markdown
        session.get(Person, someone).name = "อนุทิน *พุดดี* [l](http://e.x)"  # type: ignore[union-attr]
    app = run_page("admin", user="admin", tab="การมอบหมาย")
    picker = app.selectbox(key="assign_target")
    assert picker.format_func(("activity", row)).startswith("ก3 · ")
    picker.set_value(("activity", row)).run()
    before = [m.value for m in app.main.markdown if m.value.startswith("- ")]
    app.selectbox(key="assign_person").set_value(someone)
    app.selectbox(key="assign_role").set_value("doer")
    app.button(key="FormSubmitter:add_assignment-มอบหมาย").click().run()
    assert not app.exception and not app.error
    with Session(make_engine()) as session:
        held = session.exec(select(Assignment).where(Assignment.activity_id == row,
                                                     Assignment.person_id == someone)).one()
    assert held.role == "doer"
    assert [m.value for m in app.main.markdown if m.value.startswith("- ")] == [
        *before, "- อนุทิน \\*พุดดี\\* \\[l\\]\\(http\\://e\\.x\\) · ผู้ปฏิบัติ"]  # shown as typed
    app.button(key=f"unassign_{held.id}").click().run()
    assert [m.value for m in app.main.markdown if m.value.startswith("- ")] == before


def test_an_activity_and_an_oit_item_of_the_same_id_are_edited_side_by_side(engine: Engine) -> None:
    """Both sections are drawn at once, each with its row's 'add a recurring duty' form: the
    forms' widgets are keyed by the kind of row too, not by the id alone (ก1 and O1 are both 1)."""
    make_user("admin", "admin")
    app = run_page("admin", user="admin")
    app.selectbox(key="edit_activity").set_value(1).run()
    app.selectbox(key="edit_oit").set_value(1).run()
    assert not app.exception and not app.error
    assert app.text_input(key="new_duty_activity_id_1_text_0").value == ""
    assert app.text_input(key="new_duty_oit_item_id_1_text_0").value == ""
