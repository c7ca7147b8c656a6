"""The chosen date in BE beside Streamlit's Gregorian date pickers (ita_ui.dates)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from ita_ui.dates import be_text, combine
from tests.date_support import pick_be_date, shown_be_date
from tests.test_pages import make_user, run_page


def test_be_text_of_a_date_a_range_and_nothing() -> None:
    assert be_text(date(2024, 3, 16)) == "พ.ศ.: 16 มี.ค. 2567"
    assert be_text((date(2024, 3, 1), date(2024, 3, 31))) == "พ.ศ.: 1 มี.ค. 2567 – 31 มี.ค. 2567"
    assert be_text(()) == "" and be_text(None) == ""


def test_a_be_date_is_whole_and_within_its_bounds() -> None:
    fy = {"min_value": date(2023, 10, 1), "max_value": date(2024, 9, 30)}
    assert combine(16, 3, 2567, **fy) == (date(2024, 3, 16), "")  # 16 มี.ค. 2567
    assert combine(31, 2, 2567, **fy) == (None, "ก.พ. 2567 มี 29 วัน")
    assert combine(15, 9, 2566, **fy) == (None, "เลือกได้ 1 ต.ค. 2566 – 30 ก.ย. 2567")
    assert combine(None, 3, 2567, **fy) == (None, "")


def test_pages_ask_for_dates_in_be(engine: Engine) -> None:
    meeting = run_page("meeting")
    assert shown_be_date(meeting.sidebar, "since") == (15, "ก.พ.", 2567)  # 30 days before 16 มี.ค. 2567
    assert shown_be_date(meeting.sidebar, "as_of_2567") == (16, "มี.ค.", 2567)
    assert not meeting.date_input and not meeting.sidebar.date_input  # no Gregorian picker left
    pick_be_date(meeting.sidebar, "since", date(2024, 3, 1))
    meeting.run()
    assert not meeting.exception
    assert any(h.value.startswith("🆕 เลยกำหนดตั้งแต่ 1 มี.ค. 2567") for h in meeting.subheader)
    assert meeting.sidebar.selectbox(key="station").placeholder == "เลือกสถานี"  # no "Choose an option"
    make_user("admin", "admin")
    quotas = run_page("quotas", user="admin")
    assert shown_be_date(quotas, "count_day") == (16, "มี.ค.", 2567)
    admin = run_page("admin", user="admin")
    years = [box.value for box in admin.selectbox
             if box.key and box.key.startswith("due_date_") and box.key.endswith("_year")]
    assert years and set(years) <= {2567, None}  # the activity forms' due dates: BE years, or none set


def test_a_day_out_of_the_fiscal_year_is_refused_and_the_page_keeps_its_date(engine: Engine) -> None:
    meeting = run_page("meeting")
    pick_be_date(meeting.sidebar, "as_of_2567", date(2024, 10, 31))  # ต.ค. 2567 is fiscal year 2568
    meeting.run()
    assert not meeting.exception
    assert shown_be_date(meeting.sidebar, "as_of_2567") == (31, "ต.ค.", 2567)  # what was picked stays
    assert [w.value for w in meeting.sidebar.warning] == [
        "ข้อมูล ณ วันที่: เลือกได้ 1 ต.ค. 2566 – 30 ก.ย. 2567 · ยังใช้ 16 มี.ค. 2567"]
    assert meeting.query_params["as_of"] == "2024-03-16"
    meeting.sidebar.selectbox(key="as_of_2567_month").set_value(3).run()  # then a month of the year
    assert shown_be_date(meeting.sidebar, "as_of_2567") == (31, "มี.ค.", 2567)
    assert not meeting.sidebar.warning and meeting.query_params["as_of"] == "2024-03-31"
