"""CSS the pages share: light-tinted boxes, the meeting page's projector-sized text and its
presentation mode, tables whose cells wrap whole words, and file uploaders that speak Thai."""

from __future__ import annotations

import unicodedata

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ita_core.meeting import ATTENTION_COLUMNS, markdown_text

LIGHT_CSS = """<style>
[class*="st-key-light_green"] {background: #e3f4e8; border-left: 10px solid #1a9850 !important;}
[class*="st-key-light_yellow"] {background: #fff6d5; border-left: 10px solid #f1c40f !important;}
[class*="st-key-light_red"] {background: #fde3df; border-left: 10px solid #d73027 !important;}
[class*="st-key-light_grey"] {background: #f0f0f0; border-left: 10px solid #9e9e9e !important;}
</style>"""

# Where each size of the projector's type scale applies. The metric rules name the metric's
# own <p> and <div>s: Streamlit renders the value as markdown, so the body rule
# `.stMainBlockContainer p` (1.35rem) used to win over a rule on the value's box and shrank
# "เสร็จ 77%" to body size. These selectors are more specific, so they win.
_MAIN = ".stMainBlockContainer"
TYPE_SCALE_TARGETS = {
    "body": f"{_MAIN} p, {_MAIN} li",
    "h1": f"{_MAIN} h1",
    "h3": f"{_MAIN} h3",
    "metric": ", ".join(f'{_MAIN} [data-testid="stMetricValue"]{inner}' for inner in ("", " div", " p")),
    "label": f'{_MAIN} [data-testid="stMetricLabel"] p',
    "delta": ", ".join(f'{_MAIN} [data-testid="stMetricDelta"] {inner}' for inner in ("div", "p")),
    "table": ", ".join(f'{_MAIN} [data-testid="stTable"] {cell}' for cell in ("th", "td", "td p")),
}


def type_scale(sizes: dict[str, str], extra: str = "") -> str:
    """A <style> block giving each part of the page in ``sizes`` its font size (and ``extra`` rules)."""
    rules = [f"{TYPE_SCALE_TARGETS[part]} {{font-size: {size};}}" for part, size in sizes.items()]
    return "<style>\n" + extra + "\n".join(rules) + "\n</style>"


# Body text, headings, metrics and tables large enough to read from the back of a meeting room.
PROJECTOR_CSS = type_scale({"body": "1.35rem", "h1": "3rem", "metric": "3.2rem", "label": "1.5rem",
                            "delta": "1.3rem", "table": "1.2rem"},
                           extra=f"{TYPE_SCALE_TARGETS['metric']} {{line-height: 1.2;}}\n"
                                 f"{TYPE_SCALE_TARGETS['label']} {{font-weight: 600;}}\n")

# Presentation mode: no sidebar and no control to open it, the page across the whole screen,
# and type one step larger again.
PRESENT_CSS = type_scale(
    {"body": "1.6rem", "h1": "3.6rem", "h3": "2.2rem", "metric": "4rem", "label": "1.8rem", "delta": "1.5rem",
     "table": "1.45rem"},
    extra='[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], '
          '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] '
          "{display: none !important;}\n"
          f"{_MAIN} {{max-width: 100% !important; padding-top: 2rem;}}\n")

# st.table renders each cell as Markdown in a box at most 400 px wide: let it use the whole
# column, top-aligned. Lines break where the browser's Thai dictionary finds a word boundary
# (no `overflow-wrap: anywhere`, which splits a name such as พลังช้างสาร in the middle).
WRAPPED_TABLE_CSS = """<style>
[data-testid="stTable"] td [data-testid="stMarkdownContainer"] {max-width: none;}
[data-testid="stTable"] td {vertical-align: top;}
[data-testid="stTable"] th {white-space: nowrap;}
</style>"""
WORD_JOINER = "\u2060"


# Streamlit's file uploader has no option for its own words ("Upload", "5MB per file • XLSX, CSV"):
# the English text is sized to nothing and Thai is written in its place with ::after. The
# selectors are Streamlit's data-testids (checked in Chromium by tests/test_e2e.py).
_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
UPLOADER_BUTTON = f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p'
UPLOADER_NOTE = '[data-testid="stFileUploaderDropzoneInstructions"] span'
UPLOAD_WORD = "เลือกไฟล์"


def uploader_note(max_mb: int, kinds: tuple[str, ...]) -> str:
    """What the uploader says beside its button: where to drop, how large, which kinds."""
    return f"ลากไฟล์มาวางที่นี่ · ไม่เกิน {max_mb} MB ต่อไฟล์ · {', '.join(k.upper() for k in kinds)}"


def thai_uploader_css(max_mb: int, kinds: tuple[str, ...]) -> str:
    """The <style> that replaces the uploader's English words with Thai (see :func:`thai_uploader`)."""
    return (f"<style>\n{UPLOADER_BUTTON}, {UPLOADER_NOTE} {{font-size: 0 !important;}}\n"
            f'{UPLOADER_BUTTON}::after {{content: "{UPLOAD_WORD}"; font-size: 0.875rem;}}\n'
            f'{UPLOADER_NOTE}::after {{content: "{uploader_note(max_mb, kinds)}"; font-size: 0.875rem;}}\n'
            "</style>")


def thai_uploader(*, max_mb: int, kinds: tuple[str, ...]) -> None:
    """Make the file uploaders of this page say เลือกไฟล์ and their limit in Thai (the limit and
    kinds the page passes to ``st.file_uploader``, so the words never disagree with it)."""
    st.html(thai_uploader_css(max_mb, kinds))


def light_styles() -> None:
    """The tints of :func:`light_box`, once per page run (the overview draws ten boxes; one
    ``<style>`` element each was ten elements more to build and send on every run)."""
    st.html(LIGHT_CSS)


def light_box(overall: str, key: str) -> DeltaGenerator:
    """A bordered box tinted by an overall light (green/yellow/red/grey); the page calls
    :func:`light_styles` once before its boxes."""
    return st.container(border=True, key=f"light_{overall}_{key}")


def projector_text() -> None:
    """Large text for a meeting room's projector (the meeting page)."""
    st.html(PROJECTOR_CSS)


def presentation_mode() -> None:
    """Hide the sidebar and its open/close controls and enlarge type: the page fills the projector."""
    st.html(PRESENT_CSS)


def unbreakable_words(text: str) -> str:
    """``text`` with a zero-width word joiner before every letter inside a space-separated word,
    so a line breaks only at spaces: the browser's Thai dictionary does not know people's names
    and would break นันทิพัฒน์ after นันทิ. Marks (vowels, tone marks) stay on their letter.

    Built with ``str.join`` and ``str.replace`` (a joiner between every two characters, then taken
    away beside spaces and before marks): a loop over each character cost ~4 ms of the meeting
    page's run; each distinct character's Unicode category is asked once."""
    joined = WORD_JOINER.join(text).replace(WORD_JOINER + " ", " ").replace(" " + WORD_JOINER, " ")
    for mark in {c for c in set(text) if unicodedata.category(c).startswith("M")}:
        joined = joined.replace(WORD_JOINER + mark, mark)
    return joined


def wrapped_table(frame: pd.DataFrame, *, names: tuple[str, ...] = (), nowrap: tuple[str, ...] = ()) -> None:
    """A static table (``st.table``) whose long titles wrap at whole words instead of being cut;
    the ``names`` columns break only between names and the ``nowrap`` columns (dates, day
    counts) not at all. Streamlit renders its cells as Markdown, so every text cell is escaped
    (after the joiners, so each backslash stays next to the character it escapes): a title or
    name from the plan is shown as typed, never as a link, emphasis or HTML."""
    st.html(WRAPPED_TABLE_CSS)
    st.table(pd.DataFrame({column: _escaped_cells(frame[column], joined=column in names or column in nowrap,
                                                  nowrap=column in nowrap)
                           for column in frame.columns}, index=frame.index), hide_index=True)


def _escaped_cells(values: pd.Series, *, joined: bool, nowrap: bool) -> list[object]:
    """One column of :func:`wrapped_table` as Markdown: words joined (``joined``), every text
    escaped, spaces made no-break (``nowrap``). A plain loop: ``DataFrame.apply`` with ``map``
    cost more than the escaping itself on every run of the overview and the meeting page."""
    cells: list[object] = list(values)
    if joined:
        cells = [unbreakable_words(v) if isinstance(v, str) else v for v in cells]
    cells = [markdown_text(v) if isinstance(v, str) else v for v in cells]
    if nowrap:  # no-break spaces
        cells = [v.replace(" ", "\u00a0") if isinstance(v, str) else v for v in cells]
    return cells


def attention_rows(table: pd.DataFrame) -> None:
    """A table of :func:`ita_core.meeting.attention_table`: whole titles, owners broken only
    between names, due date and days on one line each."""
    wrapped_table(table, names=(ATTENTION_COLUMNS["owners"],), nowrap=tuple(table.columns[3:]))
