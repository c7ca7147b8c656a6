"""Fiscal-year rollover: copy a station's plan into a later year, dates shifted by the years between.

Activities, OIT items with their components, assignments, recurring duties, survey quotas
and the ITA calendar (a draft: the NACC publishes a new one each year) are copied through
the write path (audited, source "rollover"). Progress starts over: status not started,
percent 0, notes and evidence cleared. A year that already has rows is refused unless
``overwrite`` is asked for; then its rows are deleted first (audited) and the copy replaces them.

The target year must have a framework (``ita framework copy``); its OIT catalogue decides which
items the new year holds, matched by code and title (:class:`RolloverReport`): an item of the same
code and title is *kept*; of the same code with another title *renamed* (the new title, the
catalogue's components); a code the new catalogue lacks is *dropped* (not copied: its progress
stays in the old year); a code only the new catalogue has is *new* (added unassigned).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.framework import catalogue_of, framework_of, missing_framework_th
from ita_core.models import (
    Activity,
    Assignment,
    CatalogueComponent,
    CatalogueItem,
    OitComponent,
    OitItem,
    Phase,
    PlanIssue,
    Publication,
    RecurringDuty,
    SurveyCount,
    SurveyQuota,
    TrackedRow,
)
from ita_core.permissions import Action, require
from ita_core.services.core import ValidationFailed, create_row, hard_delete
from ita_core.services.plan import add_catalogue_items, ensure_fiscal_year, ensure_sub_indicators, save_phase
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


# a row a station's year owns
YearRow = (Publication | SurveyCount | Assignment | RecurringDuty | SurveyQuota | Phase | Activity | OitItem
           | PlanIssue)
YearRowT = TypeVar("YearRowT", bound=YearRow)

# rows a year's plan owns, each listed after the rows that point at it; fields name a deleted row
YEAR_ROWS_CHILDREN_FIRST: tuple[tuple[type[YearRow], tuple[str, ...]], ...] = (
    (Publication, ("item_id", "month", "url")), (SurveyCount, ("quota_id", "day", "collected")),
    (Assignment, ("person_id", "role")), (RecurringDuty, ("kind", "text")),
    (SurveyQuota, ("department", "min_respondents")), (Phase, ("name",)), (PlanIssue, ("indicator", "text")),
    (Activity, ("seq", "activity")), (OitItem, ("code", "title")),
)


@dataclass
class RolloverReport:
    """How many rows of each kind the new year received, and what became of each OIT item against
    the new year's catalogue: codes kept; (code, old title, new title) renamed; (code, title)
    dropped (not copied) and new (added unassigned)."""

    counts: dict[str, int]
    kept: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    new: list[tuple[str, str]] = field(default_factory=list)

    def lines_th(self, from_year: int, to_year: int) -> list[str]:
        """The four lists in Thai, with codes, for the terminal and the admin page."""
        return [
            f"รายการ OIT เทียบกับเกณฑ์ปี {to_year}:",
            f"  คงเดิม {len(self.kept)} รายการ: {', '.join(self.kept) or '—'}",
            f"  เปลี่ยนชื่อ {len(self.renamed)} รายการ: "
            + ("; ".join(f"{code} «{old}» → «{new}»" for code, old, new in self.renamed) or "—"),
            f"  ตัดออก {len(self.dropped)} รายการ "
            f"(ไม่คัดลอก ความคืบหน้ายังอยู่ในปี {from_year}): "
            + ("; ".join(f"{code} {title}" for code, title in self.dropped) or "—"),
            f"  ใหม่ {len(self.new)} รายการ (เพิ่มโดยยังไม่มอบหมาย): "
            + ("; ".join(f"{code} {title}" for code, title in self.new) or "—"),
        ]


def _shifted(row: SQLModel, fields: tuple[str, ...], years: int) -> dict[str, Any]:
    """Field values with dates moved by ``years`` and the BE years in date phrases moved too."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(row, name)
        if name in DATE_FIELDS and isinstance(value, date):
            value = shift_year(value, years)
        elif name in TEXT_FIELDS and isinstance(value, str):
            value = shift_be_years_in_text(value, years)
        values[name] = value
    return values


def _rows(session: Session, model: type[YearRowT], station_id: int, fiscal_year: int) -> list[YearRowT]:
    """A station's rows of one year by id, soft-deleted activities and OIT items left out."""
    query = select(model).where(col(model.station_id) == station_id, col(model.fiscal_year) == fiscal_year)
    if issubclass(model, TrackedRow):
        query = query.where(col(model.deleted_at).is_(None))
    return list(session.exec(query.order_by(col(model.id))))


def _all_rows(session: Session, model: type[YearRowT], station_id: int,
              fiscal_year: int) -> Sequence[YearRowT]:
    """Every row of a station's year, soft-deleted ones too."""
    return session.exec(select(model).where(col(model.station_id) == station_id,
                                            col(model.fiscal_year) == fiscal_year)).all()


def _new_id(new_ids: dict[int, int], old_id: int | None) -> int | None:
    """The new year's copy of the row ``old_id`` (None: no row, or a row that was not copied)."""
    return None if old_id is None else new_ids.get(old_id)


def _clear_year(session: Session, actor: Actor, station_id: int, fiscal_year: int) -> None:
    """Delete every plan row of a station's year (children first), each deletion audited."""
    items = session.exec(select(OitItem).where(OitItem.station_id == station_id,
                                               OitItem.fiscal_year == fiscal_year)).all()
    for item in items:
        for component in session.exec(select(OitComponent).where(OitComponent.item_id == item.id)):
            hard_delete(session, actor, component, ("item_id", "text"), SOURCE, station_id)
    for model, fields in YEAR_ROWS_CHILDREN_FIRST:
        for row in _all_rows(session, model, station_id, fiscal_year):
            hard_delete(session, actor, row, fields, SOURCE, station_id)
        session.flush()


def rollover(session: Session, actor: Actor, station_id: int, from_year: int, to_year: int,
             overwrite: bool = False) -> RolloverReport:
    """Copy ``from_year``'s plan of a station into ``to_year`` (admins only; caller commits)."""
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    years = to_year - from_year
    if years <= 0:
        raise ValidationFailed([f"ปีปลายทาง {to_year} ต้องมาหลังปีต้นทาง {from_year}"])
    if framework_of(session, to_year) is None:
        raise ValidationFailed([missing_framework_th(session, to_year)])
    activities = _rows(session, Activity, station_id, from_year)
    items = _rows(session, OitItem, station_id, from_year)
    if not activities and not items:
        raise ValidationFailed([f"สถานีนี้ไม่มีแผนปีงบประมาณ {from_year} ให้คัดลอก"])
    if (bool(_rows(session, Activity, station_id, to_year))
            or bool(_rows(session, OitItem, station_id, to_year))):
        if not overwrite:
            raise ValidationFailed([f"ปีงบประมาณ {to_year} มีแผนอยู่แล้ว — ต้องสั่งเขียนทับ (overwrite) ถ้าต้องการแทนที่"])
        _clear_year(session, actor, station_id, to_year)
    ensure_fiscal_year(session, to_year, actor=actor, source=SOURCE)
    catalogue = {entry.code: entry for entry in catalogue_of(session, to_year)}
    ensure_sub_indicators(session, actor, to_year, {entry.sub_indicator for entry in catalogue.values()},
                          SOURCE)
    report = RolloverReport({})

    scope: dict[str, Any] = {"station_id": station_id, "fiscal_year": to_year}
    new_activity: dict[int, int] = {}  # old id: the copy's id
    for activity in activities:
        copy = Activity(**scope, **_shifted(activity, ACTIVITY_COPY, years))
        new_activity[stored_id(activity)] = create_row(session, actor, copy, ACTIVITY_COPY, SOURCE).row_id
    new_item: dict[int, int] = {}
    renamed: dict[int, CatalogueItem] = {}  # old item id: its new catalogue entry
    for item in items:
        entry = catalogue.get(item.code)
        if entry is None:
            report.dropped.append((item.code, item.title))
            continue
        if entry.title_th == item.title:
            report.kept.append(item.code)
        else:
            report.renamed.append((item.code, item.title, entry.title_th))
            renamed[stored_id(item)] = entry
        values = {**_shifted(item, OIT_COPY, years), **_from_catalogue(entry)}
        item_copy = OitItem(**scope, **values, catalogue_item_id=entry.id)
        new_item[stored_id(item)] = create_row(session, actor, item_copy, (*OIT_COPY, "catalogue_item_id"),
                                               SOURCE).row_id
    kept_ids = [old for old in new_item if old not in renamed]
    components = session.exec(select(OitComponent).where(col(OitComponent.item_id).in_(kept_ids))
                              .order_by(col(OitComponent.id))).all()
    for component in components:
        create_row(session, actor, OitComponent(item_id=new_item[component.item_id], seq=component.seq,
                                                text=component.text), ("item_id", "seq", "text"), SOURCE)
    copied_components = len(components)
    for old_id, entry in renamed.items():  # a renamed item's checklist is the new catalogue's
        for line in session.exec(select(CatalogueComponent).where(col(CatalogueComponent.item_id) == entry.id)
                                 .order_by(col(CatalogueComponent.seq))).all():
            copy_line = OitComponent(item_id=new_item[old_id], seq=line.seq, text=line.text_th)
            create_row(session, actor, copy_line, ("item_id", "seq", "text"), SOURCE)
            copied_components += 1

    def target(row: Assignment | RecurringDuty) -> dict[str, Any] | None:
        """The new year's activity or OIT item a copied assignment or duty points at (None: its OIT
        item was dropped from the new year's catalogue, so it is not copied)."""
        pointed = {"activity_id": _new_id(new_activity, row.activity_id),
                   "oit_item_id": _new_id(new_item, row.oit_item_id)}
        return pointed if any(value is not None for value in pointed.values()) else None

    for assignment in _rows(session, Assignment, station_id, from_year):
        if assignment.survey_quota_id is not None:
            continue  # a quota's collector: copied with the quotas (_copy_collectors_and_issues)
        if (on := target(assignment)) is not None:
            copy_of = Assignment(**scope, person_id=assignment.person_id, role=assignment.role,
                                 note=assignment.note, **on)
            create_row(session, actor, copy_of, ("person_id", "role", "activity_id", "oit_item_id", "note"),
                       SOURCE)
    for duty in _rows(session, RecurringDuty, station_id, from_year):
        if (on := target(duty)) is not None:
            create_row(session, actor, RecurringDuty(**scope, **_shifted(duty, DUTY_COPY, years), **on),
                       DUTY_COPY, SOURCE)
    for quota in _rows(session, SurveyQuota, station_id, from_year):
        create_row(session, actor, SurveyQuota(**scope, tool=quota.tool, department=quota.department,
                                               min_respondents=quota.min_respondents, note=quota.note),
                   ("tool", "department", "min_respondents"), SOURCE)
    for phase in _rows(session, Phase, station_id, from_year):
        save_phase(session, actor, _shifted(phase, PHASE_COPY, years), source=SOURCE, station_id=station_id,
                   fiscal_year=to_year)
    _copy_collectors_and_issues(session, actor, station_id, from_year, to_year)
    added = add_catalogue_items(session, actor, station_id=station_id, fiscal_year=to_year, source=SOURCE)
    report.new = [(code, catalogue[code].title_th) for code in added]
    added_components = session.exec(select(func.count()).select_from(CatalogueComponent).where(
        col(CatalogueComponent.item_id).in_([catalogue[code].id for code in added]))).one()
    session.flush()
    report.counts = {"activities": len(new_activity), "oit_items": len(new_item) + len(added),
                     "components": copied_components + added_components}
    return report


def _from_catalogue(entry: CatalogueItem) -> dict[str, Any]:
    """What the new year's framework decides of a matched item: its code, number, sub-indicator,
    group and title (progress, owners and dates stay the station's)."""
    return {"code": entry.code, "number": entry.number, "sub_indicator": entry.sub_indicator,
            "group_heading": entry.group_heading, "title": entry.title_th}


def _copy_collectors_and_issues(session: Session, actor: Actor, station_id: int, from_year: int,
                                to_year: int) -> None:
    """Copy the survey collectors of each quota (to the new year's quota of the same tool and
    department) and the plan's issues per indicator (ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา)."""
    scope: dict[str, Any] = {"station_id": station_id, "fiscal_year": to_year}
    new_quota = {(q.tool, q.department): stored_id(q)
                 for q in _rows(session, SurveyQuota, station_id, to_year)}
    old_quota = {stored_id(q): (q.tool, q.department)
                 for q in _rows(session, SurveyQuota, station_id, from_year)}
    for held in _rows(session, Assignment, station_id, from_year):
        quota = old_quota.get(held.survey_quota_id) if held.survey_quota_id is not None else None
        if quota is not None and quota in new_quota:
            copy = Assignment(**scope, person_id=held.person_id, role=held.role, note=held.note,
                              survey_quota_id=new_quota[quota])
            create_row(session, actor, copy, ("person_id", "role", "survey_quota_id", "note"), SOURCE)
    for issue in _rows(session, PlanIssue, station_id, from_year):
        copied = PlanIssue(**scope, indicator=issue.indicator, seq=issue.seq, text=issue.text)
        create_row(session, actor, copied, ("indicator", "seq", "text"), SOURCE)
