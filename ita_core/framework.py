"""The ITA framework of a fiscal year, as data: scoring rule and rating bands, indicators, the
OIT catalogue, the calendar and the survey minimums (tables in :mod:`ita_core.models`).

The NACC changes the framework between years (items renumbered, rating labels with per-tool
floors), so nothing here is a constant of the code: a year's rules are rows, made from the
default data in ``data/`` for the seed's year and copied or imported for later years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ita_core.models import CatalogueItem, Framework, RatingBand, Tool


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


def rate(total: float, tools: Mapping[Tool, float | None], *, bands: Sequence[Band],
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


def framework_of(session: Session, fiscal_year: int) -> Framework | None:
    """The framework of a fiscal year, or None when the year has none yet."""
    return session.get(Framework, fiscal_year)


def bands_of(session: Session, fiscal_year: int) -> list[Band]:
    """The rating bands of a year, highest first."""
    rows = session.exec(select(RatingBand).where(col(RatingBand.fiscal_year) == fiscal_year)
                        .order_by(col(RatingBand.seq))).all()
    return [Band(r.label_th, r.label_en, r.min_total, r.min_each_tool) for r in rows]


def catalogue_of(session: Session, fiscal_year: int) -> list[CatalogueItem]:
    """The OIT catalogue of a year, in item order."""
    return list(session.exec(select(CatalogueItem).where(col(CatalogueItem.fiscal_year) == fiscal_year)
                             .order_by(col(CatalogueItem.number))).all())
