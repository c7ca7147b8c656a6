"""ITA score projection: a projected total from the OIT items done with evidence and the survey
scores the secretary enters, labelled by the year's scoring scheme, the gap to the pass mark, and
a "what if" list.

The tool weights, the pass mark and the rating bands (labels with per-tool floors) are data of
the fiscal year's framework (:mod:`ita_core.framework`), not constants or settings. How the
projection scores OIT items is this tool's rule, set in ``ita_core.settings``:
- OIT item score: 100 when the item is done with an evidence URL, else 0; with
  ``ITA_OIT_COMPONENT_CREDIT`` an unfinished item earns the share of its ticked components;
- OIT score: the mean of the item scores (``ITA_OIT_SCORING=item``), or the mean of the
  sub-indicator means (``sub_indicator``: 9.1 … 10.2 weigh the same whatever their size);
- total: IIT, EIT and OIT weighted by the framework's weights (divided by their sum, so 30/30/40
  and 0.3/0.3/0.4 are the same); without both survey scores there is no total;
- scores are rounded to two decimals (as results are published) before they are rated.
A year without a framework has no projection (:class:`NoFramework` names the command that makes one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session, col, select

from ita_core import queries
from ita_core.framework import Band, Rating, bands_of, copy_command, framework_of, rate
from ita_core.models import Framework, ScoreHistory, ScoreInput, ScoringScheme, Status, Tool
from ita_core.seed import shipped_bands
from ita_core.settings import DEFAULT_DATA_DIR, Settings
from ita_core.thai_dates import format_be


def grade(score: float, *, data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """The NACC letter grade (AA–F) of a score 0–100, from the letter bands of
    ``data_dir/rating_bands.csv`` (rounded to two decimals first: 84.99 → B, 85.00 → A). Only for
    past results of a year that has no framework in the store; a year's own bands label the rest."""
    bands = shipped_bands(data_dir, ScoringScheme.LETTER.value)
    return rate(score, {}, bands=bands, pass_mark=0.0).label_th


def gap_to_pass(score: float, pass_mark: float) -> float:
    """Points missing to the pass mark (0 when reached)."""
    return round(max(pass_mark - round(score, 2), 0.0), 2)


class NoFramework(LookupError):
    """The fiscal year has no framework, so no weights, pass mark or bands to score with."""

    def __init__(self, fiscal_year: int, command: str) -> None:
        self.fiscal_year, self.command = fiscal_year, command
        super().__init__(f"ปีงบประมาณ {fiscal_year} ยังไม่มีเกณฑ์การประเมิน (น้ำหนัก เกณฑ์ผ่าน ระดับผล) "
                         f"จึงคาดการณ์คะแนนไม่ได้: สร้างด้วย `{self.command}` / FY {fiscal_year} has no "
                         f"framework (weights, pass mark, bands): make one with `{self.command}`")


@dataclass(frozen=True)
class Weights:
    """Tool weights as shares of the total (summing to 1)."""

    iit: float
    eit: float
    oit: float

    @classmethod
    def of(cls, framework: Framework) -> Weights:
        """The framework's weights, divided by their sum."""
        raw = (framework.weight_iit, framework.weight_eit, framework.weight_oit)
        total = sum(raw)
        if total <= 0 or min(raw) < 0:
            raise ValueError(f"the weights of FY {framework.fiscal_year} must be ≥ 0 with a positive sum")
        return cls(raw[0] / total, raw[1] / total, raw[2] / total)


@dataclass(frozen=True)
class Rule:
    """How a year's results are scored: from its framework's weights, pass mark and bands."""

    fiscal_year: int
    scheme: ScoringScheme
    weights: Weights
    pass_mark: float
    bands: tuple[Band, ...]
    source_note: str = ""

    def rate(self, total: float, iit: float | None, eit: float | None, oit: float | None) -> Rating:
        """The label of a total with these tool scores (per-tool floors apply), and whether it passes."""
        tools = {Tool.IIT: iit, Tool.EIT: eit, Tool.OIT: oit}
        return rate(total, tools, bands=self.bands, pass_mark=self.pass_mark)


def rule_of(session: Session, fiscal_year: int) -> Rule | None:
    """The scoring rule of a fiscal year, or None when the year has no framework."""
    framework = framework_of(session, fiscal_year)
    if framework is None:
        return None
    return Rule(fiscal_year, framework.scheme, Weights.of(framework), framework.pass_mark,
                tuple(bands_of(session, fiscal_year)), framework.source_note)


def require_rule(session: Session, fiscal_year: int) -> Rule:
    """The scoring rule of a fiscal year; :class:`NoFramework` when there is none, naming the command
    that makes one (:func:`ita_core.framework.copy_command`, the same hint imports and rollover give)."""
    rule = rule_of(session, fiscal_year)
    if rule is not None:
        return rule
    raise NoFramework(fiscal_year, copy_command(session, fiscal_year))


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


def oit_score(scores: pd.Series, shares: pd.Series) -> float:
    """The projected OIT score: the item scores weighted by their shares (0 without items)."""
    return round(float((scores * shares).sum()), 2) if len(scores) else 0.0


def projected_oit(session: Session, station_id: int, fiscal_year: int, settings: Settings) -> float:
    """The OIT score the station's items earn now."""
    items = queries.oit_items(session, station_id, fiscal_year)
    return oit_score(item_scores(items, settings), item_weights(items, settings))


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
    """The projected result of a year: tool scores, total, the scheme's label, pass or not and
    the gap to the pass mark (the last four None while a survey score is missing)."""

    iit: float | None
    eit: float | None
    oit: float
    total: float | None
    label_th: str | None
    label_en: str | None
    passed: bool | None
    gap: float | None
    rule: Rule

    @property
    def weights(self) -> Weights:
        return self.rule.weights

    @property
    def pass_mark(self) -> float:
        return self.rule.pass_mark

    @property
    def tools(self) -> dict[Tool, float | None]:
        return {Tool.IIT: self.iit, Tool.EIT: self.eit, Tool.OIT: self.oit}


def _score(value: float | None) -> float | None:
    if value is None:
        return None
    rounded = round(float(value), 2)
    if not 0 <= rounded <= 100:
        raise ValueError(f"score {value!r} is not between 0 and 100")
    return rounded


def project(iit: float | None, eit: float | None, oit: float, rule: Rule) -> Projection:
    """Weighted total, the year's label, pass or not and the gap to the pass mark; no total while
    a survey score is missing."""
    iit, eit, oit = _score(iit), _score(eit), round(float(oit), 2)
    if iit is None or eit is None:
        return Projection(iit, eit, oit, None, None, None, None, None, rule)
    weights = rule.weights
    total = round(weights.iit * iit + weights.eit * eit + weights.oit * oit, 2)
    rating = rule.rate(total, iit, eit, oit)
    return Projection(iit, eit, oit, total, rating.label_th, rating.label_en, rating.passed,
                      gap_to_pass(total, rule.pass_mark), rule)


def held_back(projection: Projection) -> dict[Tool, float]:
    """When the total reaches the pass mark but does not pass: the tools under the per-tool floor
    of the lowest passing band, with that floor (empty otherwise)."""
    if projection.total is None or projection.passed or projection.total < projection.pass_mark:
        return {}
    passing = [b for b in projection.rule.bands if b.min_total >= projection.pass_mark]
    floor = min(passing, key=lambda b: b.min_total).min_each_tool if passing else None
    if floor is None:
        return {}
    return {tool: floor for tool, value in projection.tools.items() if value is not None and value < floor}


def as_dict(projection: Projection) -> dict[str, Any]:
    """The projection as ``ita score --json`` prints it (None where there is no total yet)."""
    return {"iit": projection.iit, "eit": projection.eit, "oit": projection.oit, "total": projection.total,
            "label_th": projection.label_th, "label_en": projection.label_en, "passed": projection.passed,
            "gap": projection.gap}


def what_if(items: pd.DataFrame, scores: pd.Series, shares: pd.Series,
            projection: Projection) -> pd.DataFrame:
    """Unfinished OIT items by how much finishing each (with evidence) would raise the total,
    largest first; ``total_after`` is the total after finishing it and every item above it, and
    ``passes_after`` whether that total (with the OIT score then) passes under the year's bands."""
    rows = items.assign(score=items["id"].map(scores), share=items["id"].map(shares))
    rows = rows[rows["score"] < 100.0].copy()
    rows["gain_oit"] = (100.0 - rows["score"]) * rows["share"]
    rows["gain_total"] = rows["gain_oit"] * projection.weights.oit
    rows = rows.sort_values(["gain_total", "id"], ascending=[False, True], kind="stable")
    total = projection.total
    rows["total_after"] = (total + rows["gain_total"].cumsum()).round(2) if total is not None else None
    rows["passes_after"] = False
    if total is not None and len(rows):
        oit_after = (projection.oit + rows["gain_oit"].cumsum()).clip(upper=100.0)
        rows["passes_after"] = [
            projection.rule.rate(min(after, 100.0), projection.iit, projection.eit, oit).passed
            for after, oit in zip(rows["total_after"], oit_after, strict=True)]
    rows["gain_oit"], rows["gain_total"] = rows["gain_oit"].round(2), rows["gain_total"].round(2)
    return rows[["id", "code", "sub_indicator", "title", "score", "gain_oit", "gain_total",
                 "total_after", "passes_after"]].reset_index(drop=True)


def items_to_pass(table: pd.DataFrame, projection: Projection) -> int | None:
    """How many items of the what-if list (from the top) make the projection pass; 0 if it passes;
    None if finishing every item is not enough (or there is no total)."""
    if projection.total is None:
        return None
    if projection.passed:
        return 0
    reached = table.index[table["passes_after"].astype(bool)]
    return int(reached[0]) + 1 if len(reached) else None


def score_input(session: Session, station_id: int, fiscal_year: int) -> ScoreInput | None:
    """The survey scores entered for a year, if any."""
    return session.exec(select(ScoreInput).where(ScoreInput.station_id == station_id,
                                                 ScoreInput.fiscal_year == fiscal_year)).first()


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def history(session: Session, station_id: int, *, data_dir: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """A station's real results of past years, oldest first, each labelled by its own year's
    framework (``label``), or by the letter grade of ``data_dir``'s bands when that year has none."""
    rows = session.exec(select(ScoreHistory).where(ScoreHistory.station_id == station_id)
                        .order_by(col(ScoreHistory.fiscal_year))).all()
    frame = pd.DataFrame([r.model_dump() for r in rows], columns=list(ScoreHistory.model_fields))
    rules: Mapping[int, Rule | None] = {year: rule_of(session, year) for year in set(frame["fiscal_year"])}
    labels = []
    for row in rows:
        rule = rules[row.fiscal_year]
        labels.append(grade(row.total, data_dir=data_dir) if rule is None else
                      rule.rate(row.total, _number(row.iit), _number(row.eit), _number(row.oit)).label_th)
    frame["label"] = pd.Series(labels, index=frame.index, dtype=object)
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
    """Read the year's rule, the items, the entered survey scores and the history; compute the
    projection. :class:`NoFramework` when the year has no framework."""
    rule = require_rule(session, fiscal_year)
    items = queries.oit_items(session, station_id, fiscal_year)
    scores = item_scores(items, settings)
    shares = item_weights(items, settings)
    entered = score_input(session, station_id, fiscal_year)
    projection = project(entered.iit if entered else None, entered.eit if entered else None,
                         oit_score(scores, shares), rule)
    table = what_if(items, scores, shares, projection)
    return ScoreView(projection, by_sub_indicator(items, scores), table,
                     items_to_pass(table, projection), entered,
                     history(session, station_id, data_dir=settings.data_dir))


def figure(past: pd.DataFrame, fiscal_year: int, projection: Projection) -> go.Figure:
    """Past real totals (bars, with their labels) and this year's projection (hatched) against the
    year's pass mark."""
    fig = go.Figure()
    if len(past):
        fig.add_bar(x=[str(y) for y in past["fiscal_year"]], y=list(past["total"]), name="ผลจริง",
                    text=[f"{t:.2f} ({g})" for t, g in zip(past["total"], past["label"], strict=True)],
                    marker={"color": "#4575b4"})
    if projection.total is not None:
        fig.add_bar(x=[f"{fiscal_year} (คาดการณ์)"], y=[projection.total], name="คาดการณ์",
                    text=[f"{projection.total:.2f} ({projection.label_th})"],
                    marker={"color": "#fdae61", "pattern": {"shape": "/"}})
    fig.add_hline(y=projection.pass_mark, line={"dash": "dash", "color": "#d73027"},
                  annotation_text=f"เกณฑ์ผ่าน {projection.pass_mark:g} คะแนน")
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis={"range": [0, 100]},
                      yaxis_title="คะแนน ITA", legend={"orientation": "h"}, title="ผลคะแนน ITA รายปี")
    return fig


def describe_bands(rule: Rule) -> str:
    """The year's bands in Thai, highest first: ``ผ่านดี 85 ขึ้นไป (ทุกเครื่องมือ ≥ 85)``."""
    parts = []
    for band in sorted(rule.bands, key=lambda b: b.min_total, reverse=True):
        floor = "" if band.min_each_tool is None else f" (ทุกเครื่องมือ ≥ {band.min_each_tool:g})"
        parts.append(f"{band.label_th} {band.min_total:g} ขึ้นไป{floor}" if band.min_total > 0 else
                     f"{band.label_th} ต่ำกว่านั้น")
    return ", ".join(parts)


def describe_rule(rule: Rule, settings: Settings) -> str:
    """The year's weights, bands and pass mark and the projection's OIT rule, in Thai, for the page
    (never presented as official NACC values)."""
    weights = rule.weights
    scoring = "ทุกข้อมีน้ำหนักเท่ากัน" if settings.oit_scoring == "item" else "ทุกตัวชี้วัดย่อยมีน้ำหนักเท่ากัน"
    credit = "นับองค์ประกอบที่ทำแล้วเป็นคะแนนบางส่วน" if settings.oit_component_credit else \
        "ข้อที่ยังไม่เสร็จพร้อมลิงก์ได้ 0"
    return (f"น้ำหนัก IIT {weights.iit:.0%} · EIT {weights.eit:.0%} · OIT {weights.oit:.0%} · "
            f"ระดับผล: {describe_bands(rule)} · เกณฑ์ผ่าน {rule.pass_mark:g} คะแนน · "
            f"คะแนน OIT: ข้อที่เสร็จพร้อมลิงก์หลักฐานได้ 100, {credit}, {scoring}")


def as_of_note(as_of: date) -> str:
    """The projection reads the items' current status, not their status at the as-of date."""
    return f"คาดการณ์จากสถานะปัจจุบันของข้อมูล OIT (ไม่ขึ้นกับวันที่ {format_be(as_of)} ที่เลือก)"


def report_lines(projection: Projection, lang: str = "th") -> list[str]:
    """The projection as ``ita score`` prints it: each tool's score, the total, the label, passed or
    not and the gap (Thai, or English with ``lang="en"``)."""
    def shown(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    mark, weights = f"{projection.pass_mark:g}", projection.weights
    split = f"IIT {weights.iit:.0%} · EIT {weights.eit:.0%} · OIT {weights.oit:.0%}"
    english = lang == "en"
    lines = [f"{tool.value}: {shown(value)}" for tool, value in projection.tools.items()]
    if projection.total is None:
        lines.append("total: — (needs both IIT and EIT: enter them on the score page or give --iit and --eit)"
                     if english else "คะแนนรวม: — (ต้องมีทั้ง IIT และ EIT: เลขานุการกรอกในหน้าคาดการณ์คะแนน "
                     "หรือระบุ --iit และ --eit)")
        return lines
    if english:
        lines += [f"total: {shown(projection.total)} ({split})",
                  f"label: {projection.label_en} ({projection.label_th})",
                  f"passed: {'yes' if projection.passed else 'no'} (pass mark {mark})",
                  f"gap: {shown(projection.gap)}"]
        lines += [f"held back: {tool.value} {projection.tools[tool]:.2f} is under the per-tool floor "
                  f"{floor:g}" for tool, floor in held_back(projection).items()]
    else:
        lines += [f"คะแนนรวม: {shown(projection.total)} ({split})", f"ระดับผล: {projection.label_th}",
                  f"ผ่านเกณฑ์ {mark}: {'ผ่าน' if projection.passed else 'ยังไม่ผ่าน'}",
                  f"ขาดอีกถึง {mark}: {shown(projection.gap)}"]
        lines += [f"ยังไม่ถึงเกณฑ์ขั้นต่ำรายเครื่องมือ: {tool.value} {projection.tools[tool]:.2f} ต่ำกว่า {floor:g}"
                  for tool, floor in held_back(projection).items()]
    return lines
