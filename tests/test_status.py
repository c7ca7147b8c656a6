from datetime import date

import pandas as pd
import pytest

from ita_core.models import Status
from ita_core.settings import Settings
from ita_core.status import (
    OVERALL_EN,
    OVERALL_TH,
    Light,
    add_lights,
    done_of_rated,
    expected_progress,
    overall_badge,
    rollup,
    rollup_by,
    row_light,
)

SETTINGS = Settings()
FY_START = date(2023, 10, 1)
AS_OF = date(2024, 3, 1)


@pytest.mark.parametrize(("status", "progress", "due", "evidence", "requires", "light"), [
    (Status.DONE, 100, date(2024, 1, 31), "", False, Light.DONE),
    (Status.DONE, 100, date(2024, 1, 31), "", True, Light.OVERDUE),  # OIT without URL is not done
    (Status.DONE, 100, date(2024, 1, 31), "https://x.example/o1", True, Light.DONE),
    (Status.NOT_APPLICABLE, 0, date(2024, 1, 31), "", False, Light.NOT_APPLICABLE),
    (Status.IN_PROGRESS, 90, date(2024, 2, 29), "", False, Light.OVERDUE),
    (Status.NOT_STARTED, 0, date(2024, 3, 15), "", False, Light.AT_RISK),  # 14 days, not started
    (Status.NOT_STARTED, 0, date(2024, 3, 16), "", False, Light.AT_RISK),  # 15 days, but 91 % expected
    (Status.IN_PROGRESS, 20, date(2024, 9, 30), "", False, Light.ON_TRACK),  # 42 % expected, 22 behind
    (Status.IN_PROGRESS, 50, date(2024, 3, 30), "", False, Light.AT_RISK),  # expected 95 %, 45 behind
    (Status.IN_PROGRESS, 70, date(2024, 3, 30), "", False, Light.ON_TRACK),  # 25 behind: not more than 25
    (Status.NOT_STARTED, 0, None, "", False, Light.CONTINUOUS),
])
def test_row_light(status, progress, due, evidence, requires, light) -> None:
    got = row_light(status=status, progress=progress, due=due, start=FY_START, as_of=AS_OF,
                    settings=SETTINGS, evidence_url=evidence, requires_evidence=requires)
    assert got == light


def test_expected_progress_is_linear_from_start_to_due() -> None:
    assert expected_progress(date(2024, 1, 1), date(2024, 1, 11), date(2024, 1, 6)) == 50.0
    assert expected_progress(date(2024, 1, 1), date(2024, 1, 11), date(2023, 12, 1)) == 0.0
    assert expected_progress(date(2024, 1, 1), date(2024, 1, 11), date(2024, 2, 1)) == 100.0


def test_vectorised_lights_match_the_scalar_rule() -> None:
    rows = pd.DataFrame([
        {"status": s, "progress": p, "due_date": d, "start_date": None, "evidence_url": e,
         "requires_evidence": r}
        for s, p, d, e, r in [
            (Status.DONE, 100, date(2024, 1, 31), "", False),
            (Status.DONE, 100, date(2024, 1, 31), "", True),
            (Status.NOT_APPLICABLE, 0, date(2024, 1, 31), "", False),
            (Status.NOT_STARTED, 0, date(2024, 3, 15), "", False),
            (Status.IN_PROGRESS, 50, date(2024, 3, 30), "", False),
            (Status.IN_PROGRESS, 70, date(2024, 3, 30), "", False),
            (Status.IN_PROGRESS, 10, date(2024, 9, 30), "", False),
            (Status.IN_PROGRESS, 20, date(2024, 9, 30), "", False),
            (Status.NOT_STARTED, 0, None, "", False),
        ]
    ])
    got = list(add_lights(rows, AS_OF, FY_START, SETTINGS)["light"])
    expected = [
        row_light(status=r.status, progress=r.progress, due=r.due_date, start=FY_START, as_of=AS_OF,
                  settings=SETTINGS, evidence_url=r.evidence_url, requires_evidence=r.requires_evidence)
        for r in rows.itertuples()
    ]
    assert got == expected
    assert got == [Light.DONE, Light.OVERDUE, Light.NOT_APPLICABLE, Light.AT_RISK, Light.AT_RISK,
                   Light.ON_TRACK, Light.AT_RISK, Light.ON_TRACK, Light.CONTINUOUS]


def test_rollup_counts_and_overall_light() -> None:
    lights = pd.Series([Light.DONE, Light.DONE, Light.ON_TRACK, Light.AT_RISK, Light.NOT_APPLICABLE])
    result = rollup(lights)
    assert (result.green, result.yellow, result.red, result.grey) == (3, 1, 0, 1)
    assert result.percent_done == 50.0  # 2 of 4 rated rows
    assert result.overall == "yellow"
    assert rollup(pd.Series([Light.OVERDUE, Light.DONE])).overall == "red"


def test_due_today_is_not_overdue_but_at_risk_when_not_started() -> None:
    common = {"start": FY_START, "as_of": AS_OF, "settings": SETTINGS}
    assert row_light(status=Status.NOT_STARTED, progress=0, due=AS_OF, **common) == Light.AT_RISK
    assert row_light(status=Status.IN_PROGRESS, progress=90, due=AS_OF, **common) == Light.ON_TRACK
    assert row_light(status=Status.NOT_STARTED, progress=0, due=date(2024, 2, 29), **common) == Light.OVERDUE


def test_not_applicable_is_left_out_of_rates() -> None:
    result = rollup(pd.Series([Light.NOT_APPLICABLE, Light.CONTINUOUS, Light.DONE]))
    assert (result.done, result.percent_done, result.grey, result.overall) == (1, 100.0, 2, "green")


def test_thresholds_are_settings() -> None:
    strict = Settings(at_risk_days=30, behind_points=5)
    kwargs = {"status": Status.IN_PROGRESS, "progress": 70, "due": date(2024, 3, 30), "start": FY_START,
              "as_of": AS_OF}
    assert row_light(**kwargs, settings=SETTINGS) == Light.ON_TRACK
    assert row_light(**kwargs, settings=strict) == Light.AT_RISK


@pytest.mark.parametrize("lights", [[Light.CONTINUOUS, Light.NOT_APPLICABLE], [Light.CONTINUOUS], []])
def test_a_group_with_nothing_to_rate_is_grey_not_green(lights: list[Light]) -> None:
    result = rollup(pd.Series(lights, dtype=object))
    assert (result.overall, result.done, result.percent_done, result.grey) == ("grey", 0, 0.0, len(lights))


def test_nothing_to_rate_has_words_in_both_languages() -> None:
    assert overall_badge("grey") == "⚪ ไม่มีรายการให้ประเมิน"
    assert (OVERALL_TH["grey"], OVERALL_EN["grey"]) == ("ไม่มีรายการให้ประเมิน", "nothing to rate")
    assert (done_of_rated(0, 0), done_of_rated(0, 0, "en")) == ("ไม่มีรายการให้ประเมิน", "nothing to rate")
    assert (done_of_rated(6, 7), done_of_rated(6, 7, "en")) == ("เสร็จ 6 จาก 7 รายการที่ประเมิน",
                                                               "done 6 of 7 rated")


def test_rollup_by_is_rollup_of_each_group() -> None:
    """One row per group, sorted by key, each exactly :func:`rollup` of the group's lights (a group
    of only unrated rows grey), for one key and for two."""
    frame = pd.DataFrame({
        "indicator": [9, 1, 1, 9, 9, 1, 5],
        "kind": ["oit_item", "activity", "activity", "oit_item", "activity", "activity", "activity"],
        "light": [Light.DONE, Light.AT_RISK, Light.DONE, Light.OVERDUE, Light.CONTINUOUS, Light.ON_TRACK,
                  Light.NOT_APPLICABLE]})
    rolled = rollup_by(frame, "indicator")
    assert list(rolled.index) == [1, 5, 9] and rolled.index.name == "indicator"
    for number, group in frame.groupby("indicator"):
        assert rolled.loc[number].to_dict() == rollup(group["light"]).__dict__
    assert rolled.loc[1].tolist() == [2, 1, 0, 0, 1, 33.3, "yellow"]
    assert rolled.loc[5, "overall"] == "grey" and rolled.loc[9, "overall"] == "red"
    pairs = rollup_by(frame, ["indicator", "kind"])
    assert list(pairs.index) == [(1, "activity"), (5, "activity"), (9, "activity"), (9, "oit_item")]
    assert pairs.loc[(9, "oit_item")].tolist() == [1, 0, 1, 0, 1, 50.0, "red"]
    assert rollup_by(frame.iloc[0:0], "indicator").empty
