"""UI glue the page scripts in ``pages/`` share: Streamlit on top of ``ita_core``.

``ita_core`` holds every rule and never imports Streamlit; this package draws: the engine and
cached reads (:mod:`.engine`, :mod:`.loaders`), the station/year/as-of picker (:mod:`.context`),
login (:mod:`.login`), tables and downloads (:mod:`.tables`), the one write path of the pages
(:mod:`.writes`), forms (:mod:`.forms`) and their conflict handling (:mod:`.conflicts`), the row
history (:mod:`.history`), notices (:mod:`.notices`), the unexpected-error wrapper (:mod:`.errors`)
and styles (:mod:`.styles`). ``pages/`` holds only page scripts.

Importing the package leaves Streamlit's old-style ``pages/`` mode (see
:func:`ita_ui.navigation.leave_legacy_page_mode`): every page script imports ``ita_ui``, so a
first visit to a bookmarked page still goes through dashboard.py's ``st.navigation``.
"""

from ita_ui.navigation import leave_legacy_page_mode

leave_legacy_page_mode()
