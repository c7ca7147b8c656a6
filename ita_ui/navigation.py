"""The navigation: kept when a first visit is a bookmarked page, folded after a tap on a phone."""

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


# On a narrow screen the sidebar lies over the page. Streamlit folds it after a menu tap only
# when the browser says it is a phone (user agent); a tablet, a phone asking for the desktop
# site or a narrow window kept it open over the page. This folds it after a tap on a menu link
# whenever the screen is narrow. Installed once per page load (the flag), on the document, so it
# outlives Streamlit redrawing the menu.
CLOSE_MENU_AFTER_TAP = """<style>.st-key-close_menu_after_tap {display: none}</style>
<script>
if (!window.itaClosesMenuAfterTap) {
  window.itaClosesMenuAfterTap = true;
  document.addEventListener("click", (event) => {
    if (!window.matchMedia("(max-width: 768px)").matches) return;
    if (!event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(() => {
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const fold = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (sidebar && sidebar.dataset.collapsed === "false" && fold) fold.click();
    }, 0);
  }, true);
}
</script>"""


def close_menu_after_tap() -> None:
    """Fold the sidebar after a menu tap on a narrow screen (see ``CLOSE_MENU_AFTER_TAP``)."""
    with st.container(key="close_menu_after_tap"):
        st.html(CLOSE_MENU_AFTER_TAP, unsafe_allow_javascript=True)
