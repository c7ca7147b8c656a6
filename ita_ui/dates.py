"""The chosen date in the Buddhist Era beside a date picker.

Streamlit's ``st.date_input`` shows Gregorian dates only (its format option has no BE year), so
every page that asks for a date writes the chosen date under it in the app's one date style
(``ita_core.thai_dates.format_be``): ``16 มี.ค. 2567``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import streamlit as st

from ita_core.thai_dates import format_be


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
