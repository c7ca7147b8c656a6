"""Text from people and files is shown as text on every page (issue 16 point 5): a Markdown image,
HTML, a link or a pipe stored in an activity title, a component, a person's name or a
publication URL reaches no page as Markdown a browser would render (an image fetched from
another host, a fake link or table cell)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from google.protobuf import text_format
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ita_core.db import make_engine
from ita_core.models import Activity, OitComponent, OitItem, Person, Publication, Station
from tests.test_pages import ADMIN_TAB, make_user, run_page

HOSTILE = "![t](http://127.0.0.1:9/x.png) <b>x</b> [l](http://e.x) | ✅"
RENDERED = ("![t](http://127.0.0.1:9", "<b>x</b>", "[l](http://e.x)", "](http://127.0.0.1:9",
            "127.0.0.1:9/x.png)")
HOSTILE_URL = "https://x.go.th/a.pdf|✅ [เผยแพร่แล้ว](http://e.x)|"
PAGES = ("home", "overview", "my_items", "oit_matrix", "meeting", "timeline", "workload", "admin", "score",
         "quotas", "audit", "province", "framework", "import_plan")
DATA_ELEMENTS = ("Arrow", "DownloadButton", "Json",  # shown as data, not Markdown
                 "Text")  # st.text: drawn as preformatted plain text, never parsed (the reminder preview)
DATA_FIELDS = {"arrow_data_frame", "arrow_data", "arrow_table", "download_button", "json"}
PLAIN_OPTIONS = ("Selectbox", "MultiSelect")  # a select's options are drawn as plain text (its label is not)
ADMIN_SECTIONS = ("มาตรการ/กิจกรรม", "ข้อมูล OIT", "บุคคล", "การมอบหมาย", "ผู้ใช้", "การแจ้งเตือน", "ปีงบประมาณใหม่",
                  "สำรองข้อมูล")  # the admin page draws only the open one


def _hostile_plan() -> None:
    """One activity title, one component, the officer's name and one publication URL carry markup."""
    with Session(make_engine()) as session:
        activity = session.exec(select(Activity).where(Activity.due_date.is_not(None))).first()  # type: ignore[union-attr]
        assert activity is not None
        activity.activity = f"มาตรการ {HOSTILE}"
        component = session.exec(select(OitComponent)).first()
        assert component is not None
        component.text = f"องค์ประกอบ {HOSTILE}"
        person = session.exec(select(Person).where(Person.name == "ภัทรพงษ์ พลังช้างสาร")).one()
        person.name = f"ภัทรพงษ์ {HOSTILE}"
        o7 = session.exec(select(OitItem).where(OitItem.code == "O7")).one()
        session.add(Publication(station_id=o7.station_id, fiscal_year=o7.fiscal_year, item_id=o7.id,
                                month=date(2023, 12, 1), done=True, url=HOSTILE_URL, updated_by="cli"))
        o2 = session.exec(select(OitItem).where(OitItem.code == "O2")).one()
        o2.evidence_url = "javascript:alert(1)"
        station = session.exec(select(Station)).first()
        assert station is not None
        station.name_th = f"สภ.ทดสอบ {HOSTILE}"
        session.add_all([activity, component, person, o2, station])
        session.commit()


def _open_every_row(app: AppTest) -> AppTest:
    """งานของฉัน draws a row's form (component ticks, the whole title) only while the row is open:
    open them all, so every text the page can show is checked."""
    with Session(make_engine()) as session:
        keys = [f"row_activity_{i}" for i in session.exec(select(Activity.id))]
        keys += [f"row_oit_item_{i}" for i in session.exec(select(OitItem.id))]
    for key in keys:
        app.session_state[key] = True
    return app.run()


def _open_every_month(app: AppTest) -> AppTest:
    """The timeline's month list draws a month's events only while it is open: open them all."""
    for expander in app.expander:
        app.session_state[f"month_{expander.label.split(' · ')[0]}"] = True
    return app.run()


# the expanders these pages fill only while open (ita_ui.expanders.lazy_expander)
LAZY_EXPANDERS = {"overview": ("at_risk_rows", "legend", "year_comparison"), "meeting": ("due_next_table",)}


def _open_lazy_expanders(app: AppTest, page: str) -> AppTest:
    """Open the page's lazy expanders, so the text they hold is checked too."""
    for key in LAZY_EXPANDERS[page]:
        app.session_state[key] = True
    return app.run()


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from _nodes(child)


def _bodies(app: AppTest) -> list[str]:
    """The text of every element the page drew (labels, Markdown bodies, options, help), as the
    browser receives it, apart from data frames and downloads (shown as data)."""
    out = []
    for node in _nodes(app._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR") or proto.DESCRIPTOR.name in DATA_ELEMENTS:
            continue
        if {field.name for field, _ in proto.ListFields()} & DATA_FIELDS:  # an element AppTest does not wrap
            continue
        if proto.DESCRIPTOR.name in PLAIN_OPTIONS:
            proto = type(proto)(label=proto.label, help=proto.help, placeholder=proto.placeholder)
        out.append(text_format.MessageToString(proto, as_utf8=True))
    return out


def _tables(app: AppTest) -> list[bytes]:
    """The bytes of every data frame the page drew (Arrow data, its column config)."""
    return [node.proto.SerializeToString() for node in _nodes(app._tree)
            if hasattr(getattr(node, "proto", None), "ListFields")
            and {field.name for field, _ in node.proto.ListFields()} & {"arrow_data", "data"}]


@pytest.mark.parametrize("page", PAGES)
def test_stored_markup_is_shown_as_text_on_every_page(engine: Engine, page: str) -> None:
    make_user("admin", "admin")
    _hostile_plan()
    app = run_page(page, user="admin")
    if page == "my_items":
        app = _open_every_row(app)
        assert any("องค์ประกอบ" in c.label for c in app.main.checkbox)  # the hostile component is drawn
    if page in LAZY_EXPANDERS:
        app = _open_lazy_expanders(app, page)
        assert all(e.markdown or e.table or e.dataframe for e in app.main.expander)  # each drew its text
    if page == "timeline":
        app = _open_every_month(app)
        assert any("มาตรการ" in m.value for e in app.expander for m in e.markdown)  # the hostile title drawn
    bodies, tables = _bodies(app), _tables(app)
    if page == "admin":
        for section in ADMIN_SECTIONS:
            app.session_state[ADMIN_TAB] = section
            bodies += _bodies(app.run())
            tables += _tables(app)
        assert any('"1. องค์ประกอบ \\\\!' in body for body in bodies)  # the OIT section drew it, escaped
    leaks = [body for body in bodies if any(marker in body for marker in RENDERED)]
    assert leaks == []
    assert not [data for data in tables if b"javascript:" in data]  # no link column opens it


@pytest.mark.parametrize("page", ["home", "my_items", "oit_matrix", "workload"])
def test_the_officer_and_a_visitor_see_stored_markup_as_text(engine: Engine, page: str) -> None:
    make_user("somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    _hostile_plan()
    for user in ("somchai", None):
        app = run_page(page, user=user)
        if page == "my_items" and user:
            app = _open_every_row(app)
        assert [body for body in _bodies(app) if any(marker in body for marker in RENDERED)] == []


def test_the_tables_show_the_hostile_text_as_data(engine: Engine) -> None:
    """The check above can fail: the overview's table holds the activity's text as typed."""
    make_user("admin", "admin")
    _hostile_plan()
    app = run_page("overview", user="admin")
    assert any(HOSTILE.encode() in data for data in _tables(app))
