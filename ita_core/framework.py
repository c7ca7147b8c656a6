"""The ITA framework of a fiscal year, as data: scoring rule and rating bands, indicators, the
OIT catalogue, the calendar and the survey minimums (tables in :mod:`ita_core.models`).

The NACC changes the framework between years (items renumbered, rating labels with per-tool
floors), so nothing here is a constant of the code: a year's rules are rows, made from the
default data in ``data/`` for the seed's year and copied or imported for later years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

from ita_core import models
from ita_core.thai_dates import fiscal_year_bounds, format_be

RowT = TypeVar("RowT", bound=SQLModel)


@dataclass(frozen=True)
class Band:
    """One label of a scheme: from ``min_total`` up, when every tool reaches ``min_each_tool``."""

    label_th: str
    label_en: str
    min_total: float
    min_each_tool: float | None = None


@dataclass(frozen=True)
class Rating:
    """What a total earns: the label in Thai and English, and whether it reaches the pass mark."""

    label_th: str
    label_en: str
    passed: bool


def rate(total: float, tools: Mapping[models.Tool, float | None], *, bands: Sequence[Band],
         pass_mark: float) -> Rating:
    """The highest band whose total and per-tool floor are met (totals rounded to two decimals, as
    results are published). Passed means the band reached starts at the pass mark or above, so a
    total over the pass mark held back by a tool's floor does not pass."""
    rounded = round(float(total), 2)
    if not 0 <= rounded <= 100:
        raise ValueError(f"total {total!r} is not between 0 and 100")
    scores = [round(float(score), 2) for score in tools.values() if score is not None]
    for band in sorted(bands, key=lambda b: b.min_total, reverse=True):
        floor_met = band.min_each_tool is None or all(score >= band.min_each_tool for score in scores)
        if rounded >= band.min_total and floor_met:
            return Rating(band.label_th, band.label_en, band.min_total >= pass_mark)
    raise ValueError("the scheme has no band for this total (the lowest band must start at 0)")


def framework_of(session: Session, fiscal_year: int) -> models.Framework | None:
    """The framework of a fiscal year, or None when the year has none yet."""
    return session.get(models.Framework, fiscal_year)


def _ordered_rows(session: Session, model: type[RowT], where: Any, *order: Any) -> list[RowT]:
    """The rows of ``model`` matching ``where`` in ``order``: the one shape every read below shares."""
    return list(session.exec(select(model).where(where).order_by(*order)).all())


def _of_year(session: Session, model: type[RowT], fiscal_year: int, *order: Any) -> list[RowT]:
    """The rows of a framework table (keyed by ``fiscal_year``) for one year, in ``order``."""
    table: Any = model
    return _ordered_rows(session, model, col(table.fiscal_year) == fiscal_year, *(col(c) for c in order))


def framework_years(session: Session) -> list[int]:
    """The fiscal years that have a framework, newest first."""
    return list(session.exec(select(models.Framework.fiscal_year)
                             .order_by(col(models.Framework.fiscal_year).desc())).all())


def copy_command(session: Session, fiscal_year: int) -> str:
    """The command that gives ``fiscal_year`` a framework: a copy of the newest year before it that
    has one (else the newest year at all)."""
    years = framework_years(session)
    source = next((year for year in years if year < fiscal_year), years[0] if years else None)
    return f"ita framework copy --from {source if source is not None else 'ปีที่มีเกณฑ์'} --to {fiscal_year}"


def missing_framework_th(session: Session, fiscal_year: int) -> str:
    """Why a plan cannot start in a year without a framework, and the command that makes one."""
    return (f"ปีงบประมาณ {fiscal_year} ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
            f"สร้างก่อนด้วยคำสั่ง `{copy_command(session, fiscal_year)}`")


def bands_of(session: Session, fiscal_year: int) -> list[Band]:
    """The rating bands of a year, highest first."""
    return [Band(r.label_th, r.label_en, r.min_total, r.min_each_tool)
            for r in rating_band_rows(session, fiscal_year)]


def catalogue_of(session: Session, fiscal_year: int) -> list[models.CatalogueItem]:
    """The OIT catalogue of a year, in item order."""
    return _of_year(session, models.CatalogueItem, fiscal_year, models.CatalogueItem.number)


def missing_from_catalogue(session: Session, station_id: int, fiscal_year: int) -> list[models.CatalogueItem]:
    """The catalogue items of a year a station has no OIT item for (by code; a soft-deleted item
    counts as held), in item order."""
    held = set(session.exec(select(models.OitItem.code)
                            .where(col(models.OitItem.station_id) == station_id,
                                   col(models.OitItem.fiscal_year) == fiscal_year)).all())
    return [entry for entry in catalogue_of(session, fiscal_year) if entry.code not in held]


# --- reads of the framework page (pages/framework.py): the stored rows with their ids and versions,
# so the page can edit them through the Writer ---------------------------------------------------

def rating_band_rows(session: Session, fiscal_year: int) -> list[models.RatingBand]:
    """The rating band rows of a year in their order (highest first), with ids and versions."""
    return _of_year(session, models.RatingBand, fiscal_year, models.RatingBand.seq)


def catalogue_components(session: Session, item_id: int) -> list[models.CatalogueComponent]:
    """The components checklist of one catalogue item, in order."""
    return _ordered_rows(session, models.CatalogueComponent,
                         col(models.CatalogueComponent.item_id) == item_id,
                         col(models.CatalogueComponent.seq))


def component_counts(session: Session, fiscal_year: int) -> dict[int, int]:
    """How many components each catalogue item of a year has, by item id (items without any are absent)."""
    rows = session.exec(select(models.CatalogueComponent.item_id, func.count())
                        .join(models.CatalogueItem,
                              col(models.CatalogueItem.id) == col(models.CatalogueComponent.item_id))
                        .where(col(models.CatalogueItem.fiscal_year) == fiscal_year)
                        .group_by(col(models.CatalogueComponent.item_id))).all()
    return {item_id: count for item_id, count in rows}


def framework_phases(session: Session, fiscal_year: int) -> list[models.FrameworkPhase]:
    """The steps of a year's ITA calendar, in order."""
    return _of_year(session, models.FrameworkPhase, fiscal_year, models.FrameworkPhase.seq)


def framework_indicators(session: Session, fiscal_year: int) -> list[models.FrameworkIndicator]:
    """The indicators of a year's framework, by number."""
    return _of_year(session, models.FrameworkIndicator, fiscal_year, models.FrameworkIndicator.number)


def framework_sub_indicators(session: Session, fiscal_year: int) -> list[models.FrameworkSubIndicator]:
    """The sub-indicators of a year's framework, by indicator then code."""
    return _of_year(session, models.FrameworkSubIndicator, fiscal_year,
                    models.FrameworkSubIndicator.indicator, models.FrameworkSubIndicator.code)


def _number_field(values: dict[str, Any], name: str, what: str, errors: list[str], *,
                  optional: bool = False) -> None:
    """Check that ``values[name]`` is a number 0–100 (stored as float); None passes when ``optional``."""
    if name not in values:
        return
    value = values[name]
    if value is None or (isinstance(value, str) and not value):
        if optional:
            values[name] = None
        else:
            errors.append(f"ต้องระบุ{what}")
        return
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not 0 <= number <= 100:
        errors.append(f"{what} ต้องเป็นตัวเลข 0–100 (ได้ {value!r})")
        return
    values[name] = number


# --- the rules a year's framework keeps as a whole (the services and the workbook reader) ---------

def same_value(old: Any, new: Any) -> bool:
    """Equal as stored: 30 and 30.0 are the same weight, a StrEnum equals its text (a flag is no number)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    return bool(old == new)


def check_scoring(values: dict[str, Any]) -> list[str]:
    """The problems of a whole scoring rule (scheme, weights summing to 100, pass mark 0–100);
    numbers in ``values`` become floats."""
    errors: list[str] = []
    if "scheme" in values and values["scheme"] not in {member.value for member in models.ScoringScheme}:
        allowed = ", ".join(member.value for member in models.ScoringScheme)
        errors.append(f"รูปแบบการให้คะแนน (scheme) ต้องเป็นหนึ่งใน {allowed} (ได้ {values['scheme']!r})")
    for name, what in (("weight_iit", "น้ำหนัก IIT"), ("weight_eit", "น้ำหนัก EIT"), ("weight_oit", "น้ำหนัก OIT"),
                       ("pass_mark", "เกณฑ์ผ่าน")):
        _number_field(values, name, what, errors)
    weights = [values.get(name) for name in ("weight_iit", "weight_eit", "weight_oit")]
    if not errors and all(isinstance(w, float) for w in weights):
        total = sum(w for w in weights if isinstance(w, float))
        if abs(total - 100) > 1e-6:
            errors.append(f"น้ำหนัก IIT + EIT + OIT ต้องรวมกันได้ 100 (ตอนนี้ {total:g})")
    return errors


def check_bands(bands: list[dict[str, Any]]) -> list[str]:
    """The rules of a year's bands as a whole: Thai (and English) labels unique, the lowest from 0."""
    errors = []
    for name, what in (("label_th", "ชื่อระดับ (ไทย)"), ("label_en", "ชื่อระดับ (อังกฤษ)")):
        labels = [str(b.get(name) or "") for b in bands if b.get(name)]
        for label in sorted({label for label in labels if labels.count(label) > 1}):
            errors.append(f"{what} «{label}» ซ้ำกัน: แต่ละระดับต้องมีชื่อไม่ซ้ำ")
    totals = [b["min_total"] for b in bands if isinstance(b.get("min_total"), (int, float))]
    if totals and min(totals) != 0:
        errors.append(f"ระดับต่ำสุดต้องเริ่มที่คะแนน 0 (ตอนนี้เริ่มที่ {min(totals):g})")
    return errors


DUE_SLACK = timedelta(days=92)  # a due date may fall this far outside its fiscal year (a report on the year)


def due_date_problem(fiscal_year: int, due: date | None) -> str | None:
    """Why a catalogue item's due date does not fit its fiscal year (within about three months
    around it), or None. A file exported from another year shows it on every dated item."""
    if due is None:
        return None
    start, end = fiscal_year_bounds(fiscal_year)
    if start - DUE_SLACK <= due <= end + DUE_SLACK:
        return None
    return (f"กำหนดส่ง {format_be(due)} อยู่ไกลจากปีงบประมาณ {fiscal_year} "
            f"({format_be(start)} – {format_be(end)})")
