"""Meeting view: one projector screen with the lights, what changed, what is due, who is loaded."""

from datetime import timedelta

import streamlit as st

from ita_core.meeting import became_overdue, bullets, completed_since, line_summary, upcoming
from ita_core.plan import tool_lights
from ita_core.settings import get_settings
from ita_core.status import OVERALL_ICON, OVERALL_TH
from ita_core.thai_dates import format_be
from ita_core.workload import workload
from ita_ui.context import pick_context
from ita_ui.loaders import plan_view
from ita_ui.notices import notice_missing, notice_missing_rows
from ita_ui.styles import light_box, projector_text
from ita_ui.tables import show_rows

projector_text()
context = pick_context()
view = plan_view(context)
since = st.sidebar.date_input("การเปลี่ยนแปลงตั้งแต่", value=context.as_of - timedelta(days=30),
                              format="DD/MM/YYYY", key="since")

st.title(f"ITA {context.station_name}")
st.markdown(f"ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ **{format_be(context.as_of)}**")

notice_missing_rows(view.rows)
tools = tool_lights(view.rows, view.indicators).set_index("tool")
tools = tools.reindex([t for t in ("IIT", "EIT", "OIT") if t in tools.index])
for column, (tool, row) in zip(st.columns(len(tools)), tools.iterrows(), strict=True):
    with column, light_box(row["overall"], f"tool_{tool}"):
        st.metric(f"{tool} · {OVERALL_ICON[row['overall']]} {OVERALL_TH[row['overall']]}",
                  f"เสร็จ {row['percent_done']:.0f}%", f"เลยกำหนด {row['red']} · เสี่ยง {row['yellow']}",
                  delta_color="off", delta_arrow="off")

overdue_new = became_overdue(view.rows, since, context.as_of)
done_new = completed_since(view.rows, since, context.as_of)
due_next = upcoming(view.rows, context.as_of)
loaded = workload(view.assignments, view.rows, context.as_of, get_settings().overload_open_items)
top = loaded[loaded["person_kind"] != "group"].head(5)

left, right = st.columns(2)
with left:
    st.subheader(f"🔴 เลยกำหนดตั้งแต่ {format_be(since)}: {len(overdue_new)}")
    st.markdown(bullets(overdue_new))
    st.subheader(f"✅ เสร็จตั้งแต่ {format_be(since)}: {len(done_new)}")
    st.markdown(bullets(done_new))
with right:
    st.subheader("👮 งานค้างมากที่สุด")
    if view.assignments.empty:
        notice_missing("people")
    st.markdown("\n".join(f"- **{r.name}** ค้าง {r.open} · เลยกำหนด {r.overdue}"
                          f"{' ⚠️' if r.overloaded else ''}" for r in top.itertuples()) or "ไม่มี")

st.subheader(f"📅 ครบกำหนดใน 30 วัน: {len(due_next)}")
show_rows(due_next, key="due_next", title=f"ครบกำหนดใน 30 วัน นับจาก {format_be(context.as_of)}")

if st.button("📋 สรุปสำหรับส่ง LINE", key="line"):
    st.code(line_summary(context.station_name, context.fiscal_year, context.as_of, view.kpis,
                         view.indicators, due_next, top), language=None)
