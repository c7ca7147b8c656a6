"""The plan at an as-of date, on the seed: exact lights, KPIs, workload and meeting lists."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import meeting, plan, queries, timeline
from ita_core.settings import DEFAULT_DATA_DIR, Settings
from ita_core.status import Light
from ita_core.workload import workload

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


def test_workload_counts_each_row_once_and_flags_overload(engine: Engine) -> None:
    rows, _, assignments = load(engine)
    table = workload(assignments, rows, AS_OF, overload=10).set_index("name")
    web = table.loc["ภัทรพงษ์ พลังช้างสาร"]
    assert (web["open"], web["overdue"], web["total"]) == (32, 15, 32)
    assert web["overloaded"]
    assert (web["web_publisher"], web["data_preparer"]) == (26, 7)  # one row may carry two roles
    group = table.loc["หัวหน้างานทุกสายงาน"]
    assert group["person_kind"] == "group" and not group["overloaded"]
    assert table.index[0] == "ภัทรพงษ์ พลังช้างสาร"  # sorted by load


def test_meeting_lists(demo_engine: Engine) -> None:
    rows, _, _ = load(demo_engine)
    newly = meeting.became_overdue(rows, date(2024, 2, 15), AS_OF)
    assert list(newly["ref"]) == ["O8", "ก4"]
    due = meeting.upcoming(rows, AS_OF)
    assert list(due["ref"]) == ["ก8", "ก12", "ก16", "ก20", "ก24", "O12", "O24"]
    done = meeting.completed_since(rows, date(2024, 3, 1), AS_OF)
    assert len(done) and all(r.light == "done" for r in done.itertuples())
    assert meeting.completed_since(rows, date(2024, 3, 17), AS_OF).empty  # nothing after as-of


def test_line_summary_and_status_lines(demo_engine: Engine) -> None:
    rows, indicators, assignments = load(demo_engine)
    assert meeting.indicator_lines(indicators, "en")[:3] == [
        "1. Performance of duties · red (overdue) · done 6 of 7 rated",
        "2. Use of budget · yellow (at risk) · done 0 of 1 rated",
        "3. Use of authority · green (on track) · done 1 of 1 rated"]
    with Session(demo_engine) as session:
        kpis = plan.kpis(rows, queries.phases(session, 1, FY), AS_OF)
    text = meeting.line_summary("สภ.เชียงใหม่", FY, AS_OF, kpis, indicators, meeting.upcoming(rows, AS_OF),
                                workload(assignments, rows, AS_OF, 10).head(3))
    assert text.splitlines()[:3] == ["สรุปความคืบหน้า ITA สภ.เชียงใหม่ ปีงบประมาณ 2567",
                                     "ข้อมูล ณ 16 มี.ค. 2567",
                                     "เสร็จแล้ว 39 รายการ (76%) · เสี่ยงล่าช้า 7 · เลยกำหนด 5"]
    assert "1. การปฏิบัติหน้าที่ · 🔴 แดง (มีเรื่องเลยกำหนด) · เสร็จ 6 จาก 7 รายการที่ประเมิน" in text.splitlines()
    assert "อีก 46 วัน เริ่มขั้นตอน: การตรวจ OIT และการให้ข้อสังเกต" in text


def test_status_lines_say_when_an_indicator_has_nothing_to_rate() -> None:
    """Another station's plan: indicator 9 holds one continuous row ("ตามปฏิทินกิจกรรม ITA")."""
    indicators = pd.DataFrame({"number": [1, 9], "name_th": ["การปฏิบัติหน้าที่", "การเปิดเผยข้อมูล"],
                               "tool": ["IIT", "OIT"]})
    rows = pd.DataFrame({"indicator": [1, 1, 9], "light": [Light.DONE, Light.OVERDUE, Light.CONTINUOUS]})
    table = plan.indicator_lights(rows, indicators)
    assert list(table["overall"]) == ["red", "grey"]
    assert meeting.indicator_lines(table) == [
        "1. การปฏิบัติหน้าที่ · 🔴 แดง (มีเรื่องเลยกำหนด) · เสร็จ 1 จาก 2 รายการที่ประเมิน",
        "9. การเปิดเผยข้อมูล · ⚪ เทา (ไม่มีรายการให้ประเมิน)"]
    assert meeting.indicator_lines(table, "en") == [
        "1. Performance of duties · red (overdue) · done 1 of 2 rated",
        "9. Disclosure of information · grey (nothing to rate)"]


def test_every_seed_indicator_has_an_english_name() -> None:
    seed = pd.read_csv(DEFAULT_DATA_DIR / "indicators.csv")
    assert sorted(meeting.INDICATOR_EN) == sorted(seed["number"]) == list(range(1, 11))
    assert all(name.isascii() and name for name in meeting.INDICATOR_EN.values())


def test_timeline_events_and_be_axis(engine: Engine) -> None:
    rows, _, _ = load(engine)
    with Session(engine) as session:
        phases = queries.phases(session, 1, FY)
        occurrences = plan.duty_occurrences(queries.recurring_duties(session, 1, FY), FY)
    events = timeline.events(rows, phases, occurrences)
    assert events["type"].value_counts().to_dict() == {"occurrence": 657, "due": 38, "phase": 9}
    fig = timeline.figure(events, FY, AS_OF)
    assert fig.layout.xaxis.ticktext[:4] == ("ต.ค. 66", "พ.ย. 66", "ธ.ค. 66", "ม.ค. 67")
    assert fig.layout.shapes[0].x0 == AS_OF
    months = timeline.month_list(events[events["type"] != "occurrence"])
    assert [m for m, _ in months][:3] == ["ต.ค. 66", "ม.ค. 67", "ก.พ. 67"]
