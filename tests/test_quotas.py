"""Survey quotas: linear pace over the EIT window, lights, the seed's conflicts, recording counts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import quotas, services
from ita_core.auth import Actor
from ita_core.db import session_scope
from ita_core.models import AuditLog, Person, Station, SurveyQuota
from ita_core.quotas import pace, per_day_text
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.status import Light

START, END = date(2024, 1, 1), date(2024, 7, 1)  # EIT collection in the seed's ITA calendar: 183 days
AS_OF = date(2024, 3, 16)  # 75 days of the window are over, 108 left (16 Mar counted)
ADMIN = Actor("admin", "admin")


def test_pace_on_16_march_for_the_traffic_quota() -> None:
    got = pace(60, 20, START, END, AS_OF)
    assert got.expected == pytest.approx(60 * 75 / 183)  # 24.59
    assert (got.remaining, got.days_left, got.light) == (40, 108, Light.AT_RISK)
    assert got.per_day == pytest.approx(40 / 108)
    assert per_day_text(got.per_day) == "0.4 คน/วัน"


@pytest.mark.parametrize(("collected", "as_of", "light", "days_left", "per_day"), [
    (0, date(2024, 1, 1), Light.ON_TRACK, 183, 300 / 183),  # first day: nothing expected yet
    (123, AS_OF, Light.ON_TRACK, 108, 177 / 108),  # plan 122.95: just ahead
    (122, AS_OF, Light.AT_RISK, 108, 178 / 108),  # just behind
    (298, date(2024, 7, 1), Light.AT_RISK, 1, 2.0),  # last day, plan 298.36: yellow, two to go today
    (299, date(2024, 7, 1), Light.ON_TRACK, 1, 1.0),
    (299, date(2024, 7, 2), Light.OVERDUE, 0, None),  # window over and short: red
    (300, date(2024, 7, 2), Light.DONE, 0, None),
    (310, date(2024, 2, 1), Light.DONE, 152, 0.0),
])
def test_pace_lights_at_the_window_edges(collected: int, as_of: date, light: Light, days_left: int,
                                         per_day: float | None) -> None:
    got = pace(300, collected, START, END, as_of)
    assert (got.light, got.days_left) == (light, days_left)
    assert got.per_day == (None if per_day is None else pytest.approx(per_day))


def test_per_day_text_rounds_up() -> None:
    assert [per_day_text(v) for v in (3.0, 2.64, 2.61, None)] == [
        "3.0 คน/วัน", "2.7 คน/วัน", "2.7 คน/วัน", "หมดช่วงเก็บข้อมูลแล้ว"]


def quota_id(session: Session, department: str) -> int:
    return session.exec(select(SurveyQuota.id).where(SurveyQuota.department == department,
                                                     SurveyQuota.tool == "EIT")).one()


def test_progress_of_the_seed_quotas_with_recorded_counts(engine: Engine) -> None:
    with session_scope(engine) as session:
        traffic, total = quota_id(session, "ฝ่ายจราจร"), quota_id(session, "รวมทั้งสถานี")
        for quota, day, count in [(traffic, date(2024, 1, 15), 10), (traffic, date(2024, 2, 15), 10),
                                  (traffic, date(2024, 3, 20), 5),  # after the as-of date: not counted
                                  (total, date(2024, 2, 1), 15)]:  # respondents of no department
            services.record_survey_count(session, ADMIN, quota, day, count)
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        table, recorded = quotas.load(session, station.id, 2567, AS_OF)
    assert len(recorded) == 4
    iit = table[table["tool"] == "IIT"].iloc[0]  # seed line 152 states no number: assumed 1
    assert (iit["department"], iit["minimum"]) == ("รวมทั้งสถานี", 1)
    assert (iit["assumed"], iit["conflict"]) == (True, False)
    rows = table[table["tool"] == "EIT"].set_index("department")
    assert not rows["assumed"].any()
    assert list(rows.index) == ["ฝ่ายอำนวยการ", "ฝ่ายป้องกันปราบปราม", "ฝ่ายจราจร", "ฝ่ายสืบสวน", "ฝ่ายสอบสวน",
                                "รวมทั้งสถานี"]
    traffic_row, total_row = rows.loc["ฝ่ายจราจร"], rows.loc["รวมทั้งสถานี"]
    assert (traffic_row["minimum"], traffic_row["collected"], traffic_row["percent"]) == (60, 20, 33.3)
    assert (traffic_row["light"], traffic_row["remaining"], traffic_row["days_left"]) == ("at_risk", 40, 108)
    assert (total_row["minimum"], total_row["collected"], total_row["remaining"]) == (300, 35, 265)
    assert total_row["expected"] == pytest.approx(300 * 75 / 183)
    assert per_day_text(total_row["per_day"]) == "2.5 คน/วัน"  # 265 / 108 = 2.45
    assert rows.loc["ฝ่ายสืบสวน", "light"] == "at_risk" and rows.loc["ฝ่ายสืบสวน", "collected"] == 0
    assert rows["conflict"].to_dict() == {"ฝ่ายอำนวยการ": False, "ฝ่ายป้องกันปราบปราม": False, "ฝ่ายจราจร": True,
                                          "ฝ่ายสืบสวน": False, "ฝ่ายสอบสวน": False, "รวมทั้งสถานี": True}
    assert "ไม่น้อยกว่า ๓๐ คน" in traffic_row["note"]  # the other reading of the seed is shown
    assert quotas.department_gap(table, "EIT") == (220, 300)
    assert quotas.department_gap(table, "IIT") is None


def test_a_second_count_for_the_same_day_replaces_it_with_the_version_seen(engine: Engine) -> None:
    with session_scope(engine) as session:
        traffic = quota_id(session, "ฝ่ายจราจร")
        services.record_survey_count(session, ADMIN, traffic, date(2024, 1, 15), 10)
    with session_scope(engine) as session, pytest.raises(ConflictError):
        services.record_survey_count(session, ADMIN, traffic, date(2024, 1, 15), 12)
    with session_scope(engine) as session:
        saved = services.record_survey_count(session, ADMIN, traffic, date(2024, 1, 15), 12,
                                             expected_version=1)
    assert saved.version == 2
    with Session(engine) as session:
        trail = session.exec(select(AuditLog).where(AuditLog.table_name == "survey_count",
                                                    AuditLog.field == "collected")).all()
    assert [(a.old, a.new) for a in trail] == [(None, "10"), ("10", "12")]


@pytest.mark.parametrize(("collected", "day", "message"), [
    (-1, date(2024, 1, 15), "จำนวนเต็ม 0 ขึ้นไป"),
    ("สิบ", date(2024, 1, 15), "จำนวนเต็ม 0 ขึ้นไป"),
    (5, date(2024, 10, 1), "นอกปีงบประมาณ 2567"),
])
def test_bad_counts_are_refused_in_thai(session: Session, collected: object, day: date, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.record_survey_count(session, ADMIN, quota_id(session, "ฝ่ายจราจร"), day, collected)


def test_a_count_outside_the_window_is_kept_with_a_warning(session: Session) -> None:
    saved = services.record_survey_count(session, ADMIN, quota_id(session, "ฝ่ายจราจร"), date(2023, 12, 20), 3)
    assert saved.warnings == ["วันที่ 2023-12-20 อยู่นอกช่วงเก็บข้อมูล EIT (2024-01-01 ถึง 2024-07-01)"]


def test_only_the_secretary_records_counts(session: Session) -> None:
    person = session.exec(select(Person.id).where(Person.name == "ภัทรพงษ์ พลังช้างสาร")).one()
    traffic = quota_id(session, "ฝ่ายจราจร")
    with pytest.raises(PermissionDenied, match="เลขานุการ"):
        services.record_survey_count(session, Actor("somchai", "officer", person_id=person), traffic,
                                     date(2024, 1, 15), 3)
    secretary = Actor("secretary", "officer", person_id=person, can_edit_all=True)
    assert services.record_survey_count(session, secretary, traffic, date(2024, 1, 15), 3).version == 1
