"""Read functions of ita_core.queries: rows for the admin page's forms, and each year's indicator
names (seed values)."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from ita_core import queries, services
from ita_core.auth import CLI
from ita_core.db import session_scope
from ita_core.framework import framework_of
from ita_core.models import FrameworkIndicator, FrameworkSubIndicator
from ita_core.services.writer import Writer


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
        assert queries.users(session, CLI) == []  # the seed has no logins
    with session_scope(engine) as session:
        services.create_user(session, CLI, "somchai", "pass-word-2567", "officer", station_id=1)
        services.create_user(session, CLI, "admin", "pass-word-2567", "admin")
    with Session(engine) as session:
        assert [u.username for u in queries.users(session, CLI)] == ["admin", "somchai"]


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


NEW_INDICATOR_1 = "การปฏิบัติหน้าที่อย่างโปร่งใส"
NEW_SUB_9_1 = "ข้อมูลพื้นฐานของหน่วยงาน"
SEED_SUB_NAMES = {"9.1": "ข้อมูลพื้นฐาน", "9.2": "การบริหารงาน", "9.3": "การบริหารเงินงบประมาณ",
                  "9.4": "การบริหารและพัฒนาทรัพยากรบุคคล", "9.5": "การจัดการเรื่องร้องเรียนการทุจริต",
                  "10.1": "การดำเนินการเพื่อป้องกันการทุจริต",
                  "10.2": "มาตรการภายในเพื่อส่งเสริมคุณธรรมและความโปร่งใส"}


def renamed_in_2568(engine: Engine) -> None:
    """FY 2568 gets a copy of the seed's framework in which the NACC renamed indicator 1 and
    sub-indicator 9.1 (the shared tables keep the seed's names)."""
    with session_scope(engine) as session:
        Writer(session, CLI, source="cli").copy_framework(from_year=2567, to_year=2568)
        session.exec(update(FrameworkIndicator).where(col(FrameworkIndicator.fiscal_year) == 2568,
                                                      col(FrameworkIndicator.number) == 1)
                     .values(name_th=NEW_INDICATOR_1))
        session.exec(update(FrameworkSubIndicator).where(col(FrameworkSubIndicator.fiscal_year) == 2568,
                                                         col(FrameworkSubIndicator.code) == "9.1")
                     .values(name_th=NEW_SUB_9_1))


def test_each_year_names_indicators_as_its_own_framework_does(engine: Engine) -> None:
    renamed_in_2568(engine)
    with Session(engine) as session:
        old, new = queries.indicators(session, 2567), queries.indicators(session, 2568)
        old_subs, new_subs = queries.sub_indicators(session, 2567), queries.sub_indicators(session, 2568)
    assert list(old.columns) == ["number", "name_th", "tool"]
    assert list(old["number"]) == list(new["number"]) == list(range(1, 11))
    assert old["name_th"][0] == "การปฏิบัติหน้าที่" and new["name_th"][0] == NEW_INDICATOR_1
    assert list(old["name_th"][1:]) == list(new["name_th"][1:])
    assert old["name_th"][9] == "การป้องกันการทุจริต"
    assert list(new["tool"]) == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert dict(zip(old_subs["code"], old_subs["name_th"], strict=True)) == SEED_SUB_NAMES
    renamed = dict(zip(new_subs["code"], new_subs["name_th"], strict=True))
    assert renamed == {**SEED_SUB_NAMES, "9.1": NEW_SUB_9_1}
    assert list(new_subs["code"]) == ["10.1", "10.2", "9.1", "9.2", "9.3", "9.4", "9.5"]  # by code, as text


def test_a_year_without_a_framework_falls_back_to_the_shared_names(engine: Engine) -> None:
    renamed_in_2568(engine)  # the shared tables are not renamed with a year's framework
    with Session(engine) as session:
        assert framework_of(session, 2569) is None
        shared, seed = queries.indicators(session, 2569), queries.indicators(session, 2567)
        assert shared.equals(seed)
        assert queries.sub_indicators(session, 2569).equals(queries.sub_indicators(session, 2567))


def test_user_table_names_each_logins_person_reach_and_state(engine: Engine) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from sqlmodel import select

    from ita_core.models import Person, User

    with session_scope(engine) as session:
        anutin = session.exec(select(Person.id).where(Person.name == "อนุทิน พุดดี")).one()
        services.create_user(session, CLI, "central", "pass-word-2567", "admin", email="central@police.go.th")
        services.create_user(session, CLI, "lamphun", "pass-word-2567", "admin", province="ลำพูน",
                             line_user_id="U" + "0123456789abcdef" * 2)
        services.create_user(session, CLI, "somchai", "pass-word-2567", "officer", station_id=1,
                             person_id=anutin)
        user = session.exec(select(User).where(User.username == "somchai")).one()
        user.locked_until = datetime(2026, 11, 30, 10, 40, tzinfo=UTC)
    bangkok = timezone(timedelta(hours=7))
    with Session(engine) as session:
        users = queries.users(session, CLI)
        locked = queries.user_table(session, users, now=datetime(2026, 11, 30, 17, 30, tzinfo=bangkok))
        later = queries.user_table(session, users, now=datetime(2026, 11, 30, 17, 41, tzinfo=bangkok))
    assert locked.to_dict("records") == [
        {"ชื่อผู้ใช้": "central", "บุคคลในแผน": "", "ตำแหน่ง": "", "บทบาท": "ผู้ดูแลระบบ",
         "ขอบเขต": "ทุกสถานี (ส่วนกลาง)", "สถานะ": "ใช้งาน", "แก้ได้ทุกแถว": "",
         "อีเมล": "central@police.go.th", "LINE user id": ""},
        {"ชื่อผู้ใช้": "lamphun", "บุคคลในแผน": "", "ตำแหน่ง": "", "บทบาท": "ผู้ดูแลระบบ",
         "ขอบเขต": "ภ.จว.ลำพูน", "สถานะ": "ใช้งาน", "แก้ได้ทุกแถว": "", "อีเมล": "", "LINE user id": "มี"},
        {"ชื่อผู้ใช้": "somchai", "บุคคลในแผน": "ด.ต.อนุทิน พุดดี", "ตำแหน่ง": "", "บทบาท": "เจ้าหน้าที่",
         "ขอบเขต": "สถานีตำรวจภูธรเชียงใหม่", "สถานะ": "ล็อกชั่วคราวถึง 17:40 น. (ใส่รหัสผ่านผิดหลายครั้ง)",
         "แก้ได้ทุกแถว": "", "อีเมล": "", "LINE user id": ""}]
    assert later["สถานะ"].tolist() == ["ใช้งาน", "ใช้งาน", "ใช้งาน"]


def test_station_choices_are_plain_rows_by_code_limited_in_sql(engine: Engine) -> None:
    with session_scope(engine) as session:
        Writer(session, CLI, "test").create_station(code="AAA01", name_th="สถานีตำรวจภูธรทดสอบ")
    with Session(engine) as session:
        every = queries.station_choices(session)
        assert [(s.id, s.code) for s in every] == [(2, "AAA01"), (1, "chiangmai")]  # by code, not by id
        assert every[1].name_th == "สถานีตำรวจภูธรเชียงใหม่"
        assert queries.station_choices(session, frozenset({1})) == [every[1]]
        assert queries.station_choices(session, frozenset()) == []
