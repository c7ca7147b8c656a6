"""Import a plan from Excel or CSV (admins): upload, preview, approve new names, commit all at once."""

import hashlib
import math

import streamlit as st

from ita_core import imports
from ita_core.framework import framework_of, missing_framework_th
from ita_core.meeting import markdown_text
from ita_core.permissions import Action
from ita_core.settings import get_settings
from ita_ui.context import pick_context, set_context
from ita_ui.engine import reading
from ita_ui.notices import flash
from ita_ui.styles import thai_uploader
from ita_ui.writes import write

st.title("นำเข้าแผนจาก Excel")
context = pick_context(with_as_of=False, needs=Action.EDIT_PLAN, new_year=True)
where = f"{context.station_name} ปีงบประมาณ {context.fiscal_year}"
st.header(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year}")

with reading() as session:  # said before any upload: the write path would refuse the file anyway
    no_framework = (None if framework_of(session, context.fiscal_year)
                    else missing_framework_th(session, context.fiscal_year))
if no_framework:
    st.error(no_framework + " หรือคัดลอก/นำเข้าเกณฑ์ที่หน้า «เกณฑ์การประเมินรายปี» แล้วกลับมานำเข้าแผน")
    st.stop()

settings = get_settings()
st.markdown(
    "รับไฟล์ 2 แบบ: **ไฟล์ที่ส่งออกจากระบบนี้** (กิจกรรม ข้อมูล OIT หรือแผน ITA ทั้งฉบับ แก้ใน Excel แล้วนำกลับ) "
    "หรือ **แผนตามแบบฟอร์ม** 8 คอลัมน์: " + " | ".join(imports.PLAN_HEADERS) + "  \n"
    "ช่องตัวชี้วัดที่เว้นว่างใช้ค่าจากแถวบน · ห้ามมีสูตรและเซลล์ผสาน · "
    f"ไม่เกิน {settings.import_max_bytes / 1024 / 1024:.0f} MB และ {settings.import_max_rows:,} แถวต่อแผ่นงาน · "
    "ระบบแสดงตัวอย่างก่อน และบันทึกทั้งหมดพร้อมกันหรือไม่บันทึกเลย"
)
round_ = st.session_state.setdefault("import_round", 0)
max_mb = max(1, math.ceil(settings.import_max_bytes / 2**20))
thai_uploader(max_mb=max_mb, kinds=("xlsx", "csv"))
upload = st.file_uploader("เลือกไฟล์ .xlsx หรือ .csv", type=["xlsx", "csv"], key=f"import_file_{round_}",
                          max_upload_size=max_mb)
if upload is None:
    st.stop()

# due dates beyond the year ± 1 are refused as typing slips (1900, 2099) unless the admin says they are meant
dates_intended = st.checkbox(imports.DATES_INTENDED_TH, key=f"dates_intended_{round_}",
                             help="กำหนดเสร็จที่อยู่นอกปีงบประมาณ ± 1 ปีจะนำเข้าพร้อมคำเตือน แทนการปฏิเสธ "
                                  "และประวัติการแก้ไขบันทึกว่านำเข้าโดยเลือกข้อนี้")

data = upload.getvalue()
# parsed and previewed once per uploaded file (by its hash), not on every rerun: a ticked name or a
# click would otherwise read the workbook again; the commit re-reads it and checks the fingerprint
upload_key = (hashlib.sha256(data).hexdigest(), upload.name, context.station_id, context.fiscal_year, round_,
              dates_intended)
if st.session_state.get("import_preview_key") != upload_key:
    with reading() as session:
        st.session_state["import_preview"] = imports.preview(
            session, data, upload.name, station_id=context.station_id, fiscal_year=context.fiscal_year,
            settings=settings, dates_outside_year_intended=dates_intended)
    st.session_state["import_preview_key"] = upload_key
preview = st.session_state["import_preview"]

st.subheader(preview.summary())
for problem in preview.errors:
    st.error(str(problem))
for warning in preview.warnings:
    st.warning(str(warning))

table = preview.table()
if not table.empty:
    actions = [("add", "➕ เพิ่ม"), ("change", "✏️ แก้ไข"), ("unchanged", "✔️ ไม่เปลี่ยน")]
    tabs = st.tabs([f"{label} ({preview.count(action)})" for action, label in actions])
    for tab, (action, _) in zip(tabs, actions, strict=True):
        rows = table[table["การดำเนินการ"] == imports.ACTION_TH[action]]
        tab.dataframe(rows, hide_index=True, width="stretch",
                      column_config={"รายการที่เปลี่ยน": st.column_config.TextColumn(width="large")})

approve: list[str] = []
if preview.new_names:
    st.markdown("**ชื่อที่ยังไม่รู้จัก** — ทุกชื่อจะเพิ่มเป็นบุคลากรใหม่และรับผิดชอบแถวที่ระบุชื่อไว้ เอาชื่อที่ไม่ต้องการออกได้ "
                "(ชื่อที่เอาออกจะอยู่ในข้อความผู้รับผิดชอบแต่ไม่มอบหมายงาน; ถ้าเป็นคนเดิมที่สะกดต่างกัน "
                "ให้เพิ่มการสะกดที่หน้า จัดการแผนและผู้ใช้ ก่อน)")
    approve = st.multiselect("เพิ่มเป็นบุคลากรใหม่", list(preview.new_names), default=list(preview.new_names),
                             key=f"approve_{round_}", placeholder="เลือกชื่อที่จะเพิ่มเป็นบุคลากรใหม่",
                             format_func=lambda name: f"{preview.new_names[name]}{name}")

ownerless = imports.without_owner(preview, approve) if not preview.errors else []
if ownerless:
    st.warning(f"{len(ownerless)} แถวจะไม่มีผู้รับผิดชอบหลังนำเข้า (ไม่มีชื่อบุคลากรที่ระบบรู้จัก และไม่มีชื่อที่เลือกเพิ่มข้างบน): "
               "เลือกชื่อเพิ่ม หรือมอบหมายผู้รับผิดชอบภายหลังที่หน้า จัดการแผนและผู้ใช้")
    st.dataframe(imports.without_owner_table(ownerless), hide_index=True, width="stretch")

pending = preview.count("add") + preview.count("change")
if st.button(f"บันทึกการนำเข้า {pending} แถว เข้าแผนของ{markdown_text(where)}", type="primary",
             disabled=bool(preview.errors) or not pending, key="commit_import"):
    done = write(lambda w: imports.commit(
        w.session, w.actor, data, upload.name, station_id=context.station_id, fiscal_year=context.fiscal_year,
        settings=settings, expected=preview.fingerprint(), approve_names=approve,
        dates_outside_year_intended=dates_intended), rerun=False)
    if done is not None:
        st.session_state["import_round"] = round_ + 1
        # the next page and the first download show the plan just imported
        set_context(station_id=context.station_id, fiscal_year=context.fiscal_year)
        added_items = f" รายการ OIT ตามเกณฑ์ {done.oit_items_added} รายการ" if done.oit_items_added else ""
        no_owner = f" · {len(ownerless)} แถวยังไม่มีผู้รับผิดชอบ" if ownerless else ""
        flash(f"นำเข้าแล้ว: เพิ่ม {done.added} แก้ไข {done.changed} แถว บุคลากรใหม่ {done.people_added} คน"
              + added_items + no_owner)
        st.rerun()
