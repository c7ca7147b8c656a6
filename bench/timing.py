"""Timing and command-line helpers shared by the bench scripts (they print numbers; nothing here asserts)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls of ``action``."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench_arguments(description: str | None, runs: int) -> argparse.ArgumentParser:
    """The options every bench script takes: ``--runs`` (median of how many) and ``--stations``
    (how many copies of the seed plan the generated large database holds); a script adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--stations", type=int, default=1000)
    return parser
