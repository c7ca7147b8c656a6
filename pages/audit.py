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

with reading() as session:
    everything = audit.trail(session, station_id=context.station_id, central=central)
user_col, table_col, source_col, period_col = st.columns(4)
user = user_col.selectbox("ผู้แก้ไข", [None, *sorted(everything["user"].unique())], key="audit_user",
                          format_func=lambda u: u or "ทุกคน")
table = table_col.selectbox("ตาราง", [None, *sorted(everything["table"].unique())], key="audit_table",
                            format_func=lambda t: "ทุกตาราง" if t is None else TABLE_TH.get(t, t))
source = source_col.selectbox("ช่องทาง", [None, *sorted(everything["source"].unique())], key="audit_source",
                              format_func=lambda s: "ทุกช่องทาง" if s is None else SOURCE_TH.get(s, s))
period = period_col.date_input("ช่วงวันที่", value=(), format="DD/MM/YYYY", key="audit_period")
be_caption(period, period_col)
with reading() as session:
    since, until = (period[0], period[-1]) if period else (None, None)
    shown = audit.trail(session, station_id=context.station_id, central=central, actor=user, table=table,
                        source=source, since=since, until=until)

st.caption(f"{len(shown)} รายการ (เวลาประเทศไทย)")
st.dataframe(in_words(shown, "audit", "th").rename(columns=dict(COLUMNS["audit"])), hide_index=True,
             width="stretch")
download_table(shown, "audit", "audit", f"ประวัติการแก้ไข {context.station_name}")
