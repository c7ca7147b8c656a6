"""Reminder digests: per person, what is overdue and what is due within N days, sent by e-mail or
LINE so people who never open the dashboard still hear of their work (``ita remind``).

A digest covers the person's activities and OIT items (``meeting.next_items``), the monthly
publications of the OIT items they own (``oit_matrix.to_do`` of their cells) and the next report
of each recurring duty on their activities (``recurring.occurrences``), in Thai with BE dates and
a link to their page (``ITA_PUBLIC_URL``). Building digests reads only; :func:`send` talks to the
mail server or LINE and never puts a password or token in what it returns.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import pandas as pd
from sqlmodel import Session, col, select

from ita_core import meeting, oit_matrix, plan, queries, workload
from ita_core.db import stored_id
from ita_core.models import Person, PersonKind, Station, User
from ita_core.recurring import describe, occurrences
from ita_core.settings import Settings
from ita_core.thai_dates import format_be

KIND_TH = {"activity": "กิจกรรม", "oit_item": "ข้อมูล OIT", "publication": "เผยแพร่รายเดือน",
           "report": "รายงานประจำ"}
DEFAULT_DAYS = 7  # "due within N days" when nobody says otherwise (``ita remind --days``, the admin preview)
LINE_TEXT_LIMIT = 5000
SMTP_TIMEOUT_S = 30


@dataclass(frozen=True)
class Item:
    """One line of a digest: what (kind, code, title), when it is due and whether it is late."""

    kind: str
    ref: str
    title: str
    due: date
    overdue: bool

    def text(self) -> str:
        when = f"เลยกำหนด {format_be(self.due)}" if self.overdue else f"กำหนด {format_be(self.due)}"
        return f"- [{KIND_TH[self.kind]}] {self.ref} {self.title} ({when})"


@dataclass(frozen=True)
class Digest:
    """What one person is reminded of at one station and date, and where it can go."""

    station_id: int
    station_code: str
    station_name: str
    person_id: int
    name: str
    email: str
    line_user_id: str
    as_of: date
    days: int
    link: str
    items: list[Item] = field(default_factory=list)

    @property
    def overdue(self) -> list[Item]:
        return [item for item in self.items if item.overdue]

    @property
    def due_soon(self) -> list[Item]:
        return [item for item in self.items if not item.overdue]

    def subject(self) -> str:
        return (f"แจ้งเตือนงาน ITA {self.station_name}: เลยกำหนด {len(self.overdue)} รายการ "
                f"ใกล้ครบกำหนด {len(self.due_soon)} รายการ")

    def text(self) -> str:
        lines = [f"เรียน {self.name}", "",
                 f"งาน ITA ของท่านที่{self.station_name} ณ วันที่ {format_be(self.as_of)}"]
        if self.overdue:
            lines += ["", f"เลยกำหนด ({len(self.overdue)} รายการ)", *(i.text() for i in self.overdue)]
        if self.due_soon:
            lines += ["", f"ครบกำหนดภายใน {self.days} วัน ({len(self.due_soon)} รายการ)",
                      *(i.text() for i in self.due_soon)]
        if self.link:
            lines += ["", f"ดูและบันทึกความคืบหน้า: {self.link}"]
        return "\n".join(lines)

    def digest_hash(self) -> str:
        """Identifies the content, so the same digest is recognised on a second run the same day."""
        return hashlib.sha256(self.text().encode()).hexdigest()[:32]

    def summary(self) -> str:
        """A short record of what was sent (codes only), for ``ReminderSent.result``."""
        refs = ", ".join(f"{i.ref}" for i in self.items)
        return f"เลยกำหนด {len(self.overdue)} ใกล้ครบ {len(self.due_soon)}: {refs}"[:300]


def person_link(public_url: str, station_code: str, fiscal_year: int) -> str:
    """The person's own page in the app, or "" when ``ITA_PUBLIC_URL`` is not set."""
    if not public_url.strip():
        return ""
    return f"{public_url.rstrip('/')}/my_items?{urlencode({'station': station_code, 'fy': fiscal_year})}"


def _row_items(rows: pd.DataFrame, assignments: pd.DataFrame, as_of: date,
               days: int) -> dict[int, list[Item]]:
    """Each person's overdue and soon-due activities and OIT items (``meeting.next_items``), from
    one pass over every assignment joined with the plan rows: a row once per person, sorted as
    ``next_items`` sorts one person's (a pass per person took most of the preview's time)."""
    held = workload.assigned_rows(assignments, rows).drop_duplicates(["person_id", "kind", "id"])
    found: dict[int, list[Item]] = {}
    for r in meeting.next_of(held, as_of, days).to_dict("records"):
        found.setdefault(int(r["person_id"]), []).append(Item(
            str(r["kind"]), str(r["ref"]), plan.shorten(str(r["title"]), 80), _day(r["judged_due"]),
            int(r["days_late"]) > 0))
    return found


def _publication_items(cells: pd.DataFrame, as_of: date, days: int) -> tuple[list[int], list[Item]]:
    """The station's monthly publications to act on (``oit_matrix.to_do`` of every cell, by due
    date) as items, with the OIT item id of each; a person's are those of the items they own."""
    todo = oit_matrix.to_do(cells, as_of, days)
    late = oit_matrix.CellState.OVERDUE.value
    items = [Item("publication", f"{r['code']} เดือน {r['label']}", plan.shorten(str(r["title"]), 60),
                  _day(r["due"]), r["state"] == late) for r in todo.to_dict("records")]
    return [int(i) for i in todo["item_id"]], items


def _report_items(duties: list[Any], rows: pd.DataFrame, as_of: date, days: int) -> list[tuple[int, Item]]:
    """The next report within the window of each recurring duty of an activity, with the
    activity's id: a person is reminded of those of the activities they hold."""
    activities = rows[rows["kind"] == "activity"]
    refs = {int(r["id"]): (str(r["ref"]), str(r["title"])) for r in activities.to_dict("records")}
    found = []
    for duty in duties:
        if duty.activity_id not in refs:
            continue
        upcoming = occurrences(duty, as_of, as_of + timedelta(days=days))
        if upcoming:
            ref, title = refs[duty.activity_id]
            what = f"{describe(duty)} · {plan.shorten(title, 60)}"
            found.append((duty.activity_id, Item("report", ref, what, upcoming[0], False)))
    return found


def _holdings(assignments: pd.DataFrame) -> dict[int, tuple[set[int], set[int]]]:
    """Person id → (the OIT items, the activities) they hold in any role (``queries.assignments``)."""
    found: dict[int, tuple[set[int], set[int]]] = {}
    for person_id, activity_id, item_id in zip(assignments["person_id"], assignments["activity_id"],
                                               assignments["oit_item_id"], strict=True):
        if pd.isna(person_id):
            continue
        items, activities = found.setdefault(int(person_id), (set(), set()))
        if not pd.isna(item_id):
            items.add(int(item_id))
        if not pd.isna(activity_id):
            activities.add(int(activity_id))
    return found


def _day(value: Any) -> date:
    return value if isinstance(value, date) else pd.Timestamp(value).date()


def _contacts(session: Session, people: list[Person]) -> dict[int, tuple[str, str]]:
    """Each person's e-mail and LINE id, or those of an active login tied to them (the first by id)
    when the person has none: one read of the logins of all of them."""
    found = {stored_id(p): (p.email, p.line_user_id) for p in people}
    missing = [pid for pid, (email, line) in found.items() if not (email and line)]
    if missing:
        logins = select(User).where(col(User.person_id).in_(missing), col(User.active).is_(True))
        for user in session.exec(logins.order_by(col(User.id))):
            pid = int(user.person_id or 0)
            email, line = found[pid]
            found[pid] = (email or user.email, line or user.line_user_id)
    return found


def digests(session: Session, *, station: Station, fiscal_year: int, as_of: date, days: int,
            settings: Settings) -> list[Digest]:
    """One digest per person of the station with something overdue or due within ``days``, by name.

    Each station-year table is read once and each kind of item is worked out once for the whole
    station, then shared out by person (the admin page previews every digest on one run)."""
    station_id = stored_id(station)
    rows = plan.plan_rows(session, station_id, fiscal_year, as_of, settings)
    assignments = queries.assignments(session, station_id, fiscal_year)
    all_duties = queries.recurring_duties(session, station_id, fiscal_year)
    cells = oit_matrix.cells(session, station_id, fiscal_year, as_of, duties=all_duties)
    row_items = _row_items(rows, assignments, as_of, days)
    cell_item_ids, publications = _publication_items(cells, as_of, days)
    reports = _report_items([d for d in all_duties if d.activity_id], rows, as_of, days)
    holdings = _holdings(assignments)
    link = person_link(settings.public_url, station.code, fiscal_year)
    listed = []
    for person in queries.station_people(session, station_id):
        if person.kind != PersonKind.PERSON:
            continue
        pid = stored_id(person)
        own_items, own_activities = holdings.get(pid, (set(), set()))
        items = [*row_items.get(pid, []),
                 *(item for item, of in zip(publications, cell_item_ids, strict=True) if of in own_items),
                 *(item for activity_id, item in reports if activity_id in own_activities)]
        if items:
            items.sort(key=lambda i: (not i.overdue, i.due, i.ref))
            listed.append((person, items))
    contacts = _contacts(session, [person for person, _ in listed])
    return [Digest(station_id, station.code, station.name_th, stored_id(person), person.name,
                   *contacts[stored_id(person)], as_of, days, link, items) for person, items in listed]


def station_digests(session: Session, *, station_id: int, fiscal_year: int, as_of: date,
                    days: int = DEFAULT_DAYS, settings: Settings) -> list[Digest]:
    """:func:`digests` of a station named by its id (the admin page's preview knows only the id);
    none when the station does not exist."""
    station = session.get(Station, station_id)
    if station is None:
        return []
    return digests(session, station=station, fiscal_year=fiscal_year, as_of=as_of, days=days,
                   settings=settings)


# --- sending -------------------------------------------------------------------------------------

class SendError(RuntimeError):
    """A digest could not be sent; the message is safe to print (no password or token)."""


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (and its URL-decoded form) replaced by ***."""
    for secret in secrets:
        for form in {secret, unquote(secret)}:
            if form:
                text = text.replace(form, "***")
    return text


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def send_email(digest: Digest, settings: Settings) -> str:
    """Send ``digest`` to its e-mail address over ``ITA_SMTP_URL``; a short result line."""
    url = settings.smtp_url.get_secret_value()
    parts = urlsplit(url)
    secrets = [parts.password or "", url]
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SendError("ITA_SMTP_URL ต้องเป็น smtp://ผู้ใช้:รหัสผ่าน@โฮสต์:587 หรือ smtps://…:465")
    if not settings.smtp_from:
        raise SendError("ยังไม่ได้ตั้ง ITA_SMTP_FROM (อีเมลผู้ส่ง)")
    host, loopback = parts.hostname, _is_loopback(parts.hostname)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = digest.subject(), settings.smtp_from, digest.email
    message.set_content(digest.text())
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT_S,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, parts.port or 587, timeout=SMTP_TIMEOUT_S)
        with client:
            client.ehlo()
            if parts.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            elif parts.scheme == "smtp" and not loopback:
                raise SendError(f"เซิร์ฟเวอร์อีเมล {host} ไม่รองรับ STARTTLS: ไม่ส่งรหัสผ่านและข้อความโดยไม่เข้ารหัส "
                                "(ใช้ smtps:// หรือเซิร์ฟเวอร์บนเครื่องเดียวกัน)")
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except SendError:
        raise
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(redact(f"ส่งอีเมลไม่สำเร็จ ({type(error).__name__}: {error})", secrets)) from None
    return f"ส่งอีเมลถึง {digest.email} แล้ว"


def send_line(digest: Digest, settings: Settings) -> str:
    """Push ``digest`` to its LINE user id (LINE Messaging API); a short result line."""
    token = settings.line_channel_token.get_secret_value()
    if not token:
        raise SendError("ยังไม่ได้ตั้ง ITA_LINE_CHANNEL_TOKEN")
    body = json.dumps({"to": digest.line_user_id,
                       "messages": [{"type": "text", "text": digest.text()[:LINE_TEXT_LIMIT]}]}).encode()
    request = urllib.request.Request(f"{settings.line_api_url.rstrip('/')}/v2/bot/message/push", data=body,
                                     method="POST", headers={"Authorization": f"Bearer {token}",
                                                             "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=SMTP_TIMEOUT_S) as answer:  # a setting
            status = answer.status
    except urllib.error.HTTPError as error:
        raise SendError(redact(f"LINE ตอบ {error.code}: {error.read()[:200].decode(errors='replace')}",
                               [token])) from None
    except OSError as error:
        raise SendError(redact(f"ติดต่อ LINE ไม่ได้ ({type(error).__name__}: {error})", [token])) from None
    return f"ส่ง LINE ถึง {digest.line_user_id} แล้ว (HTTP {status})"


def address_of(digest: Digest, channel: str) -> str:
    """Where ``digest`` goes on ``channel`` ("" when the person has no such contact)."""
    return digest.email if channel == "email" else digest.line_user_id


def send(digest: Digest, channel: str, settings: Settings) -> str:
    """Send one digest on ``channel``; raises :class:`SendError` with a printable reason."""
    return send_email(digest, settings) if channel == "email" else send_line(digest, settings)
