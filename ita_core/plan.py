"""The plan at an as-of date: activities and OIT items as one table of lit rows, and roll-ups.

This is what the overview, workload, timeline and meeting pages all read. It is built from a
fixed number of queries and one pandas pass, so it stays fast for many stations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from ita_core import queries
from ita_core.models import DutyKind, RecurringDuty
from ita_core.recurring import occurrences
from ita_core.settings import Settings
from ita_core.status import Light, add_lights, rollup, rollup_by
from ita_core.thai_dates import fiscal_year_bounds

ROW_COLUMNS = [
    "kind", "id", "ref", "indicator", "sub_indicator", "title", "responsible", "due_date", "due_text",
    "start_date", "next_occurrence", "status", "progress", "evidence_url", "requires_evidence",
    "note", "version", "updated_at", "updated_by", "light",
]


def default_as_of(fiscal_year: int, today: date | None = None) -> date:
    """Today when it lies in the fiscal year, else that year's last day (or first, if ahead)."""
    today = today or date.today()
    start, end = fiscal_year_bounds(fiscal_year)
    return min(max(today, start), end)


def _first_line(text: str, limit: int = 140) -> str:
    line = next((part.strip("- ").strip() for part in text.splitlines() if part.strip("- ").strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def duty_occurrences(duties: list[RecurringDuty], fiscal_year: int) -> pd.DataFrame:
    """Every dated occurrence of the non-daily recurring duties (daily ones would be 365 rows each)."""
    start, end = fiscal_year_bounds(fiscal_year)
    rows = [
        {"kind": "activity" if d.activity_id else "oit_item", "id": d.activity_id or d.oit_item_id,
         "date": day, "text": d.text}
        for d in duties if d.kind != DutyKind.DAILY
        for day in occurrences(d, start, end)
    ]
    return pd.DataFrame(rows, columns=["kind", "id", "date", "text"])


def _next_occurrence(occ: pd.DataFrame, as_of: date) -> pd.Series:
    """Per (kind, id): the first occurrence on or after ``as_of``, else the last one (missed)."""
    if occ.empty:
        return pd.Series(dtype=object)
    upcoming = occ[occ["date"] >= as_of].groupby(["kind", "id"])["date"].min()
    latest = occ.groupby(["kind", "id"])["date"].max()
    return upcoming.combine_first(latest)


def plan_rows(session: Session, station_id: int, fiscal_year: int, as_of: date,
              settings: Settings) -> pd.DataFrame:
    """Activities and OIT items as one table with a ``light`` per row at ``as_of``.

    A row without its own due date is judged by its next recurring occurrence (see
    ``ita_core.status``); ``due_date`` keeps the plan's own date, ``judged_due`` what was used.
    """
    acts = queries.activities(session, station_id, fiscal_year)
    items = queries.oit_items(session, station_id, fiscal_year)
    acts = acts.assign(
        kind="activity", ref=acts["seq"].map(lambda n: f"ก{n}"), sub_indicator=None,
        title=acts["activity"].map(_first_line), requires_evidence=False,
    )
    items = items.assign(
        kind="oit_item", ref=items["code"],
        indicator=items["sub_indicator"].str.split(".").str[0].astype(int),
        title=items["title"], requires_evidence=True,
    )
    rows = pd.concat([acts, items], ignore_index=True)
    occ = duty_occurrences(queries.recurring_duties(session, station_id, fiscal_year), fiscal_year)
    next_occ = _next_occurrence(occ, as_of)
    keys = pd.MultiIndex.from_frame(rows[["kind", "id"]])
    rows["next_occurrence"] = next_occ.reindex(keys).to_numpy() if len(next_occ) else None
    judged = rows.assign(due_date=rows["due_date"].where(rows["due_date"].notna(), rows["next_occurrence"]))
    start, _ = fiscal_year_bounds(fiscal_year)
    rows["light"] = add_lights(judged, as_of, start, settings)["light"]
    rows["judged_due"] = judged["due_date"]
    return rows[[*ROW_COLUMNS, "judged_due"]]


@dataclass(frozen=True)
class Kpis:
    """The four numbers at the top of the overview."""

    done: int
    at_risk: int
    overdue: int
    percent_done: float
    days_to_next_phase: int | None
    next_phase: str


def kpis(rows: pd.DataFrame, phases: pd.DataFrame, as_of: date) -> Kpis:
    """Done / at risk / overdue counts and the days until the next ITA calendar phase starts."""
    summary = rollup(rows["light"])
    upcoming = phases[phases["start"] > as_of].sort_values("start")
    return Kpis(
        done=summary.done, at_risk=summary.yellow, overdue=summary.red, percent_done=summary.percent_done,
        days_to_next_phase=(upcoming.iloc[0]["start"] - as_of).days if len(upcoming) else None,
        next_phase=upcoming.iloc[0]["name"] if len(upcoming) else "",
    )


def indicator_lights(rows: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator 1–10 (also those with no rows): tool, name, counts, light."""
    rolled = rollup_by(rows, "indicator")
    table = indicators.set_index("number").join(rolled, how="left")
    for column in ("green", "yellow", "red", "grey", "done"):
        table[column] = table[column].fillna(0).astype(int)
    table["percent_done"] = table["percent_done"].fillna(0.0).astype(float)
    table["overall"] = table["overall"].fillna("grey")
    table["total"] = table[["green", "yellow", "red", "grey"]].sum(axis=1)
    return table.reset_index().rename(columns={"index": "number"})


def sub_indicator_lights(rows: pd.DataFrame) -> pd.DataFrame:
    """Roll-up per OIT sub-indicator (9.1–9.5, 10.1, 10.2)."""
    oit = rows[rows["kind"] == "oit_item"]
    return rollup_by(oit, "sub_indicator").reset_index()


def tool_lights(rows: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Roll-up per ITA tool (IIT, EIT, OIT)."""
    tools = rows["indicator"].map(indicators.set_index("number")["tool"])
    return rollup_by(rows.assign(tool=tools), "tool").reset_index()


def is_open(lights: pd.Series) -> pd.Series:
    """Rows that still need work (not done, not n/a)."""
    return ~lights.isin([Light.DONE, Light.NOT_APPLICABLE])
