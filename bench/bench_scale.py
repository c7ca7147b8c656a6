"""Region scale: 1,000 stations × the seed plan (about 51,000 plan rows) on SQLite and PostgreSQL.

    python bench/bench_scale.py [--stations 1000] [--postgres postgresql+psycopg://…/maintenance_db]

Prints, per database: the province/region page run (AppTest, cold = caches cleared, and warm),
the roll-up computation alone, and the rollover of one station, each as a median and as a ratio
to a bare one-chart page measured in the same run. Targets (issue 8): region page ≤ 1 s per
rerun, rollover of one station ≤ 1 s. Nothing here asserts.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from datetime import date
from pathlib import Path

import streamlit as st
from sqlalchemy import create_engine, make_url
from sqlmodel import Session
from streamlit.logger import set_log_level
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import build  # noqa: E402
from bench.timing import bench_arguments, median_seconds  # noqa: E402
from ita_core.auth import CLI  # noqa: E402
from ita_core.db import make_engine, session_scope  # noqa: E402
from ita_core.framework import framework_of  # noqa: E402
from ita_core.province import station_ids, station_table  # noqa: E402
from ita_core.services.rollover import rollover  # noqa: E402
from ita_core.services.writer import Writer  # noqa: E402
from ita_core.settings import Settings  # noqa: E402

set_log_level("error")
AS_OF = date(2024, 3, 16)


def page_run(script: Path, page: str | None, cold: bool) -> None:
    if cold:
        st.cache_data.clear()
    app = AppTest.from_file(str(script), default_timeout=300)
    app.session_state["province_as_of_2567"] = AS_OF
    if page:
        app.switch_page(f"pages/{page}.py")
    app.run()
    if app.exception:
        raise RuntimeError(app.exception[0].value)


def bench(label: str, url: str, runs: int) -> None:
    os.environ["ITA_DATABASE_URL"] = url
    engine = make_engine(url)
    bare = median_seconds(lambda: page_run(REPO / "bench" / "bare_page.py", None, cold=False), runs)
    cold = median_seconds(lambda: page_run(REPO / "dashboard.py", "province", cold=True), runs)
    warm = median_seconds(lambda: page_run(REPO / "dashboard.py", "province", cold=False), runs)
    with Session(engine) as session:
        ids = station_ids(session)
        rollup = median_seconds(lambda: station_table(session, ids, 2567, AS_OF, Settings()), runs)
    years = iter(range(2568, 2568 + runs))
    with session_scope(engine) as session:  # a rollover needs the target year's framework (not timed)
        for year in range(2568, 2568 + runs):
            if framework_of(session, year) is None:
                Writer(session, CLI, source="bench").copy_framework(from_year=2567, to_year=year)

    def roll_one() -> None:
        with session_scope(engine) as session:
            rollover(session, CLI, 1, 2567, next(years))

    roll = median_seconds(roll_one, runs)
    print(f"\n{label}: {len(ids)} stations; bare page {bare * 1000:.0f} ms")
    for name, seconds in [("region page, cold", cold), ("region page, warm", warm),
                          ("roll-up alone", rollup), ("rollover of one station", roll)]:
        print(f"  {name:26} {seconds:7.3f} s  ({seconds / bare:5.1f}× bare page)")
    engine.dispose()


def main() -> None:
    parser = bench_arguments(__doc__, runs=3)
    parser.add_argument("--postgres", default=os.environ.get("ITA_TEST_POSTGRES_URL", ""),
                        help="URL of a role that may create databases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "region.db"
        build(path, args.stations).dispose()
        bench("SQLite", f"sqlite:///{path}", args.runs)
    if args.postgres:
        name = f"ita_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        try:
            build(url, args.stations).dispose()
            bench("PostgreSQL", url, args.runs)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
