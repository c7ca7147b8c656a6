"""Page tests of the commander's views on the demo snapshot at 16 มี.ค. 2567 (issue 15, items 2–4):
the meeting page lists every late row with its owners and has a presentation mode, the overview
lists the late and at-risk rows and filters its table by light in code order, and the home page
shows each role what needs doing now."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from ita_core import meeting, plan, queries
from ita_core.db import make_engine
from ita_core.labels import STATUS_TH
from ita_core.settings import Settings
from ita_core.status import Light
from ita_ui.styles import PRESENT_CSS, WORD_JOINER
from tests.test_pages import APP, AS_OF, make_user, run_page

LATE = ["O4", "O16", "O20", "O8", "ก4"]  # every overdue row of the demo snapshot, oldest first


def plain(text: str) -> str:
    """A cell of a wrapped table as a person reads it: no joiners, escapes or no-break spaces."""
    return text.replace(WORD_JOINER, "").replace("\u00a0", " ").replace("\\", "")


def shown_table(app: AppTest, index: int = 0) -> list[dict[str, str]]:
    return [{column: plain(str(value)) for column, value in row.items()}
            for row in app.table[index].value.to_dict("records")]


def demo_rows() -> pd.DataFrame:
    with Session(make_engine()) as session:
        return plan.plan_rows(session, 1, 2567, AS_OF, Settings())


def css(app: AppTest) -> list[str]:
    return [element.proto.body for element in app.get("html")]


def test_meeting_lists_every_late_row_with_owners_and_days(demo_engine: Engine) -> None:
    app = run_page("meeting")
    headers = [h.value for h in app.subheader]
    assert headers[0] == "🔴 เลยกำหนด ณ 16 มี.ค. 2567: 5 รายการ"
    assert headers[1] == "🆕 เลยกำหนดตั้งแต่ 15 ก.พ. 2567: 2"  # the old list stays, below
    assert headers[-1] == "📅 ครบกำหนดใน 30 วัน: 7"
    due = shown_table(app, 1)  # whole titles here too, with the days left
    assert [row["รหัส"] for row in due] == ["ก8", "ก12", "ก16", "ก20", "ก24", "O12", "O24"]
    assert due[0]["เหลือเวลา"] == "อีก 4 วัน"
    assert not app.dataframe  # the full table with its downloads is folded, and not built while folded
    app.session_state["due_next_table"] = True  # opened
    app.run()
    assert len(app.dataframe[0].value) == 7
    table = shown_table(app)
    assert [row["รหัส"] for row in table] == LATE
    assert [row["เลยกำหนด"] for row in table] == ["เลยมา 45 วัน"] * 3 + ["เลยมา 16 วัน", "เลยมา 1 วัน"]
    expected = meeting.attention_table(meeting.late_now(demo_rows(), AS_OF))
    assert table == expected.to_dict("records")  # whole titles and every owner
    assert table[0]["ผู้รับผิดชอบ"] == "พินิจ อินตา, ณิชกร หมั่นการ, ภัทรพงษ์ พลังช้างสาร"
    assert PRESENT_CSS not in css(app)
    app.button(key="line").click().run()
    summary = app.code[0].value
    assert summary.startswith("สรุปความคืบหน้า ITA สถานีตำรวจภูธรเชียงใหม่ ปีงบประมาณ 2567")
    assert "เลยกำหนด 5 รายการ:" in summary.splitlines()


def test_presentation_mode_by_toggle_and_by_address(demo_engine: Engine) -> None:
    app = run_page("meeting")
    app.toggle(key="present").set_value(True).run()
    assert PRESENT_CSS in css(app)
    assert '[data-testid="stSidebar"]' in PRESENT_CSS and "display: none" in PRESENT_CSS
    assert app.query_params["present"] == "1"  # a copied link opens it again
    app.toggle(key="present").set_value(False).run()
    assert PRESENT_CSS not in css(app) and "present" not in app.query_params

    linked = AppTest.from_file(APP, default_timeout=60)
    linked.session_state["as_of_2567"] = AS_OF
    linked.query_params["present"] = "1"
    linked.switch_page("pages/meeting.py")
    linked.run()
    assert not linked.exception
    assert linked.toggle(key="present").value is True
    assert PRESENT_CSS in css(linked)
    assert [row["รหัส"] for row in shown_table(linked)] == LATE


def test_overview_lists_late_and_at_risk_rows_under_the_tiles(demo_engine: Engine) -> None:
    app = run_page("overview")
    assert [m.value for m in app.metric] == ["39", "7", "5", "46"]
    assert [row["รหัส"] for row in shown_table(app, 0)] == LATE
    risky = shown_table(app, 1)
    assert [row["รหัส"] for row in risky] == ["ก8", "ก12", "ก16", "ก20", "ก24", "O12", "O24"]
    assert risky[0]["เหลือเวลา"] == "อีก 4 วัน" and risky[0]["กำหนด"] == "20 มี.ค. 2567"
    legend = next(e for e in app.expander if e.label.startswith("ℹ️"))
    assert not legend.markdown  # folded: the legend is written only when opened
    app.session_state["legend"] = True
    app.run()
    legend = next(e for e in app.expander if e.label.startswith("ℹ️"))
    text = "\n".join(m.value for m in legend.markdown)
    for words in ("IIT (ตัวชี้วัด 1–5) แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน",
                  "EIT (ตัวชี้วัด 6–8) แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก",
                  "OIT (ตัวชี้วัด 9–10) แบบวัดการเปิดเผยข้อมูลสาธารณะ", "ก1–ก26 (26 รายการ)",
                  "O1–O25 (25 รายการ)"):
        assert words in text


def test_overview_table_filters_by_light_in_natural_code_order(demo_engine: Engine) -> None:
    app = run_page("overview")
    table = app.dataframe[0].value
    assert list(table["รหัส"]) == [f"ก{n}" for n in range(1, 27)] + [f"O{n}" for n in range(1, 26)]
    assert set(table["สถานะ"]) <= set(STATUS_TH.values())  # Thai words, not "done"
    assert app.multiselect(key="light_filter").value == list(Light)  # all ticked at first
    app.multiselect(key="light_filter").set_value(["overdue"]).run()
    assert list(app.dataframe[0].value["รหัส"]) == ["ก4", "O4", "O8", "O16", "O20"]
    app.multiselect(key="light_filter").set_value(["overdue", "at_risk"]).run()
    assert list(app.dataframe[0].value["รหัส"]) == ["ก4", "ก8", "ก12", "ก16", "ก20", "ก24",
                                                   "O4", "O8", "O12", "O16", "O20", "O24"]
    app.selectbox(key="drill").set_value(9).run()  # the filter holds on one indicator's rows
    assert list(app.dataframe[0].value["รหัส"]) == ["O4", "O8", "O12", "O16"]


def test_home_shows_an_officer_his_own_next_items(demo_engine: Engine) -> None:
    make_user("pinit", "officer", "พินิจ อินตา")
    app = run_page(user="pinit")
    headings = [m.value for m in app.markdown if m.value.startswith("####")]
    assert "#### 📝 งานของฉันที่ต้องทำต่อ ณ 16 มี.ค. 2567: 6 รายการ" in headings
    assert not any("🔴 เลยกำหนด" in h for h in headings)  # an officer's home is his own rows
    table = shown_table(app)
    assert [row["รหัส"] for row in table] == ["O4", "O16", "O20", "O8", "O12", "O24"]
    assert [row["เวลา"] for row in table] == ["เลยมา 45 วัน"] * 3 + ["เลยมา 16 วัน", "อีก 15 วัน", "อีก 15 วัน"]
    with Session(make_engine()) as session:
        assignments = queries.assignments(session, 1, 2567)
    pinit = int(assignments[assignments["name"] == "พินิจ อินตา"]["person_id"].iloc[0])
    expected = meeting.attention_table(meeting.next_items(demo_rows(), assignments, pinit, AS_OF), "เวลา")
    assert table == expected.to_dict("records")


def test_home_shows_the_admin_what_is_late_now_and_anonymous_the_summary(demo_engine: Engine) -> None:
    make_user("boss", "admin")
    app = run_page(user="boss")
    headings = [m.value for m in app.markdown if m.value.startswith("####")]
    assert "#### 🔴 เลยกำหนด ณ 16 มี.ค. 2567: 5 รายการ" in headings
    table = shown_table(app)
    assert [row["รหัส"] for row in table] == LATE
    assert table[-1]["ผู้รับผิดชอบ"] == "สิบเวรทุกนาย, รอง ผกก.ป.๑, ศุภิสรา ดวงทิพย์"
    anonymous = run_page()
    assert not anonymous.table
    assert {m.label: m.value for m in anonymous.metric}["ข้อมูล OIT"] == "25"



def test_overview_compares_with_last_year_and_sees_a_later_change_of_it(demo_engine: Engine) -> None:
    """The comparison is cached (it lights both years' rows three times), yet a change to last
    year's plan made elsewhere (here: the command line) shows at the next rerun."""
    from sqlmodel import select

    from ita_core.auth import CLI
    from ita_core.models import Activity
    from ita_core.services.writer import Writer
    from tests.test_services_rollover import roll

    roll(demo_engine)
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(station="chiangmai", fy="2568", as_of="2025-03-16")
    app.switch_page("pages/overview.py")
    app.run()
    assert not next(e for e in app.main.expander if e.label.startswith("📊")).dataframe  # folded: not built
    app.session_state["year_comparison"] = True  # opened
    app.run()

    def last_year_same_day(indicator: int) -> float:
        expander = next(e for e in app.main.expander if e.label.startswith("📊 เทียบกับปีงบประมาณ 2567"))
        return expander.dataframe[0].value.set_index("ตัวชี้วัด").loc[indicator, "ปีก่อน ณ วันเดียวกัน"]

    assert last_year_same_day(1) == 85.7  # 6 of indicator 1's 7 rows were done by 16 มี.ค. 2567
    with Session(demo_engine) as session:
        done = session.exec(select(Activity).where(Activity.station_id == 1, Activity.fiscal_year == 2567,
                                                   Activity.indicator == 1, Activity.status == "done")
                            .order_by(Activity.seq)).first()
        assert done is not None and done.id is not None
        Writer(session, CLI, source="cli").update_progress(table="activity", row_id=done.id,
                                                           seen_version=done.version,
                                                           values={"status": "in_progress"})
        session.commit()
    app.run()
    assert last_year_same_day(1) == 71.4  # 5 of 7
