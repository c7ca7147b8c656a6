"""Officers' writes: progress of their rows, OIT components ticked, monthly publications.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from ita_core.auth import Actor
from ita_core.models import (
    OitComponent,
    OitItem,
    Publication,
    Status,
)
from ita_core.permissions import PermissionDenied, require_assigned, require_station
from ita_core.recurring import first_of_month, item_required_months
from ita_core.services.core import (
    TABLES,
    Saved,
    ValidationFailed,
    _save_keyed,
    _snapshot,
    _valid_url,
    _write,
)
from ita_core.thai_dates import format_be_month

PROGRESS_FIELDS = ("status", "progress", "note", "evidence_url")




def validate_progress(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """Check status, percent and evidence; return the cleaned values (done means 100 %)."""
    errors, clean = [], dict(values)
    if "status" in clean and clean["status"] not in set(Status):
        errors.append(f"สถานะ {clean['status']!r} ไม่ถูกต้อง")
    if "progress" in clean:
        try:
            clean["progress"] = int(clean["progress"])
        except (TypeError, ValueError):
            errors.append("ความคืบหน้าต้องเป็นตัวเลข 0–100")
        else:
            if not 0 <= clean["progress"] <= 100:
                errors.append("ความคืบหน้าต้องอยู่ระหว่าง 0 ถึง 100")
    if "evidence_url" in clean:
        clean["evidence_url"] = (clean["evidence_url"] or "").strip()
        if clean["evidence_url"] and not _valid_url(clean["evidence_url"]):
            errors.append("ลิงก์หลักฐานต้องขึ้นต้นด้วย http:// หรือ https:// และเป็นที่อยู่เว็บที่ถูกต้อง")
    if "note" in clean:
        clean["note"] = (clean["note"] or "").strip()
    if table == "oit_item" and clean.get("status") == Status.DONE and not clean.get("evidence_url"):
        errors.append("ข้อมูล OIT จะนับว่าเสร็จได้ต้องมีลิงก์หลักฐาน (ผู้ประเมินตรวจจากลิงก์)")
    if errors:
        raise ValidationFailed(errors)
    if clean.get("status") == Status.DONE:
        clean["progress"] = 100
    return clean


def update_progress(session: Session, actor: Actor, table: str, row_id: int, expected_version: int,
                    changes: dict[str, Any], source: str = "form", *, at: datetime | None = None) -> Saved:
    """Status, percent, note and evidence URL of an activity or OIT item (``at``: see ``_write``)."""
    if table not in TABLES:
        raise ValidationFailed([f"ไม่รู้จักตาราง {table!r}"])
    unknown = set(changes) - set(PROGRESS_FIELDS)
    if unknown:
        raise PermissionDenied(f"แบบฟอร์มนี้แก้ได้เฉพาะสถานะ ความคืบหน้า หมายเหตุ และลิงก์หลักฐาน ({unknown})")
    require_assigned(session, actor, table=table, row_id=row_id)
    row = session.get(TABLES[table], row_id)
    merged = {**(_snapshot(row, PROGRESS_FIELDS) if row else {}), **changes}
    clean = validate_progress(table, merged)
    stored = {k: clean[k] for k in {*changes, *(("progress",) if "status" in changes else ())}}
    return _write(session, actor, TABLES[table], row_id, expected_version, stored, source, at=at)


def set_component_done(session: Session, actor: Actor, component_id: int, expected_version: int,
                       done: bool, source: str = "form") -> Saved:
    """Tick or untick one required component of an OIT item."""
    component = session.get(OitComponent, component_id)
    if component is None:
        raise ValidationFailed([f"ไม่พบองค์ประกอบ {component_id}"])
    require_assigned(session, actor, table="oit_item", row_id=component.item_id)
    item = session.get(OitItem, component.item_id)
    require_station(actor, item.station_id if item else None)
    return _write(session, actor, OitComponent, component_id, expected_version, {"done": bool(done)}, source)


def set_publication(session: Session, actor: Actor, item_id: int, month: date, done: bool, url: str,
                    expected_version: int | None = None, note: str = "", source: str = "form") -> Saved:
    """Tick (or untick) one cell of the OIT publication matrix: the item published for ``month``.

    Officers assigned to the item and admins may; a ticked cell needs the link of what was
    published (assessors check it), and only months the item's rhythm requires can be ticked.
    """
    item = session.get(OitItem, item_id)
    if item is None or item.deleted_at is not None:
        raise ValidationFailed([f"ไม่พบข้อมูล OIT รหัส {item_id}"])
    require_assigned(session, actor, table="oit_item", row_id=item_id)
    require_station(actor, item.station_id)
    month = first_of_month(month)
    url = (url or "").strip()
    errors = []
    if month not in item_required_months(session, item):
        errors.append(f"{item.code} ไม่ต้องเผยแพร่ในเดือน {format_be_month(month.year, month.month)} "
                      "ตามรอบที่กำหนดในแผน")
    if done and not url:
        errors.append(f"{item.code} เดือน {format_be_month(month.year, month.month)}: ต้องใส่ลิงก์ของข้อมูลที่"
                      "เผยแพร่ (ผู้ประเมินตรวจจากลิงก์)")
    if url and not _valid_url(url):
        errors.append("ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https:// และเป็นที่อยู่เว็บที่ถูกต้อง")
    if errors:
        raise ValidationFailed(errors)
    existing = session.exec(select(Publication).where(Publication.item_id == item_id,
                                                      Publication.month == month)).first()
    note = (note or "").strip()
    changes: dict[str, Any] = {"done": bool(done), "url": url, "note": note}
    return _save_keyed(
        session, actor, existing, expected_version, changes,
        lambda: Publication(station_id=item.station_id, fiscal_year=item.fiscal_year, item_id=item_id,
                            month=month, done=bool(done), url=url, note=note),
        ("item_id", "month", "done", "url", "note"), source)
