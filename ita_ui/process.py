"""Work done once per server process, not per run."""

from __future__ import annotations

import gc

import streamlit as st


@st.cache_resource(show_spinner=False)
def freeze_startup_objects() -> int:
    """Collect, then freeze what survives, once per process when it first opens its database
    (:func:`ita_ui.engine.cached_engine`); returns how many objects were frozen.

    The libraries a run imports (Streamlit, pandas, plotly, SQLAlchemy) leave some 240,000 objects
    that live as long as the process. CPython's cyclic collector re-scanned them all in each full
    collection: about 110 ms on a 2-core machine, landing on a random page run every few runs.
    Frozen, they are left out of every later collection (``gc.freeze``, meant for long-lived
    servers). Only objects alive at that moment are kept for good, and they were: garbage is
    collected first."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
