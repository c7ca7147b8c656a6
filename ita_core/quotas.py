"""EIT/IIT respondent quotas: minimums per department and for the station, collected counts by
date, progress against the collection window of the ITA calendar and the pace still needed.

Rules (the same spirit as the row lights in ``ita_core.status``):
- the window is the phase of kind ``eit_collection`` / ``iit_collection`` (both ends counted);
- the linear plan at an as-of date is ``minimum × days elapsed before that day / window days``;
- counts recorded on or before the as-of date are collected; later ones are ignored;
- done (✅) when collected ≥ minimum; overdue (🔴) when the window is over and it is short;
  at risk (🟡) when behind the linear plan; otherwise on track (🟢);
- pace needed = what is missing / days left from the as-of day to the window's end (both counted);
- the station-total row counts every respondent of the tool: all departments plus those
  recorded on the total row itself (respondents not tied to one department).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session, col, select

from ita_core import queries
from ita_core.models import SurveyCount, SurveyQuota
from ita_core.status import Light
from ita_core.thai_dates import format_be, format_be_month

STATION_TOTAL = "รวมทั้งสถานี"  # the department name of the station-wide minimum in survey_quotas.csv
CONFLICT_MARK = "ข้อมูลขัดแย้ง"  # notes of the seed that record numbers disagreeing with each other
ASSUMED_MARK = "สันนิษฐาน"  # notes of a minimum the plan does not state (a placeholder to replace)
PROGRESS_COLUMNS = ["id", "tool", "department", "is_total", "minimum", "collected", "percent", "expected",
                    "remaining", "days_left", "per_day", "light", "note", "conflict", "assumed",
                    "window_start", "window_end"]


@dataclass(frozen=True)
class Pace:
    """Where one quota stands at an as-of date."""

    expected: float  # respondents the linear plan asks for by the start of the as-of day
    remaining: int  # respondents still missing
    days_left: int  # days from the as-of day to the window's end, both counted (0 once over)
    per_day: float | None  # respondents needed per remaining day (None once the window is over)
    light: Light


def pace(minimum: int, collected: int, start: date, end: date, as_of: date) -> Pace:
    """Linear pace of one quota over its collection window (see the module rules)."""
    window_days = (end - start).days + 1
    elapsed = min(max((as_of - start).days, 0), window_days)
    days_left = window_days - elapsed
    expected = minimum * elapsed / window_days
    remaining = max(minimum - collected, 0)
    if collected >= minimum:
        light = Light.DONE
    elif as_of > end:
        light = Light.OVERDUE
    elif collected < expected:
        light = Light.AT_RISK
    else:
        light = Light.ON_TRACK
    return Pace(expected=expected, remaining=remaining, days_left=days_left,
                per_day=remaining / days_left if days_left else None, light=light)


def collection_window(phases: pd.DataFrame, tool: str) -> tuple[date, date] | None:
    """Start and end of the tool's collection phase in the ITA calendar, if the plan has one."""
    rows = phases[phases["kind"] == f"{tool.lower()}_collection"]
    if rows.empty:
        return None
    return rows["start"].min(), rows["end"].max()


def quota_rows(session: Session, station_id: int, fiscal_year: int) -> list[SurveyQuota]:
    """The stored minimums of a station's year, in seed order."""
    return list(session.exec(select(SurveyQuota).where(SurveyQuota.station_id == station_id,
                                                       SurveyQuota.fiscal_year == fiscal_year)
                             .order_by(col(SurveyQuota.id))))


def counts(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """Every recorded count with its quota's tool and department, by date (one query)."""
    rows = session.exec(
        select(SurveyCount, SurveyQuota.tool, SurveyQuota.department)
        .join(SurveyQuota, col(SurveyQuota.id) == SurveyCount.quota_id)
        .where(SurveyCount.station_id == station_id, SurveyCount.fiscal_year == fiscal_year)
        .order_by(col(SurveyCount.day), col(SurveyCount.quota_id))
    ).all()
    return pd.DataFrame(
        [{"id": c.id, "quota_id": c.quota_id, "tool": tool, "department": department, "day": c.day,
          "collected": c.collected, "note": c.note, "version": c.version, "updated_by": c.updated_by}
         for c, tool, department in rows],
        columns=["id", "quota_id", "tool", "department", "day", "collected", "note", "version", "updated_by"])


def progress(quotas: list[SurveyQuota], recorded: pd.DataFrame, phases: pd.DataFrame,
             as_of: date) -> pd.DataFrame:
    """One row per quota: minimum, collected by ``as_of``, percent, linear expectation, pace, light."""
    upto = recorded[recorded["day"] <= as_of]
    by_quota = upto.groupby("quota_id")["collected"].sum()
    by_tool = upto.groupby("tool")["collected"].sum()
    rows = []
    for quota in quotas:
        is_total = quota.department == STATION_TOTAL
        collected = int(by_tool.get(quota.tool, 0) if is_total else by_quota.get(quota.id, 0))
        window = collection_window(phases, quota.tool)
        state = pace(quota.min_respondents, collected, *window, as_of) if window else None
        minimum = quota.min_respondents
        rows.append({
            "id": quota.id, "tool": quota.tool, "department": quota.department, "is_total": is_total,
            "minimum": minimum, "collected": collected,
            "percent": round(100.0 * collected / minimum, 1) if minimum else 100.0,
            "expected": state.expected if state else None, "remaining": max(minimum - collected, 0),
            "days_left": state.days_left if state else None, "per_day": state.per_day if state else None,
            "light": (state.light if state else Light.CONTINUOUS).value, "note": quota.note,
            "conflict": CONFLICT_MARK in quota.note, "assumed": quota.note.startswith(ASSUMED_MARK),
            "window_start": window[0] if window else None, "window_end": window[1] if window else None,
        })
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def load(session: Session, station_id: int, fiscal_year: int,
         as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(progress per quota, recorded counts) of a station's year at ``as_of``."""
    recorded = counts(session, station_id, fiscal_year)
    phases = queries.phases(session, station_id, fiscal_year)
    return progress(quota_rows(session, station_id, fiscal_year), recorded, phases, as_of), recorded


def department_gap(table: pd.DataFrame, tool: str) -> tuple[int, int] | None:
    """(sum of the department minimums, station-total minimum) of a tool, when it has both."""
    rows = table[table["tool"] == tool]
    total = rows[rows["is_total"]]
    departments = rows[~rows["is_total"]]
    if total.empty or departments.empty:
        return None
    return int(departments["minimum"].sum()), int(total["minimum"].iloc[0])


def per_day_text(per_day: float | None) -> str:
    """Thai pace text; rounded up to one decimal so the pace shown is never too low."""
    if per_day is None:
        return "หมดช่วงเก็บข้อมูลแล้ว"
    return f"{math.ceil(round(per_day * 10, 6)) / 10:.1f} คน/วัน"


def figure(recorded: pd.DataFrame, row: pd.Series, as_of: date) -> go.Figure:
    """Cumulative respondents of one quota row against its linear plan, on a BE month axis."""
    start, end = row["window_start"], row["window_end"]
    mine = recorded[recorded["tool"] == row["tool"]] if row["is_total"] else \
        recorded[recorded["quota_id"] == row["id"]]
    daily = mine.groupby("day")["collected"].sum().sort_index().cumsum()
    fig = go.Figure()
    fig.add_scatter(x=[start, end], y=[0, row["minimum"]], mode="lines", name="แผนเส้นตรง",
                    line={"dash": "dash", "color": "#636363"})
    fig.add_scatter(x=list(daily.index), y=list(daily.values), mode="lines+markers", name="เก็บได้สะสม",
                    line={"color": "#2166ac", "shape": "hv"})
    fig.add_vline(x=as_of, line={"dash": "dot", "color": "#d73027"})
    ticks = pd.date_range(start.replace(day=1), end, freq="MS").date
    fig.update_xaxes(tickvals=list(ticks), ticktext=[format_be_month(d.year, d.month) for d in ticks])
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      title=f"{row['tool']} {row['department']} ณ {format_be(as_of)}",
                      legend={"orientation": "h"}, yaxis_title="คน")
    return fig
