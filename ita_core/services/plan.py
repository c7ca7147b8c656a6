"""Admins' writes to the plan itself: activities, OIT items and components, people,
assignments, recurring duties, fiscal years and stations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from ita_core.auth import Actor
from ita_core.contacts import clean_contacts
from ita_core.db import stored_id
from ita_core.framework import catalogue_of, framework_of, missing_framework_th
from ita_core.labels import RHYTHM_TH
from ita_core.limits import clean_values
from ita_core.models import (
    ASSIGNMENT_TARGETS,
    Activity,
    Assignment,
    AssignmentRole,
    CatalogueComponent,
    CatalogueItem,
    DutyKind,
    FiscalYear,
    FrameworkIndicator,
    FrameworkPhase,
    FrameworkSubIndicator,
    Indicator,
    OitComponent,
    OitItem,
    Person,
    PersonKind,
    Phase,
    PlanIssue,
    RecurringDuty,
    Rhythm,
    Station,
    SubIndicator,
    SurveyMinimum,
    SurveyQuota,
)
from ita_core.permissions import Action, require, require_station
from ita_core.services.core import (
    TABLES,
    Saved,
    ValidationFailed,
    _as_whole_numbers,
    _delete_as_seen,
    _due_warning,
    _now,
    _snapshot,
    _whole_number,
    _write,
    create_row,
    hard_delete,
)
from ita_core.services.surveys import save_quota
from ita_core.thai_dates import DueKind, fiscal_year_bounds, format_be, parse_due

ACTIVITY_FIELDS = ("indicator", "issue", "activity", "output", "awareness", "due_date", "due_text",
                   "start_date", "cadence_text", "responsible_text")


OIT_FIELDS = ("sub_indicator", "group_heading", "title", "due_date", "due_text", "start_date",
              "rhythm_text", "responsible_text")


PERSON_FIELDS = ("name", "kind", "rank", "position", "variants", "note", "email", "line_user_id")
ASSIGNMENT_FIELDS = ("person_id", "role", *ASSIGNMENT_TARGETS, "note")  # a None target leaves no trail row


DUTY_FIELDS = ("activity_id", "oit_item_id", "kind", "day", "interval_days", "start", "end", "text")
PHASE_FIELDS = ("stage", "step", "kind", "name", "description", "start", "end", "period_text",
                "responsible_text")


def check_activity(values: dict[str, Any], *, new: bool) -> list[str]:
    """What makes a measures row unstorable: an indicator outside 1–10, a new row without an
    activity. Shared by :func:`save_activity` and the rollover's copies (which keep their ``seq``)."""
    errors = []
    if "indicator" in values and values["indicator"] not in range(1, 11):
        errors.append("ตัวชี้วัดต้องเป็นเลข 1–10")
    if new and not (values.get("activity") or "").strip():
        errors.append("ต้องระบุกิจกรรมที่จะดำเนินการ")
    return errors


def save_activity(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                  expected_version: int | None = None, source: str = "form", *, station_id: int | None = None,
                  fiscal_year: int | None = None) -> Saved:
    """Create (``row_id`` None, with station and year) or edit a row of the measures table."""
    require(actor, Action.EDIT_PLAN)
    errors = check_activity(values, new=row_id is None)
    if errors:
        raise ValidationFailed(errors)
    if row_id is None:
        if station_id is None or fiscal_year is None:
            raise ValidationFailed(["กิจกรรมใหม่ต้องระบุสถานีและปีงบประมาณ"])
        seq = (session.exec(select(Activity.seq).where(Activity.station_id == station_id,
               Activity.fiscal_year == fiscal_year).order_by(col(Activity.seq).desc())).first() or 0) + 1
        row = Activity(station_id=station_id, fiscal_year=fiscal_year, seq=seq,
                       **{k: v for k, v in values.items() if k in ACTIVITY_FIELDS})
        saved = create_row(session, actor, row, ("seq", *ACTIVITY_FIELDS), source)
        year = fiscal_year
    else:
        saved = _write(session, actor, Activity, row_id, expected_version,
                       {k: v for k, v in values.items() if k in ACTIVITY_FIELDS}, source)
        year = session.get_one(Activity, row_id).fiscal_year
    saved.warnings = _due_warning(year, values.get("due_date"))
    return saved


def save_oit_item(session: Session, actor: Actor, row_id: int, expected_version: int,
                  values: dict[str, Any], source: str = "form") -> Saved:
    """Edit an OIT item's plan fields (the 25 items are fixed by the NACC: no create)."""
    require(actor, Action.EDIT_PLAN)
    current = session.get(OitItem, row_id)
    if current is not None:  # before the shared sub-indicator rows are touched on its behalf
        require_station(actor, current.station_id)
    if current is not None and "sub_indicator" in values:  # a code of the item's year, maybe new to the store
        ensure_sub_indicators(session, actor, current.fiscal_year, {values["sub_indicator"]}, source)
    saved = _write(session, actor, OitItem, row_id, expected_version,
                   {k: v for k, v in values.items() if k in OIT_FIELDS}, source)
    saved.warnings = _due_warning(session.get_one(OitItem, row_id).fiscal_year, values.get("due_date"))
    return saved


CATALOGUE_ITEM_FIELDS = ("code", "number", "sub_indicator", "group_heading", "title", "due_date", "due_text",
                         "due_kind", "rhythm_text", "catalogue_item_id")
# what a new OIT item may be given: its catalogue fields, and a rolled-over item's own dates and owners
NEW_OIT_FIELDS = (*CATALOGUE_ITEM_FIELDS, "start_date", "responsible_text")
ITEM_CODE = re.compile(r"O[1-9][0-9]*")  # O1, O2 … as the NACC numbers the OIT items
ISSUE_FIELDS = ("indicator", "seq", "text")


def _year_problems(session: Session, station_id: int, fiscal_year: int) -> list[str]:
    """A new row of a station's year needs the station and the opened fiscal year."""
    errors = []
    if session.get(Station, station_id) is None:
        errors.append(f"ไม่พบสถานี รหัส {station_id}")
    if session.get(FiscalYear, fiscal_year) is None:
        errors.append(f"ยังไม่ได้เปิดปีงบประมาณ {fiscal_year}")
    return errors


def _texts(table: str, values: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    """``values`` under the text limits of :mod:`ita_core.limits`, each refusal added to ``errors``
    (so one refusal lists every problem of the row, not the limits alone)."""
    cleaned, refused = clean_values(table, values)
    errors.extend(refused)
    return cleaned


def check_new_oit_item(session: Session, values: dict[str, Any], *, station_id: int,
                       fiscal_year: int) -> tuple[dict[str, Any], list[str]]:
    """A new OIT item of a station's year, cleaned, and what makes it unstorable: the station or
    year missing, a code not like O1 or already in the station's year (a deleted one counts: the
    code stays taken), a number that is no whole number from 1, an empty title, texts over their
    limits, a sub-indicator the store does not know, or a catalogue item of another year or code."""
    errors = _year_problems(session, station_id, fiscal_year)
    clean = _texts("oit_item", {k: v for k, v in values.items() if k in NEW_OIT_FIELDS}, errors)
    code = str(clean.get("code") or "")
    if not ITEM_CODE.fullmatch(code):
        errors.append(f"รหัสรายการ OIT ต้องเป็นรูปแบบ O1, O2 … (ได้ {code!r})")
    elif session.exec(select(OitItem.id).where(OitItem.station_id == station_id,
                                               OitItem.fiscal_year == fiscal_year,
                                               OitItem.code == code)).first() is not None:
        errors.append(f"ปีงบประมาณ {fiscal_year} ของสถานีนี้มีรายการ {code} อยู่แล้ว")
    number = _whole_number(clean.get("number"), 1, 10**6)
    if number is None:
        errors.append(f"ลำดับรายการ {code} ต้องเป็นจำนวนเต็มตั้งแต่ 1 (ได้ {clean.get('number')!r})")
    clean["number"] = number
    if not str(clean.get("title") or "").strip():
        errors.append(f"รายการ {code} ต้องมีชื่อข้อมูล")
    if session.get(SubIndicator, str(clean.get("sub_indicator") or "")) is None:
        errors.append(f"ไม่พบตัวชี้วัดย่อย {clean.get('sub_indicator')!r} ของรายการ {code}")
    entry_id = clean.get("catalogue_item_id")
    entry = session.get(CatalogueItem, entry_id) if entry_id is not None else None
    if entry_id is not None and (entry is None or (entry.fiscal_year, entry.code) != (fiscal_year, code)):
        errors.append(f"รายการ {code} ปี {fiscal_year} อ้างถึงรายการในเกณฑ์ รหัส {entry_id} ซึ่ง"
                      + ("ไม่มีอยู่" if entry is None else f"เป็น {entry.code} ของเกณฑ์ปี {entry.fiscal_year}"))
    return clean, errors


def add_oit_item(session: Session, actor: Actor, values: dict[str, Any], *, station_id: int, fiscal_year: int,
                 source: str = "form") -> Saved:
    """Add one OIT item to a station's year, checked by :func:`check_new_oit_item`. The items come
    from the year's framework (:func:`start_station_year`) or a rollover's copies, never a form:
    the 25 items are the NACC's."""
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    clean, errors = check_new_oit_item(session, values, station_id=station_id, fiscal_year=fiscal_year)
    if errors:
        raise ValidationFailed(errors)
    return create_row(session, actor, OitItem(station_id=station_id, fiscal_year=fiscal_year, **clean),
                      tuple(clean), source)


def add_plan_issue(session: Session, actor: Actor, values: dict[str, Any], *, station_id: int,
                   fiscal_year: int, source: str = "form") -> Saved:
    """Add one issue of the plan's table ประเด็นที่ต้องปรับปรุง to a station's year: an indicator
    1–10, a ``seq`` (a whole number from 1) free under that indicator, and a text within its limit."""
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    errors = _year_problems(session, station_id, fiscal_year)
    clean = _texts("plan_issue", {k: v for k, v in values.items() if k in ISSUE_FIELDS}, errors)
    indicator, seq = _whole_number(clean.get("indicator"), 1, 10), _whole_number(clean.get("seq"), 1, 10**6)
    if indicator is None:
        errors.append(f"ตัวชี้วัดของประเด็นต้องเป็นเลข 1–10 (ได้ {clean.get('indicator')!r})")
    if seq is None:
        errors.append(f"ลำดับของประเด็นต้องเป็นจำนวนเต็มตั้งแต่ 1 (ได้ {clean.get('seq')!r})")
    elif indicator is not None and session.exec(select(PlanIssue.id).where(
            PlanIssue.station_id == station_id, PlanIssue.fiscal_year == fiscal_year,
            PlanIssue.indicator == indicator, PlanIssue.seq == seq)).first() is not None:
        errors.append(f"ตัวชี้วัดที่ {indicator} มีประเด็นลำดับ {seq} อยู่แล้ว")
    if not str(clean.get("text") or "").strip():
        errors.append(f"ประเด็นลำดับ {clean.get('seq')} ของตัวชี้วัดที่ {clean.get('indicator')} ว่าง")
    if errors or indicator is None or seq is None:  # a None number has its error already
        raise ValidationFailed(errors)
    row = PlanIssue(station_id=station_id, fiscal_year=fiscal_year, indicator=indicator, seq=seq,
                    text=str(clean["text"]).strip())
    return create_row(session, actor, row, ISSUE_FIELDS, source)


@dataclass
class YearStart:
    """What a station's year gets from its framework: the catalogue items it lacks (codes, in
    catalogue order, with their components and month-end duties), and the calendar and survey
    quotas when it has none. Returned by :func:`start_station_year`, and by the rollover's preview
    for what the new year will receive."""

    items: list[str] = field(default_factory=list)
    components: int = 0
    duties: int = 0
    phases: int = 0
    quotas: int = 0


@dataclass
class _StartPlan:
    """The framework rows :func:`start_station_year` copies into a station's year."""

    entries: list[CatalogueItem]
    phases: list[FrameworkPhase]
    minimums: list[SurveyMinimum]

    def summary(self, session: Session) -> YearStart:
        ids = [stored_id(entry) for entry in self.entries]
        components = session.exec(select(func.count()).select_from(CatalogueComponent)
                                  .where(col(CatalogueComponent.item_id).in_(ids))).one() if ids else 0
        return YearStart([entry.code for entry in self.entries], components,
                         sum(1 for entry in self.entries if entry.rhythm == Rhythm.MONTHLY),
                         len(self.phases), len(self.minimums))


def year_start_plan(session: Session, *, fiscal_year: int, held_codes: set[str], has_phases: bool,
                    has_quotas: bool, catalogue: list[CatalogueItem] | None = None) -> _StartPlan:
    """What a year holding the OIT codes ``held_codes`` (and phases, quotas or not) gets from its
    framework. A pure read, so the rollover can preview it for a year it has not written yet.
    ``catalogue`` is the year's OIT catalogue when the caller has read it already (the rollover
    matched its items against it), so it is not read twice."""
    if catalogue is None:
        catalogue = catalogue_of(session, fiscal_year)
    missing = [entry for entry in catalogue if entry.code not in held_codes]
    phases = [] if has_phases else list(session.exec(
        select(FrameworkPhase).where(FrameworkPhase.fiscal_year == fiscal_year)
        .order_by(col(FrameworkPhase.seq))).all())
    minimums = [] if has_quotas else list(session.exec(
        select(SurveyMinimum).where(SurveyMinimum.fiscal_year == fiscal_year)
        .order_by(col(SurveyMinimum.id))).all())
    return _StartPlan(missing, phases, minimums)


def _held(session: Session, model: type[OitItem] | type[Phase] | type[SurveyQuota], station_id: int,
          fiscal_year: int) -> bool:
    return session.exec(select(model.id).where(model.station_id == station_id,
                                               model.fiscal_year == fiscal_year).limit(1)).first() is not None


def start_station_year(session: Session, actor: Actor, *, station_id: int, fiscal_year: int,
                       source: str = "form") -> YearStart:
    """Give a station's year what its framework defines and the station lacks, so its OIT matrix,
    score projection, calendar and survey quotas work at once (a new station's first plan, the new
    items of a rollover):

    - the catalogue's OIT items it has no item of (by code; a soft-deleted item counts as held),
      unassigned and not started, with code, title, sub-indicator, deadline and components; a
      monthly item gets a month-end recurring duty so its matrix cells are required;
    - the year's calendar (``FrameworkPhase`` → ``Phase``) when the station's year has no step;
    - the survey minimums (``SurveyMinimum`` → ``SurveyQuota``) when it has no quota, each noted
      "ขั้นต่ำตามเกณฑ์ปี <year>".

    Each row goes through the validator of its kind (add_oit_item, copy_component, save_phase,
    save_quota, save_recurring_duty) and is audited with ``source``; calling it again adds nothing.
    Refused when the year has no framework, naming the command that makes one. Returns what it added.
    """
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    if framework_of(session, fiscal_year) is None:
        raise ValidationFailed([missing_framework_th(session, fiscal_year)])
    held = set(session.exec(select(OitItem.code).where(OitItem.station_id == station_id,
                                                       OitItem.fiscal_year == fiscal_year)).all())
    plan = year_start_plan(session, fiscal_year=fiscal_year, held_codes=held,
                           has_phases=_held(session, Phase, station_id, fiscal_year),
                           has_quotas=_held(session, SurveyQuota, station_id, fiscal_year))
    ensure_sub_indicators(session, actor, fiscal_year, {entry.sub_indicator for entry in plan.entries},
                          source)
    for entry in plan.entries:
        _add_catalogue_item(session, actor, entry, station_id=station_id, fiscal_year=fiscal_year,
                            source=source)
    for step in plan.phases:
        save_phase(session, actor, {"seq": step.seq, "kind": step.kind, "name": step.name_th,
                                    "start": step.start, "end": step.end},
                   source=source, station_id=station_id, fiscal_year=fiscal_year)
    for minimum in plan.minimums:  # the framework's own note is about the plan it was read from (the
        # seed's CONFLICT notes on Chiang Mai's columns), which the quotas page would show this station
        # as a contradiction in its own plan
        save_quota(session, actor, {"tool": minimum.tool, "department": minimum.department,
                                    "min_respondents": minimum.min_respondents,
                                    "note": f"ขั้นต่ำตามเกณฑ์ปี {fiscal_year}"},
                   source=source, station_id=station_id, fiscal_year=fiscal_year)
    session.flush()
    return plan.summary(session)


def _add_catalogue_item(session: Session, actor: Actor, entry: CatalogueItem, *, station_id: int,
                        fiscal_year: int, source: str) -> None:
    """One catalogue item as the station's own unassigned OIT item, with its components and, for a
    monthly item, a month-end duty."""
    parsed = parse_due(entry.deadline, fiscal_year)
    due_date = entry.due_date if entry.due_date is not None else parsed.date
    item = {"code": entry.code, "number": entry.number, "sub_indicator": entry.sub_indicator,
            "group_heading": entry.group_heading, "title": entry.title_th, "due_date": due_date,
            "due_text": entry.deadline, "due_kind": parsed.kind if parsed.date == due_date else DueKind.DATE,
            "rhythm_text": "" if entry.rhythm == Rhythm.ONCE else RHYTHM_TH[entry.rhythm],
            "catalogue_item_id": entry.id}
    item_id = add_oit_item(session, actor, item, station_id=station_id, fiscal_year=fiscal_year,
                           source=source).row_id
    components = session.exec(select(CatalogueComponent).where(CatalogueComponent.item_id == entry.id)
                              .order_by(col(CatalogueComponent.seq))).all()
    for component in components:
        copy_component(session, actor, item_id=item_id, seq=component.seq, text=component.text_th,
                       source=source)
    if entry.rhythm == Rhythm.MONTHLY:
        save_recurring_duty(session, actor, {"oit_item_id": item_id, "kind": DutyKind.MONTH_END,
                                             "text": f"เผยแพร่ทุกเดือน (เกณฑ์ปี {fiscal_year})"}, source=source)


def copy_component(session: Session, actor: Actor, *, item_id: int, seq: int, text: str, source: str) -> None:
    """A checklist line copied with its number (a new item's from the catalogue, a rolled-over
    item's from last year), refused when empty like :func:`save_component`."""
    if not text.strip():
        raise ValidationFailed([f"องค์ประกอบข้อ {seq} ของรายการ OIT ว่าง"])
    create_row(session, actor, OitComponent(item_id=item_id, seq=seq, text=text), ("item_id", "seq", "text"),
               source)


def ensure_sub_indicators(session: Session, actor: Actor, fiscal_year: int, codes: set[str],
                            source: str) -> None:
    """The shared indicator and sub-indicator rows a station's OIT items point at, added from the
    year's framework when its catalogue (or an import) brings a code the store does not know yet
    (renumbered sub-indicators); audited like the fiscal year, station-less, the trail's row id
    being the framework sub-indicator's (the shared table is keyed by its code).

    The shared rows are only the targets of foreign keys: the names people see are read from each
    year's framework (:func:`ita_core.queries.indicators`, :func:`ita_core.queries.sub_indicators`),
    so the name stored here is that of the first year that brought the code, not what pages,
    exports or the CLI show."""
    known = set(session.exec(select(SubIndicator.code)).all())
    numbers = set(session.exec(select(Indicator.number)).all())
    for code in sorted(codes - known):
        sub = session.exec(select(FrameworkSubIndicator).where(
            FrameworkSubIndicator.fiscal_year == fiscal_year, FrameworkSubIndicator.code == code)).first()
        if sub is None:
            raise ValidationFailed([f"เกณฑ์ปี {fiscal_year}: รายการ OIT อ้างตัวชี้วัดย่อย {code} ที่ไม่มีในเกณฑ์"])
        if sub.indicator not in numbers:
            indicator = session.exec(select(FrameworkIndicator).where(
                FrameworkIndicator.fiscal_year == fiscal_year,
                FrameworkIndicator.number == sub.indicator)).first()
            if indicator is None:
                raise ValidationFailed([f"เกณฑ์ปี {fiscal_year}: ตัวชี้วัดย่อย {code} อ้างตัวชี้วัด {sub.indicator} "
                                        "ที่ไม่มีในเกณฑ์"])
            create_row(session, actor, Indicator(number=indicator.number, name_th=indicator.name_th,
                                                 tool=indicator.tool), ("number", "name_th", "tool"), source)
            numbers.add(indicator.number)
        create_row(session, actor, SubIndicator(code=code, indicator=sub.indicator, name_th=sub.name_th),
                   ("code", "indicator", "name_th"), source, audit_id=stored_id(sub))


def delete_row(session: Session, actor: Actor, table: str, row_id: int, expected_version: int,
               source: str = "form") -> Saved:
    """Soft-delete an activity, OIT item or person: hidden everywhere, kept in the trail."""
    require(actor, Action.EDIT_PLAN)
    models: dict[str, type[Activity] | type[OitItem] | type[Person]] = {**TABLES, "person": Person}
    model = models.get(table)
    if model is None:
        raise ValidationFailed([f"ลบจากตาราง {table!r} ไม่ได้"])
    return _write(session, actor, model, row_id, expected_version, {"deleted_at": _now()}, source)


def save_component(session: Session, actor: Actor, item_id: int, text: str, component_id: int | None = None,
                   expected_version: int | None = None, source: str = "form") -> Saved:
    """Add a component to an OIT item, or change a component's text. A component has no station of
    its own: the item it belongs to (the stored component's, not the one the caller names) decides."""
    require(actor, Action.EDIT_PLAN)
    component = session.get(OitComponent, component_id) if component_id is not None else None
    item = session.get(OitItem, component.item_id if component is not None else item_id)
    if item is None or item.deleted_at is not None:
        raise ValidationFailed([f"ไม่พบข้อมูล OIT รหัส {item_id}"])
    require_station(actor, item.station_id)
    if not text.strip():
        raise ValidationFailed(["ข้อความองค์ประกอบว่างไม่ได้"])
    if component_id is not None:
        return _write(session, actor, OitComponent, component_id, expected_version, {"text": text.strip()},
                      source)
    seq = (session.exec(select(OitComponent.seq).where(OitComponent.item_id == item_id)
                        .order_by(col(OitComponent.seq).desc())).first() or 0) + 1
    return create_row(session, actor, OitComponent(item_id=item_id, seq=seq, text=text.strip()),
                   ("item_id", "seq", "text"), source)


def delete_component(session: Session, actor: Actor, component_id: int, expected_version: int,
                     source: str = "form") -> None:
    """Remove a component; its text stays in the audit trail."""
    found = session.get(OitComponent, component_id)
    station = session.get_one(OitItem, found.item_id).station_id if found else None
    _delete_as_seen(session, actor, Action.EDIT_PLAN, OitComponent, component_id, expected_version,
                    ("item_id", "seq", "text", "done"), source, missing=f"ไม่พบองค์ประกอบ {component_id}",
                    station_id=station)


def save_person(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                expected_version: int | None = None, source: str = "form", *,
                station_id: int | None = None) -> Saved:
    """Create or edit a person, position or group (with the spellings plans use for it)."""
    require(actor, Action.EDIT_PLAN)
    clean = {k: v for k, v in values.items() if k in PERSON_FIELDS}
    if "name" in clean and not str(clean["name"]).strip():
        raise ValidationFailed(["ชื่อว่างไม่ได้"])
    if "kind" in clean and clean["kind"] not in set(PersonKind):
        raise ValidationFailed([f"ประเภท {clean['kind']!r} ไม่ถูกต้อง (person / position / group)"])
    contacts, contact_errors = clean_contacts(clean)
    if contact_errors:
        raise ValidationFailed(contact_errors)
    clean.update(contacts)
    if row_id is None:
        if station_id is None:
            raise ValidationFailed(["บุคคลใหม่ต้องระบุสถานี"])
        return create_row(session, actor, Person(station_id=station_id, **clean), PERSON_FIELDS, source)
    return _write(session, actor, Person, row_id, expected_version, clean, source)


def add_assignment(session: Session, actor: Actor, person_id: int, role: str, *,
                   activity_id: int | None = None, oit_item_id: int | None = None,
                   survey_quota_id: int | None = None, note: str = "", source: str = "form") -> Saved:
    """Give a person or group a role on one activity, one OIT item or one survey quota (a
    department's collectors of respondents)."""
    require(actor, Action.EDIT_PLAN)
    if role not in set(AssignmentRole):
        raise ValidationFailed([f"บทบาท {role!r} ไม่ถูกต้อง"])
    if sum(target_id is not None for target_id in (activity_id, oit_item_id, survey_quota_id)) != 1:
        raise ValidationFailed(["ต้องเลือกกิจกรรม ข้อมูล OIT หรือเป้าหมายแบบสำรวจ อย่างใดอย่างหนึ่ง"])
    target: Activity | OitItem | SurveyQuota | None
    if activity_id is not None:
        target = session.get(Activity, activity_id)
    elif oit_item_id is not None:
        target = session.get(OitItem, oit_item_id)
    else:
        target = session.get(SurveyQuota, survey_quota_id)
    if target is None:
        raise ValidationFailed(["ไม่พบรายการที่จะมอบหมาย"])
    require_station(actor, target.station_id)
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        raise ValidationFailed([f"ไม่พบบุคคลรหัส {person_id} (อาจถูกลบไปแล้ว)"])
    if person.station_id != target.station_id:
        raise ValidationFailed([f"“{person.name}” เป็นบุคคลของสถานีอื่น — มอบหมายได้เฉพาะบุคคลของสถานีเดียวกับรายการ"])
    row = Assignment(station_id=target.station_id, fiscal_year=target.fiscal_year, person_id=person_id,
                     role=AssignmentRole(role), activity_id=activity_id, oit_item_id=oit_item_id,
                     survey_quota_id=survey_quota_id, note=note)
    return create_row(session, actor, row, ASSIGNMENT_FIELDS, source)


def remove_assignment(session: Session, actor: Actor, assignment_id: int, source: str = "form") -> None:
    """Take a role away; the trail keeps who held it."""
    require(actor, Action.EDIT_PLAN)
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise ValidationFailed([f"ไม่พบการมอบหมาย {assignment_id}"])
    require_station(actor, row.station_id)
    hard_delete(session, actor, row, ASSIGNMENT_FIELDS, source, row.station_id)


def _check_duty(values: dict[str, Any], fiscal_year: int) -> list[str]:
    """A duty's rhythm makes sense: a day of the month 1–31, an interval of days, dates in the year."""
    errors = []
    kind = values.get("kind")
    if kind not in set(DutyKind):
        errors.append(f"รอบการทำซ้ำ {kind!r} ไม่ถูกต้อง")
    if kind == DutyKind.DAY_OF_MONTH and _whole_number(values.get("day"), 1, 31) is None:
        errors.append(f"วันที่ของเดือนต้องเป็น 1–31 (ได้รับ {values.get('day')!r})")
    if kind == DutyKind.EVERY_N_DAYS and _whole_number(values.get("interval_days"), 1, 366) is None:
        errors.append(f"ทุกกี่วันต้องเป็นจำนวนเต็ม 1–366 (ได้รับ {values.get('interval_days')!r})")
    first, last = fiscal_year_bounds(fiscal_year)
    for name, label in (("start", "วันเริ่ม"), ("end", "วันสิ้นสุด")):
        day = values.get(name)
        if day is not None and not first <= day <= last:
            errors.append(f"{label} {day.isoformat()} อยู่นอกปีงบประมาณ {fiscal_year}")
    if values.get("start") and values.get("end") and values["start"] > values["end"]:
        errors.append("วันเริ่มต้องไม่หลังวันสิ้นสุด")
    return errors


def save_recurring_duty(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                        expected_version: int | None = None, source: str = "form") -> Saved:
    """Create (with ``activity_id`` or ``oit_item_id``) or edit a duty that repeats: a report on
    the 28th, at every month end, every N days or daily, optionally only from ``start`` to ``end``.
    A row without its own due date is judged by its next occurrence."""
    require(actor, Action.EDIT_PLAN)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in DUTY_FIELDS}
    current = session.get(RecurringDuty, row_id) if row_id is not None else None
    if row_id is not None and current is None:
        raise ValidationFailed([f"ไม่พบรอบงาน รหัส {row_id}"])
    if current is None:
        if (clean.get("activity_id") is None) == (clean.get("oit_item_id") is None):
            raise ValidationFailed(["ต้องเลือกกิจกรรมหรือข้อมูล OIT อย่างใดอย่างหนึ่ง"])
        target = (session.get(Activity, clean["activity_id"]) if clean.get("activity_id")
                  else session.get(OitItem, clean["oit_item_id"]))
        if target is None:
            raise ValidationFailed(["ไม่พบรายการที่จะกำหนดรอบงาน"])
        station_id, fiscal_year = target.station_id, target.fiscal_year
    else:
        # a duty stays on its row: only its rhythm changes
        clean = {k: v for k, v in clean.items() if k not in ("activity_id", "oit_item_id")}
        station_id, fiscal_year = current.station_id, current.fiscal_year
    merged = {**(_snapshot(current, DUTY_FIELDS) if current else {}), **clean}
    errors = _check_duty(merged, fiscal_year)
    if errors:
        raise ValidationFailed(errors)
    clean = _as_whole_numbers(clean, ("day", "interval_days"))
    if current is None:
        row = RecurringDuty(station_id=station_id, fiscal_year=fiscal_year, **clean)
        return create_row(session, actor, row, DUTY_FIELDS, source)
    return _write(session, actor, RecurringDuty, stored_id(current), expected_version, clean, source)


def delete_recurring_duty(session: Session, actor: Actor, duty_id: int, expected_version: int,
                          source: str = "form") -> None:
    """Remove a recurring duty; the trail keeps its rhythm."""
    _delete_as_seen(session, actor, Action.EDIT_PLAN, RecurringDuty, duty_id, expected_version, DUTY_FIELDS,
                    source, missing=f"ไม่พบรอบงาน รหัส {duty_id}")


def check_fiscal_year(be_year: int) -> None:
    """Refuse a year that cannot be a BE fiscal year (a CE year typed by mistake, a typo).

    The one rule for which years a plan may open, for the web import page, ``ita import``,
    ``ita init --from-plan`` and rollover alike: :func:`ensure_fiscal_year` checks it before it
    writes, and ``imports.import_year`` before the CLI previews a file.
    """
    if not 2500 <= be_year <= 2700:
        raise ValidationFailed([f"ปีงบประมาณ {be_year} ไม่ใช่ปี พ.ศ. ที่ใช้ได้ (เช่น 2568)"])


def ensure_fiscal_year(session: Session, be_year: int, *, actor: Actor, source: str = "form") -> None:
    """The shared fiscal-year row a first plan of ``be_year`` needs (1 Oct – 30 Sep).

    Reference data, the same for every station, so it carries no version; opening it is audited
    (station-less) like any other write, and asks for the right to edit a plan.
    """
    require(actor, Action.EDIT_PLAN)
    check_fiscal_year(be_year)
    if session.get(FiscalYear, be_year) is None:
        start, end = fiscal_year_bounds(be_year)
        create_row(session, actor, FiscalYear(be_year=be_year, start=start, end=end),
                   ("be_year", "start", "end"), source)


# --- the ITA calendar -----------------------------------------------------------------------------

def _check_phase(values: dict[str, Any]) -> list[str]:
    errors = []
    if not str(values.get("name") or "").strip():
        errors.append("ต้องระบุชื่อขั้นตอนในปฏิทิน ITA")
    if not str(values.get("kind") or "").strip():
        errors.append("ต้องระบุชนิดขั้นตอน (เช่น eit_collection)")
    start, end = values.get("start"), values.get("end")
    if not isinstance(start, date) or not isinstance(end, date):
        errors.append("ต้องระบุวันเริ่มและวันสิ้นสุดของขั้นตอน")
    elif end < start:
        errors.append(f"วันสิ้นสุด {format_be(end)} มาก่อนวันเริ่ม {format_be(start)}")
    return errors


def save_phase(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
               expected_version: int | None = None, source: str = "form", *, station_id: int | None = None,
               fiscal_year: int | None = None) -> Saved:
    """Create (for ``station_id`` and ``fiscal_year``) or edit a step of the ITA calendar: its
    name, kind, dates and who is responsible. The collection windows of the survey quotas are the
    steps of kind ``eit_collection`` / ``iit_collection``."""
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    clean: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v)
                             for k, v in values.items() if k in PHASE_FIELDS}
    current = session.get(Phase, row_id) if row_id is not None else None
    if row_id is not None and current is None:
        raise ValidationFailed([f"ไม่พบขั้นตอนในปฏิทิน รหัส {row_id}"])
    merged = {**(_snapshot(current, PHASE_FIELDS) if current else {}), **clean}
    errors = _check_phase(merged)
    if errors:
        raise ValidationFailed(errors)
    if current is not None:
        return _write(session, actor, Phase, stored_id(current), expected_version, clean, source)
    if station_id is None or fiscal_year is None:
        raise ValidationFailed(["ขั้นตอนใหม่ต้องระบุสถานีและปีงบประมาณ"])
    seq = values.get("seq") or 1 + len(session.exec(
        select(Phase.id).where(Phase.station_id == station_id, Phase.fiscal_year == fiscal_year)).all())
    return create_row(session, actor, Phase(station_id=station_id, fiscal_year=fiscal_year, seq=seq, **clean),
                      ("seq", *PHASE_FIELDS), source)


def delete_phase(session: Session, actor: Actor, phase_id: int, expected_version: int,
                 source: str = "form") -> None:
    """Remove a step of the ITA calendar (the trail keeps every value it had)."""
    _delete_as_seen(session, actor, Action.EDIT_PLAN, Phase, phase_id, expected_version, PHASE_FIELDS, source,
                    missing=f"ไม่พบขั้นตอนในปฏิทิน รหัส {phase_id}")


def create_station(session: Session, actor: Actor, code: str, name_th: str, province: str = "",
                   source: str = "form") -> Saved:
    """Add a station (an admin not tied to one station: region or system administrator)."""
    require(actor, Action.ADD_STATION)
    errors = []
    if not code.strip() or not name_th.strip():
        errors.append("ต้องระบุรหัสและชื่อสถานี")
    if session.exec(select(Station.id).where(Station.code == code.strip())).first() is not None:
        errors.append(f"มีสถานีรหัส {code!r} แล้ว")
    if errors:
        raise ValidationFailed(errors)
    row = Station(code=code.strip(), name_th=name_th.strip(), province=province.strip())
    return create_row(session, actor, row, ("code", "name_th", "province"), source)
