"""The database engine of this process, and the short sessions pages read through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from ita_core.db import make_engine
from ita_core.seed import ensure_database
from ita_core.settings import get_settings
from ita_ui.process import freeze_startup_objects


@st.cache_resource(show_spinner="กำลังเตรียมฐานข้อมูล…")
def cached_engine(url: str) -> Engine:
    """One engine per database URL and process; the first call migrates and loads the seed. By
    then a page has imported what it needs, so the process's long-lived objects are frozen out of
    the garbage collector (:func:`ita_ui.process.freeze_startup_objects`, once per process)."""
    db = make_engine(url)
    ensure_database(db, get_settings().data_dir)
    freeze_startup_objects()
    return db


def engine() -> Engine:
    """The engine of the configured database (``ITA_DATABASE_URL``)."""
    return cached_engine(get_settings().database_url)


@contextmanager
def reading() -> Iterator[Session]:
    """A session to call ``ita_core`` read functions with; pages never build queries themselves.

    Writes go through :func:`ita_ui.writes.write` instead (one transaction, Thai errors).
    """
    with Session(engine()) as session:
        yield session
