"""Admin: a fiscal year's ITA framework (เกณฑ์การประเมินรายปี): scoring rule and rating bands, the OIT
catalogue with its components, the ITA calendar, the indicators, and the framework workbook to
download and upload. Every station of the year shares it, so only central admins
(``Action.EDIT_FRAMEWORK``) get the forms; other admins read the same tables."""

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from ita_core.framework import (
    catalogue_components,
    catalogue_of,
    component_counts,
    framework_indicators,
    framework_of,
    framework_phases,
    framework_sub_indicators,
    framework_years,
    rating_band_rows,
)
from ita_core.framework_workbook import (
    COLUMNS,
    SCORING_KEYS,
    SHEET_TH,
    FrameworkChanges,
    FrameworkFileRefused,
    FrameworkWorkbook,
    RowChange,
    framework_workbook_bytes,
    preview_framework_import,
    read_framework_workbook,
)
from ita_core.labels import PHASE_KIND_TH, label_th
from ita_core.models import CatalogueItem, Rhythm, Tool
from ita_core.permissions import Action
from ita_core.services.framework import FrameworkTable
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from ita_core.sheet_reader import shorten
from ita_core.thai_dates import format_be, in_app_style
from ita_ui.context import pick_context
from ita_ui.engine import reading
from ita_ui.forms import edit_form, new_row_form, pick_row
from ita_ui.login import current_actor
from ita_ui.notices import flash, notice_missing
from ita_ui.styles import thai_uploader
from ita_ui.tables import XLSX_MIME
from ita_ui.writes import form_round, write

SCORING_FIELDS = {"scheme": ("รูปแบบการให้ผล", "scheme"), "weight_iit": ("น้ำหนัก IIT (%)", "score"),
                  "weight_eit": ("น้ำหนัก EIT (%)", "score"), "weight_oit": ("น้ำหนัก OIT (%)", "score"),
                  "pass_mark": ("เกณฑ์ผ่าน (คะแนนรวม)", "score"), "source_note": ("ที่มาของเกณฑ์", "area")}
BAND_FIELDS = {"seq": ("ลำดับ (1 = สูงสุด)", "number"), "label_th": ("ระดับผล (ภาษาไทย)", "text"),
               "label_en": ("ระดับผล (ภาษาอังกฤษ)", "text"), "min_total": ("คะแนนรวมตั้งแต่", "score"),
               "min_each_tool": ("ทุกเครื่องมือต้องได้ไม่ต่ำกว่า (ว่าง = ไม่กำหนด)", "score")}
ITEM_FIELDS = {"code": ("รหัส (เช่น O1)", "text"), "number": ("ลำดับข้อ", "number"),
               "sub_indicator": ("ตัวชี้วัดย่อย (เช่น 9.1)", "text"), "group_heading": ("หมวด", "text"),
               "title_th": ("ข้อมูล", "text"),
               "requirement_th": ("สิ่งที่ต้องเผยแพร่ (รวมหมายเหตุของ ป.ป.ช.)", "area"),
               "rhythm": ("รอบการเผยแพร่", "rhythm"), "deadline": ("กำหนดเวลาตามเกณฑ์ (ข้อความ)", "text"),
               "due_date": ("กำหนดเสร็จ", "date")}
NEW_ITEM = ("code", "number", "sub_indicator", "title_th", "rhythm", "deadline")
COMPONENT_FIELDS = {"seq": ("ข้อ", "number"), "text_th": ("องค์ประกอบ", "text")}
NEW_COMPONENT = {"text_th": ("องค์ประกอบใหม่", "text"), "seq": ("ข้อ (ว่าง = ต่อท้าย)", "number")}
PHASE_FIELDS = {"seq": ("ลำดับ", "number"),
                "kind": ("ประเภท (" + ", ".join(PHASE_KIND_TH) + " หรือรหัสอื่น)", "text"),
                "name_th": ("ขั้นตอน", "text"), "start": ("เริ่ม", "date"), "end": ("สิ้นสุด", "date")}

context = pick_context(with_as_of=False, needs=Action.EDIT_PLAN)
editor = current_actor().may(Action.EDIT_FRAMEWORK)
st.title("เกณฑ์การประเมินรายปี")

with reading() as session:
    years = framework_years(session)
choices = sorted({*years, context.fiscal_year}, reverse=True)
year: int = st.columns([1, 3])[0].selectbox(
    "ปีงบประมาณของเกณฑ์", choices, index=choices.index(context.fiscal_year),
    key=f"framework_year_{context.fiscal_year}",
    format_func=lambda y: f"{y}" if y in years else f"{y} (ยังไม่มีเกณฑ์)")
st.caption("ทุกสถานีในปีงบประมาณเดียวกันใช้เกณฑ์ชุดเดียวกัน · "
           + ("ท่านแก้ไขได้ ทุกการแก้ไขบันทึกในประวัติการแก้ไข" if editor else
              "ดูได้อย่างเดียว — แก้ไขได้เฉพาะผู้ดูแลระบบส่วนกลาง"))


def offer_copy(target: int) -> None:
    """A year without a framework: say so, and let a central admin copy one of another year or
    import a framework workbook."""
    notice_missing("framework", f"— ปี {target} ต้องมีรายการ OIT ปฏิทิน ITA และเกณฑ์คะแนน ก่อนสถานีเริ่มแผนของปีนั้น")
    if not editor:
        st.caption("ผู้ดูแลระบบส่วนกลางสร้างเกณฑ์ของปีนี้ได้ที่หน้านี้")
        return
    if years:
        copy_section(target)
    import_section(target)


def copy_section(target: int) -> None:
    """Copy another year's framework into ``target`` (default: the newest year before it)."""
    st.subheader(f"คัดลอกเกณฑ์ของปีอื่นเป็นเกณฑ์ปี {target}")
    before = [y for y in years if y < target]
    source = st.columns([1, 3])[0].selectbox("ปีต้นทาง", years, index=years.index(before[0]) if before else 0,
                                             key="copy_from")
    st.caption("คัดลอกเกณฑ์คะแนน ระดับผล ตัวชี้วัด รายการ OIT พร้อมองค์ประกอบ ปฏิทิน ITA และจำนวนผู้ตอบขั้นต่ำ "
               f"โดยเลื่อนวันที่และปี พ.ศ. ในข้อความไป {target - source} ปี · แก้ไขต่อได้ที่หน้านี้")
    if st.button(f"📋 คัดลอกจากปี {source}", type="primary", key="copy_framework"):
        write(lambda w: w.copy_framework(from_year=source, to_year=target),
              f"สร้างเกณฑ์ปี {target} จากเกณฑ์ปี {source} แล้ว")


def confirm_delete(key: str, delete: Callable[[Writer], object], what: str) -> None:
    """A delete behind a confirmation popover (the framework is shared: no undo but the audit trail)."""
    with st.popover(f"🗑️ ลบ{what}"):
        st.write(f"ลบ{what}นี้ออกจากเกณฑ์ของปี {year} (ทุกสถานีของปีนี้ใช้เกณฑ์นี้) · บันทึกในประวัติการแก้ไข")
        if st.button("ยืนยันการลบ", key=f"delete_{key}", type="primary"):
            write(delete, "ลบแล้ว", deleting=True)


def edit_row(row: Any, fields: dict[str, tuple[str, str]], *, table: FrameworkTable, edit_key: str,
             delete_key: str, what: str) -> None:
    """One stored row of ``table``'s edit form and its delete popover, each pinned to the version
    on screen."""
    edit_form(edit_key, row.model_dump(), fields,
              lambda w, version, changes: w.save_framework_row(table=table, values=changes, row_id=row.id,
                                                               seen_version=version))
    confirm_delete(delete_key, lambda w: w.delete_framework_row(table=table, row_id=row.id,
                                                                seen_version=row.version), what)


def new_row(key: str, fields: dict[str, tuple[str, str]], *, table: FrameworkTable, parent: int | None,
            submit: str, success: str) -> None:
    """The form of a new row of ``table`` under ``parent`` (the year, or a component's item)."""
    new_row_form(key, fields, submit=submit, success=success,
                 save=lambda w, values: w.save_framework_row(table=table, values=given(values),
                                                             parent=parent))


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """A new row's filled fields: an empty one is left out, so the Writer numbers the row after the
    last (``seq``) or keeps its default instead of refusing an empty value."""
    return {name: value for name, value in values.items() if value is not None and value != ""}


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def table(rows: list[dict[str, Any]], widths: Mapping[str, Any] | None = None) -> None:
    """Rows as a read-only table: cells are plain text, so nothing typed into the framework is
    rendered as Markdown or HTML."""
    config = {name: st.column_config.TextColumn(width=width) for name, width in (widths or {}).items()}
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config=config)


ACTION_TH = {"added": "➕ เพิ่ม", "changed": "✏️ แก้ไข", "removed": "🗑️ ลบ"}


def workbook_downloads(target: int) -> None:
    """The year's framework workbook, built when clicked: Thai column titles, or the English keys
    (both read back by the import)."""
    def build(lang: str) -> Callable[[], bytes]:
        def data() -> bytes:
            with reading() as session:
                return framework_workbook_bytes(session, target, lang=lang)
        return data

    left, right = st.columns(2)
    for column, lang, label in ((left, "th", "⬇️ ไฟล์เกณฑ์ (หัวตารางภาษาไทย)"),
                                (right, "en", "⬇️ ไฟล์เกณฑ์ (หัวตารางภาษาอังกฤษ)")):
        column.download_button(label, build(lang), file_name=f"ita-framework-{target}-{lang}.xlsx",
                               mime=XLSX_MIME, key=f"framework_xlsx_{lang}", on_click="ignore",
                               width="stretch")


def parsed_upload(target: int) -> FrameworkWorkbook | None:
    """The uploaded workbook, read once per file: the result is kept in the session, so the reruns
    of other widgets do not read it again. A refused file lists every problem (sheet, row, column)."""
    turn = form_round(f"framework_upload_{target}")
    max_mb = max(1, math.ceil(get_settings().import_max_bytes / 2**20))
    thai_uploader(max_mb=max_mb, kinds=("xlsx",))
    upload = st.file_uploader("เลือกไฟล์เกณฑ์ (.xlsx)", type=["xlsx"], key=f"framework_file_{target}_{turn}",
                              max_upload_size=max_mb)
    if upload is None:
        return None
    kept = st.session_state.get("framework_upload")
    which = (target, upload.file_id)
    if kept is None or kept[0] != which:
        try:
            kept = (which, read_framework_workbook(upload.getvalue(), file_name=upload.name), [])
        except FrameworkFileRefused as refused:
            kept = (which, None, refused.lines())
        st.session_state["framework_upload"] = kept
    for line in kept[2]:
        st.error(line)
    return kept[1]


def shown(value: Any, key: str = "") -> str:
    """A stored or read value as the preview shows it (a rhythm as its Thai label, as in the file)."""
    if value is None or value == "":
        return "(ว่าง)"
    if key == "rhythm":
        return label_th(value, Rhythm)
    if isinstance(value, float):
        return f"{value:g}"
    return format_be(value) if hasattr(value, "isoformat") else shorten(str(value), 60)


def field_th(sheet: str, key: str) -> str:
    return SCORING_KEYS.get(key, key) if sheet == "scoring" else dict(COLUMNS[sheet]).get(key, key)


def change_rows(sheet: str, kind: str, rows: list[RowChange]) -> list[dict[str, str]]:
    """The preview lines of one kind of change: a line per changed field (old → new), a line per
    added or removed row with its name."""
    lines = []
    for row in rows:
        if row.fields:
            lines += [{"การเปลี่ยนแปลง": ACTION_TH[kind], "รายการ": row.label(), "ช่อง": field_th(sheet, k),
                       "ค่าเดิม": shown(old, k), "ค่าใหม่": shown(new, k)}
                      for k, (old, new) in row.fields.items()]
            continue
        names = [row.values[k] for k in ("title_th", "name_th", "text_th", "label_en") if row.values.get(k)]
        name = shorten(str(names[0]), 80) if names else ""
        lines.append({"การเปลี่ยนแปลง": ACTION_TH[kind], "รายการ": row.label(), "ช่อง": "",
                      "ค่าเดิม": name if kind == "removed" else "", "ค่าใหม่": "" if kind == "removed" else name})
    return lines


def show_changes(changes: FrameworkChanges) -> None:
    """The preview of an import: per sheet with changes, a count line and a table of its rows."""
    st.subheader(f"ตัวอย่างการนำเข้าเกณฑ์ปี {changes.fiscal_year}: {changes.total()} รายการ"
                 + (" (สร้างเกณฑ์ใหม่)" if changes.new_framework else ""))
    if not changes.total():
        st.info("ไฟล์ตรงกับเกณฑ์ในระบบทุกแถว ไม่มีอะไรเปลี่ยน")
    for sheet, sheet_changes in changes.sheets.items():
        counts = sheet_changes.counts()
        if not any(counts.values()):
            continue
        st.markdown(f"**{SHEET_TH[sheet]}** (`{sheet}`): " + " · ".join(
            f"{ACTION_TH[kind]} {count}" for kind, count in counts.items() if count))
        table([line for kind in ("added", "changed", "removed")
               for line in change_rows(sheet, kind, getattr(sheet_changes, kind))],
              {"การเปลี่ยนแปลง": "small", "รายการ": "small", "ช่อง": "small"})
    for reason in changes.blocked:
        st.warning(reason)


def import_section(target: int) -> None:
    """Upload a framework workbook, preview what it adds, changes and removes, and apply all of it
    (or nothing) on confirm, audited with source ``import``."""
    st.subheader(f"นำเข้าไฟล์เกณฑ์เป็นเกณฑ์ปี {target}")
    st.caption("ใช้ไฟล์ที่ดาวน์โหลดจากหน้านี้เป็นต้นแบบ แก้ใน Excel แล้วนำกลับ · แถวจับคู่ด้วยรหัส (ตัวชี้วัด รายการ OIT "
               "องค์ประกอบ ขั้นตอน ระดับผล) · แถวที่ไม่มีในไฟล์จะถูกลบ · ตรวจตัวอย่างก่อน แล้วบันทึกทั้งหมดพร้อมกัน")
    workbook = parsed_upload(target)
    if workbook is None:
        return
    with reading() as session:
        changes = preview_framework_import(session, target, workbook)
    show_changes(changes)
    if st.button(f"ยืนยันนำเข้า ({changes.total()} รายการ)", type="primary", key="framework_import",
                 disabled=not changes.total() or bool(changes.blocked)):
        done = write(lambda w: w.import_framework(fiscal_year=target, workbook=workbook), rerun=False,
                     new_form=f"framework_upload_{target}")
        if done is not None:
            st.session_state.pop("framework_upload", None)
            added, changed, removed = (sum(c[kind] for c in done.counts().values())
                                       for kind in ("added", "changed", "removed"))
            flash(f"นำเข้าเกณฑ์ปี {target} แล้ว: เพิ่ม {added} แก้ไข {changed} ลบ {removed} รายการ")
            st.rerun()


if year not in years:
    offer_copy(year)
    st.stop()

with reading() as session:
    rule = framework_of(session, year)
    bands = {band.id: band for band in rating_band_rows(session, year)}
    items = {item.id: item for item in catalogue_of(session, year)}
    counts = component_counts(session, year)
    phases = {phase.id: phase for phase in framework_phases(session, year)}
    indicators = framework_indicators(session, year)
    sub_indicators = framework_sub_indicators(session, year)
assert rule is not None  # the year is one of framework_years

scoring_tab, oit_tab, calendar_tab, indicator_tab, file_tab = st.tabs(
    ["คะแนนและระดับผล", f"รายการ OIT ({len(items)})", f"ปฏิทิน ITA ({len(phases)})", "ตัวชี้วัด", "ไฟล์เกณฑ์"])

with scoring_tab:
    tiles = st.columns(5)
    tiles[0].metric("รูปแบบการให้ผล", "ระดับผล" if rule.scheme == "rating" else "เกรด AA–F")
    tiles[1].metric("น้ำหนัก IIT", f"{rule.weight_iit:g}%")
    tiles[2].metric("น้ำหนัก EIT", f"{rule.weight_eit:g}%")
    tiles[3].metric("น้ำหนัก OIT", f"{rule.weight_oit:g}%")
    tiles[4].metric("เกณฑ์ผ่าน", f"{rule.pass_mark:g}")
    if rule.source_note:
        st.text(f"ที่มาของเกณฑ์: {rule.source_note}")
    st.markdown(f"##### ระดับผล ({len(bands)} ระดับ)")
    st.caption("ได้ระดับสูงสุดที่คะแนนรวมถึงเกณฑ์ และทุกเครื่องมือ (IIT EIT OIT) ได้ไม่ต่ำกว่าขั้นต่ำของระดับนั้น")
    table([{"ลำดับ": b.seq, "ระดับผล": b.label_th, "ภาษาอังกฤษ": b.label_en, "คะแนนรวมตั้งแต่": score(b.min_total),
            "ทุกเครื่องมือไม่ต่ำกว่า": score(b.min_each_tool)} for b in bands.values()])
    if editor:
        with st.expander("✏️ แก้ไขน้ำหนักและเกณฑ์ผ่าน"):
            edit_form(f"framework_{year}", rule.model_dump(), SCORING_FIELDS,
                      lambda w, version, changes: w.save_framework(fiscal_year=year, values=changes,
                                                                   seen_version=version))
        chosen = pick_row("แก้ไขระดับผล", bands, key=f"edit_band_{year}", new_label="➕ เพิ่มระดับผล",
                          describe=lambda b: f"{b.seq}. {b.label_th} · ตั้งแต่ {score(b.min_total)}")
        if chosen is None:
            new_row(f"new_band_{year}", BAND_FIELDS, table="rating_bands", parent=year, submit="เพิ่มระดับผล",
                    success="เพิ่มระดับผลแล้ว")
        else:
            band = bands[chosen]
            edit_row(band, BAND_FIELDS, table="rating_bands", edit_key=f"rating_band_{band.id}",
                     delete_key=f"band_{band.id}", what="ระดับผล")


def components_editor(item: CatalogueItem) -> None:
    """The components checklist of one catalogue item: a table, then edit, remove or add a line."""
    with reading() as session:
        components = {c.id: c for c in catalogue_components(session, item.id)}
    st.markdown(f"##### องค์ประกอบของ {item.code} ({len(components)})")
    table([{"ข้อ": c.seq, "องค์ประกอบ": c.text_th} for c in components.values()])
    chosen = pick_row("แก้ไของค์ประกอบ", components, key=f"edit_component_{item.id}",
                      new_label="➕ เพิ่มองค์ประกอบ", describe=lambda c: f"{c.seq}. {c.text_th[:70]}")
    if chosen is None:
        new_row(f"new_catalogue_component_{item.id}", NEW_COMPONENT, table="components", parent=item.id,
                submit="เพิ่มองค์ประกอบ", success="เพิ่มองค์ประกอบแล้ว")
        return
    component = components[chosen]
    edit_row(component, COMPONENT_FIELDS, table="components", what="องค์ประกอบ",
             edit_key=f"oit_catalogue_component_{component.id}",
             delete_key=f"catalogue_component_{component.id}")


def item_details(item: CatalogueItem) -> None:
    """One catalogue item as text, for readers who may not edit it."""
    with reading() as session:
        components = catalogue_components(session, item.id)
    st.text(f"{item.code} {item.title_th}\n{item.requirement_th}".strip())
    st.markdown(f"##### องค์ประกอบ ({len(components)})")
    st.text("\n".join(f"{c.seq}. {c.text_th}" for c in components) or "—")


with oit_tab:
    if not items:
        notice_missing("oit", "— เกณฑ์ปีนี้ยังไม่มีรายการ OIT")
    table([{"รหัส": i.code, "ตัวชี้วัดย่อย": i.sub_indicator, "ข้อมูล": i.title_th,
            "รอบการเผยแพร่": label_th(i.rhythm, Rhythm), "กำหนดเวลา": in_app_style(i.deadline),
            "กำหนดเสร็จ": format_be(i.due_date) if i.due_date else "", "องค์ประกอบ": counts.get(i.id or 0, 0)}
           for i in items.values()],
          {"รหัส": 60, "ตัวชี้วัดย่อย": 90, "ข้อมูล": 320})
    if editor:
        chosen = pick_row("แก้ไขรายการ", items, key=f"edit_catalogue_{year}", new_label="➕ เพิ่มรายการ OIT",
                          describe=lambda i: f"{i.code} · {i.title_th[:70]}")
        if chosen is None:
            new_row(f"new_catalogue_item_{year}", {k: ITEM_FIELDS[k] for k in NEW_ITEM}, table="oit_items",
                    parent=year, submit="เพิ่มรายการ", success="เพิ่มรายการ OIT แล้ว")
        else:
            item = items[chosen]
            edit_row(item, ITEM_FIELDS, table="oit_items", edit_key=f"oit_catalogue_item_{item.id}",
                     delete_key=f"catalogue_item_{item.id}", what=f"รายการ {item.code}")
            components_editor(item)
    elif items:
        chosen = st.selectbox("ดูรายละเอียด", list(items), key=f"view_catalogue_{year}",
                              format_func=lambda i: f"{items[i].code} · {items[i].title_th[:70]}")
        item_details(items[chosen])

with calendar_tab:
    if not phases:
        notice_missing("phases")
    table([{"ลำดับ": p.seq, "ประเภท": PHASE_KIND_TH.get(p.kind, p.kind), "ขั้นตอน": p.name_th,
            "เริ่ม": format_be(p.start), "สิ้นสุด": format_be(p.end)} for p in phases.values()],
          {"ขั้นตอน": "large"})
    if editor:
        chosen = pick_row("แก้ไขขั้นตอน", phases, key=f"edit_phase_{year}", new_label="➕ เพิ่มขั้นตอน",
                          describe=lambda p: f"{p.seq}. {p.name_th[:70]}")
        if chosen is None:
            new_row(f"new_framework_phase_{year}", PHASE_FIELDS, table="phases", parent=year,
                    submit="เพิ่มขั้นตอน", success="เพิ่มขั้นตอนแล้ว")
        else:
            phase = phases[chosen]
            edit_row(phase, PHASE_FIELDS, table="phases", edit_key=f"framework_phase_{phase.id}",
                     delete_key=f"phase_{phase.id}", what="ขั้นตอน")

with indicator_tab:
    st.markdown(f"##### ตัวชี้วัด ({len(indicators)})")
    table([{"ข้อ": i.number, "ตัวชี้วัด": i.name_th, "เครื่องมือ": label_th(i.tool, Tool)} for i in indicators],
          {"ตัวชี้วัด": "large"})
    st.markdown(f"##### ตัวชี้วัดย่อย ({len(sub_indicators)})")
    per_code = pd.Series([i.sub_indicator for i in items.values()], dtype=str).value_counts()
    table([{"รหัส": s.code, "ตัวชี้วัด": s.indicator, "ชื่อ": s.name_th, "รายการ OIT": int(per_code.get(s.code, 0))}
           for s in sub_indicators], {"ชื่อ": "large"})
    st.caption("แก้ไขตัวชี้วัดได้ด้วยไฟล์เกณฑ์ (แท็บ “ไฟล์เกณฑ์”)")

with file_tab:
    workbook_downloads(year)
    st.caption("ไฟล์ Excel แผ่นงานละส่วน: ตัวชี้วัด ตัวชี้วัดย่อย รายการ OIT องค์ประกอบ ปฏิทิน ITA เกณฑ์คะแนน และระดับผล · "
               "วันที่เป็น พ.ศ. · ใช้เป็นต้นแบบเกณฑ์ของปีถัดไปได้")
    if editor:
        import_section(year)
