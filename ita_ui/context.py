"""Which station, fiscal year and as-of date a page shows: the sidebar picker, kept across pages."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from ita_core import imports, plan, province, queries
from ita_core.meeting import markdown_text
from ita_core.permissions import Action, readable_stations
from ita_core.settings import get_settings
from ita_core.thai_dates import fiscal_year_bounds, format_be
from ita_ui.dates import be_date_input
from ita_ui.engine import cached_engine, reading
from ita_ui.login import current_actor, login_here, require_reader
from ita_ui.notices import ADMIN_ONLY, NO_PLAN, show_flash

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """The station, fiscal year and as-of date a page shows."""

    station_id: int
    station_name: str
    fiscal_year: int
    as_of: date

    @property
    def station_md(self) -> str:
        """The station's name for Markdown (captions, headings, labels): escaped, shown as typed.
        ``station_name`` stays as typed for downloads and plain text."""
        return markdown_text(self.station_name)


# The chosen station (id), fiscal year and as-of date of this browser session. Plain session
# keys, not widget keys: Streamlit drops a widget's state on a page that does not draw it, these
# stay for the whole session, so every page opens where the last one was.
KEPT_STATION, KEPT_YEAR, KEPT_AS_OF = "kept_station", "kept_fiscal_year", "kept_as_of"
KEPT_YEAR_OF = "kept_year_station"  # the station the kept year was picked for


def as_of_from_url(start: date, end: date) -> date | None:
    """``?as_of=YYYY-MM-DD`` in the address, so a meeting link opens at a fixed date."""
    return _date_in(st.query_params.get("as_of", ""), start, end)


def _date_in(value: object, start: date, end: date) -> date | None:
    """``value`` as a date (a ``date`` or ISO text) when it lies in ``start``..``end``, else None."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) and start <= value <= end else None


def _year_from_url() -> int | None:
    try:
        return int(st.query_params.get("fy", ""))
    except ValueError:
        return None


def _first_of(options: Collection[T], *candidates: T | None) -> T | None:
    """The first candidate that is one of ``options``: what the address or the session asks for
    is only ever a wish among what this reader may see."""
    return next((c for c in candidates if c is not None and c in options), None)


def _show_in_address(**values: str | None) -> None:
    """Put the view into the address (``?station=&fy=&as_of=``), so a copied link opens it;
    None removes a parameter. Unchanged parameters are left alone (no needless browser update)."""
    for name, value in values.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def pick_context(with_as_of: bool = True, *, needs: Action | None = None, new_year: bool = False) -> Context:
    """Station, fiscal-year and as-of selectors in the sidebar, and the login box under them.

    The choice is kept for the browser session and in the address (``?station=<code>&fy=<BE
    year>&as_of=<YYYY-MM-DD>``), so another page, a reload and a copied link show the same view.
    A value the address asks for that this reader may not see, or that the station has no plan
    for, is passed over silently: the readable stations decide, never the address.

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
        login_here(ADMIN_ONLY)
        st.stop()
    if isinstance(context, _YearToChoose):
        st.header(markdown_text(context.station_name))
        st.info(f"{markdown_text(context.station_name)} ยังไม่มีแผนในระบบ: เลือกปีงบประมาณของแผนที่จะนำเข้าในช่อง "
                "«ปีงบประมาณ (พ.ศ.)» ที่แถบด้านข้าง")
        st.stop()
    return context


@dataclass(frozen=True)
class _YearToChoose:
    """A station without a plan on the import page: its year is the user's choice, never a guess."""

    station_id: int
    station_name: str


def set_context(*, station_id: int, fiscal_year: int) -> None:
    """Show ``station_id`` and ``fiscal_year`` from the next run on, on every page: after an import
    the next page and the first download are the imported plan's, not the station shown before.

    Only the kept values are set (the selects' own keys are dropped, since a drawn widget's value
    cannot be set in the run that drew it); the selects start from the kept values next run."""
    for key in ("station", "fiscal_year"):
        st.session_state.pop(key, None)
    st.session_state[KEPT_STATION] = st.session_state[KEPT_YEAR_OF] = station_id
    st.session_state[KEPT_YEAR] = fiscal_year


def _selected_context(with_as_of: bool, new_year: bool) -> Context | _YearToChoose | None:
    show_flash()
    allowed = readable_stations(current_actor(), get_settings().public_read)
    with reading() as session:
        stations = queries.station_choices(session, allowed)
        if not stations:
            require_reader()
            return None
        names = {s.id: s.name_th for s in stations}
        codes = {s.id: s.code for s in stations}
        _preselect_station(session, codes)
        station_id = st.sidebar.selectbox("สถานี", list(names), format_func=names.get, key="station",
                                          placeholder="เลือกสถานี")  # not Streamlit's "Choose an option"
        planned = [fy.be_year for fy in queries.fiscal_years(session, station_id)]
        years = imports.offered_years(session, station_id) if new_year else planned
    # the kept year was picked for another station (a change of station, or a station without a plan
    # seen between): it stays only if this station has a plan for it
    year_of = st.session_state.get(KEPT_YEAR_OF, st.session_state.get(KEPT_STATION))
    moved = year_of not in (None, station_id)
    st.session_state[KEPT_STATION] = station_id
    if not years:
        _show_in_address(station=codes[station_id], fy=None)
        require_reader()  # the login box, so a user who may see more can log in
        return None
    fiscal_year = _pick_year(years, key="fiscal_year", keep=planned if moved else years,
                             default=planned[0] if planned else None, empty=not planned)
    st.session_state[KEPT_YEAR_OF] = station_id
    if fiscal_year is None:  # the import page, a station without a plan: the year is chosen, not guessed
        _show_in_address(station=codes[station_id], fy=None, as_of=None)
        require_reader()
        return _YearToChoose(station_id, names[station_id])
    as_of = _pick_as_of(fiscal_year, key=f"as_of_{fiscal_year}", shown=with_as_of)
    _show_in_address(station=codes[station_id], fy=str(fiscal_year), as_of=as_of.isoformat())
    require_reader()
    return Context(station_id, names[station_id], fiscal_year, as_of)


def _pick_year(years: list[int], *, key: str, keep: list[int] | None = None,
               default: int | None = None, empty: bool = False) -> int | None:
    """The fiscal-year select, starting at this session's year, else the address's, else
    ``default`` (the station's newest plan year), else empty ("เลือกปีงบประมาณ") with ``empty``,
    else the newest; None while it is empty.

    ``keep``: the years the session's year may stay on. Right after a change of station these are
    only that station's planned years, so the import page does not offer to file a new station's
    plan into the year the previous station was showing: the year follows the station to its
    newest plan, or is left for the user to choose when it has none."""
    keep = years if keep is None else keep
    asked = _year_from_url() if KEPT_YEAR not in st.session_state else None  # the address opens a session
    st.session_state[key] = (_first_of(keep, st.session_state.get(key), st.session_state.get(KEPT_YEAR))
                             or _first_of(years, asked, default) or (None if empty else years[0]))
    fiscal_year: int | None = st.sidebar.selectbox("ปีงบประมาณ (พ.ศ.)", years, key=key, index=None,
                                                   placeholder="เลือกปีงบประมาณ")
    if fiscal_year is not None:
        st.session_state[KEPT_YEAR] = fiscal_year
    return fiscal_year


def _pick_as_of(fiscal_year: int, *, key: str, shown: bool = True) -> date:
    """The as-of date: this session's (or the address's) when it lies in the fiscal year, else
    ``plan.default_as_of``; with ``shown``, a date picker in the sidebar that starts there.

    A page without the picker (admin, import) keeps the session's date for the next page."""
    start, end = fiscal_year_bounds(fiscal_year)
    as_of = (_date_in(st.session_state.get(key), start, end)
             or _date_in(st.session_state.get(KEPT_AS_OF), start, end)
             or as_of_from_url(start, end) or plan.default_as_of(fiscal_year))
    if not shown:
        return as_of
    st.session_state[key] = as_of  # the picker starts here
    picked = be_date_input("ข้อมูล ณ วันที่", value=as_of, min_value=start, max_value=end, key=key,
                           where=st.sidebar)
    as_of = picked or as_of
    st.sidebar.caption(f"ณ {format_be(as_of)} (พ.ศ.)")
    st.session_state[KEPT_AS_OF] = as_of
    return as_of


def _preselect_station(session: Session, codes: dict[int, str]) -> None:
    """Start the station picker at the station this browser session holds (picked on any page,
    or opened from the province page), else the address's ``?station=``, else
    ``queries.default_station`` (the CLI's default too); only ever one the reader may see.

    A misspelt ``ITA_DEFAULT_STATION`` stops the page with its error rather than quietly showing
    another station, as the CLI does.
    """
    by_code = {code: station_id for station_id, code in codes.items()}
    wanted = _first_of(codes, st.session_state.get("station"), st.session_state.get(KEPT_STATION),
                       by_code.get(st.query_params.get("station", "")))
    if wanted is not None:
        st.session_state["station"] = wanted
        return
    try:
        default = queries.default_station(session, get_settings(), among=list(codes))
    except queries.UnknownStation as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["station"] = default.id if default else next(iter(codes))


@dataclass(frozen=True)
class Region:
    """The stations, fiscal year and as-of date the province page rolls up."""

    province: str | None  # None: every province the user may read (the region)
    station_ids: list[int]
    fiscal_year: int
    as_of: date
    # station_ids are all the stations there are: then province.newest_change, read for the
    # picker's choices, is already the roll-up's cache key (else None)
    newest_change: int | None = None


def pick_region() -> Region:
    """Province, fiscal-year and as-of selectors in the sidebar, and the login box under them.

    Stops the page with a notice when no station has a plan, when the user may read none of the
    chosen stations, and for anonymous users when ``ITA_PUBLIC_READ`` is off.
    """
    allowed = readable_stations(current_actor(), get_settings().public_read)
    with reading() as session:
        newest = province.newest_change(session)
    places, years = _region_choices(get_settings().database_url, allowed, newest)
    if not years:
        require_reader()
        st.warning(NO_PLAN)
        st.stop()
    chosen = st.sidebar.selectbox("จังหวัด", [None, *places.provinces()], key="province",
                                  placeholder="เลือกจังหวัด", format_func=lambda p: p or "ทุกจังหวัด (ทั้งภาค)")
    fiscal_year = _pick_year(years, key="province_year") or years[0]
    as_of = _pick_as_of(fiscal_year, key=f"province_as_of_{fiscal_year}")
    _show_in_address(fy=str(fiscal_year), as_of=as_of.isoformat())
    require_reader()
    ids = places.ids(chosen)
    if not ids:
        st.info("ไม่มีสถานีที่บัญชีนี้ดูได้")
        st.stop()
    every_station = allowed is None and chosen is None  # the user may read every station, and chose all
    return Region(chosen, ids, fiscal_year, as_of, newest_change=newest if every_station else None)


@st.cache_data(show_spinner=False, max_entries=64)
def _region_choices(url: str, allowed: frozenset[int] | None,
                    newest_change: int | None) -> tuple[province.Places, list[int]]:
    """The stations and provinces a user may pick from and the years that hold plans, read again
    only after a write (the newest audit row moved): a national page reruns on each click, and
    these were two of its reads (1,500 stations) every time."""
    with Session(cached_engine(url)) as session:
        return province.places(session, allowed), province.years_with_plans(session)
