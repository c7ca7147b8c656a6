"""What a stored text may be: one rule for every text field, used by the write path and imports.

Why: without it a single 10-million-character note was stored (the database grew by 64 MB),
invisible control characters were kept, and a station code such as ``=cmd|…`` was accepted.
``services/core.py`` runs :func:`clean_values` on every value it inserts or updates, so every
service (forms, CLI, imports, rollover) gets the same limits; ``sheet_reader.RowReader.text``
runs :func:`clean_text` on each cell so an import names the sheet, row and column instead.

The rule, per value:

* Unicode is normalised to NFC (a Thai vowel typed in two orders is stored one way);
* ``\\r\\n`` and ``\\r`` become ``\\n``; every other control character (C0 except tab and newline,
  DEL, C1) is **dropped**, not refused: they are invisible, nobody types them on purpose and
  Excel cannot store them (the importer already took them off);
* in a one-line field (names, codes, URLs) a tab or newline becomes a space, and spaces at
  either end are taken off;
* a text longer than its kind's limit (:data:`LIMITS`) is **refused** with a Thai message naming
  the field and both lengths: cutting it would lose what the person wrote without a word;
* a station code must match :data:`STATION_CODE` (it appears in file names, URLs and CLI
  arguments), else it is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from enum import Enum
from typing import Any

# kind of field → (most characters, one line only)
LIMITS: dict[str, tuple[int, bool]] = {
    "code": (20, True),      # a station code (also STATION_CODE)
    "short": (200, True),    # names, ranks, positions, usernames, other codes and labels
    "url": (2_000, True),    # publication and evidence links
    "title": (1_000, False), # an activity, an OIT item's title, a due phrase
    "long": (5_000, False),  # notes, component texts, descriptions; any field not listed below
}
KIND_TH = {"code": "รหัส", "short": "ข้อความสั้น", "url": "ลิงก์", "title": "หัวข้อ", "long": "ข้อความยาว"}

SHORT_FIELDS = frozenset({
    "name", "rank", "position", "username", "name_th", "code", "province", "commander_rank",
    "commander_name", "commander_position", "department", "kind", "stage", "step", "label_th",
    "label_en", "sub_indicator", "station",
})
URL_FIELDS = frozenset({"evidence_url", "url"})
TITLE_FIELDS = frozenset({
    "activity", "issue", "output", "awareness", "title", "title_th", "due_text", "cadence_text",
    "rhythm_text", "period_text", "deadline", "group_heading", "basis",
})
# an import column's key → the field it is stored in
ALIASES = {"cadence": "cadence_text", "rhythm": "rhythm_text", "group": "group_heading",
           "responsible": "responsible_text"}

STATION_CODE = re.compile(r"[A-Za-z0-9_-]{2,20}")

# the Thai name of a field in a refusal (else the field's own name)
FIELD_TH = {
    "name": "ชื่อ", "rank": "ยศ", "position": "ตำแหน่ง", "username": "ชื่อผู้ใช้", "name_th": "ชื่อ",
    "code": "รหัส", "province": "จังหวัด", "department": "หน่วยงาน", "note": "หมายเหตุ",
    "evidence_url": "ลิงก์หลักฐาน", "url": "ลิงก์", "activity": "กิจกรรม", "issue": "ประเด็น",
    "output": "ผลผลิต", "awareness": "การสร้างการรับรู้", "title": "ข้อมูล", "title_th": "ชื่อรายการ",
    "due_text": "ระยะเวลาแล้วเสร็จ", "cadence_text": "ระยะเวลากำกับติดตาม", "rhythm_text": "รอบการรายงาน",
    "group_heading": "หมวด", "text": "ข้อความ", "description": "รายละเอียด",
    "responsible_text": "ผู้รับผิดชอบ", "station": "สถานี", "sub_indicator": "ตัวชี้วัดย่อย",
}

_DROPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n]")


class TextRefused(ValueError):
    """A text that cannot be stored; the message says why in Thai, naming the field."""


def kind_of(field: str, *, table: str = "") -> str:
    """The kind of limit (a key of :data:`LIMITS`) of a field, or of an import column's key."""
    name = ALIASES.get(field, field)
    if table == "station" and name == "code":
        return "code"
    if name in URL_FIELDS:
        return "url"
    if name in SHORT_FIELDS:
        return "short"
    if name in TITLE_FIELDS:
        return "title"
    return "long"


def field_th(field: str) -> str:
    """The field's name as a refusal shows it."""
    name = ALIASES.get(field, field)
    return FIELD_TH.get(name, name)


def clean_text(value: str, *, field: str, table: str = "") -> str:
    """``value`` as it is stored in ``field`` (see the module's rule); raises TextRefused."""
    kind = kind_of(field, table=table)
    limit, one_line = LIMITS[kind]
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = _DROPPED.sub("", text)
    if one_line:
        text = _LINE_BREAKS.sub(" ", text).strip()
    if kind == "code" and not STATION_CODE.fullmatch(text):
        raise TextRefused(f"รหัสสถานี {_quoted(text)} ใช้ไม่ได้: ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข - และ _ "
                          "ยาว 2–20 ตัว (เช่น chiangmai หรือ LPN01)")
    if len(text) > limit:
        raise TextRefused(f"ช่อง «{field_th(field)}» ยาว {len(text):,} ตัวอักษร เกินขีดจำกัด {limit:,} ตัวอักษร"
                          f" ({KIND_TH[kind]}): ย่อให้สั้นลง หรือเก็บรายละเอียดไว้ในไฟล์แล้วใส่ลิงก์")
    return text


def clean_values(table: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Every text of ``values`` cleaned for ``table``, and the Thai refusals (empty when all fit).

    Enum members (statuses, roles) are left as they are: they are not typed text."""
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for name, value in values.items():
        if isinstance(value, str) and not isinstance(value, Enum):
            try:
                value = clean_text(value, field=name, table=table)
            except TextRefused as refused:
                errors.append(str(refused))
        cleaned[name] = value
    return cleaned, errors


def _quoted(text: str) -> str:
    shown = text if len(text) <= 30 else text[:29] + "…"
    return f"«{shown}»"
