"""Timeline: ITA calendar phases, due dates and recurring occurrences on one BE-labelled chart.

The figure is plain Plotly (no Streamlit), so the page only displays it. Axis ticks are
built from dates and labelled in Thai BE (ต.ค. 66 …), never Plotly's CE years.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go

from ita_core.labels import PHASE_KIND_TH
from ita_core.status import COLOUR
from ita_core.thai_dates import fiscal_year_bounds, format_be, format_be_month

PHASE_TH = PHASE_KIND_TH  # the phase kinds' Thai words live with the other labels
LIGHT_HEX = {"green": "#1a9850", "yellow": "#f1c40f", "red": "#d73027", "grey": "#9e9e9e"}


def month_ticks(fiscal_year: int) -> tuple[list[date], list[str]]:
    """First day of each month of the fiscal year, labelled in BE."""
    start, _ = fiscal_year_bounds(fiscal_year)
    days = [date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1)
            for i in range(12)]
    return days, [format_be_month(d.year, d.month) for d in days]


def events(rows: pd.DataFrame, phases: pd.DataFrame, occurrences: pd.DataFrame) -> pd.DataFrame:
    """One line per thing that happens on a date: phase spans, due dates, duty occurrences."""
    phase_events = pd.DataFrame({
        "lane": "ปฏิทิน ITA", "start": phases["start"], "end": phases["end"],
        "label": phases["kind"].map(PHASE_TH).fillna(phases["name"]), "detail": phases["name"],
        "colour": "blue", "type": "phase",
    })
    dated = rows[rows["due_date"].notna()]
    due_events = pd.DataFrame({
        "lane": dated["kind"].map({"activity": "กำหนดเสร็จ มาตรการ", "oit_item": "กำหนดเสร็จ OIT"}),
        "start": dated["due_date"], "end": dated["due_date"], "label": dated["ref"],
        "detail": dated["title"], "colour": dated["light"].map(COLOUR),
        "type": "due",
    })
    refs = rows.set_index(["kind", "id"])["ref"]
    occ = occurrences.join(refs, on=["kind", "id"])
    occ_events = pd.DataFrame({
        "lane": "งานรายงานประจำ", "start": occ["date"], "end": occ["date"], "label": occ["ref"],
        "detail": occ["text"], "colour": "grey", "type": "occurrence",
    })
    return pd.concat([phase_events, due_events, occ_events], ignore_index=True).sort_values(
        ["start", "lane", "label"], ignore_index=True)


def _plain(text: Any) -> str:
    """Stored text for a Plotly label: its HTML subset (links, bold) and ``%{…}`` escaped, so a
    title is shown as typed and cannot draw a link in the chart."""
    return html.escape(str(text)).replace("%{", "%&#123;")


def figure(timeline: pd.DataFrame, fiscal_year: int, as_of: date) -> go.Figure:
    """Phases as bars, due dates and occurrences as markers, a line at the as-of date."""
    fig = go.Figure()
    phases = timeline[timeline["type"] == "phase"]
    phase_rows: Iterable[Any] = phases.itertuples()  # pandas types a row's fields as any scalar
    for row in phase_rows:
        fig.add_trace(go.Scatter(
            x=[row.start, row.end], y=[row.label, row.label], mode="lines",
            line={"width": 14, "color": "#4575b4"},
            name=row.label, showlegend=False,
            hovertemplate=f"{_plain(row.detail)}<br>{format_be(row.start)} – {format_be(row.end)}"
                          "<extra></extra>",
        ))
    points = timeline[timeline["type"] != "phase"]
    for colour, group in points.groupby("colour"):
        fig.add_trace(go.Scatter(
            x=group["start"], y=group["lane"], mode="markers", name=colour,
            marker={"size": 11, "color": LIGHT_HEX.get(cast(str, colour), "#9e9e9e"),
                    "line": {"width": 1, "color": "#333"}},
            text=(group["label"] + " " + group["detail"].str.slice(0, 60)).map(_plain),
            customdata=group["start"].map(format_be), showlegend=False,
            hovertemplate="%{text}<br>%{customdata}<extra></extra>",
        ))
    ticks, labels = month_ticks(fiscal_year)
    start, end = fiscal_year_bounds(fiscal_year)
    fig.add_vline(x=as_of, line={"color": "#d73027", "dash": "dash", "width": 2})
    fig.add_annotation(x=as_of, y=1.04, yref="paper", showarrow=False, text=f"ณ {format_be(as_of)}",
                       font={"color": "#d73027"})
    fig.update_xaxes(tickvals=ticks, ticktext=labels, range=[start, end], showgrid=True)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_layout(height=max(380, 32 * (len(phases) + 4)), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      font={"family": "Sarabun, TH Sarabun New, Noto Sans Thai, sans-serif", "size": 14})
    return fig


def month_list(timeline: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Events grouped by BE month for the phone calendar list: [(label, rows), …]."""
    points = timeline.assign(month=pd.to_datetime(timeline["start"]).dt.to_period("M"))
    months = cast("Iterable[tuple[pd.Period, pd.DataFrame]]", points.groupby("month", sort=True))
    return [(format_be_month(period.year, period.month), group.drop(columns="month"))
            for period, group in months]

