"""Read functions of ita_core.queries that hand rows to the admin page's forms (seed values)."""

from __future__ import annotations

import warnings

import pytest
from sqlmodel import Session

from ita_core import queries, services
from ita_core.auth import CLI
from ita_core.db import session_scope


def test_activity_and_oit_item_rows_are_the_live_rows_by_id(session: Session) -> None:
    activities = queries.activity_rows(session, 1, 2567)
    assert [a.seq for a in activities] == list(range(1, 27))
    assert [a.id for a in activities] == sorted(a.id for a in activities)
    items = queries.oit_item_rows(session, 1, 2567)
    assert [i.code for i in items] == [f"O{n}" for n in range(1, 26)]
    assert queries.activity_rows(session, 1, 2568) == [] and queries.oit_item_rows(session, 2, 2567) == []


def test_a_deleted_activity_is_not_listed(engine) -> None:
    with session_scope(engine) as session:
        first = queries.activity_rows(session, 1, 2567)[0]
        services.delete_row(session, CLI, "activity", first.id, first.version)
    with Session(engine) as session:
        assert [a.seq for a in queries.activity_rows(session, 1, 2567)] == list(range(2, 27))


def test_item_components_in_their_order(session: Session) -> None:
    o1 = next(i for i in queries.oit_item_rows(session, 1, 2567) if i.code == "O1")
    components = queries.item_components(session, o1.id)
    assert [c.seq for c in components] == [1, 2, 3, 4, 5]
    assert components[0].text.startswith("แสดงแผนผังโครงสร้างการแบ่งส่วนราชการ")


def test_duties_of_one_activity_or_one_oit_item(session: Session) -> None:
    items = {i.code: i.id for i in queries.oit_item_rows(session, 1, 2567)}
    o7 = queries.duties_of(session, oit_item_id=items["O7"])
    assert [(d.kind, d.day) for d in o7] == [("day_of_month", 28), ("month_end", None)]
    assert queries.duties_of(session, oit_item_id=items["O1"]) == []
    first = queries.activity_rows(session, 1, 2567)[0]
    assert [d.kind for d in queries.duties_of(session, activity_id=first.id)] == ["daily", "month_end"]
    with pytest.raises(ValueError):
        queries.duties_of(session)


def test_station_people_by_name(session: Session) -> None:
    people = queries.station_people(session, 1)
    assert len(people) == 40
    assert [p.name for p in people[:3]] == ["กร พินิจสุวรรณ", "กรฤทธิ บุรีแก้ว", "กรุง หล้าคำวงศ์"]
    assert queries.station_people(session, 2) == []


def test_users_by_username(engine) -> None:
    with Session(engine) as session:
        assert queries.users(session) == []  # the seed has no logins
    with session_scope(engine) as session:
        services.create_user(session, CLI, "somchai", "pass-word-2567", "officer", station_id=1)
        services.create_user(session, CLI, "admin", "pass-word-2567", "admin")
    with Session(engine) as session:
        assert [u.username for u in queries.users(session)] == ["admin", "somchai"]


def test_rows_nobody_holds_show_an_empty_responsible_text(session: Session) -> None:
    from sqlmodel import delete

    from ita_core.models import Assignment

    session.exec(delete(Assignment))  # test setup: a plan nobody has been assigned to yet
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas warns before it refuses "" in a float column
        items, activities = queries.oit_items(session, 1, 2567), queries.activities(session, 1, 2567)
    assert items["responsible"].dtype == object and set(items["responsible"]) == {""}
    assert len(items) == 25
    assert set(activities["responsible"]) == {""}
