"""Recurring duties expanded into dated occurrences (report on the 28th, month end, …)."""

from __future__ import annotations

from datetime import date, timedelta

from ita_core.models import DutyKind, RecurringDuty
from ita_core.thai_dates import month_end


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def occurrences(duty: RecurringDuty, window_start: date, window_end: date) -> list[date]:
    """Due dates of ``duty`` inside its own bounds and the window (usually the fiscal year).

    A day-of-month past a month's end falls on that month's last day (the 31st in February
    is 29 Feb 2024), so no month is skipped.
    """
    first = max(duty.start or window_start, window_start)
    last = min(duty.end or window_end, window_end)
    if first > last:
        return []
    if duty.kind == DutyKind.DAILY:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if duty.kind == DutyKind.EVERY_N_DAYS:
        step = max(duty.interval_days or 1, 1)
        return [first + timedelta(days=n) for n in range(0, (last - first).days + 1, step)]
    if duty.kind == DutyKind.DAY_OF_MONTH:
        days = [min(month_end(y, m), date(y, m, 1) + timedelta(days=(duty.day or 1) - 1))
                for y, m in _months(first, last)]
    elif duty.kind == DutyKind.MONTH_END:
        days = [month_end(y, m) for y, m in _months(first, last)]
    else:
        raise ValueError(f"unknown recurring duty kind {duty.kind!r}")
    return [d for d in days if first <= d <= last]
