"""The sheet styling helpers of ita_core.workbooks on their own (the styled files: test_exports)."""

from ita_core.workbooks import display_width, line_count


def test_widths_ignore_thai_marks_and_lines_wrap() -> None:
    assert display_width("ผู้รับผิดชอบ") == 8  # marks above and below take no width
    assert display_width("สั้น\nบรรทัดที่ยาวกว่า") == 12
    assert line_count("ก" * 61, 41) == 2 and line_count("ก" * 62, 41) == 3 and line_count(None, 10) == 1


def test_the_print_width_goes_to_the_text_that_makes_rows_tall() -> None:
    import pandas as pd

    from ita_core.workbooks import NARROWEST_TEXT, fit_widths, print_budget

    assert round(print_budget(10)) == 206  # A4 landscape at 70 %: (1045.4 / 0.7 - 50) / 7
    frame = pd.DataFrame({"n": [1, 2], "long": ["ก" * 200, "ข" * 150], "short": ["สั้น", "ค" * 30]})
    wanted, kinds = [6.0, 40.0, 40.0], ["number", "text", "text"]
    assert fit_widths(frame, wanted, kinds, 100) == wanted  # fits as wanted
    widths = fit_widths(frame, wanted, kinds, 60)
    assert widths[0] == 6 and sum(widths) <= 60 and widths[1] > widths[2] >= NARROWEST_TEXT
    assert fit_widths(frame, wanted, kinds, 20)[1:] == [NARROWEST_TEXT, NARROWEST_TEXT]  # never narrower


def test_a_wrapped_line_breaks_between_words() -> None:
    from ita_core.workbooks import line_count

    assert line_count("aaa bbb ccc", 6) == 3  # 4 characters a line: one word each
    assert line_count("aaa bbb\nccc", 11) == 2  # 8 a line: two words, then the next paragraph
