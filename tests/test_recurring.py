from datetime import date

from ita_core.models import DutyKind, RecurringDuty
from ita_core.recurring import occurrences

FY_2567 = (date(2023, 10, 1), date(2024, 9, 30))


def duty(**kwargs) -> RecurringDuty:
    return RecurringDuty(station_id=1, fiscal_year=2567, oit_item_id=1, **kwargs)


def test_monthly_publishing_oct_to_mar_falls_on_month_ends() -> None:
    got = occurrences(duty(kind=DutyKind.MONTH_END, start=date(2023, 10, 1), end=date(2024, 3, 31)), *FY_2567)
    assert got == [date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 31),
                   date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]


def test_report_on_the_28th_every_month_of_the_fiscal_year() -> None:
    got = occurrences(duty(kind=DutyKind.DAY_OF_MONTH, day=28), *FY_2567)
    assert len(got) == 12
    assert (got[0], got[4], got[-1]) == (date(2023, 10, 28), date(2024, 2, 28), date(2024, 9, 28))


def test_day_31_is_clamped_to_short_months() -> None:
    got = occurrences(duty(kind=DutyKind.DAY_OF_MONTH, day=31), date(2024, 1, 1), date(2024, 4, 30))
    assert got == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


def test_every_two_days_and_daily() -> None:
    got = occurrences(duty(kind=DutyKind.EVERY_N_DAYS, interval_days=2), date(2024, 1, 1), date(2024, 1, 7))
    assert got == [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 5), date(2024, 1, 7)]
    assert len(occurrences(duty(kind=DutyKind.DAILY), *FY_2567)) == 366


def test_duty_outside_the_window_has_no_occurrences() -> None:
    assert occurrences(duty(kind=DutyKind.MONTH_END, start=date(2025, 1, 1)), *FY_2567) == []
