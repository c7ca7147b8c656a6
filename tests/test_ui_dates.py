"""The chosen date in BE beside Streamlit's Gregorian date pickers (ita_ui.dates)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from ita_ui.dates import be_text
from tests.test_pages import make_user, run_page


def test_be_text_of_a_date_a_range_and_nothing() -> None:
    assert be_text(date(2024, 3, 16)) == "พ.ศ.: 16 มี.ค. 2567"
    assert be_text((date(2024, 3, 1), date(2024, 3, 31))) == "พ.ศ.: 1 มี.ค. 2567 – 31 มี.ค. 2567"
    assert be_text(()) == "" and be_text(None) == ""


def test_pages_that_ask_for_a_date_show_it_in_be(engine: Engine) -> None:
    meeting = run_page("meeting")
    assert "พ.ศ.: 15 ก.พ. 2567" in [c.value for c in meeting.sidebar.caption]  # 30 days before 16 มี.ค.
    make_user("admin", "admin")
    quotas = run_page("quotas", user="admin")
    assert "พ.ศ.: 16 มี.ค. 2567" in [c.value for c in quotas.caption]
    admin = run_page("admin", user="admin")
    assert any(c.value.startswith("พ.ศ.: ") for c in admin.caption)  # the activity form's due date


def test_the_audit_page_names_sources_and_tables_in_thai(engine: Engine) -> None:
    from ita_core.labels import SOURCE_TH, TABLE_TH

    make_user("admin", "admin")
    trail = run_page("audit", user="admin").dataframe[0].value
    assert len(trail) and set(trail["ช่องทาง"]) <= set(SOURCE_TH.values())
    assert set(trail["ตาราง"]) <= set(TABLE_TH.values())
