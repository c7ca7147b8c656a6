"""Workload: open, overdue and due-soon rows per person or group, and one person's rows."""

import streamlit as st

from ita_core.labels import ASSIGNMENT_ROLE_TH, PERSON_KIND_TH
from ita_core.settings import get_settings
from ita_core.thai_dates import format_be
from ita_core.workload import chart, rows_of, workload
from ita_ui.context import pick_context
from ita_ui.loaders import plan_view
from ita_ui.notices import notice_missing
from ita_ui.tables import download_table, show_rows

context = pick_context()
view = plan_view(context)
limit = get_settings().overload_open_items
table = workload(view.assignments, view.rows, context.as_of, limit)

st.title("ภาระงานรายบุคคล")
st.caption(f"{context.station_md} · ข้อมูล ณ {format_be(context.as_of)} · "
           f"ค้างเกิน {limit} รายการ ถือว่างานล้นมือ ⚠️")
if table.empty:
    notice_missing("people", "— ผู้ดูแลเพิ่มบุคคลและมอบหมายงานได้ที่หน้า จัดการแผนและผู้ใช้")
    st.stop()

kinds = st.segmented_control("แสดง", list(PERSON_KIND_TH), format_func=PERSON_KIND_TH.get,
                             selection_mode="multi", default=list(PERSON_KIND_TH), key="kinds")
shown = table[table["person_kind"].isin(kinds or [])]

st.plotly_chart(chart(shown), width="stretch")

roles = [r for r in ASSIGNMENT_ROLE_TH if r in shown.columns]
display = shown[["name", "person_kind", "open", "overdue", "due_soon", *roles, "overloaded"]].rename(columns={
    "name": "ชื่อ", "person_kind": "ประเภท", "open": "ค้าง", "overdue": "เลยกำหนด",
    "due_soon": "ครบกำหนดใน 30 วัน", "overloaded": "งานล้นมือ", **{r: ASSIGNMENT_ROLE_TH[r] for r in roles}})
display["ประเภท"] = display["ประเภท"].map(PERSON_KIND_TH)
st.dataframe(display, hide_index=True, width="stretch")
download_table(display, "workload", "workload", f"ภาระงานรายบุคคล {context.station_name} ณ "
               f"{format_be(context.as_of)}", columns=[(c, c) for c in display.columns])

st.divider()
names = table.set_index("person_id")["name"]
person = st.selectbox("ดูรายการของ", [None, *names.index], key="person",
                      format_func=lambda pid: "— เลือกชื่อ —" if pid is None else names[pid])
if person is not None:
    mine = rows_of(view.assignments, view.rows, person)
    show_rows(mine.sort_values("judged_due", na_position="last"), key=f"rows_{person}",
              title=f"งานของ {names[person]} ณ {format_be(context.as_of)}")
