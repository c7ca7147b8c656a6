"""The seed plan as loaded: exact values from the FY 2567 plan of สภ.เชียงใหม่."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ita_core import queries
from ita_core.db import make_engine
from ita_core.models import (
    Activity,
    OitComponent,
    OitItem,
    Person,
    Phase,
    RecurringDuty,
    Station,
    SurveyQuota,
)
from ita_core.recurring import occurrences
from ita_core.seed import SeedError, ensure_database, read_csv
from ita_core.settings import DEFAULT_DATA_DIR as DATA_DIR
from ita_core.thai_dates import DueKind, fiscal_year_bounds, parse_period

FY = 2567


def test_every_measures_row_per_indicator(session: Session) -> None:
    rows = session.exec(select(Activity).order_by(Activity.seq)).all()
    per_indicator: dict[int, int] = {}
    for row in rows:
        per_indicator[row.indicator] = per_indicator.get(row.indicator, 0) + 1
    assert per_indicator == {1: 7, 2: 1, 3: 1, 4: 2, 5: 2, 6: 5, 7: 5, 8: 1, 9: 1, 10: 1}
    assert [r.seq for r in rows] == list(range(1, 27))
    assert all(r.issue and r.activity and r.output and r.awareness and r.due_text and r.cadence_text
               and r.responsible_text for r in rows)


def test_items_map_to_their_sub_indicators(session: Session) -> None:
    items = session.exec(select(OitItem).order_by(OitItem.number)).all()
    assert [i.code for i in items] == [f"O{n}" for n in range(1, 26)]
    expected = {**dict.fromkeys(range(1, 7), "9.1"), **dict.fromkeys(range(7, 12), "9.2"),
                **dict.fromkeys(range(12, 16), "9.3"), 16: "9.4", 17: "9.5",
                **dict.fromkeys(range(18, 24), "10.1"), 24: "10.2", 25: "10.2"}
    assert {i.number: i.sub_indicator for i in items} == expected
    assert items[0].title == "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร"


def test_components_are_a_checklist(session: Session) -> None:
    assert len(session.exec(select(OitComponent)).all()) == 128
    o24 = session.exec(select(OitItem).where(OitItem.code == "O24")).one()
    assert len(session.exec(select(OitComponent).where(OitComponent.item_id == o24.id)).all()) == 15


def test_due_phrases_are_parsed(session: Session) -> None:
    by_seq = {a.seq: a for a in session.exec(select(Activity))}
    assert (by_seq[1].due_kind, by_seq[1].due_date) == (DueKind.DAILY, None)
    assert (by_seq[2].due_text, by_seq[2].due_date) == ("๓๐ มี.ค.๖๗", date(2024, 3, 30))
    assert by_seq[4].due_date == date(2024, 3, 15)
    assert by_seq[8].due_date == date(2024, 3, 20)  # "๒๐ มี.ค. ๖๗ และต้องสื่อสาร … ทุก ๒ วัน"
    assert by_seq[25].due_kind == DueKind.CALENDAR
    items = {i.code: i for i in session.exec(select(OitItem))}
    assert (items["O1"].due_date, items["O1"].due_kind) == (date(2024, 1, 31), DueKind.DATE)
    assert (items["O8"].due_date, items["O8"].due_kind) == (date(2024, 2, 29), DueKind.MONTH)
    assert items["O25"].due_date == date(2024, 3, 31)
    assert items["O7"].due_kind == DueKind.NONE  # judged by its monthly occurrences


def test_spellings_of_one_officer_are_one_person(session: Session, station: Station) -> None:
    people = queries.people(session, station.id, FY)
    assert people["name"].is_unique
    assert len(people) == 40
    web = people.set_index("name").loc["ภัทรพงษ์ พลังช้างสาร"]
    assert web["rank"] == "ส.ต.ท."
    assert web["items"] == 32
    assert "ภัทรพงษ์ พลั่งข้างสาร" in web["variants"]
    groups = session.exec(select(Person.name).where(Person.kind == "group")).all()
    assert "หัวหน้างานทุกสายงาน" in groups


def test_calendar_phases_agree_with_their_own_text(session: Session) -> None:
    phases = session.exec(select(Phase).order_by(Phase.seq)).all()
    assert [p.kind for p in phases] == [
        "preparation", "registration", "iit_collection", "eit_collection", "oit_collection",
        "oit_review", "appeal", "processing", "results"]
    for phase in phases:
        assert parse_period(phase.period_text) == (phase.start, phase.end), phase.period_text
    assert (phases[-1].start, phases[-1].end) == (date(2024, 8, 1), date(2024, 8, 31))


def test_survey_quotas_keep_the_seed_conflict_visible(session: Session) -> None:
    quotas = {q.department: q for q in session.exec(select(SurveyQuota).where(SurveyQuota.tool == "EIT"))}
    assert quotas["รวมทั้งสถานี"].min_respondents == 300
    assert sum(q.min_respondents for d, q in quotas.items() if d != "รวมทั้งสถานี") == 220
    assert quotas["ฝ่ายจราจร"].min_respondents == 60
    assert quotas["ฝ่ายจราจร"].note.startswith("ข้อมูลขัดแย้ง: ช่องขั้นตอนระบุไม่น้อยกว่า ๖๐ คน")


def test_the_iit_collectors_of_line_152_hold_a_quota_whose_number_is_assumed(session: Session) -> None:
    """The seed names four IIT collectors but no IIT minimum: one station-total IIT quota of 1, its
    note saying the number is assumed, and no framework survey minimum made from it."""
    from ita_core.models import Assignment, SurveyMinimum

    iit = session.exec(select(SurveyQuota).where(SurveyQuota.tool == "IIT")).one()
    assert (iit.department, iit.min_respondents, iit.note[:10]) == ("รวมทั้งสถานี", 1, "สันนิษฐาน:")
    held = session.exec(select(Person.name, Person.rank, Assignment.role, Assignment.note)
                        .join(Assignment, Assignment.person_id == Person.id)
                        .where(Assignment.survey_quota_id == iit.id).order_by(Assignment.id)).all()
    assert held == [("จีรนนท์ ปิ่นแก้ว", "ร.ต.อ.หญิง", "survey_collector", "รวบรวมข้อมูล"),
                    ("ประเสริฐ วงศ์กันทิยะ", "ร.ต.ต.", "survey_collector", "รวบรวมข้อมูล"),
                    ("ณรงค์ กองแก้ว", "ด.ต.", "survey_collector", "รวบรวมข้อมูล"),
                    ("อนุทิน พุดดี", "ด.ต.", "survey_collector", "รวบรวมข้อมูล")]
    minimums = session.exec(select(SurveyMinimum.tool, SurveyMinimum.department)).all()
    assert len(minimums) == 6 and {tool for tool, _ in minimums} == {"EIT"}


def test_monthly_publishing_of_o7_expands_to_six_month_ends(session: Session) -> None:
    o7 = session.exec(select(OitItem).where(OitItem.code == "O7")).one()
    duties = session.exec(select(RecurringDuty).where(RecurringDuty.oit_item_id == o7.id,
                                                      RecurringDuty.end.is_not(None))).all()
    assert len(duties) == 1
    assert occurrences(duties[0], *fiscal_year_bounds(FY)) == [
        date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 31),
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]


def test_seed_loads_without_unreadable_dates(tmp_path: Path) -> None:
    report = ensure_database(make_engine(f"sqlite:///{tmp_path / 'a.db'}"), DATA_DIR)
    assert report is not None
    assert report.unparsed_dates == []
    assert report.counts == {"activity": 26, "oit_item": 25, "oit_component": 128, "person": 40,
                             "assignment": 204, "recurring_duty": 43, "phase": 9, "survey_quota": 7,
                             "plan_issue": 25}


def test_second_start_keeps_the_data(engine) -> None:
    assert ensure_database(engine, DATA_DIR) is None


def test_unknown_spelling_stops_the_load_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    people = (data / "people.csv").read_text(encoding="utf-8")
    (data / "people.csv").write_text(people.replace("|ภัทรพงษ์ พลั่งข้างสาร", ""), encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    with pytest.raises(SeedError, match=r"oit_assignments.csv แถว \d+, คอลัมน์ name_as_written"):
        ensure_database(engine, data)
    with Session(engine) as session:
        assert session.exec(select(Station)).all() == []


def test_every_assignment_spelling_is_known() -> None:
    spellings = {r["name"] for r in read_csv(DATA_DIR, "people.csv")}
    spellings |= {v for r in read_csv(DATA_DIR, "people.csv") for v in r["variants"].split("|") if v}
    used = {r["name_as_written"] for f in ("activity_assignments.csv", "oit_assignments.csv")
            for r in read_csv(DATA_DIR, f)}
    assert used <= spellings


def test_runtime_never_reads_outside_the_repository() -> None:
    repo = Path(__file__).resolve().parent.parent
    for path in [*repo.glob("ita_core/*.py"), *repo.glob("pages/*.py"), repo / "dashboard.py"]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path

