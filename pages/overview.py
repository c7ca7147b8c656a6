"""Overview: KPI tiles with the late and at-risk rows under them, the ten indicators' lights
grouped by tool (each tool and row code explained), and the rows filtered by light in plan order."""

import streamlit as st

from ita_core import links, meeting
from ita_core.plan import code_legend, sort_by_code, sub_indicator_lights, tool_legend
from ita_core.queries import plan_issues
from ita_core.status import ICON, OVERALL_ICON, OVERALL_TH, Light, badge
from ita_core.thai_dates import format_be
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.loaders import plan_view, year_comparison
from ita_ui.notices import notice_missing, notice_missing_rows
from ita_ui.styles import attention_rows, light_box
from ita_ui.tables import plan_workbook_download, show_rows

TOOLS = {"IIT": "IIT · ผู้มีส่วนได้ส่วนเสียภายใน", "EIT": "EIT · ผู้มีส่วนได้ส่วนเสียภายนอก",
         "OIT": "OIT · การเปิดเผยข้อมูลสาธารณะ"}

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
risky = meeting.at_risk_now(view.rows, context.as_of)
if not risky.empty:
    with st.expander(f"{ICON['at_risk']} เสี่ยงล่าช้า {len(risky)} รายการ (ใกล้ครบกำหนดก่อน)",
                     expanded=len(risky) <= 10):
        attention_rows(meeting.attention_table(risky, "เหลือเวลา"))

tools_help = tool_legend(view.indicators)
with st.expander("ℹ️ IIT · EIT · OIT และรหัสรายการ (ก8, O12 …) หมายถึงอะไร"):
    st.markdown("\n".join(f"- {line}" for line in [*tools_help, *code_legend(view.rows)]))

subs = sub_indicator_lights(view.rows).set_index("sub_indicator")
tool_help = {line.split()[0]: line for line in tools_help}
for tool, heading in TOOLS.items():
    st.markdown(f"#### {heading}", help=tool_help.get(tool))
    if tool == "OIT":  # evidence links whose last check failed (ita check-links / ตรวจลิงก์ on the OIT page)
        with reading() as session:
            broken_links = links.broken_targets(session, context.station_id, context.fiscal_year)
        if broken_links:
            st.markdown(f"⚠️ **ลิงก์เสีย {len(broken_links)}** — ดูและตรวจใหม่ที่หน้าตารางเผยแพร่ OIT")
    group = view.indicators[view.indicators["tool"] == tool]
    columns = st.columns(len(group))
    for column, row in zip(columns, group.itertuples(), strict=True):
        with column, light_box(row.overall, f"ind{row.number}"):
            st.markdown(f"### {OVERALL_ICON[row.overall]} {row.number}")
            st.markdown(f"**{row.name_th}**  \n{OVERALL_TH[row.overall]}")
            if row.overall != "grey":  # grey already says "nothing to rate"; counts at body size
                st.markdown(f"เสร็จ **{row.done}/{row.total - row.grey}** · 🟡 **{row.yellow}** · "
                            f"🔴 **{row.red}**")
            for code, sub in subs[subs.index.str.startswith(f"{row.number}.")].iterrows():
                rated = sub["green"] + sub["yellow"] + sub["red"]
                st.markdown(f"{OVERALL_ICON[sub['overall']]} {code} "
                            + (f"เสร็จ **{sub['done']}/{rated}**" if rated else OVERALL_TH["grey"]))

comparison = year_comparison(context)
if comparison is not None:
    with st.expander(f"📊 เทียบกับปีงบประมาณ {context.fiscal_year - 1} (ร้อยละที่เสร็จ)"):
        st.dataframe(comparison.rename(columns={
            "number": "ตัวชี้วัด", "name_th": "ชื่อ", "last_year_same_day": "ปีก่อน ณ วันเดียวกัน",
            "last_year_final": "ปีก่อน ทั้งปี", "this_year": f"ปีนี้ ณ {format_be(context.as_of)}"}),
            hide_index=True, width="stretch")

st.divider()
names = {r.number: f"{OVERALL_ICON[r.overall]} {r.number}. {r.name_th}" for r in view.indicators.itertuples()}
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
rows = sort_by_code(rows[rows["light"].isin(shown)])  # ก1 … ก26, then O1 … O25: codes read as numbers
st.caption(f"{len(rows)} รายการ")
show_rows(rows, key=f"indicator_{chosen}",
          title=f"{context.station_name} ปีงบประมาณ {context.fiscal_year} ณ {format_be(context.as_of)}")
