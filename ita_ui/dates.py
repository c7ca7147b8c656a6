"""Dates a Thai user reads and picks in the Buddhist Era.

Streamlit's ``st.date_input`` shows Gregorian dates only (its format option has no BE year), so
a date is picked with :func:`be_date_input`: three selects, day, Thai month and BE year, that
return a CE ``date`` like ``st.date_input`` does. The audit page's date range still uses
Streamlit's picker with the range written under it in BE (:func:`be_caption`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import streamlit as st

from ita_core.thai_dates import BE_OFFSET, MONTHS_ABBR, format_be, month_end

DAY, MONTH, YEAR = "day", "month", "year"  # the three selects' keys: f"{key}_{DAY}" …
YEARS_AROUND = 10  # without bounds, the years offered around the date (as st.date_input does)


def be_text(chosen: date | Iterable[date] | None) -> str:
    """``พ.ศ. 16 มี.ค. 2567`` for one date, ``พ.ศ. 1 – 31 มี.ค. …`` joined by a dash for a range,
    empty when nothing is chosen."""
    if chosen is None:
        return ""
    days = [chosen] if isinstance(chosen, date) else [d for d in chosen if isinstance(d, date)]
    return f"พ.ศ.: {' – '.join(format_be(d) for d in days)}" if days else ""


def be_caption(chosen: date | Iterable[date] | None, where: Any = st) -> None:
    """Write :func:`be_text` of ``chosen`` as a caption in ``where`` (a column, the sidebar, a form)."""
    text = be_text(chosen)
    if text:
        where.caption(text)


def part_key(key: str, part: str) -> str:
    """The widget key of one select of :func:`be_date_input` (tests set them by it)."""
    return f"{key}_{part}"


def _shown_key(key: str) -> str:
    return f"{key}_shown"


def combine(day: int | None, month: int | None, be_year: int | None, *, min_value: date,
            max_value: date) -> tuple[date | None, str]:
    """The date of the three selects, or None with the Thai reason it is none: a part is empty
    (no reason: nothing to say yet), the month has no such day (31 ก.พ.), or the date lies
    outside ``min_value``..``max_value``. A wrong date is never moved to a near one: the selects
    keep what the user picked, so picking day, then month, then year never fights the bounds."""
    if day is None or month is None or be_year is None:
        return None, ""
    year = be_year - BE_OFFSET
    last = month_end(year, month).day
    if day > last:
        return None, f"{MONTHS_ABBR[month - 1]} {be_year} มี {last} วัน"
    chosen = date(year, month, day)
    if not min_value <= chosen <= max_value:
        return None, f"เลือกได้ {format_be(min_value)} – {format_be(max_value)}"
    return chosen, ""


def _bounds(value: date | None, min_value: date | None, max_value: date | None) -> tuple[date, date]:
    around = value or date.today()
    low = min_value or around.replace(year=around.year - YEARS_AROUND, day=1)
    high = max_value or around.replace(year=around.year + YEARS_AROUND, day=1)
    return low, high


def _show(key: str, day: date | None) -> None:
    """Set the three selects to ``day`` (before they are drawn in this run)."""
    st.session_state[part_key(key, DAY)] = day.day if day else None
    st.session_state[part_key(key, MONTH)] = day.month if day else None
    st.session_state[part_key(key, YEAR)] = day.year + BE_OFFSET if day else None
    st.session_state[_shown_key(key)] = day


def be_date_input(label: str, *, value: date | None, key: str, min_value: date | None = None,
                  max_value: date | None = None, allow_empty: bool = False, where: Any = st) -> date | None:
    """A date picked as day, Thai month and BE year; returns the CE date.

    ``st.session_state[key]`` holds the date, like a date picker's key: code (the sidebar's
    as-of date from ``?as_of=``) or a test may set it before the run, and the selects follow; they
    show it again whenever it no longer is what they showed last, so a change made elsewhere is
    never hidden by what they still hold. While the selects make no valid date (a part empty, 31
    ก.พ., outside the bounds) a Thai line says why and the last valid date is returned (None with
    ``allow_empty`` when all three are empty). No callbacks, so it works inside ``st.form``.
    ``where``: the sidebar or a column (inside a form, the default ``st``)."""
    low, high = _bounds(value, min_value, max_value)
    current = st.session_state.get(key, value)
    current = current if isinstance(current, date) and low <= current <= high else (
        None if allow_empty and current is None else min(max(value or low, low), high))
    parts = [part_key(key, part) for part in (DAY, MONTH, YEAR)]
    if any(p not in st.session_state for p in parts) or st.session_state.get(_shown_key(key)) != current:
        _show(key, current)
    where.markdown(f":small[{label}]")  # the size of the other widgets' labels
    left, middle, right = where.columns([1, 1.2, 1.3], gap="xxsmall")
    empty: dict[str, Any] = {"index": None} if allow_empty else {}  # index=None adds a clear button
    day = left.selectbox(f"{label}: วัน", list(range(1, 32)), placeholder="วัน", key=parts[0],
                         label_visibility="collapsed", **empty)
    month = middle.selectbox(f"{label}: เดือน", list(range(1, 13)), placeholder="เดือน",
                             format_func=lambda m: MONTHS_ABBR[m - 1], key=parts[1],
                             label_visibility="collapsed", **empty)
    years = list(range(low.year + BE_OFFSET, high.year + BE_OFFSET + 1))
    year = right.selectbox(f"{label}: ปี พ.ศ.", years, placeholder="พ.ศ.", key=parts[2],
                           label_visibility="collapsed", **empty)
    chosen, problem = combine(day, month, year, min_value=low, max_value=high)
    if chosen is None and not (allow_empty and day is None and month is None and year is None):
        problem = problem or "เลือกวัน เดือน และปี พ.ศ. ให้ครบ"
        kept = f" · ยังใช้ {format_be(current)}" if current else ""
        where.warning(f"{label}: {problem}{kept}")
        return current
    st.session_state[key] = st.session_state[_shown_key(key)] = chosen
    return chosen
