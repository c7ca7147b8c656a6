"""The audit trail on its own: how values are kept, which fields a change records, secrets masked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import audit
from ita_core.db import session_scope


def test_values_are_kept_as_text() -> None:
    assert audit.as_text(None) is None
    assert (audit.as_text(True), audit.as_text(False)) == ("true", "false")
    assert audit.as_text(date(2024, 3, 16)) == "2024-03-16"
    assert audit.as_text(30) == "30"


def test_only_changed_fields_are_recorded_and_secrets_are_masked(engine: Engine) -> None:
    with session_scope(engine) as session:
        audit.record_changes(session, actor="somchai", source="form", table="activity", row_id=3,
                             before={"progress": 0, "note": "เดิม", "done": False},
                             after={"progress": 30, "note": "เดิม", "done": "false"}, station_id=1)
        audit.record_changes(session, actor="admin", source="cli", table="app_user", row_id=7,
                             before={"password_hash": "old"}, after={"password_hash": "new"}, station_id=None)
    with Session(engine) as session:
        changes = audit.history(session, "activity", 3)
        secret = audit.history(session, "app_user", 7)
    assert changes[["field", "old", "new"]].values.tolist() == [["progress", "0", "30"]]
    assert secret[["old", "new"]].values.tolist() == [["***", "***"]]


def _ten_changes(engine: Engine) -> None:
    """Ten activity changes: odd rows of station 1 (progress 1, 3, … 9), even ones of station 2."""
    with session_scope(engine) as session:
        for n in range(1, 11):
            audit.record(session, actor=f"user{n % 2}", source="form", table="activity", row_id=n,
                         field="progress", old=None, new=n, station_id=1 if n % 2 else 2)


def test_keyset_pages_return_exactly_the_next_rows(engine: Engine) -> None:
    _ten_changes(engine)
    station_one = audit.TrailFilter(station_id=1)
    with Session(engine) as session:
        first = audit.trail_page(session, station_one, limit=2)
        second = audit.trail_page(session, station_one, before_id=first.before_id, limit=2)
        last = audit.trail_page(session, station_one, before_id=second.before_id, limit=2)
        everyone = audit.trail_page(session, audit.TrailFilter(), limit=4)
        count = audit.trail_count(session, station_one)
    assert list(first.rows["new"]) == ["9", "7"]  # newest first
    assert list(second.rows["new"]) == ["5", "3"]
    assert list(last.rows["new"]) == ["1"] and last.before_id is None  # the last page says so
    assert list(everyone.rows["new"]) == ["10", "9", "8", "7"]
    assert count == 5


def test_a_page_ending_exactly_at_the_last_row_says_there_is_no_more(engine: Engine) -> None:
    _ten_changes(engine)
    with Session(engine) as session:
        page = audit.trail_page(session, audit.TrailFilter(station_id=2, actor="user0"), limit=5)
        filtered = audit.trail_page(session, audit.TrailFilter(station_id=2, actor="nobody"), limit=5)
    assert list(page.rows["row_id"]) == [10, 8, 6, 4, 2] and page.before_id is None
    assert filtered.rows.empty and filtered.before_id is None


def test_filter_choices_come_from_the_stations_trail_only(engine: Engine) -> None:
    _ten_changes(engine)
    with session_scope(engine) as session:
        audit.record(session, actor="admin", source="cli", table="settings_note", row_id=99, field="text",
                     old=None, new="x", station_id=None)  # a station-less row of no station's table
    with Session(engine) as session:
        station_one = audit.trail_choices(session, audit.TrailFilter(station_id=1))
        central = audit.trail_choices(session, audit.TrailFilter(station_id=1, central=True))
    assert station_one == {"user": ["user1"], "table": ["activity"], "source": ["form"]}
    assert central == {"user": ["admin", "user1"], "table": ["activity", "settings_note"],
                       "source": ["cli", "form"]}


def test_the_audit_page_shows_the_newest_page_and_steps_to_older_ones(engine: Engine) -> None:
    from tests.test_pages import make_user, run_page

    make_user("admin", "admin")  # 3 trail rows, of no station
    with session_scope(engine) as session:
        for n in range(1, 206):
            audit.record(session, actor="somchai", source="form", table="activity", row_id=n,
                         field="progress", old=None, new=n, station_id=1)
    app = run_page("audit", user="admin")
    assert app.caption[0].value == "208 รายการ (เวลาประเทศไทย) · หน้า 1: 200 รายการล่าสุด"
    newest = app.dataframe[0].value
    assert list(newest["รหัสแถว"])[::199] == [6, 205]  # the newest 200, in the order they happened
    app.button(key="audit_older").click().run()
    older = app.dataframe[0].value
    assert app.caption[0].value == "208 รายการ (เวลาประเทศไทย) · หน้า 2: 8 รายการ"
    assert len(older) == 8 and list(older["รหัสแถว"])[-5:] == [1, 2, 3, 4, 5]
    assert app.button(key="audit_older").disabled
    app.button(key="audit_newer").click().run()
    assert list(app.dataframe[0].value["รหัสแถว"])[::199] == [6, 205]
