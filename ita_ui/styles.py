"""CSS the pages share: light-tinted boxes, and the meeting page's projector-sized text."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

LIGHT_CSS = """<style>
[class*="st-key-light_green"] {background: #e3f4e8; border-left: 10px solid #1a9850 !important;}
[class*="st-key-light_yellow"] {background: #fff6d5; border-left: 10px solid #f1c40f !important;}
[class*="st-key-light_red"] {background: #fde3df; border-left: 10px solid #d73027 !important;}
[class*="st-key-light_grey"] {background: #f0f0f0; border-left: 10px solid #9e9e9e !important;}
</style>"""

PROJECTOR_CSS = ("<style>.stMainBlockContainer p, .stMainBlockContainer li {font-size: 1.35rem;}"
                 ".stMainBlockContainer h1 {font-size: 3rem;}"
                 "[data-testid=stMetricValue] {font-size: 3.2rem;}</style>")


def light_box(overall: str, key: str) -> DeltaGenerator:
    """A bordered box tinted by an overall light (green/yellow/red/grey)."""
    st.html(LIGHT_CSS)
    return st.container(border=True, key=f"light_{overall}_{key}")


def projector_text() -> None:
    """Large text for a meeting room's projector (the meeting page)."""
    st.html(PROJECTOR_CSS)
