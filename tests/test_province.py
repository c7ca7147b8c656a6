"""Many stations: province roll-up equals each station's own numbers; station isolation."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from bench.generate import copy_stations
from ita_core import plan, province, queries, services
from ita_core.auth import ANONYMOUS, CLI, Actor, actor_of
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.demo import apply_demo_snapshot
from ita_core.models import Activity, OitComponent, OitItem, Station, User
from ita_core.permissions import readable_stations
from ita_core.services import PermissionDenied
from ita_core.services.rollover import rollover
from ita_core.settings import Settings

AS_OF = date(2024, 3, 16)
SETTINGS = Settings()


@pytest.fixture
def stations(engine: Engine) -> Engine:
    """Three stations: 1 and 2 in เชียงใหม่ (2 with the demo progress), 3 in ลำพูน."""
    copy_stations(engine, 3)
    with session_scope(engine) as session:
        session.execute(update(Station).where(Station.id == 3).values(province="ลำพูน"))
        apply_demo_snapshot(session, 2, 2567)
    return engine


def test_province_table_equals_each_stations_own_numbers(stations: Engine) -> None:
    with Session(stations) as session:
        table, grid = province.station_table(session, [1, 2, 3], 2567, AS_OF, SETTINGS)
        indicators = queries.indicators(session, 2567)
        for station_id in (1, 2, 3):
            rows = plan.plan_rows(session, station_id, 2567, AS_OF, SETTINGS)
            kpis = plan.kpis(rows, queries.phases(session, station_id, 2567), AS_OF)
            line = table.set_index("station_id").loc[station_id]
            assert (line["done"], line["at_risk"], line["overdue"]) == (kpis.done, kpis.at_risk, kpis.overdue)
            assert line["percent_done"] == pytest.approx(kpis.percent_done)
            own = plan.indicator_lights(rows, indicators).set_index("number")["overall"]
            assert grid.loc[station_id].to_dict() == own.to_dict()
        everything = plan.lit_rows(session, [1, 2, 3], 2567, AS_OF, SETTINGS)
    assert table["overdue"].sum() == (everything["light"] == "overdue").sum()
    by_id = table.set_index("station_id").loc[[1, 2, 3]]
    assert list(by_id["done"]) == [0, 39, 0]
    assert list(by_id["oit_share"]) == [0.0, 76.0, 0.0]  # 19 of 25 items done with a URL in the demo
    assert list(by_id["province"]) == ["เชียงใหม่", "เชียงใหม่", "ลำพูน"]
    assert list(table["code"]) == ["S0002", "S0003", "chiangmai"]  # sorted by station code


def test_province_filter_and_visibility(stations: Engine) -> None:
    with Session(stations) as session:
        assert province.provinces(session) == ["ลำพูน", "เชียงใหม่"]
        assert sorted(province.station_ids(session, "เชียงใหม่")) == [1, 2]
        assert province.station_ids(session, None, frozenset({3})) == [3]


def _first(session: Session, model, station_id: int):
    return session.exec(select(model).where(model.station_id == station_id).order_by(model.id)).first()


@pytest.mark.parametrize("writer", ["progress", "edit_activity", "delete_item", "rollover"])
def test_station_users_cannot_write_other_stations(stations: Engine, writer: str) -> None:
    station_one_admin = Actor("admin-1", "admin", station_id=1)
    with Session(stations) as session:
        activity, item = _first(session, Activity, 2), _first(session, OitItem, 2)
        calls = {
            "progress": lambda: services.update_progress(session, station_one_admin, "oit_item", item.id,
                                                         item.version, {"note": "x"}),
            "edit_activity": lambda: services.save_activity(session, station_one_admin, {"output": "x"},
                                                            activity.id, activity.version),
            "delete_item": lambda: services.delete_row(session, station_one_admin, "oit_item", item.id,
                                                       item.version),
            "rollover": lambda: rollover(session, station_one_admin, 2, 2567, 2568),
        }
        with pytest.raises(PermissionDenied):
            calls[writer]()


def test_province_admin_writes_only_its_province(stations: Engine) -> None:
    with session_scope(stations) as session:
        services.create_user(session, Actor("root", "admin"), "lamphun", "pass-word-2567", "admin",
                             province="ลำพูน")
    with session_scope(stations) as session:
        actor = actor_of(session, session.exec(select(User).where(User.username == "lamphun")).one())
        assert actor.allowed_stations == frozenset({3})
        own, other = _first(session, OitItem, 3), _first(session, OitItem, 1)
        services.update_progress(session, actor, "oit_item", own.id, own.version, {"note": "ตรวจแล้ว"})
        with pytest.raises(PermissionDenied):
            services.update_progress(session, actor, "oit_item", other.id, other.version, {"note": "x"})


def test_who_may_read_which_stations() -> None:
    assert readable_stations(ANONYMOUS, public_read=True) is None
    assert readable_stations(ANONYMOUS, public_read=False) == frozenset()
    assert readable_stations(Actor("v", "viewer", station_id=2), public_read=False) == frozenset({2})
    assert readable_stations(Actor("r", "admin"), public_read=False) is None


def test_station_add_cli(db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["station", "add", "LPN01", "สถานีตำรวจภูธรเมืองลำพูน", "--province", "ลำพูน"]) == 0
    assert main(["station", "add", "LPN01", "ซ้ำ"]) == 2
    assert "มีสถานีรหัส" in capsys.readouterr().err
    from ita_core.db import make_engine

    with Session(make_engine(db_url)) as session:
        assert [(s.code, s.province) for s in queries.stations(session)] == [
            ("LPN01", "ลำพูน"), ("chiangmai", "เชียงใหม่")]


def test_init_from_plan_fills_a_new_station(db_url: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    from ita_core.db import make_engine
    from tests.transfer_support import seed_plan_sheet, write

    sheet = write(tmp_path / "plan.xlsx", seed_plan_sheet())
    assert main(["init", "--from-plan", str(sheet), "--station", "LPN01"]) == 2
    assert "ไม่พบสถานี" in capsys.readouterr().err
    assert main(["station", "add", "LPN01", "สถานีตำรวจภูธรเมืองลำพูน", "--province", "ลำพูน"]) == 0
    assert main(["init", "--from-plan", str(sheet), "--station", "LPN01"]) == 0
    with Session(make_engine(db_url)) as session:
        station = session.exec(select(Station).where(Station.code == "LPN01")).one()
        activities = queries.activities(session, station.id, 2567)
        people = queries.people(session, station.id, 2567)
    assert len(activities) == 26
    assert activities.iloc[1]["due_date"] == date(2024, 3, 30)
    assert len(people) > 0 and (people["items"] > 0).any()


def test_the_data_version_moves_with_a_write_to_any_station_it_covers(stations: Engine) -> None:
    def versions() -> tuple:
        with Session(stations) as session:
            return tuple(queries.data_version(session, ids, 2567) for ids in ([1], [3], [1, 2, 3]))

    before = versions()
    with session_scope(stations) as session:
        item = session.exec(select(OitItem).where(OitItem.station_id == 3, OitItem.code == "O1")).one()
        component = item.id
        services.update_progress(session, CLI, "oit_item", item.id, item.version, {"status": "in_progress"})
    after_item = versions()
    assert after_item[0] == before[0] and after_item[1] != before[1] and after_item[2] != before[2]
    with session_scope(stations) as session:
        first = session.exec(select(OitComponent).where(OitComponent.item_id == component)).first()
        services.set_component_done(session, CLI, first.id, first.version, True)
    after_component = versions()
    assert after_component[0] == after_item[0] and after_component[1:] != after_item[1:]


def test_the_default_station_is_the_setting_else_the_first_with_a_plan(stations: Engine) -> None:
    with session_scope(stations) as session:
        services.create_station(session, CLI, "A0001", "สถานีใหม่ยังไม่มีแผน")  # sorts first, no plan
    with Session(stations) as session:
        def default(code: str = "", among: set[int] | None = None) -> str | None:
            chosen = queries.default_station(session, Settings(default_station=code), among=among)
            return chosen.code if chosen else None

        assert [s.code for s in queries.stations_with_plans(session)] == ["S0002", "S0003", "chiangmai"]
        assert default() == "S0002"
        assert default(among={1, 3}) == "S0003"
        assert default(among={4}) is None  # A0001 alone: it has no plan
        assert default("A0001") == "A0001"  # the setting wins even without a plan
        assert default("S0003", among={1}) == "chiangmai"  # a user who may not read it
        with pytest.raises(queries.UnknownStation) as refused:
            default("S9999")
        assert str(refused.value) == ("ITA_DEFAULT_STATION: ไม่พบสถานีรหัส 'S9999' "
                                      "(มี: A0001, S0002, S0003, chiangmai) / unknown station code")
        gone = datetime(2024, 1, 1, tzinfo=UTC)
        session.execute(update(Activity).where(Activity.station_id == 2).values(deleted_at=gone))
        session.execute(update(OitItem).where(OitItem.station_id == 2).values(deleted_at=gone))
        assert default() == "S0003"  # a plan whose rows were all deleted is no plan
