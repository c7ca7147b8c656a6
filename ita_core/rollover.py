"""Fiscal-year rollover: copy a station's plan into the next year, dates shifted by a year.

Activities, OIT items with their components, assignments, recurring duties, survey quotas
and the ITA calendar (a draft: the NACC publishes a new one each year) are copied through
the write path (audited, source "rollover"). Progress starts over: status not started,
percent 0, notes and evidence cleared. A year that already has rows is refused unless
``overwrite`` is asked for; then its rows are deleted first (audited) and the copy replaces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, SQLModel, select

from ita_core.auth import Actor
from ita_core.models import (
    Activity,
    Assignment,
    OitComponent,
    OitItem,
    Phase,
    Publication,
    RecurringDuty,
    SurveyCount,
    SurveyQuota,
)
from ita_core.permissions import Action, require
from ita_core.services import ValidationFailed, create_row, ensure_fiscal_year, hard_delete, save_phase
from ita_core.thai_dates import shift_be_years_in_text, shift_year

SOURCE = "rollover"
ACTIVITY_COPY = ("seq", "indicator", "issue", "activity", "output", "awareness", "due_date", "due_text",
                 "due_kind", "start_date", "cadence_text", "responsible_text")
OIT_COPY = ("code", "number", "sub_indicator", "group_heading", "title", "due_date", "due_text", "due_kind",
            "start_date", "rhythm_text", "responsible_text")
PHASE_COPY = ("seq", "stage", "step", "kind", "name", "description", "start", "end", "period_text",
              "responsible_text")
DUTY_COPY = ("kind", "day", "interval_days", "start", "end", "text")
DATE_FIELDS = {"due_date", "start_date", "start", "end"}
TEXT_FIELDS = {"due_text", "period_text", "cadence_text", "rhythm_text", "text"}


# rows a year's plan owns, each listed after the rows that point at it; fields name a deleted row
YEAR_ROWS_CHILDREN_FIRST: tuple[tuple[type[SQLModel], tuple[str, ...]], ...] = (
    (Publication, ("item_id", "month", "url")), (SurveyCount, ("quota_id", "day", "collected")),
    (Assignment, ("person_id", "role")), (RecurringDuty, ("kind", "text")),
    (SurveyQuota, ("department", "min_respondents")), (Phase, ("name",)),
    (Activity, ("seq", "activity")), (OitItem, ("code", "title")),
)


@dataclass
class RolloverReport:
    """How many rows of each kind the new year received."""

    counts: dict[str, int]


def _shifted(row: SQLModel, fields: tuple[str, ...], years: int) -> dict[str, object]:
    """Field values with dates moved by ``years`` and the BE years in date phrases moved too."""
    values = {}
    for name in fields:
        value = getattr(row, name)
        if name in DATE_FIELDS and isinstance(value, date):
            value = shift_year(value, years)
        elif name in TEXT_FIELDS and isinstance(value, str):
            value = shift_be_years_in_text(value, years)
        values[name] = value
    return values


def _rows(session: Session, model: type[SQLModel], station_id: int, fiscal_year: int) -> list:
    query = select(model).where(model.station_id == station_id, model.fiscal_year == fiscal_year)
    if hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_(None))
    return list(session.exec(query.order_by(model.id)))


def _clear_year(session: Session, actor: Actor, station_id: int, fiscal_year: int) -> None:
    """Delete every plan row of a station's year (children first), each deletion audited."""
    items = session.exec(select(OitItem).where(OitItem.station_id == station_id,
                                               OitItem.fiscal_year == fiscal_year)).all()
    for item in items:
        for component in session.exec(select(OitComponent).where(OitComponent.item_id == item.id)):
            hard_delete(session, actor, component, ("item_id", "text"), SOURCE, station_id)
    for model, fields in YEAR_ROWS_CHILDREN_FIRST:
        for row in session.exec(select(model).where(model.station_id == station_id,
                                                    model.fiscal_year == fiscal_year)):
            hard_delete(session, actor, row, fields, SOURCE, station_id)
        session.flush()


def rollover(session: Session, actor: Actor, station_id: int, from_year: int, to_year: int,
             overwrite: bool = False) -> RolloverReport:
    """Copy ``from_year``'s plan of a station into ``to_year`` (admins only; caller commits)."""
    require(actor, Action.EDIT_PLAN)
    years = to_year - from_year
    if years <= 0:
        raise ValidationFailed([f"ปีปลายทาง {to_year} ต้องมาหลังปีต้นทาง {from_year}"])
    activities = _rows(session, Activity, station_id, from_year)
    items = _rows(session, OitItem, station_id, from_year)
    if not activities and not items:
        raise ValidationFailed([f"สถานีนี้ไม่มีแผนปีงบประมาณ {from_year} ให้คัดลอก"])
    if _rows(session, Activity, station_id, to_year) or _rows(session, OitItem, station_id, to_year):
        if not overwrite:
            raise ValidationFailed([f"ปีงบประมาณ {to_year} มีแผนอยู่แล้ว — ต้องสั่งเขียนทับ (overwrite) ถ้าต้องการแทนที่"])
        _clear_year(session, actor, station_id, to_year)
    ensure_fiscal_year(session, to_year, actor=actor, source=SOURCE)

    scope = {"station_id": station_id, "fiscal_year": to_year}
    new_activity = {a.id: create_row(session, actor, Activity(**scope, **_shifted(a, ACTIVITY_COPY, years)),
                                     ACTIVITY_COPY, SOURCE).row_id for a in activities}
    new_item = {i.id: create_row(session, actor, OitItem(**scope, **_shifted(i, OIT_COPY, years)),
                                 OIT_COPY, SOURCE).row_id for i in items}
    components = session.exec(select(OitComponent).where(OitComponent.item_id.in_(list(new_item)))
                              .order_by(OitComponent.id)).all()
    for component in components:
        create_row(session, actor, OitComponent(item_id=new_item[component.item_id], seq=component.seq,
                                                text=component.text), ("item_id", "seq", "text"), SOURCE)

    def target(row: Assignment | RecurringDuty) -> dict[str, int | None]:
        """The new year's activity or OIT item a copied assignment or duty points at."""
        return {"activity_id": new_activity.get(row.activity_id),
                "oit_item_id": new_item.get(row.oit_item_id)}

    for row in _rows(session, Assignment, station_id, from_year):
        copy = Assignment(**scope, person_id=row.person_id, role=row.role, note=row.note, **target(row))
        create_row(session, actor, copy, ("person_id", "role", "activity_id", "oit_item_id", "note"), SOURCE)
    for row in _rows(session, RecurringDuty, station_id, from_year):
        copy = RecurringDuty(**scope, **_shifted(row, DUTY_COPY, years), **target(row))
        create_row(session, actor, copy, DUTY_COPY, SOURCE)
    for row in _rows(session, SurveyQuota, station_id, from_year):
        create_row(session, actor, SurveyQuota(**scope, tool=row.tool, department=row.department,
                                               min_respondents=row.min_respondents, note=row.note),
                   ("tool", "department", "min_respondents"), SOURCE)
    for row in _rows(session, Phase, station_id, from_year):
        save_phase(session, actor, _shifted(row, PHASE_COPY, years), source=SOURCE, **scope)
    session.flush()
    return RolloverReport({"activities": len(new_activity), "oit_items": len(new_item),
                           "components": len(components)})
