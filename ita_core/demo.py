"""A clearly flagged sample progress snapshot, so a first look at the seed is not all red.

Rows touched here carry ``updated_by = "demo"`` and a note saying so; the home page warns
while any such row exists. The pattern is fixed (no randomness) so screenshots and tests
are repeatable.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from ita_core.models import Activity, OitItem, Status

DEMO_USER = "demo"
DEMO_NOTE = "[ตัวอย่าง] ข้อมูลสาธิต ไม่ใช่ผลจริง / demo data"


def apply_demo_snapshot(session: Session, station_id: int, fiscal_year: int) -> int:
    """Mark three in four rows done and one in four half done; return rows changed."""
    changed = 0
    for model in (Activity, OitItem):
        rows = session.exec(
            select(model).where(model.station_id == station_id, model.fiscal_year == fiscal_year)
            .order_by(model.id)
        ).all()
        for index, row in enumerate(rows):
            if index % 4 == 3:
                row.status, row.progress = Status.IN_PROGRESS, 50
            else:
                row.status, row.progress = Status.DONE, 100
                if model is OitItem:
                    row.evidence_url = f"https://example.invalid/demo/{row.code}"
            row.note, row.updated_by = DEMO_NOTE, DEMO_USER
            if row.due_date is not None:  # as if updated a few days before its deadline
                row.updated_at = datetime.combine(row.due_date - timedelta(days=3 + index % 5), time(9),
                                                  tzinfo=UTC)
            row.version += 1
            session.add(row)
            changed += 1
    return changed


def has_demo_rows(session: Session, station_id: int, fiscal_year: int) -> bool:
    """True while sample progress is shown instead of real progress."""
    return any(
        session.exec(select(model.id).where(
            model.station_id == station_id, model.fiscal_year == fiscal_year,
            model.updated_by == DEMO_USER).limit(1)).first()
        for model in (Activity, OitItem)
    )
