"""Timeline: the ITA calendar, due dates and recurring reports on a BE axis; a month list for phones."""

from typing import Any

import streamlit as st

from ita_core.meeting import markdown_text
from ita_core.thai_dates import format_be
from ita_core.timeline import events, figure, month_list
from ita_ui.context import pick_context
from ita_ui.expanders import lazy_expander
from ita_ui.loaders import plan_view
from ita_ui.notices import notice_missing, notice_missing_rows
from ita_ui.tables import download_table

DOT = {"green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪", "blue": "🔷"}


def month_line(row: Any) -> str:
    """One event of the month list: light, BE date or span, code and title (the plan's text,
    shown as typed)."""
    span = format_be(row.start) if row.start == row.end else f"{format_be(row.start)} – {format_be(row.end)}"
    return (f"{DOT.get(row.colour, '⚪')} **{span}** · {markdown_text(row.label)} · "
            f"{markdown_text(row.detail[:80])}")


context = pick_context()
view = plan_view(context)

st.title("ปฏิทินและกำหนดการ")
st.caption(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year} · เส้นประสีแดง = ข้อมูล ณ "
           f"{format_be(context.as_of)}")
notice_missing_rows(view.rows)
if view.phases.empty:
    notice_missing("phases", "— แผนภูมิแสดงเฉพาะกำหนดเสร็จของแต่ละรายการ")
with_reports = st.toggle("แสดงงานรายงานประจำ (ทุกเดือน/ทุกวันที่ 28)", value=False, key="reports")
occurrences = view.occurrences if with_reports else view.occurrences.iloc[0:0]
timeline = events(view.rows, view.phases, occurrences)

chart_tab, list_tab = st.tabs(["📊 แผนภูมิ", "📱 รายการรายเดือน"])
with chart_tab:
    st.plotly_chart(figure(timeline, context.fiscal_year, context.as_of), width="stretch")
    st.caption(" · ".join(f"{DOT[c]} {label}" for c, label in [
        ("green", "เสร็จ/ตามแผน"), ("yellow", "เสี่ยงล่าช้า"), ("red", "เลยกำหนด"), ("grey", "อื่น ๆ")]))
with list_tab:
    for month, group in month_list(timeline):
        box = lazy_expander(f"{month} · {len(group)} รายการ", key=f"month_{month}")
        if box.open:  # a closed month draws only its heading: the 704 lines with reports were drawn each run
            box.markdown("\n\n".join(month_line(row) for row in group.itertuples()))
TIMELINE_COLUMNS = [("start", "เริ่ม"), ("end", "สิ้นสุด"), ("lane", "กลุ่ม"), ("label", "รายการ"),
                    ("detail", "รายละเอียด")]
download_table(timeline[[k for k, _ in TIMELINE_COLUMNS]], "timeline", "timeline",
               f"ปฏิทินและกำหนดการ {context.station_name} ปีงบประมาณ {context.fiscal_year}",
               columns=TIMELINE_COLUMNS)
