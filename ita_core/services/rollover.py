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

:func:`preview_rollover` reads and matches the same rows as :func:`rollover` (one ``_plan``)
without writing, so what the admin page previews is what the rollover writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

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
from ita_core.services.plan import (
    _StartPlan,
    add_assignment,
    add_oit_item,
    add_plan_issue,
    check_activity,
    copy_component,
    ensure_fiscal_year,
    ensure_sub_indicators,
    save_phase,
    save_recurring_duty,
    start_station_year,
    year_start_plan,
)
from ita_core.services.surveys import save_quota
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
    """What the new year receives: how many rows of each kind (``counts``), and what becomes of
    each OIT item against the new year's catalogue: codes kept; (code, old title, new title)
    renamed; (code, title) dropped (not copied) and new (added unassigned). ``replaces`` says the
    target year already has a plan (the rollover then needs ``overwrite``, which deletes it first).

    :func:`preview_rollover` and :func:`rollover` return the same report for the same years."""

    counts: dict[str, int]
    kept: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    new: list[tuple[str, str]] = field(default_factory=list)
    replaces: bool = False

    def lines_th(self, from_year: int, to_year: int) -> list[str]:
        """The four lists in Thai, with codes, for the terminal and the admin page."""
        return [
            f"รายการ OIT เทียบกับเกณฑ์ปี {to_year}:",
            f"  คงเดิม {len(self.kept)} รายการ: {', '.join(code for code, _ in self.kept) or '—'}",
            f"  เปลี่ยนชื่อ {len(self.renamed)} รายการ: "
            + ("; ".join(f"{code} «{old}» → «{new}»" for code, old, new in self.renamed) or "—"),
            f"  ตัดออก {len(self.dropped)} รายการ "
            f"(ไม่คัดลอก ความคืบหน้ายังอยู่ในปี {from_year}): "
            + ("; ".join(f"{code} {title}" for code, title in self.dropped) or "—"),
            f"  ใหม่ {len(self.new)} รายการ (เพิ่มโดยยังไม่มอบหมาย): "
            + ("; ".join(f"{code} {title}" for code, title in self.new) or "—"),
        ]

    def lists_th(self, from_year: int) -> list[tuple[str, list[str]]]:
        """The four lists as (heading, one line per item: code and title) for the admin page."""
        return [
            ("คงเดิม", [f"{code} {title}" for code, title in self.kept]),
            ("เปลี่ยนชื่อ", [f"{code} {old} → {new}" for code, old, new in self.renamed]),
            (f"ตัดออก (ความคืบหน้ายังอยู่ในปี {from_year})", [f"{code} {title}" for code, title in self.dropped]),
            ("เพิ่มใหม่ (ยังไม่มอบหมาย)", [f"{code} {title}" for code, title in self.new]),
        ]

    def counts_th(self) -> str:
        """The copy counts in one Thai line."""
        return " · ".join(f"{COUNT_TH[key]} {self.counts.get(key, 0):,}" for key in COUNT_TH)


# the kinds of rows the new year receives, in the order the report names them
COUNT_TH = {"activities": "มาตรการ/กิจกรรม", "oit_items": "ข้อมูล OIT", "components": "องค์ประกอบ",
            "assignments": "การมอบหมาย", "duties": "รอบรายงาน", "quotas": "โควตาผู้ตอบ",
            "phases": "ขั้นตอนปฏิทิน ITA", "plan_issues": "ประเด็นที่ต้องปรับปรุง"}


@dataclass
class _Plan:
    """Every row a rollover copies, matched against the target year's catalogue, read before
    anything is written: the preview shows its report, the rollover writes exactly these rows."""

    report: RolloverReport
    activities: list[Activity]
    items: list[tuple[OitItem, CatalogueItem]]  # a copied item and its new catalogue entry
    renamed: set[int]  # old ids of items whose checklist is the new catalogue's
    components: list[OitComponent]  # of the kept items
    assignments: list[Assignment]  # on copied activities and OIT items
    duties: list[RecurringDuty]
    quotas: list[SurveyQuota]
    collectors: list[Assignment]  # on the quotas
    phases: list[Phase]
    issues: list[PlanIssue]
    start: _StartPlan  # what the year then gets from its framework (new items …)


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


def _plan(session: Session, actor: Actor, station_id: int, from_year: int, to_year: int) -> _Plan:
    """Read and match everything a rollover of ``from_year`` into ``to_year`` copies (no write)."""
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    if to_year - from_year <= 0:
        raise ValidationFailed([f"ปีปลายทาง {to_year} ต้องมาหลังปีต้นทาง {from_year}"])
    if framework_of(session, to_year) is None:
        raise ValidationFailed([missing_framework_th(session, to_year)])
    activities = _rows(session, Activity, station_id, from_year)
    items = _rows(session, OitItem, station_id, from_year)
    if not activities and not items:
        raise ValidationFailed([f"สถานีนี้ไม่มีแผนปีงบประมาณ {from_year} ให้คัดลอก"])
    replaces = bool(_rows(session, Activity, station_id, to_year)
                    or _rows(session, OitItem, station_id, to_year))
    entries = catalogue_of(session, to_year)
    catalogue = {entry.code: entry for entry in entries}
    report = RolloverReport({}, replaces=replaces)
    matched: list[tuple[OitItem, CatalogueItem]] = []
    renamed: set[int] = set()
    for item in items:
        entry = catalogue.get(item.code)
        if entry is None:
            report.dropped.append((item.code, item.title))
            continue
        if entry.title_th == item.title:
            report.kept.append((item.code, item.title))
        else:
            report.renamed.append((item.code, item.title, entry.title_th))
            renamed.add(stored_id(item))
        matched.append((item, entry))
    copied_items = {stored_id(item) for item, _ in matched}
    copied_activities = {stored_id(activity) for activity in activities}
    kept_ids = [old for old in copied_items if old not in renamed]
    components = list(session.exec(select(OitComponent).where(col(OitComponent.item_id).in_(kept_ids))
                                   .order_by(col(OitComponent.id))).all())

    def copied(row: Assignment | RecurringDuty) -> bool:
        """Its activity or OIT item is copied (an item dropped from the new catalogue is not)."""
        return row.activity_id in copied_activities or row.oit_item_id in copied_items

    held = _rows(session, Assignment, station_id, from_year)
    quotas = _rows(session, SurveyQuota, station_id, from_year)
    quota_ids = {stored_id(quota) for quota in quotas}
    phases = _rows(session, Phase, station_id, from_year)
    # what the framework adds once the copies stand: a cleared target holds only the copies
    target_codes = set() if replaces else {i.code for i in _all_rows(session, OitItem, station_id, to_year)}
    start = year_start_plan(
        session, fiscal_year=to_year, held_codes={item.code for item, _ in matched} | target_codes,
        has_phases=bool(phases) or (not replaces and bool(_rows(session, Phase, station_id, to_year))),
        has_quotas=bool(quotas) or (not replaces and bool(_rows(session, SurveyQuota, station_id, to_year))),
        catalogue=entries)
    plan = _Plan(report, activities, matched, renamed, components,
                 [a for a in held if a.survey_quota_id is None and copied(a)],
                 [d for d in _rows(session, RecurringDuty, station_id, from_year) if copied(d)],
                 quotas, [a for a in held if a.survey_quota_id in quota_ids], phases,
                 _rows(session, PlanIssue, station_id, from_year), start)
    added = start.summary(session)
    report.new = [(entry.code, entry.title_th) for entry in start.entries]
    catalogue_lines = sum(len(_checklist(session, entry)) for item, entry in matched
                          if stored_id(item) in renamed)
    report.counts = {
        "activities": len(activities), "oit_items": len(matched) + len(added.items),
        "components": len(components) + catalogue_lines + added.components,
        "assignments": len(plan.assignments) + len(plan.collectors),
        "duties": len(plan.duties) + added.duties,
        "quotas": len(quotas) + added.quotas, "phases": len(phases) + added.phases,
        "plan_issues": len(plan.issues)}
    return plan


def _checklist(session: Session, entry: CatalogueItem) -> list[CatalogueComponent]:
    return list(session.exec(select(CatalogueComponent).where(col(CatalogueComponent.item_id) == entry.id)
                             .order_by(col(CatalogueComponent.seq))).all())


def preview_rollover(session: Session, actor: Actor, *, station_id: int, from_year: int,
                     to_year: int) -> RolloverReport:
    """What :func:`rollover` would do, without writing: the OIT items kept, renamed, dropped and
    new against ``to_year``'s catalogue, and how many rows of each kind the new year would get.
    Refused like the rollover (admins only; a year without a framework names the copy command)."""
    return _plan(session, actor, station_id, from_year, to_year).report


def rollover(session: Session, actor: Actor, station_id: int, from_year: int, to_year: int,
             overwrite: bool = False) -> RolloverReport:
    """Copy ``from_year``'s plan of a station into ``to_year`` (admins only; caller commits).

    Each row goes through the validator of its kind (activities, OIT items, components, assignments
    and collectors, recurring duties, survey quotas, calendar steps, plan issues), audited with
    source "rollover";
    then :func:`start_station_year` adds what the new framework has and the copies lack."""
    plan = _plan(session, actor, station_id, from_year, to_year)
    years = to_year - from_year
    if plan.report.replaces:
        if not overwrite:
            raise ValidationFailed([f"ปีงบประมาณ {to_year} มีแผนอยู่แล้ว — ต้องสั่งเขียนทับ (overwrite) ถ้าต้องการแทนที่"])
        _clear_year(session, actor, station_id, to_year)
    ensure_fiscal_year(session, to_year, actor=actor, source=SOURCE)
    ensure_sub_indicators(session, actor, to_year, {entry.sub_indicator for _, entry in plan.items}, SOURCE)
    scope: dict[str, Any] = {"station_id": station_id, "fiscal_year": to_year}
    new_activity: dict[int, int] = {}  # old id: the copy's id
    for activity in plan.activities:
        values = _shifted(activity, ACTIVITY_COPY, years)
        errors = check_activity(values, new=True)
        if errors:
            raise ValidationFailed([f"กิจกรรมลำดับ {activity.seq}: {error}" for error in errors])
        copy = Activity(**scope, **values)
        new_activity[stored_id(activity)] = create_row(session, actor, copy, ACTIVITY_COPY, SOURCE).row_id
    new_item: dict[int, int] = {}
    for item, entry in plan.items:
        values = {**_shifted(item, OIT_COPY, years), **_from_catalogue(entry), "catalogue_item_id": entry.id}
        new_item[stored_id(item)] = add_oit_item(session, actor, values, **scope, source=SOURCE).row_id
    for component in plan.components:
        copy_component(session, actor, item_id=new_item[component.item_id], seq=component.seq,
                       text=component.text, source=SOURCE)
    for item, entry in plan.items:  # a renamed item's checklist is the new catalogue's
        if stored_id(item) in plan.renamed:
            for line in _checklist(session, entry):
                copy_component(session, actor, item_id=new_item[stored_id(item)], seq=line.seq,
                               text=line.text_th, source=SOURCE)

    def target(row: Assignment | RecurringDuty) -> dict[str, Any]:
        """The new year's activity or OIT item a copied assignment or duty points at."""
        if row.activity_id is not None:
            return {"activity_id": new_activity[row.activity_id]}
        return {"oit_item_id": new_item[stored_id_of(row.oit_item_id)]}

    for assignment in plan.assignments:
        add_assignment(session, actor, assignment.person_id, assignment.role, note=assignment.note,
                       source=SOURCE, **target(assignment))
    for duty in plan.duties:
        save_recurring_duty(session, actor, {**_shifted(duty, DUTY_COPY, years), **target(duty)},
                            source=SOURCE)
    new_quota: dict[int, int] = {}
    for quota in plan.quotas:
        values = {"tool": quota.tool, "department": quota.department,
                  "min_respondents": quota.min_respondents, "note": quota.note}
        new_quota[stored_id(quota)] = save_quota(session, actor, values, source=SOURCE, station_id=station_id,
                                                 fiscal_year=to_year).row_id
    for held in plan.collectors:
        add_assignment(session, actor, held.person_id, held.role, note=held.note, source=SOURCE,
                       survey_quota_id=new_quota[stored_id_of(held.survey_quota_id)])
    for phase in plan.phases:
        save_phase(session, actor, _shifted(phase, PHASE_COPY, years), source=SOURCE, station_id=station_id,
                   fiscal_year=to_year)
    for issue in plan.issues:
        add_plan_issue(session, actor, {"indicator": issue.indicator, "seq": issue.seq, "text": issue.text},
                       **scope, source=SOURCE)
    started = start_station_year(session, actor, station_id=station_id, fiscal_year=to_year, source=SOURCE)
    if started != plan.start.summary(session):  # the preview promised these rows
        raise ValidationFailed([f"ปีงบประมาณ {to_year}: รายการที่เพิ่มจากเกณฑ์ไม่ตรงกับที่แสดงตัวอย่าง — ไม่มีการบันทึกใด ๆ"])
    session.flush()
    return plan.report


def stored_id_of(row_id: int | None) -> int:
    """A pointer the plan already checked is set."""
    if row_id is None:
        raise ValueError("a copied row lost its target")
    return row_id


def _from_catalogue(entry: CatalogueItem) -> dict[str, Any]:
    """What the new year's framework decides of a matched item: its code, number, sub-indicator,
    group and title (progress, owners and dates stay the station's)."""
    return {"code": entry.code, "number": entry.number, "sub_indicator": entry.sub_indicator,
            "group_heading": entry.group_heading, "title": entry.title_th}
