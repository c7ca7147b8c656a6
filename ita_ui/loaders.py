"""Cached reads the pages show, keyed on a data version so that every write is seen at once.

Reads are cached per (database, station(s), year, as-of, data version): every write bumps a
row version, so the next rerun reads fresh data (and :func:`ita_ui.writes.write` clears them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st
from sqlmodel import Session

from ita_core import links, oit_matrix, plan, province, queries
from ita_core.exports import COLUMNS
from ita_core.settings import get_settings
from ita_core.status import OVERALL_TH, overall_badge
from ita_ui.context import Context, Region
from ita_ui.engine import cached_engine, reading


@dataclass(frozen=True)
class PlanView:
    """Everything the dashboard pages read for one station, year and as-of date."""

    rows: pd.DataFrame
    indicators: pd.DataFrame
    phases: pd.DataFrame
    assignments: pd.DataFrame
    occurrences: pd.DataFrame
    components: pd.DataFrame
    kpis: plan.Kpis


@st.cache_data(show_spinner="กำลังโหลดแผน…", max_entries=32)
def _plan_view(url: str, station_id: int, fiscal_year: int, as_of: date, version: tuple) -> PlanView:
    """Read once per database, station, year, as-of date and data ``version`` (the cache key)."""
    settings = get_settings()
    with Session(cached_engine(url)) as session:
        rows = plan.plan_rows(session, station_id, fiscal_year, as_of, settings)
        phases = queries.phases(session, station_id, fiscal_year)
        return PlanView(
            rows=rows,
            indicators=plan.indicator_lights(rows, queries.indicators(session, fiscal_year)),
            phases=phases,
            assignments=queries.assignments(session, station_id, fiscal_year),
            occurrences=plan.duty_occurrences(queries.recurring_duties(session, station_id, fiscal_year),
                                              fiscal_year),
            components=queries.components(session, station_id, fiscal_year),
            kpis=plan.kpis(rows, phases, as_of),
        )


def plan_view(context: Context) -> PlanView:
    """The cached plan view; the data version makes any write visible on the next rerun."""
    url = get_settings().database_url
    with Session(cached_engine(url)) as session:
        version = queries.data_version(session, [context.station_id], context.fiscal_year)
    return _plan_view(url, context.station_id, context.fiscal_year, context.as_of, version)


@dataclass(frozen=True)
class OitMatrixView:
    """What the OIT matrix page reads for one station, year and as-of date (not the sub-indicator
    names: they belong to the year's framework, which the cache key does not cover)."""

    cells: pd.DataFrame  # oit_matrix.cells with the ``broken`` marks of the latest link checks
    components: pd.DataFrame
    assignments: pd.DataFrame
    export: pd.DataFrame  # the matrix as the CSV and Excel downloads carry it
    columns: list[tuple[str, str]]


@st.cache_data(show_spinner="กำลังโหลดตารางเผยแพร่…", max_entries=32)
def _oit_matrix_view(url: str, station_id: int, fiscal_year: int, as_of: date,
                     version: tuple) -> OitMatrixView:
    """Read once per database, station, year, as-of date and ``oit_matrix.data_version``."""
    with Session(cached_engine(url)) as session:
        cells = oit_matrix.cells(session, station_id, fiscal_year, as_of)
        export, columns = oit_matrix.export_frame(cells, fiscal_year)
        return OitMatrixView(
            cells=links.mark_broken(cells, links.broken_urls(session, station_id)),
            components=queries.components(session, station_id, fiscal_year),
            assignments=queries.assignments(session, station_id, fiscal_year),
            export=export, columns=columns,
        )


def oit_matrix_view(context: Context) -> OitMatrixView:
    """The OIT matrix page's cached reads; a tick, a link check or a plan-row write (here or from
    the command line) moves the key, so the next rerun reads fresh."""
    url = get_settings().database_url
    with Session(cached_engine(url)) as session:
        version = oit_matrix.data_version(session, context.station_id, context.fiscal_year)
    return _oit_matrix_view(url, context.station_id, context.fiscal_year, context.as_of, version)


@st.cache_data(show_spinner="กำลังเทียบกับปีก่อน…", max_entries=32)
def _year_comparison(url: str, station_id: int, fiscal_year: int, as_of: date,
                     version: tuple) -> pd.DataFrame | None:
    """Read once per database, station, year, as-of date and the two years' data ``version``."""
    with Session(cached_engine(url)) as session:
        return plan.year_comparison(session, station_id, fiscal_year, as_of, get_settings())


def year_comparison(context: Context) -> pd.DataFrame | None:
    """The overview's this-year-against-last table (``plan.year_comparison``), cached: it lights
    both years' rows three times over, about half a second a run once a station has a year before."""
    url = get_settings().database_url
    with Session(cached_engine(url)) as session:
        version = (queries.data_version(session, [context.station_id], context.fiscal_year),
                   queries.data_version(session, [context.station_id], context.fiscal_year - 1))
    return _year_comparison(url, context.station_id, context.fiscal_year, context.as_of, version)


# the province table's columns, in the order shown
SHOWN = ["light", "code", "name", "province", "percent_done", "overdue", "at_risk", "oit_share"]


@dataclass(frozen=True)
class ProvinceView:
    """The province page's roll-up (``province.station_table``, one line per station in code
    order), ready to draw. One object serves every session that asks for
    the same stations, year, date and data (``st.cache_resource``: not copied per run), so nothing
    may change it after it is built; pages read it only."""

    stations: int
    shown: pa.Table  # the columns of SHOWN, the light as icon and words
    export: pd.DataFrame  # the downloads' columns, the light in words
    heat: go.Figure  # the worst stations × indicators (province.heatmap)
    heat_rows: int
    labels: dict[int | None, str]  # the drill-down's options: station names, None a prompt
    stations_overdue: int
    mean_done: float
    mean_oit: float


@st.cache_resource(show_spinner="กำลังรวมผลทุกสถานี…", max_entries=16)
def _province_view(url: str, ids: str, fiscal_year: int, as_of: date, version: int | None) -> ProvinceView:
    """Built once per key and shared: a warm rerun of a national page would otherwise turn 1,500
    lines into Arrow, light them and lay out the heat map on every click (about 15 ms of its 40)."""
    with Session(cached_engine(url)) as session:
        table, grid = province.station_table(session, [int(i) for i in ids.split(",")], fiscal_year, as_of,
                                             get_settings())
    heat = province.heatmap(table, grid)
    return ProvinceView(
        stations=len(table),
        shown=pa.Table.from_pandas(table.assign(light=table["overall"].map(overall_badge))[SHOWN],
                                   preserve_index=False),
        export=table.assign(overall=table["overall"].map(OVERALL_TH))[[k for k, _ in COLUMNS["stations"]]],
        heat=heat, heat_rows=len(heat.data[0].y),
        labels={None: "— เลือกสถานี —", **dict(zip(table["station_id"].tolist(), table["name"], strict=True))},
        stations_overdue=int((table["overdue"] > 0).sum()),
        mean_done=float(table["percent_done"].mean()), mean_oit=float(table["oit_share"].mean()),
    )


def province_view(region: Region) -> ProvinceView:
    """The province page's roll-up (``province.station_table``), cached on the stations' newest
    audit row (``province.last_change``: one index probe per station, where summing every row's
    version would read them all on each rerun of a national page)."""
    version = region.newest_change
    if version is None:  # some of the stations: their own newest audit row
        with reading() as session:
            version = province.last_change(session, region.station_ids)
    # the ids as one string: Streamlit hashes a tuple of 1,500 numbers one by one
    return _province_view(get_settings().database_url, ",".join(map(str, region.station_ids)),
                          region.fiscal_year, region.as_of, version)


def clear() -> None:
    """Forget a station's cached reads (after a write, so the redraw shows it at once).

    The shared province views stay: each is keyed on its stations' newest audit row, which the
    write has moved for the views it touches, and clearing them all would make every other
    province rebuild a still-valid roll-up after any write in the country."""
    _plan_view.clear()
    _oit_matrix_view.clear()
    _year_comparison.clear()


def clear_all() -> None:
    """Forget every cached read, the shared province views too (a cold run of the bench)."""
    clear()
    _province_view.clear()
