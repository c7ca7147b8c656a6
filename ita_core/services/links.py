"""The link check's write: the latest answer per evidence URL of a station (``LinkCheck``).

The fetching happens before, outside any transaction (``ita_core.links.check_urls``); this only
stores what was found. A URL's row is replaced by its newest check; the audit trail records what
a check changed (status, ok, reason, final URL), not the time and speed of every run.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from ita_core import audit
from ita_core.auth import Actor
from ita_core.links import LinkResult
from ita_core.models import LinkCheck, Station
from ita_core.permissions import Action, require
from ita_core.services.core import ValidationFailed, _now, create_row

AUDITED = ("url", "status_code", "ok", "error", "final_url")


def _apply(row: LinkCheck, result: LinkResult) -> None:
    row.checked_at = result.checked_at or _now()
    row.status_code, row.ok, row.error = result.status_code, result.ok, result.error
    row.elapsed_ms, row.final_url = result.elapsed_ms, result.final_url


def record_link_checks(session: Session, actor: Actor, station_id: int, results: Sequence[LinkResult],
                       source: str = "form") -> int:
    """Store each result as the station's latest check of its URL; returns how many were stored."""
    require(actor, Action.CHECK_LINKS, station_id=station_id)
    if session.get(Station, station_id) is None:
        raise ValidationFailed([f"ไม่พบสถานี รหัส {station_id}"])
    stored = session.exec(select(LinkCheck).where(LinkCheck.station_id == station_id))
    existing = {row.url: row for row in stored}
    for result in results:
        row = existing.get(result.url)
        if row is None:
            row = LinkCheck(station_id=station_id, url=result.url)
            _apply(row, result)
            create_row(session, actor, row, AUDITED, source)
            existing[result.url] = row
            continue
        before = {name: getattr(row, name) for name in AUDITED}
        _apply(row, result)
        session.add(row)
        session.flush()
        audit.record_changes(session, actor=actor.username, source=source, table="link_check",
                             row_id=row.id or 0, before=before,
                             after={name: getattr(row, name) for name in AUDITED}, station_id=station_id)
    return len(results)
