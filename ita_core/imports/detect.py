"""Which layout a sheet has, where its header row is, and, when none fits, what is wrong.

A header matches when its cells equal a known layout's headers with white space ignored: the
station's plan (:data:`.plan_layout.PLAN_HEADERS`, extra columns may follow) or one of our
exports (``exports.COLUMNS``, Thai or English headers, exactly).
"""

from __future__ import annotations

import re

from ita_core.exports import COLUMNS
from ita_core.imports.export_layout import IMPORTABLE
from ita_core.imports.plan_layout import PLAN_HEADERS
from ita_core.sheet_reader import Cell, Problem, Sheet

HEADER_SEARCH_ROWS = 10  # title rows may sit above the header; it is looked for this far down


def _header(value: Cell) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def detect_layout(sheet: Sheet) -> tuple[str, int]:
    """The layout of a sheet and the index of its header row, or ``("", -1)``.

    The layout is ``"plan"`` or the name of an export table (``"activities"``, ``"people"``…).
    """
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cells = [_header(v) for v in row]
        if tuple(cells[:len(PLAN_HEADERS)]) == tuple(_header(h) for h in PLAN_HEADERS):
            return "plan", index
        for table, columns in COLUMNS.items():
            for lang_headers in ([k for k, _ in columns], [t for _, t in columns]):
                if cells == [_header(h) for h in lang_headers]:
                    return table, index
    return "", -1


def wrong_columns(sheet: Sheet) -> Problem:
    """Name the closest known layout and what its header row lacks or has too much."""
    best: tuple[int, int, str, list[str]] = (0, 0, "", [])
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cells = {_header(v) for v in row if v not in (None, "")}
        candidates = [("plan", list(PLAN_HEADERS))]
        candidates += [(t, [h for _, h in COLUMNS[t]]) for t in IMPORTABLE]
        candidates += [(t, [k for k, _ in COLUMNS[t]]) for t in IMPORTABLE]
        for name, wanted in candidates:
            hits = len(cells & {_header(h) for h in wanted})
            if hits > best[0]:
                best = (hits, index, name, wanted)
    hits, index, _name, wanted = best
    if hits == 0:
        return Problem("ไม่พบแถวหัวตารางที่รู้จัก: แผนแบบฟอร์มต้องมีคอลัมน์ " + " | ".join(PLAN_HEADERS)
                       + " (หรือใช้ไฟล์ที่ส่งออกจากระบบนี้)", sheet=sheet.name)
    found = [_header(v) for v in sheet.rows[index] if v not in (None, "")]
    missing = [h for h in wanted if _header(h) not in found]
    extra = [str(v) for v in sheet.rows[index] if v not in (None, "") and _header(v) not in
             {_header(h) for h in wanted}]
    parts = []
    if missing:
        parts.append("ขาดคอลัมน์ " + ", ".join(missing))
    if extra:
        parts.append("มีคอลัมน์ที่ไม่รู้จัก " + ", ".join(extra))
    if not parts:
        parts.append("ลำดับคอลัมน์ต้องเป็น " + " | ".join(wanted))
    return Problem("คอลัมน์ไม่ตรงแบบ: " + "; ".join(parts), sheet=sheet.name, row=index + 1)
