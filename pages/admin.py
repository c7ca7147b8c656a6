"""Admin: the plan rows, OIT components, recurring reports, people, assignments, logins, the next
fiscal year's plan and the backup download. Admins only."""

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from ita_core import queries, remind
from ita_core.backup import backup_bytes
from ita_core.framework import framework_years
from ita_core.labels import ASSIGNMENT_ROLE_TH, USER_ROLE_TH, label_th
from ita_core.meeting import markdown_text
from ita_core.models import AssignmentRole, OitItem, Person, UserRole
from ita_core.permissions import Action, PermissionDenied
from ita_core.plan import default_as_of, row_titles
from ita_core.recurring import describe
from ita_core.services import ValidationFailed
from ita_core.services.rollover import RolloverReport
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from ita_core.thai_dates import format_be
from ita_ui.context import pick_context
from ita_ui.engine import engine, reading
from ita_ui.forms import edit_form, field_widget, new_row_form, pick_row, row_editor
from ita_ui.login import current_actor
from ita_ui.notices import notice_missing
from ita_ui.writes import form_round, write

ACTIVITY_FIELDS = {
    "indicator": ("ตัวชี้วัด", "indicator"), "issue": ("ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ", "area"),
    "activity": ("กิจกรรมที่จะดำเนินการ", "area"), "output": ("ผลผลิต", "area"),
    "awareness": ("วิธีการสร้างการรับรู้", "area"), "due_date": ("กำหนดเสร็จ", "date"),
    "due_text": ("ระยะเวลาแล้วเสร็จ (ข้อความตามแผน)", "text"), "cadence_text": ("ระยะเวลากำกับติดตาม", "text"),
}
OIT_FIELDS = {"title": ("ข้อมูล", "text"), "group_heading": ("หมวด", "text"), "due_date": ("กำหนดเสร็จ", "date"),
              "due_text": ("เวลาดำเนินการ (ข้อความตามแผน)", "text"), "rhythm_text": ("รอบการรายงาน", "text")}
DUTY_FIELDS = {"kind": ("รอบการทำซ้ำ", "duty_kind"), "day": ("วันที่ของเดือน (สำหรับ “ทุกเดือน ตามวันที่”)", "number"),
               "interval_days": ("ทุกกี่วัน (สำหรับ “ทุก ๆ กี่วัน”)", "number"),
               "start": ("เริ่ม (ว่าง = ต้นปีงบประมาณ)", "date"), "end": ("สิ้นสุด (ว่าง = สิ้นปีงบประมาณ)", "date"),
               "text": ("ข้อความตามแผน", "text")}
PERSON_FIELDS = {"name": ("ชื่อ", "text"), "kind": ("ประเภท", "kind"), "rank": ("ยศ", "text"),
                 "position": ("ตำแหน่ง", "text"), "note": ("หมายเหตุ", "text"),
                 "email": ("อีเมล (สำหรับการแจ้งเตือน)", "text"),
                 "line_user_id": ("LINE user id (U ตามด้วยเลขฐานสิบหก 32 ตัว)", "text")}
CONTACT_FIELDS = {name: PERSON_FIELDS[name] for name in ("email", "line_user_id")}  # a login's, as a person's

TAB = "admin_tab"  # the open section (a tab label), a widget key tests set to open a section
# The choices of the sections drawn only while their tab is open (see the end of the page; the
# sections with forms are drawn on every run). Streamlit drops the state of a widget a run does not
# draw: kept as plain session values, such a section opens again on the choice it showed.
SECTION_CHOICES = ("rollover_target",)


def keep_choices() -> None:
    """Hold each section's chosen row over runs that do not draw it (see ``SECTION_CHOICES``)."""
    for key in SECTION_CHOICES:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


context = pick_context(with_as_of=False, needs=Action.EDIT_PLAN)
actor = current_actor()
keep_choices()
st.title("จัดการแผนและผู้ใช้")


def confirm_delete(table: str, row) -> None:
    with st.popover("🗑️ ลบรายการนี้"):
        st.write("รายการจะถูกซ่อนจากทุกหน้า และยังอยู่ในประวัติการแก้ไข")
        if st.button("ยืนยันการลบ", key=f"delete_{table}_{row.id}", type="primary"):
            write(lambda w: w.delete_row(table=table, row_id=row.id, seen_version=row.version), "ลบแล้ว",
                  deleting=True)


def duties_editor(target: str, row_id: int) -> None:
    """The row's recurring duties (report on the 28th, every month end, …): edit, remove, add.
    A row without its own due date is judged by the next of these."""
    with reading() as session:
        duties = queries.duties_of(session, **{target: row_id})
    st.markdown("##### รอบรายงานที่ทำซ้ำ")
    st.caption("รายการที่ไม่มีกำหนดเสร็จของตัวเอง ใช้รอบถัดไปเป็นกำหนดในการให้สัญญาณ")
    for duty in duties:
        with st.expander(f"🔁 {describe(duty)} · {markdown_text(duty.text[:60])}"):  # labels are Markdown
            edit_form(f"duty_{duty.id}", duty.model_dump(), DUTY_FIELDS, lambda w, version, changes, d=duty:
                      w.save_recurring_duty(values=changes, row_id=d.id, seen_version=version))
            if st.button("🗑️ ลบรอบนี้", key=f"delete_duty_{duty.id}"):
                write(lambda w, d=duty: w.delete_recurring_duty(row_id=d.id, seen_version=d.version),
                      "ลบรอบแล้ว", deleting=True)
    form, turn = f"new_duty_{target}_{row_id}", form_round(f"new_duty_{target}_{row_id}")
    with st.form(f"{form}_{turn}", enter_to_submit=False):
        st.markdown("➕ เพิ่มรอบรายงาน")
        values = {name: field_widget(widget, label, None, f"{form}_{name}_{turn}")  # activity 1 ≠ OIT item 1
                  for name, (label, widget) in DUTY_FIELDS.items()}
        if st.form_submit_button("เพิ่มรอบ"):
            write(lambda w: w.save_recurring_duty(values={**values, target: row_id}), "เพิ่มรอบแล้ว",
                  new_form=form)


def activities_section() -> None:
    """The plan's activities: pick one to edit (delete, recurring duties) or add one."""
    with reading() as session:
        rows = {a.id: a for a in queries.activity_rows(session, context.station_id, context.fiscal_year)}
    row = row_editor("activity", rows, label="เลือกกิจกรรม", new_label="➕ เพิ่มกิจกรรมใหม่",
                     describe=lambda a: f"ก{a.seq} · ตัวชี้วัด {a.indicator} · {a.activity[:60]}",
                     fields=ACTIVITY_FIELDS,
                     new_fields={k: ACTIVITY_FIELDS[k] for k in ("indicator", "activity", "due_date")},
                     submit="เพิ่ม", success="เพิ่มกิจกรรมแล้ว", save=Writer.save_activity,
                     scope={"station_id": context.station_id, "fiscal_year": context.fiscal_year})
    if row is not None:
        confirm_delete("activity", row)
        duties_editor("activity_id", row.id)


def oit_item_editor(item: OitItem) -> None:
    """One OIT item's plan fields, its components checklist and its recurring reports."""
    edit_form(f"oit_{item.id}", item.model_dump(), OIT_FIELDS,
              lambda w, version, changes: w.save_oit_item(row_id=item.id, seen_version=version,
                                                          values=changes))
    st.markdown("##### องค์ประกอบ")
    with reading() as session:
        components = queries.item_components(session, item.id)
    for component in components:
        text_col, delete_col = st.columns([6, 1])
        text_col.markdown(f"{component.seq}. {markdown_text(component.text)}")
        if delete_col.button("ลบ", key=f"del_component_{component.id}"):
            write(lambda w, c=component: w.delete_component(row_id=c.id, seen_version=c.version),
                  "ลบองค์ประกอบแล้ว", deleting=True)
    form, turn = f"new_component_{item.id}", form_round(f"new_component_{item.id}")
    with st.form(f"{form}_{turn}", enter_to_submit=False):
        text = st.text_input("เพิ่มองค์ประกอบ", key=f"new_component_text_{item.id}_{turn}")
        if st.form_submit_button("เพิ่ม"):
            write(lambda w: w.save_component(item_id=item.id, text=text), "เพิ่มองค์ประกอบแล้ว",
                  new_form=form)
    duties_editor("oit_item_id", item.id)


def assignment_editor(rows: pd.DataFrame, assignments: pd.DataFrame, everyone: dict[int, str]) -> None:
    """Who holds which role on one plan row: remove a holder, or assign a person of ``everyone``."""
    columns = (rows["kind"], rows["id"], rows["ref"], rows["title"])  # labels once (.loc per option: 0.15 s)
    titles = {(kind, row_id): f"{ref} · {title[:60]}"
              for kind, row_id, ref, title in zip(*columns, strict=True)}
    target = st.selectbox("รายการ", list(titles), key="assign_target", format_func=titles.__getitem__)
    column = "activity_id" if target[0] == "activity" else "oit_item_id"
    for held in assignments[assignments[column] == target[1]].itertuples():
        left, right = st.columns([6, 1])
        name = markdown_text(held.name)  # a name from a plan file, shown as typed
        left.markdown(f"- {name} · {label_th(held.role, AssignmentRole)}")
        if right.button("เอาออก", key=f"unassign_{held.assignment_id}"):
            write(lambda w, a=held.assignment_id: w.remove_assignment(row_id=a), "เอาออกแล้ว")
    if not everyone:
        notice_missing("people", "— เพิ่มบุคคลที่แท็บ “บุคคล” ก่อนมอบหมายงาน")
        return
    with st.form("add_assignment", enter_to_submit=False):
        pid = st.selectbox("ผู้รับผิดชอบ", list(everyone), format_func=everyone.get, key="assign_person")
        role = st.selectbox("บทบาท", list(AssignmentRole), format_func=ASSIGNMENT_ROLE_TH.get,
                            key="assign_role")
        if st.form_submit_button("มอบหมาย", type="primary"):
            write(lambda w: w.add_assignment(person_id=pid, role=role, **{column: target[1]}),
                  "มอบหมายแล้ว")


def oit_section() -> None:
    """The year's OIT items: pick one to edit its plan fields, components and recurring reports."""
    with reading() as session:
        items = {i.id: i for i in queries.oit_item_rows(session, context.station_id, context.fiscal_year)}
    if items:
        chosen = st.selectbox("เลือกข้อมูล OIT", list(items), key="edit_oit",
                              format_func=lambda i: f"{items[i].code} · {items[i].title[:70]}")
        oit_item_editor(items[chosen])
    else:
        notice_missing("oit")


@cache  # this page run's: the script defines it anew on every run
def station_people() -> dict[int, Person]:
    """The station's people and groups by id (the people, assignment and users sections, all drawn
    on every run, share one read a run)."""
    with reading() as session:
        return {p.id: p for p in queries.station_people(session, context.station_id)}


def people_section() -> None:
    """The station's people and groups: pick one to edit (delete) or add one."""
    people = station_people()
    chosen = pick_row("เลือกบุคคล", people, key="edit_person", new_label="➕ เพิ่มบุคคล/กลุ่ม",
                      describe=lambda p: p.name)
    if chosen is None:
        new_row_form("new_person", {"name": ("ชื่อ (ไม่ต้องใส่ยศ)", "text"), "kind": ("ประเภท", "kind"),
                                    "rank": ("ยศ", "text")}, submit="เพิ่ม", success="บันทึกแล้ว",
                     save=lambda w, values: w.save_person(values=values, station_id=context.station_id))
    else:
        person = people[chosen]
        st.caption("การสะกดที่พบในแผน: " + (markdown_text(", ".join(person.variants)) or "—"))
        edit_form(f"person_{person.id}", person.model_dump(), PERSON_FIELDS,
                  lambda w, version, changes: w.save_person(values=changes, row_id=person.id,
                                                            seen_version=version))
        confirm_delete("person", person)


def assign_section() -> None:
    """Who holds which plan row."""
    with reading() as session:  # codes and titles only: the lights of the plan view are not shown here
        rows = row_titles(session, context.station_id, context.fiscal_year)
        assignments = queries.assignments(session, context.station_id, context.fiscal_year)
    assignment_editor(rows, assignments, {p.id: p.name for p in station_people().values()})


def account_actions(users: list) -> None:
    """Per-login actions under the users table: close or reopen, unlock, where its reminders go
    (e-mail, LINE user id) and a new password.
    The list is what ``queries.users`` gave this admin, so every action is one it may do."""
    managed = {u.id: u for u in users}
    if not managed:
        return
    st.markdown("##### จัดการบัญชี")
    picked = st.selectbox("บัญชี", list(managed), format_func=lambda i: managed[i].username, key="manage_user")
    chosen = managed[picked]
    left, right = st.columns(2)
    if chosen.active and left.button("ปิดใช้งานบัญชีนี้", key=f"disable_user_{chosen.id}"):
        write(lambda w: w.set_user_active(row_id=chosen.id, seen_version=chosen.version, active=False),
              "ปิดใช้งานบัญชีแล้ว")
    if not chosen.active and left.button("เปิดใช้งานบัญชีนี้", key=f"enable_user_{chosen.id}"):
        write(lambda w: w.set_user_active(row_id=chosen.id, seen_version=chosen.version, active=True),
              "เปิดใช้งานบัญชีแล้ว")
    locked = bool(chosen.failed_logins or chosen.locked_until)
    if locked and right.button("ปลดล็อก", key=f"unlock_user_{chosen.id}"):
        write(lambda w: w.unlock_user(row_id=chosen.id, seen_version=chosen.version), "ปลดล็อกบัญชีแล้ว")
    st.markdown("###### ช่องทางรับการแจ้งเตือน (ว่าง = ไม่มี)")
    edit_form(f"user_contact_{chosen.id}", chosen.model_dump(), CONTACT_FIELDS,
              lambda w, version, changes: w.update_user(row_id=chosen.id, seen_version=version,
                                                        values=changes))
    with st.form(f"reset_password_{chosen.id}", enter_to_submit=False):
        new = st.text_input("รหัสผ่านใหม่ (อย่างน้อย 10 ตัวอักษร ไม่ใช่รหัสที่เดาง่าย)", type="password",
                            key=f"reset_password_new_{chosen.id}")
        again = st.text_input("ยืนยันรหัสผ่านใหม่", type="password", key=f"reset_password_again_{chosen.id}")
        if st.form_submit_button("ตั้งรหัสผ่านใหม่"):
            if new != again:
                st.error("รหัสผ่านใหม่สองช่องไม่ตรงกัน")
            else:
                write(lambda w: w.reset_password(row_id=chosen.id, seen_version=chosen.version,
                                                 new_password=new), "ตั้งรหัสผ่านใหม่แล้ว")


def users_section() -> None:
    """The logins this admin manages: the table, a form for a new login, per-login actions."""
    everyone = {p.id: p.name for p in station_people().values()}
    with reading() as session:
        users = queries.users(session, actor)
        user_rows = queries.user_table(session, users, now=datetime.now(ZoneInfo(get_settings().timezone)))
    st.dataframe(user_rows, hide_index=True, width="stretch")  # who each login is in the plan
    turn = form_round("new_user")
    with st.form(f"new_user_{turn}", enter_to_submit=False):
        st.markdown(f"##### เพิ่มผู้ใช้ของ{context.station_md}")
        st.caption("บัญชีระดับจังหวัด/ภาค สร้างด้วยคำสั่ง `ita user add NAME --role admin --province …`")
        username = st.text_input("ชื่อผู้ใช้", key=f"new_username_{turn}")
        password = st.text_input("รหัสผ่าน (อย่างน้อย 10 ตัวอักษร)", type="password", key=f"new_password_{turn}")
        role = st.selectbox("บทบาท", list(UserRole), format_func=USER_ROLE_TH.get, key=f"new_role_{turn}")
        pid = st.selectbox("เป็นบุคคลในแผน", [None, *everyone], key=f"new_user_person_{turn}",
                           format_func=lambda i: "—" if i is None else everyone[i])
        all_rows = st.checkbox("เจ้าหน้าที่แก้ได้ทุกแถว", key=f"new_all_rows_{turn}")
        email = st.text_input("อีเมล (ไม่บังคับ)", key=f"new_user_email_{turn}")
        line_id = st.text_input("LINE user id (ไม่บังคับ; U ตามด้วยเลขฐานสิบหก 32 ตัว)",
                                key=f"new_user_line_id_{turn}")
        if st.form_submit_button("เพิ่มผู้ใช้", type="primary"):
            write(lambda w: w.create_user(
                username=username, password=password, role=role, person_id=pid, can_edit_all=all_rows,
                station_id=context.station_id, email=email, line_user_id=line_id), "เพิ่มผู้ใช้แล้ว",
                new_form="new_user")
    account_actions(users)


def reminder_preview() -> None:
    """Read-only: each person's digest as `ita remind` prints it without --send (same day, same
    window), so an admin sees who will hear what, and who has no e-mail, before the timer sends."""
    if not actor.may(Action.SEND_REMINDERS, station_id=context.station_id):
        st.info("ตัวอย่างการแจ้งเตือนดูได้เฉพาะผู้ที่ส่งการแจ้งเตือนได้ (ผู้ดูแลระบบ เลขานุการ ITA)")
        return
    as_of = default_as_of(context.fiscal_year)
    with reading() as session:
        found = remind.station_digests(session, station_id=context.station_id,
                                       fiscal_year=context.fiscal_year, as_of=as_of, settings=get_settings())
    st.caption(f"ข้อความที่แต่ละคนจะได้รับ ณ {format_be(as_of)} (เลยกำหนด และครบกำหนดภายใน "
               f"{remind.DEFAULT_DAYS} วัน) · หน้านี้แสดงอย่างเดียว ไม่ส่ง — "
               "การส่งใช้คำสั่ง `ita remind --send` (ดู README)")
    if not found:
        st.info("ไม่มีผู้ใดมีงานเลยกำหนดหรือใกล้ครบกำหนด")
    for digest in found:
        to = digest.email or "ไม่มีอีเมล"
        label = f"{digest.name} · เลยกำหนด {len(digest.overdue)} · ใกล้ครบ {len(digest.due_soon)} · {to}"
        with st.expander(markdown_text(label)):  # names come from the plan: labels are Markdown
            st.text(digest.text())


def rollover_targets(current: int) -> list[int]:
    """The years a plan may move to: every later year with a framework, and the next year."""
    with reading() as session:
        later = {year for year in framework_years(session) if year > current}
    return sorted(later | {current + 1})


def rollover_preview(target: int) -> RolloverReport | None:
    """What the rollover into ``target`` would write, or None after showing why it cannot (no
    framework: the command that makes one) as a notice: a state of the year, not a failed action."""
    try:
        with reading() as session:
            return Writer(session, actor).preview_rollover(station_id=context.station_id,
                                                           from_year=context.fiscal_year, to_year=target)
    except (ValidationFailed, PermissionDenied) as refused:
        for reason in getattr(refused, "errors", [str(refused)]):
            st.warning(reason)
        return None


def year_section() -> None:
    """The next fiscal year's plan from this one: what it will hold, then the rollover."""
    target = st.selectbox("ปีงบประมาณปลายทาง", rollover_targets(context.fiscal_year), key="rollover_target")
    years = target - context.fiscal_year
    st.markdown(f"##### สร้างแผนปีงบประมาณ {target} จากแผนปี {context.fiscal_year} ของ{context.station_md}")
    st.caption("คัดลอกมาตรการ ข้อมูล OIT และองค์ประกอบ การมอบหมาย รอบรายงาน โควตาผู้ตอบ และปฏิทิน ITA (เป็นร่าง) "
               f"โดยเลื่อนทุกวันที่ไป {years} ปี (วันสิ้นเดือนยังเป็นวันสิ้นเดือน) และเลื่อนปี พ.ศ. ในข้อความตามแผนด้วย · "
               f"รายการ OIT จับคู่ตามรหัสและชื่อกับเกณฑ์ปี {target} · "
               "สถานะเริ่มใหม่และล้างลิงก์หลักฐาน · ทุกแถวบันทึกในประวัติการแก้ไข · "
               "ตรวจปฏิทิน ITA กับประกาศของ ป.ป.ช. เมื่อประกาศแล้ว")
    preview = rollover_preview(target)
    if preview is not None:
        st.markdown(f"###### รายการ OIT เทียบกับเกณฑ์ปี {target}")
        for heading, lines in preview.lists_th(context.fiscal_year):
            st.markdown(f"**{heading}** · {len(lines)} รายการ")
            st.text("\n".join(lines) or "—")  # titles come from plans and frameworks: text, not markdown
        st.caption(f"แผนปี {target} จะได้รับ: {preview.counts_th()}")
        overwrite = False
        if preview.replaces:
            st.warning(f"ปีงบประมาณ {target} มีแผนอยู่แล้ว")
            overwrite = st.checkbox(f"แทนที่แผนปี {target} ที่มีอยู่แล้ว (ลบแผนเดิมของปีนั้น)",
                                    key="rollover_overwrite")
        with st.popover(f"📅 สร้างแผนปี {target}"):
            st.write(f"ยืนยันสร้างแผนปีงบประมาณ {target} ของ{context.station_md}?")
            if st.button("ยืนยัน", key="rollover_confirm", type="primary"):
                write(lambda w: w.rollover(station_id=context.station_id, from_year=context.fiscal_year,
                                           to_year=target, overwrite=overwrite),
                      f"สร้างแผนปี {target} แล้ว — เลือกปีงบประมาณ {target} ที่แถบด้านซ้าย")


def backup_section() -> None:
    """The whole database as one zip (central admins only)."""
    if not actor.may(Action.BACKUP_ALL):  # the file holds every station and every login
        st.info("ไฟล์สำรองมีข้อมูลทุกสถานีและบัญชีผู้ใช้ทั้งหมด จึงดาวน์โหลดได้เฉพาะผู้ดูแลระบบส่วนกลาง")
    else:
        st.download_button("⬇️ ดาวน์โหลดไฟล์สำรองข้อมูลทั้งระบบ (.zip)", lambda: backup_bytes(engine()),
                           file_name=f"ita-backup-{date.today().isoformat()}.zip", mime="application/zip",
                           key="backup_zip", on_click="ignore", type="primary")
        st.caption("ทุกตารางในไฟล์เดียว (อ่านพร้อมกันในจังหวะเดียว จึงสอดคล้องกันแม้มีผู้ใช้งานอยู่) · เก็บไว้นอกเครื่องนี้ · "
                   "กู้คืนลงฐานข้อมูลใหม่ที่ว่างด้วยคำสั่ง `ita restore ไฟล์.zip` (ดู README หัวข้อ Backup)")


# Streamlit draws every tab's contents on every run unless the tabs track which one is open: these
# do (``on_change="rerun"``; the open tab is the widget ``admin_tab``). The sections with forms are
# drawn whichever tab is open, since a form that is not drawn loses what was typed in it; the
# read-only previews (the reminder digests alone made the page 7× the bare one) and the backup are
# worked out only while their tab is open.
SECTIONS = {"มาตรการ/กิจกรรม": activities_section, "ข้อมูล OIT": oit_section, "บุคคล": people_section,
            "การมอบหมาย": assign_section, "ผู้ใช้": users_section, "การแจ้งเตือน": reminder_preview,
            "ปีงบประมาณใหม่": year_section, "สำรองข้อมูล": backup_section}
ONLY_WHEN_OPEN = {"การแจ้งเตือน", "ปีงบประมาณใหม่", "สำรองข้อมูล"}
tabs = st.tabs(list(SECTIONS), key=TAB, on_change="rerun")
for (label, draw), tab in zip(SECTIONS.items(), tabs, strict=True):
    if tab.open or label not in ONLY_WHEN_OPEN:
        with tab:
            draw()
