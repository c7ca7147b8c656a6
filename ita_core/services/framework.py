"""Central admins' writes to a year's ITA framework, which every station of that year shares.

``copy_framework`` makes a year's framework from another year's: the scoring rule and rating bands,
indicators and sub-indicators, the OIT catalogue with its components, the calendar and the survey
minimums, with dates moved by the years between them. Every row is audited (station-less).
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, col, select

from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.framework import catalogue_of, framework_of
from ita_core.models import (
    CatalogueComponent,
    CatalogueItem,
    Framework,
    FrameworkIndicator,
    FrameworkPhase,
    FrameworkSubIndicator,
    RatingBand,
    SurveyMinimum,
)
from ita_core.permissions import Action, require
from ita_core.services.core import ValidationFailed, create_row
from ita_core.services.plan import ensure_fiscal_year
from ita_core.thai_dates import shift_be_years_in_text, shift_year

# the rows of a framework that carry its year
YearRowT = TypeVar("YearRowT", RatingBand, FrameworkIndicator, FrameworkSubIndicator, FrameworkPhase,
                   SurveyMinimum)

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
