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

from ita_core import meeting, oit_matrix, plan, queries
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


def _row_items(rows: pd.DataFrame, assignments: pd.DataFrame, person_id: int, as_of: date,
               days: int) -> list[Item]:
    found = meeting.next_items(rows, assignments, person_id, as_of, days)
    return [Item(str(r["kind"]), str(r["ref"]), plan.shorten(str(r["title"]), 80),
                 _day(r["judged_due"]), int(r["days_late"]) > 0) for _, r in found.iterrows()]


def _publication_items(cells: pd.DataFrame, assignments: pd.DataFrame, person_id: int, as_of: date,
                       days: int) -> list[Item]:
    todo = oit_matrix.to_do(oit_matrix.cells_of(cells, assignments, person_id), as_of, days)
    late = oit_matrix.CellState.OVERDUE.value
    return [Item("publication", f"{r['code']} เดือน {r['label']}", plan.shorten(str(r["title"]), 60),
                 _day(r["due"]), r["state"] == late) for _, r in todo.iterrows()]


def _report_items(duties: list[Any], assignments: pd.DataFrame, rows: pd.DataFrame, person_id: int,
                  as_of: date, days: int) -> list[Item]:
    """The next report of each recurring duty on the person's activities within the window."""
    mine = assignments.loc[assignments["person_id"] == person_id, "activity_id"].dropna()
    activity_ids = {int(a) for a in mine}
    activities = rows[rows["kind"] == "activity"]
    refs = {int(r["id"]): (str(r["ref"]), str(r["title"])) for _, r in activities.iterrows()}
    items = []
    for duty in duties:
        if duty.activity_id not in activity_ids or duty.activity_id not in refs:
            continue
        upcoming = occurrences(duty, as_of, as_of + timedelta(days=days))
        if upcoming:
            ref, title = refs[duty.activity_id]
            what = f"{describe(duty)} · {plan.shorten(title, 60)}"
            items.append(Item("report", ref, what, upcoming[0], False))
    return items


def _day(value: Any) -> date:
    return value if isinstance(value, date) else pd.Timestamp(value).date()


def _contacts(session: Session, person: Person) -> tuple[str, str]:
    """The person's e-mail and LINE id, or those of a login tied to them when the person has none."""
    email, line = person.email, person.line_user_id
    if email and line:
        return email, line
    for user in session.exec(select(User).where(User.person_id == person.id, col(User.active).is_(True))):
        email, line = email or user.email, line or user.line_user_id
    return email, line


def digests(session: Session, *, station: Station, fiscal_year: int, as_of: date, days: int,
            settings: Settings) -> list[Digest]:
    """One digest per person of the station with something overdue or due within ``days``, by name."""
    station_id = stored_id(station)
    rows = plan.plan_rows(session, station_id, fiscal_year, as_of, settings)
    assignments = queries.assignments(session, station_id, fiscal_year)
    cells = oit_matrix.cells(session, station_id, fiscal_year, as_of)
    duties = [d for d in queries.recurring_duties(session, station_id, fiscal_year) if d.activity_id]
    link = person_link(settings.public_url, station.code, fiscal_year)
    found = []
    for person in queries.station_people(session, station_id):
        if person.kind != PersonKind.PERSON:
            continue
        pid = stored_id(person)
        items = [*_row_items(rows, assignments, pid, as_of, days),
                 *_publication_items(cells, assignments, pid, as_of, days),
                 *_report_items(duties, assignments, rows, pid, as_of, days)]
        if not items:
            continue
        items.sort(key=lambda i: (not i.overdue, i.due, i.ref))
        email, line = _contacts(session, person)
        found.append(Digest(station_id, station.code, station.name_th, pid, person.name, email, line, as_of,
                            days, link, items))
    return found


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
