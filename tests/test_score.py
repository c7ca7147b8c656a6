"""Score projection: grades at every boundary, weights, the OIT share, what-if, entered scores."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import score, services
from ita_core.auth import Actor
from ita_core.db import session_scope
from ita_core.models import OitComponent, OitItem, Person, Station
from ita_core.score import Weights, gap_to_pass, grade, passed, project
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.settings import Settings

ADMIN = Actor("admin", "admin")
DEFAULT = Weights(0.3, 0.3, 0.4)


@pytest.mark.parametrize(("value", "expected"), [
    (100, "AA"), (95.0, "AA"), (94.99, "A"), (85.0, "A"), (84.99, "B"), (75.0, "B"), (74.99, "C"),
    (65.0, "C"), (64.99, "D"), (55.0, "D"), (54.99, "E"), (50.0, "E"), (49.99, "F"), (0, "F"),
    (84.999, "A"),  # rounded to two decimals first, as results are published: 85.00
])
def test_grade_at_every_boundary(value: float, expected: str) -> None:
    assert grade(value) == expected


def test_pass_mark_and_gap() -> None:
    assert (passed(84.99), passed(85.0)) == (False, True)
    assert (gap_to_pass(84.99), gap_to_pass(85.0), gap_to_pass(60.5)) == (0.01, 0.0, 24.5)
    with pytest.raises(ValueError):
        grade(100.5)


def test_weights_come_from_settings_and_are_normalised() -> None:
    assert Weights.from_settings(Settings()) == DEFAULT
    assert Weights.from_settings(Settings.from_env({"ITA_WEIGHT_IIT": "3", "ITA_WEIGHT_EIT": "3",
                                                    "ITA_WEIGHT_OIT": "4"})) == DEFAULT
    oit_only = Settings.from_env({"ITA_WEIGHT_IIT": "0", "ITA_WEIGHT_EIT": "0"})
    assert Weights.from_settings(oit_only) == Weights(0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="ITA_OIT_SCORING"):
        Settings.from_env({"ITA_OIT_SCORING": "by-magic"})


def test_projection_total_grade_and_gap() -> None:
    got = project(80.0, 90.0, 80.0, DEFAULT)  # 24 + 27 + 32
    assert (got.total, got.grade, got.gap) == (83.0, "B", 2.0)
    top = project(95.0, 95.0, 95.0, DEFAULT)
    assert (top.total, top.grade, top.gap) == (95.0, "AA", 0.0)
    missing = project(None, 90.0, 80.0, DEFAULT)
    assert (missing.total, missing.grade, missing.gap, missing.oit) == (None, None, None, 80.0)


def enter_scores(engine: Engine, iit: float = 80.0, eit: float = 90.0) -> int:
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one().id
        services.save_score_input(session, ADMIN, station, 2567,
                                  {"iit": iit, "eit": eit, "basis": "ผลปี 2566"})
    return station


def test_projection_of_the_demo_snapshot_with_items_scoring(demo_engine: Engine) -> None:
    station = enter_scores(demo_engine)
    with Session(demo_engine) as session:
        view = score.load(session, station, 2567, Settings())
    # 19 of 25 items done with evidence → OIT 76; 24 + 27 + 30.4
    assert (view.projection.oit, view.projection.total, view.projection.grade, view.projection.gap) == (
        76.0, 81.4, "B", 3.6)
    assert list(view.what_if["code"]) == ["O4", "O8", "O12", "O16", "O20", "O24"]
    assert list(view.what_if["gain_total"]) == [1.6] * 6
    assert list(view.what_if["total_after"]) == [83.0, 84.6, 86.2, 87.8, 89.4, 91.0]
    assert view.items_to_pass == 3
    subs = view.sub_indicators.set_index("sub_indicator")
    assert list(subs.index) == ["9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"]
    assert subs.loc["9.1", ["items", "done"]].tolist() == [6, 5] and subs.loc["9.4", "score"] == 0.0
    assert view.entered.basis == "ผลปี 2566"


def test_projection_with_sub_indicator_scoring(demo_engine: Engine) -> None:
    station = enter_scores(demo_engine)
    with Session(demo_engine) as session:
        view = score.load(session, station, 2567, Settings(oit_scoring="sub_indicator"))
    # (5/6 + 4/5 + 3/4 + 0 + 1 + 5/6 + 1/2) / 7 = 67.38; 24 + 27 + 26.95
    assert (view.projection.oit, view.projection.total, view.projection.grade) == (67.38, 77.95, "B")
    first = view.what_if.iloc[0]
    assert (first["code"], first["gain_oit"], first["gain_total"]) == ("O16", 14.29, 5.71)  # alone in 9.4
    assert list(view.what_if["code"]) == ["O16", "O24", "O12", "O8", "O4", "O20"]
    assert view.items_to_pass == 2  # O16, then O24 (half of 10.2): 77.95 + 5.714 + 2.857 = 86.52
    assert list(view.what_if["total_after"])[:2] == [83.66, 86.52]


def test_component_credit_counts_ticked_components_of_unfinished_items(engine: Engine) -> None:
    with session_scope(engine) as session:
        o1 = session.exec(select(OitItem).where(OitItem.code == "O1")).one()
        for component in session.exec(select(OitComponent).where(OitComponent.item_id == o1.id)
                                      .order_by(OitComponent.seq).limit(2)):
            services.set_component_done(session, ADMIN, component.id, component.version, True)
    station = enter_scores(engine, 70.0, 70.0)
    with Session(engine) as session:
        plain = score.load(session, station, 2567, Settings())
        credit = score.load(session, station, 2567, Settings(oit_component_credit=True))
    assert plain.projection.oit == 0.0 and plain.projection.total == 42.0
    assert credit.projection.oit == 1.6  # O1: 2 of 5 components = 40 of 100, one item of 25
    assert credit.what_if.set_index("code").loc["O1", "gain_oit"] == 2.4


def test_score_history_is_entered_by_the_admin_and_graded(engine: Engine) -> None:
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one().id
        services.save_score_history(session, ADMIN, station, 2566,
                                    {"total": 86.12, "iit": 90, "note": "ประกาศ"})
        services.save_score_history(session, ADMIN, station, "2565", {"total": "78.5"})
    with session_scope(engine) as session, pytest.raises(ConflictError):
        services.save_score_history(session, ADMIN, station, 2566, {"total": 87})
    with Session(engine) as session:
        past = score.history(session, station)
    assert past[["fiscal_year", "total", "grade"]].values.tolist() == [[2565, 78.5, "B"], [2566, 86.12, "A"]]
    fig = score.figure(past, 2567, project(80.0, 90.0, 80.0, DEFAULT))
    assert [t.name for t in fig.data] == ["ผลจริง", "คาดการณ์"]
    assert list(fig.data[1].y) == [83.0]


@pytest.mark.parametrize(("values", "message"), [
    ({"total": 101}, "ระหว่าง 0 ถึง 100"),
    ({"total": "แปดสิบ"}, "ต้องเป็นตัวเลข"),
    ({"iit": 80}, "ต้องระบุคะแนน TOTAL"),
])
def test_bad_history_is_refused_in_thai(session: Session, values: dict, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.save_score_history(session, ADMIN, 1, 2566, values)


def test_bad_year_and_roles(session: Session) -> None:
    with pytest.raises(ValidationFailed, match=r"ปีงบประมาณต้องเป็นปี พ\.ศ\."):
        services.save_score_history(session, ADMIN, 1, 2023, {"total": 80})
    person = session.exec(select(Person.id).where(Person.name == "ภัทรพงษ์ พลังช้างสาร")).one()
    secretary = Actor("secretary", "officer", person_id=person, can_edit_all=True)
    with pytest.raises(PermissionDenied, match="ผู้ดูแลระบบ"):
        services.save_score_history(session, secretary, 1, 2566, {"total": 80})
    with pytest.raises(PermissionDenied, match="เลขานุการ"):
        services.save_score_input(session, Actor("somchai", "officer", person_id=person), 1, 2567,
                                  {"iit": 80})
    assert services.save_score_input(session, secretary, 1, 2567, {"iit": 80, "eit": None}).version == 1
