"""National scale (issue 18): the heavy pages on a generated national database, as one JSON line.

    python bench/bench_scale.py --stations 1500 [--postgres postgresql+psycopg://…/maintenance_db]
                                [--runs 3] [--database URL] --json

Builds the national database of ``bench/generate.py`` (a temporary SQLite file, or with
``--postgres`` a new PostgreSQL database created and dropped through that URL's role), or reuses
``--database URL`` as it is. Then times, each as the median of ``--runs`` page runs in a fresh
AppTest: the bare one-chart page, the province page cold (caches cleared) and warm, every
station page cold (``station_pages_cold_s``, with the overview, the OIT matrix and the audit page
also under their own keys), and the rollover of one station (2569 → 2570).
Then, unless ``--no-browser``, the same pages opened by their address in headless Chromium
against the bare page (``bench/browser.py``: ``streamlit run`` on a free port, median of
``--runs``), and the server's peak RSS while 20 browser contexts, 5 at a time, log in and open the
OIT matrix. Prints one JSON object (``--json``) or a table; ``*_ratio`` keys are the page times
over the bare page's; the browser keys are null when skipped. Targets (issue 18): province
≤ 0.5 s cold and ≤ 0.15 s warm at 1,500 stations on PostgreSQL, station pages ≤ 2× bare, audit
page ≤ 0.5 s, a page by its address ≤ 1.5× bare, server RSS ≤ 400 MB with 20 sessions. Nothing
here asserts.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, make_url, select
from sqlmodel import Session, col
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.logger import set_log_level
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import browser  # noqa: E402
from bench.generate import build_national  # noqa: E402
from bench.timing import bench_arguments, forget_cached_reads, median_seconds  # noqa: E402
from ita_core.auth import CLI, Actor  # noqa: E402
from ita_core.db import make_engine, session_scope  # noqa: E402
from ita_core.framework import framework_of  # noqa: E402
from ita_core.models import Activity, AuditLog, Station  # noqa: E402
from ita_core.services.rollover import rollover  # noqa: E402
from ita_core.services.writer import Writer  # noqa: E402

set_log_level("error")
AS_OF = date(2024, 3, 16)
YEAR = 2567
ROLL_FROM, ROLL_TO = 2569, 2570
# the session a page run starts with: station 1, the seed year at a fixed date, a central admin
STATE = {"station": 1, "fiscal_year": YEAR, f"as_of_{YEAR}": AS_OF, "province_year": YEAR,
         f"province_as_of_{YEAR}": AS_OF, "actor": Actor("bench", "admin")}
PAGES = {"province": "province", "station_overview": "overview", "oit_matrix": "oit_matrix",
         "audit_page": "audit"}
# the audit page with filters set: the monthly publications ticked in the web form
AUDIT_FILTER: dict[str, object] = {"audit_table": "publication", "audit_source": "form"}
# every page of one station (all but the province roll-up): issue 18's "every station page ≤ 2× bare"
STATION_PAGES = ["home", "overview", "meeting", "workload", "timeline", "my_items", "oit_matrix", "quotas",
                 "score", "admin", "import_plan", "audit", "framework"]


def page_seconds(script: Path, page: str | None, *, cold: bool,
                 state: dict[str, object] | None = None) -> float:
    """Seconds of one run of a page in a fresh AppTest (caches cleared first when ``cold``), the
    session starting from :data:`STATE` and ``state`` (a page's own filters)."""
    if cold:
        forget_cached_reads()
    app = AppTest.from_file(str(script), default_timeout=600)
    for key, value in {**STATE, **(state or {})}.items():
        app.session_state[key] = value
    if page:
        app.switch_page(f"pages/{page}.py")
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    set_log_level("error")  # each AppTest run sets Streamlit's loggers back to info
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].value}")
    return seconds


def median_page(script: Path, page: str | None, *, cold: bool, runs: int,
                state: dict[str, object] | None = None) -> float:
    return statistics.median(page_seconds(script, page, cold=cold, state=state) for _ in range(runs))


Figures = dict[str, float | int | str | dict[str, float] | None]


def measure(url: str, runs: int, log: Callable[[str], None], *, browser: bool = True) -> Figures:
    """Every figure of the JSON line on the database at ``url`` (the browser ones None without
    ``browser``)."""
    os.environ["ITA_DATABASE_URL"] = url
    engine = make_engine(url)
    with Session(engine) as session:
        stations = session.execute(select(func.count()).select_from(Station)).scalar_one()
        audit_rows = session.execute(select(func.count()).select_from(AuditLog)).scalar_one()
    bare_script, app = REPO / "bench" / "bare_page.py", REPO / "dashboard.py"
    page_seconds(bare_script, None, cold=False)  # warm-up: first imports
    # and the app's first run: its engine, the schema check and the startup freeze of the garbage
    # collector (ita_ui/process.py), so the bare page is timed in the same process state as the pages
    page_seconds(app, "home", cold=False)
    figures: Figures = {
        "database": make_url(url).get_backend_name(), "stations": stations, "audit_rows": audit_rows,
        "runs": runs, "bare_s": median_page(bare_script, None, cold=False, runs=runs)}
    log(f"bare page {figures['bare_s']:.3f} s")
    cold = {}
    for page in ["province", *STATION_PAGES]:
        cold[page] = round(median_page(app, page, cold=True, runs=runs), 4)
        log(f"{page} cold {cold[page]:.3f} s")
    figures.update({f"{key}_cold_s": cold[page] for key, page in PAGES.items()})
    figures["audit_filtered_cold_s"] = median_page(app, "audit", cold=True, runs=runs, state=AUDIT_FILTER)
    figures["province_warm_s"] = median_page(app, "province", cold=False, runs=runs)
    figures["rollover_one_station_s"] = _rollover_seconds(engine, runs)
    figures = {key: _rounded(value) for key, value in figures.items()}  # ratios of the seconds as printed
    for key in [k for k, v in figures.items() if k.endswith("_s") and k != "bare_s" and isinstance(v, float)]:
        figures[key.removesuffix("_s") + "_ratio"] = round(float(figures[key]) / float(figures["bare_s"]), 2)
    ratios = {page: round(cold[page] / float(figures["bare_s"]), 2) for page in STATION_PAGES}
    figures.update(station_pages_cold_s={page: cold[page] for page in STATION_PAGES},
                   station_pages_cold_ratio=ratios, station_slowest_cold_ratio=max(ratios.values()))
    figures["apptest_scan_s"] = round(median_seconds(_component_scan, runs), 4)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    with Session(engine) as session:
        code = session.execute(select(Station.code).where(Station.id == STATE["station"])).scalar_one()
    engine.dispose()
    figures.update(_browser_figures(url, code, runs, log) if browser else dict.fromkeys(BROWSER_KEYS))
    return {key: _rounded(value) for key, value in figures.items()}


def _component_scan() -> None:
    """What every fresh AppTest does on its first run, inside each page time above and the bare
    page's alike: scan every installed package for Streamlit components. ``streamlit run`` does it
    once when the server starts, so a page served to a user does not pay it; ``apptest_scan_s``
    tells how much of an AppTest page time is this scan rather than the page."""
    BidiComponentManager().discover_and_register_components(start_file_watching=False)


BROWSER_KEYS = ["browser_bare_s", "browser_pages_s", "browser_pages_ratio", "browser_slowest_ratio",
                "server_rss_20_mb"]


BROWSER_PAGES = ["province", *STATION_PAGES]


def _browser_figures(url: str, station_code: str, runs: int, log: Callable[[str], None], *,
                     pages: list[str] = BROWSER_PAGES) -> Figures:
    """Each page of :data:`PAGES` opened by its address in headless Chromium, against the bare page
    served alone, and the server's peak RSS with 20 sessions on the OIT matrix (``bench/browser.py``)."""
    query = f"station={station_code}&fy={YEAR}&as_of={AS_OF.isoformat()}"
    measured = browser.page_timings(url, pages, query, runs, log)
    timings = {page: round(seconds, 4) for page, seconds in measured.items()}  # ratios of the printed seconds
    bare = timings.pop("bare")
    ratios = {page: round(seconds / bare, 2) for page, seconds in timings.items()}
    return {"browser_bare_s": bare, "browser_pages_s": timings, "browser_pages_ratio": ratios,
            "browser_slowest_ratio": max(ratios.values()),
            "server_rss_20_mb": browser.server_rss_mb(url, "oit_matrix", query, log)}


def _rounded(value: object) -> object:
    """Seconds to 4 places, ratios to 2 (in a dict too), everything else as it is."""
    if isinstance(value, dict):
        return {key: _rounded(v) for key, v in value.items()}
    return round(value, 4) if isinstance(value, float) else value


def _rollover_seconds(engine: Engine, runs: int) -> float:
    """Median rollover of one station 2569 → 2570, each run a station without a 2570 plan, rolled
    back after its flush so that a reused database (``--database``) stays as it was and can be
    measured again (the 2570 framework is copied first, untimed, and kept)."""
    with session_scope(engine) as session:
        if framework_of(session, ROLL_TO) is None:
            Writer(session, CLI, source="bench").copy_framework(from_year=ROLL_FROM, to_year=ROLL_TO)
    with Session(engine) as session:
        planned = select(Activity.station_id).where(Activity.fiscal_year == ROLL_TO)
        free = session.scalars(select(Station.id).where(col(Station.id).not_in(planned))
                               .order_by(Station.id).limit(runs)).all()
    stations = iter(free)

    def roll_one() -> None:
        with Session(engine) as session:
            rollover(session, CLI, next(stations), ROLL_FROM, ROLL_TO)
            session.flush()
            session.rollback()

    return median_seconds(roll_one, min(runs, len(free)))


@contextmanager
def national_database(args_postgres: str, stations: int, log: Callable[[str], None]) -> Iterator[str]:
    """URL of a freshly generated national database, removed afterwards."""
    if not args_postgres:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "national.db"
            build_national(path, stations, log).dispose()
            yield f"sqlite:///{path}"
        return
    name = f"ita_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args_postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(args_postgres).set(database=name).render_as_string(hide_password=False)
    try:
        build_national(url, stations, log).dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = bench_arguments(__doc__, runs=3)
    parser.set_defaults(stations=1500)
    parser.add_argument("--postgres", default="", help="URL of a role that may create databases")
    parser.add_argument("--database", default="", help="measure this (already generated) database instead")
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--no-browser", action="store_true",
                        help="skip the Chromium timings and the 20-session memory figure (null in the JSON)")
    args = parser.parse_args()
    started = time.perf_counter()

    def log(step: str) -> None:
        print(f"{time.perf_counter() - started:7.1f} s  {step}", file=sys.stderr, flush=True)

    if args.database:
        figures = measure(args.database, args.runs, log, browser=not args.no_browser)
    else:
        with national_database(args.postgres, args.stations, log) as url:
            figures = measure(url, args.runs, log, browser=not args.no_browser)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    for key, value in figures.items():
        print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
