"""One text rule for every stored field (issue 16, point 6): length caps per kind of field, control
characters dropped, NFC, strict station codes, applied by the write path to every service."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.auth import CLI
from ita_core.db import session_scope
from ita_core.limits import LIMITS, TextRefused, clean_text, clean_values, kind_of
from ita_core.models import Activity, OitComponent, OitItem, Person, Station, Status
from ita_core.services import ValidationFailed
from ita_core.services.writer import Writer

TEN_MILLION = "ก" * 10_000_000


def test_the_limits_table_names_each_kind() -> None:
    assert LIMITS == {"code": (20, True), "short": (200, True), "url": (2_000, True), "title": (1_000, False),
                      "long": (5_000, False)}
    assert [kind_of(f) for f in ("note", "activity", "name", "evidence_url", "cadence", "anything")] == [
        "long", "title", "short", "url", "title", "long"]
    assert kind_of("code", table="station") == "code" and kind_of("code", table="oit_item") == "short"


def test_control_characters_are_dropped_and_line_breaks_kept_only_in_long_text() -> None:
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f\r\ng\rh\ti", field="note") == "abcdef\ng\nh\ti"
    assert clean_text("ร.ต.อ.\nสมชาย\tใจดี\x00", field="name") == "ร.ต.อ. สมชาย ใจดี"


def test_text_is_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "café")
    assert clean_text(decomposed, field="note") == "café" and len(clean_text(decomposed, field="note")) == 4


def test_a_text_over_its_limit_is_refused_in_thai_naming_the_field() -> None:
    with pytest.raises(TextRefused) as refused:
        clean_text("x" * 5_001, field="note")
    assert str(refused.value) == ("ช่อง «หมายเหตุ» ยาว 5,001 ตัวอักษร เกินขีดจำกัด 5,000 ตัวอักษร (ข้อความยาว): "
                                  "ย่อให้สั้นลง หรือเก็บรายละเอียดไว้ในไฟล์แล้วใส่ลิงก์")
    assert clean_text("x" * 5_000, field="note") == "x" * 5_000
    assert clean_text("x" * 1_000, field="activity") == "x" * 1_000
    with pytest.raises(TextRefused, match="ช่อง «กิจกรรม» ยาว 1,001 ตัวอักษร เกินขีดจำกัด 1,000"):
        clean_text("x" * 1_001, field="activity")


@pytest.mark.parametrize("code", ["=cmd|' /C calc'!A0", "a", "x" * 21, "สภ.เมือง", "ab cd", "ab/cd"])
def test_a_station_code_outside_the_pattern_is_refused(code: str) -> None:
    with pytest.raises(TextRefused, match="ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข - และ _ ยาว 2–20 ตัว"):
        clean_text(code, field="code", table="station")


@pytest.mark.parametrize("code", ["chiangmai", "LPN01", "new", "a-b_c", "x" * 20])
def test_a_plain_station_code_passes(code: str) -> None:
    assert clean_text(code, field="code", table="station") == code


def test_enums_and_numbers_are_left_alone() -> None:
    cleaned, errors = clean_values("activity", {"status": Status.DONE, "progress": 100, "note": "ok\x00"})
    assert cleaned == {"status": Status.DONE, "progress": 100, "note": "ok"} and errors == []
    assert cleaned["status"] is Status.DONE


def test_a_ten_million_character_note_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with Session(engine) as session:
        activity = session.exec(select(Activity).where(Activity.seq == 1)).one()
        row_id, version = activity.id, activity.version
    with pytest.raises(ValidationFailed) as refused, session_scope(engine) as session:
        writer = Writer(session, CLI, source="cli")
        writer.update_progress(table="activity", row_id=row_id, seen_version=version,
                               values={"note": TEN_MILLION})
    assert refused.value.errors == ["ช่อง «หมายเหตุ» ยาว 10,000,000 ตัวอักษร เกินขีดจำกัด 5,000 ตัวอักษร "
                                    "(ข้อความยาว): ย่อให้สั้นลง หรือเก็บรายละเอียดไว้ในไฟล์แล้วใส่ลิงก์"]
    with Session(engine) as session:
        stored = session.get(Activity, row_id)
        assert stored is not None and stored.version == version and stored.note == ""


def test_control_characters_are_not_stored_by_an_update(engine: Engine) -> None:
    with Session(engine) as session:
        item = session.exec(select(OitItem).where(OitItem.code == "O1")).one()
        row_id, version = item.id, item.version
    with session_scope(engine) as session:
        writer = Writer(session, CLI, source="cli")
        writer.update_progress(table="oit_item", row_id=row_id, seen_version=version,
                               values={"note": "บันทึก\x00\x1b[31mแดง\r\nต่อ"})
    with Session(engine) as session:
        stored = session.get(OitItem, row_id)
        assert stored is not None and stored.note == "บันทึก[31mแดง\nต่อ"


def test_control_characters_and_length_are_checked_on_insert(engine: Engine) -> None:
    with Session(engine) as session:
        station_id = session.exec(select(Station.id)).one()
        item_id = session.exec(select(OitItem.id).where(OitItem.code == "O1")).one()
    with session_scope(engine) as session:
        writer = Writer(session, CLI, source="cli")
        person = writer.save_person(values={"name": "สมชาย\x00 ใจดี\n", "rank": "ร.ต.อ.", "kind": "person"},
                                    station_id=station_id).row_id
        component = writer.save_component(item_id=item_id, text="องค์ประกอบ\x07ใหม่").row_id
    with Session(engine) as session:
        assert session.get(Person, person).name == "สมชาย ใจดี"
        assert session.get(OitComponent, component).text == "องค์ประกอบใหม่"
    refused = pytest.raises(ValidationFailed, match="ช่อง «ข้อความ» ยาว 5,001 ตัวอักษร")
    with refused, session_scope(engine) as session:
        Writer(session, CLI, source="cli").save_component(item_id=item_id, text="x" * 5_001)


def test_a_formula_station_code_is_refused(engine: Engine) -> None:
    with pytest.raises(ValidationFailed) as refused, session_scope(engine) as session:
        Writer(session, CLI, source="cli").create_station(code="=cmd|' /C calc'!A0", name_th="สภ.ทดสอบ")
    assert refused.value.errors == ["รหัสสถานี «=cmd|' /C calc'!A0» ใช้ไม่ได้: ใช้ได้เฉพาะตัวอักษรอังกฤษ "
                                    "ตัวเลข - และ _ ยาว 2–20 ตัว (เช่น chiangmai หรือ LPN01)"]
    with Session(engine) as session:
        assert session.exec(select(Station).where(Station.name_th == "สภ.ทดสอบ")).first() is None
