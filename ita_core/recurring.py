"""Recurring duties expanded into dated occurrences (report on the 28th, month end, …)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session, col, select

from ita_core.labels import DUTY_KIND_TH
from ita_core.models import DutyKind, OitItem, RecurringDuty
from ita_core.thai_dates import fiscal_year_bounds, format_be, month_end


def describe(duty: RecurringDuty) -> str:
    """The rhythm in Thai, as the secretary would say it: "ทุกวันที่ 28 ของเดือน · 1 ต.ค. 2566 – …"."""
    if duty.kind == DutyKind.DAY_OF_MONTH:
        rhythm = f"ทุกวันที่ {duty.day} ของเดือน"
    elif duty.kind == DutyKind.EVERY_N_DAYS:
        rhythm = f"ทุก {duty.interval_days} วัน"
    else:
        rhythm = DUTY_KIND_TH.get(duty.kind, str(duty.kind))
    if duty.start or duty.end:
        rhythm += f" · {format_be(duty.start) if duty.start else 'ต้นปีงบประมาณ'} – " \
                  f"{format_be(duty.end) if duty.end else 'สิ้นปีงบประมาณ'}"
    return rhythm


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


def _in_month(duty: RecurringDuty, year: int, month: int) -> date:
    if duty.kind == DutyKind.MONTH_END:
        return month_end(year, month)
    return min(month_end(year, month), date(year, month, 1) + timedelta(days=(duty.day or 1) - 1))


def _step_month(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def next_or_last(duty: RecurringDuty, as_of: date, window_start: date, window_end: date) -> date | None:
    """The first occurrence on or after ``as_of``, else the last one; None for daily duties or
    none at all. The same answer as scanning :func:`occurrences`, in constant time (many stations)."""
    first = max(duty.start or window_start, window_start)
    last = min(duty.end or window_end, window_end)
    if first > last or duty.kind == DutyKind.DAILY:
        return None
    if duty.kind == DutyKind.EVERY_N_DAYS:
        step = max(duty.interval_days or 1, 1)
        final = first + timedelta(days=(last - first).days // step * step)
        if as_of <= first:
            return first
        ahead = first + timedelta(days=-(-(as_of - first).days // step) * step)
        return ahead if ahead <= last else final
    year, month = (as_of.year, as_of.month) if as_of >= first else (first.year, first.month)
    candidate = _in_month(duty, year, month)
    if candidate < max(as_of, first):
        candidate = _in_month(duty, *_step_month(year, month, 1))
    if candidate <= last:
        return candidate
    final = _in_month(duty, last.year, last.month)
    if final > last:
        final = _in_month(duty, *_step_month(last.year, last.month, -1))
    return final if final >= first else None


# --- the months an OIT item must be published in (used by the matrix and the write path) ---

def first_of_month(day: date) -> date:
    """The month a day falls in, as its first day (the key of a month cell)."""
    return day.replace(day=1)


def due_by_month(due_date: date | None, duties: Iterable[RecurringDuty],
                 fiscal_year: int) -> dict[date, date]:
    """The required months of one item (first of month → due date of that cell), by the rules above."""
    start, end = fiscal_year_bounds(fiscal_year)
    cells: dict[date, date] = {}
    recurring = [d for d in duties if d.kind != DutyKind.DAILY]
    for duty in recurring:
        for day in occurrences(duty, start, end):
            month = first_of_month(day)
            cells[month] = max(cells.get(month, day), day)
    if not recurring and due_date is not None and start <= due_date <= end:
        cells[first_of_month(due_date)] = due_date
    return dict(sorted(cells.items()))


def item_required_months(session: Session, item: OitItem) -> dict[date, date]:
    """The required months of one stored item (used by the write path to refuse other months)."""
    duties = session.exec(select(RecurringDuty).where(col(RecurringDuty.oit_item_id) == item.id)).all()
    return due_by_month(item.due_date, duties, item.fiscal_year)
