"""The sheet styling helpers of ita_core.workbooks on their own (the styled files: test_exports)."""

from ita_core.workbooks import display_width, line_count


def test_widths_ignore_thai_marks_and_lines_wrap() -> None:
    assert display_width("ผู้รับผิดชอบ") == 8  # marks above and below take no width
    assert display_width("สั้น\nบรรทัดที่ยาวกว่า") == 12
    assert line_count("ก" * 64, 41) == 2 and line_count(None, 10) == 1
