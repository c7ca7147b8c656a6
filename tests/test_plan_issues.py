"""What the seed holds beyond the measures table (issue 14, item 7): the plan's issues per indicator
(seed lines 39–59), the OIT items' หมายเหตุ notes in the catalogue, and the EIT survey collectors
per department (seed line 157) as assignments. Exact values from the seed."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from ita_core import queries
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope, upgrade_schema
from ita_core.exports import PLAN_SHEETS, export_frame, headers, plan_workbook_bytes
from ita_core.framework import catalogue_of, framework_of
from ita_core.models import Assignment, AssignmentRole, Person, PlanIssue, SurveyQuota
from ita_core.services.rollover import rollover
from ita_core.services.writer import Writer
from ita_core.settings import Settings

FY = 2567
DATA = Path(__file__).resolve().parent / "data"

# seed line 157, ผู้รับผิดชอบ column: the people marked รวบรวมข้อมูล for each department (canonical names)
COLLECTORS = {
    "EIT ฝ่ายอำนวยการ": {"จีรนนท์ ปิ่นแก้ว", "อนุทิน พุดดี"},
    "EIT ฝ่ายป้องกันปราบปราม": {"บุญลือ สิงห์โต", "ศุภชัย สิริปา"},
    "EIT ฝ่ายจราจร": {"กรุง หล้าคำวงศ์"},
    "EIT ฝ่ายสืบสวน": {"นัฐวุฒิ พรหมเสน", "ณัฐรดา โอ่งหลาย"},
    "EIT ฝ่ายสอบสวน": {"นันทิพัฒน์ บรรจง", "วรชิต สมบูรณ์"},
    "EIT รวมทั้งสถานี": set(),
    "IIT รวมทั้งสถานี": {"จีรนนท์ ปิ่นแก้ว", "ประเสริฐ วงศ์กันทิยะ", "ณรงค์ กองแก้ว", "อนุทิน พุดดี"},  # line 152
}


def collectors(session: Session, fiscal_year: int) -> dict[str, set[str]]:
    rows = session.exec(select(SurveyQuota.tool, SurveyQuota.department, Person.name, Assignment.role)
                        .join(Assignment, col(Assignment.survey_quota_id) == SurveyQuota.id, isouter=True)
                        .join(Person, col(Person.id) == Assignment.person_id, isouter=True)
                        .where(SurveyQuota.fiscal_year == fiscal_year)).all()
    out: dict[str, set[str]] = {}
    for tool, department, name, role in rows:
        quota = out.setdefault(f"{tool} {department}", set())
        if name is not None:
            assert role == AssignmentRole.SURVEY_COLLECTOR
            quota.add(name)
    return out


def test_the_seed_stores_the_issues_of_every_indicator(session: Session, station) -> None:
    issues = queries.plan_issues(session, station.id, FY)
    assert issues.groupby("indicator")["seq"].apply(list).to_dict() == {
        1: [1, 2, 3], 2: [1, 2], 3: [1, 2, 3, 4], 4: [1, 2, 3], 5: [1, 2, 3],
        6: [1, 2], 7: [1, 2], 8: [1, 2], 9: [1, 2], 10: [1, 2]}
    text = issues.set_index(["indicator", "seq"])["text"]
    assert text[(3, 1)] == "การไม่เลือกปฏิบัติ มีความเป็นธรรม"  # seed line 46, <p>…</p> removed
    assert text[(10, 2)] == "มาตรการภายในเพื่อป้องกันการทุจริต"  # line 59
    assert text[(1, 3)].startswith("พฤติกรรมเรียกรับเงิน ทรัพย์สิน หรือผลประโยชน์ต่าง ๆ จากผู้ มาติดต่อ")
    assert text[(1, 3)].endswith("โดยใช้วิธีสอปากคำแทนหรือเก็บเรื่อง (ดำคดี)")  # OCR kept as written
    assert text[(9, 1)] == "การเผยแพร่ข้อมูลบนเว็บไซต์ของ สถานีตำรวจให้สาธารณชนได้รับทราบ"


def test_the_catalogue_carries_the_notes_of_the_oit_items(session: Session) -> None:
    requirement = {entry.code: entry.requirement_th for entry in catalogue_of(session, FY)}
    assert requirement["O16"] == "หมายเหตุ : ใช้ข้อมูลกลางสำนักงานตำรวจแห่งชาติได้"  # seed line 209
    assert requirement["O1"] == (  # seed line 177: a heading and three numbered paragraphs
        "หมายเหตุ :\n"
        "(๑) ต้องทำการปรับปรุงเมื่อมีการเปลี่ยนแปลงข้อมูลทุกครั้ง พร้อมระบุวันที่ปรับปรุงข้อมูลด้วย\n"
        "(๒) ในกรณีที่ยังไม่มีผู้ดำรงตำแหน่ง ให้ใส่ผู้ปฏิบัติหน้าที่แทน\n"
        "(๓) ตัวอย่างแบบรายงาน สามารถปรับได้ตามความเหมาะสมกับบริบทของหน่วยงาน")
    assert requirement["O19"] == ("หมายเหตุ : เป็นกิจกรรมที่ดำเนินการภายในหน่วยงาน "
                                  "มีใช้กิจกรรมที่ไปเข้าร่วมกับหน่วยงานภายนอก")  # มีใช้ (มิใช่) as written
    assert sorted((code for code, text in requirement.items() if text), key=lambda c: int(c[1:])) == [
        "O1", "O3", "O5", "O16", "O18", "O19", "O25"]


def test_the_survey_collectors_are_assignments_of_their_department(session: Session) -> None:
    assert collectors(session, FY) == COLLECTORS


def test_plan_issues_export_and_workbook_sheet(session: Session, station) -> None:
    frame = export_frame(session, "plan-issues", station.id, FY)
    assert len(frame) == 25
    assert headers("plan-issues", "en") == ["indicator", "seq", "text"]
    assert headers("plan-issues", "th")[2] == "ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา"
    workbook = load_workbook(BytesIO(plan_workbook_bytes(session, station.id, FY, date(2024, 3, 16),
                                                         Settings())))
    assert workbook.sheetnames == list(PLAN_SHEETS)
    sheet = workbook["ประเด็นที่ต้องปรับปรุง"]
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "การไม่เลือกปฏิบัติ มีความเป็นธรรม" in texts


def test_cli_exports_plan_issues(engine: Engine, tmp_path: Path) -> None:
    from ita_core.cli import main

    out = tmp_path / "issues.csv"
    assert main(["export", "plan-issues", "--lang", "en", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "indicator,seq,text" and len(lines) == 26
    assert "3,1,การไม่เลือกปฏิบัติ มีความเป็นธรรม" in lines


def test_rollover_copies_issues_and_collectors(engine: Engine) -> None:
    with session_scope(engine) as session:
        writer = Writer(session, CLI, source="cli")
        copy_framework = getattr(writer, "copy_framework", None)  # a rollover needs the year's framework
        if copy_framework is not None and framework_of(session, 2568) is None:
            copy_framework(from_year=FY, to_year=2568)
    with session_scope(engine) as session:
        station_id = session.exec(select(PlanIssue.station_id)).first()
        assert station_id is not None
        rollover(session, CLI, station_id, FY, 2568)
    with Session(engine) as session:
        old = queries.plan_issues(session, station_id, FY)
        new = queries.plan_issues(session, station_id, 2568)
        assert new[["indicator", "seq", "text"]].equals(old[["indicator", "seq", "text"]])
        assert collectors(session, 2568) == COLLECTORS
        assert set(new["id"]).isdisjoint(old["id"])


def test_the_overview_drill_down_shows_the_issues_as_plain_text(engine: Engine) -> None:
    from tests.test_pages import run_page

    app = run_page("overview")
    assert not [t for t in app.text if "มาตรการภายในเพื่อป้องกันการทุจริต" in t.value]  # only when opened
    app.selectbox(key="drill").set_value(10).run()
    assert [t.value for t in app.text] == [
        "1. การดำเนินการเพื่อป้องกันการทุจริต ได้แก่ เจตจำนงสุจริตของผู้บริหาร การป้องกันและลดโอกาสการทุจริต "
        "ระบบการรักษา ทรัพย์สินของราชการ",
        "2. มาตรการภายในเพื่อป้องกันการทุจริต"]
    assert len(app.dataframe[0].value) == 9  # the indicator's rows still follow (seq 26, O18–O25)


def test_migration_0008_gives_an_old_database_no_rows(tmp_path: Path) -> None:
    """tests/data/main-0006.db.gz (made by main at 0006) upgrades through 0008: no issues, no
    collectors, every assignment it had kept."""
    path = tmp_path / "old.db"
    with gzip.open(DATA / "main-0006.db.gz", "rb") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        before = session.exec(select(Assignment.id, Assignment.activity_id, Assignment.oit_item_id)
                              .order_by(col(Assignment.id))).all()
    upgrade_schema(engine)
    with Session(engine) as session:
        after = session.exec(select(Assignment.id, Assignment.activity_id, Assignment.oit_item_id)
                             .order_by(col(Assignment.id))).all()
        assert after == before and len(after) > 0
        assert session.exec(select(func.count()).select_from(PlanIssue)).one() == 0
        assert session.exec(select(func.count()).select_from(Assignment)
                            .where(col(Assignment.survey_quota_id).is_not(None))).one() == 0
    engine.dispose()


@pytest.mark.parametrize("targets", [{}, {"activity_id": True, "survey_quota_id": True}])
def test_an_assignment_has_exactly_one_target(session: Session, station, targets: dict[str, bool]) -> None:
    """The check of migration 0008: none, or two of activity, OIT item and quota, is refused."""
    from sqlalchemy.exc import IntegrityError

    held = session.exec(select(Assignment).where(col(Assignment.activity_id).is_not(None))).first()
    quota = session.exec(select(SurveyQuota)).first()
    assert held is not None and quota is not None
    ids = {"activity_id": held.activity_id, "survey_quota_id": quota.id}
    session.add(Assignment(station_id=station.id, fiscal_year=FY, person_id=held.person_id,
                           role=AssignmentRole.SURVEY_COLLECTOR, **{k: ids[k] for k in targets}))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
