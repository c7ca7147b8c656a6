"""Time every dashboard page with AppTest, as a ratio to a bare one-chart page timed in the same run.

    python bench/bench_pages.py [--runs 7] [--stations 1000]

Prints the median seconds per page run on the seed database and on a generated database of
N stations × the seed plan, cold (caches cleared before each run) and warm (cache hit), and the
ratio of each to the bare page. Targets (issue 4): seed pages ≤ 3× the bare page; the overview
on 1,000 stations ≤ 1 s. Nothing here asserts: read the numbers.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from streamlit.logger import set_log_level
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import build  # noqa: E402
from bench.timing import bench_arguments, forget_cached_reads  # noqa: E402

set_log_level("error")  # clearing caches outside a server logs a warning per run

PAGES = ["home", "overview", "workload", "timeline", "meeting", "my_items", "oit_matrix", "quotas", "score",
         "province"]


def _time(script: str, page: str | None, runs: int, cold: bool) -> float:
    samples = []
    for _ in range(runs):
        if cold:
            forget_cached_reads()
        app = AppTest.from_file(script, default_timeout=120)
        app.session_state["as_of_2567"] = date(2024, 3, 16)
        if page:
            app.switch_page(f"pages/{page}.py")
        started = time.perf_counter()
        app.run()
        samples.append(time.perf_counter() - started)
        set_log_level("error")  # each AppTest run sets Streamlit's loggers back to info
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception[0].value}")
    return statistics.median(samples)


def bench(label: str, runs: int) -> None:
    _time(str(REPO / "bench" / "bare_page.py"), None, 1, cold=False)  # warm-up: first imports
    _time(str(REPO / "dashboard.py"), "home", 1, cold=False)  # and the app's engine and startup freeze
    bare = _time(str(REPO / "bench" / "bare_page.py"), None, runs, cold=False)
    print(f"\n{label}: bare page median {bare * 1000:.0f} ms")
    print(f"{'page':10} {'cold ms':>8} {'ratio':>6} {'warm ms':>8} {'ratio':>6}")
    for page in PAGES:
        cold = _time(str(REPO / "dashboard.py"), page, runs, cold=True)
        warm = _time(str(REPO / "dashboard.py"), page, runs, cold=False)
        print(f"{page:10} {cold * 1000:8.0f} {cold / bare:6.1f} {warm * 1000:8.0f} {warm / bare:6.1f}")


def main() -> None:
    args = bench_arguments(__doc__, runs=7).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for stations in (1, args.stations):
            path = Path(tmp) / f"ita-{stations}.db"
            build(path, stations)
            os.environ["ITA_DATABASE_URL"] = f"sqlite:///{path}"
            bench(f"{stations} station(s)", args.runs)


if __name__ == "__main__":
    main()
