"""My items: the rows assigned to the logged-in officer, each with a quick progress form that opens
inline where its row is tapped (progress in big steps a thumb can hit). Only the open row draws its
form (:func:`ita_ui.expanders.lazy_expander`), so a secretary's list of every row stays quick.

A row's expander is keyed ``row_{kind}_{id}`` (``row_oit_item_12``): ``st.session_state[key] = True``
opens it."""

import streamlit as st

from ita_core.meeting import markdown_text
from ita_core.permissions import Action
from ita_core.workload import rows_of
from ita_ui.context import pick_context
from ita_ui.expanders import lazy_expander
from ita_ui.forms import progress_form, row_heading
from ita_ui.history import history_panel
from ita_ui.loaders import plan_view
from ita_ui.login import current_actor, login_here
from ita_ui.notices import notice_missing

context = pick_context()
actor = current_actor()
st.title("งานของฉัน")
if not actor.may(Action.UPDATE_ASSIGNED, station_id=context.station_id):
    login_here("เข้าสู่ระบบด้วยบัญชีเจ้าหน้าที่เพื่ออัปเดตงานที่ได้รับมอบหมาย")
    st.stop()

view = plan_view(context)
rows = view.rows
if actor.may(Action.UPDATE_ANY_ROW):
    st.caption("บัญชีนี้แก้ไขได้ทุกรายการ เลือกผู้รับผิดชอบเพื่อกรอง")
    if view.assignments.empty:
        notice_missing("people", "— จึงยังกรองตามผู้รับผิดชอบไม่ได้")
    people = view.assignments.drop_duplicates("person_id").set_index("person_id")["name"].sort_values()
    chosen = st.selectbox("ผู้รับผิดชอบ", [None, *people.index], key="whose",
                          format_func=lambda pid: "ทุกรายการ" if pid is None else people[pid])
    if chosen is not None:
        rows = rows_of(view.assignments, rows, chosen)
else:
    rows = rows_of(view.assignments, rows, actor.person_id)

if (rows["kind"] == "oit_item").any():
    st.page_link("pages/oit_matrix.py", label="การเผยแพร่รายเดือนของข้อมูล OIT: บันทึกที่ ตารางเผยแพร่ OIT → 📱 ต้องทำ",
                 icon="🗓️")
open_only = st.toggle("เฉพาะงานที่ยังไม่เสร็จ", value=True, key="open_only")
if open_only:
    rows = rows[~rows["light"].isin(["done", "not_applicable"])]
st.caption(f"{len(rows)} รายการ")
for _, row in rows.sort_values(["judged_due", "kind", "id"], na_position="last").iterrows():
    box = lazy_expander(row_heading(row), key=f"row_{row['kind']}_{row['id']}")
    if not box.open:
        continue  # a closed row draws only its heading: the secretary's 40 rows drew 40 forms
    with box:
        st.markdown(markdown_text(row["title"]))  # the plan's text, shown as typed
        if row["kind"] == "oit_item":
            st.caption("ข้อมูล OIT นับว่าเสร็จเมื่อมีลิงก์หลักฐาน")
        components = view.components[view.components["item_id"] == row["id"]] \
            if row["kind"] == "oit_item" else view.components.iloc[0:0]
        progress_form(row, components)
        if st.toggle("ประวัติการแก้ไข", key=f"history_{row['kind']}_{row['id']}"):
            history_panel(row["kind"], int(row["id"]))
