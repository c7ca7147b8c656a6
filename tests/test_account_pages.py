"""Accounts on the web: the admin page's per-login actions and the own-password form (AppTest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.auth import verify_password
from ita_core.db import make_engine
from ita_core.models import User
from tests.test_pages import make_user, run_page

NEW = "ฟ้าใส-ลมเย็น-2570"


def _user(name: str) -> User:
    with Session(make_engine()) as session:
        user = session.exec(select(User).where(User.username == name)).one()
        session.expunge(user)
        return user


def test_an_admin_disables_unlocks_and_resets_a_login(engine: Engine) -> None:
    make_user("admin", "admin")
    make_user("clerk", "viewer")
    with Session(make_engine()) as session:  # five wrong passwords earlier: locked
        clerk = session.exec(select(User).where(User.username == "clerk")).one()
        clerk.failed_logins, clerk.locked_until = 0, datetime.now(UTC) + timedelta(minutes=4)
        session.add(clerk)
        session.commit()
    clerk_id = _user("clerk").id
    app = run_page("admin", user="admin", tab="ผู้ใช้")
    app.selectbox(key="manage_user").set_value(clerk_id).run()
    app.button(key=f"disable_user_{clerk_id}").click().run()
    assert not app.exception and not app.error
    assert _user("clerk").active is False
    app.button(key=f"enable_user_{clerk_id}").click().run()
    assert _user("clerk").active is True
    app.button(key=f"unlock_user_{clerk_id}").click().run()
    assert _user("clerk").locked_until is None
    app.text_input(key=f"reset_password_new_{clerk_id}").input("password123")
    app.text_input(key=f"reset_password_again_{clerk_id}").input("password123")
    app.button(key=f"FormSubmitter:reset_password_{clerk_id}-ตั้งรหัสผ่านใหม่").click().run()
    assert [e.value for e in app.error] == ["รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันมาก เดาได้ง่าย — เลือกรหัสผ่านอื่น"]
    app.text_input(key=f"reset_password_new_{clerk_id}").input(NEW)
    app.text_input(key=f"reset_password_again_{clerk_id}").input(NEW)
    app.button(key=f"FormSubmitter:reset_password_{clerk_id}-ตั้งรหัสผ่านใหม่").click().run()
    assert not app.error
    assert verify_password(NEW, _user("clerk").password_hash)


def test_a_user_changes_their_own_password(engine: Engine) -> None:
    make_user("clerk", "viewer")
    app = run_page("home", user="clerk")
    assert not app.sidebar.text_input  # the form is drawn only while its expander is open
    app.session_state["own_password_open"] = True
    app.run()
    app.sidebar.text_input(key="own_password_current").input("not-the-password")
    app.sidebar.text_input(key="own_password_new").input(NEW)
    app.sidebar.text_input(key="own_password_again").input(NEW)
    app.sidebar.button(key="FormSubmitter:own_password-เปลี่ยนรหัสผ่าน").click().run()
    assert [e.value for e in app.sidebar.error] == ["รหัสผ่านปัจจุบันไม่ถูกต้อง"]
    assert not verify_password(NEW, _user("clerk").password_hash)
    app.sidebar.text_input(key="own_password_current").input("pass-word-2567")
    app.sidebar.text_input(key="own_password_new").input(NEW)
    app.sidebar.text_input(key="own_password_again").input(NEW)
    app.sidebar.button(key="FormSubmitter:own_password-เปลี่ยนรหัสผ่าน").click().run()
    assert not app.exception and not app.sidebar.error
    assert [s.value for s in app.sidebar.success] == ["เปลี่ยนรหัสผ่านแล้ว"]
    assert verify_password(NEW, _user("clerk").password_hash)


LINE_ID = "U" + "0123456789abcdef" * 2


def test_an_admin_sets_changes_and_clears_a_logins_contacts(engine: Engine) -> None:
    make_user("admin", "admin")
    make_user("clerk", "viewer")
    clerk_id = _user("clerk").id
    app = run_page("admin", user="admin", tab="ผู้ใช้")
    app.selectbox(key="manage_user").set_value(clerk_id).run()
    save = f"FormSubmitter:form_user_contact_{clerk_id}-💾 บันทึก"
    app.text_input(key=f"email_user_contact_{clerk_id}_r0").input("clerk@police.go.th")
    app.text_input(key=f"line_user_id_user_contact_{clerk_id}_r0").input("@clerk")  # a LINE ID, not a user id
    app.button(key=save).click().run()
    assert [e.value for e in app.error] == [
        "LINE user id “@clerk” ไม่ถูกต้อง (ต้องขึ้นต้นด้วย U ตามด้วยเลขฐานสิบหก 32 ตัว ไม่ใช่ LINE ID ที่ใช้ค้นหาเพื่อน)"]
    assert (_user("clerk").email, _user("clerk").version) == ("", 1)  # all or nothing
    app.text_input(key=f"line_user_id_user_contact_{clerk_id}_r0").input(LINE_ID)
    app.button(key=save).click().run()
    assert not app.exception and not app.error
    clerk = _user("clerk")
    assert (clerk.email, clerk.line_user_id, clerk.version) == ("clerk@police.go.th", LINE_ID, 2)
    table = next(d.value for d in app.dataframe if "ชื่อผู้ใช้" in d.value.columns).set_index("ชื่อผู้ใช้")
    assert (table.loc["clerk", "อีเมล"], table.loc["clerk", "LINE user id"]) == ("clerk@police.go.th", "มี")
    assert (table.loc["admin", "อีเมล"], table.loc["admin", "LINE user id"]) == ("", "")
    app.text_input(key=f"email_user_contact_{clerk_id}_r1").input("")  # a new round after the save
    app.button(key=save).click().run()
    assert not app.error
    assert (_user("clerk").email, _user("clerk").line_user_id) == ("", LINE_ID)


def test_a_new_login_gets_its_line_user_id_on_the_admin_page(engine: Engine) -> None:
    make_user("admin", "admin")
    app = run_page("admin", user="admin", tab="ผู้ใช้")
    app.text_input(key="new_username_0").input("mail")
    app.text_input(key="new_password_0").input(NEW)
    app.text_input(key="new_user_email_0").input("mail@police.go.th")
    app.text_input(key="new_user_line_id_0").input(LINE_ID)
    app.button(key="FormSubmitter:new_user_0-เพิ่มผู้ใช้").click().run()
    assert not app.exception and not app.error
    mail = _user("mail")
    assert (mail.email, mail.line_user_id) == ("mail@police.go.th", LINE_ID)
