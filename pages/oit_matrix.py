"""OIT publication matrix: items O1–O25 × the months of the fiscal year; tick a cell with its link;
each item's components checklist."""

from datetime import date

import pandas as pd
import streamlit as st

from ita_core import oit_matrix, queries
from ita_core.oit_matrix import STATE_ICON, STATE_TH, CellState
from ita_core.permissions import Action
from ita_core.services.writer import Writer
from ita_core.thai_dates import format_be
from ita_ui.conflicts import Edits, Versions, conflict_panel, form_tag, keep_fresh, save_versioned
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.forms import NO_CHANGE, component_checkbox, component_key, save_component_ticks
from ita_ui.login import current_actor, login_here
from ita_ui.notices import notice_missing
from ita_ui.tables import download_table

context = pick_context()
actor = current_actor()
st.title("ตารางเผยแพร่ OIT รายเดือน")

with reading() as session:
    cells = oit_matrix.cells(session, context.station_id, context.fiscal_year, context.as_of)
    names = oit_matrix.sub_indicator_names(session, context.fiscal_year)
    components = queries.components(session, context.station_id, context.fiscal_year)
    assignments = queries.assignments(session, context.station_id, context.fiscal_year)
    export, columns = oit_matrix.export_table(session, context.station_id, context.fiscal_year, context.as_of)

st.caption(f"{context.station_name} · ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ {format_be(context.as_of)}")
if cells.empty:
    notice_missing("oit", "— ตารางเผยแพร่จะปรากฏเมื่อแผนมีข้อมูล OIT")
    st.stop()
counts = oit_matrix.summary(cells)
tiles = st.columns(3)
for tile, state in zip(tiles, (CellState.DONE, CellState.DUE, CellState.OVERDUE), strict=True):
    tile.metric(f"{STATE_ICON[state]} {STATE_TH[state]}", counts[state.value])
st.caption(" · ".join(f"{STATE_ICON[s]} {STATE_TH[s]}" for s in CellState)
           + " — ตัวเลขหลังสถานะคือวันที่ครบกำหนดของเดือนนั้น; คลิก “เผยแพร่แล้ว” เพื่อเปิดลิงก์")

items = cells.drop_duplicates("item_id").set_index("item_id")
mine = items.index
if actor.may(Action.UPDATE_ASSIGNED) and not actor.may(Action.UPDATE_ANY_ROW):  # an officer: own items
    mine = pd.Index(assignments.loc[assignments["person_id"] == actor.person_id, "oit_item_id"].dropna()
                    .astype(int).unique())
    mine = items.index[items.index.isin(mine)]


def choose(item: int, month: date) -> None:
    """Open the tick form below on this item and month."""
    st.session_state["matrix_item"] = item
    st.session_state[f"matrix_month_{item}"] = month


TODO_SHOWN = 40
table_tab, todo_tab = st.tabs(["📊 ตารางทั้งปี", "📱 ต้องทำ"])
with table_tab:
    for heading, table in oit_matrix.markdown_tables(cells, names):
        st.markdown(f"##### ตัวชี้วัดย่อย {heading}")
        st.markdown(table)
    title = f"{context.station_name} ปีงบประมาณ {context.fiscal_year} ณ {format_be(context.as_of)}"
    download_table(export, "oit-matrix", "oit_matrix", title, columns)
with todo_tab:
    todo = oit_matrix.to_do(cells[cells["item_id"].isin(mine)], context.as_of)
    if todo.empty:
        st.success("ไม่มีรายการค้าง")
    st.caption(f"เลยกำหนด และครบกำหนดใน 30 วัน: {len(todo)} รายการ · แตะรายการเพื่อเปิดแบบฟอร์มบันทึกด้านล่าง")
    for row in todo.head(TODO_SHOWN).itertuples():
        label = f"{STATE_ICON[CellState(row.state)]} {row.code} · {row.label} · กำหนด {format_be(row.due)}"
        st.button(f"{label} · {row.title[:40]}", key=f"todo_{row.item_id}_{row.key}", on_click=choose,
                  args=(row.item_id, row.month), width="stretch")
    if len(todo) > TODO_SHOWN:
        st.caption(f"และอีก {len(todo) - TODO_SHOWN} รายการ — ดูทั้งหมดในแท็บตาราง")

# --- one item: tick a month, components checklist ------------------------------------------------

st.divider()
st.subheader("บันทึกการเผยแพร่และองค์ประกอบ")
if not len(mine):
    st.info("ยังไม่มีข้อมูล OIT ที่ท่านได้รับมอบหมาย")
    st.stop()
item_id = st.selectbox("ข้อมูล OIT", list(mine), key="matrix_item",
                       format_func=lambda i: f"{items.loc[i, 'code']} · {items.loc[i, 'title'][:70]}")
can_edit = actor.may(Action.UPDATE_ASSIGNED, station_id=context.station_id)
if not can_edit:
    login_here("เข้าสู่ระบบด้วยบัญชีเจ้าหน้าที่เพื่อบันทึกการเผยแพร่และองค์ประกอบ")


PUBLICATION_TH = {"done": "เผยแพร่แล้ว", "url": "ลิงก์ของข้อมูลที่เผยแพร่"}


def tick_form(item_cells: pd.DataFrame) -> None:
    """Pick a required month, give the link of what was published, save through the write path."""
    required = item_cells[item_cells["required"] | item_cells["done"]].set_index("month")
    if required.empty:
        st.caption("ข้อนี้ไม่มีกำหนดเผยแพร่รายเดือนหรือวันครบกำหนดในปีนี้")
        return
    open_months = required.index[~required["done"]]
    default = list(required.index).index(open_months[0]) if len(open_months) else 0
    month: date = st.selectbox("เดือน", list(required.index), index=default, key=f"matrix_month_{item_id}",
                               format_func=lambda m: oit_matrix.month_option(required.loc[m]))
    cell = required.loc[month]
    st.markdown(f"สถานะเดือนนี้: {oit_matrix.cell_text(cell)}")
    key = f"pub_{item_id}_{month.isoformat()}"

    def save(writer: Writer, edits: Edits, versions: Versions) -> object:
        return writer.set_publication(item_id=item_id, month=month, done=edits[key]["done"],
                                      url=edits[key]["url"], seen_version=versions[key])

    if conflict_panel(key, save, lambda _key, field: PUBLICATION_TH[field]):
        return
    tag = form_tag(key, cell["version"])
    with st.form(f"form_{key}"):
        done = st.checkbox("เผยแพร่แล้ว (เอาเครื่องหมายออกเพื่อยกเลิก)", value=True, key=f"done_{tag}")
        url = st.text_input("ลิงก์ของข้อมูลที่เผยแพร่ (URL)", cell["url"] or "", placeholder="https://…",
                            key=f"url_{tag}")
        submitted = st.form_submit_button("💾 บันทึกการเผยแพร่", type="primary", width="stretch")
    if not submitted:
        keep_fresh({key: cell["version"]})
        return
    save_versioned(key, save, {key: {"done": done, "url": url}}, {key: cell["version"]})


def components_form(checklist: pd.DataFrame) -> None:
    """The item's required components as checkboxes; changed ticks saved in one transaction."""
    if checklist.empty:
        st.caption("ไม่มีองค์ประกอบ")
        return
    st.caption(f"ทำแล้ว {int(checklist['done'].sum())}/{len(checklist)} องค์ประกอบ")
    if not can_edit:
        for row in checklist.itertuples():
            st.markdown(f"{'☑️ ทำแล้ว' if row.done else '⬜ ยังไม่ทำ'} · {row.seq}. {row.text}")
        return
    form = f"components_{item_id}"
    current = {component_key(c.id): c.version for c in checklist.itertuples()}
    texts = {component_key(c.id): f"{c.seq}. {c.text}" for c in checklist.itertuples()}

    def save(writer: Writer, edits: Edits, versions: Versions) -> None:
        save_component_ticks(writer, edits, versions)

    if conflict_panel(form, save, lambda key, _field: texts[key]):
        return
    with st.form(form):
        ticked = {component_key(c.id): component_checkbox(f"{c.seq}. {c.text}", c, "mtick")
                  for c in checklist.itertuples()}
        submitted = st.form_submit_button("💾 บันทึกองค์ประกอบ", width="stretch")
    if not submitted:
        keep_fresh(current)
        return
    done_now = {component_key(c.id): bool(c.done) for c in checklist.itertuples()}
    edits = {key: {"done": done} for key, done in ticked.items() if done != done_now[key]}
    if not edits:
        st.info(NO_CHANGE)
        return
    save_versioned(form, save, edits, current)


publish_col, components_col = st.columns(2)
with publish_col:
    st.markdown("**การเผยแพร่รายเดือน**")
    if can_edit:
        tick_form(cells[cells["item_id"] == item_id])
    else:
        for _, row in cells[(cells["item_id"] == item_id) & cells["required"]].iterrows():
            st.markdown(f"- {oit_matrix.describe_cell(row)}")
with components_col:
    st.markdown("**องค์ประกอบที่ต้องมี**")
    components_form(components[components["item_id"] == item_id])
