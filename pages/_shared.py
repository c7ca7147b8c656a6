"""What every page needs: the cached engine (schema + seed on first run) and the context picker.

This module is UI glue only; all logic is in ita_core.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import queries
from ita_core.db import make_engine
from ita_core.seed import ensure_database
from ita_core.settings import get_settings


@st.cache_resource(show_spinner="กำลังเตรียมฐานข้อมูล…")
def engine() -> Engine:
    """One engine per process; the first call migrates the schema and loads the seed."""
    settings = get_settings()
    db = make_engine(settings.database_url)
    ensure_database(db, settings.data_dir)
    return db


@dataclass(frozen=True)
class Context:
    """The station and fiscal year a page shows."""

    station_id: int
    station_name: str
    fiscal_year: int


def pick_context() -> Context | None:
    """Station and fiscal-year selectors in the sidebar; None when the database holds no plan."""
    with Session(engine()) as session:
        stations = queries.stations(session)
        if not stations:
            return None
        names = {s.id: f"{s.name_th} ({s.code})" for s in stations}
        station_id = st.sidebar.selectbox("สถานี", list(names), format_func=names.get)
        years = [fy.be_year for fy in queries.fiscal_years(session, station_id)]
    if not years:
        return None
    fiscal_year = st.sidebar.selectbox("ปีงบประมาณ (พ.ศ.)", years)
    return Context(station_id, names[station_id], fiscal_year)
