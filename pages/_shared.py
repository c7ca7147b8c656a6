"""What every page needs: the cached engine, the context picker and the cached plan view.

UI glue only; all logic is in ita_core. Reads are cached per (station, year, as-of, data
version): every write bumps a row version, so the next rerun reads fresh data.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import plan, queries
from ita_core.auth import ANONYMOUS, Actor, AuthError, authenticate
from ita_core.db import make_engine, session_scope
from ita_core.exports import COLUMNS, plan_workbook_bytes, to_csv_bytes, to_xlsx_bytes
from ita_core.permissions import Action, PermissionDenied, readable_stations
from ita_core.seed import ensure_database
from ita_core.services import ConflictError, ValidationFailed
from ita_core.settings import get_settings
from ita_core.status import LABEL_TH, badge
from ita_core.thai_dates import fiscal_year_bounds, fiscal_year_of, format_be

T = TypeVar("T")
log = logging.getLogger("ita.web")  # refused writes, in English with the Thai message the user saw


def _leave_legacy_page_mode() -> None:
    """Make a first visit to a page URL (a bookmark of /meeting) still show our navigation.

    Streamlit decides per process, at its first session, whether the folder named
    ``pages/`` is an old-style page list. If that first session opens /meeting directly, it
    runs pages/meeting.py without dashboard.py and lists every file in the sidebar. Clearing
    the flag and rerunning sends the run through dashboard.py's ``st.navigation``, which
    finds the page by its url_path. (Streamlit internals: covered by an end-to-end test.)
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_legacy_page_mode()
ROLE_TH = {"viewer": "ผู้ชม", "officer": "เจ้าหน้าที่", "admin": "ผู้ดูแลระบบ"}


@st.cache_resource(show_spinner="กำลังเตรียมฐานข้อมูล…")
def _engine(url: str) -> Engine:
    db = make_engine(url)
    ensure_database(db, get_settings().data_dir)
    return db


def engine() -> Engine:
    """One engine per database URL and process; the first call migrates and loads the seed."""
    return _engine(get_settings().database_url)


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


NO_PLAN = "ยังไม่มีแผนในฐานข้อมูล ให้ผู้ดูแลรัน `ita init` หรือนำเข้าแผน"
ADMIN_ONLY = "หน้านี้สำหรับผู้ดูแลระบบ (admin) — เข้าสู่ระบบที่แถบด้านซ้าย"


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
    with Session(engine()) as session:
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


LIGHT_CSS = """<style>
[class*="st-key-light_green"] {background: #e3f4e8; border-left: 10px solid #1a9850 !important;}
[class*="st-key-light_yellow"] {background: #fff6d5; border-left: 10px solid #f1c40f !important;}
[class*="st-key-light_red"] {background: #fde3df; border-left: 10px solid #d73027 !important;}
[class*="st-key-light_grey"] {background: #f0f0f0; border-left: 10px solid #9e9e9e !important;}
</style>"""


def light_box(overall: str, key: str):
    """A bordered box tinted by an overall light (green/yellow/red/grey)."""
    st.html(LIGHT_CSS)
    return st.container(border=True, key=f"light_{overall}_{key}")


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
    with Session(_engine(url)) as session:
        rows = plan.plan_rows(session, station_id, fiscal_year, as_of, settings)
        phases = queries.phases(session, station_id, fiscal_year)
        return PlanView(
            rows=rows,
            indicators=plan.indicator_lights(rows, queries.indicators(session)),
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
    with Session(_engine(url)) as session:
        version = queries.data_version(session, [context.station_id], context.fiscal_year)
    return _plan_view(url, context.station_id, context.fiscal_year, context.as_of, version)


def show_rows(rows: pd.DataFrame, key: str, title: str = "") -> None:
    """The standard table of lit rows with CSV and Excel downloads of exactly these rows."""
    keys = [k for k, _ in COLUMNS["plan-rows"]]
    table = rows[keys].copy()
    table["light"] = table["light"].map(badge)
    table["sub_indicator"] = table["sub_indicator"].fillna("")  # activities have none
    table["judged_due"] = table["judged_due"].map(lambda d: format_be(d) if isinstance(d, date) else "")
    table = table.rename(columns=dict(COLUMNS["plan-rows"]))
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "ความคืบหน้า (%)": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%"),
            "ลิงก์หลักฐาน": st.column_config.LinkColumn(),
            "เรื่อง": st.column_config.TextColumn(width="large"),
        },
    )
    download_table(rows[keys].assign(light=rows["light"].map(LABEL_TH)), "plan-rows", key, title)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_table(frame: pd.DataFrame, table: str, key: str, title: str,
                   columns: list[tuple[str, str]] | None = None) -> None:
    """CSV and Excel buttons for exactly the rows a page shows (``table`` names the export columns,
    or ``columns`` gives them for tables whose columns vary)."""
    left, right = st.columns(2)
    left.download_button("⬇️ CSV", to_csv_bytes(frame, table, "th", columns), file_name=f"{key}.csv",
                         mime="text/csv", key=f"{key}_csv", width="stretch")
    right.download_button("⬇️ Excel", to_xlsx_bytes(frame, table, "th", title, columns),
                          file_name=f"{key}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", width="stretch")


def plan_workbook_download(context: Context) -> None:
    """The whole ITA plan as one styled workbook at the page's as-of date, built when clicked."""
    db, settings = engine(), get_settings()

    def build() -> bytes:
        with Session(db) as session:
            return plan_workbook_bytes(session, context.station_id, context.fiscal_year, context.as_of,
                                       settings)

    st.download_button("⬇️ แผน ITA ทั้งฉบับ (Excel)", build, key="plan_workbook", mime=XLSX_MIME,
                       file_name=f"ita-plan-{context.fiscal_year}-{context.as_of.isoformat()}.xlsx",
                       on_click="ignore", help="สรุปสัญญาณไฟรายตัวชี้วัด ณ วันที่เลือก และทุกตารางของแผน พร้อมพิมพ์")


# --- who is using the app, and the one way pages write ------------------------------------

def current_actor() -> Actor:
    """The logged-in user, or the anonymous reader."""
    return st.session_state.get("actor", ANONYMOUS)


def login_box() -> Actor:
    """Login form (or the logged-in name and a logout button) at the foot of the sidebar."""
    actor = current_actor()
    box = st.sidebar.container(border=True)
    if actor is not ANONYMOUS:
        box.markdown(f"👤 **{actor.username}** · {ROLE_TH.get(actor.role, actor.role)}")
        if box.button("ออกจากระบบ", key="logout", width="stretch"):
            del st.session_state["actor"]
            st.rerun()
        return actor
    with box.form("login", clear_on_submit=False, border=False):
        username = st.text_input("ชื่อผู้ใช้", key="login_user")
        password = st.text_input("รหัสผ่าน", type="password", key="login_password")
        submitted = st.form_submit_button("เข้าสู่ระบบ", width="stretch")
    if submitted:
        error = None
        with session_scope(engine()) as session:  # commits the failed-login counter too
            try:
                st.session_state["actor"] = authenticate(session, username, password)
            except AuthError as exc:
                error = str(exc)
        if error:
            box.error(error)
        else:
            st.rerun()
    return ANONYMOUS


def require_reader() -> Actor:
    """Show the login box; stop the page for anonymous users when public reading is off."""
    actor = login_box()
    if actor is ANONYMOUS and not get_settings().public_read:
        st.info("กรุณาเข้าสู่ระบบเพื่อดูข้อมูล (ด้านซ้าย)")
        st.stop()
    return actor


def form_round(form_key: str) -> int:
    """Which round a form for new rows is in: its widget keys carry it, so after a save the next
    round starts empty, while a refused save leaves what was typed in place (unlike clear_on_submit)."""
    return st.session_state.get(f"round_{form_key}", 0)


def next_round(form_key: str) -> None:
    st.session_state[f"round_{form_key}"] = form_round(form_key) + 1


CONFLICT_ON_DELETE = "มีผู้อื่นแก้ไขรายการนี้ระหว่างนั้น จึงยังไม่ลบ — ตรวจสอบค่าล่าสุดแล้วกดลบอีกครั้ง"


def write(action: Callable[[Session], T], success: str = "บันทึกแล้ว", rerun: bool = True,
          new_form: str | None = None, deleting: bool = False) -> T | None:
    """Run service calls in one transaction; show Thai errors; refresh cached reads on success.

    With ``rerun`` the page redraws with the saved data and the toast shows after the redraw;
    without, the toast shows now and the result (warnings) goes back to the caller. A saved
    ``new_form`` starts its next round empty (see :func:`form_round`).
    ConflictError is re-raised so the form can show both values side by side; a delete
    (``deleting``) that meets one is simply not done, with a notice.
    """
    user = current_actor().username
    try:
        with session_scope(engine()) as session:
            result = action(session)
    except ConflictError as exc:
        log.info("write by %s met a newer version: %s", user, exc)
        if not deleting:
            raise
        st.warning(CONFLICT_ON_DELETE)
        return None
    except ValidationFailed as exc:
        log.warning("write by %s refused, invalid input: %s", user, " | ".join(exc.errors))
        for error in exc.errors:
            st.error(error)
        return None
    except PermissionDenied as exc:
        log.warning("write by %s refused, not permitted: %s", user, exc)
        st.error(str(exc))
        return None
    _plan_view.clear()
    if new_form:
        next_round(new_form)
    if rerun:
        st.session_state["flash"] = success
        st.rerun()
    st.toast(success, icon="✅")
    return result


def show_flash() -> None:
    """The toast of a save that was followed by a rerun."""
    message = st.session_state.pop("flash", None)
    if message:
        st.toast(message, icon="✅")


# --- partial data and unexpected errors ----------------------------------------------------------

MISSING = {  # one wording per kind of data, the same on every page
    "oit": "ยังไม่มีข้อมูล OIT ในแผนปีนี้",
    "activities": "ยังไม่มีกิจกรรมในแผนปีนี้",
    "people": "ยังไม่มีรายชื่อผู้รับผิดชอบ",
    "phases": "ยังไม่มีปฏิทิน ITA ของปีนี้",
    "quotas": "ยังไม่มีโควตาผู้ตอบ",
    "scores": "ยังไม่มีคะแนน",
}


def notice_missing(what: str, detail: str = "", *, warn: bool = False) -> None:
    """Say that a part of the plan is missing (``MISSING``, then ``detail``: what it means or who
    adds it), so a page with partial data explains its empty spots instead of showing bare zeros.
    ``warn`` when the page's main result depends on it (the score page without survey scores)."""
    (st.warning if warn else st.info)(" ".join(filter(None, [MISSING[what], detail])))


def notice_missing_rows(rows: pd.DataFrame) -> None:
    """The notices for a plan without activities or without OIT items (a new station's first plan)."""
    for kind, what in (("activity", "activities"), ("oit_item", "oit")):
        if not (rows["kind"] == kind).any():
            notice_missing(what)


UNEXPECTED = "เกิดข้อผิดพลาดที่ไม่คาดคิด แจ้งผู้ดูแลระบบพร้อมรหัสอ้างอิง {ref}"


def run_safely(page: Callable[[], None], name: str) -> None:
    """Run a page so that a bug shows users a Thai message with a reference, never a traceback
    (which names files and code), and puts the traceback in the server log under that reference,
    where an admin finds it (``journalctl … | grep REF``).

    Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises ScriptControlException,
    a BaseException, so it passes through ``except Exception`` untouched (tested).
    """
    try:
        page()
    except Exception:
        ref = secrets.token_hex(4).upper()
        log.exception("unexpected error, reference %s, on page %s for user %s", ref, name,
                      current_actor().username)
        st.error(UNEXPECTED.format(ref=ref))
