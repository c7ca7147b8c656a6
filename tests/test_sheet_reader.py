"""Reading the typed cells of one sheet row, with Thai problems that say where to look."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ita_core.sheet_reader import Cell, Problem, RowReader, Sheet, shorten

KEYS = ("id", "title", "due")
HEADERS = ("รหัส", "เรื่อง", "กำหนดเสร็จ")


def _reader(*values: Cell, errors: list[Problem] | None = None) -> RowReader:
    return RowReader(Sheet("แผน"), number=7, values=list(values), keys=KEYS, headers=HEADERS,
                     errors=[] if errors is None else errors)


def test_a_problem_names_sheet_row_and_column_with_its_header() -> None:
    reader = _reader(None, None, "ไม่ใช่วันที่")
    assert reader.day("due") is None
    assert reader.errors == [Problem(
        "อ่านวันที่ไม่ได้: ไม่ใช่วันที่ (ใช้วันที่ของ Excel หรือ YYYY-MM-DD หรือ ๓๐ มี.ค. ๖๗)",
        "แผน", 7, "C (กำหนดเสร็จ)")]
    assert str(reader.errors[0]).startswith("แผ่นงาน «แผน» แถว 7 คอลัมน์ C (กำหนดเสร็จ): ")


def test_problems_go_to_the_list_given() -> None:
    errors: list[Problem] = [Problem("ก่อนหน้า")]
    _reader("x", errors=errors).integer("id")
    assert [p.message for p in errors] == ["ก่อนหน้า", "ต้องเป็นตัวเลข แต่พบ x"]


def test_a_short_row_reads_as_blank_cells() -> None:
    reader = _reader(3)
    assert (reader.raw("id"), reader.raw("due"), reader.text("title")) == (3, None, "")
    assert reader.errors == []


def test_text_of_numbers_quotes_and_control_characters() -> None:
    reader = _reader(12.0, "'=1+1\x07")
    assert reader.text("id") == "12"
    assert reader.text("title") == "=1+1"  # our export's formula guard and a bell taken off
    assert reader.errors == []


def test_a_date_where_text_belongs_is_a_problem() -> None:
    reader = _reader(None, date(2024, 3, 30))
    assert reader.text("title") == ""
    assert reader.errors[0].message == "ต้องเป็นข้อความ แต่พบ 30 มี.ค. 2567"


@pytest.mark.parametrize(("value", "expected"), [(5, 5), (5.0, 5), (" 42 ", 42), ("-3", -3)])
def test_integer_accepts_whole_numbers(value: Cell, expected: int) -> None:
    assert _reader(value).integer("id") == expected


@pytest.mark.parametrize(("value", "message"), [
    (True, "ต้องเป็นรหัส แต่พบ True"),
    (2.5, "ต้องเป็นรหัส แต่พบ 2.5"),
    ("สิบ", "ต้องเป็นรหัส แต่พบ สิบ"),
    (11, "รหัส 11 อยู่นอกช่วง 1–10"),
    (None, "ต้องมีรหัส"),
    ("  ", "ต้องมีรหัส"),
])
def test_integer_problems(value: Cell, message: str) -> None:
    reader = _reader(value)
    assert reader.integer("id", low=1, high=10, what="รหัส") is None
    assert [p.message for p in reader.errors] == [message]


def test_an_optional_blank_integer_is_no_problem() -> None:
    reader = _reader("")
    assert reader.integer("id", required=False) is None
    assert reader.errors == []


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2024, 3, 30, 8, 0), date(2024, 3, 30)),
    (date(2024, 3, 30), date(2024, 3, 30)),
    ("2024-03-30", date(2024, 3, 30)),
    ("๓๐ มี.ค. ๖๗", date(2024, 3, 30)),
    ("", None),
    (None, None),
])
def test_day_reads_excel_iso_and_thai_dates(value: Cell, expected: date | None) -> None:
    reader = _reader(None, None, value)
    assert reader.day("due") == expected
    assert reader.errors == []


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _reader().problem("nope", "x")


def test_shorten() -> None:
    assert shorten(None) == shorten("") == "(ว่าง)"
    assert shorten(date(2024, 3, 30)) == "30 มี.ค. 2567"
    assert shorten("บรรทัด\nสอง") == "บรรทัด สอง"
    assert shorten("ก" * 50) == "ก" * 39 + "…"
    assert shorten("abcdef", limit=4) == "abc…"
