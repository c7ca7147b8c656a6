from datetime import date

import pytest

from ita_core.thai_dates import (
    DueKind,
    fiscal_year_bounds,
    fiscal_year_of,
    format_be,
    format_be_month,
    parse_due,
    parse_period,
    to_arabic_digits,
)


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("๓๐ มี.ค.๖๗", DueKind.DATE, date(2024, 3, 30)),
    ("๒๐ มี.ค. ๖๗", DueKind.DATE, date(2024, 3, 20)),
    ("ภายใน ๓๑ ม.ค.๖๗", DueKind.DATE, date(2024, 1, 31)),
    ("ภายในวันที่ ๓๑ มี.ค.๖๗", DueKind.DATE, date(2024, 3, 31)),
    ("ภายใน ก.พ.๖๗", DueKind.MONTH, date(2024, 2, 29)),
    ("ภายในเดือน มี.ค.๖๗", DueKind.MONTH, date(2024, 3, 31)),
    ("15 มี.ค. 2567", DueKind.DATE, date(2024, 3, 15)),
    ("๑ ตุลาคม ๒๕๖๖", DueKind.DATE, date(2023, 10, 1)),
    ("๑๕ ต.ค.", DueKind.DATE, date(2023, 10, 15)),  # year from the fiscal year
    ("๑๕ มี.ค", DueKind.DATE, date(2024, 3, 15)),  # trailing dot lost in OCR
    ("ทุกวัน", DueKind.DAILY, None),
    ("ตามปฏิทินกิจกรรม ITA ประจำปีงบประมาณ ๒๕๖๗", DueKind.CALENDAR, None),
    ("", DueKind.NONE, None),
    ("ยังไม่กำหนด", DueKind.UNPARSED, None),
    ("๓๑ ก.พ.๖๗", DueKind.UNPARSED, None),  # no such day: kept, not guessed
])
def test_parse_due(text: str, kind: DueKind, expected: date | None) -> None:
    parsed = parse_due(text, 2567)
    assert (parsed.kind, parsed.date, parsed.text) == (kind, expected, text)


def test_missing_year_without_fiscal_year_is_not_guessed() -> None:
    assert parse_due("๑๕ ต.ค.").kind == DueKind.UNPARSED


def test_parse_period_range_and_month() -> None:
    assert parse_period("๑ ตุลาคม ๒๕๖๖ ถึง ๓๑ ธันวาคม ๒๕๖๖") == (date(2023, 10, 1), date(2023, 12, 31))
    assert parse_period("เดือน สิงหาคม ๒๕๖๗") == (date(2024, 8, 1), date(2024, 8, 31))
    assert parse_period("ตลอดปี") is None


def test_format_be() -> None:
    assert format_be(date(2024, 3, 30)) == "30 มี.ค. 2567"
    assert format_be(date(2024, 3, 30), thai_digits=True) == "๓๐ มี.ค. ๖๗"
    assert format_be(None) == ""
    assert format_be_month(2023, 10) == "ต.ค. 66"


@pytest.mark.parametrize("day", [date(2023, 10, 1), date(2024, 2, 29), date(2024, 9, 30), date(2025, 12, 31)])
def test_format_parse_round_trip(day: date) -> None:
    assert parse_due(format_be(day, thai_digits=True)).date == day
    assert parse_due(format_be(day)).date == day


def test_fiscal_year_helpers() -> None:
    assert fiscal_year_bounds(2567) == (date(2023, 10, 1), date(2024, 9, 30))
    assert fiscal_year_of(date(2023, 9, 30)) == 2566
    assert fiscal_year_of(date(2023, 10, 1)) == 2567
    assert to_arabic_digits("0๒๕") == "025"


@pytest.mark.parametrize(("text", "shown"), [
    ("๓๑ ม.ค.๖๗", "31 ม.ค. 2567"),
    ("ภายใน ก.พ.๖๗", "ภายใน ก.พ. 2567"),
    ("๑ ตุลาคม ๒๕๖๖ ถึง ๓๑ ธันวาคม ๒๕๖๖", "1 ต.ค. 2566 ถึง 31 ธ.ค. 2566"),
    ("ทุก ๑ เดือน", "ทุก 1 เดือน"),
    ("", ""),
])
def test_plan_wording_is_shown_in_the_apps_date_style(text: str, shown: str) -> None:
    from ita_core.thai_dates import in_app_style

    assert in_app_style(text) == shown
