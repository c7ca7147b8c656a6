"""Contacts of people and logins: an e-mail address and a LINE user id, both checked before they
are stored, so a reminder never goes to an address that cannot exist.

Why a module of its own: the plan's people (``services.plan.save_person``), the logins
(``services.accounts``) and the people import all store the same two fields and must refuse the
same mistakes with the same Thai message naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

EMAIL_TH = "อีเมล"
LINE_TH = "LINE user id"
# one @, no spaces, a dotted domain whose last label has two or more letters
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
# a LINE Messaging API user id: "U" and 32 hexadecimal digits
LINE_USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
MAX_EMAIL = 254


def email_error(value: str) -> str | None:
    """The Thai reason ``value`` is no e-mail address, or None (blank means none given)."""
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_EMAIL or EMAIL_RE.fullmatch(text) is None:
        return f"{EMAIL_TH} “{text[:80]}” ไม่ถูกต้อง (ตัวอย่าง name@example.go.th)"
    return None


def line_user_id_error(value: str) -> str | None:
    """The Thai reason ``value`` is no LINE user id, or None (blank means none given)."""
    text = value.strip()
    if not text:
        return None
    if LINE_USER_ID_RE.fullmatch(text) is None:
        return (f"{LINE_TH} “{text[:80]}” ไม่ถูกต้อง (ต้องขึ้นต้นด้วย U ตามด้วยเลขฐานสิบหก 32 ตัว "
                "ไม่ใช่ LINE ID ที่ใช้ค้นหาเพื่อน)")
    return None


def clean_contacts(values: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The ``email`` / ``line_user_id`` given in ``values``, stripped, and the Thai errors found."""
    cleaned: dict[str, str] = {}
    errors: list[str] = []
    checks = {"email": email_error, "line_user_id": line_user_id_error}
    for field, check in checks.items():
        if field not in values:
            continue
        text = str(values[field] or "").strip()
        error = check(text)
        if error:
            errors.append(error)
        cleaned[field] = text
    return cleaned, errors
