"""The framework of a fiscal year as data: rating bands with per-tool floors, the seed's FY 2567
framework, and a database made before frameworks existed, upgraded."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from ita_core.db import make_engine, upgrade_schema
from ita_core.framework import (
    Band,
    bands_of,
    catalogue_of,
    check_bands,
    check_scoring,
    framework_of,
    rate,
    same_value,
)
from ita_core.models import (
    CatalogueComponent,
    FrameworkPhase,
    OitItem,
    Rhythm,
    ScoringScheme,
    SurveyMinimum,
    Tool,
)

DATA = Path(__file__).resolve().parent / "data"
RATING = [Band("ผ่านดีเยี่ยม", "Excellent", 95, 85), Band("ผ่านดี", "Good", 85, 85), Band("ผ่าน", "Pass", 75),
          Band("ต้องปรับปรุง", "Needs improvement", 50), Band("ต้องปรับปรุงโดยด่วน", "Needs urgent improvement", 0)]
LETTERS = [Band("AA", "AA", 95), Band("A", "A", 85), Band("B", "B", 75), Band("F", "F", 0)]


def tools(iit: float, eit: float, oit: float) -> dict[Tool, float | None]:
    return {Tool.IIT: iit, Tool.EIT: eit, Tool.OIT: oit}


def test_a_total_above_85_with_one_tool_under_85_is_rated_pass_not_good() -> None:
    rating = rate(89, tools(95, 80, 92), bands=RATING, pass_mark=85)
    assert (rating.label_th, rating.label_en, rating.passed) == ("ผ่าน", "Pass", False)
    assert rate(89, tools(95, 85, 92), bands=RATING, pass_mark=85).label_th == "ผ่านดี"


@pytest.mark.parametrize(("total", "label", "passed"), [
    (100, "ผ่านดีเยี่ยม", True), (95, "ผ่านดีเยี่ยม", True), (94.999, "ผ่านดีเยี่ยม", True),  # rounded to 95.00
    (94.99, "ผ่านดี", True), (85, "ผ่านดี", True), (84.99, "ผ่าน", False), (75, "ผ่าน", False),
    (74.99, "ต้องปรับปรุง", False), (49.99, "ต้องปรับปรุงโดยด่วน", False), (0, "ต้องปรับปรุงโดยด่วน", False),
])
def test_rating_bounds(total: float, label: str, passed: bool) -> None:
    rating = rate(total, tools(90, 90, 90), bands=RATING, pass_mark=85)
    assert (rating.label_th, rating.passed) == (label, passed)


def test_the_letter_scheme_has_no_floor() -> None:
    rating = rate(89, tools(95, 80, 92), bands=LETTERS, pass_mark=85)
    assert (rating.label_th, rating.passed) == ("A", True)
    assert rate(84.99, {}, bands=LETTERS, pass_mark=85).label_th == "B"


def test_a_total_outside_0_100_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        rate(101, {}, bands=RATING, pass_mark=85)


def test_the_seed_year_has_its_framework(session: Session) -> None:
    framework = framework_of(session, 2567)
    assert framework is not None
    assert (framework.scheme, framework.weight_iit, framework.weight_eit, framework.weight_oit,
            framework.pass_mark) == (ScoringScheme.RATING, 30, 30, 40, 85)
    assert [(b.label_th, b.min_total, b.min_each_tool) for b in bands_of(session, 2567)] == [
        ("ผ่านดีเยี่ยม", 95, 85), ("ผ่านดี", 85, 85), ("ผ่าน", 75, None), ("ต้องปรับปรุง", 50, None),
        ("ต้องปรับปรุงโดยด่วน", 0, None)]
    catalogue = catalogue_of(session, 2567)
    assert [c.code for c in catalogue] == [f"O{n}" for n in range(1, 26)]
    assert catalogue[0].title_th == "โครงสร้าง อัตรากำลัง และข้อมูลผู้บริหาร"
    assert catalogue[0].deadline == "ภายใน ๓๑ ม.ค.๖๗"
    assert {c.code for c in catalogue if c.rhythm == Rhythm.MONTHLY} >= {"O7", "O11", "O15"}
    assert session.exec(select(func.count()).select_from(CatalogueComponent)).one() == 128
    assert session.exec(select(func.count()).select_from(FrameworkPhase)).one() == 9
    assert session.exec(select(func.count()).select_from(SurveyMinimum)).one() == 6
    linked = session.exec(select(OitItem.code, OitItem.catalogue_item_id)).all()
    by_code = {c.code: c.id for c in catalogue}
    assert all(catalogue_id == by_code[code] for code, catalogue_id in linked)
    assert framework_of(session, 2570) is None


def test_a_database_made_before_frameworks_is_upgraded_without_loss(tmp_path: Path) -> None:
    """tests/data/main-0006.db.gz was made by main at migration 0006: `ita init --demo`, a station
    LPN01 without a plan, and chiangmai rolled over from 2567 to 2568."""
    path = tmp_path / "old.db"
    with gzip.open(DATA / "main-0006.db.gz", "rb") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        before = session.exec(select(OitItem.id, OitItem.code, OitItem.status, OitItem.evidence_url)).all()
    upgrade_schema(engine)
    with Session(engine) as session:
        after = session.exec(select(OitItem.id, OitItem.code, OitItem.status, OitItem.evidence_url)).all()
        assert after == before and len(after) == 50  # 25 items in each of 2567 and 2568, untouched
        for year in (2567, 2568):
            framework = framework_of(session, year)
            assert framework is not None and framework.scheme == ScoringScheme.RATING
            assert len(catalogue_of(session, year)) == 25
            assert [b.label_en for b in bands_of(session, year)][:2] == ["Excellent", "Good"]
        unlinked = session.exec(select(func.count()).select_from(OitItem)
                                .where(col(OitItem.catalogue_item_id).is_(None))).one()
        assert unlinked == 0
    engine.dispose()


def test_a_scoring_rule_needs_weights_summing_to_100_and_a_pass_mark_within_0_to_100() -> None:
    values = {"scheme": "rating", "weight_iit": "30", "weight_eit": 30, "weight_oit": 40.0, "pass_mark": 85}
    assert check_scoring(values) == []
    assert values["weight_iit"] == 30.0  # numbers come back as floats
    assert check_scoring({**values, "weight_oit": 45}) == ["น้ำหนัก IIT + EIT + OIT ต้องรวมกันได้ 100 (ตอนนี้ 105)"]
    assert check_scoring({**values, "scheme": "AA", "pass_mark": "สูง"}) == [
        "รูปแบบการให้คะแนน (scheme) ต้องเป็นหนึ่งใน rating, letter (ได้ 'AA')",
        "เกณฑ์ผ่าน ต้องเป็นตัวเลข 0–100 (ได้ 'สูง')"]


def test_bands_need_unique_labels_and_a_lowest_band_from_zero() -> None:
    bands = [{"label_th": b.label_th, "label_en": b.label_en, "min_total": b.min_total} for b in RATING]
    assert check_bands(bands) == []
    assert check_bands(bands[:-1]) == ["ระดับต่ำสุดต้องเริ่มที่คะแนน 0 (ตอนนี้เริ่มที่ 50)"]
    assert check_bands([*bands, {"label_th": "ผ่าน", "label_en": "", "min_total": 60}]) == [
        "ชื่อระดับ (ไทย) «ผ่าน» ซ้ำกัน: แต่ละระดับต้องมีชื่อไม่ซ้ำ"]


def test_same_value_compares_as_stored() -> None:
    assert same_value(30, 30.0) and same_value(Rhythm.MONTHLY, "monthly") and same_value(None, None)
    assert not same_value(True, 1.0) and not same_value(None, "") and not same_value(85.0, 85.5)
