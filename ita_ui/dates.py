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


Parts = tuple[int | None, int | None, int | None]  # day, month, BE year as the selects show them


def _parts(day: date | None) -> Parts:
    return (day.day, day.month, day.year + BE_OFFSET) if day else (None, None, None)


def _picked_key(key: str) -> str:
    return f"{key}_picked"


def _set_selects(key: str, parts: Parts) -> None:
    """Give the three selects ``parts`` (before they are drawn in this run)."""
    for part, shown in zip((DAY, MONTH, YEAR), parts, strict=True):
        st.session_state[part_key(key, part)] = shown


def _remember(key: str) -> None:
    """A select changed (a callback, before the run): keep what the three show now, for the date
    they were set from, so the next run and the next page draw them so again."""
    parts = tuple(st.session_state.get(part_key(key, part)) for part in (DAY, MONTH, YEAR))
    kept = st.session_state.get(_picked_key(key))
    st.session_state[_picked_key(key)] = (parts, kept[1] if kept else None)


def _prepare(key: str, current: date | None, in_form: bool) -> dict[str, Any]:
    """Set the selects before they are drawn; the keyword arguments they are drawn with.

    Outside a form the selects are set on every run from what the user last picked (kept in the
    session by a callback), or from the date when it changed elsewhere (the address, a test, the
    code): a select's own state does not survive a change of page (its id is the page's), so it is
    never trusted alone. Inside a form no callback is allowed and the picked values arrive only
    with the submit, so the selects are set only when the date is no longer the one they showed."""
    if in_form:
        parts = [part_key(key, part) for part in (DAY, MONTH, YEAR)]
        kept = st.session_state.get(_picked_key(key))
        if any(p not in st.session_state for p in parts) or kept is None or kept[1] != current:
            _set_selects(key, _parts(current))
            st.session_state[_picked_key(key)] = (_parts(current), current)
        return {}
    kept = st.session_state.get(_picked_key(key))
    if kept is None or kept[1] != current:
        kept = (_parts(current), current)
        st.session_state[_picked_key(key)] = kept
    _set_selects(key, kept[0])
    return {"on_change": _remember, "args": (key,)}


def be_date_input(label: str, *, value: date | None, key: str, min_value: date | None = None,
                  max_value: date | None = None, allow_empty: bool = False, in_form: bool = False,
                  where: Any = st) -> date | None:
    """A date picked as day, Thai month and BE year; returns the CE date.

    ``st.session_state[key]`` holds the date, like a date picker's key: code (the sidebar's
    as-of date from ``?as_of=``) or a test may set it before the run, and the selects follow.
    While the selects make no valid date (a part empty, 31 ก.พ., outside the bounds) a Thai line
    says why, the selects keep what was picked and the last valid date is returned (None with
    ``allow_empty`` when all three are empty). ``in_form``: inside ``st.form`` (see
    :func:`_prepare`). ``where``: the sidebar or a column (inside a form, the default ``st``)."""
    low, high = _bounds(value, min_value, max_value)
    current = st.session_state.get(key, value)
    current = current if isinstance(current, date) and low <= current <= high else (
        None if allow_empty and current is None else min(max(value or low, low), high))
    parts = [part_key(key, part) for part in (DAY, MONTH, YEAR)]
    remember = _prepare(key, current, in_form)
    where.markdown(f":small[{label}]")  # the size of the other widgets' labels
    left, middle, right = where.columns([1, 1.2, 1.3], gap="xxsmall")
    empty: dict[str, Any] = {"index": None} if allow_empty else {}  # index=None adds a clear button
    day = left.selectbox(f"{label}: วัน", list(range(1, 32)), placeholder="วัน", key=parts[0],
                         label_visibility="collapsed", **empty, **remember)
    month = middle.selectbox(f"{label}: เดือน", list(range(1, 13)), placeholder="เดือน",
                             format_func=lambda m: MONTHS_ABBR[m - 1], key=parts[1],
                             label_visibility="collapsed", **empty, **remember)
    years = list(range(low.year + BE_OFFSET, high.year + BE_OFFSET + 1))
    year = right.selectbox(f"{label}: ปี พ.ศ.", years, placeholder="พ.ศ.", key=parts[2],
                           label_visibility="collapsed", **empty, **remember)
    chosen, problem = combine(day, month, year, min_value=low, max_value=high)
    if chosen is None and not (allow_empty and day is None and month is None and year is None):
        problem = problem or "เลือกวัน เดือน และปี พ.ศ. ให้ครบ"
        kept = f" · ยังใช้ {format_be(current)}" if current else ""
        where.warning(f"{label}: {problem}{kept}")
        st.session_state[_picked_key(key)] = ((day, month, year), current)
        return current
    st.session_state[key] = chosen
    st.session_state[_picked_key(key)] = ((day, month, year), chosen)
    return chosen
