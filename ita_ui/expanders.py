"""Lazy expanders: a list of many rows whose heavy contents (a form, a history) a page draws only
inside the row that is open.

Streamlit draws a plain ``st.expander``'s contents even while it is closed, so a list of 40 rows
each holding a progress form drew 40 forms on every run (งานของฉัน for the secretary: 6.5× the bare
page). An expander made with ``on_change="rerun"`` tracks whether it is open (``.open``) and
reruns the page when tapped, so the page draws a row's contents only while it is open.

Its open state is a widget value whose identity includes its label. A row's heading carries its
light, which a save changes, and a changed label would start a new, closed widget: the row the
user just saved would fold away. :func:`lazy_expander` remembers the label each open row was
drawn with and reopens the row when only its label changed, so a row stays open over saves,
conflicts and other reruns until the user closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

OPEN_LABELS = "lazy_expanders_open"  # session key: {expander key: the label it was open with}


def lazy_expander(label: str, *, key: str, expanded: bool = False,
                  where: DeltaGenerator | None = None) -> ExpanderContainer:
    """An expander keyed ``key`` whose ``.open`` says whether to draw its contents; setting
    ``st.session_state[key] = True`` before the run opens it (how a test opens a row).
    ``expanded``: open when first drawn (a short list the reader should see at once); ``where``:
    the container to draw it in (the main area when None).

    Draw into it only ``if box.open``: a closed row draws nothing but its heading."""
    opened: dict[str, str] = st.session_state.setdefault(OPEN_LABELS, {})
    if opened.get(key, label) != label:  # open before, drawn now under a new heading: keep it open
        st.session_state[key] = True
    box = (where or st).expander(label, expanded=expanded, key=key, on_change="rerun")
    if box.open:
        opened[key] = label
    else:
        opened.pop(key, None)
    return box
