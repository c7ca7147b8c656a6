"""Province / region: every station's lights, percent done, overdue and OIT share; drill down."""

import plotly.graph_objects as go
import streamlit as st

from ita_core import province
from ita_core.exports import COLUMNS
from ita_core.status import OVERALL_ICON, OVERALL_TH, overall_badge
from ita_core.thai_dates import format_be
from ita_ui.context import pick_region
from ita_ui.loaders import station_table
from ita_ui.tables import download_table

SCALE = [[0.0, "#9e9e9e"], [0.33, "#9e9e9e"], [0.34, "#1a9850"], [0.6, "#1a9850"], [0.61, "#f1c40f"],
         [0.8, "#f1c40f"], [0.81, "#d73027"], [1.0, "#d73027"]]


region = pick_region()
table, grid = station_table(region.station_ids, region.fiscal_year, region.as_of)
chosen, fiscal_year, as_of = region.province, region.fiscal_year, region.as_of

heading = f"ภาพรวม{' จังหวัด' + chosen if chosen else 'ทุกสถานี'}"
st.title(heading)
st.caption(f"{len(table)} สถานี · ปีงบประมาณ {fiscal_year} · ข้อมูล ณ {format_be(as_of)}")
tiles = st.columns(4)
tiles[0].metric("สถานี", len(table))
tiles[1].metric("🔴 สถานีที่มีเรื่องเลยกำหนด", int((table["overdue"] > 0).sum()))
tiles[2].metric("✅ เสร็จเฉลี่ย", f"{table['percent_done'].mean():.1f}%")
tiles[3].metric("📂 OIT มีหลักฐานเฉลี่ย", f"{table['oit_share'].mean():.1f}%")

shown = table.assign(light=table["overall"].map(overall_badge))
st.dataframe(
    shown[["light", "code", "name", "province", "percent_done", "overdue", "at_risk", "oit_share"]],
    hide_index=True, width="stretch", height=min(600, 38 + 35 * len(shown)),
    column_config={
        "light": "สัญญาณ", "code": "รหัส", "name": "สถานี", "province": "จังหวัด", "overdue": "เลยกำหนด",
        "at_risk": "เสี่ยงล่าช้า",
        "percent_done": st.column_config.ProgressColumn("เสร็จแล้ว", min_value=0, max_value=100,
                                                        format="%.1f%%"),
        "oit_share": st.column_config.ProgressColumn("OIT มีหลักฐาน", min_value=0, max_value=100,
                                                     format="%.1f%%"),
    },
)

download_table(table.assign(overall=table["overall"].map(OVERALL_TH))[[k for k, _ in COLUMNS["stations"]]],
               "stations", f"stations-{fiscal_year}",
               f"{heading} · ปีงบประมาณ {fiscal_year} · ข้อมูล ณ {format_be(as_of)}")

st.markdown("#### สถานี × ตัวชี้วัด")
worst = table.sort_values(["overdue", "at_risk"], ascending=False).head(40)
cells = grid.loc[worst["station_id"]]
heat = go.Figure(go.Heatmap(
    z=cells.map(province.SEVERITY.get).to_numpy(), x=[f"ตัวชี้วัด {n}" for n in cells.columns],
    y=list(worst["name"]), text=cells.map(OVERALL_ICON.get).to_numpy(), texttemplate="%{text}",
    colorscale=SCALE, zmin=0, zmax=3, showscale=False, hovertemplate="%{y} · %{x}<extra></extra>",
))
heat.update_yaxes(autorange="reversed")
heat.update_layout(height=120 + 28 * len(worst), margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(heat, width="stretch")
if len(table) > len(worst):
    st.caption(f"แสดง {len(worst)} สถานีที่มีเรื่องเลยกำหนดมากที่สุด จากทั้งหมด {len(table)} สถานี")

names = dict(zip(table["station_id"], table["name"], strict=True))  # asked once per option on every rerun
station = st.selectbox("ดูแดชบอร์ดของสถานี", [None, *names], key="drill_station",
                       format_func=lambda i: "— เลือกสถานี —" if i is None else names[i])
if station is not None and st.button("เปิดภาพรวมของสถานีนี้", type="primary", key="open_station"):
    st.session_state["station"] = station
    st.session_state["fiscal_year"] = fiscal_year
    st.switch_page("pages/overview.py")
