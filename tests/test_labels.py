"""One Thai label table per concept, covering every value of its enum."""

from __future__ import annotations

import pytest

from ita_core.labels import TABLES, label_th
from ita_core.models import AssignmentRole, DutyKind, PersonKind, UserRole


@pytest.mark.parametrize("enum", list(TABLES))
def test_every_value_has_a_thai_label(enum) -> None:
    assert set(TABLES[enum]) == set(enum)
    assert all(label.strip() for label in TABLES[enum].values())


def test_labels_of_the_two_kinds_of_role_and_of_kind_differ() -> None:
    assert label_th(AssignmentRole.CONTROLLER, AssignmentRole) == "ผู้ควบคุม"
    assert label_th("admin", UserRole) == "ผู้ดูแลระบบ"
    assert label_th(PersonKind.GROUP, PersonKind) == "กลุ่ม"
    assert label_th(DutyKind.MONTH_END, DutyKind) == "ทุกสิ้นเดือน"
    assert label_th("something_new", DutyKind) == "something_new"  # shown, never hidden


def test_a_file_may_name_a_status_by_its_thai_word_or_its_stored_value() -> None:
    from ita_core.labels import value_of, words_of
    from ita_core.models import Status

    assert value_of("เสร็จแล้ว", Status) is Status.DONE
    assert value_of(" in_progress ", Status) is Status.IN_PROGRESS
    assert value_of("เสร็จ", Status) is None  # a near miss is not guessed
    assert words_of(Status) == "ยังไม่เริ่ม, กำลังดำเนินการ, เสร็จแล้ว, ไม่เกี่ยวข้อง"
