"""Traffic-light rules: pure functions of plan rows and an as-of date.

Per row: done → green; not applicable → grey (left out of rates); past due → red;
due within ``at_risk_days`` and not started, or more than ``behind_points`` behind the linear
progress from start to due → yellow; otherwise green (on track). A row without a single
due date is judged by its next recurring occurrence, or is grey "continuous" if it has none.
OIT items count as done only with an evidence URL: assessors check the link.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from ita_core.models import Status
from ita_core.settings import Settings


class Light(StrEnum):
    """The state a row shows; several share a colour."""

    DONE = "done"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"
    CONTINUOUS = "continuous"


COLOUR = {
    Light.DONE: "green", Light.ON_TRACK: "green", Light.AT_RISK: "yellow",
    Light.OVERDUE: "red", Light.NOT_APPLICABLE: "grey", Light.CONTINUOUS: "grey",
}
# each colour as charts draw it (the timeline's markers, the workload bars)
LIGHT_HEX = {"green": "#1a9850", "yellow": "#f1c40f", "red": "#d73027", "grey": "#9e9e9e"}
LABEL_TH: dict[str, str] = {
    Light.DONE: "เสร็จแล้ว", Light.ON_TRACK: "ตามแผน", Light.AT_RISK: "เสี่ยงล่าช้า",
    Light.OVERDUE: "เลยกำหนด", Light.NOT_APPLICABLE: "ไม่เกี่ยวข้อง", Light.CONTINUOUS: "ต่อเนื่อง",
}
ICON: dict[str, str] = {
    Light.DONE: "✅", Light.ON_TRACK: "🟢", Light.AT_RISK: "🟡", Light.OVERDUE: "🔴",
    Light.NOT_APPLICABLE: "⚪", Light.CONTINUOUS: "🔁",
}
UNRATED = (Light.NOT_APPLICABLE, Light.CONTINUOUS)

# The overall light of a group (indicator, tool, person): icon and Thai words, never colour alone.
# Grey: nothing to rate (every row continuous or not applicable, or no rows at all).
OVERALL_ICON = {"green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪"}
OVERALL_TH = {
    "green": "ตามแผน", "yellow": "มีเรื่องเสี่ยงล่าช้า", "red": "มีเรื่องเลยกำหนด", "grey": "ไม่มีรายการให้ประเมิน",
}
OVERALL_EN = {"green": "on track", "yellow": "at risk", "red": "overdue", "grey": "nothing to rate"}


def overall_badge(overall: str) -> str:
    """Icon and Thai words for a group's overall light, e.g. "⚪ ไม่มีรายการให้ประเมิน"."""
    return f"{OVERALL_ICON[overall]} {OVERALL_TH[overall]}"


def done_of_rated(done: int, rated: int, lang: str = "th") -> str:
    """The count beside a light, in words ("done 6 of 7 rated" or "nothing to rate"): a bare
    "6/7" does not say what is counted, and "0/0" beside a light reads like a result."""
    if not rated:
        return OVERALL_EN["grey"] if lang == "en" else OVERALL_TH["grey"]
    return f"done {done} of {rated} rated" if lang == "en" else f"เสร็จ {done} จาก {rated} รายการที่ประเมิน"


def badge(light: str) -> str:
    """Icon and Thai word for a light, so it also reads in greyscale and on a projector."""
    return f"{ICON[light]} {LABEL_TH[light]}"


def expected_progress(start: date, due: date, as_of: date) -> float:
    """Linear plan: 0 % at ``start``, 100 % at ``due``."""
    if as_of <= start:
        return 0.0
    if as_of >= due or due <= start:
        return 100.0
    return 100.0 * (as_of - start).days / (due - start).days


def row_light(
    *, status: str, progress: int, due: date | None, start: date, as_of: date, settings: Settings,
    evidence_url: str = "", requires_evidence: bool = False,
) -> Light:
    """The light of one row (the scalar twin of :func:`add_lights`, used by tests and forms)."""
    if status == Status.NOT_APPLICABLE:
        return Light.NOT_APPLICABLE
    if status == Status.DONE and (evidence_url or not requires_evidence):
        return Light.DONE
    if due is None:
        return Light.CONTINUOUS
    if due < as_of:
        return Light.OVERDUE
    not_started = status == Status.NOT_STARTED and progress == 0
    if not_started and (due - as_of).days <= settings.at_risk_days:
        return Light.AT_RISK
    if expected_progress(start, due, as_of) - progress > settings.behind_points:
        return Light.AT_RISK
    return Light.ON_TRACK


def add_lights(frame: pd.DataFrame, as_of: date, fiscal_year_start: date, settings: Settings) -> pd.DataFrame:
    """Add a ``light`` column to rows with status, progress, due_date, start_date, evidence_url
    and requires_evidence columns (vectorised; same rules as :func:`row_light`)."""
    out = frame.copy()
    due = pd.to_datetime(out["due_date"])
    start = pd.to_datetime(out["start_date"]).fillna(pd.Timestamp(fiscal_year_start))
    now = pd.Timestamp(as_of)
    span = (due - start).dt.days
    elapsed = (now - start).dt.days.clip(lower=0)
    expected = np.where(span > 0, (elapsed / span.where(span > 0)).clip(upper=1) * 100, 100.0)
    progress = out["progress"].fillna(0)
    done = (out["status"] == Status.DONE) & ((out["evidence_url"] != "") | ~out["requires_evidence"])
    not_started = (out["status"] == Status.NOT_STARTED) & (progress == 0)
    out["light"] = np.select(
        [out["status"] == Status.NOT_APPLICABLE, done, due.isna(), due < now,
         not_started & ((due - now).dt.days <= settings.at_risk_days),
         (expected - progress) > settings.behind_points],
        [Light.NOT_APPLICABLE, Light.DONE, Light.CONTINUOUS, Light.OVERDUE, Light.AT_RISK, Light.AT_RISK],
        default=Light.ON_TRACK,
    )
    return out


@dataclass(frozen=True)
class Rollup:
    """Counts per colour, percent done of the rated rows and the overall light of a group."""

    green: int
    yellow: int
    red: int
    grey: int
    done: int
    percent_done: float
    overall: str  # "red" if anything is overdue, "yellow" if at risk, "grey" if nothing rated, else "green"


def rollup(lights: pd.Series) -> Rollup:
    """Roll a group of row lights up into counts and one light.

    A group with nothing to rate (only continuous or not-applicable rows) is grey, not green:
    green says "on track", which nobody has checked there.
    """
    counts = lights.map(COLOUR).value_counts()
    rated = (~lights.isin(UNRATED)).sum()
    done = int((lights == Light.DONE).sum())
    red, yellow = int(counts.get("red", 0)), int(counts.get("yellow", 0))
    return Rollup(
        green=int(counts.get("green", 0)), yellow=yellow, red=red, grey=int(counts.get("grey", 0)),
        done=done, percent_done=round(100.0 * done / rated, 1) if rated else 0.0,
        overall="red" if red else "yellow" if yellow else "green" if rated else "grey",
    )


def rollup_by(frame: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """:func:`rollup` per group (indicator, tool, person, station …) in one pandas pass.

    No groups (a plan without OIT items has no sub-indicator rows) gives an empty frame with the
    same columns, so callers can join or iterate it like any other.
    """
    groups = frame.groupby(by)["light"]
    if not groups.ngroups:
        return pd.DataFrame(index=groups.size().index, columns=[f.name for f in fields(Rollup)])
    # each group's lights as a plain list, rolled up in Python: a pandas Series per group and
    # per field took a quarter of the overview page's time (issue 18); the frame is the same
    lights = groups.agg(list)
    return pd.DataFrame([_rollup_values(group).__dict__ for group in lights], index=lights.index,
                        columns=[f.name for f in fields(Rollup)], dtype=object)


def _rollup_values(lights: list[Any]) -> Rollup:
    """:func:`rollup` of a plain list of lights."""
    counts = Counter(COLOUR[light] for light in lights if light in COLOUR)
    rated = np.int64(sum(light not in UNRATED for light in lights))  # as pandas counts: a numpy percent
    done = sum(light == Light.DONE for light in lights)
    red, yellow = counts["red"], counts["yellow"]
    return Rollup(
        green=counts["green"], yellow=yellow, red=red, grey=counts["grey"],
        done=done, percent_done=round(100.0 * done / rated, 1) if rated else 0.0,
        overall="red" if red else "yellow" if yellow else "green" if rated else "grey",
    )
