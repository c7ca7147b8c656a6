"""Picking a date in AppTest the way a user does in ita_ui.dates.be_date_input (day, Thai month, BE year)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ita_core.thai_dates import BE_OFFSET
from ita_ui.dates import DAY, MONTH, YEAR, part_key


def pick_be_date(where: Any, key: str, day: date) -> None:
    """Choose ``day`` in the BE date input of ``key``: the day, the month and the BE year
    (``where``: an AppTest, its sidebar or a column; run the app after)."""
    where.selectbox(key=part_key(key, DAY)).set_value(day.day)
    where.selectbox(key=part_key(key, MONTH)).set_value(day.month)
    where.selectbox(key=part_key(key, YEAR)).set_value(day.year + BE_OFFSET)


def shown_be_date(where: Any, key: str) -> tuple[int, str, int]:
    """What the three selects of ``key`` show: day, Thai month, BE year."""
    month = where.selectbox(key=part_key(key, MONTH))
    return (where.selectbox(key=part_key(key, DAY)).value, month.format_func(month.value),
            where.selectbox(key=part_key(key, YEAR)).value)
