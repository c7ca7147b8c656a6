"""bench/generate.py: the national database holds exactly the rows a small run should make."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bench.generate import populate_national, table_counts
from bench.regions import PLACES, REGIONS, place_of, region_of
from ita_core.models import Activity, AuditLog, OitItem, Phase, Publication, Station


def test_regions_hold_every_province_once() -> None:
    provinces = [p for ps in REGIONS.values() for p in ps]
    assert len(provinces) == len(set(provinces)) == 77
    assert len(REGIONS) == 10 and set(REGIONS) == {"บช.น.", *(f"ภ.{n}" for n in range(1, 10))}
    assert region_of(1) == ("ภ.5", "เชียงใหม่")
    assert place_of(2) == ("R5-0002", "สภ.ทดสอบ 2 (ภ.5 เชียงราย)", "เชียงราย")
    assert sum(1 for region, _ in PLACES if region == "บช.น.") == 5


def test_three_stations_three_years_exact_counts(engine: Engine) -> None:
    populate_national(engine, 3)
    counts = table_counts(engine)
    # the seed station: 26 activities, 25 OIT items (128 components), 40 people, 204 assignments,
    # 43 recurring duties, 9 phases, 7 survey quotas per year; × 3 years × 3 stations (people × 3 stations)
    assert {name: counts[name] for name in ("station", "activity", "oit_item", "oit_component", "person",
                                            "assignment", "recurring_duty", "phase", "survey_quota",
                                            "publication", "fiscal_year", "framework")} == {
        "station": 3, "activity": 234, "oit_item": 225, "oit_component": 1152, "person": 120,
        "assignment": 1836, "recurring_duty": 387, "phase": 81, "survey_quota": 63,
        "publication": 2700, "fiscal_year": 3, "framework": 3}
    with Session(engine) as session:
        per_station = dict(session.execute(
            select(AuditLog.station_id, func.count()).where(AuditLog.station_id.is_not(None))  # type: ignore[union-attr]
            .group_by(AuditLog.station_id)).all())
        # 25 items × 12 months × 3 years × 2 fields + (25 items + 26 activities) × 3 years × 2 fields
        assert per_station == {1: 2106, 2: 2106, 3: 2106}
        stations = session.execute(
            select(Station.id, Station.code, Station.province).order_by(Station.id)).all()
        assert [tuple(s) for s in stations] == [(1, "chiangmai", "เชียงใหม่"), (2, "R5-0002", "เชียงราย"),
                                                (3, "R5-0003", "ลำพูน")]
        years = session.execute(select(Activity.fiscal_year, func.count()).where(Activity.station_id == 3)
                                .group_by(Activity.fiscal_year).order_by(Activity.fiscal_year)).all()
        assert [tuple(y) for y in years] == [(2567, 26), (2568, 26), (2569, 26)]
        first_phase = {row.fiscal_year: row.start for row in session.exec(  # type: ignore[call-overload]
            select(Phase).where(Phase.station_id == 2, Phase.seq == 1)).scalars()}
        assert first_phase == {2567: date(2023, 10, 1), 2568: date(2024, 10, 1), 2569: date(2025, 10, 1)}
        # every publication points at an OIT item of its own station and year
        mismatched = session.execute(
            select(func.count()).select_from(Publication).join(OitItem, Publication.item_id == OitItem.id)
            .where((OitItem.station_id != Publication.station_id)
                   | (OitItem.fiscal_year != Publication.fiscal_year))).scalar()
        assert mismatched == 0
