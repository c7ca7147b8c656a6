"""Audit trail: every change with who, when, from where, old and new value. Admins only."""

import streamlit as st

from ita_core import audit
from ita_core.exports import COLUMNS, in_words
from ita_core.labels import SOURCE_TH, TABLE_TH
from ita_core.permissions import Action
from ita_ui.context import pick_context
from ita_ui.dates import be_caption
from ita_ui.engine import reading
from ita_ui.login import current_actor
from ita_ui.tables import download_table

context = pick_context(with_as_of=False, needs=Action.VIEW_AUDIT)
st.title("ประวัติการแก้ไขทั้งหมด")
# a station admin sees its own station's trail; only central admins see what belongs to no station
central = current_actor().may(Action.VIEW_CENTRAL_AUDIT)

PAGE_ROWS = 200  # one keyset page of the trail: the page never reads the whole trail
scope = audit.TrailFilter(station_id=context.station_id, central=central)
with reading() as session:
    choices = audit.trail_choices(session, scope)
user_col, table_col, source_col, period_col = st.columns(4)
user = user_col.selectbox("ผู้แก้ไข", [None, *choices["user"]], key="audit_user",
                          format_func=lambda u: u or "ทุกคน")
table = table_col.selectbox("ตาราง", [None, *choices["table"]], key="audit_table",
                            format_func=lambda t: "ทุกตาราง" if t is None else TABLE_TH.get(t, t))
source = source_col.selectbox("ช่องทาง", [None, *choices["source"]], key="audit_source",
                              format_func=lambda s: "ทุกช่องทาง" if s is None else SOURCE_TH.get(s, s))
period = period_col.date_input("ช่วงวันที่", value=(), format="DD/MM/YYYY", key="audit_period")
be_caption(period, period_col)
since, until = (period[0], period[-1]) if period else (None, None)
wanted = audit.TrailFilter(station_id=context.station_id, central=central, actor=user, table=table,
                           source=source, since=since, until=until)
# the keyset of each page opened so far (None: the newest page); a new filter starts again
if st.session_state.get("audit_filter") != wanted:
    st.session_state["audit_filter"], st.session_state["audit_pages"] = wanted, [None]
pages: list[int | None] = st.session_state["audit_pages"]
with reading() as session:
    total = audit.trail_count(session, wanted)
    page = audit.trail_page(session, wanted, before_id=pages[-1], limit=PAGE_ROWS)
shown = page.rows.iloc[::-1].reset_index(drop=True)  # the page's rows in the order they happened

newest = "ล่าสุด" if len(pages) == 1 else ""
paged = f" · หน้า {len(pages)}: {len(shown)} รายการ{newest}" if total > PAGE_ROWS else ""
st.caption(f"{total} รายการ (เวลาประเทศไทย){paged}")
st.dataframe(in_words(shown, "audit", "th").rename(columns=dict(COLUMNS["audit"])), hide_index=True,
             width="stretch")
if total > PAGE_ROWS:
    newer, older = st.columns(2)
    if newer.button("← ใหม่กว่า", key="audit_newer", disabled=len(pages) == 1, width="stretch"):
        pages.pop()
        st.rerun()
    if older.button("เก่ากว่า →", key="audit_older", disabled=page.before_id is None, width="stretch"):
        pages.append(page.before_id)
        st.rerun()
title = f"ประวัติการแก้ไข {context.station_name}" + (f" หน้า {len(pages)}" if paged else "")
download_table(shown, "audit", "audit", title)
