"""Many stations: province roll-up equals each station's own numbers; station isolation."""

import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, update
from sqlalchemy import text as sql_text
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from bench.generate import copy_stations
from ita_core import plan, province, queries, services
from ita_core.auth import ANONYMOUS, CLI, Actor, actor_of
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.demo import apply_demo_snapshot
from ita_core.models import Activity, DutyKind, OitComponent, OitItem, RecurringDuty, Station, Status, User
from ita_core.permissions import readable_stations
from ita_core.services import PermissionDenied
from ita_core.services.rollover import rollover
from ita_core.settings import Settings
from ita_core.status import COLOUR, LIGHT_HEX, OVERALL_ICON, Light

AS_OF = date(2024, 3, 16)
SETTINGS = Settings()
APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


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


def _pandas_station_table(session: Session, ids: list[int], fiscal_year: int, as_of: date,
                          settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roll-up as it was before issue 18: every lit row in pandas (the reference the SQL
    GROUP BY must equal, number for number)."""
    rows = plan.lit_rows(session, ids, fiscal_year, as_of, settings)
    colour = rows["light"].map(COLOUR)
    rated = ~rows["light"].isin([Light.NOT_APPLICABLE, Light.CONTINUOUS])
    counts = rows.assign(
        done=rows["light"] == Light.DONE, at_risk=colour == "yellow", overdue=colour == "red", rated=rated,
    ).groupby("station_id")[["done", "at_risk", "overdue", "rated"]].sum()
    counts["percent_done"] = (100.0 * counts["done"] / counts["rated"].where(counts["rated"] > 0)).round(1)
    counts["percent_done"] = counts["percent_done"].fillna(0.0)
    severity = rows.assign(severity=colour.map(province.SEVERITY)).pivot_table(
        index="station_id", columns="indicator", values="severity", aggfunc="max")
    names = {v: k for k, v in province.SEVERITY.items()}
    grid = severity.reindex(columns=range(1, 11)).map(lambda v: names.get(v, "grey"))
    counts["overall"] = severity.max(axis=1).map(names)
    stations = pd.DataFrame(
        session.exec(select(Station.id, Station.code, Station.name_th, Station.province)
                     .where(Station.id.in_(ids))).all(),
        columns=["station_id", "code", "name", "province"],
    ).set_index("station_id")
    table = stations.join(counts, how="left").join(
        province.oit_share(session, ids, fiscal_year).rename("oit_share"))
    for column in ("done", "at_risk", "overdue", "rated"):
        table[column] = table[column].fillna(0).astype(int)
    table = table.fillna({"percent_done": 0.0, "oit_share": 0.0, "overall": "grey"})
    # one change on purpose: a station without rows is grey in the grid too (it was NaN)
    grid = grid.astype(object).reindex(table.index, fill_value="grey")
    return table.reset_index().sort_values("code", ignore_index=True), grid


def _shuffle_plans(engine: Engine, stations: range) -> None:
    """Every kind of row the light rules tell apart, at random (fixed seed): each status, progress
    0–100, own due dates before, inside and after the year or none (judged by its duties), start
    dates or none, evidence or none, some rows deleted; and duties with rhythms of their own
    (another day, every n days, a window, daily)."""
    chance = random.Random(18)
    first = date(2023, 9, 1)
    day = lambda: first + timedelta(days=chance.randrange(450))  # noqa: E731
    with session_scope(engine) as session:
        for model in (Activity, OitItem):
            for row in session.exec(select(model).where(model.station_id.in_(list(stations)))):
                row.status = chance.choice(list(Status))
                row.progress = chance.choice([0, 0, 10, 25, 50, 60, 75, 99, 100])
                row.due_date = chance.choice([None, None, day(), day()])
                row.start_date = chance.choice([None, None, day()])
                row.evidence_url = chance.choice(["", "https://example.go.th/e"])
                row.deleted_at = datetime(2024, 1, 1, tzinfo=UTC) if chance.random() < 0.05 else None
                session.add(row)
        for duty in session.exec(select(RecurringDuty).where(RecurringDuty.station_id.in_(list(stations)))):
            duty.kind = chance.choice(list(DutyKind))
            duty.day = chance.choice([None, 1, 15, 28, 31])
            duty.interval_days = chance.choice([None, 7, 30])
            duty.start = chance.choice([None, None, day()])
            duty.end = chance.choice([None, None, day()])
            session.add(duty)


AS_OF_DATES = [date(2023, 9, 20), date(2023, 10, 1), date(2023, 11, 15), date(2024, 1, 28), date(2024, 3, 16),
               date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 1)]


def test_the_sql_roll_up_equals_the_pandas_one_for_any_plan(engine: Engine) -> None:
    """Six stations (two untouched seed copies, one with the demo progress, three shuffled) and a
    station without a plan, at dates across the year: table and grid equal, cell for cell."""
    copy_stations(engine, 6)
    with session_scope(engine) as session:
        apply_demo_snapshot(session, 2, 2567)
        services.create_station(session, CLI, "Z0007", "สถานีไม่มีแผน")
    _shuffle_plans(engine, range(4, 7))
    ids = [1, 2, 3, 4, 5, 6, 7]
    with Session(engine) as session:
        for as_of in AS_OF_DATES:
            for settings in (SETTINGS, Settings(at_risk_days=30, behind_points=10)):
                table, grid = province.station_table(session, ids, 2567, as_of, settings)
                expected_table, expected_grid = _pandas_station_table(session, ids, 2567, as_of, settings)
                pd.testing.assert_frame_equal(table, expected_table)
                pd.testing.assert_frame_equal(grid, expected_grid)
        table, grid = province.station_table(session, ids, 2567, AS_OF, SETTINGS)
    # the shuffled stations reach every colour; the station without a plan is grey, nothing rated
    assert set(grid.loc[[4, 5, 6]].stack()) == {"red", "yellow", "green", "grey"}
    last = table.set_index("code").loc["Z0007"]
    assert (last["rated"], last["overall"], last["percent_done"]) == (0, "grey", 0.0)
    assert set(grid.loc[7]) == {"grey"}


def test_a_year_without_plans_rolls_up_grey(stations: Engine) -> None:
    with Session(stations) as session:
        table, grid = province.station_table(session, [1, 2, 3], 2568, date(2025, 1, 1), SETTINGS)
        expected_table, expected_grid = _pandas_station_table(session, [1, 2, 3], 2568, date(2025, 1, 1),
                                                              SETTINGS)
    pd.testing.assert_frame_equal(table, expected_table)
    pd.testing.assert_frame_equal(grid, expected_grid)
    assert list(table["overall"]) == ["grey"] * 3 and set(grid.stack()) == {"grey"}


def test_the_roll_up_runs_without_postgres_jit_and_only_in_its_transaction(stations: Engine) -> None:
    """PostgreSQL spent 0.75 s JIT-compiling the national roll-up (issue 18): it is turned off for
    the roll-up's transaction only, and SQLite is left alone."""
    if stations.dialect.name != "postgresql":
        with Session(stations) as session:
            province.indicator_counts(session, [1, 2, 3], 2567, AS_OF, SETTINGS)  # no SET on SQLite
        return
    with Session(stations) as session:
        before = session.execute(sql_text("SHOW jit")).scalar_one()
        province.indicator_counts(session, [1, 2, 3], 2567, AS_OF, SETTINGS)
        assert session.execute(sql_text("SHOW jit")).scalar_one() == "off"
        session.rollback()
        assert session.execute(sql_text("SHOW jit")).scalar_one() == before


def test_years_with_plans_are_those_with_a_live_row(stations: Engine) -> None:
    with Session(stations) as session:
        assert province.years_with_plans(session) == [2567]
        gone = datetime(2024, 1, 1, tzinfo=UTC)
        session.execute(update(Activity).values(deleted_at=gone))
        assert province.years_with_plans(session) == [2567]  # the OIT items still hold it
        session.execute(update(OitItem).values(deleted_at=gone))
        assert province.years_with_plans(session) == []


def test_province_filter_and_visibility(stations: Engine) -> None:
    with Session(stations) as session:
        assert province.places(session).provinces() == ["ลำพูน", "เชียงใหม่"]
        assert sorted(province.places(session).ids("เชียงใหม่")) == [1, 2]
        assert province.places(session, frozenset({3})).ids() == [3]


def test_places_are_in_code_order(stations: Engine) -> None:
    with Session(stations) as session:
        every, some = province.places(session), province.places(session, frozenset({1, 3}))
        assert every.stations == [(2, "เชียงใหม่"), (3, "ลำพูน"), (1, "เชียงใหม่")]  # S0002, S0003, chiangmai
        assert every.ids() == [2, 3, 1] and some.ids() == [3, 1] and some.ids("ลำพูน") == [3]
        # every station's newest audit row is the newest of all: the key the picker's read gives
        assert province.last_change(session, every.ids()) == province.newest_change(session) is not None


def test_the_heat_map_shows_the_worst_stations_with_colour_and_icon(stations: Engine) -> None:
    with Session(stations) as session:
        table, grid = province.station_table(session, [1, 2, 3], 2567, AS_OF, SETTINGS)
    heat = province.heatmap(table, grid, rows=2).data[0]
    worst = table.sort_values(["overdue", "at_risk"], ascending=False).head(2)
    assert list(heat.y) == list(worst["name"]) and len(heat.x) == 10  # plain names: nothing to escape
    cells = grid.loc[worst["station_id"]].to_numpy()
    assert heat.z.tolist() == [[province.SEVERITY[c] for c in row] for row in cells]
    assert heat.text.tolist() == [[OVERALL_ICON[c] for c in row] for row in cells]


def test_the_heat_map_draws_a_station_name_as_typed() -> None:
    table = pd.DataFrame({"station_id": [7], "name": ["<b>สภ.ทดสอบ</b> & <a href='x'>ลิงก์</a>"],
                          "overdue": [1], "at_risk": [0]})
    grid = pd.DataFrame([["red"] * 10], index=[7], columns=range(1, 11))
    assert list(province.heatmap(table, grid).data[0].y) == [
        "&lt;b&gt;สภ.ทดสอบ&lt;/b&gt; &amp; &lt;a href=&#x27;x&#x27;&gt;ลิงก์&lt;/a&gt;"]


def test_each_heat_map_cell_is_drawn_in_its_lights_own_colour() -> None:
    def colour_at(place: float) -> str:
        """The colour plotly draws at ``place`` (0–1): between two stops it blends them."""
        for (low, low_colour), (high, high_colour) in pairwise(province.HEAT_SCALE):
            if low < high and low <= place <= high:
                assert low_colour == high_colour, f"{place} blends {low_colour} and {high_colour}"
                return low_colour
        raise AssertionError(f"{place} is off the scale")

    top = max(province.SEVERITY.values())  # the heat map's zmax: z / top is the place on the scale
    drawn = {colour: colour_at(severity / top) for colour, severity in province.SEVERITY.items()}
    assert drawn == {colour: LIGHT_HEX[colour] for colour in province.SEVERITY}


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


def test_the_province_cache_key_moves_with_a_write_to_any_station_it_covers(stations: Engine) -> None:
    def marks() -> tuple:
        with Session(stations) as session:
            return tuple(province.last_change(session, ids) for ids in ([1], [3], [1, 2, 3]))

    before = marks()
    with session_scope(stations) as session:
        item = session.exec(select(OitItem).where(OitItem.station_id == 3, OitItem.code == "O1")).one()
        services.update_progress(session, CLI, "oit_item", item.id, item.version, {"status": "in_progress"})
    after = marks()
    assert after[0] == before[0] and after[1] > (before[1] or 0) and after[2] == after[1]
    with session_scope(stations) as session:
        activity = _first(session, Activity, 1)
        services.delete_row(session, CLI, "activity", activity.id, activity.version)
    deleted = marks()
    assert deleted[0] > (after[0] or 0) and deleted[1] == after[1] and deleted[2] == deleted[0]


def test_the_province_picker_offers_a_station_added_since_the_last_run(stations: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["province_as_of_2567"] = AS_OF
    app.switch_page("pages/province.py").run()
    assert app.sidebar.selectbox(key="province").options == ["ทุกจังหวัด (ทั้งภาค)", "ลำพูน", "เชียงใหม่"]
    with session_scope(stations) as session:
        services.create_station(session, CLI, "LPG01", "สถานีตำรวจภูธรเมืองลำปาง", "ลำปาง", "cli")
    app.run()
    assert app.sidebar.selectbox(key="province").options == [
        "ทุกจังหวัด (ทั้งภาค)", "ลำปาง", "ลำพูน", "เชียงใหม่"]
    assert app.metric[0].value == "4"  # the roll-up counts the new station too


def test_the_province_page_rolls_up_once_and_again_after_a_write(stations: Engine,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A rerun with nothing written reuses the cached roll-up (only the page is drawn again); a
    write from elsewhere (here the command line's actor) is shown at the next rerun."""
    calls = []
    roll_up = province.station_table
    monkeypatch.setattr(province, "station_table", lambda *args: calls.append(args[1]) or roll_up(*args))
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["province_as_of_2567"] = AS_OF
    app.switch_page("pages/province.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert list(app.dataframe[0].value["oit_share"]) == [76.0, 0.0, 0.0]  # S0002, S0003, chiangmai
    app.run()
    assert len(calls) == 1
    with session_scope(stations) as session:
        item = session.exec(select(OitItem).where(OitItem.station_id == 1, OitItem.code == "O1")).one()
        services.update_progress(session, CLI, "oit_item", item.id, item.version,
                                 {"status": "done", "evidence_url": "https://example.go.th/o1"}, "cli")
    app.run()
    assert len(calls) == 2 and calls[1] == [2, 3, 1]  # by station code
    assert list(app.dataframe[0].value["oit_share"]) == [76.0, 0.0, 4.0]  # 1 of chiangmai's 25 items


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
