"""Time the exports: every table and the ITA plan workbook of the seed, and 51,000 plan rows.

    python bench/bench_exports.py [--runs 5] [--stations 1000]

Seed: median seconds per table as CSV and styled Excel, and for the whole ITA plan workbook
(target ≤ 0.5 s). Large: the lit plan rows of N stations × the seed (about 51,000 rows for
1,000 stations, built with bench/generate.py) as one CSV and one styled sheet (target ≤ 10 s),
and one station's plan workbook read from that large database.

Baseline, measured in the same run: the same frames written by pandas' ``to_excel`` with no
styling at all (openpyxl engine), so the "× plain" column says what the styling costs on this
machine. Nothing here asserts: read the numbers (÷ target is seconds / target).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
from sqlmodel import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import build  # noqa: E402
from bench.timing import bench_arguments, median_seconds  # noqa: E402
from ita_core import queries  # noqa: E402
from ita_core.exports import (  # noqa: E402
    COLUMNS,
    LOADERS,
    export_frame,
    plan_frames,
    plan_workbook_bytes,
    to_csv_bytes,
    to_xlsx_bytes,
)
from ita_core.settings import get_settings  # noqa: E402
from ita_core.status import LABEL_TH, add_lights  # noqa: E402
from ita_core.thai_dates import fiscal_year_bounds  # noqa: E402

AS_OF = date(2024, 3, 16)
SETTINGS = get_settings()
FY = 2567


def line(label: str, seconds: float, target: float | None = None, baseline: float | None = None) -> None:
    of_target = f"{seconds / target:9.2f}" if target else " " * 9
    of_plain = f"{seconds / baseline:9.2f}" if baseline else ""
    print(f"{label:44} {seconds:8.3f} s {of_target} {of_plain}")


def header(title: str) -> None:
    print(f"\n{title:44} {'seconds':>10} {'÷ target':>9} {'× plain':>9}")


def plain_xlsx(frames: list[pd.DataFrame]) -> bytes:
    """The baseline: the frames as pandas writes them with no styling (openpyxl engine)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for number, frame in enumerate(frames):
            frame.to_excel(writer, sheet_name=f"s{number}", index=False)
    return buffer.getvalue()


def bench_seed(runs: int, folder: Path) -> None:
    engine = build(folder / "seed.db", 1)
    header(f"seed (1 station), median of {runs} runs")
    with Session(engine) as session:
        station = queries.stations(session)[0].id
        for table in LOADERS:
            frame = export_frame(session, table, station, FY)
            line(f"{table} ({len(frame)} rows) csv",
                 median_seconds(lambda f=frame, t=table: to_csv_bytes(f, t), runs))
            line(f"{table} ({len(frame)} rows) xlsx",
                 median_seconds(lambda f=frame, t=table: to_xlsx_bytes(f, t, title="bench"), runs))
        frames = list(plan_frames(session, station, FY, AS_OF, SETTINGS).values())
        plain = median_seconds(lambda: plain_xlsx(frames), runs)
        line("baseline: the 6 tables, plain to_excel", plain)
        workbook = median_seconds(lambda: plan_workbook_bytes(session, station, FY, AS_OF, SETTINGS), runs)
        line("ITA plan workbook (6 sheets, read + write)", workbook, 0.5, plain)
    engine.dispose()


def all_plan_rows(engine) -> pd.DataFrame:
    """The lit rows of every station in two queries (what plan_rows gives per station)."""
    with engine.connect() as connection:
        acts = pd.read_sql("SELECT * FROM activity WHERE deleted_at IS NULL", connection)
        items = pd.read_sql("SELECT * FROM oit_item WHERE deleted_at IS NULL", connection)
    acts = acts.assign(ref="ก" + acts["seq"].astype(str), sub_indicator=None,
                       title=acts["activity"].str[:140], requires_evidence=False)
    items = items.assign(ref=items["code"], requires_evidence=True,
                         indicator=items["sub_indicator"].str.split(".").str[0].astype(int))
    rows = pd.concat([acts, items], ignore_index=True)
    for column in ("due_date", "start_date"):
        rows[column] = pd.to_datetime(rows[column]).dt.date
    rows = add_lights(rows, AS_OF, fiscal_year_bounds(FY)[0], get_settings())
    rows["light"] = rows["light"].map(LABEL_TH)
    rows["judged_due"] = rows["due_date"]
    rows["responsible"] = rows["responsible_text"]
    return rows[[key for key, _ in COLUMNS["plan-rows"]]]


def bench_large(stations: int, runs: int, folder: Path) -> None:
    started = time.perf_counter()
    engine = build(folder / "large.db", stations)
    print(f"\n{stations} stations built in {time.perf_counter() - started:.1f} s")
    rows = all_plan_rows(engine)
    header(f"{len(rows):,} plan rows, median of {runs} runs")
    plain = median_seconds(lambda: plain_xlsx([rows]), runs)
    line("baseline: plan rows, plain to_excel", plain)
    line("plan rows csv", median_seconds(lambda: to_csv_bytes(rows, "plan-rows"), runs), 10, plain)
    styled = median_seconds(lambda: to_xlsx_bytes(rows, "plan-rows", title="x"), runs)
    line("plan rows xlsx (styled sheet)", styled, 10, plain)
    with Session(engine) as session:
        station = queries.stations(session)[-1].id
        workbook = median_seconds(lambda: plan_workbook_bytes(session, station, FY, AS_OF, SETTINGS), runs)
        line("one station's ITA plan workbook", workbook, 0.5)
    engine.dispose()


def main() -> None:
    args = bench_arguments(__doc__, runs=5).parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_seed(args.runs, Path(folder))
        bench_large(args.stations, max(1, args.runs // 2), Path(folder))


if __name__ == "__main__":
    main()
