"""Survey quotas: EIT/IIT respondents per department and in total against the collection window,
the pace still needed, the seed's conflicting numbers, and the secretary's count form."""

from datetime import date

import pandas as pd
import streamlit as st

from ita_core import quotas
from ita_core.exports import COLUMNS
from ita_core.meeting import markdown_text
from ita_core.permissions import Action
from ita_core.services.writer import Writer
from ita_core.status import badge
from ita_core.thai_dates import format_be
from ita_ui.conflicts import Edits, Versions, by_field, conflict_panel, form_tag, keep_fresh, save_versioned
from ita_ui.context import pick_context
from ita_ui.dates import be_date_input
from ita_ui.engine import reading
from ita_ui.forms import row_editor
from ita_ui.login import current_actor
from ita_ui.notices import notice_missing
from ita_ui.tables import download_table
from ita_ui.writes import write

QUOTA_FIELDS = {"tool": ("เครื่องมือ", "tool"), "department": ("ฝ่าย (หรือ “รวมทั้งสถานี”)", "text"),
                "min_respondents": ("จำนวนผู้ตอบขั้นต่ำ (คน)", "number"), "note": ("หมายเหตุ", "text")}

context = pick_context()
actor = current_actor()
st.title("โควตาผู้ตอบแบบวัด EIT / IIT")

with reading() as session:
    table, recorded = quotas.load(session, context.station_id, context.fiscal_year, context.as_of)

st.caption(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ {format_be(context.as_of)} · "
           "✅ ครบแล้ว · 🟢 ตามแผน · 🟡 ช้ากว่าแผนเส้นตรง · 🔴 หมดช่วงเก็บข้อมูลแล้วแต่ยังไม่ครบ")


def line(row: pd.Series) -> str:
    """One quota as Thai text: collected of minimum, the linear plan and the pace still needed."""
    text = f"เก็บได้ {row['collected']} จาก {row['minimum']} คน ({row['percent']:.0f}%)"
    if pd.notna(row["expected"]):
        text += f" · ตามแผนควรได้ {row['expected']:.0f} คน"
    if row["remaining"]:
        text += f" · ขาดอีก {row['remaining']} คน"
    if row["remaining"] and pd.notna(row["window_start"]):  # no pace without a collection window
        text += f" · ต้องเก็บ {quotas.per_day_text(row['per_day'])}"
    return text


def show_quota(row: pd.Series) -> None:
    st.markdown(f"{badge(row['light'])} · **{markdown_text(row['department'])}** · ขั้นต่ำ {row['minimum']} คน")
    st.progress(min(row["percent"], 100.0) / 100, text=line(row))
    if row["assumed"]:
        st.info(f"แผนไม่ได้ระบุจำนวนผู้ตอบ {row['tool']} ขั้นต่ำเป็นตัวเลข (ระบุเพียง “ครอบคลุมจำนวนขั้นต่ำที่กำหนดตามคู่มือ”) "
                f"— {row['minimum']} คนเป็นค่าสมมุติ: แก้จำนวนเป็นขั้นต่ำที่ระบบ ITAS คำนวณให้สถานี "
                "และแก้หมายเหตุ (ที่ขึ้นต้นด้วย “สันนิษฐาน”) ที่ “แก้ไขโควตาผู้ตอบ”")
    if row["conflict"]:
        st.warning(f"⚠️ ตัวเลขในแผนขัดกันเอง — ค่าที่บันทึกไว้: **{row['minimum']} คน**  \n"
                   f"หมายเหตุการถอดข้อมูล (data/NOTES.md): {row['note']}")


if table.empty:
    notice_missing("quotas", "— ผู้ดูแลเพิ่มได้ที่ “แก้ไขโควตาผู้ตอบ” ด้านล่าง")
tracked = () if table.empty else ("EIT", "IIT")
for tool in tracked:
    rows = table[table["tool"] == tool]
    st.subheader(f"{tool} · {'ผู้มีส่วนได้ส่วนเสียภายนอก' if tool == 'EIT' else 'ผู้มีส่วนได้ส่วนเสียภายใน'}")
    if rows.empty:
        st.info(f"แผนไม่ได้ระบุจำนวนผู้ตอบ {tool} ขั้นต่ำเป็นตัวเลข (ระบุเพียง “ครอบคลุมจำนวนขั้นต่ำที่กำหนดตามคู่มือ”) "
                "จึงไม่มีโควตาให้ติดตาม")
        continue
    first = rows.iloc[0]
    if pd.notna(first["window_start"]):
        st.caption(f"ช่วงเก็บข้อมูลตามปฏิทิน ITA: {format_be(first['window_start'])} – "
                   f"{format_be(first['window_end'])} · เหลือ {first['days_left']} วัน (นับวันนี้)")
    else:
        notice_missing("phases", f"(ช่วงเก็บข้อมูล {tool}) — จึงยังไม่มีจำนวนที่ควรได้ตามแผนและอัตราที่ต้องเก็บต่อวัน")
    for _, row in pd.concat([rows[rows["is_total"]], rows[~rows["is_total"]]]).iterrows():
        show_quota(row)
    gap = quotas.department_gap(table, tool)
    if gap and gap[0] != gap[1]:
        st.info(f"ขั้นต่ำรายฝ่ายรวมกัน {gap[0]} คน แต่ยอดขั้นต่ำทั้งสถานีคือ {gap[1]} คน — อีก {gap[1] - gap[0]} คน"
                f"ไม่ได้กำหนดให้ฝ่ายใด (บันทึกผู้ตอบที่ไม่ระบุฝ่ายในแถว “{quotas.STATION_TOTAL}”; "
                "ยอดรวมทั้งสถานีนับผู้ตอบทุกฝ่ายรวมกัน)")

if actor.may(Action.EDIT_PLAN, station_id=context.station_id):
    with st.expander("⚙️ แก้ไขโควตาผู้ตอบ (ผู้ดูแลระบบ)"):
        with reading() as session:
            stored = {q.id: q for q in quotas.quota_rows(session, context.station_id, context.fiscal_year)}
        quota = row_editor("quota", stored, label="โควตา", new_label="➕ เพิ่มโควตา",
                           describe=lambda q: f"{q.tool} · {q.department}", fields=QUOTA_FIELDS,
                           submit="เพิ่มโควตา", success="เพิ่มโควตาแล้ว", save=Writer.save_quota,
                           scope={"station_id": context.station_id, "fiscal_year": context.fiscal_year})
        delete = "🗑️ ลบโควตานี้ (เฉพาะที่ยังไม่มีการบันทึกจำนวน)"
        if quota is not None and st.button(delete, key=f"delete_quota_{quota.id}"):
            write(lambda w: w.delete_quota(row_id=quota.id, seen_version=quota.version), "ลบโควตาแล้ว",
                  deleting=True)

if table.empty:
    st.stop()

st.divider()
names = {int(r.id): f"{r.tool} · {r.department}" for r in table.itertuples()}
chosen = st.selectbox("กราฟสะสมของ", list(names), format_func=names.get, key="quota_chart")
chosen_row = table[table["id"] == chosen].iloc[0]
if pd.notna(chosen_row["window_start"]):
    st.plotly_chart(quotas.figure(recorded, chosen_row, context.as_of), width="stretch")

# --- the secretary records counts -----------------------------------------------------------------

st.subheader("บันทึกจำนวนผู้ตอบรายวัน")
if not actor.may(Action.RECORD_SURVEY, station_id=context.station_id):
    st.info("เลขานุการ ITA (ผู้ดูแลระบบ หรือเจ้าหน้าที่ที่แก้ไขได้ทุกรายการ) เข้าสู่ระบบเพื่อบันทึกจำนวนผู้ตอบ")
else:
    left, right = st.columns(2)
    quota_id = left.selectbox("โควตา", list(names), format_func=names.get, key="count_quota")
    day: date = (be_date_input("วันที่เก็บข้อมูล", value=context.as_of, key="count_day", where=right)
                 or context.as_of)
    existing = recorded[(recorded["quota_id"] == quota_id) & (recorded["day"] == day)]
    version = int(existing["version"].iloc[0]) if len(existing) else None
    current = int(existing["collected"].iloc[0]) if len(existing) else 0
    key = f"count_{quota_id}_{day.isoformat()}"

    def save_count(writer: Writer, edits: Edits, versions: Versions) -> object:
        typed = edits[key]
        return writer.record_survey_count(quota_id=quota_id, day=day, collected=typed["collected"],
                                          seen_version=versions[key], note=typed["note"])

    if version is not None:
        st.caption(f"วันนี้บันทึกไว้แล้ว {current} คน — บันทึกใหม่จะแทนค่าเดิมของวันนั้น")
    conflict_panel(key, save_count, by_field({"collected": "จำนวน (คน)", "note": "หมายเหตุ"}))
    tag = form_tag(key, version)
    with st.form(f"form_{key}", enter_to_submit=False):
        collected = st.number_input("จำนวนผู้ตอบที่เก็บได้ในวันนั้น (คน)", min_value=0, max_value=100_000,
                                    value=current, step=1, key=f"collected_{tag}")
        note = st.text_input("หมายเหตุ", existing["note"].iloc[0] if len(existing) else "",
                             key=f"note_{tag}")
        submitted = st.form_submit_button("💾 บันทึกจำนวน", type="primary")
    if not submitted:
        keep_fresh({key: version})
    else:  # redraw with the new numbers; the warnings and the toast show after the redraw
        save_versioned(key, save_count, {key: {"collected": collected, "note": note}}, {key: version})

if not recorded.empty:
    st.markdown("##### จำนวนที่บันทึกไว้")
    shown = recorded.sort_values(["day", "quota_id"], ascending=[False, True])
    st.dataframe(pd.DataFrame({
        "วันที่": shown["day"].map(format_be), "เครื่องมือ": shown["tool"], "ฝ่าย": shown["department"],
        "จำนวน (คน)": shown["collected"], "หมายเหตุ": shown["note"], "ผู้บันทึก": shown["updated_by"],
    }), hide_index=True, width="stretch")
    download_table(shown[[k for k, _ in COLUMNS["survey-counts"]]], "survey-counts",
                   f"survey-counts-{context.fiscal_year}",
                   f"จำนวนผู้ตอบแบบวัด {context.station_name} · ปีงบประมาณ {context.fiscal_year}")
