"""Issue 14's "done when" as one journey: a station added today runs its FY 2570 plan against a
FY 2570 framework made from the 2567 one with two items changed, and every page and export works,
with no one editing code or CSV files by hand.

Everything goes through what a secretary has: the ``ita`` command (``ita_core.cli.main``), the
framework workbook edited as in Excel (openpyxl here), the seed's measures sheet, and the pages of
``dashboard.py``. The journey is built once per module (``journey``); each test checks one step, so
a failure names the step that broke. Stored values are read back through ``ita_core``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from ita_core.cli import main
from ita_core.db import make_engine
from ita_core.exports import COLUMNS
from ita_core.framework import catalogue_of
from ita_core.framework_workbook import COLUMNS as FRAMEWORK_COLUMNS
from ita_core.models import FrameworkPhase, OitItem, Phase, RecurringDuty, Station, SurveyMinimum, SurveyQuota
from ita_core.thai_dates import fiscal_year_bounds, shift_be_years_in_text, shift_year
from tests.conftest import BACKENDS
from tests.transfer_support import seed_plan_sheet

CODE, NAME = "LPN01", "สถานีตำรวจภูธรเมืองลำพูน"
SECRETARY, PASSWORD = "lamphun_secretary", "pass-word-2570"
AS_OF = date(2027, 3, 16)  # a fixed day of FY 2570, so nothing depends on the day the test runs
O5_TITLE = "ช่องทางติดต่อและรับฟังความคิดเห็นของประชาชน"
O5_REQUIREMENT = "ต้องมีช่องทางออนไลน์อย่างน้อยหนึ่งช่องทาง"
O12_DEADLINE, O12_DUE = "ภายใน ๓๐ เม.ย.๗๐", date(2027, 4, 30)
MONTHLY_2567 = {"O3", "O7", "O11", "O12", "O13", "O14", "O15", "O16", "O17", "O20", "O21", "O23"}


@dataclass
class Run:
    """One call of ``ita``: its exit code and what it printed."""

    code: int
    out: str
    err: str


@dataclass
class Journey:
    folder: Path
    url: str
    runs: dict[str, Run] = field(default_factory=dict)

    def station_id(self) -> int:
        with Session(make_engine(self.url)) as session:
            station_id = session.exec(select(Station.id).where(Station.code == CODE)).one()
        assert station_id is not None
        return station_id


def ita(*args: str, stdin: str = "") -> Run:
    """``ita ARGS`` in this process, as a person types it (a password piped on stdin)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def cell_of(book, sheet: str, code: str, key: str):
    """The cell of column ``key`` in the row of ``code`` (the way a person finds it in Excel)."""
    column = [k for k, _ in FRAMEWORK_COLUMNS[sheet]].index(key) + 1
    row = next(r for r in book[sheet].iter_rows(min_row=3) if r[0].value == code)
    return book[sheet].cell(row[0].row, column)


def edit_two_items(path: Path) -> None:
    """The secretary's edit of the exported 2570 framework: O5 gets a new title and requirement,
    O12 is no longer published monthly but once, by 30 April 2570."""
    book = load_workbook(path)
    cell_of(book, "oit_items", "O5", "title_th").value = O5_TITLE
    cell_of(book, "oit_items", "O5", "requirement_th").value = O5_REQUIREMENT
    cell_of(book, "oit_items", "O12", "rhythm").value = "ครั้งเดียวในปี"
    cell_of(book, "oit_items", "O12", "deadline").value = O12_DEADLINE
    cell_of(book, "oit_items", "O12", "due_date").value = datetime(2027, 4, 30)
    book.save(path)


def plan_sheet_2570() -> bytes:
    """The seed's measures sheet with its dates moved to 2570 (๖๗ → ๗๐), as the station writes
    its own plan for the year."""
    def to_2570(_seq: int, row: list[object]) -> None:
        for index in (5, 7):  # due text, follow-up rhythm
            if isinstance(row[index], str):
                row[index] = row[index].replace("๒๕๖๗", "๒๕๗๐").replace("๖๗", "๗๐")

    return seed_plan_sheet(edit=to_2570)


def run_journey(folder: Path) -> dict[str, Run]:
    """Every step through ``ita`` on the database of ``ITA_DATABASE_URL``; stops at a step that fails."""
    runs: dict[str, Run] = {}
    framework, plan = folder / "เกณฑ์ 2570.xlsx", folder / "แผน 2570.xlsx"
    plan.write_bytes(plan_sheet_2570())

    def step(name: str, *args: str, stdin: str = "") -> None:
        runs[name] = run = ita(*args, stdin=stdin)
        assert run.code == 0, (name, run.out, run.err)

    step("copy", "framework", "copy", "--from", "2567", "--to", "2570")
    step("export", "framework", "export", "--fy", "2570", "-o", str(framework))
    edit_two_items(framework)
    step("preview", "framework", "import", str(framework), "--fy", "2570")
    step("commit", "framework", "import", str(framework), "--fy", "2570", "--commit")
    step("station", "station", "add", CODE, NAME, "--province", "ลำพูน")
    step("user", "user", "add", SECRETARY, "--role", "admin", "--station", CODE, stdin=PASSWORD + "\n")
    step("plan", "import", str(plan), "--station", CODE, "--fy", "2570", "--approve-names")
    step("score", "score", "--fy", "2570", "--station", CODE, "--json")
    return runs


@pytest.fixture(scope="module")
def journey(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    """The whole journey on a fresh copy of the seeded SQLite database, every step through ``ita``."""
    folder = tmp_path_factory.mktemp("journey")
    shutil.copy(seeded_template, folder / "ita.db")
    journey = Journey(folder, f"sqlite:///{folder / 'ita.db'}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ITA_DATABASE_URL", journey.url)
        journey.runs = run_journey(folder)
        yield journey


@pytest.fixture(scope="module")
def db_url(journey: Journey) -> str:
    """The journey's database for the module's pages and for ``app_url`` (the e2e app)."""
    return journey.url


@pytest.fixture
def env(journey: Journey, monkeypatch: pytest.MonkeyPatch) -> Journey:
    monkeypatch.setenv("ITA_DATABASE_URL", journey.url)
    return journey


# --- 1. the 2570 framework: copied, exported, two items changed in the workbook, imported ---------

def test_the_preview_lists_exactly_the_two_changed_items(journey: Journey) -> None:
    preview = journey.runs["preview"].out.splitlines()
    assert preview == [
        "ปีงบประมาณ 2570: การเปลี่ยนแปลงของเกณฑ์",
        "  รายการ OIT (oit_items): แก้ไข 2",
        "    ~ O5: ชื่อรายการ: ข้อมูลการติดต่อ / และช่องทาง ถาม-ตอบ รับฟัง ความคิดเห็น → " + O5_TITLE
        + "; สิ่งที่ต้องเผยแพร่: หมายเหตุ : (๑) ทำการปรับปรุงเมื่อมีการเปลี่ยนแปลงข้อมูลทุกค… → "
        + O5_REQUIREMENT,
        "    ~ O12: รอบการเผยแพร่: ทุกเดือน → ครั้งเดียวในปี; กำหนดเวลาตามเกณฑ์: (ว่าง) → ภายใน ๓๐ เม.ย.๗๐; "
        "วันกำหนดส่ง: (ว่าง) → 30 เม.ย. 2570",
        "ยังไม่ได้บันทึก: ใช้ --commit เพื่อนำเข้าจริง / preview only, nothing written"]
    assert journey.runs["preview"].err == ""
    assert journey.runs["commit"].out.splitlines()[:4] == preview[:4]


def test_the_stored_2570_catalogue_is_2567s_moved_three_years_but_for_the_two_items(journey: Journey) -> None:
    def fields(item) -> dict[str, object]:
        return {k: getattr(item, k) for k in ("number", "sub_indicator", "group_heading", "title_th",
                                               "requirement_th", "rhythm", "deadline", "due_date")}

    with Session(make_engine(journey.url)) as session:
        old = {item.code: fields(item) for item in catalogue_of(session, 2567)}
        new = {item.code: fields(item) for item in catalogue_of(session, 2570)}
        versions = {item.code: item.version for item in catalogue_of(session, 2570)}
    assert list(new) == [f"O{n}" for n in range(1, 26)]
    moved = {code: {**fields, "deadline": shift_be_years_in_text(fields["deadline"], 3),
                    "requirement_th": shift_be_years_in_text(fields["requirement_th"], 3),
                    "due_date": fields["due_date"] and shift_year(fields["due_date"], 3)}
             for code, fields in old.items()}
    differing = {code for code in new if new[code] != moved[code]}
    assert differing == {"O5", "O12"}
    assert (new["O5"]["title_th"], new["O5"]["requirement_th"]) == (O5_TITLE, O5_REQUIREMENT)
    assert (new["O12"]["rhythm"], new["O12"]["deadline"], new["O12"]["due_date"]) == ("once", O12_DEADLINE,
                                                                                      O12_DUE)
    assert {code for code, version in versions.items() if version != 1} == {"O5", "O12"}


def test_the_framework_exported_again_shows_the_two_changes(env: Journey) -> None:
    path = env.folder / "again.xlsx"
    assert ita("framework", "export", "--fy", "2570", "-o", str(path)).code == 0
    book = load_workbook(path)
    assert cell_of(book, "oit_items", "O5", "title_th").value == O5_TITLE
    assert cell_of(book, "oit_items", "O5", "requirement_th").value == O5_REQUIREMENT
    assert [cell_of(book, "oit_items", "O12", key).value for key in ("rhythm", "deadline", "due_date")] == [
        "ครั้งเดียวในปี", O12_DEADLINE, datetime(2027, 4, 30)]
    again = ita("framework", "import", str(path), "--fy", "2570")
    assert again.out.splitlines()[0] == "ปีงบประมาณ 2570: ไม่มีอะไรเปลี่ยน"  # the round trip is stable


# --- 2-3. the station added today, its secretary and its first plan ------------------------------

def test_the_new_stations_plan_is_the_2570_catalogue_with_the_two_changes(journey: Journey) -> None:
    assert journey.runs["plan"].out.splitlines()[-2:] == [
        "นำเข้าแล้ว: เพิ่ม 26 แก้ไข 0 แถว, บุคลากรใหม่ 10, มอบหมายใหม่ 20 / imported",
        "เพิ่มรายการ OIT ตามเกณฑ์ปี 2570 25 รายการ (ยังไม่มอบหมายผู้รับผิดชอบ) "
        "/ OIT items added from the year's framework"]
    assert "นอกปีงบประมาณ" not in journey.runs["plan"].out  # the sheet's dates are 2570's
    station = journey.station_id()
    with Session(make_engine(journey.url)) as session:
        items = {i.code: i for i in session.exec(select(OitItem).where(OitItem.station_id == station,
                                                                       OitItem.fiscal_year == 2570))}
        catalogue = {c.code: c.id for c in catalogue_of(session, 2570)}
        duties = session.exec(select(RecurringDuty.oit_item_id)
                              .where(RecurringDuty.station_id == station)).all()
    assert {code: item.catalogue_item_id for code, item in items.items()} == catalogue
    assert items["O5"].title == O5_TITLE
    o12 = items["O12"]
    assert (o12.rhythm_text, o12.due_text, o12.due_date) == ("", O12_DEADLINE, O12_DUE)
    assert items["O13"].rhythm_text == "ทุกเดือน"
    by_id = {item.id: code for code, item in items.items()}
    assert sorted((by_id[d] for d in duties), key=lambda c: int(c[1:])) == sorted(
        MONTHLY_2567 - {"O12"}, key=lambda c: int(c[1:]))  # O12 is no longer a month-end duty


def test_the_new_stations_calendar_and_quotas_are_2570s(journey: Journey) -> None:
    station = journey.station_id()
    start, end = fiscal_year_bounds(2570)
    with Session(make_engine(journey.url)) as session:
        phases = session.exec(select(Phase).where(Phase.station_id == station, Phase.fiscal_year == 2570)
                              .order_by(col(Phase.seq))).all()
        framework = session.exec(select(FrameworkPhase).where(FrameworkPhase.fiscal_year == 2570)
                                 .order_by(col(FrameworkPhase.seq))).all()
        quotas = session.exec(select(SurveyQuota).where(SurveyQuota.station_id == station,
                                                        SurveyQuota.fiscal_year == 2570)).all()
        minimums = session.exec(select(SurveyMinimum).where(SurveyMinimum.fiscal_year == 2570)).all()
    assert len(phases) == 9
    assert [(p.seq, p.name, p.start, p.end) for p in phases] == [
        (f.seq, f.name_th, f.start, f.end) for f in framework]
    assert (phases[0].start, phases[-1].end) == (date(2026, 10, 1), date(2027, 8, 31))
    assert all(start <= p.start <= p.end <= end for p in phases)
    assert sorted((str(q.tool), q.department, q.min_respondents) for q in quotas) == sorted(
        (str(m.tool), m.department, m.min_respondents) for m in minimums)
    assert len(quotas) == len(minimums) > 0
    assert {q.note for q in quotas} == {"ขั้นต่ำตามเกณฑ์ปี 2570"}


def test_the_score_projection_is_json_with_every_key(journey: Journey) -> None:
    projection = json.loads(journey.runs["score"].out)
    assert set(projection) == {"iit", "eit", "oit", "total", "label_th", "label_en", "passed", "gap"}
    assert projection["oit"] == 0.0  # nothing published yet: every item not started
    assert projection["total"] is None  # no IIT/EIT entered for the new year


# --- 4. every page of dashboard.py, as the new station's secretary at 2570 -----------------------

APP = Path(__file__).resolve().parent.parent / "dashboard.py"
PAGES = re.findall(r'st\.Page\("pages/(\w+)\.py"', APP.read_text(encoding="utf-8"))


def open_page(page: str) -> AppTest:
    """``page`` opened from the address ``?station=LPN01&fy=2570&as_of=…`` (a link the secretary
    was sent), after logging in on the home page, as a person clicks through the menu."""
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.query_params.update(station=CODE, fy="2570", as_of=AS_OF.isoformat())
    app.run()
    app.sidebar.text_input(key="login_user").input(SECRETARY)
    app.sidebar.text_input(key="login_password").input(PASSWORD)
    app.sidebar.button[0].click().run()
    assert app.session_state["actor"].username == SECRETARY
    if page != "home":
        app.switch_page(f"pages/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.query_params.get("fy") == "2570"
    if page != "province":  # the province page picks a province, not a station
        assert app.sidebar.selectbox(key="station").value == env_station_id()
    return app


def env_station_id() -> int:
    with Session(make_engine()) as session:
        station_id = session.exec(select(Station.id).where(Station.code == CODE)).one()
    assert station_id is not None
    return station_id


def _frame_row(app: AppTest, column: str, value: str) -> dict[str, object]:
    """The first row of any table on the page whose ``column`` is ``value``."""
    for frame in app.dataframe:
        table = frame.value
        if column in table.columns and (table[column] == value).any():
            return table[table[column] == value].iloc[0].to_dict()
    raise AssertionError(f"no table row with {column} = {value}")


def _matrix_row(app: AppTest, code: str) -> list[str]:
    """The month cells of ``code``'s row in the OIT matrix page's Markdown tables."""
    for block in app.markdown:
        for line in block.value.splitlines():
            if line.startswith(f"| **{code}** |"):
                return [cell.strip() for cell in line.strip("|").split("|")][2:]
    raise AssertionError(f"{code} is not in the matrix")


def _check_home(app: AppTest) -> None:
    assert app.subheader[0].value == f"{NAME} · ปีงบประมาณ 2570"
    assert {m.label: m.value for m in app.metric} == {"มาตรการ/กิจกรรม": "26", "ข้อมูล OIT": "25",
                                                      "ผู้รับผิดชอบ": "10", "ขั้นตอนตามปฏิทิน ITA": "9"}


def _check_overview(app: AppTest) -> None:
    assert _frame_row(app, "รหัส", "O5")["เรื่อง"] == O5_TITLE


def _check_meeting(app: AppTest) -> None:
    assert app.title[0].value == f"ITA {NAME}"


def _check_workload(app: AppTest) -> None:
    assert len(app.dataframe[0].value) == 10  # the ten people the plan sheet named


def _check_timeline(app: AppTest) -> None:
    months = [e.label.split(" · ")[0] for e in app.main.expander]
    assert months and all(m.endswith((" 69", " 70")) for m in months), str(months)  # FY 2570's months only


def _check_province(app: AppTest) -> None:
    assert list(app.dataframe[0].value["code"]) == [CODE]  # the secretary sees his own station only


def _check_my_items(app: AppTest) -> None:
    assert app.selectbox(key="whose").options[0] == "ทุกรายการ"
    assert len(app.selectbox(key="whose").options) == 11  # everyone, then the ten people


def _check_oit_matrix(app: AppTest) -> None:
    assert f"O5 · {O5_TITLE}" in app.selectbox(key="matrix_item").options
    assert _matrix_row(app, "O12") == ["➖"] * 6 + ["⏳ รอเผยแพร่ 30"] + ["➖"] * 5  # once, in April
    assert "➖" not in _matrix_row(app, "O13")  # still monthly


def _check_quotas(app: AppTest) -> None:
    assert [s.value for s in app.subheader][:2] == ["EIT · ผู้มีส่วนได้ส่วนเสียภายนอก", "IIT · ผู้มีส่วนได้ส่วนเสียภายใน"]
    assert not app.warning  # no "the plan contradicts itself" about another station's plan


def _check_score(app: AppTest) -> None:
    assert {m.label: m.value for m in app.metric}["OIT (จากข้อมูลที่เสร็จพร้อมลิงก์)"] == "0.00"
    assert _frame_row(app, "ข้อ", "O5")["ข้อมูล"] == O5_TITLE


def _check_admin(app: AppTest) -> None:
    app.session_state["admin_tab"] = "ผู้ใช้"  # the page draws only the open section
    app.run()
    assert _frame_row(app, "ชื่อผู้ใช้", SECRETARY)["ชื่อผู้ใช้"] == SECRETARY  # the login made with ita user add


def _check_import_plan(app: AppTest) -> None:
    assert app.sidebar.selectbox(key="fiscal_year").value == 2570


def _check_audit(app: AppTest) -> None:
    app.selectbox(key="audit_table").set_value("oit_item").run()  # the import wrote more than one page
    trail = app.dataframe[0].value
    assert "title" in set(trail[trail["ค่าใหม่"] == O5_TITLE]["ช่อง"])  # the station's O5, added by the import


def _check_framework(app: AppTest) -> None:
    assert _frame_row(app, "รหัส", "O5")["ข้อมูล"] == O5_TITLE
    assert _frame_row(app, "รหัส", "O12")["รอบการเผยแพร่"] == "ครั้งเดียวในปี"


CHECKS = {"home": _check_home, "overview": _check_overview, "meeting": _check_meeting,
          "workload": _check_workload, "timeline": _check_timeline, "province": _check_province,
          "my_items": _check_my_items, "oit_matrix": _check_oit_matrix, "quotas": _check_quotas,
          "score": _check_score, "admin": _check_admin, "import_plan": _check_import_plan,
          "audit": _check_audit, "framework": _check_framework}


def test_every_page_of_the_dashboard_has_a_check() -> None:
    assert sorted(PAGES) == sorted(CHECKS)  # a new page gets its check here


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_for_the_new_station_at_2570(env: Journey, page: str) -> None:
    CHECKS[page](open_page(page))


# --- 5. every export of the station's year, opened as data -----------------------------------------

TABLES = sorted({*COLUMNS, "plan"})


def _export(journey: Journey, table: str, fmt: str, lang: str = "th") -> Path:
    """``ita export TABLE`` of the new station's 2570 at AS_OF; the file it wrote."""
    path = journey.folder / f"{table}.{lang}.{fmt}"
    run = ita("export", table, "--format", fmt, "--lang", lang, "-o", str(path), "--station", CODE,
              "--fy", "2570", "--as-of", AS_OF.isoformat())
    assert (run.code, run.err) == (0, ""), run
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _cells(path: Path) -> list[str]:
    """Every text cell of every sheet of a workbook."""
    book = load_workbook(path, read_only=True)
    return [str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
            for value in row if value is not None]


# rows each table of the station's year holds: the plan's 26 measures, the 25 catalogue items, the
# 10 people the sheet named, the 9 calendar steps, one row per indicator; no issues or counts yet
ROWS = {"activities": 26, "oit-items": 25, "oit-matrix": 25, "people": 10, "phases": 9, "plan-issues": 0,
        "plan-rows": 26 + 25, "summary": 10, "survey-counts": 0}
SHOW_O5 = {"oit-items", "oit-matrix", "plan-rows", "audit"}  # tables that carry the OIT items' titles


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("table", TABLES)
def test_every_export_of_the_new_stations_year_opens_as_data(env: Journey, table: str, lang: str) -> None:
    cells = _cells(_export(env, table, "xlsx", lang))
    if table == "plan":  # the whole plan workbook: a sheet per table, the OIT sheet with the new texts
        sheets = load_workbook(env.folder / f"plan.{lang}.xlsx", read_only=True).sheetnames
        assert {"สรุปตัวชี้วัด", "รายการ ณ วันที่", "กิจกรรม", "ข้อมูล OIT", "ปฏิทิน ITA"} <= set(sheets)
        assert O5_TITLE in cells and O12_DEADLINE in cells
        return
    rows = _csv_rows(_export(env, table, "csv", lang))
    headers = [key if lang == "en" else title for key, title in COLUMNS[table]]
    if table in ROWS:
        assert len(rows) == ROWS[table]
    assert rows == [] or list(rows[0])[:len(headers)] == headers  # the matrix: its months follow
    assert all(header in cells for header in headers)  # the workbook has the same headers
    assert (O5_TITLE in cells) == (table in SHOW_O5)
    assert any(O5_TITLE in row.values() for row in rows) == (table in SHOW_O5)


def test_the_stations_roll_up_has_the_new_station(env: Journey) -> None:
    rows = {row["code"]: row for row in _csv_rows(_export(env, "stations", "csv", lang="en"))}
    assert (rows[CODE]["name"], rows[CODE]["province"], rows[CODE]["done"]) == (NAME, "ลำพูน", "0")


def test_the_oit_exports_carry_the_two_changed_items(env: Journey) -> None:
    items = {row["code"]: row for row in _csv_rows(_export(env, "oit-items", "csv", lang="en"))}
    assert items["O5"]["title"] == O5_TITLE
    assert (items["O12"]["due_text"], items["O12"]["due_date"], items["O12"]["rhythm"]) == (
        O12_DEADLINE, "2027-04-30", "")
    assert items["O13"]["rhythm"] == "ทุกเดือน"
    matrix = {row["ข้อ"]: row for row in _csv_rows(_export(env, "oit-matrix", "csv"))}
    months = [title for title in matrix["O12"] if title not in ("ข้อ", "ตัวชี้วัดย่อย", "ข้อมูล")]
    assert months[0] == "ต.ค. 69" and months[-1] == "ก.ย. 70"
    # O12 is now due once, in April 2570; O13 stays monthly
    assert [m for m in months if matrix["O12"][m] != "ไม่ต้องเผยแพร่"] == ["เม.ย. 70"]
    assert all(matrix["O13"][m] != "ไม่ต้องเผยแพร่" for m in months)


# --- in Chromium: the link a secretary is sent opens the new station's year ---------------------

@pytest.mark.e2e
def test_the_new_stations_overview_opens_at_2570_by_its_address(browser, app_url: str) -> None:
    from tests.e2e_support import wait_for_run

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{app_url}/overview?station={CODE}&fy=2570&as_of={AS_OF.isoformat()}")
        wait_for_run(page)
        page.get_by_text(f"{NAME} · ปีงบประมาณ 2570 · ข้อมูล ณ 16 มี.ค. 2570").wait_for(timeout=60_000)
        page.get_by_text(O5_TITLE).first.wait_for(timeout=60_000)  # O5 is late: listed with its new title
        assert page.locator("[data-testid=stException]").count() == 0
        assert page.locator("[data-testid=stAlertContentError]").count() == 0
    finally:
        page.close()


# --- the same journey on PostgreSQL (when the tests have one) ------------------------------------

@pytest.mark.parametrize("engine", [b for b in BACKENDS if b != "sqlite"], indirect=True)
def test_the_journey_through_ita_on_postgresql(engine, tmp_path: Path) -> None:
    """The CLI steps and every export on PostgreSQL; the module's journey above runs on SQLite."""
    runs = run_journey(tmp_path)
    assert runs["preview"].out.splitlines()[1] == "  รายการ OIT (oit_items): แก้ไข 2"
    assert set(json.loads(runs["score"].out)) == {"iit", "eit", "oit", "total", "label_th", "label_en",
                                                  "passed", "gap"}
    with Session(engine) as session:
        station = session.exec(select(Station.id).where(Station.code == CODE)).one()
        titles = {code: title for code, title in session.exec(
            select(OitItem.code, OitItem.title).where(OitItem.station_id == station)).all()}
    assert (len(titles), titles["O5"]) == (25, O5_TITLE)
    journey = Journey(tmp_path, "")
    for table in TABLES:
        _export(journey, table, "xlsx")
    items = {row["ข้อ"]: row for row in _csv_rows(_export(journey, "oit-items", "csv"))}
    assert (items["O5"]["ข้อมูล"], items["O12"]["เวลาดำเนินการ (ตามแผน)"]) == (O5_TITLE, O12_DEADLINE)
