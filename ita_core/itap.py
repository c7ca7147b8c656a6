"""The submission sheet: at submission the web officer types each OIT item's URL(s) into the
NACC's ITAP system one by one; this sheet lists them in the system's order (O1 … O25), with what
the item must contain and who answers for it, and marks the rows that cannot go in as they are:
"ไม่มีลิงก์" (no link yet) and "ลิงก์เสีย" (the last check found it broken).

Built from the plan (``queries.oit_items``), the publications (the latest ticked month's link) and
the latest link checks (``ita_core.links``); written with ``exports.to_csv_bytes`` /
``to_xlsx_bytes`` and the columns below, so formula-looking text is quoted as in every export.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from ita_core import links, queries
from ita_core.exports import to_csv_bytes, to_xlsx_bytes
from ita_core.models import LinkCheck, Publication
from ita_core.plan import natural_key
from ita_core.thai_dates import format_be

TABLE = "itap"
COLUMNS: list[tuple[str, str]] = [
    ("code", "ข้อ"), ("sub_indicator", "ตัวชี้วัดย่อย"), ("title", "ข้อมูล"),
    ("urls", "ลิงก์ที่ต้องกรอก (URL)"), ("link_state", "สถานะลิงก์"), ("checked", "ตรวจลิงก์ล่าสุด"),
    ("components", "องค์ประกอบ"), ("responsible", "ผู้รับผิดชอบ"), ("due", "กำหนด"),
]
URL_SEPARATOR = "\n"  # one URL a line in a cell: each is copied into the system on its own

NO_LINK = {"th": links.NO_LINK_TH, "en": "no link"}
BROKEN = {"th": links.BROKEN_TH, "en": "broken"}
GOOD = {"th": "ใช้ได้", "en": "ok"}
UNCHECKED = {"th": "ยังไม่ตรวจ", "en": "not checked"}


def latest_publication_urls(session: Session, station_id: int, fiscal_year: int) -> dict[int, str]:
    """OIT item id → the link of its latest published (ticked) month that has one."""
    rows = session.exec(
        select(Publication.item_id, Publication.url)
        .where(Publication.station_id == station_id, Publication.fiscal_year == fiscal_year,
               col(Publication.done).is_(True), Publication.url != "")
        .order_by(col(Publication.month))
    ).all()
    return {item_id: url.strip() for item_id, url in rows if url.strip()}


def _checklists(session: Session, station_id: int, fiscal_year: int) -> dict[int, str]:
    """OIT item id → its components, numbered, one a line (what the officer checks before entering)."""
    parts = queries.components(session, station_id, fiscal_year)
    lines: dict[int, list[str]] = {}
    for item_id, seq, text in zip(parts["item_id"], parts["seq"], parts["text"], strict=True):
        lines.setdefault(int(item_id), []).append(f"{seq}. {text}")
    return {item_id: "\n".join(texts) for item_id, texts in lines.items()}


def _urls(evidence: object, published: str | None) -> list[str]:
    found = [str(evidence).strip() if isinstance(evidence, str) else "", (published or "").strip()]
    return list(dict.fromkeys(url for url in found if url))


def _state(urls: list[str], checks: dict[str, LinkCheck], lang: str) -> tuple[str, date | None]:
    """The row's mark and the day its links were last checked (the oldest of them)."""
    if not urls:
        return NO_LINK[lang], None
    known = [checks[url] for url in urls if url in checks]
    checked = min((c.checked_at.date() for c in known), default=None)
    broken = [c.url for c in known if not c.ok]
    if broken:
        return f"{BROKEN[lang]}: {' '.join(broken)}", checked
    if len(known) < len(urls):
        return UNCHECKED[lang], checked
    return GOOD[lang], checked


def itap_frame(session: Session, station_id: int, fiscal_year: int, lang: str = "th") -> pd.DataFrame:
    """One row per OIT item in code order with the :data:`COLUMNS` keys (dates as BE text)."""
    items = queries.oit_items(session, station_id, fiscal_year)
    published = latest_publication_urls(session, station_id, fiscal_year)
    checks = links.latest_checks(session, station_id)
    checklists = _checklists(session, station_id, fiscal_year)
    rows = []
    records: Iterable[Any] = items.itertuples()  # pandas types a row's fields as any scalar
    for item in records:
        urls = _urls(item.evidence_url, published.get(int(item.id)))
        state, checked = _state(urls, checks, lang)
        due = item.due_date if isinstance(item.due_date, date) else None
        rows.append({
            "code": item.code, "sub_indicator": item.sub_indicator, "title": item.title,
            "urls": URL_SEPARATOR.join(urls), "link_state": state, "checked": format_be(checked),
            "components": checklists.get(int(item.id), ""), "responsible": item.responsible,
            "due": format_be(due) if due else (item.due_text or ""),
        })
    frame = pd.DataFrame(rows, columns=[key for key, _ in COLUMNS])
    order = sorted(range(len(frame)), key=lambda i: natural_key(str(frame["code"].iloc[i])))
    return frame.iloc[order].reset_index(drop=True)


def itap_bytes(frame: pd.DataFrame, *, fmt: str, lang: str = "th", title: str = "") -> bytes:
    """The sheet as CSV (BOM, for Excel) or a styled xlsx; Thai headers, English keys under ``en``."""
    if fmt == "csv":
        return to_csv_bytes(frame, TABLE, lang, COLUMNS)
    return to_xlsx_bytes(frame, TABLE, lang, title or "ITAP", COLUMNS)


def itap_title(station_name: str, fiscal_year: int) -> str:
    """The sheet's title row."""
    return f"รายการลิงก์ OIT สำหรับกรอกในระบบ ITAP · {station_name} · ปีงบประมาณ {fiscal_year}"
