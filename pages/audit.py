"""Audit trail: every change with who, when, from where, old and new value. Admins only."""

import streamlit as st
from sqlmodel import Session

from ita_core import audit
from ita_core.exports import COLUMNS, to_csv_bytes, to_xlsx_bytes
from pages._shared import engine, pick_context

context = pick_context(with_as_of=False, admin_only=True)
st.title("ประวัติการแก้ไขทั้งหมด")

with Session(engine()) as session:
    everything = audit.trail(session, station_id=context.station_id)
left, middle, right = st.columns(3)
user = left.selectbox("ผู้แก้ไข", [None, *sorted(everything["user"].unique())], key="audit_user",
                      format_func=lambda u: u or "ทุกคน")
table = middle.selectbox("ตาราง", [None, *sorted(everything["table"].unique())], key="audit_table",
                         format_func=lambda t: t or "ทุกตาราง")
period = right.date_input("ช่วงวันที่", value=(), format="DD/MM/YYYY", key="audit_period")
with Session(engine()) as session:
    since, until = (period[0], period[-1]) if period else (None, None)
    shown = audit.trail(session, station_id=context.station_id, actor=user, table=table, since=since,
                        until=until)

st.caption(f"{len(shown)} รายการ (เวลาประเทศไทย)")
st.dataframe(shown.rename(columns=dict(COLUMNS["audit"])), hide_index=True, width="stretch")
csv_col, xlsx_col = st.columns(2)
csv_col.download_button("⬇️ CSV", to_csv_bytes(shown, "audit"), "audit.csv", "text/csv", key="audit_csv",
                        width="stretch")
workbook = to_xlsx_bytes(shown, "audit", title=f"ประวัติการแก้ไข {context.station_name}")
xlsx_col.download_button("⬇️ Excel", workbook, "audit.xlsx", key="audit_xlsx", width="stretch")
