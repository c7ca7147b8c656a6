"""Keep dashboard.py's navigation when a fresh server's first visit is a bookmarked page."""

from __future__ import annotations

import streamlit as st


def leave_legacy_page_mode() -> None:
    """Make a first visit to a page URL (a bookmark of /meeting) still show our navigation.

    Streamlit decides per process, at its first session, whether the folder named
    ``pages/`` beside the entry script is an old-style page list (``PagesManager`` sets
    ``uses_pages_directory`` when the folder exists, whatever it holds). If that first session
    opens /meeting directly, it runs pages/meeting.py without dashboard.py and lists every file
    in the sidebar. Clearing the flag and rerunning sends the run through dashboard.py's
    ``st.navigation``, which finds the page by its url_path. (Streamlit internals, checked with
    1.67: covered by the end-to-end test
    ``test_first_visit_to_a_bookmarked_page_keeps_the_navigation``, which fails without this.)
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
