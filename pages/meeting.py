"""Meeting view: one projector screen with the lights and every late row with its owners first,
then what changed, who is loaded and what is due. `?present=1` (or the toggle) hides the sidebar."""

from datetime import timedelta

import streamlit as st

from ita_core import links, meeting
from ita_core.plan import tool_lights
from ita_core.settings import get_settings
from ita_core.status import OVERALL_ICON, OVERALL_TH
from ita_core.thai_dates import format_be
from ita_core.workload import workload
from ita_ui.context import pick_context
from ita_ui.dates import be_date_input
from ita_ui.engine import reading
from ita_ui.expanders import lazy_expander
from ita_ui.frames import records
from ita_ui.loaders import plan_view
from ita_ui.notices import notice_missing, notice_missing_rows
from ita_ui.styles import attention_rows, light_box, light_styles, presentation_mode, projector_text
from ita_ui.tables import show_rows

projector_text()
context = pick_context()
view = plan_view(context)
since = be_date_input("การเปลี่ยนแปลงตั้งแต่", value=context.as_of - timedelta(days=30), key="since",
                      max_value=context.as_of, where=st.sidebar) or context.as_of - timedelta(days=30)

heading, toggle = st.columns([5, 1], vertical_alignment="center")
heading.title(f"ITA {context.station_md}")
present = toggle.toggle("โหมดนำเสนอ", value=st.query_params.get("present") == "1", key="present",
                        help="ซ่อนแถบเมนูและขยายตัวอักษรสำหรับจอโปรเจกเตอร์ (ลิงก์ที่มี ?present=1 เปิดโหมดนี้ทันที)")
if present:
    presentation_mode()
    st.query_params["present"] = "1"  # a copied link opens the projector view again
elif "present" in st.query_params:
    del st.query_params["present"]
st.markdown(f"ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ **{format_be(context.as_of)}**")

notice_missing_rows(view.rows)
by_tool = {row["tool"]: row for row in records(tool_lights(view.rows, view.indicators))}
tools = [(tool, by_tool[tool]) for tool in ("IIT", "EIT", "OIT") if tool in by_tool]
light_styles()
for column, (tool, row) in zip(st.columns(len(tools)), tools, strict=True):
    with column, light_box(row["overall"], f"tool_{tool}"):
        st.metric(f"{tool} · {OVERALL_ICON[row['overall']]} {OVERALL_TH[row['overall']]}",
                  f"เสร็จ {row['percent_done']:.0f}%", f"เลยกำหนด {row['red']} · เสี่ยง {row['yellow']}",
                  delta_color="off", delta_arrow="off")

# Every row late now, oldest first, with whose it is: the first thing the commander asks.
late = meeting.late_now(view.rows, context.as_of)
st.subheader(f"🔴 เลยกำหนด ณ {format_be(context.as_of)}: {len(late)} รายการ")
if late.empty:
    st.markdown("ไม่มีรายการเลยกำหนด")
else:
    attention_rows(meeting.attention_table(late))

with reading() as session:  # links whose last check failed: assessors would find them dead too
    checks = links.latest_checks(session, context.station_id)
    broken = links.broken_lines(links.broken_targets(session, context.station_id, context.fiscal_year,
                                                     checks=checks), checks)
if broken:
    st.subheader(f"⚠️ ลิงก์เสีย: {len(broken)}")
    st.text("\n".join(broken[:10]) + (f"\n… และอีก {len(broken) - 10} ลิงก์" if len(broken) > 10 else ""))

overdue_new = meeting.became_overdue(view.rows, since, context.as_of)
done_new = meeting.completed_since(view.rows, since, context.as_of)
due_next = meeting.upcoming(view.rows, context.as_of)
loaded = workload(view.assignments, view.rows, context.as_of, get_settings().overload_open_items)
top = loaded[loaded["person_kind"] != "group"].head(5)

left, right = st.columns(2)
with left:  # titles and names are the plan's text: escaped, so Markdown shows them as typed
    st.subheader(f"🆕 เลยกำหนดตั้งแต่ {format_be(since)}: {len(overdue_new)}")
    st.markdown(meeting.bullets(overdue_new[["ref", "title"]]))
    st.subheader(f"✅ เสร็จตั้งแต่ {format_be(since)}: {len(done_new)}")
    st.markdown(meeting.bullets(done_new[["ref", "title"]]))
with right:
    st.subheader("👮 งานค้างมากที่สุด")
    if view.assignments.empty:
        notice_missing("people")
    st.markdown("\n".join(f"- **{meeting.markdown_text(r['name'])}** ค้าง {r['open']} · "
                          f"เลยกำหนด {r['overdue']}{' ⚠️' if r['overloaded'] else ''}" for r in records(top))
                or "ไม่มี")

st.subheader(f"📅 ครบกำหนดใน 30 วัน: {len(due_next)}")
if not due_next.empty:
    attention_rows(meeting.attention_table(due_next, "เหลือเวลา"))
full_table = lazy_expander("ตารางเต็มและดาวน์โหลด (CSV/Excel)", key="due_next_table")
if full_table.open:  # the full table and its downloads are built only while open
    with full_table:
        show_rows(due_next, key="due_next", title=f"ครบกำหนดใน 30 วัน นับจาก {format_be(context.as_of)}")

if st.button("📋 สรุปสำหรับส่ง LINE", key="line"):
    st.code(meeting.line_summary(context.station_name, context.fiscal_year, context.as_of, view.kpis,
                         view.indicators, due_next, top, late=late), language=None, wrap_lines=True)
