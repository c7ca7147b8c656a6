"""The ITA secretary's writes: survey respondent counts and scores; admins' survey quotas and
past years' results.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.models import (
    Assignment,
    Phase,
    ScoreHistory,
    ScoreInput,
    SurveyCount,
    SurveyQuota,
)
from ita_core.permissions import Action, require, require_station
from ita_core.services.core import (
    Saved,
    ValidationFailed,
    _as_whole_numbers,
    _delete_as_seen,
    _save_keyed,
    _snapshot,
    _whole_number,
    _write,
    create_row,
    hard_delete,
)
from ita_core.thai_dates import fiscal_year_bounds

QUOTA_FIELDS = ("tool", "department", "min_respondents", "note")


SURVEY_TOOLS = ("EIT", "IIT")


def record_survey_count(session: Session, actor: Actor, quota_id: int, day: date, collected: Any,
                        expected_version: int | None = None, note: str = "", source: str = "form") -> Saved:
    """Respondents collected on ``day`` for one quota row (a second entry for the same day replaces
    the first). A day outside the tool's collection window is kept with a warning."""
    require(actor, Action.RECORD_SURVEY)
    quota = session.get(SurveyQuota, quota_id)
    if quota is None:
        raise ValidationFailed([f"ไม่พบโควตาผู้ตอบแบบวัด รหัส {quota_id}"])
    require_station(actor, quota.station_id)
    errors = []
    try:
        count = int(collected)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= 100_000:
        errors.append(f"{quota.tool} {quota.department}: จำนวนผู้ตอบต้องเป็นจำนวนเต็ม 0 ขึ้นไป (ได้รับ {collected!r})")
    start, end = fiscal_year_bounds(quota.fiscal_year)
    if not start <= day <= end:
        errors.append(f"วันที่ {day.isoformat()} อยู่นอกปีงบประมาณ {quota.fiscal_year}")
    if errors:
        raise ValidationFailed(errors)
    window = session.exec(select(Phase).where(Phase.station_id == quota.station_id,
                                              Phase.fiscal_year == quota.fiscal_year,
                                              Phase.kind == f"{quota.tool.lower()}_collection")).first()
    existing = session.exec(select(SurveyCount).where(SurveyCount.quota_id == quota_id,
                                                      SurveyCount.day == day)).first()
    note = (note or "").strip()
    changes: dict[str, Any] = {"collected": count, "note": note}
    saved = _save_keyed(
        session, actor, existing, expected_version, changes,
        lambda: SurveyCount(station_id=quota.station_id, fiscal_year=quota.fiscal_year, quota_id=quota_id,
                            day=day, collected=count, note=note),
        ("quota_id", "day", "collected", "note"), source)
    if window is not None and not window.start <= day <= window.end:
        saved.warnings.append(f"วันที่ {day.isoformat()} อยู่นอกช่วงเก็บข้อมูล {quota.tool} "
                              f"({window.start.isoformat()} ถึง {window.end.isoformat()})")
    return saved


def _scores(values: dict[str, Any], fields: tuple[str, ...],
            required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Scores 0–100 (two decimals) or None; Thai errors name the field."""
    errors: list[str] = []
    clean: dict[str, float | None] = {}
    for name in fields:
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if name in required:
                errors.append(f"ต้องระบุคะแนน {name.upper()}")
            clean[name] = None
            continue
        try:
            score = round(float(raw), 2)
        except (TypeError, ValueError):
            errors.append(f"คะแนน {name.upper()} ต้องเป็นตัวเลข (ได้รับ {raw!r})")
            continue
        if not 0 <= score <= 100:
            errors.append(f"คะแนน {name.upper()} ต้องอยู่ระหว่าง 0 ถึง 100 (ได้รับ {raw!r})")
        clean[name] = score
    if errors:
        raise ValidationFailed(errors)
    return clean


def save_score_input(session: Session, actor: Actor, station_id: int, fiscal_year: int,
                     values: dict[str, Any], expected_version: int | None = None,
                     source: str = "form") -> Saved:
    """The IIT and EIT scores the projection uses this year (entered by the secretary) and their basis."""
    require(actor, Action.RECORD_SURVEY, station_id=station_id)
    changes = {**_scores(values, ("iit", "eit")), "basis": (values.get("basis") or "").strip()}
    existing = session.exec(select(ScoreInput).where(ScoreInput.station_id == station_id,
                                                     ScoreInput.fiscal_year == fiscal_year)).first()
    return _save_keyed(session, actor, existing, expected_version, changes,
                       lambda: ScoreInput(station_id=station_id, fiscal_year=fiscal_year, **changes),
                       ("iit", "eit", "basis"), source)


def save_score_history(session: Session, actor: Actor, station_id: int, fiscal_year: Any,
                       values: dict[str, Any], expected_version: int | None = None,
                       source: str = "form") -> Saved:
    """A past year's real ITA result of a station (as the NACC published it). Admins only."""
    require(actor, Action.EDIT_RESULTS, station_id=station_id)
    try:
        year = int(fiscal_year)
    except (TypeError, ValueError):
        year = 0
    if not 2550 <= year <= 2700:
        raise ValidationFailed([f"ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2566 (ได้รับ {fiscal_year!r})"])
    changes = {**_scores(values, ("iit", "eit", "oit", "total"), required=("total",)),
               "note": (values.get("note") or "").strip()}
    existing = session.exec(select(ScoreHistory).where(ScoreHistory.station_id == station_id,
                                                       ScoreHistory.fiscal_year == year)).first()
    return _save_keyed(session, actor, existing, expected_version, changes,
                       lambda: ScoreHistory(station_id=station_id, fiscal_year=year, **changes),
                       ("fiscal_year", "iit", "eit", "oit", "total", "note"), source)


def _check_quota(values: dict[str, Any]) -> list[str]:
    errors = []
    if "tool" in values and values["tool"] not in SURVEY_TOOLS:
        errors.append(f"เครื่องมือต้องเป็น EIT หรือ IIT (ได้รับ {values['tool']!r})")
    if "department" in values and not str(values["department"] or "").strip():
        errors.append("ต้องระบุฝ่าย (หรือ “รวมทั้งสถานี”)")
    if "min_respondents" in values and _whole_number(values["min_respondents"], 1, 100_000) is None:
        errors.append(f"จำนวนผู้ตอบขั้นต่ำต้องเป็นจำนวนเต็ม 1–100,000 (ได้รับ {values['min_respondents']!r})")
    return errors


def save_quota(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
               expected_version: int | None = None, source: str = "form", *, station_id: int | None = None,
               fiscal_year: int | None = None) -> Saved:
    """Create (``row_id`` None, with station and year) or edit a survey quota: the minimum number of
    EIT/IIT respondents of one department or of the whole station."""
    require(actor, Action.EDIT_PLAN)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in QUOTA_FIELDS}
    errors = _check_quota(clean)
    current = session.get(SurveyQuota, row_id) if row_id is not None else None
    if row_id is not None and current is None:
        errors.append(f"ไม่พบโควตา รหัส {row_id}")
    if not errors:
        scope = (current.station_id, current.fiscal_year) if current else (station_id, fiscal_year)
        merged = {**(_snapshot(current, QUOTA_FIELDS) if current else {}), **clean}
        same = session.exec(select(SurveyQuota.id).where(
            SurveyQuota.station_id == scope[0], SurveyQuota.fiscal_year == scope[1],
            SurveyQuota.tool == merged.get("tool"), SurveyQuota.department == merged.get("department"),
            SurveyQuota.id != (row_id or -1))).first()
        if same is not None:
            errors.append(f"มีโควตา {merged.get('tool')} ของ “{merged.get('department')}” อยู่แล้ว — แก้แถวเดิมแทน")
    if errors:
        raise ValidationFailed(errors)
    clean = _as_whole_numbers(clean, ("min_respondents",))
    if current is None:
        if set(QUOTA_FIELDS[:3]) - set(clean):
            raise ValidationFailed(["โควตาใหม่ต้องมีเครื่องมือ ฝ่าย และจำนวนขั้นต่ำ"])
        if station_id is None or fiscal_year is None:
            raise ValidationFailed(["โควตาใหม่ต้องระบุสถานีและปีงบประมาณ"])
        row = SurveyQuota(station_id=station_id, fiscal_year=fiscal_year, **clean)
        return create_row(session, actor, row, QUOTA_FIELDS, source)
    return _write(session, actor, SurveyQuota, stored_id(current), expected_version, clean, source)


def delete_quota(session: Session, actor: Actor, quota_id: int, expected_version: int,
                 source: str = "form") -> None:
    """Remove a quota nobody has counted against yet (counts keep their quota; the trail keeps it),
    and with it the assignments of its collectors (each deletion audited)."""
    def counted(quota: SurveyQuota) -> str | None:
        if session.exec(select(SurveyCount.id).where(SurveyCount.quota_id == quota_id).limit(1)).first():
            return (f"โควตา {quota.tool} “{quota.department}” มีจำนวนผู้ตอบบันทึกไว้แล้ว จึงลบไม่ได้ "
                    "— แก้จำนวนขั้นต่ำแทน")
        # the quota is the one the user saw and may go: its collectors go first
        for held in session.exec(select(Assignment).where(Assignment.survey_quota_id == quota_id)).all():
            hard_delete(session, actor, held, ("person_id", "role", "survey_quota_id", "note"), source,
                        quota.station_id)
        session.flush()
        return None

    _delete_as_seen(session, actor, Action.EDIT_PLAN, SurveyQuota, quota_id, expected_version, QUOTA_FIELDS,
                    source, missing=f"ไม่พบโควตา รหัส {quota_id}", refuse=counted)
