"""Thai labels: one table per concept, so a word means one thing everywhere.

Each table maps the stored value of one enum (``ita_core.models``) to what users read. Lights
have their own words in :mod:`ita_core.status` (``LABEL_TH``), next to their rules. A test
checks that every table covers every member of its enum. A few stored words that are no enum
(phase kinds, audit sources and tables) have tables here too, so pages and exports share them.
Files read back accept either the Thai label or the stored value (:func:`value_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from ita_core.models import AssignmentRole, DutyKind, PersonKind, Rhythm, Status, Tool, UserRole

E = TypeVar("E", bound=StrEnum)

STATUS_TH: dict[Status, str] = {
    Status.NOT_STARTED: "ยังไม่เริ่ม", Status.IN_PROGRESS: "กำลังดำเนินการ", Status.DONE: "เสร็จแล้ว",
    Status.NOT_APPLICABLE: "ไม่เกี่ยวข้อง",
}
ASSIGNMENT_ROLE_TH: dict[AssignmentRole, str] = {
    AssignmentRole.CONTROLLER: "ผู้ควบคุม", AssignmentRole.ASSISTANT_CONTROLLER: "ผู้ช่วยผู้ควบคุม",
    AssignmentRole.DATA_PREPARER: "จนท.จัดทำข้อมูล", AssignmentRole.WEB_PUBLISHER: "จนท.ลงเว็บไซต์",
    AssignmentRole.DOER: "ผู้ปฏิบัติ", AssignmentRole.SURVEY_COLLECTOR: "รวบรวมข้อมูล",
    AssignmentRole.RESPONSIBLE: "ผู้รับผิดชอบ",
}
USER_ROLE_TH: dict[UserRole, str] = {
    UserRole.VIEWER: "ผู้ชม", UserRole.OFFICER: "เจ้าหน้าที่", UserRole.ADMIN: "ผู้ดูแลระบบ",
}
PERSON_KIND_TH: dict[PersonKind, str] = {
    PersonKind.PERSON: "บุคคล", PersonKind.POSITION: "ตำแหน่ง", PersonKind.GROUP: "กลุ่ม",
}
DUTY_KIND_TH: dict[DutyKind, str] = {
    DutyKind.DAY_OF_MONTH: "ทุกเดือน ตามวันที่", DutyKind.MONTH_END: "ทุกสิ้นเดือน",
    DutyKind.EVERY_N_DAYS: "ทุก ๆ กี่วัน", DutyKind.DAILY: "ทุกวัน",
}
TOOL_TH: dict[Tool, str] = {
    Tool.IIT: "IIT แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน",
    Tool.EIT: "EIT แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก",
    Tool.OIT: "OIT แบบวัดการเปิดเผยข้อมูลสาธารณะ",
}
RHYTHM_TH: dict[Rhythm, str] = {
    Rhythm.ONCE: "ครั้งเดียวในปี", Rhythm.MONTHLY: "ทุกเดือน", Rhythm.QUARTERLY: "ทุกไตรมาส",
    Rhythm.EACH_EVENT: "ทุกครั้งที่มีเหตุการณ์",
}

# Stored words that are not enums: the ITA calendar's phase kinds, where a change came from, and
# the tables of the audit trail.
PHASE_KIND_TH: dict[str, str] = {
    "preparation": "เตรียมการ", "registration": "ลงทะเบียน", "iit_collection": "เก็บข้อมูล IIT",
    "eit_collection": "เก็บข้อมูล EIT", "oit_collection": "เก็บข้อมูล OIT", "oit_review": "ตรวจ OIT",
    "appeal": "อุทธรณ์", "processing": "ประมวลผล", "results": "ประกาศผล",
}
SOURCE_TH: dict[str, str] = {
    "form": "แบบฟอร์ม", "import": "นำเข้าไฟล์", "rollover": "ขึ้นปีใหม่", "cli": "คำสั่ง ita",
    "import-dates-outside-year": "นำเข้าไฟล์ (วันที่นอกปีงบประมาณเป็นความตั้งใจ)",
    "login": "การเข้าสู่ระบบ", "demo": "ข้อมูลสาธิต", "seed": "แผนตั้งต้น",
}
TABLE_TH: dict[str, str] = {
    "station": "สถานี", "fiscal_year": "ปีงบประมาณ", "activity": "กิจกรรม", "oit_item": "ข้อมูล OIT",
    "oit_component": "องค์ประกอบ OIT", "person": "บุคลากร", "assignment": "ผู้รับผิดชอบ",
    "plan_issue": "ประเด็นที่ต้องปรับปรุง", "phase": "ปฏิทิน ITA", "survey_quota": "เป้าหมายแบบสำรวจ",
    "survey_count": "จำนวนผู้ตอบแบบสำรวจ", "recurring_duty": "งานที่ทำซ้ำ", "app_user": "ผู้ใช้",
    "publication": "การเผยแพร่ OIT", "score_input": "คะแนน", "framework": "กรอบการประเมิน",
}

TABLES: dict[type[StrEnum], Mapping[Any, str]] = {
    Status: STATUS_TH, AssignmentRole: ASSIGNMENT_ROLE_TH, UserRole: USER_ROLE_TH,
    PersonKind: PERSON_KIND_TH, DutyKind: DUTY_KIND_TH, Tool: TOOL_TH, Rhythm: RHYTHM_TH,
}


def label_th(value: StrEnum | str, enum: type[StrEnum]) -> str:
    """The Thai label of a stored value; an unknown value is shown as it is (never hidden)."""
    return TABLES[enum].get(str(value), str(value))  # a StrEnum key equals its text


def thai_words(values: Iterable[object], table: Mapping[Any, str]) -> list[object]:
    """Each stored word of ``values`` as its Thai label (an unknown word or a blank stays as it is)."""
    return [table.get(str(v), v) if isinstance(v, str) else v for v in values]


def value_of(text: str, enum: type[E]) -> E | None:
    """The member a file names by its stored value (``done``) or its Thai label (``เสร็จแล้ว``);
    None when it names neither, so the reader can say which words it knows."""
    word = text.strip()
    for member in enum:
        if word in (member.value, TABLES[enum][member]):
            return member
    return None


def words_of(enum: type[StrEnum]) -> str:
    """The Thai labels of an enum for a message: ``ยังไม่เริ่ม, กำลังดำเนินการ, …``."""
    return ", ".join(TABLES[enum][member] for member in enum)
