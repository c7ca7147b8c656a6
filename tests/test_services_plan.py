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
