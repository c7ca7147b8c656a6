"""The meeting view: overdue, upcoming and completed lists, status lines and the LINE summary."""

from datetime import date

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import meeting, plan, queries
from ita_core.settings import DEFAULT_DATA_DIR
from ita_core.status import Light
from ita_core.workload import workload
from tests.test_plan import AS_OF, FY, load


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
