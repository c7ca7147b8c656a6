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
        return (rows, plan.indicator_lights(rows, queries.indicators(session, FY)),
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


def test_natural_key_reads_the_numbers_in_codes_as_numbers() -> None:
    assert sorted(["O10", "O2", "O1", "O16"], key=plan.natural_key) == ["O1", "O2", "O10", "O16"]
    assert sorted(["ก10", "ก2", "ก1"], key=plan.natural_key) == ["ก1", "ก2", "ก10"]
    assert sorted(["9.10", "9.2", "10.1"], key=plan.natural_key) == ["9.2", "9.10", "10.1"]
    assert plan.natural_key("ก๑๒") == plan.natural_key("ก12")  # Thai digits are digits
    assert sorted(["O2", "O10"]) == ["O10", "O2"]  # what plain text order did


def test_sort_by_code_gives_plan_order_on_the_seed(engine: Engine) -> None:
    rows, _, _ = load(engine)
    shuffled = rows.sample(frac=1, random_state=7)
    ordered = list(plan.sort_by_code(shuffled)["ref"])
    assert ordered == [f"ก{n}" for n in range(1, 27)] + [f"O{n}" for n in range(1, 26)]


def test_shorten_cuts_at_a_space_never_mid_word() -> None:
    title = "จัดทำ info graphic สรุป ข้อมูลงบประมาณและการ ใช้งบประมาณ ประจำปี"
    assert plan.shorten(title, 60) == "จัดทำ info graphic สรุป ข้อมูลงบประมาณและการ ใช้งบประมาณ…"
    assert plan.shorten(title, 200) == title
    assert plan.shorten("สอง  บรรทัด\nต่อกัน", 50) == "สอง บรรทัด ต่อกัน"  # one line
    # no space in reach: cut before a letter, never between a letter and its vowel or tone mark
    assert plan.shorten("คู่มือ" * 5, 3) == "ค…"
    assert plan.shorten("คู่มือการปฏิบัติงานสำหรับเจ้าหน้าที่", 20) == "คู่มือการปฏิบัติงาน…"


def test_activity_titles_of_the_seed_end_on_a_whole_word(engine: Engine) -> None:
    rows, _, _ = load(engine)
    cut = rows[rows["title"].str.endswith("…")]
    assert len(cut) and (cut["title"].str.len() <= 140).all()
    with Session(engine) as session:
        activities = queries.activities(session, 1, FY).set_index("seq")["activity"]
    for row in cut.itertuples():  # the kept text is a run of whole space-separated words of the plan
        kept = row.title.removesuffix("…")
        source = " ".join(activities[int(row.ref[1:])].split())
        assert source.startswith(kept) and source[len(kept)] == " ", row.ref


def test_code_and_tool_legends_come_from_the_data(engine: Engine) -> None:
    rows, indicators, _ = load(engine)
    assert plan.code_legend(rows) == [
        f"ก1–ก26 (26 รายการ): {plan.KIND_TH['activity']}",
        f"O1–O25 (25 รายการ): {plan.KIND_TH['oit_item']}",
    ]
    legend = plan.tool_legend(indicators)
    assert [line.split(" ที่")[0].split(")")[0] for line in legend] == [
        "IIT (ตัวชี้วัด 1–5", "EIT (ตัวชี้วัด 6–8", "OIT (ตัวชี้วัด 9–10"]
    assert "ภายใน" in legend[0] and "ภายนอก" in legend[1] and "การเปิดเผยข้อมูลสาธารณะ" in legend[2]
    only_oit = plan.code_legend(rows[rows["ref"] == "O7"])
    assert only_oit == [f"O7 (1 รายการ): {plan.KIND_TH['oit_item']}"]


def test_row_titles_are_the_plan_rows_codes_and_titles_without_their_details(session: Session) -> None:
    titles = plan.row_titles(session, 1, 2567)
    rows = plan.plan_rows(session, 1, 2567, date(2024, 3, 16), Settings())
    assert titles.to_dict("records") == rows[["kind", "id", "ref", "title"]].to_dict("records")
    assert (len(titles), titles["ref"].iloc[0], titles["ref"].iloc[-1]) == (51, "ก1", "O25")
