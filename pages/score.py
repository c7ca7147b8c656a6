"""Score projection: projected ITA total with the label of the year's scheme, pass or not and the
gap to the year's pass mark, a "what if" list of OIT items, survey scores entered by the secretary
and past years' real results entered by the admin."""

import pandas as pd
import streamlit as st

from ita_core import score
from ita_core.meeting import markdown_text
from ita_core.oit_matrix import sub_indicator_names
from ita_core.permissions import Action
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from ita_ui.conflicts import Edits, Versions, by_field, conflict_panel, form_tag, keep_fresh, save_versioned
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.login import current_actor
from ita_ui.notices import notice_missing

context = pick_context()
actor = current_actor()
st.title("คาดการณ์คะแนน ITA")

settings = get_settings()
st.caption(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year} · {score.as_of_note(context.as_of)}")
try:
    with reading() as session:
        view = score.load(session, context.station_id, context.fiscal_year, settings)
        names = sub_indicator_names(session, context.fiscal_year)
except score.NoFramework as missing:
    notice_missing("framework", f"(น้ำหนัก เกณฑ์ผ่าน และระดับผล) จึงคาดการณ์คะแนนไม่ได้ — ผู้ดูแลสร้างด้วยคำสั่ง "
                   f"`{missing.command}`", warn=True)
    st.stop()
projection = view.projection
rule = projection.rule
mark = f"{rule.pass_mark:g}"

st.info("**วิธีคำนวณ (เกณฑ์ของปีงบประมาณนี้ในระบบ ไม่ใช่เกณฑ์ทางการเสมอไป — ตรวจสอบกับคู่มือการประเมิน ITA "
        f"ของสำนักงาน ป.ป.ช. ประจำปี):** {score.describe_rule(rule, settings)} · น้ำหนัก เกณฑ์ผ่าน และระดับผล "
        "เป็นข้อมูลรายปีในเกณฑ์การประเมิน; วิธีนับคะแนน OIT ผู้ดูแลปรับได้ด้วยตัวแปร ITA_OIT_SCORING / "
        "ITA_OIT_COMPONENT_CREDIT")
if rule.source_note:
    st.caption(f"ที่มาของเกณฑ์ปี {context.fiscal_year}: {markdown_text(rule.source_note)}")


def shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


tiles = st.columns(5)
tiles[0].metric("IIT (กรอก)", shown(projection.iit))
tiles[1].metric("EIT (กรอก)", shown(projection.eit))
tiles[2].metric("OIT (จากข้อมูลที่เสร็จพร้อมลิงก์)", shown(projection.oit))
tiles[3].metric("คะแนนรวมคาดการณ์", shown(projection.total), projection.label_th, delta_color="off",
                delta_arrow="off")
verdict = None if projection.passed is None else (f"✅ ผ่านเกณฑ์ {mark}" if projection.passed else
                                                  f"❌ ยังไม่ผ่านเกณฑ์ {mark}")
tiles[4].metric(f"ขาดอีกถึง {mark}", shown(projection.gap), verdict, delta_color="off", delta_arrow="off")
short = score.held_back(projection)
if short:
    tools = ", ".join(f"{tool.value} {projection.tools[tool]:.2f}" for tool in short)
    st.warning(f"คะแนนรวมถึง {mark} แล้ว แต่ได้ระดับ{projection.label_th}: {tools} ต่ำกว่าเกณฑ์ขั้นต่ำรายเครื่องมือ "
               f"{next(iter(short.values())):g} คะแนน")
if projection.total is None:
    notice_missing("scores", "IIT และ EIT — เลขานุการกรอกคะแนนด้านล่าง (ผลปีที่แล้วหรือผลแบบสำรวจจำลอง) "
                   "จึงจะคำนวณคะแนนรวมได้", warn=True)
elif view.entered is not None and view.entered.basis:
    st.caption(f"ที่มาของคะแนน IIT/EIT: {markdown_text(view.entered.basis)}")

left, right = st.columns(2)
with left:
    st.markdown("##### OIT รายตัวชี้วัดย่อย")
    if view.sub_indicators.empty:
        notice_missing("oit", "— คะแนน OIT คาดการณ์จึงเป็น 0")
    subs = view.sub_indicators.assign(name=view.sub_indicators["sub_indicator"].map(names))
    st.dataframe(subs[["sub_indicator", "name", "done", "items", "score"]].rename(columns={
        "sub_indicator": "ตัวชี้วัดย่อย", "name": "ชื่อ", "done": "เสร็จพร้อมลิงก์", "items": "จำนวนข้อ",
        "score": "คะแนน"}), hide_index=True, width="stretch",
        column_config={"คะแนน": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f")})
with right:
    st.plotly_chart(score.figure(view.history, context.fiscal_year, projection), width="stretch")

st.markdown("##### ถ้าทำข้อเหล่านี้ให้เสร็จพร้อมลิงก์ (เรียงจากข้อที่เพิ่มคะแนนรวมได้มากที่สุด)")
if view.items_to_pass == 0:
    st.success(f"คะแนนคาดการณ์ผ่านเกณฑ์ {mark} แล้ว ({projection.label_th})")
elif view.items_to_pass is not None:
    st.markdown(f"ทำเพิ่มอีก **{view.items_to_pass} ข้อ** ตามลำดับด้านล่าง คะแนนคาดการณ์จะผ่านเกณฑ์ {mark}")
elif projection.total is not None:
    st.warning(f"ทำข้อมูล OIT ครบทุกข้อแล้วก็ยังไม่ผ่านเกณฑ์ {mark} — ต้องยกระดับคะแนน IIT/EIT ด้วย")
table = view.what_if.head(10)
st.dataframe(pd.DataFrame({
    "ข้อ": table["code"], "ข้อมูล": table["title"].str.slice(0, 60), "ตัวชี้วัดย่อย": table["sub_indicator"],
    "คะแนน OIT เพิ่ม": table["gain_oit"], "คะแนนรวมเพิ่ม": table["gain_total"],
    # no running total until IIT and EIT are entered: a dash, never "None"
    "คะแนนรวมสะสม": [shown(None if pd.isna(v) else float(v)) for v in table["total_after"]],
}), hide_index=True, width="stretch")
if projection.total is None:
    st.caption("คะแนนรวมสะสม (—) คำนวณได้เมื่อบันทึกคะแนน IIT และ EIT แล้ว")
st.caption(f"คะแนน IIT หรือ EIT ที่เพิ่ม 1 คะแนน เพิ่มคะแนนรวม {projection.weights.iit:.2f} / "
           f"{projection.weights.eit:.2f} คะแนน")

# --- entering scores ------------------------------------------------------------------------------

secretary = actor.may(Action.RECORD_SURVEY, station_id=context.station_id)


SCORE_TH = {"iit": "IIT", "eit": "EIT", "oit": "OIT", "total": "คะแนนรวม", "basis": "ที่มาของคะแนน",
            "note": "หมายเหตุ / แหล่งที่มา"}


st.divider()
inputs_tab, history_tab = st.tabs(["คะแนนสำรวจปีนี้ (IIT/EIT)", "ผลคะแนนจริงย้อนหลัง"])
with inputs_tab:
    if not secretary:
        st.info("เลขานุการ ITA (ผู้ดูแลระบบ หรือเจ้าหน้าที่ที่แก้ไขได้ทุกรายการ) เข้าสู่ระบบเพื่อกรอกคะแนน IIT/EIT")
    else:
        entered = view.entered
        version = entered.version if entered else None
        key = f"score_input_{context.station_id}_{context.fiscal_year}"

        def save_input(writer: Writer, edits: Edits, versions: Versions) -> object:
            return writer.save_score_input(station_id=context.station_id, fiscal_year=context.fiscal_year,
                                           values=edits[key], seen_version=versions[key])

        conflict_panel(key, save_input, by_field(SCORE_TH))
        tag = form_tag(key, version)
        with st.form(f"form_{key}", enter_to_submit=False):
            iit = st.number_input("คะแนน IIT (0–100)", 0.0, 100.0, entered.iit if entered else None,
                                  step=0.01, format="%.2f", key=f"iit_{tag}")
            eit = st.number_input("คะแนน EIT (0–100)", 0.0, 100.0, entered.eit if entered else None,
                                  step=0.01, format="%.2f", key=f"eit_{tag}")
            basis = st.text_input("ที่มาของคะแนน (เช่น ผลปี 2566, แบบสำรวจจำลอง ก.พ. 67)",
                                  entered.basis if entered else "", key=f"basis_{tag}")
            submitted = st.form_submit_button("💾 บันทึกคะแนนสำรวจ", type="primary")
        if not submitted:
            keep_fresh({key: version})
        else:
            typed = {"iit": iit, "eit": eit, "basis": basis}
            save_versioned(key, save_input, {key: typed}, {key: version})

with history_tab:
    past = view.history
    if len(past):
        st.dataframe(pd.DataFrame({
            "ปีงบประมาณ": past["fiscal_year"].astype(str), "IIT": past["iit"], "EIT": past["eit"],
            "OIT": past["oit"], "คะแนนรวม": past["total"], "ผลการประเมิน": past["label"],
            "หมายเหตุ": past["note"]}),
            hide_index=True, width="stretch")
        st.caption("ผลการประเมินของแต่ละปีตามเกณฑ์ของปีนั้น; ปีที่ยังไม่มีเกณฑ์ในระบบแสดงเป็นเกรด AA–F")
    else:
        st.caption("ยังไม่มีผลคะแนนย้อนหลัง")
    if not actor.may(Action.EDIT_RESULTS, station_id=context.station_id):
        st.info("ผู้ดูแลระบบเข้าสู่ระบบเพื่อบันทึกผลคะแนนจริงของปีที่ผ่านมา (ตามที่ ป.ป.ช. ประกาศ)")
    else:
        year = st.number_input("ปีงบประมาณ (พ.ศ.)", 2550, 2700, context.fiscal_year - 1, step=1,
                               key="history_year")
        existing = past[past["fiscal_year"] == year]
        row = existing.iloc[0] if len(existing) else None
        version = int(row["version"]) if row is not None else None
        key = f"score_history_{context.station_id}_{year}"

        def value(name: str) -> float | None:
            return None if row is None or pd.isna(row[name]) else float(row[name])

        def save_history(writer: Writer, edits: Edits, versions: Versions) -> object:
            return writer.save_score_history(station_id=context.station_id, fiscal_year=year,
                                             values=edits[key], seen_version=versions[key])

        conflict_panel(key, save_history, by_field(SCORE_TH))
        tag = form_tag(key, version)
        with st.form(f"form_{key}", enter_to_submit=False):
            cols = st.columns(4)
            typed = {name: cols[i].number_input(SCORE_TH[name], 0.0, 100.0, value(name), step=0.01,
                                                format="%.2f", key=f"{name}_{tag}")
                     for i, name in enumerate(["iit", "eit", "oit", "total"])}
            note = st.text_input("หมายเหตุ / แหล่งที่มา", row["note"] if row is not None else "",
                                 key=f"note_{tag}")
            submitted = st.form_submit_button("💾 บันทึกผลคะแนนจริง", type="primary")
        if not submitted:
            keep_fresh({key: version})
        else:
            save_versioned(key, save_history, {key: {**typed, "note": note}}, {key: version})
