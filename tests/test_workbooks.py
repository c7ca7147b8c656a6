"""The sheet styling helpers of ita_core.workbooks on their own (the styled files: test_exports)."""

from ita_core.workbooks import display_width, line_count


def test_widths_ignore_thai_marks_and_lines_wrap() -> None:
    assert display_width("ผู้รับผิดชอบ") == 8  # marks above and below take no width
    assert display_width("สั้น\nบรรทัดที่ยาวกว่า") == 12
    assert line_count("ก" * 55, 41) == 2 and line_count("ก" * 56, 41) == 3 and line_count(None, 10) == 1


def test_long_text_columns_share_the_print_width_by_their_text() -> None:
    from ita_core.workbooks import NARROWEST_TEXT, fit_widths, print_budget

    assert round(print_budget(10)) == 206  # A4 landscape at 70 %: (1045.4 / 0.7 - 50) / 7
    wanted = [6.0, 40.0, 40.0, 30.0, 14.0]
    assert fit_widths(wanted, [0, 0, 0, 0, 0], 200) == wanted  # nothing to share
    assert fit_widths(wanted, [0, 300, 100, 10, 0], 200) == wanted  # fits as wanted
    # 60 left for three text columns: the first takes what it wants, the others the floor
    assert fit_widths(wanted, [0, 300, 100, 5, 0], 80) == [6.0, 40.0, NARROWEST_TEXT, NARROWEST_TEXT, 14.0]
    assert fit_widths(wanted, [0, 300, 300, 0, 0], 100) == [6.0, 25.0, 25.0, 30.0, 14.0]
