"""Central admins' writes to a year's ITA framework, which every station of that year shares.

``copy_framework`` makes a year's framework from another year's: the scoring rule and rating bands,
indicators and sub-indicators, the OIT catalogue with its components, the calendar and the survey
minimums, with dates moved by the years between them. Every row is audited (station-less).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal, Protocol, TypeVar

from sqlmodel import Session, SQLModel, col, select

from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.framework import (
    _number_field,
    catalogue_of,
    check_bands,
    check_scoring,
    due_date_problem,
    framework_of,
    missing_framework_th,
    rating_band_rows,
    same_value,
)
from ita_core.framework_workbook import (
    FrameworkChanges,
    FrameworkWorkbook,
    RowChange,
    SheetChanges,
    preview_framework_import,
)
from ita_core.models import (
    CatalogueComponent,
    CatalogueItem,
    Framework,
    FrameworkIndicator,
    FrameworkPhase,
    FrameworkSubIndicator,
    OitItem,
    RatingBand,
    Rhythm,
    SurveyMinimum,
    Tool,
)
from ita_core.permissions import Action, require
from ita_core.services.core import (
    ConflictError,
    Saved,
    ValidationFailed,
    _delete_as_seen,
    _row_as_seen,
    _snapshot,
    _whole_number,
    _write,
    create_row,
    hard_delete,
    row_key,
    table_name,
)
from ita_core.services.plan import ITEM_CODE, ensure_fiscal_year
from ita_core.thai_dates import format_be, shift_be_years_in_text, shift_year

# the rows of a framework that carry its year
YearRowT = TypeVar("YearRowT", RatingBand, FrameworkIndicator, FrameworkSubIndicator, FrameworkPhase,
                   SurveyMinimum, CatalogueItem)

FRAMEWORK_FIELDS = ("fiscal_year", "scheme", "weight_iit", "weight_eit", "weight_oit", "pass_mark",
                    "source_note")
BAND_FIELDS = ("fiscal_year", "seq", "label_th", "label_en", "min_total", "min_each_tool")
INDICATOR_FIELDS = ("fiscal_year", "number", "tool", "name_th")
SUB_INDICATOR_FIELDS = ("fiscal_year", "code", "indicator", "name_th")
CATALOGUE_FIELDS = ("fiscal_year", "code", "number", "sub_indicator", "group_heading", "title_th",
                    "requirement_th", "rhythm", "deadline", "due_date")
COMPONENT_FIELDS = ("item_id", "seq", "text_th")
PHASE_FIELDS = ("fiscal_year", "seq", "kind", "name_th", "start", "end")
MINIMUM_FIELDS = ("fiscal_year", "tool", "department", "min_respondents", "note")


def copy_framework(session: Session, actor: Actor, from_year: int, to_year: int,
                   source: str = "form") -> dict[str, int]:
    """Give ``to_year`` a copy of ``from_year``'s framework, opening the fiscal year if needed.

    Dates (the catalogue's due dates, the calendar) move by ``to_year - from_year`` years, a month's
    last day staying its last day; the BE years written in deadline and requirement texts and in
    the calendar's step names move too. Titles stay as they are: a rollover matches items by code
    and title. Refused when ``to_year`` has a framework already. Returns how many rows of each kind
    the new framework received.
    """
    require(actor, Action.EDIT_FRAMEWORK)
    years = to_year - from_year
    original = framework_of(session, from_year)
    errors = []
    if years == 0:
        errors.append(f"ปีต้นทางและปีปลายทางเป็นปีเดียวกัน ({from_year})")
    if original is None:
        errors.append(f"ปีงบประมาณ {from_year} ยังไม่มีเกณฑ์การประเมินให้คัดลอก")
    if framework_of(session, to_year) is not None:
        errors.append(f"ปีงบประมาณ {to_year} มีเกณฑ์การประเมินอยู่แล้ว: แก้ไขเกณฑ์ของปีนั้นแทนการคัดลอกทับ")
    if errors or original is None:
        raise ValidationFailed(errors)
    ensure_fiscal_year(session, to_year, actor=actor, source=source)

    note = f"คัดลอกจากเกณฑ์ปี {from_year}" + (f" — {original.source_note}" if original.source_note else "")
    create_row(session, actor, Framework(
        fiscal_year=to_year, scheme=original.scheme, weight_iit=original.weight_iit,
        weight_eit=original.weight_eit, weight_oit=original.weight_oit, pass_mark=original.pass_mark,
        source_note=note), FRAMEWORK_FIELDS, source)
    counts = dict.fromkeys(("rating_bands", "indicators", "sub_indicators", "oit_items", "components",
                            "phases", "survey_minimums"), 0)

    def rows_of(model: type[YearRowT], order: str) -> list[YearRowT]:
        query = select(model).where(col(model.fiscal_year) == from_year).order_by(col(getattr(model, order)))
        return list(session.exec(query).all())

    for band in rows_of(RatingBand, "seq"):
        create_row(session, actor, RatingBand(
            fiscal_year=to_year, seq=band.seq, label_th=band.label_th, label_en=band.label_en,
            min_total=band.min_total, min_each_tool=band.min_each_tool), BAND_FIELDS, source)
        counts["rating_bands"] += 1
    for indicator in rows_of(FrameworkIndicator, "number"):
        create_row(session, actor, FrameworkIndicator(
            fiscal_year=to_year, number=indicator.number, tool=indicator.tool, name_th=indicator.name_th),
            INDICATOR_FIELDS, source)
        counts["indicators"] += 1
    for sub in rows_of(FrameworkSubIndicator, "code"):
        create_row(session, actor, FrameworkSubIndicator(
            fiscal_year=to_year, code=sub.code, indicator=sub.indicator, name_th=sub.name_th),
            SUB_INDICATOR_FIELDS, source)
        counts["sub_indicators"] += 1
    for item in catalogue_of(session, from_year):
        copy = CatalogueItem(
            fiscal_year=to_year, code=item.code, number=item.number, sub_indicator=item.sub_indicator,
            group_heading=item.group_heading, title_th=item.title_th,
            requirement_th=shift_be_years_in_text(item.requirement_th, years), rhythm=item.rhythm,
            deadline=shift_be_years_in_text(item.deadline, years),
            due_date=shift_year(item.due_date, years) if item.due_date else None)
        copy_id = create_row(session, actor, copy, CATALOGUE_FIELDS, source).row_id
        counts["oit_items"] += 1
        components = session.exec(select(CatalogueComponent)
                                  .where(col(CatalogueComponent.item_id) == stored_id(item))
                                  .order_by(col(CatalogueComponent.seq))).all()
        for component in components:
            create_row(session, actor, CatalogueComponent(item_id=copy_id, seq=component.seq,
                                                          text_th=component.text_th),
                       COMPONENT_FIELDS, source)
            counts["components"] += 1
    for phase in rows_of(FrameworkPhase, "seq"):
        create_row(session, actor, FrameworkPhase(
            fiscal_year=to_year, seq=phase.seq, kind=phase.kind,
            name_th=shift_be_years_in_text(phase.name_th, years),
            start=shift_year(phase.start, years), end=shift_year(phase.end, years)), PHASE_FIELDS, source)
        counts["phases"] += 1
    for minimum in rows_of(SurveyMinimum, "id"):
        create_row(session, actor, SurveyMinimum(
            fiscal_year=to_year, tool=minimum.tool, department=minimum.department,
            min_respondents=minimum.min_respondents, note=minimum.note), MINIMUM_FIELDS, source)
        counts["survey_minimums"] += 1
    session.flush()
    return counts


# --- single-row edits of a year's framework (the admin page and the workbook import) ------------

SCORING_FIELDS = ("scheme", "weight_iit", "weight_eit", "weight_oit", "pass_mark", "source_note")
BAND_EDIT = ("seq", "label_th", "label_en", "min_total", "min_each_tool")
INDICATOR_EDIT = ("number", "tool", "name_th")
SUB_INDICATOR_EDIT = ("code", "indicator", "name_th")
CATALOGUE_EDIT = ("code", "number", "sub_indicator", "group_heading", "title_th", "requirement_th", "rhythm",
                  "deadline", "due_date")
COMPONENT_EDIT = ("seq", "text_th")
PHASE_EDIT = ("seq", "kind", "name_th", "start", "end")
SUB_INDICATOR_CODE = re.compile(r"[1-9][0-9]*\.[1-9][0-9]*")

_EditedT = TypeVar("_EditedT", Framework, RatingBand, FrameworkIndicator, FrameworkSubIndicator,
                    CatalogueItem, CatalogueComponent, FrameworkPhase)
# the rows of a year edited one by one
_YearEditedT = TypeVar("_YearEditedT", RatingBand, FrameworkIndicator, FrameworkSubIndicator, CatalogueItem,
                       FrameworkPhase)
# the rows a year (or, for components, a catalogue item) holds many of; some numbered by ``seq``
_SiblingT = TypeVar("_SiblingT", RatingBand, FrameworkIndicator, FrameworkSubIndicator, CatalogueItem,
                    CatalogueComponent, FrameworkPhase)
_NumberedT = TypeVar("_NumberedT", RatingBand, CatalogueComponent, FrameworkPhase)


def _clean(values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` only, text stripped (a form or a sheet may give padded text)."""
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in fields}


def _update(session: Session, actor: Actor, row: _EditedT, seen_version: int | None, values: dict[str, Any],
            source: str) -> Saved:
    """Write the fields that differ from the row. Nothing different: no write, no version bump and no
    audit row, yet still a conflict when the row moved on since the user saw it."""
    changes = {k: v for k, v in values.items() if not same_value(getattr(row, k), v)}
    key = row_key(row)
    if not changes:
        if seen_version is None or row.version != seen_version:
            raise ConflictError(table_name(type(row)), key, row.version, _snapshot(row, list(values)), values)
        return Saved(key, row.version)
    return _write(session, actor, type(row), key, seen_version, changes, source)


def _store(session: Session, actor: Actor, *, current: _EditedT | None, seen_version: int | None,
           clean: dict[str, Any], errors: list[str], new_row: Callable[[], SQLModel],
           fields: tuple[str, ...], source: str) -> Saved:
    """The end every framework save shares: refuse on any error, else edit the row the user saw, or
    insert the one ``new_row`` builds (only called when there is no row yet)."""
    if errors:
        raise ValidationFailed(errors)
    if current is not None:
        return _update(session, actor, current, seen_version, clean, source)
    return create_row(session, actor, new_row(), fields, source)


def _whole(values: dict[str, Any], name: str, what: str, errors: list[str]) -> None:
    """Check that ``values[name]`` is a whole number from 1 (stored as int)."""
    if name not in values:
        return
    number = _whole_number(values[name], 1, 10**6)
    if number is None:
        errors.append(f"{what} ต้องเป็นจำนวนเต็มตั้งแต่ 1 (ได้ {values[name]!r})")
    else:
        values[name] = number


def _required_text(merged: dict[str, Any], name: str, what: str, errors: list[str]) -> None:
    if not str(merged.get(name) or "").strip():
        errors.append(f"ต้องระบุ{what}")


def _choice(values: dict[str, Any], name: str, enum: type[StrEnum], what: str, errors: list[str]) -> None:
    if name in values and values[name] not in {member.value for member in enum}:
        allowed = ", ".join(member.value for member in enum)
        errors.append(f"{what} ต้องเป็นหนึ่งใน {allowed} (ได้ {values[name]!r})")


def _year_of_new_row(session: Session, fiscal_year: int | None, what: str) -> int:
    """The year a new row goes into: given, and holding a framework."""
    if fiscal_year is None:
        raise ValidationFailed([f"{what}ใหม่ต้องระบุปีงบประมาณ"])
    if framework_of(session, fiscal_year) is None:
        raise ValidationFailed([missing_framework_th(session, fiscal_year)])
    return fiscal_year


def _existing(session: Session, model: type[_EditedT], row_id: int | None, what: str) -> _EditedT | None:
    if row_id is None:
        return None
    row = session.get(model, row_id)
    if row is None:
        raise ValidationFailed([f"ไม่พบ{what} รหัส {row_id} (อาจถูกลบไปแล้ว)"])
    return row


def _opened(session: Session, actor: Actor, model: type[_YearEditedT], values: dict[str, Any],
            fields: tuple[str, ...], *, row_id: int | None, fiscal_year: int | None,
            what: str) -> tuple[_YearEditedT | None, int, dict[str, Any]]:
    """How every save of a year's row starts: the permission, the row being edited (None: a new
    one), the year the row is in (a new one's, checked to hold a framework) and the given values of
    ``fields``, cleaned."""
    require(actor, Action.EDIT_FRAMEWORK)
    current = _existing(session, model, row_id, what)
    year = current.fiscal_year if current else _year_of_new_row(session, fiscal_year, what)
    return current, year, _clean(values, fields)


def _year_rows(session: Session, model: type[YearRowT], fiscal_year: int) -> list[YearRowT]:
    return list(session.exec(select(model).where(col(model.fiscal_year) == fiscal_year)).all())


def _merged(current: _EditedT | None, fields: tuple[str, ...], clean: dict[str, Any],
            defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """The row as it would be saved: the stored fields (a new row: ``defaults``) with ``clean`` over
    them, so the checks see the whole row while only ``clean`` is written."""
    return {**(_snapshot(current, fields) if current is not None else defaults or {}), **clean}


def _others(rows: list[_SiblingT], current: _SiblingT | None) -> list[_SiblingT]:
    """The sibling rows (the year's, an item's components) other than the one being edited."""
    return [row for row in rows if current is None or row.id != current.id]


def _sequenced(clean: dict[str, Any], merged: dict[str, Any], others: list[_NumberedT], errors: list[str], *,
               taken_th: str) -> dict[str, Any]:
    """Check the ``seq`` asked for is free among the siblings (else ``taken_th``, with ``{seq}``, is
    added to ``errors``); return the fields of a new row, numbered after the last sibling unless
    ``merged`` names its ``seq``."""
    if "seq" in clean and any(row.seq == clean["seq"] for row in others):
        errors.append(taken_th.format(seq=clean["seq"]))
    return {"seq": max((row.seq for row in others), default=0) + 1, **merged}


# the scoring rule

def save_framework(session: Session, actor: Actor, fiscal_year: int, values: dict[str, Any],
                   seen_version: int, source: str = "form") -> Saved:
    """Edit a year's scoring rule: scheme, the three tool weights (summing to 100), the pass mark and
    where the rules come from."""
    require(actor, Action.EDIT_FRAMEWORK)
    current = framework_of(session, fiscal_year)
    if current is None:
        raise ValidationFailed([missing_framework_th(session, fiscal_year)])
    clean = _clean(values, SCORING_FIELDS)
    merged = _merged(current, SCORING_FIELDS, clean)
    errors = check_scoring(merged)
    if errors:
        raise ValidationFailed(errors)
    return _update(session, actor, current, seen_version, {k: merged[k] for k in clean}, source)


def create_framework(session: Session, actor: Actor, fiscal_year: int, values: dict[str, Any],
                     source: str = "form") -> Saved:
    """A first framework for a year that has none (the fiscal year opened if needed): its scoring
    rule only; the workbook import then adds the rest row by row."""
    require(actor, Action.EDIT_FRAMEWORK)
    if framework_of(session, fiscal_year) is not None:
        raise ValidationFailed([f"ปีงบประมาณ {fiscal_year} มีเกณฑ์การประเมินอยู่แล้ว"])
    defaults = _snapshot(Framework(fiscal_year=fiscal_year), SCORING_FIELDS)
    merged = {**defaults, **_clean(values, SCORING_FIELDS)}
    errors = check_scoring(merged)
    if errors:
        raise ValidationFailed(errors)
    ensure_fiscal_year(session, fiscal_year, actor=actor, source=source)
    return create_row(session, actor, Framework(fiscal_year=fiscal_year, **merged), FRAMEWORK_FIELDS, source)


# rating bands

def save_rating_band(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                     seen_version: int | None = None, source: str = "form", *,
                     fiscal_year: int | None = None) -> Saved:
    """Add (to ``fiscal_year``) or edit one rating band: labels, the lowest total and the per-tool floor."""
    current, year, clean = _opened(session, actor, RatingBand, values, BAND_EDIT, row_id=row_id,
                                   fiscal_year=fiscal_year, what="ระดับผลการประเมิน")
    errors: list[str] = []
    _number_field(clean, "min_total", "คะแนนรวมขั้นต่ำ", errors)
    _number_field(clean, "min_each_tool", "คะแนนขั้นต่ำรายเครื่องมือ", errors, optional=True)
    _whole(clean, "seq", "ลำดับ", errors)
    defaults: dict[str, Any] = {"label_en": "", "min_each_tool": None}
    merged = _merged(current, BAND_EDIT, clean, defaults)
    _required_text(merged, "label_th", "ชื่อระดับ (ไทย)", errors)
    if "min_total" not in merged:
        errors.append("ต้องระบุคะแนนรวมขั้นต่ำ")
    others = _others(_year_rows(session, RatingBand, year), current)
    if not errors:
        errors += check_bands([_snapshot(b, BAND_EDIT) for b in others] + [merged])
    new = _sequenced(clean, merged, others, errors, taken_th="ลำดับ {seq} มีระดับอื่นใช้อยู่แล้ว")
    return _store(session, actor, current=current, seen_version=seen_version, clean=clean, errors=errors,
                  new_row=lambda: RatingBand(fiscal_year=year, **new), fields=BAND_FIELDS, source=source)


def delete_rating_band(session: Session, actor: Actor, row_id: int, seen_version: int,
                       source: str = "form") -> None:
    """Remove a band; refused when the year would be left without a band from 0."""
    def refuse(band: RatingBand) -> str | None:
        rest = [_snapshot(b, BAND_EDIT) for b in _year_rows(session, RatingBand, band.fiscal_year)
                if b.id != band.id]
        if not rest or min(b["min_total"] for b in rest) != 0:
            return f"ลบระดับ «{band.label_th}» ไม่ได้: ต้องมีระดับที่เริ่มจากคะแนน 0 เหลืออยู่"
        return None
    _delete_as_seen(session, actor, Action.EDIT_FRAMEWORK, RatingBand, row_id, seen_version, BAND_FIELDS,
                    source, missing=f"ไม่พบระดับผลการประเมิน รหัส {row_id}", refuse=refuse)


# indicators and sub-indicators

def save_framework_indicator(session: Session, actor: Actor, values: dict[str, Any],
                             row_id: int | None = None, seen_version: int | None = None,
                             source: str = "form", *, fiscal_year: int | None = None) -> Saved:
    """Add (to ``fiscal_year``) or edit an indicator: its number (unique in the year), tool and name."""
    current, year, clean = _opened(session, actor, FrameworkIndicator, values, INDICATOR_EDIT, row_id=row_id,
                                   fiscal_year=fiscal_year, what="ตัวชี้วัด")
    errors: list[str] = []
    _whole(clean, "number", "เลขตัวชี้วัด", errors)
    _choice(clean, "tool", Tool, "เครื่องมือ", errors)
    merged = _merged(current, INDICATOR_EDIT, clean)
    _required_text(merged, "name_th", "ชื่อตัวชี้วัด", errors)
    for name, what in (("number", "เลขตัวชี้วัด"), ("tool", "เครื่องมือ (IIT/EIT/OIT)")):
        if name not in merged:
            errors.append(f"ต้องระบุ{what}")
    others = _others(_year_rows(session, FrameworkIndicator, year), current)
    if not errors and any(r.number == merged["number"] for r in others):
        errors.append(f"ปี {year} มีตัวชี้วัดที่ {merged['number']} อยู่แล้ว")
    if not errors and current is not None and merged["number"] != current.number and (
            refusal := _while_held(f"เปลี่ยนเลขตัวชี้วัดที่ {current.number}", _subs_held_th(session, current))):
        errors.append(refusal)
    return _store(session, actor, current=current, seen_version=seen_version, clean=clean, errors=errors,
                  new_row=lambda: FrameworkIndicator(fiscal_year=year, **merged), fields=INDICATOR_FIELDS,
                  source=source)


def _while_held(doing: str, held: str) -> str | None:
    """The refusal of ``doing`` (removing or renaming a row) while ``held`` says what the row still
    holds; None when it holds nothing."""
    return f"{doing} ไม่ได้: {held}" if held else None


def _subs_held_th(session: Session, indicator: FrameworkIndicator) -> str:
    """The sub-indicators under an indicator, as a refusal names them ("": none)."""
    used = session.exec(select(FrameworkSubIndicator.code).where(
        col(FrameworkSubIndicator.fiscal_year) == indicator.fiscal_year,
        col(FrameworkSubIndicator.indicator) == indicator.number).order_by(col(FrameworkSubIndicator.code))
    ).all()
    return f"มีตัวชี้วัดย่อย {len(used)} ข้อ ({', '.join(used)}) อยู่ใต้ตัวชี้วัดนี้" if used else ""


def delete_framework_indicator(session: Session, actor: Actor, row_id: int, seen_version: int,
                               source: str = "form") -> None:
    """Remove an indicator; refused while sub-indicators sit under it."""
    _delete_as_seen(session, actor, Action.EDIT_FRAMEWORK, FrameworkIndicator, row_id, seen_version,
                    INDICATOR_FIELDS, source, missing=f"ไม่พบตัวชี้วัด รหัส {row_id}",
                    refuse=lambda row: _while_held(f"ลบตัวชี้วัดที่ {row.number}", _subs_held_th(session, row)))


def _items_held_th(session: Session, sub: FrameworkSubIndicator) -> str:
    """The year's OIT items in a sub-indicator, as a refusal names them ("": none)."""
    used = session.exec(select(CatalogueItem.code).where(
        col(CatalogueItem.fiscal_year) == sub.fiscal_year, col(CatalogueItem.sub_indicator) == sub.code)
        .order_by(col(CatalogueItem.number))).all()
    return f"มีรายการ OIT {len(used)} รายการ ({', '.join(used)}) อยู่ในตัวชี้วัดย่อยนี้" if used else ""


def save_framework_sub_indicator(session: Session, actor: Actor, values: dict[str, Any],
                                 row_id: int | None = None, seen_version: int | None = None,
                                 source: str = "form", *, fiscal_year: int | None = None) -> Saved:
    """Add (to ``fiscal_year``) or edit a sub-indicator: its code (like 9.2, unique in the year),
    the indicator it belongs to (one of the year's) and its name."""
    current, year, clean = _opened(session, actor, FrameworkSubIndicator, values, SUB_INDICATOR_EDIT,
                                   row_id=row_id, fiscal_year=fiscal_year, what="ตัวชี้วัดย่อย")
    errors: list[str] = []
    _whole(clean, "indicator", "เลขตัวชี้วัด", errors)
    merged = _merged(current, SUB_INDICATOR_EDIT, clean)
    _required_text(merged, "name_th", "ชื่อตัวชี้วัดย่อย", errors)
    code = str(merged.get("code") or "")
    if not SUB_INDICATOR_CODE.fullmatch(code):
        errors.append(f"รหัสตัวชี้วัดย่อยต้องเป็นรูปแบบ 9.1 (ได้ {code!r})")
    numbers = {r.number for r in _year_rows(session, FrameworkIndicator, year)}
    if "indicator" not in merged:
        errors.append("ต้องระบุเลขตัวชี้วัด")
    elif not errors and merged["indicator"] not in numbers:
        errors.append(f"ปี {year} ไม่มีตัวชี้วัดที่ {merged['indicator']}")
    others = _others(_year_rows(session, FrameworkSubIndicator, year), current)
    if any(r.code == code for r in others):
        errors.append(f"ปี {year} มีตัวชี้วัดย่อย {code} อยู่แล้ว")
    if current is not None and code != current.code and (
            refusal := _while_held(f"เปลี่ยนรหัสตัวชี้วัดย่อย {current.code}", _items_held_th(session, current))):
        errors.append(refusal)
    return _store(session, actor, current=current, seen_version=seen_version, clean=clean, errors=errors,
                  new_row=lambda: FrameworkSubIndicator(fiscal_year=year, **merged),
                  fields=SUB_INDICATOR_FIELDS, source=source)


def delete_framework_sub_indicator(session: Session, actor: Actor, row_id: int, seen_version: int,
                                   source: str = "form") -> None:
    """Remove a sub-indicator; refused while OIT items of the year sit in it."""
    _delete_as_seen(session, actor, Action.EDIT_FRAMEWORK, FrameworkSubIndicator, row_id, seen_version,
                    SUB_INDICATOR_FIELDS, source, missing=f"ไม่พบตัวชี้วัดย่อย รหัส {row_id}",
                    refuse=lambda row: _while_held(f"ลบตัวชี้วัดย่อย {row.code}", _items_held_th(session, row)))


# the OIT catalogue

def _held_by_stations(session: Session, item_id: int) -> tuple[int, int]:
    """How many station OIT rows point at a catalogue item, and of how many stations."""
    rows = session.exec(select(OitItem.station_id).where(col(OitItem.catalogue_item_id) == item_id)).all()
    return len(rows), len(set(rows))


def save_catalogue_item(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                        seen_version: int | None = None, source: str = "form", *,
                        fiscal_year: int | None = None) -> Saved:
    """Add (to ``fiscal_year``) or edit an OIT catalogue item: code (like O1, unique in the year),
    number, sub-indicator (one of the year's), title, what must be published, rhythm, deadline
    rule and due date (within the fiscal year or at most about three months outside it)."""
    current, year, clean = _opened(session, actor, CatalogueItem, values, CATALOGUE_EDIT, row_id=row_id,
                                   fiscal_year=fiscal_year, what="รายการ OIT")
    if clean.get("due_date") == "":
        clean["due_date"] = None
    errors: list[str] = []
    _whole(clean, "number", "ลำดับรายการ", errors)
    _choice(clean, "rhythm", Rhythm, "รอบการเผยแพร่ (rhythm)", errors)
    defaults = {"group_heading": "", "requirement_th": "", "rhythm": Rhythm.ONCE, "deadline": "",
                "due_date": None}
    merged = _merged(current, CATALOGUE_EDIT, clean, defaults)
    code = str(merged.get("code") or "")
    if not ITEM_CODE.fullmatch(code):
        errors.append(f"รหัสรายการ OIT ต้องเป็นรูปแบบ O1, O2 … (ได้ {code!r})")
    elif any(r.code == code and (current is None or r.id != current.id)
             for r in _year_rows(session, CatalogueItem, year)):
        errors.append(f"ปี {year} มีรายการ {code} อยู่แล้ว")
    if "number" not in merged:
        errors.append("ต้องระบุลำดับรายการ")
    _required_text(merged, "title_th", "ชื่อรายการ OIT", errors)
    subs = {r.code for r in _year_rows(session, FrameworkSubIndicator, year)}
    if merged.get("sub_indicator") not in subs:
        errors.append(f"ปี {year} ไม่มีตัวชี้วัดย่อย {merged.get('sub_indicator')!r} "
                      f"(มี {', '.join(sorted(subs)) or '—'})")
    due = merged.get("due_date")
    if due is not None and not isinstance(due, date):
        errors.append(f"กำหนดส่งต้องเป็นวันที่ (ได้ {due!r})")
    elif problem := due_date_problem(year, due):
        errors.append(problem)
    return _store(session, actor, current=current, seen_version=seen_version, clean=clean, errors=errors,
                  new_row=lambda: CatalogueItem(fiscal_year=year, **merged), fields=CATALOGUE_FIELDS,
                  source=source)


def delete_catalogue_item(session: Session, actor: Actor, row_id: int, seen_version: int,
                          source: str = "form") -> None:
    """Remove a catalogue item with its components; refused while stations' plans hold it (their
    rows, progress and evidence would lose the item they are an instance of)."""
    require(actor, Action.EDIT_FRAMEWORK)
    item = _row_as_seen(session, actor, CatalogueItem, row_id, seen_version, CATALOGUE_FIELDS,
                        f"ไม่พบรายการ OIT รหัส {row_id}")
    rows, stations = _held_by_stations(session, row_id)
    if rows:
        raise ValidationFailed([f"ลบรายการ {item.code} ของปี {item.fiscal_year} ไม่ได้: สถานี {stations} แห่ง "
                                f"มีรายการนี้ในแผนอยู่ ({rows} แถว)"])
    for component in _components_of(session, row_id):
        hard_delete(session, actor, component, COMPONENT_FIELDS, source, None)
    session.flush()
    hard_delete(session, actor, item, CATALOGUE_FIELDS, source, None)


def _components_of(session: Session, item_id: int) -> list[CatalogueComponent]:
    return list(session.exec(select(CatalogueComponent).where(col(CatalogueComponent.item_id) == item_id)
                             .order_by(col(CatalogueComponent.seq))).all())


def save_catalogue_component(session: Session, actor: Actor, values: dict[str, Any],
                             row_id: int | None = None, seen_version: int | None = None,
                             source: str = "form", *, item_id: int | None = None) -> Saved:
    """Add (to ``item_id``, numbered after the last unless ``seq`` is given) or edit a line of a
    catalogue item's components checklist."""
    require(actor, Action.EDIT_FRAMEWORK)
    current = _existing(session, CatalogueComponent, row_id, "องค์ประกอบ")
    parent = item_id if current is None else current.item_id
    if parent is None or session.get(CatalogueItem, parent) is None:
        raise ValidationFailed([f"ไม่พบรายการ OIT รหัส {parent} ขององค์ประกอบนี้"])
    clean = _clean(values, COMPONENT_EDIT)
    errors: list[str] = []
    _whole(clean, "seq", "ลำดับองค์ประกอบ", errors)
    merged = _merged(current, COMPONENT_EDIT, clean)
    _required_text(merged, "text_th", "ข้อความองค์ประกอบ", errors)
    new = _sequenced(clean, merged, _others(_components_of(session, parent), current), errors,
                     taken_th="รายการนี้มีองค์ประกอบข้อ {seq} อยู่แล้ว")
    return _store(session, actor, current=current, seen_version=seen_version, clean=clean, errors=errors,
                  new_row=lambda: CatalogueComponent(item_id=parent, **new), fields=COMPONENT_FIELDS,
                  source=source)


def delete_catalogue_component(session: Session, actor: Actor, row_id: int, seen_version: int,
                               source: str = "form") -> None:
    _delete_as_seen(session, actor, Action.EDIT_FRAMEWORK, CatalogueComponent, row_id, seen_version,
                    COMPONENT_FIELDS, source, missing=f"ไม่พบองค์ประกอบ รหัส {row_id}")


# the ITA calendar

def save_framework_phase(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                         seen_version: int | None = None, source: str = "form", *,
                         fiscal_year: int | None = None) -> Saved:
    """Add (to ``fiscal_year``, numbered after the last unless ``seq`` is given) or edit a step of
    the year's ITA calendar: kind, name and dates (start not after end)."""
    current, year, clean = _opened(session, actor, FrameworkPhase, values, PHASE_EDIT, row_id=row_id,
                                   fiscal_year=fiscal_year, what="ขั้นตอนในปฏิทิน ITA")
    errors: list[str] = []
    _whole(clean, "seq", "ลำดับขั้นตอน", errors)
    merged = _merged(current, PHASE_EDIT, clean)
    _required_text(merged, "kind", "ชนิดขั้นตอน (เช่น eit_collection)", errors)
    _required_text(merged, "name_th", "ชื่อขั้นตอน", errors)
    start, end = merged.get("start"), merged.get("end")
    if not isinstance(start, date) or not isinstance(end, date):
        errors.append("ต้องระบุวันเริ่มและวันสิ้นสุดของขั้นตอน")
    elif end < start:
        errors.append(f"วันสิ้นสุด {format_be(end)} มาก่อนวันเริ่ม {format_be(start)}")
    new = _sequenced(clean, merged, _others(_year_rows(session, FrameworkPhase, year), current), errors,
                     taken_th=f"ปี {year} มีขั้นตอนลำดับ {{seq}} อยู่แล้ว")
    return _store(session, actor, current=current, seen_version=seen_version, clean=clean, errors=errors,
                  new_row=lambda: FrameworkPhase(fiscal_year=year, **new), fields=PHASE_FIELDS, source=source)


def delete_framework_phase(session: Session, actor: Actor, row_id: int, seen_version: int,
                           source: str = "form") -> None:
    _delete_as_seen(session, actor, Action.EDIT_FRAMEWORK, FrameworkPhase, row_id, seen_version, PHASE_FIELDS,
                    source, missing=f"ไม่พบขั้นตอนในปฏิทิน ITA รหัส {row_id}")


# --- one entry for the row edits above, by table (named as the workbook's sheets) -----------------

FrameworkTable = Literal["rating_bands", "indicators", "sub_indicators", "oit_items", "components", "phases"]


class _SaveYearRow(Protocol):
    def __call__(self, session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                 seen_version: int | None = None, source: str = "form", *,
                 fiscal_year: int | None = None) -> Saved: ...


class _DeleteRow(Protocol):
    def __call__(self, session: Session, actor: Actor, row_id: int, seen_version: int,
                 source: str = "form") -> None: ...


# every table but the components, whose new rows go under a catalogue item instead of a year
_YEAR_ROW_SAVES: dict[str, _SaveYearRow] = {
    "rating_bands": save_rating_band, "indicators": save_framework_indicator,
    "sub_indicators": save_framework_sub_indicator, "oit_items": save_catalogue_item,
    "phases": save_framework_phase,
}
_ROW_DELETES: dict[str, _DeleteRow] = {
    "rating_bands": delete_rating_band, "indicators": delete_framework_indicator,
    "sub_indicators": delete_framework_sub_indicator, "oit_items": delete_catalogue_item,
    "components": delete_catalogue_component, "phases": delete_framework_phase,
}


def _known(table: str) -> None:
    if table not in _ROW_DELETES:  # a caller's slip, never a person's input
        raise ValueError(f"not a framework table: {table!r} (one of {', '.join(_ROW_DELETES)})")


def save_framework_row(session: Session, actor: Actor, table: FrameworkTable, values: dict[str, Any],
                       row_id: int | None = None, seen_version: int | None = None, source: str = "form", *,
                       parent: int | None = None) -> Saved:
    """Add or edit one row of a year's framework through the save of its table (validated,
    versioned, audited). ``row_id`` None adds a row under ``parent``: the fiscal year, or for
    ``components`` the catalogue item's id."""
    _known(table)
    if table == "components":
        return save_catalogue_component(session, actor, values, row_id, seen_version, source, item_id=parent)
    return _YEAR_ROW_SAVES[table](session, actor, values, row_id, seen_version, source, fiscal_year=parent)


def delete_framework_row(session: Session, actor: Actor, table: FrameworkTable, row_id: int,
                         seen_version: int, source: str = "form") -> None:
    """Remove one row of a year's framework as the user saw it, refused where its table's delete
    refuses (a band from 0, an indicator with sub-indicators, an item stations hold …)."""
    _known(table)
    _ROW_DELETES[table](session, actor, row_id, seen_version, source)


# --- the framework workbook, applied row by row --------------------------------------------------

IMPORT_SOURCE = "import"
# saved in this order (an item names a sub-indicator, which names an indicator), removed in reverse
PARENTS_FIRST: tuple[FrameworkTable, ...] = ("indicators", "sub_indicators", "oit_items")


def import_framework(session: Session, actor: Actor, fiscal_year: int, workbook: FrameworkWorkbook,
                     expected: str | None = None) -> FrameworkChanges:
    """Make ``fiscal_year``'s framework equal to ``workbook``: exactly the rows
    :func:`preview_framework_import` lists are added, changed and removed, each through the
    single-row service above (validated, versioned, audited with source ``import``), in an order
    that keeps every reference valid on the way (new indicators before the sub-indicators naming
    them, …, removals last). A year without a framework gets one (and its fiscal year opened).
    Every refusal is collected with its sheet and row and raised at the end as one
    ValidationFailed, so the caller's transaction rolls back whole. Returns the preview applied.

    ``expected`` is the :meth:`FrameworkChanges.fingerprint` of the preview the person confirmed;
    when the stored framework moved since, nothing is written."""
    require(actor, Action.EDIT_FRAMEWORK)
    changes = preview_framework_import(session, fiscal_year, workbook)
    if expected is not None and changes.fingerprint() != expected:
        raise ValidationFailed([f"เกณฑ์ปี {fiscal_year} เปลี่ยนไประหว่างตรวจไฟล์: ตรวจตัวอย่างใหม่อีกครั้งแล้วจึงยืนยัน"])
    apply = _Apply(session, actor, fiscal_year, workbook.rating_bands)
    sheets = changes.sheets
    if changes.new_framework:
        apply.attempt("scoring", sheets["scoring"].added[0], create_framework, fiscal_year, workbook.scoring)
        if apply.errors:
            raise ValidationFailed(apply.errors)
    for row in sheets["scoring"].changed:
        apply.attempt("scoring", row, save_framework, fiscal_year, row.values, _version(row))
    for sheet in PARENTS_FIRST:
        apply.saves(sheet, sheets[sheet])
    _apply_components(apply, sheets["components"])
    apply.deletes("phases", sheets["phases"])
    apply.saves("phases", sheets["phases"])
    _apply_bands(apply, sheets["rating_bands"])
    for sheet in reversed(PARENTS_FIRST):
        apply.deletes(sheet, sheets[sheet])
    if apply.errors:
        raise ValidationFailed(apply.errors)
    session.flush()
    return changes


@dataclass
class _Apply:
    """The writes of one framework import, collecting each refusal with its sheet and row."""

    session: Session
    actor: Actor
    fiscal_year: int
    workbook_bands: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attempt(self, sheet: str, row: RowChange, write: Callable[..., object], *args: Any,
                **kwargs: Any) -> None:
        try:
            write(self.session, self.actor, *args, IMPORT_SOURCE, **kwargs)
        except ValidationFailed as refused:
            self.errors.extend(f"แผ่นงาน «{sheet}» {row.label()}: {message}" for message in refused.errors)

    def saves(self, sheet: FrameworkTable, changes: SheetChanges,
              rows: list[RowChange] | None = None) -> None:
        """New rows into the year, changed rows by id and the version read for the preview."""
        for row in rows if rows is not None else [*changes.added, *changes.changed]:
            self.save(sheet, row, row.values, parent=self.fiscal_year)

    def save(self, sheet: FrameworkTable, row: RowChange, values: dict[str, Any], *,
             parent: int | None) -> None:
        """One row saved: a new one under ``parent``, a changed one by id and the version previewed."""
        self.attempt(sheet, row, save_framework_row, sheet, values, row.row_id, row.version,
                     parent=parent if row.row_id is None else None)

    def deletes(self, sheet: FrameworkTable, changes: SheetChanges) -> None:
        for row in changes.removed:
            self.attempt(sheet, row, delete_framework_row, sheet, _id(row), _version(row))


def _id(row: RowChange) -> int:
    if row.row_id is None:
        raise ValueError(f"{row.key} has no stored row")
    return row.row_id


def _version(row: RowChange) -> int:
    if row.version is None:
        raise ValueError(f"{row.key} has no stored row")
    return row.version


def _apply_components(apply: _Apply, changes: SheetChanges) -> None:
    """Components after the items: removals first (their numbers may be reused), then the new
    lines under their item (looked up by code, so an item added by this import has its id)."""
    items = {item.code: stored_id(item) for item in catalogue_of(apply.session, apply.fiscal_year)}
    apply.deletes("components", changes)
    for row in changes.added:
        if row.values["item_code"] not in items and apply.errors:
            continue  # its item was refused above: that refusal says it once
        values = {k: v for k, v in row.values.items() if k in COMPONENT_EDIT}
        apply.save("components", row, values, parent=items.get(row.values["item_code"]))
    for row in changes.changed:
        apply.save("components", row, {"text_th": row.values["text_th"]}, parent=None)


def _apply_bands(apply: _Apply, changes: SheetChanges) -> None:
    """Bands from the lowest total up, removals last, so the year never lacks a band from 0 on the way."""
    def lowest_first(row: RowChange) -> float:
        return float(row.values.get("min_total") or 0)

    used = {band.seq for band in rating_band_rows(apply.session, apply.fiscal_year)}
    placed = []
    for row in changes.added:  # a new band takes its place in the file (highest first) when that is free
        position = 1 + apply.workbook_bands.index(row.values) if row.values in apply.workbook_bands else 0
        if position and position not in used:
            used.add(position)
            row = RowChange(row.key, values={**row.values, "seq": position})
        placed.append(row)
    ordered = sorted([*placed, *changes.changed], key=lowest_first)
    apply.saves("rating_bands", changes, ordered)
    apply.deletes("rating_bands", changes)
