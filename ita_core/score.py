"""ITA score projection: NACC grades, a projected total from the OIT items done with evidence and
the survey scores the secretary enters, the gap to the pass mark, and a "what if" list.

How the projection is computed (the defaults are this tool's assumptions, set in
``ita_core.settings`` — check them against the NACC assessment manual of the year):
- OIT item score: 100 when the item is done with an evidence URL, else 0; with
  ``ITA_OIT_COMPONENT_CREDIT`` an unfinished item earns the share of its ticked components;
- OIT score: the mean of the item scores (``ITA_OIT_SCORING=item``), or the mean of the
  sub-indicator means (``sub_indicator``: 9.1 … 10.2 weigh the same whatever their size);
- total: IIT, EIT and OIT weighted by ``ITA_WEIGHT_IIT/EIT/OIT`` (30/30/40; divided by their
  sum, so 0.3/0.3/0.4 works too); without both survey scores there is no total;
- scores are rounded to two decimals (as results are published) before grading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session, col, select

from ita_core import queries
from ita_core.models import ScoreHistory, ScoreInput, Status
from ita_core.settings import Settings

PASS_MARK = 85.0
# NACC grades: (grade, lowest score) from the top; F is below 50.
GRADES = (("AA", 95.0), ("A", 85.0), ("B", 75.0), ("C", 65.0), ("D", 55.0), ("E", 50.0), ("F", 0.0))


def grade(score: float) -> str:
    """The NACC grade of a score 0–100 (rounded to two decimals first: 84.99 → B, 85.00 → A)."""
    rounded = round(float(score), 2)
    if not 0 <= rounded <= 100:
        raise ValueError(f"score {score!r} is not between 0 and 100")
    return next(name for name, floor in GRADES if rounded >= floor)


def passed(score: float) -> bool:
    """True from the pass mark 85.00 up (AA and A)."""
    return round(float(score), 2) >= PASS_MARK


def gap_to_pass(score: float) -> float:
    """Points missing to the pass mark 85 (0 when passed)."""
    return round(max(PASS_MARK - round(score, 2), 0.0), 2)


@dataclass(frozen=True)
class Weights:
    """Tool weights as shares of the total (summing to 1)."""

    iit: float
    eit: float
    oit: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Weights:
        total = settings.weight_iit + settings.weight_eit + settings.weight_oit
        if total <= 0 or min(settings.weight_iit, settings.weight_eit, settings.weight_oit) < 0:
            raise ValueError("ITA_WEIGHT_IIT/EIT/OIT must be ≥ 0 with a positive sum")
        return cls(settings.weight_iit / total, settings.weight_eit / total, settings.weight_oit / total)


def item_scores(items: pd.DataFrame, settings: Settings) -> pd.Series:
    """Score 0–100 of each OIT item (index = item id) by the rules above."""
    done = (items["status"] == Status.DONE) & (items["evidence_url"].fillna("") != "")
    partial = pd.Series(0.0, index=items.index)
    if settings.oit_component_credit:
        total = items["components_total"].where(items["components_total"] > 0)
        partial = (100.0 * items["components_done"] / total).fillna(0.0)
    return pd.Series(done.map({True: 100.0, False: 0.0}).where(done, partial).to_numpy(), index=items["id"])


def item_weights(items: pd.DataFrame, settings: Settings) -> pd.Series:
    """Share of the OIT score each item carries (sums to 1; index = item id; empty without items)."""
    if items.empty:
        return pd.Series(dtype=float)
    if settings.oit_scoring == "sub_indicator":
        per_sub = items.groupby("sub_indicator")["id"].transform("count")
        weights = 1.0 / (items["sub_indicator"].nunique() * per_sub)
    else:
        weights = pd.Series(1.0 / len(items), index=items.index)
    return pd.Series(weights.to_numpy(), index=items["id"])


def by_sub_indicator(items: pd.DataFrame, scores: pd.Series) -> pd.DataFrame:
    """Per sub-indicator: items, items done with evidence, and the mean item score."""
    frame = items.assign(score=items["id"].map(scores), done=items["id"].map(scores) == 100.0)
    table = frame.groupby("sub_indicator").agg(items=("id", "count"), done=("done", "sum"),
                                               score=("score", "mean"))
    table["done"] = table["done"].astype(int)
    return table.reset_index().sort_values(
        "sub_indicator", key=lambda codes: codes.map(lambda c: tuple(int(p) for p in c.split(".")))
    ).reset_index(drop=True)


@dataclass(frozen=True)
class Projection:
    """The projected result of a year."""

    iit: float | None
    eit: float | None
    oit: float
    total: float | None
    grade: str | None
    gap: float | None
    weights: Weights


def project(iit: float | None, eit: float | None, oit: float, weights: Weights) -> Projection:
    """Weighted total, grade and gap to 85; no total while a survey score is missing."""
    oit = round(oit, 2)
    if iit is None or eit is None:
        return Projection(iit, eit, oit, None, None, None, weights)
    total = round(weights.iit * iit + weights.eit * eit + weights.oit * oit, 2)
    return Projection(iit, eit, oit, total, grade(total), gap_to_pass(total), weights)


def what_if(items: pd.DataFrame, scores: pd.Series, shares: pd.Series, weights: Weights,
            total: float | None) -> pd.DataFrame:
    """Unfinished OIT items by how much finishing each (with evidence) would raise the total,
    largest first; ``total_after`` is the total after finishing it and every item above it."""
    rows = items.assign(score=items["id"].map(scores), share=items["id"].map(shares))
    rows = rows[rows["score"] < 100.0].copy()
    rows["gain_oit"] = (100.0 - rows["score"]) * rows["share"]
    rows["gain_total"] = rows["gain_oit"] * weights.oit
    rows = rows.sort_values(["gain_total", "id"], ascending=[False, True], kind="stable")
    rows["total_after"] = (total + rows["gain_total"].cumsum()).round(2) if total is not None else None
    rows["gain_oit"], rows["gain_total"] = rows["gain_oit"].round(2), rows["gain_total"].round(2)
    return rows[["id", "code", "sub_indicator", "title", "score", "gain_oit", "gain_total",
                 "total_after"]].reset_index(drop=True)


def items_to_pass(table: pd.DataFrame, total: float | None) -> int | None:
    """How many items of the what-if list (from the top) lift the total to 85; 0 if passed;
    None if finishing every item is not enough (or there is no total)."""
    if total is None:
        return None
    if round(total, 2) >= PASS_MARK:
        return 0
    reached = table.index[table["total_after"] >= PASS_MARK]
    return int(reached[0]) + 1 if len(reached) else None


def score_input(session: Session, station_id: int, fiscal_year: int) -> ScoreInput | None:
    """The survey scores entered for a year, if any."""
    return session.exec(select(ScoreInput).where(ScoreInput.station_id == station_id,
                                                 ScoreInput.fiscal_year == fiscal_year)).first()


def history(session: Session, station_id: int) -> pd.DataFrame:
    """A station's real results of past years, oldest first, with their grades."""
    rows = session.exec(select(ScoreHistory).where(ScoreHistory.station_id == station_id)
                        .order_by(col(ScoreHistory.fiscal_year))).all()
    frame = pd.DataFrame([r.model_dump() for r in rows], columns=list(ScoreHistory.model_fields))
    frame["grade"] = frame["total"].map(grade) if len(frame) else pd.Series(dtype=object)
    return frame


@dataclass(frozen=True)
class ScoreView:
    """Everything the score page shows for a station and year."""

    projection: Projection
    sub_indicators: pd.DataFrame
    what_if: pd.DataFrame
    items_to_pass: int | None
    entered: ScoreInput | None
    history: pd.DataFrame


def load(session: Session, station_id: int, fiscal_year: int, settings: Settings) -> ScoreView:
    """Read the items, the entered survey scores and the history; compute the projection."""
    items = queries.oit_items(session, station_id, fiscal_year)
    weights = Weights.from_settings(settings)
    scores = item_scores(items, settings)
    shares = item_weights(items, settings)
    oit = float((scores * shares).sum()) if len(items) else 0.0
    entered = score_input(session, station_id, fiscal_year)
    projection = project(entered.iit if entered else None, entered.eit if entered else None, oit, weights)
    table = what_if(items, scores, shares, weights, projection.total)
    return ScoreView(projection, by_sub_indicator(items, scores), table,
                     items_to_pass(table, projection.total), entered, history(session, station_id))


def figure(past: pd.DataFrame, fiscal_year: int, projection: Projection) -> go.Figure:
    """Past real totals (bars, with grades) and this year's projection (hatched) against the 85 line."""
    fig = go.Figure()
    if len(past):
        fig.add_bar(x=[str(y) for y in past["fiscal_year"]], y=list(past["total"]), name="ผลจริง",
                    text=[f"{t:.2f} ({g})" for t, g in zip(past["total"], past["grade"], strict=True)],
                    marker={"color": "#4575b4"})
    if projection.total is not None:
        fig.add_bar(x=[f"{fiscal_year} (คาดการณ์)"], y=[projection.total], name="คาดการณ์",
                    text=[f"{projection.total:.2f} ({projection.grade})"],
                    marker={"color": "#fdae61", "pattern": {"shape": "/"}})
    fig.add_hline(y=PASS_MARK, line={"dash": "dash", "color": "#d73027"}, annotation_text="ผ่าน 85 คะแนน")
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis={"range": [0, 100]},
                      yaxis_title="คะแนน ITA", legend={"orientation": "h"}, title="ผลคะแนน ITA รายปี")
    return fig


def describe_settings(settings: Settings) -> str:
    """The projection settings in Thai, for the page (never presented as official NACC values)."""
    weights = Weights.from_settings(settings)
    scoring = "ทุกข้อมีน้ำหนักเท่ากัน" if settings.oit_scoring == "item" else "ทุกตัวชี้วัดย่อยมีน้ำหนักเท่ากัน"
    credit = "นับองค์ประกอบที่ทำแล้วเป็นคะแนนบางส่วน" if settings.oit_component_credit else \
        "ข้อที่ยังไม่เสร็จพร้อมลิงก์ได้ 0"
    return (f"น้ำหนัก IIT {weights.iit:.0%} · EIT {weights.eit:.0%} · OIT {weights.oit:.0%} · "
            f"คะแนน OIT: ข้อที่เสร็จพร้อมลิงก์หลักฐานได้ 100, {credit}, {scoring}")


def as_of_note(as_of: date) -> str:
    """The projection reads the items' current status, not their status at the as-of date."""
    return f"คาดการณ์จากสถานะปัจจุบันของข้อมูล OIT (ไม่ขึ้นกับวันที่ {as_of.isoformat()} ที่เลือก)"
