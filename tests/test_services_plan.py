"""The ITA calendar through the write path: validated, versioned, audited, scoped."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from ita_core.auth import CLI, Actor
from ita_core.models import AuditLog, Phase
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.services.writer import Writer

EIT_WINDOW = "eit_collection"


def _phase(session: Session, kind: str) -> Phase:
    return session.exec(select(Phase).where(Phase.kind == kind, Phase.fiscal_year == 2567)).one()


def test_an_admin_moves_the_eit_window_and_the_trail_keeps_both_dates(session: Session) -> None:
    phase = _phase(session, EIT_WINDOW)
    assert (phase.start, phase.end, phase.version) == (date(2024, 1, 1), date(2024, 7, 1), 1)
    saved = Writer(session, CLI, source="cli").save_phase(row_id=phase.id, seen_version=1,
                                                          values={"end": date(2024, 7, 31)})
    assert saved.version == 2
    session.refresh(phase)
    assert phase.end == date(2024, 7, 31)
    trail = session.exec(select(AuditLog.field, AuditLog.old, AuditLog.new)
                         .where(AuditLog.table_name == "phase", AuditLog.row_id == phase.id)).all()
    assert trail == [("end", "2024-07-01", "2024-07-31")]


def test_a_new_phase_is_numbered_after_the_others(session: Session) -> None:
    day = date(2024, 9, 1)
    review = {"kind": "meeting", "name": "ประชุมทบทวนผล ITA", "start": day, "end": day}
    saved = Writer(session, CLI).save_phase(station_id=1, fiscal_year=2567, values=review)
    assert session.get(Phase, saved.row_id).seq == 10  # the seed calendar has 9 steps


@pytest.mark.parametrize(("values", "message"), [
    ({"end": date(2023, 12, 1)}, "มาก่อนวันเริ่ม"),
    ({"name": "  "}, "ต้องระบุชื่อขั้นตอน"),
    ({"kind": ""}, "ต้องระบุชนิดขั้นตอน"),
])
def test_bad_phases_are_refused_in_thai(session: Session, values: dict, message: str) -> None:
    phase = _phase(session, EIT_WINDOW)
    with pytest.raises(ValidationFailed, match=message):
        Writer(session, CLI).save_phase(row_id=phase.id, seen_version=phase.version, values=values)


def test_phases_belong_to_admins_of_their_station(session: Session) -> None:
    phase = _phase(session, EIT_WINDOW)
    with pytest.raises(PermissionDenied):
        Writer(session, Actor("o", "officer", person_id=1, can_edit_all=True)).delete_phase(
            row_id=phase.id, seen_version=phase.version)
    with pytest.raises(PermissionDenied, match="สถานีตนเอง"):
        Writer(session, Actor("other", "admin", station_id=2)).save_phase(
            row_id=phase.id, seen_version=phase.version, values={"name": "x"})


def test_a_stale_delete_is_a_conflict_and_a_fresh_one_is_audited(session: Session) -> None:
    phase = _phase(session, EIT_WINDOW)
    writer = Writer(session, CLI)
    with pytest.raises(ConflictError):
        writer.delete_phase(row_id=phase.id, seen_version=phase.version + 1)
    phase_id = phase.id
    writer.delete_phase(row_id=phase_id, seen_version=phase.version)
    session.flush()
    assert session.get(Phase, phase_id) is None
    gone = session.exec(select(AuditLog.field, AuditLog.old).where(AuditLog.table_name == "phase",
                                                                   AuditLog.row_id == phase_id)).all()
    assert ("kind", EIT_WINDOW) in gone


# --- a station's year started from its framework ------------------------------------------------------

def test_a_new_stations_year_gets_the_catalogue_the_calendar_and_the_quotas(session: Session) -> None:
    """The seed's 2567 framework gives a new station 25 unassigned items with their 128 components,
    12 month-end duties (the monthly items), the 9 calendar steps and the 6 EIT minimums (the IIT
    placeholder of the seed is no framework rule), each audited with the Writer's source."""
    from sqlalchemy import func

    from ita_core.models import (
        Assignment,
        FrameworkPhase,
        OitComponent,
        OitItem,
        RecurringDuty,
        SurveyMinimum,
        SurveyQuota,
    )
    from ita_core.services.plan import YearStart

    writer = Writer(session, CLI, source="import")
    station = writer.create_station(code="LPN01", name_th="สภ.เมืองลำพูน", province="ลำพูน").row_id
    started = writer.start_station_year(station_id=station, fiscal_year=2567)
    assert started == YearStart([f"O{n}" for n in range(1, 26)], 128, 12, 9, 6)

    def count(model: type, *where: object) -> int:
        return session.exec(select(func.count()).select_from(model).where(model.station_id == station,
                                                                          *where)).one()

    assert (count(OitItem), count(RecurringDuty), count(Phase), count(SurveyQuota), count(Assignment)) == (
        25, 12, 9, 6, 0)
    items = select(OitItem.id).where(OitItem.station_id == station)
    assert session.exec(select(func.count()).select_from(OitComponent)
                        .where(OitComponent.item_id.in_(items))).one() == 128
    phases = session.exec(select(Phase.seq, Phase.kind, Phase.name, Phase.start, Phase.end)
                          .where(Phase.station_id == station).order_by(Phase.seq)).all()
    calendar = select(FrameworkPhase.seq, FrameworkPhase.kind, FrameworkPhase.name_th, FrameworkPhase.start,
                      FrameworkPhase.end).where(FrameworkPhase.fiscal_year == 2567)
    assert phases == session.exec(calendar.order_by(FrameworkPhase.seq)).all()
    assert phases[3][1:] == ("eit_collection", "เก็บข้อมูลแบบวัด การรับรู้ของผู้มีส่วนได้ส่วนเสีย ภายนอก (EIT)",
                             date(2024, 1, 1), date(2024, 7, 1))
    quotas = session.exec(select(SurveyQuota.tool, SurveyQuota.department, SurveyQuota.min_respondents)
                          .where(SurveyQuota.station_id == station)).all()
    assert sorted(quotas) == sorted(session.exec(select(SurveyMinimum.tool, SurveyMinimum.department,
                                                        SurveyMinimum.min_respondents)).all())
    assert ("EIT", "รวมทั้งสถานี", 300) in quotas
    # not the seed's transcription notes of another station's plan (shown as a contradiction)
    assert set(session.exec(select(SurveyQuota.note).where(SurveyQuota.station_id == station))) == {
        "ขั้นต่ำตามเกณฑ์ปี 2567"}
    sources = session.exec(select(AuditLog.table_name, AuditLog.source).where(AuditLog.station_id == station)
                           .distinct()).all()
    assert set(sources) == {("oit_item", "import"), ("recurring_duty", "import"), ("phase", "import"),
                            ("survey_quota", "import")}  # components carry no station in the trail
    assert writer.start_station_year(station_id=station, fiscal_year=2567) == YearStart()  # nothing twice


def test_a_year_that_has_a_calendar_keeps_it(session: Session) -> None:
    """The seed station's 2567 plan already has its calendar and quotas: starting it adds nothing."""
    from ita_core.services.plan import YearStart

    assert Writer(session, CLI).start_station_year(station_id=1, fiscal_year=2567) == YearStart()


def test_starting_a_year_without_a_framework_names_the_command(session: Session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Writer(session, CLI).start_station_year(station_id=1, fiscal_year=2571)
    assert refused.value.errors == [
        "ปีงบประมาณ 2571 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2571`"]
    with pytest.raises(PermissionDenied):
        Writer(session, Actor("o", "officer", person_id=1)).start_station_year(station_id=1, fiscal_year=2567)


# --- the validators of the rows only the framework and the rollover create -----------------------

def _o1_of_2567(session: Session) -> int:
    from ita_core.models import CatalogueItem

    return session.exec(select(CatalogueItem.id).where(CatalogueItem.fiscal_year == 2567,
                                                       CatalogueItem.code == "O1")).one()


def test_a_new_oit_item_is_refused_with_every_problem_in_thai(session: Session) -> None:
    from ita_core.services.plan import add_oit_item

    bad = {"code": "X1", "number": 0, "title": " ", "sub_indicator": "99.9", "group_heading": "ก" * 1001,
           "catalogue_item_id": _o1_of_2567(session)}
    with pytest.raises(ValidationFailed) as refused:
        add_oit_item(session, CLI, bad, station_id=999, fiscal_year=2599, source="rollover")
    assert refused.value.errors == [
        "ไม่พบสถานี รหัส 999", "ยังไม่ได้เปิดปีงบประมาณ 2599",
        "ช่อง «หมวด» ยาว 1,001 ตัวอักษร เกินขีดจำกัด 1,000 ตัวอักษร (หัวข้อ): ย่อให้สั้นลง "
        "หรือเก็บรายละเอียดไว้ในไฟล์แล้วใส่ลิงก์",
        "รหัสรายการ OIT ต้องเป็นรูปแบบ O1, O2 … (ได้ 'X1')",
        "ลำดับรายการ X1 ต้องเป็นจำนวนเต็มตั้งแต่ 1 (ได้ 0)",
        "รายการ X1 ต้องมีชื่อข้อมูล",
        "ไม่พบตัวชี้วัดย่อย '99.9' ของรายการ X1",
        f"รายการ X1 ปี 2599 อ้างถึงรายการในเกณฑ์ รหัส {bad['catalogue_item_id']} ซึ่งเป็น O1 ของเกณฑ์ปี 2567"]
    with pytest.raises(ValidationFailed) as refused:  # the seed station's 2567 plan holds O1 already
        add_oit_item(session, CLI, {"code": "O1", "number": 1, "title": "x", "sub_indicator": "9.1"},
                     station_id=1, fiscal_year=2567)
    assert refused.value.errors == ["ปีงบประมาณ 2567 ของสถานีนี้มีรายการ O1 อยู่แล้ว"]


def test_a_new_oit_item_is_stored_cleaned_and_audited_by_admins_only(session: Session) -> None:
    from ita_core.models import OitItem
    from ita_core.services.plan import add_oit_item

    values = {"code": "O26", "number": "26", "title": "รายการใหม่\r\nสองบรรทัด", "sub_indicator": "9.1",
              "responsible_text": "ฝ่ายอำนวยการ", "progress": 100}  # progress is no field of a new item
    with pytest.raises(PermissionDenied):
        add_oit_item(session, Actor("o", "officer", person_id=1), values, station_id=1, fiscal_year=2567)
    saved = add_oit_item(session, CLI, values, station_id=1, fiscal_year=2567, source="rollover")
    item = session.get_one(OitItem, saved.row_id)
    assert (item.number, item.title, item.progress, item.catalogue_item_id) == (
        26, "รายการใหม่\nสองบรรทัด", 0, None)
    trail = session.exec(select(AuditLog.field, AuditLog.new, AuditLog.source)
                         .where(AuditLog.table_name == "oit_item", AuditLog.row_id == saved.row_id)
                         .order_by(AuditLog.id)).all()
    assert trail == [("code", "O26", "rollover"), ("number", "26", "rollover"),
                     ("title", "รายการใหม่\nสองบรรทัด", "rollover"), ("sub_indicator", "9.1", "rollover"),
                     ("responsible_text", "ฝ่ายอำนวยการ", "rollover")]


def test_a_plan_issue_needs_an_indicator_a_free_seq_and_a_text(session: Session) -> None:
    from ita_core.models import PlanIssue
    from ita_core.services.plan import add_plan_issue

    with pytest.raises(ValidationFailed) as refused:
        add_plan_issue(session, CLI, {"indicator": 11, "seq": 1.5, "text": ""}, station_id=1,
                       fiscal_year=2567)
    assert refused.value.errors == ["ตัวชี้วัดของประเด็นต้องเป็นเลข 1–10 (ได้ 11)",
                                    "ลำดับของประเด็นต้องเป็นจำนวนเต็มตั้งแต่ 1 (ได้ 1.5)",
                                    "ประเด็นลำดับ 1.5 ของตัวชี้วัดที่ 11 ว่าง"]
    with pytest.raises(ValidationFailed) as refused:  # the seed's first issue of indicator 1
        add_plan_issue(session, CLI, {"indicator": 1, "seq": 1, "text": "ซ้ำ"}, station_id=1, fiscal_year=2567)
    assert refused.value.errors == ["ตัวชี้วัดที่ 1 มีประเด็นลำดับ 1 อยู่แล้ว"]
    with pytest.raises(PermissionDenied):
        add_plan_issue(session, Actor("other", "admin", station_id=2),
                       {"indicator": 1, "seq": 9, "text": "x"}, station_id=1, fiscal_year=2567)
    saved = add_plan_issue(session, CLI, {"indicator": 1, "seq": 9, "text": " ประเด็นใหม่ "}, station_id=1,
                           fiscal_year=2567, source="rollover")
    issue = session.get_one(PlanIssue, saved.row_id)
    assert (issue.indicator, issue.seq, issue.text) == (1, 9, "ประเด็นใหม่")
    trail = select(AuditLog.field, AuditLog.new).where(AuditLog.table_name == "plan_issue",
                                                       AuditLog.row_id == saved.row_id)
    assert session.exec(trail.order_by(AuditLog.id)).all() == [
        ("indicator", "1"), ("seq", "9"), ("text", "ประเด็นใหม่")]


def test_a_survey_collector_is_an_assignment_checked_like_the_others(session: Session) -> None:
    from ita_core.models import Assignment, SurveyQuota

    quota = session.exec(select(SurveyQuota).where(SurveyQuota.department == "ฝ่ายจราจร")).one()
    writer = Writer(session, CLI, source="cli")
    with pytest.raises(ValidationFailed) as refused:
        writer.add_assignment(person_id=1, role="survey_collector", activity_id=1, survey_quota_id=quota.id)
    assert refused.value.errors == ["ต้องเลือกกิจกรรม ข้อมูล OIT หรือเป้าหมายแบบสำรวจ อย่างใดอย่างหนึ่ง"]
    other = writer.create_station(code="LPN01", name_th="สภ.เมืองลำพูน").row_id
    stranger = writer.save_person(station_id=other, values={"name": "ร.ต.อ.ทดสอบ"}).row_id
    with pytest.raises(ValidationFailed, match="บุคคลของสถานีอื่น"):
        writer.add_assignment(person_id=stranger, role="survey_collector", survey_quota_id=quota.id)
    saved = writer.add_assignment(person_id=1, role="survey_collector", survey_quota_id=quota.id,
                                  note="ชุดที่ 2")
    row = session.get_one(Assignment, saved.row_id)
    assert (row.station_id, row.fiscal_year, row.survey_quota_id, row.activity_id) == (
        1, 2567, quota.id, None)
    assert session.exec(select(AuditLog.field).where(AuditLog.table_name == "assignment",
                                                     AuditLog.row_id == saved.row_id)).all() == [
        "person_id", "role", "survey_quota_id", "note"]
