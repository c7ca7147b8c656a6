"""Province / region: every station's lights, percent done, overdue and OIT share; drill down."""

import streamlit as st

from ita_core.thai_dates import format_be
from ita_ui.context import pick_region
from ita_ui.loaders import province_view
from ita_ui.tables import download_table

region = pick_region()
view = province_view(region)
chosen, fiscal_year, as_of = region.province, region.fiscal_year, region.as_of

heading = f"ภาพรวม{' จังหวัด' + chosen if chosen else 'ทุกสถานี'}"
st.title(heading)
st.caption(f"{view.stations} สถานี · ปีงบประมาณ {fiscal_year} · ข้อมูล ณ {format_be(as_of)}")
tiles = st.columns(4)
tiles[0].metric("สถานี", view.stations)
tiles[1].metric("🔴 สถานีที่มีเรื่องเลยกำหนด", view.stations_overdue)
tiles[2].metric("✅ เสร็จเฉลี่ย", f"{view.mean_done:.1f}%")
tiles[3].metric("📂 OIT มีหลักฐานเฉลี่ย", f"{view.mean_oit:.1f}%")

st.dataframe(
    view.shown, hide_index=True, width="stretch", height=min(600, 38 + 35 * view.stations),
    column_config={
        "light": "สัญญาณ", "code": "รหัส", "name": "สถานี", "province": "จังหวัด", "overdue": "เลยกำหนด",
        "at_risk": "เสี่ยงล่าช้า",
        "percent_done": st.column_config.ProgressColumn("เสร็จแล้ว", min_value=0, max_value=100,
                                                        format="%.1f%%"),
        "oit_share": st.column_config.ProgressColumn("OIT มีหลักฐาน", min_value=0, max_value=100,
                                                     format="%.1f%%"),
    },
)
download_table(view.export, "stations", f"stations-{fiscal_year}",
               f"{heading} · ปีงบประมาณ {fiscal_year} · ข้อมูล ณ {format_be(as_of)}")

st.markdown("#### สถานี × ตัวชี้วัด")
st.plotly_chart(view.heat, width="stretch")
if view.stations > view.heat_rows:
    st.caption(f"แสดง {view.heat_rows} สถานีที่มีเรื่องเลยกำหนดมากที่สุด จากทั้งหมด {view.stations} สถานี")

station = st.selectbox("ดูแดชบอร์ดของสถานี", list(view.labels), key="drill_station", format_func=view.labels.get)
if station is not None and st.button("เปิดภาพรวมของสถานีนี้", type="primary", key="open_station"):
    st.session_state["station"] = station
    st.session_state["fiscal_year"] = fiscal_year
    st.switch_page("pages/overview.py")
