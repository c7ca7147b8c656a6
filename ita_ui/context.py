"""Which station, fiscal year and as-of date a page shows: the sidebar picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlmodel import Session

from ita_core import plan, province, queries
from ita_core.permissions import Action, readable_stations
from ita_core.settings import get_settings
from ita_core.thai_dates import fiscal_year_bounds, fiscal_year_of, format_be
from ita_ui.engine import reading
from ita_ui.login import current_actor, require_reader
from ita_ui.notices import ADMIN_ONLY, NO_PLAN, show_flash


@dataclass(frozen=True)
class Context:
    """The station, fiscal year and as-of date a page shows."""

    station_id: int
    station_name: str
    fiscal_year: int
    as_of: date


def as_of_from_url(start: date, end: date) -> date | None:
    """``?as_of=YYYY-MM-DD`` in the address, so a meeting link opens at a fixed date."""
    try:
        day = date.fromisoformat(st.query_params.get("as_of", ""))
    except ValueError:
        return None
    return day if start <= day <= end else None


def pick_context(with_as_of: bool = True, *, needs: Action | None = None, new_year: bool = False) -> Context:
    """Station, fiscal-year and as-of selectors in the sidebar, and the login box under them.

    Stops the page with a notice when there is no plan to show, for anonymous users when
    ``ITA_PUBLIC_READ`` is off, and for everyone but admins on an ``admin_only`` page, so a
    page's own code always has a plan and a permitted reader. ``new_year`` also offers years
    the station has no plan for yet (the import page, where a new station brings its first plan).
    """
    context = _selected_context(with_as_of, new_year)
    if context is None:
        st.warning(NO_PLAN)
        st.stop()
    if needs is not None and not current_actor().may(needs, station_id=context.station_id):
        st.info(ADMIN_ONLY)
        st.stop()
    return context


def _selected_context(with_as_of: bool, new_year: bool) -> Context | None:
    show_flash()
    allowed = readable_stations(current_actor(), get_settings().public_read)
    with reading() as session:
        stations = [s for s in queries.stations(session) if allowed is None or s.id in allowed]
        if not stations:
            require_reader()
            return None
        names = {s.id: s.name_th for s in stations}
        _preselect_station(session, list(names))
        station_id = st.sidebar.selectbox("สถานี", list(names), format_func=names.get, key="station")
        years = [fy.be_year for fy in queries.fiscal_years(session, station_id)]
        if new_year:  # the station's own years first, so the default stays its newest plan
            this_year = fiscal_year_of(date.today())
            known = {fy.be_year for fy in queries.all_fiscal_years(session)} | {this_year, this_year + 1}
            years += sorted(known - set(years), reverse=True)
    if not years:
        return None
    fiscal_year = st.sidebar.selectbox("ปีงบประมาณ (พ.ศ.)", years, key="fiscal_year")
    start, end = fiscal_year_bounds(fiscal_year)
    as_of = as_of_from_url(start, end) or plan.default_as_of(fiscal_year)
    if with_as_of:
        as_of = st.sidebar.date_input("ข้อมูล ณ วันที่", value=as_of, min_value=start, max_value=end,
                                      format="DD/MM/YYYY", key=f"as_of_{fiscal_year}")
        st.sidebar.caption(f"ณ {format_be(as_of)} (พ.ศ.)")
    require_reader()
    return Context(station_id, names[station_id], fiscal_year, as_of)


def _preselect_station(session: Session, station_ids: list[int]) -> None:
    """Start the station picker at ``queries.default_station`` (the CLI's default too), unless this
    browser session already holds a station it may read (picked, or opened from the province page).

    A misspelt ``ITA_DEFAULT_STATION`` stops the page with its error rather than quietly showing
    another station, as the CLI does.
    """
    if st.session_state.get("station") in station_ids:
        return
    try:
        default = queries.default_station(session, get_settings(), among=station_ids)
    except queries.UnknownStation as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["station"] = default.id if default else station_ids[0]


@dataclass(frozen=True)
class Region:
    """The stations, fiscal year and as-of date the province page rolls up."""

    province: str | None  # None: every province the user may read (the region)
    station_ids: list[int]
    fiscal_year: int
    as_of: date


def pick_region() -> Region:
    """Province, fiscal-year and as-of selectors in the sidebar, and the login box under them.

    Stops the page with a notice when no station has a plan, when the user may read none of the
    chosen stations, and for anonymous users when ``ITA_PUBLIC_READ`` is off.
    """
    allowed = readable_stations(current_actor(), get_settings().public_read)
    with reading() as session:
        provinces = province.provinces(session, allowed)
        years = province.years_with_plans(session)
    if not years:
        require_reader()
        st.warning(NO_PLAN)
        st.stop()
    chosen = st.sidebar.selectbox("จังหวัด", [None, *provinces], key="province",
                                  format_func=lambda p: p or "ทุกจังหวัด (ทั้งภาค)")
    fiscal_year = st.sidebar.selectbox("ปีงบประมาณ (พ.ศ.)", years, key="province_year")
    start, end = fiscal_year_bounds(fiscal_year)
    as_of = st.sidebar.date_input("ข้อมูล ณ วันที่", as_of_from_url(start, end) or plan.default_as_of(fiscal_year),
                                  min_value=start, max_value=end, format="DD/MM/YYYY",
                                  key=f"province_as_of_{fiscal_year}")
    require_reader()
    with reading() as session:
        ids = province.station_ids(session, chosen, allowed)
    if not ids:
        st.info("ไม่มีสถานีที่บัญชีนี้ดูได้")
        st.stop()
    return Region(chosen, ids, fiscal_year, as_of)
