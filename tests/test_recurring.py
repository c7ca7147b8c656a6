from datetime import date, timedelta

import pytest

from ita_core.models import DutyKind, RecurringDuty
from ita_core.recurring import next_or_last, occurrences

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


def _scan(duty: RecurringDuty, as_of: date) -> date | None:
    days = occurrences(duty, *FY_2567)
    upcoming = [d for d in days if d >= as_of]
    return upcoming[0] if upcoming else (days[-1] if days else None)


@pytest.mark.parametrize("duty", [
    duty(kind=DutyKind.MONTH_END),
    duty(kind=DutyKind.MONTH_END, start=date(2023, 10, 1), end=date(2024, 3, 31)),
    duty(kind=DutyKind.MONTH_END, start=date(2023, 11, 15), end=date(2024, 3, 15)),
    duty(kind=DutyKind.DAY_OF_MONTH, day=28),
    duty(kind=DutyKind.DAY_OF_MONTH, day=31, start=date(2024, 1, 5), end=date(2024, 6, 20)),
    duty(kind=DutyKind.DAY_OF_MONTH, day=10, start=date(2024, 2, 11), end=date(2024, 3, 9)),
    duty(kind=DutyKind.EVERY_N_DAYS, interval_days=2),
    duty(kind=DutyKind.EVERY_N_DAYS, interval_days=7, start=date(2024, 1, 3), end=date(2024, 2, 20)),
], ids=lambda d: f"{d.kind}-{d.day}-{d.interval_days}-{d.start}-{d.end}")
def test_next_or_last_equals_scanning_every_occurrence(duty: RecurringDuty) -> None:
    day = date(2023, 9, 20)
    while day <= date(2024, 10, 10):
        assert next_or_last(duty, day, *FY_2567) == _scan(duty, day), day
        day += timedelta(days=1)
