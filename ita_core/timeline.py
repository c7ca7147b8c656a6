"""Timeline: ITA calendar phases, due dates and recurring occurrences on one BE-labelled chart.

The figure is plain Plotly (no Streamlit), so the page only displays it. Axis ticks are
built from dates and labelled in Thai BE (ต.ค. 66 …), never Plotly's CE years.
"""

from __future__ import annotations

import html
import itertools
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ita_core.labels import PHASE_KIND_TH
from ita_core.status import COLOUR, LIGHT_HEX
from ita_core.thai_dates import fiscal_year_bounds, format_be, format_be_month

PHASE_TH = PHASE_KIND_TH  # the phase kinds' Thai words live with the other labels


def month_ticks(fiscal_year: int) -> tuple[list[date], list[str]]:
    """First day of each month of the fiscal year, labelled in BE."""
    start, _ = fiscal_year_bounds(fiscal_year)
    days = [date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1)
            for i in range(12)]
    return days, [format_be_month(d.year, d.month) for d in days]


DUE_LANE = {"activity": "กำหนดเสร็จ มาตรการ", "oit_item": "กำหนดเสร็จ OIT"}


def events(rows: pd.DataFrame, phases: pd.DataFrame, occurrences: pd.DataFrame) -> pd.DataFrame:
    """One line per thing that happens on a date: phase spans, due dates, duty occurrences.

    The columns are built as lists and made into one frame (not three frames concatenated, nor an
    index join for the occurrences' codes): half the time on a page's cold run (issue 18)."""
    dated = rows[rows["due_date"].notna()]
    refs = dict(zip(zip(rows["kind"], rows["id"], strict=True), rows["ref"], strict=True))
    occ_refs = (refs.get(key) for key in zip(occurrences["kind"], occurrences["id"], strict=True))
    n_phase, n_due, n_occ = len(phases), len(dated), len(occurrences)
    return pd.DataFrame({
        "lane": _text(["ปฏิทิน ITA"] * n_phase + dated["kind"].map(DUE_LANE).tolist()
                      + ["งานรายงานประจำ"] * n_occ),
        "start": _dates([*phases["start"], *dated["due_date"], *occurrences["date"]]),
        "end": _dates([*phases["end"], *dated["due_date"], *occurrences["date"]]),
        "label": _text([*phases["kind"].map(PHASE_TH).fillna(phases["name"]), *dated["ref"], *occ_refs]),
        "detail": _text([*phases["name"], *dated["title"], *occurrences["text"]]),
        "colour": _text(["blue"] * n_phase + dated["light"].map(COLOUR).tolist() + ["grey"] * n_occ),
        "type": _text(["phase"] * n_phase + ["due"] * n_due + ["occurrence"] * n_occ),
    }).sort_values(["start", "lane", "label"], ignore_index=True)


def _text(values: list[Any]) -> pd.Series:
    """A text column (pandas' string type even when empty; a missing value stays missing)."""
    return pd.Series(values, dtype="str")


def _dates(values: list[Any]) -> pd.Series:
    """A column of dates as Python ``date`` objects, as the plan's frames hold them."""
    return pd.Series(values, dtype=object)


def _plain(text: Any) -> str:
    """Stored text for a Plotly label: its HTML subset (links, bold) and ``%{…}`` escaped, so a
    title is shown as typed and cannot draw a link in the chart."""
    return html.escape(str(text)).replace("%{", "%&#123;")


def figure(timeline: pd.DataFrame, fiscal_year: int, as_of: date) -> go.Figure:
    """Phases as bars, due dates and occurrences as markers, a line at the as-of date.

    Built in one ``go.Figure`` call from plain dicts: Plotly validates every property of every
    trace, so the phases are one line trace broken by gaps (not a trace each) and the markers one
    trace per light (a colour array would be validated point by point). This took a fifth of the
    page's cold run (issue 18); what the chart shows is unchanged."""
    phases = timeline[timeline["type"] == "phase"]
    traces: list[dict[str, Any]] = [_phase_trace(phases)]
    points = timeline[timeline["type"] != "phase"]
    for colour, group in points.groupby("colour"):
        traces.append({
            "type": "scatter", "x": group["start"], "y": group["lane"], "mode": "markers", "name": colour,
            "marker": {"size": 11, "color": LIGHT_HEX.get(cast(str, colour), "#9e9e9e"),
                       "line": {"width": 1, "color": "#333"}},
            "text": (group["label"] + " " + group["detail"].str.slice(0, 60)).map(_plain),
            "customdata": group["start"].map(format_be), "showlegend": False,
            "hovertemplate": "%{text}<br>%{customdata}<extra></extra>",
        })
    ticks, labels = month_ticks(fiscal_year)
    start, end = fiscal_year_bounds(fiscal_year)
    return go.Figure(data=traces, layout={
        "shapes": [{"type": "line", "x0": as_of, "x1": as_of, "xref": "x", "y0": 0, "y1": 1,
                    "yref": "y domain", "line": {"color": "#d73027", "dash": "dash", "width": 2}}],
        "annotations": [{"x": as_of, "y": 1.04, "yref": "paper", "showarrow": False,
                         "text": f"ณ {format_be(as_of)}", "font": {"color": "#d73027"}}],
        "xaxis": {"tickvals": ticks, "ticktext": labels, "range": [start, end], "showgrid": True},
        "yaxis": {"autorange": "reversed"},
        "height": max(380, 32 * (len(phases) + 4)), "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "font": {"family": "Sarabun, TH Sarabun New, Noto Sans Thai, sans-serif", "size": 14},
    })


def _phase_trace(phases: pd.DataFrame) -> dict[str, Any]:
    """The calendar's phases as one thick line trace, a ``None`` gap between phases; each end of
    a phase carries its hover text (name and BE dates)."""
    xs: list[Any] = []
    ys: list[Any] = []
    texts: list[str | None] = []
    for start, end, label, detail in zip(phases["start"], phases["end"], phases["label"], phases["detail"],
                                         strict=True):
        hover = f"{_plain(detail)}<br>{format_be(start)} – {format_be(end)}"
        xs += [start, end, None]
        ys += [label, label, None]
        texts += [hover, hover, None]
    return {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "line": {"width": 14, "color": "#4575b4"},
            "name": "ปฏิทิน ITA", "showlegend": False, "text": texts, "hovertemplate": "%{text}<extra></extra>"}


def month_list(timeline: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Events grouped by BE month for the phone calendar list: [(label, rows), …], months in order
    and each month's rows in the timeline's order. Months are slices of the timeline put in month
    order (already so when it comes from :func:`events`), cheaper than a groupby's copies."""
    start = pd.to_datetime(timeline["start"])
    dated = start.notna().to_numpy()
    months = (start.dt.year * 12 + start.dt.month - 1).to_numpy()[dated].astype(int)
    order = np.argsort(months, kind="stable")
    months, frame = months[order], timeline[dated].iloc[order]
    bounds = [0, *(np.flatnonzero(np.diff(months)) + 1).tolist(), len(months)]
    return [(format_be_month(int(months[a]) // 12, int(months[a]) % 12 + 1), frame.iloc[a:b])
            for a, b in itertools.pairwise(bounds) if b > a]
