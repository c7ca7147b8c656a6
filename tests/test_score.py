"""Score projection: the year's framework (weights, bands, pass mark), letter grades of past years
without one, the OIT share, what-if, entered scores."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import score, services
from ita_core.auth import Actor
from ita_core.db import session_scope
from ita_core.framework import Band
from ita_core.models import (
    Framework,
    OitComponent,
    OitItem,
    Person,
    RatingBand,
    ScoringScheme,
    Station,
    Tool,
)
from ita_core.score import NoFramework, Rule, Weights, gap_to_pass, grade, held_back, project, rule_of
from ita_core.services import ConflictError, PermissionDenied, ValidationFailed
from ita_core.settings import DEFAULT_DATA_DIR, Settings

ADMIN = Actor("admin", "admin")
DEFAULT = Weights(0.3, 0.3, 0.4)


def shipped_bands(scheme: str) -> tuple[Band, ...]:
    """The bands of a scheme as data/rating_bands.csv ships them."""
    with (DEFAULT_DATA_DIR / "rating_bands.csv").open(encoding="utf-8") as handle:
        return tuple(Band(r["label_th"], r["label_en"], float(r["min_total"]),
                          float(r["min_each_tool"]) if r["min_each_tool"] else None)
                     for r in csv.DictReader(handle) if r["scheme"] == scheme)


RATING = Rule(2567, ScoringScheme.RATING, DEFAULT, 85.0, shipped_bands("rating"))
LETTERS = Rule(2567, ScoringScheme.LETTER, DEFAULT, 85.0, shipped_bands("letter"))


def use_letters(engine: Engine, fiscal_year: int = 2567) -> None:
    """Switch a year's framework to the AA–F letter scheme and its shipped bands."""
    with session_scope(engine) as session:
        framework = session.get(Framework, fiscal_year)
        framework.scheme = ScoringScheme.LETTER
        for band in session.exec(select(RatingBand).where(RatingBand.fiscal_year == fiscal_year)):
            session.delete(band)
        session.flush()
        session.add_all(RatingBand(fiscal_year=fiscal_year, seq=seq, label_th=b.label_th, label_en=b.label_en,
                                   min_total=b.min_total, min_each_tool=b.min_each_tool)
                        for seq, b in enumerate(shipped_bands("letter"), start=1))


@pytest.mark.parametrize(("value", "expected"), [
    (100, "AA"), (95.0, "AA"), (94.99, "A"), (85.0, "A"), (84.99, "B"), (75.0, "B"), (74.99, "C"),
    (65.0, "C"), (64.99, "D"), (55.0, "D"), (54.99, "E"), (50.0, "E"), (49.99, "F"), (0, "F"),
    (84.999, "A"),  # rounded to two decimals first, as results are published: 85.00
])
def test_letter_grade_of_past_years_without_a_framework(value: float, expected: str) -> None:
    assert grade(value) == expected


def test_the_letters_come_from_the_data_folder(tmp_path) -> None:
    """The AA–F thresholds live only in rating_bands.csv: a folder whose A starts at 80 grades 82 A."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    bands = (data / "rating_bands.csv").read_text(encoding="utf-8")
    assert "letter,2,A,A,85,," in bands
    (data / "rating_bands.csv").write_text(bands.replace("letter,2,A,A,85,,", "letter,2,A,A,80,,"),
                                           encoding="utf-8")
    assert (grade(82.0), grade(82.0, data_dir=data)) == ("B", "A")
    assert not hasattr(score, "GRADES")


def test_gap_to_the_pass_mark() -> None:
    assert (gap_to_pass(84.99, 85), gap_to_pass(85.0, 85), gap_to_pass(60.5, 85)) == (0.01, 0.0, 24.5)
    assert gap_to_pass(79.5, 80) == 0.5
    with pytest.raises(ValueError):
        grade(100.5)


def test_weights_come_from_the_framework_and_are_normalised() -> None:
    def weights(iit: float, eit: float, oit: float) -> Weights:
        return Weights.of(Framework(fiscal_year=2570, weight_iit=iit, weight_eit=eit, weight_oit=oit))

    assert weights(30, 30, 40) == weights(3, 3, 4) == weights(0.3, 0.3, 0.4) == DEFAULT
    assert weights(0, 0, 40) == Weights(0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="FY 2570"):
        weights(-10, 50, 60)
    with pytest.raises(ValueError, match="ITA_OIT_SCORING"):
        Settings.from_env({"ITA_OIT_SCORING": "by-magic"})
    assert not hasattr(Settings(), "weight_oit")  # weights are yearly data, not a setting


def test_the_rule_of_a_year_is_its_framework_else_the_command_that_makes_one(session: Session) -> None:
    rule = rule_of(session, 2567)
    assert rule is not None
    assert (rule.scheme, rule.weights, rule.pass_mark) == (ScoringScheme.RATING, DEFAULT, 85.0)
    assert rule.bands == RATING.bands
    assert rule_of(session, 2570) is None
    with pytest.raises(NoFramework) as missing:
        score.require_rule(session, 2570)
    assert missing.value.command == "ita framework copy --from 2567 --to 2570"
    assert "ปีงบประมาณ 2570 ยังไม่มีเกณฑ์การประเมิน" in str(missing.value)
    with pytest.raises(NoFramework, match="--from 2567 --to 2566"):  # nothing earlier: the newest year
        score.require_rule(session, 2566)


def test_projection_total_label_pass_and_gap() -> None:
    got = project(80.0, 90.0, 80.0, RATING)  # 24 + 27 + 32
    assert (got.total, got.label_th, got.label_en, got.passed, got.gap) == (83.0, "ผ่าน", "Pass", False, 2.0)
    top = project(95.0, 95.0, 95.0, RATING)
    assert (top.total, top.label_th, top.label_en, top.passed, top.gap) == (
        95.0, "ผ่านดีเยี่ยม", "Excellent", True, 0.0)
    missing = project(None, 90.0, 80.0, RATING)
    assert (missing.total, missing.label_th, missing.passed, missing.gap, missing.oit) == (
        None, None, None, None, 80.0)
    assert score.as_dict(missing) == {"iit": None, "eit": 90.0, "oit": 80.0, "total": None, "label_th": None,
                                      "label_en": None, "passed": None, "gap": None}
    with pytest.raises(ValueError, match="between 0 and 100"):
        project(101.0, 90.0, 80.0, RATING)


def test_a_total_over_the_pass_mark_held_back_by_a_tool_is_pass_not_good() -> None:
    """The FY 2568 case: a total above 85 with one tool under 85 is rated ผ่าน."""
    got = project(95.0, 80.0, 92.0, RATING)  # 28.5 + 24 + 36.8
    assert (got.total, got.label_th, got.passed, got.gap) == (89.3, "ผ่าน", False, 0.0)
    assert held_back(got) == {Tool.EIT: 85.0}
    letters = project(95.0, 80.0, 92.0, LETTERS)  # the letters have no floor
    assert (letters.total, letters.label_th, letters.passed, letters.gap) == (89.3, "A", True, 0.0)
    assert held_back(letters) == {} and held_back(project(80.0, 90.0, 80.0, RATING)) == {}


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
    got = view.projection
    assert (got.oit, got.total, got.label_th, got.label_en, got.passed, got.gap) == (
        76.0, 81.4, "ผ่าน", "Pass", False, 3.6)
    assert list(view.what_if["code"]) == ["O4", "O8", "O12", "O16", "O20", "O24"]
    assert list(view.what_if["gain_total"]) == [1.6] * 6
    assert list(view.what_if["total_after"]) == [83.0, 84.6, 86.2, 87.8, 89.4, 91.0]
    # IIT 80 is under the floor of 85 every band from ผ่านดี up asks of each tool: OIT alone never passes
    assert not view.what_if["passes_after"].any() and view.items_to_pass is None
    subs = view.sub_indicators.set_index("sub_indicator")
    assert list(subs.index) == ["9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"]
    assert subs.loc["9.1", ["items", "done"]].tolist() == [6, 5] and subs.loc["9.4", "score"] == 0.0
    assert view.entered.basis == "ผลปี 2566"


def test_what_if_counts_items_until_every_tool_reaches_its_floor(demo_engine: Engine) -> None:
    station = enter_scores(demo_engine, 90.0, 90.0)
    with Session(demo_engine) as session:
        view = score.load(session, station, 2567, Settings())
    assert (view.projection.total, view.projection.label_th, view.projection.gap) == (84.4, "ผ่าน", 0.6)
    # the total reaches 85 after one item (86.0), but OIT is then 80: ผ่านดี needs OIT 85 too (88 after three)
    assert list(view.what_if["total_after"])[:3] == [86.0, 87.6, 89.2]
    assert list(view.what_if["passes_after"])[:3] == [False, False, True]
    assert view.items_to_pass == 3


def test_the_letter_scheme_of_the_framework_grades_the_projection(demo_engine: Engine) -> None:
    use_letters(demo_engine)
    station = enter_scores(demo_engine)
    with Session(demo_engine) as session:
        view = score.load(session, station, 2567, Settings())
    got = view.projection
    assert (got.total, got.label_th, got.label_en, got.passed, got.gap) == (81.4, "B", "B", False, 3.6)
    assert list(view.what_if["passes_after"]) == [False, False, True, True, True, True]
    assert view.items_to_pass == 3  # 86.2 after O4, O8, O12: an A, no floor


def test_the_framework_weights_and_pass_mark_are_used(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        framework = session.get(Framework, 2567)
        framework.weight_iit, framework.weight_eit, framework.weight_oit = 20, 20, 60
        framework.pass_mark = 80
        session.exec(select(RatingBand).where(RatingBand.fiscal_year == 2567, RatingBand.seq == 3)).one(
        ).min_total = 80  # ผ่าน from 80: the band that starts at the pass mark passes
    station = enter_scores(demo_engine)
    with Session(demo_engine) as session:
        view = score.load(session, station, 2567, Settings())
    got = view.projection  # 16 + 18 + 45.6
    assert (got.weights, got.total, got.label_th, got.passed, got.gap) == (
        Weights(0.2, 0.2, 0.6), 79.6, "ต้องปรับปรุง", False, 0.4)
    assert view.what_if["gain_total"].iloc[0] == 2.4 and view.items_to_pass == 1
    assert view.what_if["total_after"].iloc[0] == 82.0


def test_projection_with_sub_indicator_scoring(demo_engine: Engine) -> None:
    station = enter_scores(demo_engine)
    with Session(demo_engine) as session:
        view = score.load(session, station, 2567, Settings(oit_scoring="sub_indicator"))
    # (5/6 + 4/5 + 3/4 + 0 + 1 + 5/6 + 1/2) / 7 = 67.38; 24 + 27 + 26.95
    assert (view.projection.oit, view.projection.total, view.projection.label_th) == (67.38, 77.95, "ผ่าน")
    first = view.what_if.iloc[0]
    assert (first["code"], first["gain_oit"], first["gain_total"]) == ("O16", 14.29, 5.71)  # alone in 9.4
    assert list(view.what_if["code"]) == ["O16", "O24", "O12", "O8", "O4", "O20"]
    assert list(view.what_if["total_after"])[:2] == [83.66, 86.52]
    assert view.items_to_pass is None  # IIT 80 stays under the floor
    use_letters(demo_engine)
    with Session(demo_engine) as session:
        letters = score.load(session, station, 2567, Settings(oit_scoring="sub_indicator"))
    assert letters.projection.label_th == "B"
    assert letters.items_to_pass == 2  # O16, then O24 (half of 10.2): 77.95 + 5.714 + 2.857 = 86.52


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
    assert plain.projection.label_th == "ต้องปรับปรุงโดยด่วน"
    assert credit.projection.oit == 1.6  # O1: 2 of 5 components = 40 of 100, one item of 25
    assert credit.what_if.set_index("code").loc["O1", "gain_oit"] == 2.4


def test_a_year_without_a_framework_has_no_projection(session: Session, station: Station) -> None:
    with pytest.raises(NoFramework, match="ita framework copy --from 2567 --to 2570"):
        score.load(session, station.id, 2570, Settings())


def test_score_history_is_entered_by_the_admin_and_labelled_by_its_year(engine: Engine) -> None:
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one().id
        services.save_score_history(session, ADMIN, station, 2566,
                                    {"total": 86.12, "iit": 90, "note": "ประกาศ"})
        services.save_score_history(session, ADMIN, station, "2565", {"total": "78.5"})
        services.save_score_history(session, ADMIN, station, 2567, {"total": 86.12, "iit": 80, "eit": 90})
    with session_scope(engine) as session, pytest.raises(ConflictError):
        services.save_score_history(session, ADMIN, station, 2566, {"total": 87})
    with Session(engine) as session:
        past = score.history(session, station)
        rule = rule_of(session, 2567)
    # 2565 and 2566 have no framework: letter grades as before; 2567 its rating bands (IIT 80 < 85)
    assert past[["fiscal_year", "total", "label"]].values.tolist() == [
        [2565, 78.5, "B"], [2566, 86.12, "A"], [2567, 86.12, "ผ่าน"]]
    fig = score.figure(past, 2568, project(80.0, 90.0, 80.0, rule))
    assert [t.name for t in fig.data] == ["ผลจริง", "คาดการณ์"]
    assert list(fig.data[0].text) == ["78.50 (B)", "86.12 (A)", "86.12 (ผ่าน)"]
    assert list(fig.data[1].y) == [83.0] and list(fig.data[1].text) == ["83.00 (ผ่าน)"]


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


def test_the_as_of_note_names_the_date_in_be() -> None:
    """A Thai line shows the Buddhist-era date, never the ISO one (2024-03-16)."""
    from datetime import date

    assert score.as_of_note(date(2024, 3, 16)) == (
        "คาดการณ์จากสถานะปัจจุบันของข้อมูล OIT (ไม่ขึ้นกับวันที่ 16 มี.ค. 2567 ที่เลือก)")
