"""bench/generate.py: the national database holds exactly the rows a small run should make."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bench import bench_scale
from bench import browser as in_browser
from bench.generate import build_national, populate_national, table_counts
from bench.regions import PLACES, REGIONS, place_of, region_of
from ita_core.db import make_engine
from ita_core.models import Activity, AuditLog, OitItem, Phase, Publication, Station


def test_regions_hold_every_province_once() -> None:
    provinces = [p for ps in REGIONS.values() for p in ps]
    assert len(provinces) == len(set(provinces)) == 77
    assert len(REGIONS) == 10 and set(REGIONS) == {"บช.น.", *(f"ภ.{n}" for n in range(1, 10))}
    assert region_of(1) == ("ภ.5", "เชียงใหม่")
    assert place_of(2) == ("R5-0002", "สภ.ทดสอบ 2 (ภ.5 เชียงราย)", "เชียงราย")
    assert sum(1 for region, _ in PLACES if region == "บช.น.") == 5


def test_three_stations_three_years_exact_counts(engine: Engine) -> None:
    populate_national(engine, 3)
    counts = table_counts(engine)
    # the seed station: 26 activities, 25 OIT items (128 components), 40 people, 204 assignments,
    # 43 recurring duties, 9 phases, 7 survey quotas per year; × 3 years × 3 stations (people × 3 stations)
    assert {name: counts[name] for name in ("station", "activity", "oit_item", "oit_component", "person",
                                            "assignment", "recurring_duty", "phase", "survey_quota",
                                            "publication", "fiscal_year", "framework")} == {
        "station": 3, "activity": 234, "oit_item": 225, "oit_component": 1152, "person": 120,
        "assignment": 1836, "recurring_duty": 387, "phase": 81, "survey_quota": 63,
        "publication": 2700, "fiscal_year": 3, "framework": 3}
    with Session(engine) as session:
        per_station = dict(session.execute(
            select(AuditLog.station_id, func.count()).where(AuditLog.station_id.is_not(None))  # type: ignore[union-attr]
            .group_by(AuditLog.station_id)).all())
        # 25 items × 12 months × 3 years × 2 fields + (25 items + 26 activities) × 3 years × 2 fields
        assert per_station == {1: 2106, 2: 2106, 3: 2106}
        stations = session.execute(
            select(Station.id, Station.code, Station.province).order_by(Station.id)).all()
        assert [tuple(s) for s in stations] == [(1, "chiangmai", "เชียงใหม่"), (2, "R5-0002", "เชียงราย"),
                                                (3, "R5-0003", "ลำพูน")]
        years = session.execute(select(Activity.fiscal_year, func.count()).where(Activity.station_id == 3)
                                .group_by(Activity.fiscal_year).order_by(Activity.fiscal_year)).all()
        assert [tuple(y) for y in years] == [(2567, 26), (2568, 26), (2569, 26)]
        first_phase = {row.fiscal_year: row.start for row in session.exec(  # type: ignore[call-overload]
            select(Phase).where(Phase.station_id == 2, Phase.seq == 1)).scalars()}
        assert first_phase == {2567: date(2023, 10, 1), 2568: date(2024, 10, 1), 2569: date(2025, 10, 1)}
        # every publication points at an OIT item of its own station and year
        mismatched = session.execute(
            select(func.count()).select_from(Publication).join(OitItem, Publication.item_id == OitItem.id)
            .where((OitItem.station_id != Publication.station_id)
                   | (OitItem.fiscal_year != Publication.fiscal_year))).scalar()
        assert mismatched == 0


# --- bench_scale's JSON line: every key, the browser figures null when skipped -----------------

APP_KEYS = ["bare_s", "province_cold_s", "station_overview_cold_s", "oit_matrix_cold_s", "audit_page_cold_s",
            "audit_filtered_cold_s", "province_warm_s", "rollover_one_station_s"]


@pytest.fixture(scope="module")
def national_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A national database of 2 stations (3 years each), shared by the bench_scale tests."""
    path = tmp_path_factory.mktemp("national") / "national.db"
    build_national(path, 2).dispose()
    return f"sqlite:///{path}"


def test_bench_scale_figures_without_the_browser(national_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_DATABASE_URL", national_url)  # measure() points the app at it; put back after
    figures = bench_scale.measure(national_url, 1, lambda _: None, browser=False)
    ratios = [key.removesuffix("_s") + "_ratio" for key in APP_KEYS[1:]]
    assert list(figures) == ["database", "stations", "audit_rows", "runs", *APP_KEYS, *ratios,
                             "station_pages_cold_s", "station_pages_cold_ratio", "station_slowest_cold_ratio",
                             "apptest_scan_s", "peak_rss_mb", *bench_scale.BROWSER_KEYS]
    pages, page_ratios = figures["station_pages_cold_s"], figures["station_pages_cold_ratio"]
    assert isinstance(pages, dict) and isinstance(page_ratios, dict)
    assert list(pages) == list(page_ratios) == bench_scale.STATION_PAGES  # every page of a station
    assert (pages["overview"], pages["oit_matrix"], pages["audit"]) == (
        figures["station_overview_cold_s"], figures["oit_matrix_cold_s"], figures["audit_page_cold_s"])
    assert page_ratios == {page: round(seconds / figures["bare_s"], 2) for page, seconds in pages.items()}
    assert figures["station_slowest_cold_ratio"] == max(page_ratios.values())
    assert figures["apptest_scan_s"] > 0  # timed on its own: a noisy machine can make it exceed bare_s
    assert (figures["database"], figures["stations"], figures["runs"]) == ("sqlite", 2, 1)
    assert all(figures[key] is None for key in bench_scale.BROWSER_KEYS)  # in the JSON as null
    assert figures["audit_rows"] >= 2 * 2106  # the generated trail, plus what seeding and the rollover wrote
    assert figures["oit_matrix_cold_ratio"] == round(figures["oit_matrix_cold_s"] / figures["bare_s"], 2)
    assert json.loads(json.dumps(figures))["server_rss_20_mb"] is None
    with Session(make_engine(national_url)) as session:  # the timed rollover was rolled back: a rerun works
        assert session.execute(select(func.count()).select_from(Activity)
                               .where(Activity.fiscal_year == 2570)).scalar() == 0


def test_peak_rss_counts_the_process_and_its_children() -> None:
    """``server_rss_20_mb`` reads VmHWM from /proc for the server and its children: a child that
    touched 60 MB is counted under its parent."""
    touch = "block = b'x' * 60_000_000; print('ready', flush=True); input()"
    child = subprocess.Popen([sys.executable, "-c", touch], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        alone = in_browser.peak_rss_mb(child.pid)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert alone >= 60
        assert in_browser.peak_rss_mb(os.getpid()) >= own + alone - 1  # the child's peak added to ours
    finally:
        child.kill()
        child.wait()


@pytest.mark.e2e
def test_bench_scale_browser_figures(national_url: str) -> None:
    """The pages opened by address in Chromium and the 20-session memory figure."""
    if not in_browser.has_browser():  # as the e2e tests: skipped locally, a failure in CI
        if os.environ.get("CI"):
            pytest.fail("Chromium missing at /usr/bin/chromium; CI must apt-get install chromium")
        pytest.skip("Chromium not installed")
    assert ["province", *bench_scale.STATION_PAGES] == bench_scale.BROWSER_PAGES  # what a bench run opens
    assert set(bench_scale.BROWSER_PAGES) <= set(in_browser.TITLES)  # each with the heading it waits for
    # two of them here (every page took 7 minutes on a loaded machine); home has no address of its own
    figures = bench_scale._browser_figures(national_url, "chiangmai", 1, lambda _: None,
                                           pages=["province", "home"])
    assert list(figures) == bench_scale.BROWSER_KEYS
    pages = figures["browser_pages_s"]
    assert isinstance(pages, dict) and list(pages) == ["province", "home"]
    bare = figures["browser_bare_s"]
    assert isinstance(bare, float) and bare > 0 and all(seconds > 0 for seconds in pages.values())
    assert figures["browser_pages_ratio"] == {page: round(s / bare, 2) for page, s in pages.items()}
    assert figures["browser_slowest_ratio"] == max(figures["browser_pages_ratio"].values())
    rss = figures["server_rss_20_mb"]
    assert isinstance(rss, float) and rss > 50  # a Streamlit server with 20 sessions, read from /proc
