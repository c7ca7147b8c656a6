"""Thai labels: one table per concept, so a word means one thing everywhere.

Each table maps the stored value of one enum (``ita_core.models``) to what users read. Lights
have their own words in :mod:`ita_core.status` (``LABEL_TH``), next to their rules. A test
checks that every table covers every member of its enum.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from ita_core.models import AssignmentRole, DutyKind, PersonKind, Rhythm, Status, Tool, UserRole

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

TABLES: dict[type[StrEnum], Mapping[Any, str]] = {
    Status: STATUS_TH, AssignmentRole: ASSIGNMENT_ROLE_TH, UserRole: USER_ROLE_TH,
    PersonKind: PERSON_KIND_TH, DutyKind: DUTY_KIND_TH, Tool: TOOL_TH, Rhythm: RHYTHM_TH,
}


def label_th(value: StrEnum | str, enum: type[StrEnum]) -> str:
    """The Thai label of a stored value; an unknown value is shown as it is (never hidden)."""
    return TABLES[enum].get(str(value), str(value))  # a StrEnum key equals its text
