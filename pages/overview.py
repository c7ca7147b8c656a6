"""Overview: KPI tiles and the ten indicators' lights, grouped by tool; drill down to rows."""

import streamlit as st

from ita_core.plan import sub_indicator_lights, year_comparison
from ita_core.queries import plan_issues
from ita_core.settings import get_settings
from ita_core.status import ICON, OVERALL_ICON, OVERALL_TH
from ita_core.thai_dates import format_be
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.loaders import plan_view
from ita_ui.notices import notice_missing, notice_missing_rows
from ita_ui.styles import light_box
from ita_ui.tables import plan_workbook_download, show_rows

TOOLS = {"IIT": "IIT · ผู้มีส่วนได้ส่วนเสียภายใน", "EIT": "EIT · ผู้มีส่วนได้ส่วนเสียภายนอก",
         "OIT": "OIT · การเปิดเผยข้อมูลสาธารณะ"}

context = pick_context()
view = plan_view(context)
kpis = view.kpis

st.title("ภาพรวมตัวชี้วัด ITA")
st.caption(f"{context.station_name} · ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ {format_be(context.as_of)}")
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

subs = sub_indicator_lights(view.rows).set_index("sub_indicator")
for tool, heading in TOOLS.items():
    st.markdown(f"#### {heading}")
    group = view.indicators[view.indicators["tool"] == tool]
    columns = st.columns(len(group))
    for column, row in zip(columns, group.itertuples(), strict=True):
        with column, light_box(row.overall, f"ind{row.number}"):
            st.markdown(f"### {OVERALL_ICON[row.overall]} {row.number}")
            st.markdown(f"**{row.name_th}**  \n{OVERALL_TH[row.overall]}")
            if row.overall != "grey":  # grey already says "nothing to rate"
                st.caption(f"เสร็จ {row.done}/{row.total - row.grey} · 🟡 {row.yellow} · 🔴 {row.red}")
            for code, sub in subs[subs.index.str.startswith(f"{row.number}.")].iterrows():
                rated = sub["green"] + sub["yellow"] + sub["red"]
                st.caption(f"{OVERALL_ICON[sub['overall']]} {code} "
                           + (f"เสร็จ {sub['done']}/{rated}" if rated else OVERALL_TH["grey"]))

with reading() as session:
    comparison = year_comparison(session, context.station_id, context.fiscal_year, context.as_of,
                                 get_settings())
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
show_rows(rows.sort_values(["judged_due", "ref"], na_position="last"), key=f"indicator_{chosen}",
          title=f"{context.station_name} ปีงบประมาณ {context.fiscal_year} ณ {format_be(context.as_of)}")
