"""Home: which station and year this is, what needs doing now for whoever is logged in (the
commander or admin: every late row and whose it is; an officer: his own next rows), and what
the plan holds (all an anonymous visitor sees)."""

import streamlit as st

from ita_core import meeting, queries
from ita_core.auth import ANONYMOUS, has_admin
from ita_core.demo import has_demo_rows
from ita_core.permissions import Action
from ita_core.thai_dates import format_be
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.loaders import plan_view
from ita_ui.login import current_actor
from ita_ui.notices import notice_missing
from ita_ui.styles import attention_rows
from ita_ui.writes import write

st.title("แผนยกระดับ ITA ของสถานีตำรวจ")
context = pick_context()

view = plan_view(context)
with reading() as session:
    counts = queries.plan_counts(session, context.station_id, context.fiscal_year)
    demo = has_demo_rows(session, context.station_id, context.fiscal_year)

st.subheader(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year}")
if demo:
    st.warning("⚠️ ความคืบหน้าที่แสดงเป็นข้อมูลตัวอย่าง (demo) ไม่ใช่ผลจริง")

actor = current_actor()
if actor.username != ANONYMOUS.username:
    when = format_be(context.as_of)
    if actor.person_id is not None:  # an officer in the plan: his own overdue rows and those due in 30 days
        mine = meeting.next_items(view.rows, view.assignments, actor.person_id, context.as_of)
        st.markdown(f"#### 📝 งานของฉันที่ต้องทำต่อ ณ {when}: {len(mine)} รายการ")
        st.caption("รายการที่เลยกำหนดแล้ว และที่ครบกำหนดภายใน 30 วัน (เก่าสุดก่อน)")
        if mine.empty:
            st.success("ไม่มีงานเลยกำหนดหรือใกล้ครบกำหนดใน 30 วัน")
        else:
            attention_rows(meeting.attention_table(mine, "เวลา"))
        st.page_link("pages/my_items.py", label="อัปเดตงานของฉัน", icon="✍️")
    if actor.person_id is None or actor.may(Action.UPDATE_ANY_ROW, station_id=context.station_id):
        late = meeting.late_now(view.rows, context.as_of)  # the commander's / secretary's question
        st.markdown(f"#### 🔴 เลยกำหนด ณ {when}: {len(late)} รายการ")
        if late.empty:
            st.success("ไม่มีรายการเลยกำหนด")
        else:
            attention_rows(meeting.attention_table(late))
        st.page_link("pages/meeting.py", label="มุมมองการประชุม (จอโปรเจกเตอร์)", icon="📽️")
    st.divider()

tiles = st.columns(4)
tiles[0].metric("มาตรการ/กิจกรรม", counts["activities"])
tiles[1].metric("ข้อมูล OIT", counts["oit_items"])
tiles[2].metric("ผู้รับผิดชอบ", counts["people"])
tiles[3].metric("ขั้นตอนตามปฏิทิน ITA", counts["phases"])
for what, counted in (("activities", "activities"), ("oit", "oit_items"), ("people", "people"),
                      ("phases", "phases")):
    if not counts[counted]:
        notice_missing(what)

st.markdown("#### มาตรการ/กิจกรรม และข้อมูล OIT ต่อตัวชี้วัด")
indicators = view.indicators[["number", "name_th", "tool"]].copy()
for column, kind in (("activities", "activity"), ("oit", "oit_item")):
    per_indicator = view.rows.loc[view.rows["kind"] == kind, "indicator"].value_counts()
    indicators[column] = indicators["number"].map(per_indicator).fillna(0).astype(int)
st.dataframe(
    indicators.rename(columns={"number": "ข้อ", "name_th": "ตัวชี้วัด", "tool": "เครื่องมือ",
                               "activities": "กิจกรรม", "oit": "ข้อมูล OIT"}),
    hide_index=True, width="stretch",
)

st.markdown("#### เริ่มต้นใช้งาน")
commander, officer, secretary = st.columns(3)
with commander:
    st.markdown("**ผู้บังคับบัญชา** — ดูว่าอะไรล่าช้า ใครรับงานมากเกินไป")
    st.page_link("pages/overview.py", label="ภาพรวมตัวชี้วัด", icon="🚦")
    st.page_link("pages/meeting.py", label="มุมมองการประชุม (จอโปรเจกเตอร์)", icon="📽️")
with officer:
    st.markdown("**เจ้าหน้าที่ผู้รับผิดชอบ** — เปิดงานของฉัน เข้าสู่ระบบในหน้านั้น แล้วอัปเดตงานของตน")
    st.page_link("pages/my_items.py", label="งานของฉัน", icon="✍️")
    st.page_link("pages/oit_matrix.py", label="ตารางเผยแพร่ OIT รายเดือน", icon="🗓️")
with secretary:
    st.markdown("**เลขานุการ ITA** — ติดตามโควตาผู้ตอบและคะแนน; เมนูผู้ดูแลระบบ (แผน ผู้ใช้ นำเข้า ประวัติ) "
                "ปรากฏเมื่อเข้าสู่ระบบด้วยบัญชีผู้ดูแลระบบ")
    st.page_link("pages/quotas.py", label="โควตาผู้ตอบ EIT/IIT", icon="📋")
    st.page_link("pages/score.py", label="คาดการณ์คะแนน ITA", icon="🎯")

with reading() as session:
    needs_admin = not has_admin(session)
if needs_admin:
    st.divider()
    st.markdown("#### 🔑 ตั้งค่าผู้ดูแลระบบคนแรก")
    st.caption("ยังไม่มีผู้ดูแลระบบ สร้างได้ครั้งเดียวที่นี่ (หรือใช้คำสั่ง `ita user add NAME --role admin`)")
    with st.form("first_admin", enter_to_submit=False):
        username = st.text_input("ชื่อผู้ใช้", key="setup_user")
        password = st.text_input("รหัสผ่าน (อย่างน้อย 10 ตัวอักษร ไม่ใช่รหัสที่เดาง่าย)", type="password",
                                 key="setup_password")
        again = st.text_input("ยืนยันรหัสผ่าน", type="password", key="setup_again")
        submitted = st.form_submit_button("สร้างผู้ดูแลระบบ", type="primary")
    if submitted:
        if password != again:
            st.error("รหัสผ่านสองช่องไม่ตรงกัน")
        elif write(lambda w: w.create_first_admin(username=username, password=password),
                   "สร้างผู้ดูแลระบบแล้ว เข้าสู่ระบบได้ที่แถบข้าง (บนโทรศัพท์ แตะ » มุมซ้ายบน)"):
            st.rerun()
