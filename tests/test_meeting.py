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
    assert list(due["days_late"]) == [-4, -14, -14, -14, -14, -15, -15]
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


def _owners(assignments: pd.DataFrame, rows: pd.DataFrame, ref: str) -> str:
    """The names assigned to row ``ref`` in assignment order, read from the assignments table."""
    row = rows.set_index("ref").loc[ref]
    column = "activity_id" if row["kind"] == "activity" else "oit_item_id"
    names = assignments[assignments[column] == row["id"]]["name"].drop_duplicates()
    return "; ".join(names)


def test_late_now_lists_every_overdue_row_with_owners_and_days_late(demo_engine: Engine) -> None:
    rows, _, assignments = load(demo_engine)
    late = meeting.late_now(rows, AS_OF)
    # oldest first; the three of 31 Jan in code order (O4 before O16: numbers, not text)
    assert list(late["ref"]) == ["O4", "O16", "O20", "O8", "ก4"]
    assert list(late["days_late"]) == [45, 45, 45, 16, 1]
    assert len(late) == (rows["light"] == Light.OVERDUE).sum() == 5  # all of them, not only the new ones
    for ref in late["ref"]:
        assert late.set_index("ref").loc[ref, "responsible"] == _owners(assignments, rows, ref)
    assert late.iloc[0]["responsible"] == "พินิจ อินตา; ณิชกร หมั่นการ; ภัทรพงษ์ พลังช้างสาร"
    table = meeting.attention_table(late)
    assert list(table.columns) == ["รหัส", "เรื่อง", "ผู้รับผิดชอบ", "กำหนด", "เลยกำหนด"]
    assert table.iloc[0].to_dict() == {
        "รหัส": "O4", "เรื่อง": rows.set_index("ref").loc["O4", "title"],
        "ผู้รับผิดชอบ": "พินิจ อินตา, ณิชกร หมั่นการ, ภัทรพงษ์ พลังช้างสาร", "กำหนด": "31 ม.ค. 2567",
        "เลยกำหนด": "เลยมา 45 วัน"}
    assert list(table["กำหนด"]) == ["31 ม.ค. 2567"] * 3 + ["29 ก.พ. 2567", "15 มี.ค. 2567"]


def test_at_risk_now_and_an_officers_next_items(demo_engine: Engine) -> None:
    rows, _, assignments = load(demo_engine)
    risky = meeting.at_risk_now(rows, AS_OF)
    assert list(risky["ref"]) == ["ก8", "ก12", "ก16", "ก20", "ก24", "O12", "O24"]
    assert list(risky["days_late"]) == [-4, -14, -14, -14, -14, -15, -15]
    assert list(meeting.attention_table(risky, "เหลือเวลา")["เหลือเวลา"])[:2] == ["อีก 4 วัน", "อีก 14 วัน"]
    pinit = int(assignments[assignments["name"] == "พินิจ อินตา"]["person_id"].iloc[0])
    mine = meeting.next_items(rows, assignments, pinit, AS_OF)
    assert list(mine["ref"]) == ["O4", "O16", "O20", "O8", "O12", "O24"]
    assert list(mine["days_late"]) == [45, 45, 45, 16, -15, -15]
    held = set(assignments[assignments["person_id"] == pinit]["oit_item_id"].dropna().astype(int))
    assert set(mine["id"]) <= held


def test_days_in_words() -> None:
    assert [meeting.days_text(d) for d in (3, 0, -2)] == ["เลยมา 3 วัน", "ครบกำหนดวันนี้", "อีก 2 วัน"]


def test_a_row_nobody_holds_says_so() -> None:
    rows = pd.DataFrame({"ref": ["O1"], "title": ["x"], "responsible": [""],
                         "judged_due": [date(2024, 1, 31)], "days_late": [3]})
    assert meeting.attention_table(rows).iloc[0]["ผู้รับผิดชอบ"] == meeting.NOBODY_TH


def test_bullets_keep_whole_titles_and_show_markdown_as_typed() -> None:
    title = "จัดทำป้าย ประชาสัมพันธ์ ช่องทางร้องเรียน การทุจริต และประพฤติมิชอบ หน้าสถานี ทุกจุดบริการ"
    rows = pd.DataFrame({"ref": ["ก1", "ก2"], "title": [title, "**ด่วน** [คลิก](http://x.test) $5 :red[a]"]})
    lines = meeting.bullets(rows).splitlines()
    assert lines[0] == f"- ก1 {title}"  # whole: no "…ทำป้าย ปร"
    assert lines[1] == r"- ก2 \*\*ด่วน\*\* \[คลิก\]\(http\://x\.test\) \$5 \:red\[a\]"


def test_line_summary_lists_every_late_row_with_whole_titles_and_owners(demo_engine: Engine) -> None:
    rows, indicators, assignments = load(demo_engine)
    with Session(demo_engine) as session:
        kpis = plan.kpis(rows, queries.phases(session, 1, FY), AS_OF)
    late = meeting.late_now(rows, AS_OF)
    due = meeting.upcoming(rows, AS_OF)
    lines = meeting.line_summary("สภ.เชียงใหม่", FY, AS_OF, kpis, indicators, due, workload(
        assignments, rows, AS_OF, 10).head(3), late=late).splitlines()
    start = lines.index("เลยกำหนด 5 รายการ:")
    o4 = rows.set_index("ref").loc["O4", "title"]
    assert lines[start + 1] == f"- O4 {o4} (เลยมา 45 วัน · ผู้รับผิดชอบ: พินิจ อินตา, ณิชกร หมั่นการ, ภัทรพงษ์ พลังช้างสาร)"
    assert [line.split()[1] for line in lines[start + 1:start + 6]] == ["O4", "O16", "O20", "O8", "ก4"]
    titles = rows.set_index("ref")["title"]
    for ref in due["ref"]:  # every due-next line carries the whole title
        assert any(line.startswith(f"- {ref} {titles[ref]} (") for line in lines), ref
