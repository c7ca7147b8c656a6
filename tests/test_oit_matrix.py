"""The OIT publication matrix: rhythm expansion, cell states at fixed dates, ticking, export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import oit_matrix, services
from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.links import LinkResult
from ita_core.models import AuditLog, DutyKind, OitItem, Person, Publication, RecurringDuty, Station
from ita_core.oit_matrix import CellState, cell_state, due_by_month
from ita_core.recurring import occurrences
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.services.writer import Writer
from ita_core.thai_dates import fiscal_year_bounds
from tests.test_queries import NEW_SUB_9_1, SEED_SUB_NAMES, renamed_in_2568

FY = 2567
AS_OF = date(2024, 3, 16)
MONTHS = ["2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06",
          "2024-07", "2024-08", "2024-09"]
WEB_OFFICER = "ภัทรพงษ์ พลังช้างสาร"  # assigned to all 25 OIT items


def item(session: Session, code: str) -> OitItem:
    return session.exec(select(OitItem).where(OitItem.code == code)).one()


def officer(session: Session, name: str = WEB_OFFICER) -> Actor:
    person = session.exec(select(Person.id).where(Person.name == name)).one()
    return Actor("somchai", "officer", person_id=person)


def row_of(matrix, code: str) -> list[str]:
    return matrix.set_index("code").loc[code, MONTHS].tolist()


def test_monthly_oct_to_mar_duty_of_o7_expands_into_six_month_ends(session: Session) -> None:
    o7 = item(session, "O7")
    publishing = session.exec(select(RecurringDuty).where(RecurringDuty.oit_item_id == o7.id,
                                                          RecurringDuty.kind == DutyKind.MONTH_END)).one()
    assert occurrences(publishing, *fiscal_year_bounds(FY)) == [
        date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29),
        date(2024, 3, 31)]
    alone = due_by_month(None, [publishing], FY)
    assert list(alone) == [date(2023, 10, 1), date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1),
                           date(2024, 2, 1), date(2024, 3, 1)]
    # with O7's other duty (report on the 28th all year): 12 months, the month end rules Oct–Mar
    both = due_by_month(None, item_duties(session, o7), FY)
    assert len(both) == 12
    assert (both[date(2024, 2, 1)], both[date(2024, 3, 1)], both[date(2024, 4, 1)]) == (
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 28))


def item_duties(session: Session, oit: OitItem) -> list[RecurringDuty]:
    return list(session.exec(select(RecurringDuty).where(RecurringDuty.oit_item_id == oit.id)))


def test_one_off_item_has_a_single_cell_in_its_due_month() -> None:
    assert due_by_month(date(2024, 1, 31), [], FY) == {date(2024, 1, 1): date(2024, 1, 31)}
    assert due_by_month(None, [], FY) == {}
    assert due_by_month(date(2025, 1, 31), [], FY) == {}  # outside the fiscal year


@pytest.mark.parametrize(("required", "due", "done", "as_of", "state"), [
    (True, date(2024, 1, 31), False, date(2024, 1, 31), CellState.DUE),  # due today is not late
    (True, date(2024, 1, 31), False, date(2024, 2, 1), CellState.OVERDUE),
    (True, date(2024, 1, 31), True, date(2024, 2, 1), CellState.DONE),
    (False, None, False, date(2024, 2, 1), CellState.NOT_REQUIRED),
    (False, None, True, date(2024, 2, 1), CellState.DONE),
])
def test_cell_state_rules(required: bool, due: date | None, done: bool, as_of: date,
                          state: CellState) -> None:
    assert cell_state(required=required, due=due, done=done, as_of=as_of) == state


def test_matrix_of_the_seed_on_16_march_2567(session: Session, station: Station) -> None:
    cells = oit_matrix.cells(session, station.id, FY, AS_OF)
    assert len(cells) == 25 * 12
    matrix = oit_matrix.matrix(cells)
    assert list(matrix.columns) == ["code", "sub_indicator", "title", *MONTHS]
    assert list(matrix["code"]) == [f"O{n}" for n in range(1, 26)]
    assert row_of(matrix, "O1") == ["n/a"] * 3 + ["overdue"] + ["n/a"] * 8
    assert row_of(matrix, "O7") == ["overdue"] * 5 + ["due"] * 7
    assert row_of(matrix, "O24") == ["n/a"] * 5 + ["due"] + ["n/a"] * 6
    assert oit_matrix.summary(cells) == {"done": 0, "due": 86, "overdue": 71}
    labels = oit_matrix.matrix(cells, "label").columns[3:]
    assert (labels[0], labels[-1]) == ("ต.ค. 66", "ก.ย. 67")


def test_the_matrix_names_sub_indicators_as_each_years_framework_does(engine: Engine) -> None:
    renamed_in_2568(engine)
    with session_scope(engine) as session:
        Writer(session, CLI, source="cli").rollover(station_id=1, from_year=FY, to_year=2568)
    headings = {}
    with Session(engine) as session:
        for year, as_of in ((FY, AS_OF), (2568, date(2025, 3, 16))):
            names = oit_matrix.sub_indicator_names(session, year)
            tables = oit_matrix.markdown_tables(oit_matrix.cells(session, 1, year, as_of), names)
            headings[year] = [heading for heading, _ in tables]
    assert headings[FY] == [f"{code} {name}" for code, name in SEED_SUB_NAMES.items()]
    assert headings[2568] == [f"9.1 {NEW_SUB_9_1}", *headings[FY][1:]]
    assert headings[FY][0] == "9.1 ข้อมูลพื้นฐาน"


def test_the_to_do_list_is_every_overdue_cell_then_the_next_30_days(session: Session,
                                                                     station: Station) -> None:
    todo = oit_matrix.to_do(oit_matrix.cells(session, station.id, FY, AS_OF), AS_OF)
    assert todo["state"].value_counts().to_dict() == {"overdue": 71, "due": 14}
    assert list(todo["code"][:3]) == ["O3", "O20", "O21"]  # due 28 Oct 2566, in item order
    assert todo["due"].is_monotonic_increasing and todo["due"].iloc[-1] == date(2024, 3, 31)


def test_an_officers_own_cells_and_their_to_do_counts(session: Session, station: Station) -> None:
    """His to-do list is the cells of the items he is responsible for, not the station's 85."""
    from ita_core import queries

    cells = oit_matrix.cells(session, station.id, FY, AS_OF)
    assignments = queries.assignments(session, station.id, FY)
    kor = officer(session, "กร พินิจสุวรรณ").person_id
    codes = ("O3", "O10", "O11", "O23")
    assert oit_matrix.items_of(assignments, kor) == {item(session, code).id for code in codes}
    own = oit_matrix.cells_of(cells, assignments, kor)
    assert len(own) == 4 * 12 and set(own["code"]) == {"O3", "O10", "O11", "O23"}
    todo = oit_matrix.to_do(own, AS_OF)
    assert oit_matrix.to_do_counts(todo) == {"overdue": 16, "due": 3}  # 3 items × Oct–Feb and O10; March × 3
    assert len(oit_matrix.cells_of(cells, assignments, officer(session).person_id)) == 25 * 12
    assert oit_matrix.cells_of(cells, assignments, None).empty  # a login not linked to a person
    assert oit_matrix.to_do_counts(todo.iloc[0:0]) == {"overdue": 0, "due": 0}


def test_ticking_a_cell_and_a_done_one_off_item(engine: Engine) -> None:
    with session_scope(engine) as session:
        o7, o1 = item(session, "O7"), item(session, "O1")
        saved = services.set_publication(session, officer(session), o7.id, date(2023, 11, 15), True,
                                         "https://chiangmai.police.go.th/oit/o7-2566-11.pdf")
        o1_id = o1.id
        services.update_progress(session, Actor("admin", "admin"), "oit_item", o1_id, o1.version,
                                 {"status": "done", "evidence_url": "https://chiangmai.police.go.th/oit/o1"})
    assert saved.version == 1
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        cells = oit_matrix.cells(session, station.id, FY, AS_OF)
        stored = session.exec(select(Publication)).one()
        trail = session.exec(select(AuditLog).where(AuditLog.table_name == "publication")).all()
    matrix = oit_matrix.matrix(cells)
    assert row_of(matrix, "O7")[:2] == ["overdue", "done"]
    assert row_of(matrix, "O1")[3] == "done"
    o1_cell = cells[(cells["code"] == "O1") & (cells["key"] == "2024-01")].iloc[0]
    assert o1_cell["url"] == "https://chiangmai.police.go.th/oit/o1"
    assert oit_matrix.summary(cells) == {"done": 2, "due": 86, "overdue": 69}
    assert (stored.month, stored.updated_by, stored.station_id, stored.fiscal_year) == (
        date(2023, 11, 1), "somchai", station.id, FY)
    assert {(a.field, a.new) for a in trail} >= {("done", "true"), ("month", "2023-11-01")}
    assert "[เผยแพร่แล้ว](https://chiangmai.police.go.th/oit/o7-2566-11.pdf)" in oit_matrix.cell_text(
        cells[(cells["code"] == "O7") & (cells["key"] == "2023-11")].iloc[0])


def test_untick_needs_the_version_seen_and_a_second_create_is_a_conflict(engine: Engine) -> None:
    url = "https://chiangmai.police.go.th/oit/o3-2567-01"
    with session_scope(engine) as session:
        o3 = item(session, "O3").id
        services.set_publication(session, officer(session), o3, date(2024, 1, 1), True, url)
    with session_scope(engine) as session, pytest.raises(ConflictError) as conflict:
        services.set_publication(session, Actor("admin", "admin"), o3, date(2024, 1, 1), True, url + "b")
    assert conflict.value.theirs["url"] == url and conflict.value.current_version == 1
    with session_scope(engine) as session:
        saved = services.set_publication(session, Actor("admin", "admin"), o3, date(2024, 1, 1), False, url,
                                         expected_version=1)
    assert saved.version == 2


@pytest.mark.parametrize(("code", "month", "done", "url", "message"), [
    ("O1", date(2023, 10, 1), True, "https://x.go.th/o1", "ไม่ต้องเผยแพร่ในเดือน ต.ค. 66"),
    ("O7", date(2023, 10, 1), True, "", "ต้องใส่ลิงก์"),
    ("O7", date(2023, 10, 1), True, "www.police.go.th", "http"),
])
def test_bad_ticks_are_refused_in_thai(session: Session, code: str, month: date, done: bool, url: str,
                                       message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.set_publication(session, Actor("admin", "admin"), item(session, code).id, month, done, url)


def test_only_assigned_officers_and_admins_tick(session: Session) -> None:
    o7 = item(session, "O7")
    with pytest.raises(PermissionDenied, match="ได้รับมอบหมาย"):  # O7 is not his (O2 is)
        services.set_publication(session, officer(session, "อนุทิน พุดดี"), o7.id, date(2023, 10, 1), True,
                                 "https://x.go.th/o7")
    with pytest.raises(PermissionDenied):
        services.set_publication(session, Actor("anonymous", "viewer"), o7.id, date(2023, 10, 1), True,
                                 "https://x.go.th/o7")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_export_oit_matrix_csv_and_xlsx(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert main(["export", "oit-matrix", "--format", "csv", "--lang", "en", "--as-of", "2024-03-16",
                 "-o", str(out)]) == 0
    rows = read_csv(out)
    assert list(rows[0]) == ["code", "sub_indicator", "title", *MONTHS]
    assert [r["code"] for r in rows] == [f"O{n}" for n in range(1, 26)]
    assert {v for r in rows for k, v in r.items() if k in MONTHS} == {"due", "overdue", "n/a"}
    o7 = rows[6]
    assert [o7[m] for m in MONTHS] == ["overdue"] * 5 + ["due"] * 7
    xlsx = tmp_path / "m.xlsx"
    assert main(["export", "oit-matrix", "--format", "xlsx", "--as-of", "2024-03-16", "-o", str(xlsx)]) == 0
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[2]][:4] == ["ข้อ", "ตัวชี้วัดย่อย", "ข้อมูล", "ต.ค. 66"]
    assert sheet["G3"].value == "เลยกำหนด" and sheet["C4"].value == "อำนาจหน้าที่ และพื้นที่รับผิดชอบ"


UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
HOSTILE = "![t](http://127.0.0.1:9/x.png) <b>x</b> [l](http://e.x) | ✅"


def test_a_pipe_or_markdown_in_a_url_or_title_adds_no_cell_and_no_link(session: Session) -> None:
    cells = oit_matrix.cells(session, 1, FY, AS_OF)
    o7_oct = (cells["code"] == "O7") & (cells["key"] == "2023-10")
    o7_nov = (cells["code"] == "O7") & (cells["key"] == "2023-11")
    cells.loc[o7_oct, ["state", "url"]] = [CellState.DONE.value, "https://x.go.th/a.pdf|✅ [เผยแพร่แล้ว](http://e.x)|"]
    cells.loc[o7_nov, ["state", "url"]] = [CellState.DONE.value, "javascript:alert(1)"]
    cells.loc[cells["code"] == "O1", "title"] = HOSTILE
    tables = dict(oit_matrix.markdown_tables(cells, {}, title_chars=200))
    lines = [line for table in tables.values() for line in table.splitlines()]
    assert {len(UNESCAPED_PIPE.findall(line)) for line in lines} == {15}  # 2 columns + 12 months, every row
    [o7] = [line for line in lines if line.startswith("| **O7**")]
    assert [cell.strip() for cell in UNESCAPED_PIPE.split(o7)[3:5]] == [
        "✅ [เผยแพร่แล้ว](https://x.go.th/a.pdf%7C%E2%9C%85%20%5B%E0%B9%80%E0%B8%9C%E0%B8%A2%E0%B9%81%E0%B8%9E"
        "%E0%B8%A3%E0%B9%88%E0%B9%81%E0%B8%A5%E0%B9%89%E0%B8%A7%5D%28http://e.x%29%7C)",
        "✅ เผยแพร่แล้ว"]  # javascript: is no link
    [o1] = [line for line in lines if line.startswith("| **O1**")]
    assert "![" not in o1 and "<b>" not in o1 and "](" not in o1
    assert r"\!\[t\]\(http\://127\.0\.0\.1\:9/x\.png\) \<b\>x\</b\> \[l\]\(http\://e\.x\) \| ✅" in o1


def test_the_pages_cache_key_moves_with_a_tick_a_link_check_and_a_plan_row(engine: Engine) -> None:
    """``data_version`` keys the OIT matrix page's cached reads: every write the page shows moves it."""
    def version() -> tuple[object, ...]:
        with Session(engine) as session:
            return oit_matrix.data_version(session, 1, FY)

    seen = [version()]
    url = "https://chiangmai.police.go.th/oit/o7-2566-11.pdf"
    with session_scope(engine) as session:
        Writer(session, officer(session)).set_publication(item_id=item(session, "O7").id,
                                                          month=date(2023, 11, 1), done=True, url=url)
    seen.append(version())
    with session_scope(engine) as session:
        Writer(session, CLI, source="cli").record_link_checks(
            station_id=1, results=[LinkResult(url, False, status_code=404, error="HTTP 404")])
    seen.append(version())
    with session_scope(engine) as session:
        o1 = item(session, "O1")
        Writer(session, Actor("admin", "admin")).delete_row(table="oit_item", row_id=o1.id,
                                                            seen_version=o1.version)
    seen.append(version())
    assert len(set(seen)) == 4 and version() == seen[-1]  # reading moves nothing
    with Session(engine) as session:
        cells = oit_matrix.cells(session, 1, FY, AS_OF)
    assert len(cells) == 24 * 12 and "O1" not in set(cells["code"])  # a deleted item leaves the matrix
    o7 = cells[(cells["code"] == "O7") & (cells["key"] == "2023-11")].iloc[0]
    assert (o7["done"], o7["url"], o7["publication_id"], o7["version"]) == (True, url, 1, 1)


def test_the_export_of_cells_already_read_equals_the_export_read_afresh(session: Session) -> None:
    cells = oit_matrix.cells(session, 1, FY, AS_OF)
    for lang in ("th", "en"):
        frame, columns = oit_matrix.export_frame(cells, FY, lang)
        fresh, fresh_columns = oit_matrix.export_table(session, 1, FY, AS_OF, lang)
        assert frame.equals(fresh) and columns == fresh_columns
    frame, _ = oit_matrix.export_frame(cells, FY)
    assert frame.loc[6, MONTHS].tolist() == ["เลยกำหนด"] * 5 + ["รอเผยแพร่"] * 7  # O7
