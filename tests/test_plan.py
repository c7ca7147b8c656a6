"""The plan at an as-of date, on the seed: exact lights and KPIs. ``load`` serves the tests of the
modules that read the plan rows (test_meeting, test_timeline, test_workload)."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import plan, queries
from ita_core.settings import Settings

FY = 2567
AS_OF = date(2024, 3, 16)
SETTINGS = Settings()


def load(engine: Engine, as_of: date = AS_OF) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with Session(engine) as session:
        rows = plan.plan_rows(session, 1, FY, as_of, SETTINGS)
        return (rows, plan.indicator_lights(rows, queries.indicators(session)),
                queries.assignments(session, 1, FY))


def lights(indicators: pd.DataFrame) -> dict[int, str]:
    return dict(zip(indicators["number"], indicators["overall"], strict=True))


def test_demo_snapshot_lights_at_16_march_2024(demo_engine: Engine) -> None:
    rows, indicators, _ = load(demo_engine)
    # in progress (50 %) in the demo: ก4 ก8 ก12 ก16 ก20 ก24 and O4 O8 O12 O16 O20 O24
    assert lights(indicators) == {1: "red", 2: "yellow", 3: "green", 4: "green", 5: "yellow",
                                  6: "yellow", 7: "yellow", 8: "yellow", 9: "red", 10: "red"}
    subs = plan.sub_indicator_lights(rows).set_index("sub_indicator")["overall"].to_dict()
    assert subs == {"9.1": "red", "9.2": "red", "9.3": "yellow", "9.4": "red", "9.5": "green",
                    "10.1": "red", "10.2": "yellow"}
    with Session(demo_engine) as session:
        kpis = plan.kpis(rows, queries.phases(session, 1, FY), AS_OF)
    assert (kpis.done, kpis.at_risk, kpis.overdue) == (39, 7, 5)
    assert kpis.percent_done == pytest.approx(76.5)
    assert (kpis.days_to_next_phase, kpis.next_phase) == (46, "การตรวจ OIT และการให้ข้อสังเกต")


def test_seed_without_progress_at_16_march_2024(engine: Engine) -> None:
    rows, indicators, _ = load(engine)
    assert lights(indicators) == {1: "red", 2: "yellow", 3: "red", 4: "yellow", 5: "yellow",
                                  6: "yellow", 7: "yellow", 8: "yellow", 9: "red", 10: "red"}
    counts = rows["light"].value_counts().to_dict()
    assert counts == {"at_risk": 32, "overdue": 19}
    tools = plan.tool_lights(rows, indicators).set_index("tool")
    assert tools.loc["OIT", "red"] == 14 and tools.loc["IIT", "red"] == 5


def test_rows_without_a_date_are_judged_by_their_next_report(engine: Engine) -> None:
    rows, _, _ = load(engine)
    by_ref = rows.set_index("ref")
    assert by_ref.loc["O7", "due_date"] is None
    assert by_ref.loc["O7", "judged_due"] == date(2024, 3, 28)  # รายงานผลภายในวันที่ ๒๘ ของทุกเดือน
    assert by_ref.loc["O12", "judged_due"] == date(2024, 3, 31)  # ทุกสิ้นเดือน
    assert by_ref.loc["ก2", "judged_due"] == date(2024, 3, 30)  # own date wins


def test_lights_move_with_the_as_of_date(engine: Engine) -> None:
    _, early, _ = load(engine, date(2023, 10, 2))
    assert set(lights(early).values()) == {"green"}
    _, late, _ = load(engine, date(2024, 9, 30))
    assert set(lights(late).values()) == {"red"}


def test_default_as_of() -> None:
    assert plan.default_as_of(FY, today=date(2024, 3, 16)) == date(2024, 3, 16)
    assert plan.default_as_of(FY, today=date(2026, 11, 25)) == date(2024, 9, 30)
    assert plan.default_as_of(FY, today=date(2023, 1, 1)) == date(2023, 10, 1)
