"""Timing and command-line helpers shared by the bench scripts (they print numbers; nothing here asserts)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import streamlit as st
from streamlit.logger import set_log_level

from ita_ui import loaders


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls of ``action``."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def forget_cached_reads() -> None:
    """Make the next page run cold: every cached read forgotten, the ``st.cache_data`` ones and the
    views ``ita_ui.loaders`` shares between sessions (``st.cache_resource``). The database engine
    stays, as in a server that has been up a while."""
    set_log_level("error")  # outside a server each clear warns "No runtime found"
    st.cache_data.clear()
    loaders.clear_all()


def bench_arguments(description: str | None, runs: int) -> argparse.ArgumentParser:
    """The options every bench script takes: ``--runs`` (median of how many) and ``--stations``
    (how many copies of the seed plan the generated large database holds); a script adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--stations", type=int, default=1000)
    return parser
