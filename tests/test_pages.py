"""Page tests: the real dashboard script under Streamlit's AppTest, on fresh databases."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
AS_OF = date(2024, 3, 16)


@pytest.fixture
def empty_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'fresh' / 'ita.db'}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    return url


def run_page(page: str | None = None, as_of: date | None = AS_OF) -> AppTest:
    """Run the app (optionally switched to ``pages/<page>.py``) at a fixed as-of date."""
    app = AppTest.from_file(APP, default_timeout=60)
    if as_of:
        app.session_state["as_of_2567"] = as_of
    if page:
        app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_home_creates_and_fills_a_fresh_database(empty_db_url: str) -> None:
    app = run_page(as_of=None)
    assert "สถานีตำรวจภูธรเชียงใหม่" in app.subheader[0].value
    assert "2567" in app.subheader[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["ข้อมูล OIT"] == "25"
    assert metrics["มาตรการ/กิจกรรม"] == "26"
    assert not app.warning  # no demo banner on real seed data


def test_overview_kpis_and_drill_down(demo_engine: Engine) -> None:
    app = run_page("overview")
    values = [m.value for m in app.metric]
    assert values == ["39", "7", "5", "46"]
    assert "16 มี.ค. 2567" in app.caption[0].value
    app.selectbox(key="drill").set_value(9).run()
    table = app.dataframe[0].value
    assert len(table) == 18
    assert set(table["รหัส"]) == {f"O{n}" for n in range(1, 18)} | {"ก25"}


def test_overview_lights_change_with_the_as_of_date(engine: Engine) -> None:
    early = run_page("overview", as_of=date(2023, 10, 2))
    assert [m.value for m in early.metric][:3] == ["0", "0", "0"]
    late = run_page("overview", as_of=date(2024, 9, 30))
    # 41 overdue; the 10 rows reported at every month end are due today (30 Sep), so at risk
    assert [m.value for m in late.metric][1:3] == ["10", "41"]


def test_workload_lists_the_most_loaded_first(engine: Engine) -> None:
    app = run_page("workload")
    table = app.dataframe[0].value
    assert table.iloc[0]["ชื่อ"] == "ภัทรพงษ์ พลังช้างสาร"
    assert table.iloc[0]["ค้าง"] == 32 and bool(table.iloc[0]["งานล้นมือ"])
    app.selectbox(key="person").set_value("พินิจ อินตา").run()
    assert len(app.dataframe[1].value) == 21


def test_timeline_shows_the_chart_and_month_list(engine: Engine) -> None:
    app = run_page("timeline")
    assert len(app.get("plotly_chart")) == 1
    months = [e.label for e in app.expander]
    assert months[0].startswith("ต.ค. 66")
    app.toggle(key="reports").set_value(True).run()
    assert sum(int(e.label.split("·")[1].split()[0]) for e in app.expander) == 9 + 38 + 657


def test_meeting_view_and_line_summary(demo_engine: Engine) -> None:
    app = run_page("meeting")
    headers = [h.value for h in app.subheader]
    assert headers[0] == "🔴 เลยกำหนดตั้งแต่ 15 ก.พ. 2567: 2"
    assert headers[-1] == "📅 ครบกำหนดใน 30 วัน: 7"
    app.button(key="line").click().run()
    summary = app.code[0].value
    assert summary.startswith("สรุปความคืบหน้า ITA สถานีตำรวจภูธรเชียงใหม่ ปีงบประมาณ 2567")
    assert "เลยกำหนด 5" in summary
