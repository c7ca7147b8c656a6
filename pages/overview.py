"""Overview: KPI tiles with the late and at-risk rows under them, the ten indicators' lights
grouped by tool (each tool and row code explained), and the rows filtered by light in plan order."""

from typing import Any

import streamlit as st

from ita_core import links, meeting
from ita_core.plan import code_legend, sort_by_code, sub_indicator_lights, tool_legend
from ita_core.queries import fiscal_years, plan_issues
from ita_core.status import ICON, OVERALL_ICON, OVERALL_TH, Light, badge
from ita_core.thai_dates import format_be
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.expanders import lazy_expander
from ita_ui.frames import records
from ita_ui.loaders import plan_view, year_comparison
from ita_ui.notices import notice_missing, notice_missing_rows
from ita_ui.styles import attention_rows, light_box, light_styles
from ita_ui.tables import plan_workbook_download, show_rows

TOOLS = {"IIT": "IIT · ผู้มีส่วนได้ส่วนเสียภายใน", "EIT": "EIT · ผู้มีส่วนได้ส่วนเสียภายนอก",
         "OIT": "OIT · การเปิดเผยข้อมูลสาธารณะ"}


def box_text(indicator: dict[str, Any], sub_lines: list[str]) -> str:
    """One indicator's box as one Markdown element: number and light, name, counts, then one line
    per sub-indicator (paragraphs; four to eight elements a box were ~130 elements a run)."""
    overall = indicator["overall"]
    parts = [f"### {OVERALL_ICON[overall]} {indicator['number']}",
             f"**{indicator['name_th']}**  \n{OVERALL_TH[overall]}"]
    if overall != "grey":  # grey already says "nothing to rate"; counts at body size
        parts.append(f"เสร็จ **{indicator['done']}/{indicator['total'] - indicator['grey']}** · "
                     f"🟡 **{indicator['yellow']}** · 🔴 **{indicator['red']}**")
    return "\n\n".join([*parts, *sub_lines])


context = pick_context()
view = plan_view(context)
kpis = view.kpis

st.title("ภาพรวมตัวชี้วัด ITA")
st.caption(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ {format_be(context.as_of)}")
plan_workbook_download(context)

tiles = st.columns(4)
tiles[0].metric(f"{ICON['done']} เสร็จแล้ว", f"{kpis.done}", f"{kpis.percent_done:.0f}%", delta_color="off",
                delta_arrow="off")
tiles[1].metric(f"{ICON['at_risk']} เสี่ยงล่าช้า", kpis.at_risk)
tiles[2].metric(f"{ICON['overdue']} เลยกำหนด", kpis.overdue)
tiles[3].metric("📅 วันถึงขั้นตอนถัดไป", "—" if kpis.days_to_next_phase is None else kpis.days_to_next_phase,
                kpis.next_phase or None, delta_color="off", delta_arrow="off")
notice_missing_rows(view.rows)
if view.phases.empty:
    notice_missing("phases", "— จึงยังไม่รู้วันถึงขั้นตอนถัดไป")

# The rows behind the two counts above, with whose they are (whole titles, wrapped).
late = meeting.late_now(view.rows, context.as_of)
if not late.empty:
    st.markdown(f"##### {ICON['overdue']} เลยกำหนด {len(late)} รายการ (เก่าสุดก่อน)")
    attention_rows(meeting.attention_table(late))
at_risk = kpis.at_risk  # the tile's count: the rows lit at risk
if at_risk:  # a long list starts closed, and a closed list's rows are neither sorted nor drawn
    box = lazy_expander(f"{ICON['at_risk']} เสี่ยงล่าช้า {at_risk} รายการ (ใกล้ครบกำหนดก่อน)",
                        key="at_risk_rows", expanded=at_risk <= 10)
    if box.open:
        with box:
            attention_rows(meeting.attention_table(meeting.at_risk_now(view.rows, context.as_of), "เหลือเวลา"))

tools_help = tool_legend(view.indicators)
legend = lazy_expander("ℹ️ IIT · EIT · OIT และรหัสรายการ (ก8, O12 …) หมายถึงอะไร", key="legend")
if legend.open:  # the row codes are listed only for a reader who opens it
    with legend:
        st.markdown("\n".join(f"- {line}" for line in [*tools_help, *code_legend(view.rows)]))


sub_lines: dict[str, list[str]] = {}  # indicator number → its sub-indicators' lines, in order
for sub in records(sub_indicator_lights(view.rows)):
    rated = sub["green"] + sub["yellow"] + sub["red"]
    sub_lines.setdefault(str(sub["sub_indicator"]).split(".")[0], []).append(
        f"{OVERALL_ICON[sub['overall']]} {sub['sub_indicator']} "
        + (f"เสร็จ **{sub['done']}/{rated}**" if rated else OVERALL_TH["grey"]))
indicators = records(view.indicators)
tool_help = {line.split()[0]: line for line in tools_help}
with reading() as session:  # what the OIT part and the comparison need, in one session
    broken_links = links.broken_targets(session, context.station_id, context.fiscal_year)
    planned = {fy.be_year for fy in fiscal_years(session, context.station_id)}
light_styles()
for tool, heading in TOOLS.items():
    st.markdown(f"#### {heading}", help=tool_help.get(tool))
    if tool == "OIT" and broken_links:  # evidence links whose last check failed (ita check-links / ตรวจลิงก์)
        st.markdown(f"⚠️ **ลิงก์เสีย {len(broken_links)}** — ดูและตรวจใหม่ที่หน้าตารางเผยแพร่ OIT")
    group = [indicator for indicator in indicators if indicator["tool"] == tool]
    for column, indicator in zip(st.columns(len(group)), group, strict=True):
        with column, light_box(indicator["overall"], f"ind{indicator['number']}"):
            st.markdown(box_text(indicator, sub_lines.get(str(indicator["number"]), [])))

if context.fiscal_year - 1 in planned:  # the comparison lights both years' rows: built only while open
    box = lazy_expander(f"📊 เทียบกับปีงบประมาณ {context.fiscal_year - 1} (ร้อยละที่เสร็จ)", key="year_comparison")
    if box.open:
        comparison = year_comparison(context)
        with box:
            if comparison is None:  # last year holds OIT items only: no activities to compare
                st.caption(f"ปีงบประมาณ {context.fiscal_year - 1} ไม่มีมาตรการ/กิจกรรมให้เทียบ")
            else:
                st.dataframe(comparison.rename(columns={
                    "number": "ตัวชี้วัด", "name_th": "ชื่อ", "last_year_same_day": "ปีก่อน ณ วันเดียวกัน",
                    "last_year_final": "ปีก่อน ทั้งปี", "this_year": f"ปีนี้ ณ {format_be(context.as_of)}"}),
                    hide_index=True, width="stretch")

st.divider()
names = {i["number"]: f"{OVERALL_ICON[i['overall']]} {i['number']}. {i['name_th']}" for i in indicators}
chosen = st.selectbox("ดูรายการของตัวชี้วัด", [0, *names], format_func=lambda n: names.get(n, "ทั้งหมด"),
                      key="drill")
rows = view.rows if chosen == 0 else view.rows[view.rows["indicator"] == chosen]
if chosen != 0:  # the plan's issues to improve under this indicator, as plain text (never markdown)
    with reading() as session:
        issues = plan_issues(session, context.station_id, context.fiscal_year)
    mine = issues[issues["indicator"] == chosen]
    if not mine.empty:
        st.markdown("##### ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา")
        for issue in mine.itertuples():
            st.text(f"{issue.seq}. {issue.text}")
# every light offered and ticked, so a light that appears on another indicator or date is never hidden
shown = st.multiselect("แสดงเฉพาะสัญญาณไฟ", list(Light), default=list(Light), format_func=badge,
                       key="light_filter", placeholder="เลือกสัญญาณไฟที่จะแสดง")
if len(shown) < len(Light):  # every light ticked (the usual case) keeps every row
    rows = rows[rows["light"].isin(shown)]
rows = sort_by_code(rows)  # ก1 … ก26, then O1 … O25: codes read as numbers
st.caption(f"{len(rows)} รายการ")
show_rows(rows, key=f"indicator_{chosen}",
          title=f"{context.station_name} ปีงบประมาณ {context.fiscal_year} ณ {format_be(context.as_of)}")
