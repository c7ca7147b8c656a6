"""Evidence links, checked: assessors score an OIT item by following the station's URLs, so a dead
or moved link costs the item, and nobody notices until the results come.

:func:`link_targets` lists every evidence URL (activities, OIT items) and publication URL of a
station's year; :func:`check_urls` fetches them (HEAD, then GET when HEAD is refused; redirects
followed; a timeout; a few at a time; a polite User-Agent) with no database session open, and the
results are stored per URL (``LinkCheck``) through ``Writer.record_link_checks``. The pages and
the submission sheet read the latest answers back with :func:`latest_checks`.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.client import HTTPException
from urllib.parse import urlparse

import pandas as pd
from sqlmodel import Session, col, select

from ita_core.models import Activity, LinkCheck, OitItem, Publication
from ita_core.thai_dates import format_be_month

USER_AGENT = "ITA-plan-tracker/1.0 (evidence link check of a police station's ITA plan)"
WORKERS = 8  # links fetched at once: enough for 25 items × 12 months, gentle on one web server
HEAD_REFUSED = (405, 501)  # "method not allowed / not implemented": the server wants a GET


@dataclass(frozen=True)
class Word:
    """A word of the link check in both languages a reader may ask for (``--lang en``), so a
    state's Thai and English are written once, next to each other."""

    th: str
    en: str

    def in_lang(self, lang: str) -> str:
        return self.en if lang == "en" else self.th


# a link's state, as the OIT matrix, the meeting page and the ITAP sheet name it
BROKEN, NO_LINK = Word("ลิงก์เสีย", "broken"), Word("ไม่มีลิงก์", "no link")
GOOD, UNCHECKED = Word("ใช้ได้", "ok"), Word("ยังไม่ตรวจ", "not checked")
# why a fetch got no HTTP answer (``LinkCheck.error`` stores the Thai)
TIMEOUT = Word("หมดเวลา (timeout)", "timeout")
DNS = Word("ไม่พบชื่อโดเมน (DNS)", "DNS")
CONNECTION = Word("เชื่อมต่อไม่ได้ (connection)", "connection")
SSL = Word("ใบรับรอง SSL ไม่ถูกต้อง", "SSL")
NOT_WEB = Word("ไม่ใช่ลิงก์เว็บ (http/https)", "not http(s)")
_REASON_EN = {word.th: word.en for word in (TIMEOUT, DNS, CONNECTION, SSL, NOT_WEB)}


@dataclass(frozen=True)
class LinkTarget:
    """One URL where the plan keeps it: the row's code (ก3, O12), the month of a publication."""

    code: str
    url: str
    month: date | None = None
    kind: str = "oit_item"  # activity | oit_item | publication
    item_id: int | None = None  # the OIT item (of an item's evidence or a publication)


@dataclass(frozen=True)
class LinkResult:
    """What one fetch found: ``ok`` for a final answer 2xx/3xx; else ``error`` says why, in Thai."""

    url: str
    ok: bool
    status_code: int | None = None
    error: str = ""
    elapsed_ms: int | None = None
    final_url: str = ""
    checked_at: datetime | None = None


def link_targets(session: Session, station_id: int, fiscal_year: int) -> list[LinkTarget]:
    """Every non-empty evidence and publication URL of a station's year, activities first (plan
    order), then OIT items by number with their months in order."""
    targets: list[LinkTarget] = []
    for activity in session.exec(
        select(Activity).where(Activity.station_id == station_id, Activity.fiscal_year == fiscal_year,
                               col(Activity.deleted_at).is_(None)).order_by(col(Activity.seq))
    ):
        if activity.evidence_url.strip():
            targets.append(LinkTarget(f"ก{activity.seq}", activity.evidence_url.strip(), kind="activity"))
    items = session.exec(
        select(OitItem).where(OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year,
                              col(OitItem.deleted_at).is_(None)).order_by(col(OitItem.number))
    ).all()
    publications: dict[int, list[Publication]] = {}
    for publication in session.exec(
        select(Publication)
        .where(Publication.station_id == station_id, Publication.fiscal_year == fiscal_year)
        .order_by(col(Publication.month))
    ):
        publications.setdefault(publication.item_id, []).append(publication)
    for item in items:
        if item.evidence_url.strip():
            targets.append(LinkTarget(item.code, item.evidence_url.strip(), item_id=item.id))
        for publication in publications.get(item.id or 0, []):
            if publication.url.strip():
                targets.append(LinkTarget(item.code, publication.url.strip(), month=publication.month,
                                          kind="publication", item_id=item.id))
    return targets


def _reason(error: BaseException) -> str:
    """A short Thai reason for a fetch that got no HTTP answer."""
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    if isinstance(error, (TimeoutError, socket.timeout)):
        return TIMEOUT.th
    if isinstance(error, socket.gaierror):
        return DNS.th
    if isinstance(error, ssl.SSLError):
        return SSL.th
    return CONNECTION.th


def _fetch(url: str, method: str, timeout: float) -> tuple[int, str]:
    """The final status and URL of one request, redirects followed (urllib keeps HEAD on them)."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), str(response.geturl())
    except urllib.error.HTTPError as answer:  # 4xx/5xx: an answer, not a failure to fetch
        answer.close()
        return int(answer.code), str(answer.geturl() or url)


def check_url(url: str, *, timeout: float) -> LinkResult:
    """Fetch one URL: HEAD, then GET when the server refuses HEAD (405/501, or drops the connection)."""
    checked_at = datetime.now(UTC).replace(microsecond=0)
    if urlparse(url).scheme not in ("http", "https"):
        return LinkResult(url, False, error=NOT_WEB.th, checked_at=checked_at)
    started = time.monotonic()
    try:
        try:
            status, final = _fetch(url, "HEAD", timeout)
            if status in HEAD_REFUSED:
                status, final = _fetch(url, "GET", timeout)
        except (ConnectionResetError, HTTPException):
            status, final = _fetch(url, "GET", timeout)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionResetError):
                raise
            status, final = _fetch(url, "GET", timeout)
    except (urllib.error.URLError, OSError, HTTPException, ValueError) as error:
        elapsed = round((time.monotonic() - started) * 1000)
        return LinkResult(url, False, error=_reason(error), elapsed_ms=elapsed, checked_at=checked_at)
    elapsed = round((time.monotonic() - started) * 1000)
    ok = 200 <= status < 400
    return LinkResult(url, ok, status_code=status, error="" if ok else f"HTTP {status}", elapsed_ms=elapsed,
                      final_url=final, checked_at=checked_at)


Progress = Callable[[int, int], None]  # (URLs checked so far, distinct URLs in all)


def check_urls(urls: Iterable[str], *, timeout: float, workers: int = WORKERS,
               on_progress: Progress | None = None) -> list[LinkResult]:
    """Each distinct URL fetched once, ``workers`` at a time; results in the order first given.

    ``on_progress(done, total)`` is called once before the first fetch (``0, total``) and after
    each URL, from the fetching threads but one call at a time with ``done`` rising, so a
    background check can show "ตรวจแล้ว 12 จาก 40 ลิงก์" while dead hosts time out."""
    distinct = list(dict.fromkeys(urls))
    total = len(distinct)
    if on_progress is not None:
        on_progress(0, total)
    if not distinct:
        return []
    lock = threading.Lock()
    done = 0

    def check(url: str) -> LinkResult:
        nonlocal done
        result = check_url(url, timeout=timeout)
        if on_progress is not None:
            with lock:
                done += 1
                on_progress(done, total)
        return result

    with ThreadPoolExecutor(max_workers=min(workers, total)) as pool:
        return list(pool.map(check, distinct))


def latest_checks(session: Session, station_id: int) -> dict[str, LinkCheck]:
    """URL → the station's latest check of it."""
    rows = session.exec(select(LinkCheck).where(LinkCheck.station_id == station_id)).all()
    return {row.url: row for row in rows}


def broken_urls(session: Session, station_id: int) -> set[str]:
    """The station's URLs whose latest check found them broken (4xx, 5xx, timeout, DNS …)."""
    return {url for url, check in latest_checks(session, station_id).items() if not check.ok}


def broken_targets(session: Session, station_id: int, fiscal_year: int, *,
                   checks: dict[str, LinkCheck] | None = None) -> list[LinkTarget]:
    """The year's evidence and publication links that are broken by their latest check
    (``checks``: the station's :func:`latest_checks`, when the caller has read them already)."""
    checks = latest_checks(session, station_id) if checks is None else checks
    broken = {url for url, check in checks.items() if not check.ok}
    if not broken:  # the usual case: no need to read every link of the year
        return []
    return [target for target in link_targets(session, station_id, fiscal_year) if target.url in broken]


def mark_broken(cells: pd.DataFrame, broken: set[str]) -> pd.DataFrame:
    """The OIT matrix's cells with ``broken``: True where the cell's link failed its last check
    (``oit_matrix.cell_text`` then says ลิงก์เสีย)."""
    return cells.assign(broken=cells["url"].fillna("").astype(str).str.strip().isin(broken))


def broken_lines(targets: list[LinkTarget], checks: dict[str, LinkCheck]) -> list[str]:
    """One short Thai line per broken link (code, month, reason, URL), for the meeting page."""
    lines = []
    for target in targets:
        check = checks.get(target.url)
        if check is not None and not check.ok:
            month = f" {month_text(target.month)}" if target.month else ""
            lines.append(f"{target.code}{month} · {check.error or BROKEN.th} · {target.url}")
    return lines


def status_text(result: LinkResult | LinkCheck | None, lang: str = "th") -> str:
    """One word for a link's state: ``200``, ``HTTP 404 ลิงก์เสีย``, ``หมดเวลา (timeout) ลิงก์เสีย``,
    ``ยังไม่ตรวจ`` (English with ``lang="en"``: ``broken``, ``not checked``)."""
    if result is None:
        return UNCHECKED.in_lang(lang)
    if result.ok:
        return str(result.status_code)
    reason = result.error
    if lang == "en":
        reason = f"HTTP {result.status_code}" if result.status_code else _REASON_EN.get(reason, reason)
    return f"{reason} {BROKEN.in_lang(lang)}"


def month_text(month: date | None) -> str:
    """A publication's month in BE (``ต.ค. 66``), empty for an item's own evidence."""
    return format_be_month(month.year, month.month) if month else "-"
