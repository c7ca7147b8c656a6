"""Background jobs of the web app: work too slow for a page request runs in a worker thread.

The evidence link check fetches every URL of a station's year; with dead hosts that is the
link timeout (10 s) times a few batches, far too long to hold a page request. The OIT matrix's
"🔗 ตรวจลิงก์" button therefore only *starts* a :class:`LinkCheckJob` here and the page polls its
progress ("ตรวจแล้ว 12 จาก 40 ลิงก์").

Rules the worker keeps, because it runs outside any Streamlit script run:

- it gets plain values only (the engine, a frozen :class:`~ita_core.auth.Actor` snapshot, the
  station id, the year, the timeout) and never touches ``st.session_state``;
- it opens its own sessions: one short read to list the links, none while fetching, and one
  transaction that stores the results through ``Writer.record_link_checks`` (so the check is
  permission-checked and audited like the CLI's);
- the registry is process-wide and guarded by a lock, so at most one check runs per station and
  year however many browsers press the button; a finished job stays until the next one starts,
  so every page of that station and year can show its summary.

This module does not import Streamlit, so the registry is tested without a page.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import links
from ita_core.auth import Actor
from ita_core.db import session_scope
from ita_core.permissions import PermissionDenied
from ita_core.services import ValidationFailed
from ita_core.services.writer import Writer

SOURCE = "form"  # the audit trail's channel: the check was started from a page
FAILED_TH = ("ตรวจลิงก์ไม่สำเร็จ: เกิดข้อผิดพลาดระหว่างตรวจหรือบันทึกผลลงฐานข้อมูล"
             " — ผลครั้งนี้ไม่ได้บันทึก กด “ตรวจลิงก์” อีกครั้ง หรือแจ้งผู้ดูแลระบบ")
log = logging.getLogger("ita.jobs")

Key = tuple[int, int]  # (station id, fiscal year)


@dataclass(frozen=True)
class JobState:
    """A copy of a job's progress, safe to read while the worker goes on.

    ``total`` is None until the links are listed; ``checked``/``broken`` are set when finished
    without ``error`` (a Thai message saying what failed)."""

    job_id: int
    done: int = 0
    total: int | None = None
    finished: bool = False
    checked: int = 0
    broken: int = 0
    error: str = ""

    @property
    def progress_text(self) -> str:
        """The line the page shows while the check runs."""
        if self.total is None:
            return "กำลังรวบรวมลิงก์ของปีนี้ …"
        return f"ตรวจแล้ว {self.done} จาก {self.total} ลิงก์"

    @property
    def fraction(self) -> float:
        """How far the check is, 0–1, for a progress bar."""
        return self.done / self.total if self.total else 0.0

    @property
    def summary_text(self) -> str:
        """The line the page shows when the check is done (empty while it runs or after an error)."""
        if not self.finished or self.error:
            return ""
        return f"ตรวจลิงก์เสร็จแล้ว: ตรวจ {self.checked} ลิงก์ · ลิงก์เสีย {self.broken}"


class LinkCheckJob:
    """One link check of a station's year, run by :func:`start_link_check` in its own thread."""

    def __init__(self, key: Key, job_id: int) -> None:
        self.key = key
        self._lock = threading.Lock()
        self._state = JobState(job_id)
        self.thread: threading.Thread | None = None

    def state(self) -> JobState:
        """The job's progress now (a frozen copy)."""
        with self._lock:
            return self._state

    def join(self, timeout: float | None = None) -> JobState:
        """Wait for the worker to end (tests, and a server shutting down); returns the final state."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.state()

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)

    def _progress(self, done: int, total: int) -> None:
        """The ``on_progress`` callback of :func:`ita_core.links.check_urls` (from its threads)."""
        self._update(done=done, total=total)

    def run(self, *, engine: Engine, actor: Actor, timeout: float) -> None:
        """The worker's body: list the links, fetch them with no session open, store the results."""
        station_id, fiscal_year = self.key
        try:
            with Session(engine) as session:
                urls = [target.url for target in links.link_targets(session, station_id, fiscal_year)]
            results = links.check_urls(urls, timeout=timeout, on_progress=self._progress)
            with session_scope(engine) as session:
                Writer(session, actor, SOURCE).record_link_checks(station_id=station_id, results=results)
        except PermissionDenied as exc:
            self._update(finished=True, error=str(exc))
        except ValidationFailed as exc:
            self._update(finished=True, error=" · ".join(exc.errors))
        except Exception:  # a worker has no page to show a traceback on: log it, tell the page in Thai
            log.exception("link check of station %s, year %s failed", station_id, fiscal_year)
            self._update(finished=True, error=FAILED_TH)
        else:
            self._update(finished=True, checked=len(results), broken=sum(not r.ok for r in results))


_jobs: dict[Key, LinkCheckJob] = {}
_jobs_lock = threading.Lock()
_ids = itertools.count(1)


def link_check_job(station_id: int, fiscal_year: int) -> LinkCheckJob | None:
    """The running or last finished check of a station's year in this process, if any."""
    with _jobs_lock:
        return _jobs.get((station_id, fiscal_year))


def start_link_check(*, engine: Engine, actor: Actor, station_id: int, fiscal_year: int,
                     timeout: float) -> tuple[LinkCheckJob, bool]:
    """Start a check of the year's links in a worker thread, unless one is running for this
    station and year: then that one is returned. ``(job, started)`` says which."""
    key = (station_id, fiscal_year)
    with _jobs_lock:
        running = _jobs.get(key)
        if running is not None and not running.state().finished:
            return running, False
        job = LinkCheckJob(key, next(_ids))
        job.thread = threading.Thread(target=job.run, kwargs={"engine": engine, "actor": actor,
                                                              "timeout": timeout},
                                      name=f"link-check-{station_id}-{fiscal_year}", daemon=True)
        _jobs[key] = job
        job.thread.start()
    return job, True


def forget_finished() -> None:
    """Drop the finished jobs (a restarted server starts with none; tests start each from none).
    A running job is kept, so its thread is never orphaned from the registry."""
    with _jobs_lock:
        for key in [key for key, job in _jobs.items() if job.state().finished]:
            del _jobs[key]
