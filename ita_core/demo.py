"""A clearly flagged sample progress snapshot, so a first look at the seed is not all red.

Rows touched here carry ``updated_by = "demo"`` and a note saying so; the home page warns
while any such row exists. The pattern is fixed (no randomness) so screenshots and tests
are repeatable.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TypeVar

from sqlmodel import Session, col, select

from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.models import Activity, OitItem, Status, UserRole
from ita_core.services.core import table_name
from ita_core.services.writer import Writer

DEMO_USER = "demo"
DEMO_NOTE = "[ตัวอย่าง] ข้อมูลสาธิต ไม่ใช่ผลจริง / demo data"
DEMO_ACTOR = Actor(DEMO_USER, UserRole.ADMIN)  # run by `ita init --demo` on the server only

PlanRowT = TypeVar("PlanRowT", Activity, OitItem)


def _demo_values(model: type[Activity] | type[OitItem], row: Activity | OitItem,
                 index: int) -> dict[str, object]:
    """Three in four rows done (OIT items with a placeholder link), one in four half done."""
    if index % 4 == 3:
        return {"status": Status.IN_PROGRESS, "progress": 50, "note": DEMO_NOTE}
    values: dict[str, object] = {"status": Status.DONE, "note": DEMO_NOTE}
    if model is OitItem:
        values["evidence_url"] = f"https://example.invalid/demo/{getattr(row, 'code', '')}"
    return values


def apply_demo_snapshot(session: Session, station_id: int, fiscal_year: int) -> int:
    """Mark three in four rows done and one in four half done, through the write path (audited,
    source "demo"); return rows changed. Each row is stamped a few days before its deadline, as
    if updated then, so the meeting view has a history to show."""
    writer = Writer(session, DEMO_ACTOR, source="demo")
    return (_apply_to(writer, Activity, station_id, fiscal_year)
            + _apply_to(writer, OitItem, station_id, fiscal_year))


def _apply_to(writer: Writer, model: type[PlanRowT], station_id: int, fiscal_year: int) -> int:
    """The snapshot of one table (activities, then OIT items); rows changed."""
    rows = writer.session.exec(
        select(model).where(col(model.station_id) == station_id, col(model.fiscal_year) == fiscal_year,
                            col(model.deleted_at).is_(None)).order_by(col(model.id))
    ).all()
    for index, row in enumerate(rows):
        at = None
        if row.due_date is not None:
            at = datetime.combine(row.due_date - timedelta(days=3 + index % 5), time(9), tzinfo=UTC)
        writer.update_progress(table=table_name(model), row_id=stored_id(row), seen_version=row.version,
                               values=_demo_values(model, row, index), at=at)
    return len(rows)


def has_demo_rows(session: Session, station_id: int, fiscal_year: int) -> bool:
    """True while sample progress is shown instead of real progress."""
    return any(
        session.exec(select(model.id).where(
            model.station_id == station_id, model.fiscal_year == fiscal_year,
            model.updated_by == DEMO_USER).limit(1)).first()
        for model in (Activity, OitItem)
    )
