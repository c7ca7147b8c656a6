"""Every page copes with a plan that lacks a part: no traceback, and a Thai notice where the part is missing.

A new station often brings a plan with measures but no OIT items, or no ITA calendar yet. Each case
below deletes one part from the seeded database; every page in the navigation then runs as an admin.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.testing.v1 import AppTest

from ita_core import oit_matrix
from ita_core.db import session_scope
from ita_core.models import (
    Activity,
    Assignment,
    OitComponent,
    OitItem,
    Person,
    Phase,
    Publication,
    RecurringDuty,
    ScoreHistory,
    ScoreInput,
    Station,
    SurveyCount,
    SurveyQuota,
    User,
)
from ita_core.status import rollup_by
from ita_ui.notices import MISSING
from tests.test_pages import APP, AS_OF, make_user, run_page, unexpected_errors

ROOT = Path(__file__).resolve().parent.parent


def _no_oit(session: Session) -> None:
    for model in (Publication, OitComponent):
        session.exec(delete(model))
    for model in (Assignment, RecurringDuty):
        session.exec(delete(model).where(col(model.oit_item_id).is_not(None)))
    session.exec(delete(OitItem))


def _no_activities(session: Session) -> None:
    for model in (Assignment, RecurringDuty):
        session.exec(delete(model).where(col(model.activity_id).is_not(None)))
    session.exec(delete(Activity))


def _no_people(session: Session) -> None:
    session.exec(delete(Assignment))
    session.exec(delete(User).where(col(User.person_id).is_not(None)))
    session.exec(delete(Person))


def _no_phases(session: Session) -> None:
    session.exec(delete(Phase))


def _no_quotas(session: Session) -> None:
    session.exec(delete(SurveyCount))
    session.exec(delete(Assignment).where(col(Assignment.survey_quota_id).is_not(None)))  # collectors
    session.exec(delete(SurveyQuota))


def _no_scores(session: Session) -> None:
    session.exec(delete(ScoreInput))
    session.exec(delete(ScoreHistory))


CASES: dict[str, Callable[[Session], None]] = {
    "oit": _no_oit, "activities": _no_activities, "people": _no_people, "phases": _no_phases,
    "quotas": _no_quotas, "scores": _no_scores,
}
PAGES = ["home", "overview", "meeting", "workload", "timeline", "province", "my_items", "oit_matrix",
         "quotas", "score", "admin", "import_plan", "audit"]
# where a page shows data of that kind, it says that the data is missing
NOTICES = {
    "oit": {"home", "overview", "meeting", "timeline", "oit_matrix", "score", "admin"},
    "activities": {"home", "overview", "meeting", "timeline"},
    "people": {"home", "meeting", "workload", "my_items", "admin"},
    "phases": {"home", "overview", "timeline", "quotas"},
    "quotas": {"quotas"},
    "scores": {"score"},
}


def _add_scores(session: Session) -> None:
    """The seed has no scores; with these, "no scores" is a missing part like the others."""
    station = session.exec(select(Station)).one()
    session.add(ScoreInput(station_id=station.id, fiscal_year=2567, iit=80.0, eit=90.0, basis="ผลปี 2566"))
    session.add(ScoreHistory(station_id=station.id, fiscal_year=2566, iit=80.0, eit=90.0, total=86.12))


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest, engine: Engine) -> str:
    """The seeded database with scores, one part of the plan deleted, and an admin to look at it."""
    with session_scope(engine) as session:
        _add_scores(session)
    with session_scope(engine) as session:
        CASES[request.param](session)
    make_user("admin", "admin")
    return request.param


# the admin page draws only its open section: the one that shows that kind of data
ADMIN_SECTION = {"oit": "ข้อมูล OIT", "people": "การมอบหมาย"}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_copes_with_a_missing_part(page: str, case: str) -> None:
    tab = ADMIN_SECTION.get(case) if page == "admin" else None
    app = run_page(None if page == "home" else page, user="admin", tab=tab)  # run_page asserts no exception
    notices = [e.value for e in (*app.info, *app.warning)]
    assert any(n.startswith(MISSING[case]) for n in notices) == (page in NOTICES[case]), notices


def test_a_roll_up_of_no_rows_is_empty_with_the_usual_columns() -> None:
    rows = pd.DataFrame({"sub_indicator": pd.Series([], dtype=object), "light": pd.Series([], dtype=object)})
    rolled = rollup_by(rows, "sub_indicator")
    assert rolled.empty and rolled.index.name == "sub_indicator"
    assert list(rolled.columns) == ["green", "yellow", "red", "grey", "done", "percent_done", "overall"]


def test_the_matrix_export_of_a_plan_without_oit_items_has_headers_only(engine: Engine) -> None:
    with session_scope(engine) as session:
        _no_oit(session)
    with Session(engine) as session:
        frame, columns = oit_matrix.export_table(session, 1, 2567, AS_OF)
    assert frame.empty and list(frame.columns) == [key for key, _ in columns]


# --- users never see a traceback ------------------------------------------------------------------

def test_streamlit_is_told_to_hide_tracebacks() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE


def _failing_page() -> None:
    import streamlit as st

    from ita_ui.errors import run_safely

    def page() -> None:
        st.write("ส่วนแรกของหน้า")
        raise RuntimeError("secret detail /srv/ita/pages/x.py")

    run_safely(page, "x")


def test_a_failing_page_shows_a_thai_message_with_a_reference_and_logs_it(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    app = AppTest.from_function(_failing_page, default_timeout=30).run()
    assert not app.exception
    [message] = [e.value for e in app.error]
    ref = re.fullmatch(r"เกิดข้อผิดพลาดที่ไม่คาดคิด แจ้งผู้ดูแลระบบพร้อมรหัสอ้างอิง ([0-9A-F]{8})", message)[1]
    assert "secret detail" not in message
    [record] = [r for r in caplog.records if r.name == "ita.web"]
    assert ref in record.getMessage() and record.exc_info[0] is RuntimeError
    assert app.markdown[0].value == "ส่วนแรกของหน้า"  # what the page drew before failing stays


def _page_that_reruns_and_stops() -> None:
    import streamlit as st

    from ita_ui.errors import run_safely

    def page() -> None:
        st.session_state["runs"] = st.session_state.get("runs", 0) + 1
        if st.session_state["runs"] == 1:
            st.rerun()
        st.write(f"รอบที่ {st.session_state['runs']}")
        st.stop()
        st.write("ไม่ถึงบรรทัดนี้")

    run_safely(page, "x")


def test_rerun_and_stop_pass_through_the_wrapper(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    app = AppTest.from_function(_page_that_reruns_and_stops, default_timeout=30).run()
    assert not app.exception and not app.error
    assert [m.value for m in app.markdown] == ["รอบที่ 2"]
    assert not [r for r in caplog.records if r.name == "ita.web"]


def test_the_dashboard_shows_the_thai_message_when_a_page_fails(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from ita_core import queries

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("index must be a MultiIndex to unstack")

    monkeypatch.setattr(queries, "plan_counts", broken)
    app = AppTest.from_file(APP, default_timeout=60).run()  # the home page, run by dashboard.py
    assert not app.exception
    assert unexpected_errors(app) and "MultiIndex" not in unexpected_errors(app)[0]
    assert any(r.name == "ita.web" and r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)
