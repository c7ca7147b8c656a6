"""The view a page opens with (station, fiscal year, as-of date) under AppTest: taken from the
address, kept across pages, written back into the address, and never wider than the reader's
rights; the login form on the page itself and the kept-login cookie it asks the browser to store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ita_core import sessions
from ita_core.auth import CLI
from ita_core.models import Station
from ita_core.plan import default_as_of
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from tests.date_support import pick_be_date, shown_be_date

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PASSWORD = "pass-word-2567"
PENDING = "login_cookie_pending"  # ita_ui.login: what the next run of dashboard.py writes


def _run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _sidebar_login(app: AppTest, username: str) -> AppTest:
    """Log ``username`` in through the sidebar form of a page already run once, and run it again."""
    app.sidebar.text_input(key="login_user").input(username)
    app.sidebar.text_input(key="login_password").input(PASSWORD)
    app.sidebar.button[0].click()
    return _run(app)


def _view(app: AppTest) -> tuple[int, int, date]:
    """Station id, fiscal year and as-of date the sidebar shows."""
    year = app.sidebar.selectbox(key="fiscal_year").value
    return app.sidebar.selectbox(key="station").value, year, app.session_state[f"as_of_{year}"]


def _station(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        station_id = session.exec(select(Station.id).where(Station.code == code)).one()
    assert station_id is not None
    return station_id


def _add_station_and_officer(engine: Engine) -> int:
    """A second station (no plan yet) and an officer bound to the seed station."""
    with Session(engine) as session:
        writer = Writer(session, CLI, source="cli")
        saved = writer.create_station(code="LPN01", name_th="สถานีตำรวจภูธรเมืองลำพูน")
        writer.create_user(username="somchai", password=PASSWORD, role="officer",
                           station_id=_station(engine, "chiangmai"))
        session.commit()
    return saved.row_id


def test_the_address_opens_the_view_and_a_page_change_keeps_it(engine: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(station="chiangmai", fy="2567", as_of="2024-01-15")
    _run(app)
    chiang_mai = _station(engine, "chiangmai")
    assert _view(app) == (chiang_mai, 2567, date(2024, 1, 15))

    pick_be_date(app.sidebar, "as_of_2567", date(2024, 2, 1))
    _run(app)
    assert shown_be_date(app.sidebar, "as_of_2567") == (1, "ก.พ.", 2567)
    assert app.query_params == {"station": "chiangmai", "fy": "2567", "as_of": "2024-02-01"}
    app.query_params.clear()  # a menu link opens the next page without the parameters
    app.switch_page("pages/workload.py")
    _run(app)
    assert _view(app) == (chiang_mai, 2567, date(2024, 2, 1))
    assert shown_be_date(app.sidebar, "as_of_2567") == (1, "ก.พ.", 2567)  # the selects too, on another page
    assert not app.sidebar.warning
    assert app.query_params == {"station": "chiangmai", "fy": "2567", "as_of": "2024-02-01"}

    app.query_params.clear()
    app.switch_page("pages/timeline.py")
    _run(app)
    assert _view(app) == (chiang_mai, 2567, date(2024, 2, 1))


def test_the_old_as_of_link_still_works(engine: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["as_of"] = "2024-03-16"
    _run(app)
    assert _view(app) == (_station(engine, "chiangmai"), 2567, date(2024, 3, 16))
    assert app.query_params == {"station": "chiangmai", "fy": "2567", "as_of": "2024-03-16"}


def test_values_the_address_cannot_mean_fall_back_to_the_default_view(engine: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(station="nowhere", fy="2599", as_of="2030-01-01")
    _run(app)
    assert _view(app) == (_station(engine, "chiangmai"), 2567, default_as_of(2567))
    default = default_as_of(2567).isoformat()
    assert app.query_params == {"station": "chiangmai", "fy": "2567", "as_of": default}
    outside = AppTest.from_file(APP, default_timeout=60)
    outside.query_params.update(fy="2567", as_of="2023-09-30")  # the day before the year starts
    _run(outside)
    assert _view(outside)[2] == default_as_of(2567)


def test_the_address_never_opens_a_station_the_reader_may_not_see(engine: Engine) -> None:
    lamphun = _add_station_and_officer(engine)
    anonymous = AppTest.from_file(APP, default_timeout=60)
    anonymous.query_params["station"] = "LPN01"
    _run(anonymous)  # public reading: any station, here one without a plan
    assert anonymous.sidebar.selectbox(key="station").value == lamphun
    assert anonymous.query_params == {"station": "LPN01"}

    officer = AppTest.from_file(APP, default_timeout=60)
    officer.query_params["station"] = "LPN01"
    _run(officer)
    _sidebar_login(officer, "somchai")
    station = officer.sidebar.selectbox(key="station")
    assert station.options == ["สถานีตำรวจภูธรเชียงใหม่"]  # the officer's own station only
    assert station.value == _station(engine, "chiangmai")
    assert officer.query_params["station"] == "chiangmai"


def test_a_page_that_needs_a_login_has_the_form_on_the_page(engine: Engine) -> None:
    _add_station_and_officer(engine)
    app = AppTest.from_file(APP, default_timeout=60)
    _run(app)
    app.switch_page("pages/my_items.py")
    _run(app)
    assert [i.value for i in app.main.info] == ["เข้าสู่ระบบด้วยบัญชีเจ้าหน้าที่เพื่ออัปเดตงานที่ได้รับมอบหมาย"]
    app.main.text_input(key="page_login_user").input("somchai")
    app.main.text_input(key="page_login_password").input(PASSWORD)
    app.main.button(key="FormSubmitter:page_login-เข้าสู่ระบบ").click()
    _run(app)
    assert app.session_state["actor"].username == "somchai"
    assert not [t for t in app.main.text_input if t.key == "page_login_user"]
    assert "ita_session" not in str(app.query_params)  # the login never goes into the address

    app.sidebar.button(key="logout").click()
    _run(app)
    assert "actor" not in app.session_state
    assert app.session_state[PENDING] == ("clear", "")  # dashboard.py deletes the cookie (e2e test)


def test_a_login_asks_the_browser_to_keep_a_signed_token(engine: Engine) -> None:
    """What the next run of dashboard.py writes into the cookie. (Under AppTest only the first run
    goes through dashboard.py; the cookie itself is checked in Chromium, tests/test_e2e.py.)"""
    _add_station_and_officer(engine)
    app = _sidebar_login(_run(AppTest.from_file(APP, default_timeout=60)), "somchai")
    action, token = app.session_state[PENDING]
    assert action == "set"
    with Session(engine) as session:
        user = sessions.user_of(session, token, key=sessions.secret_key(get_settings()))
    assert user is not None and user.username == "somchai"


def test_without_public_reading_every_page_asks_for_the_login_on_the_page(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _add_station_and_officer(engine)
    monkeypatch.setenv("ITA_PUBLIC_READ", "off")
    app = AppTest.from_file(APP, default_timeout=60)
    _run(app)
    assert [i.value for i in app.main.info] == ["กรุณาเข้าสู่ระบบเพื่อดูข้อมูล"]
    assert not app.main.metric  # nothing of the plan before the login
    app.main.text_input(key="page_login_user").input("somchai")
    app.main.text_input(key="page_login_password").input(PASSWORD)
    app.main.button(key="FormSubmitter:page_login-เข้าสู่ระบบ").click()
    _run(app)
    assert app.session_state["actor"].username == "somchai"
    assert not app.main.info or app.main.info[0].value != "กรุณาเข้าสู่ระบบเพื่อดูข้อมูล"


def test_on_the_import_page_a_new_station_does_not_keep_the_previous_station_s_year(engine: Engine) -> None:
    lamphun = _add_station_and_officer(engine)
    with Session(engine) as session:
        Writer(session, CLI, source="cli").create_user(username="secretary", password=PASSWORD, role="admin")
        session.commit()
    app = _sidebar_login(_run(AppTest.from_file(APP, default_timeout=60)), "secretary")
    app.switch_page("pages/import_plan.py")
    _run(app)
    assert app.sidebar.selectbox(key="fiscal_year").value == 2567  # Chiang Mai's plan
    app.sidebar.selectbox(key="station").set_value(lamphun)
    _run(app)
    year = app.sidebar.selectbox(key="fiscal_year")
    assert "2567" in year.options and year.value != 2567  # another year, or none until chosen
