"""OIT publication matrix: items O1–O25 × the months of the fiscal year; tick a cell with its link;
each item's components checklist.

The "ต้องทำ" tab is the phone's view: an officer's own overdue cells and those due within 30 days
(admins and the secretary: the station's), counted on top; tapping one opens its tick form in a
dialog right there, instead of a form thousands of pixels further down."""

from datetime import date

import pandas as pd
import streamlit as st

from ita_core import itap, oit_matrix
from ita_core.meeting import markdown_text
from ita_core.oit_matrix import STATE_ICON, STATE_TH, CellState
from ita_core.permissions import Action
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from ita_core.thai_dates import format_be
from ita_ui import jobs, loaders
from ita_ui.conflicts import Edits, Versions, conflict_panel, form_tag, keep_fresh, save_versioned
from ita_ui.context import pick_context
from ita_ui.engine import engine, reading
from ita_ui.forms import NO_CHANGE, component_checkbox, component_done, component_key, save_component_ticks
from ita_ui.loaders import oit_matrix_view
from ita_ui.login import current_actor, login_here
from ita_ui.notices import notice_missing
from ita_ui.tables import XLSX_MIME, download_table

context = pick_context()
actor = current_actor()
st.title("ตารางเผยแพร่ OIT รายเดือน")

view = oit_matrix_view(context)  # cached on the station-year's data version
cells, components, assignments = view.cells, view.components, view.assignments
export, columns = view.export, view.columns
with reading() as session:
    names = oit_matrix.sub_indicator_names(session, context.fiscal_year)


def itap_sheet() -> pd.DataFrame:
    """The ITAP sheet, read when one of its downloads is clicked (a tenth of the page's time)."""
    with reading() as session:
        return itap.itap_frame(session, context.station_id, context.fiscal_year)

st.caption(f"{context.station_md} · ปีงบประมาณ {context.fiscal_year} · ข้อมูล ณ {format_be(context.as_of)}")
if cells.empty:
    notice_missing("oit", "— ตารางเผยแพร่จะปรากฏเมื่อแผนมีข้อมูล OIT")
    st.stop()

items = cells.drop_duplicates("item_id").set_index("item_id")
officer = actor.may(Action.UPDATE_ASSIGNED) and not actor.may(Action.UPDATE_ANY_ROW)
mine = items.index
scope = cells  # whose to-do list: an officer's own items, else the station's
if officer:
    scope = oit_matrix.cells_of(cells, assignments, actor.person_id)
    mine = items.index[items.index.isin(scope["item_id"].unique())]
todo = oit_matrix.to_do(scope, context.as_of)


can_edit = actor.may(Action.UPDATE_ASSIGNED, station_id=context.station_id)
if officer:
    own_names = assignments.loc[assignments["person_id"] == actor.person_id, "name"]
    whose = f"ของ {own_names.iloc[0] if len(own_names) else actor.username}"
else:
    whose = f"ของทั้ง{context.station_name}"
st.markdown(f"#### 📱 งานเผยแพร่{markdown_text(whose)} ณ {format_be(context.as_of)}")
soon = oit_matrix.to_do_counts(todo)
overdue, due, done = CellState.OVERDUE, CellState.DUE, CellState.DONE
with st.container(horizontal=True):  # side by side even on a phone, where columns would stack
    st.metric(f"{STATE_ICON[overdue]} {STATE_TH[overdue]}", soon[overdue.value], width="content")
    st.metric(f"{STATE_ICON[due]} ครบกำหนดใน 30 วัน", soon[due.value], width="content")
    st.metric(f"{STATE_ICON[done]} {STATE_TH[done]}", oit_matrix.summary(scope)[done.value], width="content")

OPEN_CELL = "todo_cell"  # (item id, month) of the cell whose tick dialog is open
PUBLICATION_TH = {"done": "เผยแพร่แล้ว", "url": "ลิงก์ของข้อมูลที่เผยแพร่", "note": "หมายเหตุ"}


def open_cell(item: int, month: date) -> None:
    """A tapped to-do cell: its tick dialog opens at this run and stays open until saved or closed."""
    st.session_state[OPEN_CELL] = (item, month)


def close_cell() -> None:
    """The dialog was closed without a save: do not open it again at the next run."""
    st.session_state.pop(OPEN_CELL, None)


def publication_form(item: int, month: date, cell: pd.Series, *, prefix: str = "") -> None:
    """Done, link and note of one cell, saved through ``Writer.set_publication`` over the version
    seen. ``prefix`` keeps the dialog's form apart from the one below the tabs (both may show the
    same cell in one run); a save closes the dialog."""
    key = f"pub_{item}_{month.isoformat()}"
    form = f"{prefix}{key}"

    def save(writer: Writer, edits: Edits, versions: Versions) -> object:
        saved = writer.set_publication(item_id=item, month=month, done=edits[key]["done"],
                                       url=edits[key]["url"], note=edits[key]["note"],
                                       seen_version=versions[key])
        close_cell()  # reached only when the write was accepted; a refusal keeps the dialog open
        return saved

    conflict_panel(form, save, lambda _key, field: PUBLICATION_TH[field])
    tag = form_tag(key, cell["version"])
    with st.form(f"form_{form}", enter_to_submit=False):
        done = st.checkbox("เผยแพร่แล้ว (เอาเครื่องหมายออกเพื่อยกเลิก)", value=True, key=f"{prefix}done_{tag}")
        url = st.text_input("ลิงก์ของข้อมูลที่เผยแพร่ (URL)", cell["url"] or "", placeholder="https://…",
                            key=f"{prefix}url_{tag}")
        note = st.text_input("หมายเหตุ", cell["note"] or "", key=f"{prefix}note_{tag}")
        submitted = st.form_submit_button("💾 บันทึกการเผยแพร่", type="primary", width="stretch")
    if not submitted:
        keep_fresh({key: cell["version"]})
        return
    save_versioned(form, save, {key: {"done": done, "url": url, "note": note}}, {key: cell["version"]})


@st.dialog("บันทึกการเผยแพร่", on_dismiss=close_cell)
def tick_dialog(item: int, month: date) -> None:
    """The tick form of one to-do cell, over the list it was tapped in."""
    found = cells[(cells["item_id"] == item) & (cells["month"] == month)]
    if found.empty:  # the plan changed underneath (item removed)
        st.warning("ไม่พบช่องนี้ในตารางแล้ว — ปิดหน้าต่างแล้วเลือกใหม่")
        return
    cell = found.iloc[0]
    st.markdown(f"**{markdown_text(cell['code'])}** {markdown_text(cell['title'])}")
    st.markdown(f"เดือน {oit_matrix.describe_cell(cell)}")
    if not can_edit:
        st.info("เข้าสู่ระบบด้วยบัญชีเจ้าหน้าที่ที่รับผิดชอบข้อนี้เพื่อบันทึกการเผยแพร่")
        return
    publication_form(item, month, cell, prefix="todo_")


LINK_POLL_S = 1.0  # seconds between looks at a running link check
STATE_PARTS = ((CellState.OVERDUE, "เลยกำหนด"), (CellState.DUE, "ครบกำหนดใน 30 วัน"))
table_tab, todo_tab = st.tabs(["📊 ตารางทั้งปี", "📱 ต้องทำ"], default="📱 ต้องทำ" if officer else None)
with table_tab:
    year = oit_matrix.summary(cells)
    st.caption("ทั้งสถานีทั้งปี: " + " · ".join(f"{STATE_ICON[s]} {STATE_TH[s]} {year[s.value]}"
                                               for s in (done, due, overdue)))
    st.caption(" · ".join(f"{STATE_ICON[s]} {STATE_TH[s]}" for s in CellState)
               + " — ตัวเลขหลังสถานะคือวันที่ครบกำหนดของเดือนนั้น; คลิก “เผยแพร่แล้ว” เพื่อเปิดลิงก์")
    for heading, table in oit_matrix.markdown_tables(cells, names):
        st.markdown(f"##### ตัวชี้วัดย่อย {heading}")
        st.markdown(table)
    title = f"{context.station_name} ปีงบประมาณ {context.fiscal_year} ณ {format_be(context.as_of)}"
    download_table(export, "oit-matrix", "oit_matrix", title, columns)
    st.markdown("##### ลิงก์สำหรับกรอกในระบบ ITAP")
    st.caption("ข้อ O1–O25 พร้อมลิงก์ที่ต้องกรอก องค์ประกอบ และผู้รับผิดชอบ; ระบุ “ไม่มีลิงก์” และ “ลิงก์เสีย”"
               f" · ลิงก์เสียในตารางนี้ {int(cells['broken'].sum())} ช่อง")
    itap_title = itap.itap_title(context.station_name, context.fiscal_year)
    itap_csv, itap_xlsx = st.columns(2)  # the sheet's own print layout, built when clicked
    itap_csv.download_button("⬇️ CSV", lambda: itap.itap_bytes(itap_sheet(), fmt="csv"), file_name="itap.csv",
                             mime="text/csv", key="itap_csv", width="stretch", on_click="ignore")
    itap_xlsx.download_button("⬇️ Excel (พร้อมพิมพ์)",
                              lambda: itap.itap_bytes(itap_sheet(), fmt="xlsx", title=itap_title),
                              file_name="itap.xlsx", mime=XLSX_MIME, key="itap_xlsx", width="stretch",
                              on_click="ignore")
    if actor.may(Action.CHECK_LINKS, station_id=context.station_id):
        # the check runs in a worker thread (ita_ui.jobs), one per station and year: the button's
        # callback only starts it (before this run, so the button shows disabled at once) and the
        # fragment below polls its progress until it is done
        link_job = jobs.link_check_job(context.station_id, context.fiscal_year)
        checking = link_job is not None and not link_job.state().finished
        st.button("🔗 ตรวจลิงก์", key="check_links", disabled=checking,
                  help="เปิดทุกลิงก์หลักฐานและลิงก์การเผยแพร่ของปีนี้ แล้วบันทึกผล (ตรวจอยู่เบื้องหลัง)",
                  on_click=jobs.start_link_check,
                  kwargs={"engine": engine(), "actor": actor, "station_id": context.station_id,
                          "fiscal_year": context.fiscal_year, "timeout": get_settings().link_timeout_s})

        @st.fragment(run_every=LINK_POLL_S if checking else None)
        def link_check_status() -> None:
            """Progress while the check runs; when it ends, one rerun of the page so the matrix
            shows the new ลิงก์เสีย marks, then the summary (polling stops: no run_every)."""
            if link_job is None:
                return
            state = link_job.state()
            if checking and state.finished:
                loaders.clear()
                st.rerun()
            if not state.finished:
                st.progress(state.fraction, text=state.progress_text)
            elif state.error:
                st.error(state.error)
            else:
                st.success(state.summary_text)

        link_check_status()
with todo_tab:
    if todo.empty:
        st.success("ไม่มีรายการเลยกำหนดหรือครบกำหนดใน 30 วัน")
    else:
        st.caption("แตะรายการเพื่อบันทึกการเผยแพร่ของเดือนนั้น")
    for state, heading in STATE_PARTS:
        part = todo[todo["state"] == state.value]
        if part.empty:
            continue
        st.markdown(f"**{STATE_ICON[state]} {heading} {len(part)} รายการ**")
        for row in part.itertuples():
            label = f"{row.code} · {row.label} · กำหนด {format_be(row.due)} · {row.title[:40]}"
            st.button(f"{STATE_ICON[state]} {markdown_text(label)}", key=f"todo_{row.item_id}_{row.key}",
                      on_click=open_cell, args=(row.item_id, row.month), width="stretch")
if OPEN_CELL in st.session_state:
    tick_dialog(*st.session_state[OPEN_CELL])

# --- one item: tick a month, components checklist ------------------------------------------------

st.divider()
st.subheader("บันทึกการเผยแพร่และองค์ประกอบ")
if not len(mine):
    st.info("ยังไม่มีข้อมูล OIT ที่ท่านได้รับมอบหมาย")
    st.stop()
item_id = st.selectbox("ข้อมูล OIT", list(mine), key="matrix_item",
                       format_func=lambda i: f"{items.loc[i, 'code']} · {items.loc[i, 'title'][:70]}")
if not can_edit:
    login_here("เข้าสู่ระบบด้วยบัญชีเจ้าหน้าที่เพื่อบันทึกการเผยแพร่และองค์ประกอบ")


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
    publication_form(item_id, month, cell)


def components_form(checklist: pd.DataFrame) -> None:
    """The item's required components as checkboxes; changed ticks saved in one transaction."""
    if checklist.empty:
        st.caption("ไม่มีองค์ประกอบ")
        return
    st.caption(f"ทำแล้ว {int(checklist['done'].sum())}/{len(checklist)} องค์ประกอบ")
    if not can_edit:
        for row in checklist.itertuples():
            st.markdown(f"{'☑️ ทำแล้ว' if row.done else '⬜ ยังไม่ทำ'} · {row.seq}. {markdown_text(row.text)}")
        return
    form = f"components_{item_id}"
    current = {component_key(c.id): c.version for c in checklist.itertuples()}
    texts = {component_key(c.id): f"{c.seq}. {c.text}" for c in checklist.itertuples()}

    def save(writer: Writer, edits: Edits, versions: Versions) -> None:
        save_component_ticks(writer, edits, versions)

    conflict_panel(form, save, lambda key, _field: texts[key])
    with st.form(form, enter_to_submit=False):
        ticked = {component_key(c.id): component_checkbox(f"{c.seq}. {c.text}", c, "mtick")
                  for c in checklist.itertuples()}
        submitted = st.form_submit_button("💾 บันทึกองค์ประกอบ", width="stretch")
    if not submitted:
        keep_fresh(current)
        return
    done_now = {component_key(c.id): component_done(c) for c in checklist.itertuples()}  # as the round began
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
