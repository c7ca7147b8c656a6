"""Load the default plan from the CSV files in ``data/`` into an empty database.

The CSVs are the reviewable transcription of the station's FY 2567 plan (see
``data/README.md`` and ``data/NOTES.md``). Loading is all-or-nothing: any bad row stops the
load with its file, row and column, and nothing is written.
"""

from __future__ import annotations

import csv
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypedDict, TypeVar

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from ita_core import models
from ita_core.db import session_scope, stored_id, upgrade_schema
from ita_core.framework import Band
from ita_core.people import name_index, normalise_name
from ita_core.quotas import ASSUMED_MARK
from ita_core.thai_dates import DueKind, parse_due

log = logging.getLogger(__name__)
MONTHLY_DUTIES = (models.DutyKind.DAY_OF_MONTH, models.DutyKind.MONTH_END)
PlanRow = TypeVar("PlanRow", models.Activity, models.OitItem)
E = TypeVar("E", bound=StrEnum)


class _Scope(TypedDict):
    """The station and year every plan row of the seed belongs to."""

    station_id: int
    fiscal_year: int


class _Due(TypedDict):
    due_date: date | None
    due_text: str
    due_kind: DueKind


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message names file, row and column."""


@dataclass
class SeedReport:
    """What a load wrote, and the due phrases it kept verbatim because it could not read them."""

    counts: dict[str, int] = field(default_factory=dict)
    unparsed_dates: list[str] = field(default_factory=list)


def read_csv(data_dir: Path, name: str) -> list[dict[str, str]]:
    """Rows of ``data_dir/name`` as dicts; row numbers in errors count the header as row 1."""
    path = data_dir / name
    if not path.exists():
        raise SeedError(f"ไม่พบไฟล์ข้อมูลตั้งต้น {name} / seed file {name} is missing")
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _numbered(data_dir: Path, name: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The rows of a seed file, each with the place an error names: ``<file> แถว <n>`` (header = row 1)."""
    for number, row in enumerate(read_csv(data_dir, name), start=2):
        yield f"{name} แถว {number}", row


def _optional_date(value: str, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise SeedError(f"{where}: วันที่ {value!r} ไม่ใช่รูปแบบ YYYY-MM-DD / bad ISO date") from exc


def _optional_int(value: str, where: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise SeedError(f"{where}: {value!r} ไม่ใช่ตัวเลข / not a number") from exc


def _id(row: models.Station | models.Person | models.Activity | models.OitItem) -> int:
    """The id of a row already flushed: the database has given it one."""
    assert row.id is not None, f"{type(row).__name__} not flushed"
    return row.id


def _due(row: dict[str, str], where: str, fiscal_year: int, report: SeedReport) -> _Due:
    """Due date, text and kind of a plan row; an explicit ``due_date`` overrides the parser."""
    parsed = parse_due(row["due_text"], fiscal_year)
    override = _optional_date(row.get("due_date", ""), f"{where}, คอลัมน์ due_date")
    if override is not None:
        return {"due_date": override, "due_text": row["due_text"], "due_kind": DueKind.DATE}
    if parsed.kind == DueKind.UNPARSED:
        report.unparsed_dates.append(f"{where}: {row['due_text']!r}")
        log.warning("unparsed due date kept verbatim: %s: %r", where, row["due_text"])
    return {"due_date": parsed.date, "due_text": parsed.text, "due_kind": parsed.kind}


def _member(enum: type[E], row: dict[str, str], column: str, where: str) -> E:
    """The enum value a seed cell names, or a SeedError naming the file, row and column."""
    try:
        return enum(row[column])
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise SeedError(f"{where}, คอลัมน์ {column}: ค่า {row[column]!r} ไม่ถูกต้อง (ใช้ได้: {allowed}) / "
                        "unknown value") from None


def _load_reference(session: Session, data_dir: Path) -> None:
    """Fiscal years, indicators and sub-indicators: shared by every station; added if absent."""
    for row in read_csv(data_dir, "fiscal_years.csv"):
        session.merge(models.FiscalYear(be_year=int(row["fiscal_year"]),
                                        start=date.fromisoformat(row["start"]),
                                        end=date.fromisoformat(row["end"])))
    for number, row in enumerate(read_csv(data_dir, "indicators.csv"), start=2):
        tool = _member(models.Tool, row, "tool", f"indicators.csv แถว {number}")
        session.merge(models.Indicator(number=int(row["number"]), name_th=row["name_th"], tool=tool))
    for row in read_csv(data_dir, "sub_indicators.csv"):
        session.merge(models.SubIndicator(code=row["code"], indicator=int(row["indicator"]),
                                          name_th=row["name_th"]))
    session.flush()


def _load_people(session: Session, data_dir: Path, station: models.Station) -> dict[str, models.Person]:
    people = [
        models.Person(station_id=_id(station), name=row["name"], rank=row["rank"], position=row["position"],
                      kind=_member(models.PersonKind, row, "kind", f"people.csv แถว {number}"),
                      note=row["note"],
                      variants=[v.strip() for v in row["variants"].split("|") if v.strip()])
        for number, row in enumerate(read_csv(data_dir, "people.csv"), start=2)
    ]
    session.add_all(people)
    session.flush()
    return name_index(people)


def _assign(
    rows: list[dict[str, str]], file: str, key: str, targets: dict[str, int], target_field: str,
    names: dict[str, models.Person], scope: _Scope,
) -> list[models.Assignment]:
    out = []
    for number, row in enumerate(rows, start=2):
        where = f"{file} แถว {number}"
        person = names.get(normalise_name(row["name_as_written"]))
        if person is None:
            raise SeedError(f"{where}, คอลัมน์ name_as_written: ไม่รู้จักชื่อ {row['name_as_written']!r} "
                            f"ใน people.csv / unknown name")
        if row[key] not in targets:
            raise SeedError(f"{where}, คอลัมน์ {key}: ไม่พบรายการ {row[key]!r} / unknown row")
        role = _member(models.AssignmentRole, row, "role", where)
        out.append(models.Assignment(**scope, person_id=_id(person), role=role, note=row.get("note", ""),
                                     **{target_field: targets[row[key]]}))
    return out


def load_seed(session: Session, data_dir: Path) -> SeedReport:
    """Write the seed plan of ``data_dir`` into ``session`` (the caller commits)."""
    report = SeedReport()
    _load_reference(session, data_dir)
    (station_row,) = read_csv(data_dir, "station.csv")
    station_fields: dict[str, Any] = dict(station_row)  # the columns of station.csv are Station's
    station = models.Station(**station_fields)
    session.add(station)
    session.flush()
    fiscal_year = int(read_csv(data_dir, "fiscal_years.csv")[0]["fiscal_year"])
    scope = _Scope(station_id=_id(station), fiscal_year=fiscal_year)
    names = _load_people(session, data_dir, station)

    def plan_row(model: type[PlanRow], where: str, row: dict[str, str], texts: tuple[str, ...],
                 **typed: int) -> PlanRow:
        """A measures or OIT row: the scope and due date every plan row has, the ``texts`` columns
        as they stand in the file, and the ``typed`` values read from it."""
        fields: dict[str, Any] = {**{name: row[name] for name in texts}, **typed}
        return model(**scope, **_due(row, where, fiscal_year, report), **fields)

    activities = [
        plan_row(models.Activity, where, row, ("issue", "activity", "output", "awareness", "cadence_text",
                                               "responsible_text"),
                 seq=int(row["seq"]), indicator=int(row["indicator"]))
        for where, row in _numbered(data_dir, "activities.csv")
    ]
    items = [
        plan_row(models.OitItem, where, row, ("code", "sub_indicator", "group_heading", "title",
                                              "rhythm_text", "responsible_text"),
                 number=int(row["code"].lstrip("O")))
        for where, row in _numbered(data_dir, "oit_items.csv")
    ]
    session.add_all([*activities, *items])
    session.flush()
    activity_ids = {str(a.seq): _id(a) for a in activities}
    item_ids = {i.code: _id(i) for i in items}

    session.add_all(
        models.OitComponent(item_id=item_ids[row["item_code"]], seq=int(row["seq"]), text=row["text"])
        for row in read_csv(data_dir, "oit_components.csv")
    )
    session.add_all(_assign(read_csv(data_dir, "activity_assignments.csv"), "activity_assignments.csv",
                            "activity_seq", activity_ids, "activity_id", names, scope))
    session.add_all(_assign(read_csv(data_dir, "oit_assignments.csv"), "oit_assignments.csv",
                            "item_code", item_ids, "oit_item_id", names, scope))
    session.add_all(
        models.PlanIssue(**scope, indicator=int(row["indicator"]), seq=int(row["seq"]), text=row["text"])
        for row in read_csv(data_dir, "plan_issues.csv")
    )
    for where, row in _numbered(data_dir, "recurring_duties.csv"):
        owner = activity_ids if row["owner_type"] == "activity" else item_ids
        target = "activity_id" if row["owner_type"] == "activity" else "oit_item_id"
        session.add(models.RecurringDuty(
            **scope, **{target: owner[row["owner_ref"]]}, kind=_member(models.DutyKind, row, "kind", where),
            day=_optional_int(row["day"], where), interval_days=_optional_int(row["interval_days"], where),
            start=_optional_date(row["start"], where), end=_optional_date(row["end"], where),
            text=row["text"],
        ))
    for row in read_csv(data_dir, "phases.csv"):
        session.add(models.Phase(
            **scope, seq=int(row["seq"]), stage=row["stage"], step=row["step"], kind=row["kind"],
            name=row["name"], description=row["description"], start=date.fromisoformat(row["start"]),
            end=date.fromisoformat(row["end"]), period_text=row["period_text"],
            responsible_text=row["responsible_text"],
        ))
    quotas = [
        models.SurveyQuota(**scope, tool=_member(models.Tool, row, "tool", f"survey_quotas.csv แถว {number}"),
                           department=row["department"], min_respondents=int(row["min_respondents"]),
                           note=row["note"])
        for number, row in enumerate(read_csv(data_dir, "survey_quotas.csv"), start=2)
    ]
    session.add_all(quotas)
    session.flush()
    # the collectors of each department's respondents: a quota is named by its tool and department
    quota_ids = {f"{q.tool} {q.department}": stored_id(q) for q in quotas}
    collectors = [{**row, "quota": f"{row['tool']} {row['department']}"}
                  for row in read_csv(data_dir, "survey_assignments.csv")]
    session.add_all(_assign(collectors, "survey_assignments.csv", "quota", quota_ids, "survey_quota_id",
                            names, scope))
    session.flush()
    _framework_from_plan(session, station_id=_id(station), fiscal_year=fiscal_year, data_dir=data_dir)
    tables = (models.Activity, models.OitItem, models.OitComponent, models.Person, models.Assignment,
              models.RecurringDuty, models.Phase, models.SurveyQuota, models.PlanIssue)
    for model in tables:
        report.counts[str(model.__tablename__)] = session.exec(select(func.count()).select_from(model)).one()
    return report


def is_empty(session: Session) -> bool:
    """True when no station has been loaded yet."""
    return session.exec(select(func.count()).select_from(models.Station)).one() == 0


def ensure_database(engine: Engine, data_dir: Path) -> SeedReport | None:
    """Migrate the schema and, on a database without stations, load the seed plan.

    Returns the load report, or None when the database already held a plan.
    """
    upgrade_schema(engine)
    with session_scope(engine) as session:
        if not is_empty(session):
            return None
        report = load_seed(session, data_dir)
    log.info("seed loaded from %s: %s", data_dir, report.counts)
    return report


# --- the framework of the seed's year (ita_core.framework reads it) ---------------------------------

def _default_scoring(data_dir: Path, fiscal_year: int) -> tuple[models.Framework, list[models.RatingBand]]:
    """The scoring rule of ``fiscal_year`` from ``data/scoring.csv`` and the bands of its scheme from
    ``data/rating_bands.csv`` (both say which values are sourced and which assumed)."""
    rules = {int(row["fiscal_year"]): row for row in read_csv(data_dir, "scoring.csv")}
    if fiscal_year not in rules:
        raise SeedError(f"scoring.csv: ไม่มีเกณฑ์ของปี {fiscal_year} / no scoring rule for that year")
    rule = rules[fiscal_year]
    framework = models.Framework(
        fiscal_year=fiscal_year, scheme=models.ScoringScheme(rule["scheme"]),
        weight_iit=float(rule["weight_iit"]),
        weight_eit=float(rule["weight_eit"]), weight_oit=float(rule["weight_oit"]),
        pass_mark=float(rule["pass_mark"]), source_note=rule["source_note"])
    bands = [
        models.RatingBand(fiscal_year=fiscal_year, seq=seq, label_th=band.label_th, label_en=band.label_en,
                          min_total=band.min_total, min_each_tool=band.min_each_tool)
        for seq, band in enumerate(shipped_bands(data_dir, rule["scheme"]), start=1)
    ]
    return framework, bands


@functools.cache
def shipped_bands(data_dir: Path, scheme: str) -> tuple[Band, ...]:
    """The bands of ``scheme`` (rating or letter) in ``data_dir/rating_bands.csv``, highest first,
    read once per folder: the one place the labels' thresholds live (the seed's framework, and the
    letters of past results of a year without a framework, :func:`ita_core.score.grade`)."""
    rows = sorted(((int(row["seq"]), row) for row in read_csv(data_dir, "rating_bands.csv")
                   if row["scheme"] == scheme), key=lambda pair: pair[0])
    if not rows:
        raise SeedError(f"rating_bands.csv: ไม่มีช่วงคะแนนของแบบ {scheme} / no bands for that scheme")
    return tuple(Band(row["label_th"], row["label_en"], float(row["min_total"]),
                      float(row["min_each_tool"]) if row["min_each_tool"] else None) for _, row in rows)


def _framework_from_plan(session: Session, *, station_id: int, fiscal_year: int, data_dir: Path) -> None:
    """Make the framework of ``fiscal_year`` from one station's plan of that year and link the
    station's OIT items to the catalogue: the catalogue is what the seed's plan lists, the scoring
    rule the default data, the survey minimums its quotas but the assumed ones (``ASSUMED_MARK``).
    Migration 0007 does the same for databases made before frameworks."""
    framework, bands = _default_scoring(data_dir, fiscal_year)
    session.add(framework)
    session.add_all(bands)
    year = {"fiscal_year": fiscal_year}
    session.add_all(models.FrameworkIndicator(**year, number=i.number, tool=i.tool, name_th=i.name_th)
                    for i in session.exec(select(models.Indicator)).all())
    session.add_all(models.FrameworkSubIndicator(**year, code=s.code, indicator=s.indicator,
                                                 name_th=s.name_th)
                    for s in session.exec(select(models.SubIndicator)).all())
    session.flush()
    requirements = {row["code"]: row["requirement_th"] for row in read_csv(data_dir, "oit_items.csv")}
    _catalogue_from_plan(session, station_id=station_id, fiscal_year=fiscal_year, requirements=requirements)
    scope = (col(models.Phase.station_id) == station_id, col(models.Phase.fiscal_year) == fiscal_year)
    session.add_all(models.FrameworkPhase(**year, seq=p.seq, kind=p.kind, name_th=p.name, start=p.start,
                                          end=p.end)
                    for p in session.exec(select(models.Phase).where(*scope)).all())
    quotas = session.exec(select(models.SurveyQuota).where(col(models.SurveyQuota.station_id) == station_id,
                                                    col(models.SurveyQuota.fiscal_year) == fiscal_year)).all()
    session.add_all(models.SurveyMinimum(fiscal_year=fiscal_year, tool=q.tool, department=q.department,
                                  min_respondents=q.min_respondents, note=q.note)
                    for q in quotas if not q.note.startswith(ASSUMED_MARK))  # a placeholder is no rule
    session.flush()


def _catalogue_from_plan(session: Session, *, station_id: int, fiscal_year: int,
                         requirements: dict[str, str]) -> None:
    """The OIT catalogue of ``fiscal_year``: the station's items, their components, and the
    NACC's notes for each code from ``requirements`` (data/oit_items.csv, requirement_th)."""
    items = session.exec(select(models.OitItem).where(col(models.OitItem.station_id) == station_id,
                                               col(models.OitItem.fiscal_year) == fiscal_year)
                         .order_by(col(models.OitItem.number))).all()
    monthly = set(session.exec(select(models.RecurringDuty.oit_item_id)
                               .where(col(models.RecurringDuty.kind).in_(MONTHLY_DUTIES))).all())
    for item in items:
        rhythm = models.Rhythm.MONTHLY if item.id in monthly else models.Rhythm.ONCE
        entry = models.CatalogueItem(fiscal_year=fiscal_year, code=item.code, number=item.number,
                              sub_indicator=item.sub_indicator, group_heading=item.group_heading,
                              title_th=item.title, requirement_th=requirements.get(item.code, ""),
                              rhythm=rhythm, deadline=item.due_text,
                              due_date=item.due_date)
        session.add(entry)
        session.flush()
        components = session.exec(select(models.OitComponent)
                                  .where(col(models.OitComponent.item_id) == stored_id(item))
                                  .order_by(col(models.OitComponent.seq))).all()
        session.add_all(models.CatalogueComponent(item_id=stored_id(entry), seq=c.seq, text_th=c.text)
                        for c in components)
        item.catalogue_item_id = stored_id(entry)
        session.add(item)
    session.flush()
