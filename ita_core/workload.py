"""Owner workload: who carries how many open, overdue and soon-due rows, by role.

Groups (หัวหน้างานทุกสายงาน, สิบเวรทุกนาย …) are listed as groups, never counted as one officer.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
import plotly.graph_objects as go

from ita_core.plan import is_open
from ita_core.status import LIGHT_HEX, Light


def assigned_rows(assignments: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Assignments joined with the lit plan rows: one line per (person, role, row). Assignments to
    a survey quota (collectors) hold no plan row and are left out."""
    assignments = assignments.dropna(subset=["activity_id", "oit_item_id"], how="all")
    target = assignments.assign(
        kind=assignments["activity_id"].notna().map({True: "activity", False: "oit_item"}),
        id=assignments["activity_id"].fillna(assignments["oit_item_id"]).astype(int),
    )
    return target.drop(columns=["activity_id", "oit_item_id"]).merge(rows, on=["kind", "id"], how="inner")


def rows_of(assignments: pd.DataFrame, rows: pd.DataFrame, person_id: int) -> pd.DataFrame:
    """The plan rows one person, position or group holds (each row once, whatever the roles)."""
    mine = assigned_rows(assignments[assignments["person_id"] == person_id], rows)
    return mine.drop_duplicates(["kind", "id"])[rows.columns]


def workload(assignments: pd.DataFrame, rows: pd.DataFrame, as_of: date, overload: int,
             horizon_days: int = 30) -> pd.DataFrame:
    """Per person or group: open, overdue and due-soon rows (a row counts once per person),
    open rows per role, and whether the open count is above ``overload``. Sorted by load.

    Counted with ``numpy.bincount`` over each line's person rather than pandas groupbys and
    merges: a station has some 200 assignments, where each pandas step costs more than its work
    (issue 18). Only the four columns it counts with are joined."""
    joined = assigned_rows(assignments, rows[["kind", "id", "light", "judged_due"]])
    light = joined["light"]
    still_open, overdue = is_open(light).to_numpy(), (light == Light.OVERDUE).to_numpy()
    soon = pd.to_datetime(joined["judged_due"]).between(
        pd.Timestamp(as_of), pd.Timestamp(as_of + timedelta(days=horizon_days))).to_numpy()
    person, people = pd.factorize(joined["person_id"], sort=True)  # each line's person, 0 … n-1
    once = ~joined.duplicated(["person_id", "kind", "id"]).to_numpy()  # a row counts once per person
    first = np.unique(person, return_index=True)[1]  # each person's first line: name and kind

    def count(lines: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        return np.bincount(person[lines], minlength=len(people)).astype(np.int64)

    table = pd.DataFrame({
        "person_id": people.astype(np.int64),
        "name": joined["name"].iloc[first].reset_index(drop=True),
        "person_kind": joined["person_kind"].iloc[first].reset_index(drop=True),
        "open": count(once & still_open), "overdue": count(once & overdue),
        "due_soon": count(once & still_open & soon & ~overdue), "total": count(once),
    })
    role = joined["role"].to_numpy()
    for held in sorted(set(role[still_open])):  # open rows per role: a row held in two roles counts in both
        table[held] = count(still_open & (role == held))
    table["overloaded"] = (table["person_kind"] != "group") & (table["open"] > overload)
    return table.sort_values(["open", "overdue", "name"], ascending=[False, False, True],
                             ignore_index=True)


CHART_ROWS = 20  # the chart shows the most loaded; the table under it lists everyone
BARS = {"overdue": ("เลยกำหนด", LIGHT_HEX["red"]), "due_soon": ("ครบกำหนดใน 30 วัน", LIGHT_HEX["yellow"])}


def chart(table: pd.DataFrame) -> go.Figure:
    """Overdue and due-soon rows of the ``CHART_ROWS`` most loaded as stacked horizontal bars, the
    most loaded on top, ⚠️ after an overloaded name. Names are escaped for Plotly's HTML subset, so
    a name is drawn as typed (no bold, no link on the axis).

    The figure plotly.express drew, built from plain dicts in one ``go.Figure`` call: express
    took a fifth of the page's cold run (issue 18)."""
    top = table.head(CHART_ROWS)
    labels = (top["name"].map(html.escape) + top["overloaded"].map({True: " ⚠️", False: ""})).to_numpy()
    bars = [{"type": "bar", "orientation": "h", "x": top[column].to_numpy(), "y": labels, "name": name,
             "legendgroup": column, "marker": {"color": colour}, "showlegend": True,
             "hovertemplate": "=%{y}<br>จำนวนรายการ=%{x}<extra></extra>"}
            for column, (name, colour) in BARS.items()]
    return go.Figure(data=bars, layout={
        "barmode": "relative", "height": max(320, 28 * len(top)),
        "xaxis": {"title": {"text": "จำนวนรายการ"}},
        "yaxis": {"title": {"text": ""}, "autorange": "reversed"},
        "legend": {"title": {"text": ""}, "tracegroupgap": 0, "orientation": "h"},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
    })
