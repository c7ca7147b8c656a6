"""The write path: roles, validation, optimistic locking, audit, concurrency."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from ita_core import plan, services
from ita_core.auth import (
    ANONYMOUS,
    Actor,
)
from ita_core.db import session_scope
from ita_core.models import (
    Activity,
    Assignment,
    AuditLog,
    OitComponent,
    OitItem,
    Person,
    RecurringDuty,
    SurveyQuota,
    User,
)
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.settings import get_settings

WEB_OFFICER = "ภัทรพงษ์ พลังช้างสาร"  # assigned to all 25 OIT items, not to activity ก1


def person_id(session: Session, name: str) -> int:
    return session.exec(select(Person.id).where(Person.name == name)).one()


def row(session: Session, model, **where):
    return session.exec(select(model).filter_by(**where)).one()


@pytest.fixture
def actors(session: Session) -> dict[str, Actor]:
    officer = person_id(session, WEB_OFFICER)
    return {
        "viewer": ANONYMOUS,
        "officer": Actor("phattharaphong", "officer", person_id=officer),
        "officer_all_rows": Actor("secretary", "officer", person_id=officer, can_edit_all=True),
        "admin": Actor("admin", "admin"),
    }


def _ops(session: Session) -> dict[str, Callable[[Session, Actor], object]]:
    """Every service function, each as one call on seed rows."""
    o1 = row(session, OitItem, code="O1")
    a1 = row(session, Activity, seq=1)
    component = session.exec(select(OitComponent).where(OitComponent.item_id == o1.id)).first()
    assignment = session.exec(select(Assignment).where(Assignment.oit_item_id == o1.id)).first()
    person = person_id(session, "อนุทิน พุดดี")
    quota = session.exec(select(SurveyQuota.id).where(SurveyQuota.department == "ฝ่ายจราจร")).one()
    duty = session.exec(select(RecurringDuty).where(RecurringDuty.oit_item_id == o1.id)).first() or \
        session.exec(select(RecurringDuty)).first()
    user = session.exec(select(User).where(User.username == "existing")).first()
    if user is None:
        services.create_user(session, Actor("setup", "admin"), "existing", "secret-pass-0", "viewer")
        session.commit()
        user = session.exec(select(User).where(User.username == "existing")).one()
    return {
        "progress_oit_assigned": lambda s, a: services.update_progress(
            s, a, "oit_item", o1.id, o1.version, {"status": "in_progress", "progress": 40}),
        "progress_activity_not_assigned": lambda s, a: services.update_progress(
            s, a, "activity", a1.id, a1.version, {"note": "ตรวจแล้ว"}),
        "component_done": lambda s, a: services.set_component_done(s, a, component.id, component.version,
                                                                   True),
        "create_activity": lambda s, a: services.save_activity(
            s, a, {"indicator": 1, "activity": "กิจกรรมใหม่", "due_date": date(2024, 3, 1)},
            station_id=o1.station_id, fiscal_year=2567),
        "edit_activity": lambda s, a: services.save_activity(s, a, {"output": "ป้าย 2 จุด"}, a1.id, a1.version),
        "edit_oit_item": lambda s, a: services.save_oit_item(s, a, o1.id, o1.version, {"title": "โครงสร้าง"}),
        "delete_activity": lambda s, a: services.delete_row(s, a, "activity", a1.id, a1.version),
        "add_component": lambda s, a: services.save_component(s, a, o1.id, "แผนผังใหม่"),
        "delete_component": lambda s, a: services.delete_component(s, a, component.id, component.version),
        "edit_person": lambda s, a: services.save_person(s, a, {"position": "จนท.ธุรการ"}, person, 1),
        "add_assignment": lambda s, a: services.add_assignment(s, a, person, "doer", activity_id=a1.id),
        "remove_assignment": lambda s, a: services.remove_assignment(s, a, assignment.id),
        "create_user": lambda s, a: services.create_user(s, a, "newuser", "secret-pass-1", "officer"),
        "update_user": lambda s, a: services.update_user(s, a, user.id, user.version,
                                                         {"role": "admin", "password": "new-secret-2"}),
        "tick_publication": lambda s, a: services.set_publication(s, a, o1.id, date(2024, 1, 1), True,
                                                                  "https://cm.police.go.th/oit/o1"),
        "record_survey_count": lambda s, a: services.record_survey_count(s, a, quota, date(2024, 1, 15), 12),
        "save_score_input": lambda s, a: services.save_score_input(s, a, o1.station_id, 2567,
                                                                   {"iit": 80, "eit": 90}),
        "save_score_history": lambda s, a: services.save_score_history(s, a, o1.station_id, 2566,
                                                                       {"total": 86}),
        "create_quota": lambda s, a: services.save_quota(
            s, a, {"tool": "IIT", "department": "ฝ่ายสอบสวน", "min_respondents": 40},  # the seed has IIT total
            station_id=o1.station_id, fiscal_year=2567),
        "edit_quota": lambda s, a: services.save_quota(s, a, {"min_respondents": 45}, quota, 1),
        "delete_quota": lambda s, a: services.delete_quota(s, a, quota, 1),
        "create_duty": lambda s, a: services.save_recurring_duty(
            s, a, {"activity_id": a1.id, "kind": "day_of_month", "day": 5, "text": "รายงานทุกวันที่ ๕"}),
        "edit_duty": lambda s, a: services.save_recurring_duty(
            s, a, {"kind": "every_n_days", "interval_days": 7}, duty.id, duty.version),
        "delete_duty": lambda s, a: services.delete_recurring_duty(s, a, duty.id, duty.version),
    }


OFFICER_ALLOWED = {"progress_oit_assigned", "component_done", "tick_publication"}
EXPECTED = {
    "viewer": set(),
    "officer": OFFICER_ALLOWED,
    "officer_all_rows": OFFICER_ALLOWED | {"progress_activity_not_assigned", "record_survey_count",
                                           "save_score_input"},
    "admin": "all",
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_matrix(engine: Engine, actors: dict[str, Actor], role: str) -> None:
    with Session(engine) as session:
        names = list(_ops(session))
    for name in names:
        with Session(engine) as session:
            operation = _ops(session)[name]
            allowed = EXPECTED[role] == "all" or name in EXPECTED[role]
            if allowed:
                operation(session, actors[role])
                session.rollback()
            else:
                with pytest.raises(PermissionDenied) as denied:
                    operation(session, actors[role])
                assert any("\u0e00" <= ch <= "\u0e7f" for ch in str(denied.value)), "message must be Thai"


def test_every_service_function_writes_the_audit_trail(engine: Engine, actors: dict[str, Actor]) -> None:
    with Session(engine) as session:
        names = list(_ops(session))
    for name in names:
        with session_scope(engine) as session:
            before = session.exec(select(func.count()).select_from(AuditLog)).one()
            _ops(session)[name](session, actors["admin"])
            session.flush()
            written = session.exec(select(AuditLog).where(AuditLog.id > before)).all()
            assert written, f"{name} wrote no audit row"
            assert {w.actor for w in written} == {"admin"} and {w.source for w in written} == {"form"}
            session.rollback()


def test_audit_keeps_old_and_new_values(engine: Engine, actors: dict[str, Actor]) -> None:
    with session_scope(engine) as session:
        o1 = row(session, OitItem, code="O1")
        services.update_progress(session, actors["officer"], "oit_item", o1.id, 1,
                                 {"status": "done", "evidence_url": "https://cm.police.go.th/o1"})
    with Session(engine) as session:
        trail = {(a.field, a.old, a.new) for a in session.exec(select(AuditLog))}
        o1 = row(session, OitItem, code="O1")
    assert trail == {("status", "not_started", "done"), ("evidence_url", "", "https://cm.police.go.th/o1"),
                     ("progress", "0", "100")}
    assert (o1.version, o1.updated_by, o1.progress) == (2, "phattharaphong", 100)


def test_second_save_of_the_same_version_is_a_conflict_and_keeps_both_values(
        engine: Engine, actors: dict[str, Actor]) -> None:
    with Session(engine) as first_form, Session(engine) as second_form:  # two users open the form
        seen_first = row(first_form, OitItem, code="O2")
        seen_second = row(second_form, OitItem, code="O2")
    assert seen_first.version == seen_second.version == 1
    with session_scope(engine) as session:
        services.update_progress(session, actors["admin"], "oit_item", seen_first.id, seen_first.version,
                                 {"note": "ส่งข้อมูลแล้ว"})
    with session_scope(engine) as session, pytest.raises(ConflictError) as conflict:
        services.update_progress(session, actors["officer"], "oit_item", seen_second.id, seen_second.version,
                                 {"note": "รอภาพถ่าย"})
    assert conflict.value.theirs == {"note": "ส่งข้อมูลแล้ว"}
    assert conflict.value.yours == {"note": "รอภาพถ่าย"}
    assert conflict.value.current_version == 2
    with Session(engine) as session:
        assert row(session, OitItem, code="O2").note == "ส่งข้อมูลแล้ว"
    with session_scope(engine) as session:  # the second user chooses their value, knowing the other
        services.update_progress(session, actors["officer"], "oit_item", seen_second.id, 2,
                                 {"note": "รอภาพถ่าย"})
    with Session(engine) as session:
        assert row(session, OitItem, code="O2").note == "รอภาพถ่าย"


def test_thousand_concurrent_updates_lose_nothing(engine: Engine, actors: dict[str, Actor]) -> None:
    with Session(engine) as session:
        target = row(session, OitItem, code="O3").id
    errors: list[BaseException] = []
    threads, per_thread = 8, 125

    def work(worker: int) -> None:
        for n in range(per_thread):
            while True:  # a user who gets a conflict reloads and saves again
                try:
                    with session_scope(engine) as session:
                        version = session.get(OitItem, target).version
                        services.update_progress(session, actors["admin"], "oit_item", target, version,
                                                 {"note": f"w{worker}-{n}"})
                    break
                except ConflictError:
                    continue
                except BaseException as exc:  # "database is locked" would land here
                    errors.append(exc)
                    return

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        item = session.get(OitItem, target)
        notes = session.exec(select(AuditLog).where(AuditLog.row_id == target, AuditLog.field == "note",
                                                    AuditLog.table_name == "oit_item")
                             .order_by(AuditLog.id)).all()
    assert item.version == 1 + threads * per_thread
    assert len(notes) == threads * per_thread
    assert item.note == notes[-1].new
    assert all(a.new == b.old for a, b in itertools.pairwise(notes))  # an unbroken chain


@pytest.mark.parametrize(("changes", "message"), [
    ({"progress": 101}, "ระหว่าง 0 ถึง 100"),
    ({"progress": "ครึ่ง"}, "ตัวเลข"),
    ({"status": "done"}, "ลิงก์หลักฐาน"),
    ({"evidence_url": "www.police.go.th"}, "http"),
    ({"evidence_url": "javascript:alert(1)"}, "http"),
    ({"status": "finished"}, "สถานะ"),
])
def test_invalid_progress_is_refused_in_thai(session: Session, actors: dict[str, Actor], changes: dict,
                                            message: str) -> None:
    o4 = row(session, OitItem, code="O4")
    with pytest.raises(ValidationFailed, match=message):
        services.update_progress(session, actors["admin"], "oit_item", o4.id, o4.version, changes)


def test_activity_done_without_evidence_is_fine_and_due_outside_year_warns(
        session: Session, actors: dict[str, Actor]) -> None:
    a2 = row(session, Activity, seq=2)
    saved = services.update_progress(session, actors["admin"], "activity", a2.id, 1, {"status": "done"})
    assert saved.version == 2
    edited = services.save_activity(session, actors["admin"], {"due_date": date(2025, 1, 1)}, a2.id, 2)
    assert edited.warnings and "นอกปีงบประมาณ 2567" in edited.warnings[0]


def test_station_isolation(session: Session) -> None:
    other_station_admin = Actor("admin-b", "admin", station_id=999)
    o1 = row(session, OitItem, code="O1")
    with pytest.raises(PermissionDenied, match="สถานีตนเอง"):
        services.update_progress(session, other_station_admin, "oit_item", o1.id, 1, {"note": "x"})


def test_soft_delete_hides_the_row(engine: Engine, actors: dict[str, Actor]) -> None:
    from ita_core import queries

    with session_scope(engine) as session:
        a1 = row(session, Activity, seq=1)
        a1_id = a1.id
        services.delete_row(session, actors["admin"], "activity", a1_id, a1.version)
    with Session(engine) as session:
        assert len(queries.activities(session, 1, 2567)) == 25
        assert session.get(Activity, a1_id).deleted_at is not None


def test_quota_edits_are_checked_in_thai_and_counted_quotas_stay(engine: Engine,
                                                                 actors: dict[str, Actor]) -> None:
    admin = actors["admin"]
    with session_scope(engine) as session:
        traffic = row(session, SurveyQuota, department="ฝ่ายจราจร")
        with pytest.raises(ValidationFailed) as bad:
            services.save_quota(session, admin, {"tool": "XIT", "department": " ", "min_respondents": 5.5},
                                station_id=traffic.station_id, fiscal_year=2567)
        assert bad.value.errors == ["เครื่องมือต้องเป็น EIT หรือ IIT (ได้รับ 'XIT')",
                                    "ต้องระบุฝ่าย (หรือ “รวมทั้งสถานี”)",
                                    "จำนวนผู้ตอบขั้นต่ำต้องเป็นจำนวนเต็ม 1–100,000 (ได้รับ 5.5)"]
        with pytest.raises(ValidationFailed, match="มีโควตา EIT ของ “ฝ่ายจราจร” อยู่แล้ว"):
            services.save_quota(session, admin, {"tool": "EIT", "department": "ฝ่ายจราจร",
                                                 "min_respondents": 9},
                                station_id=traffic.station_id, fiscal_year=2567)
        saved = services.save_quota(session, admin, {"min_respondents": 30.0}, traffic.id, traffic.version)
        services.record_survey_count(session, admin, traffic.id, date(2024, 1, 15), 12)
    with Session(engine) as session:
        traffic = row(session, SurveyQuota, department="ฝ่ายจราจร")
        assert (traffic.min_respondents, traffic.version, saved.version) == (30, 2, 2)
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="มีจำนวนผู้ตอบบันทึกไว้แล้ว"):
        services.delete_quota(session, admin, traffic.id, traffic.version)


def test_a_recurring_duty_edit_moves_the_rows_next_report(engine: Engine, actors: dict[str, Actor]) -> None:
    as_of = date(2024, 3, 16)
    with session_scope(engine) as session:
        o3 = row(session, OitItem, code="O3")
        station = o3.station_id
        duty = row(session, RecurringDuty, oit_item_id=o3.id)
        rows = plan.plan_rows(session, station, 2567, as_of, get_settings())
        assert rows.set_index("ref").loc["O3", "judged_due"] == date(2024, 3, 28)
        with pytest.raises(ValidationFailed) as bad:
            services.save_recurring_duty(session, actors["admin"],
                                         {"day": 32, "start": date(2024, 10, 1), "end": date(2024, 9, 1)},
                                         duty.id, duty.version)
        assert bad.value.errors == ["วันที่ของเดือนต้องเป็น 1–31 (ได้รับ 32)",
                                    "วันเริ่ม 2024-10-01 อยู่นอกปีงบประมาณ 2567",
                                    "วันเริ่มต้องไม่หลังวันสิ้นสุด"]
        services.save_recurring_duty(session, actors["admin"], {"day": 10}, duty.id, duty.version)
    with Session(engine) as session:
        rows = plan.plan_rows(session, station, 2567, as_of, get_settings())
        trail = session.exec(select(AuditLog.field, AuditLog.old, AuditLog.new)
                             .where(AuditLog.table_name == "recurring_duty")).all()
    assert rows.set_index("ref").loc["O3", "judged_due"] == date(2024, 4, 10)
    assert trail == [("day", "28", "10")]
