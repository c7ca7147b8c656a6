"""The monthly ITA meeting: what is late now and whose it is, what changed since a date, what is
due next, and a LINE summary.

`ita status` prints the same indicator lines the LINE summary carries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ita_core.plan import Kpis, is_open, natural_key
from ita_core.status import OVERALL_EN, OVERALL_TH, Light, done_of_rated
from ita_core.thai_dates import format_be
from ita_core.workload import rows_of

LIGHT_EN = {"green": "green", "yellow": "yellow", "red": "red", "grey": "grey"}
LIGHT_TH = {"green": "🟢 เขียว", "yellow": "🟡 เหลือง", "red": "🔴 แดง", "grey": "⚪ เทา"}

# English names of the ten ITA indicators (data/indicators.csv has the Thai names only; the
# framework is the same for every station, so the translation lives with the code, by number).
INDICATOR_EN = {
    1: "Performance of duties", 2: "Use of budget", 3: "Use of authority",
    4: "Use of government property", 5: "Corruption problem solving", 6: "Quality of operations",
    7: "Communication efficiency", 8: "Improvement of work systems", 9: "Disclosure of information",
    10: "Corruption prevention",
}


def _due(rows: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(rows["judged_due"]).dt.date


def _positions(rows: pd.DataFrame, where: pd.Series | None) -> list[int]:
    return list(range(len(rows))) if where is None else np.flatnonzero(where.to_numpy(dtype=bool)).tolist()


def _by_due(rows: pd.DataFrame, where: pd.Series | None = None) -> pd.DataFrame:
    """The rows (those ``where`` is true) soonest first, no date last; ties in plan order
    (activities, then OIT items). Sorted in Python and taken once: each pandas step on the plan's
    twenty-odd columns costs more than the sort itself (issue 18)."""
    due, kind, ids = rows["judged_due"].tolist(), rows["kind"].tolist(), rows["id"].tolist()

    def key(i: int) -> tuple[bool, date, str, int]:
        dated = isinstance(due[i], date)
        return not dated, due[i] if dated else date.min, str(kind[i]), int(ids[i])

    return rows.iloc[sorted(_positions(rows, where), key=key)]


def _oldest_first(rows: pd.DataFrame, where: pd.Series | None = None) -> pd.DataFrame:
    """The rows (those ``where`` is true) by due date, ties in plan order with codes read as
    numbers (O4 before O16); filtered and ordered in one take."""
    due, kind, ref = rows["judged_due"].tolist(), rows["kind"].tolist(), rows["ref"].tolist()
    return rows.iloc[sorted(_positions(rows, where),
                            key=lambda i: (str(due[i]), str(kind[i]), natural_key(str(ref[i]))))]


def _with_days_late(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``days_late``: days from the judged due date to ``as_of`` (negative: days still left)."""
    days = [(as_of - due).days if isinstance(due, date) else None for due in rows["judged_due"]]
    return rows.assign(days_late=pd.array(days, dtype="Int64"))


def late_now(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Every overdue row at ``as_of`` with its owners (``responsible``) and ``days_late``, oldest
    first: the commander's first question is what is late and whose it is, not only what became
    late since the last meeting."""
    return _with_days_late(_oldest_first(rows, rows["light"] == Light.OVERDUE), as_of)


def at_risk_now(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Every at-risk row at ``as_of`` with its owners and ``days_late`` (≤ 0: days left), soonest first."""
    return _with_days_late(_oldest_first(rows, rows["light"] == Light.AT_RISK), as_of)


def next_items(rows: pd.DataFrame, assignments: pd.DataFrame, person_id: int, as_of: date,
               days: int = 30) -> pd.DataFrame:
    """One officer's next work: the rows assigned to ``person_id`` that are overdue or open and
    due within ``days``, oldest first, each with ``days_late`` (what his home page lists)."""
    return next_of(rows_of(assignments, rows, person_id), as_of, days)


def next_of(mine: pd.DataFrame, as_of: date, days: int = 30) -> pd.DataFrame:
    """:func:`next_items` of rows already joined to their holders: one person's
    (``workload.rows_of``), or everyone's at once (``workload.assigned_rows``, a row once per
    person: the reminder digests of a whole station). Filter and order go row by row, so each
    person's rows come out as :func:`next_items` gives them."""
    due = _due(mine)
    soon = is_open(mine["light"]) & (due >= as_of) & (due <= as_of + timedelta(days=days))
    return _with_days_late(_oldest_first(mine, (mine["light"] == Light.OVERDUE) | soon), as_of)


def days_text(days_late: int) -> str:
    """Days late in Thai words: "เลยมา 45 วัน", "ครบกำหนดวันนี้", "อีก 4 วัน"."""
    if days_late > 0:
        return f"เลยมา {days_late} วัน"
    return "ครบกำหนดวันนี้" if days_late == 0 else f"อีก {-days_late} วัน"


NOBODY_TH = "— ยังไม่มีผู้รับผิดชอบ"
ATTENTION_COLUMNS = {"ref": "รหัส", "title": "เรื่อง", "owners": "ผู้รับผิดชอบ", "due": "กำหนด",
                     "days": "เลยกำหนด"}


def attention_table(rows: pd.DataFrame, days_header: str = "เลยกำหนด") -> pd.DataFrame:
    """Rows of :func:`late_now`, :func:`at_risk_now` or :func:`next_items` as the table a person
    reads: code, whole title, owners, BE due date and days in words (headed ``days_header``:
    "เหลือเวลา" where the rows are not late yet), Thai headers."""
    owners = ["" if pd.isna(v) else str(v).replace("; ", ", ") for v in rows["responsible"].tolist()]
    return pd.DataFrame({  # plain lists, headed in Thai at once: a third of the time of renaming Series
        ATTENTION_COLUMNS["ref"]: [str(v) for v in rows["ref"].tolist()],
        ATTENTION_COLUMNS["title"]: [str(v) for v in rows["title"].tolist()],
        ATTENTION_COLUMNS["owners"]: [owner or NOBODY_TH for owner in owners],
        ATTENTION_COLUMNS["due"]: [format_be(d) if isinstance(d, date) else "" for d in rows["judged_due"]],
        days_header: [days_text(int(d)) if pd.notna(d) else "" for d in rows["days_late"]],
    }, dtype="str")


def became_overdue(rows: pd.DataFrame, since: date, as_of: date) -> pd.DataFrame:
    """Open rows whose due date passed between ``since`` and ``as_of``."""
    due = _due(rows)
    return _by_due(rows, (rows["light"] == Light.OVERDUE) & (due >= since) & (due < as_of))


def completed_since(rows: pd.DataFrame, since: date, as_of: date) -> pd.DataFrame:
    """Rows marked done from ``since`` up to the end of ``as_of`` (by their last update)."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    updated = pd.to_datetime(rows["updated_at"], utc=True)
    done = (rows["light"] == Light.DONE) & (updated >= start) & (updated < end)
    return rows[done].sort_values("updated_at")


def upcoming(rows: pd.DataFrame, as_of: date, days: int = 30) -> pd.DataFrame:
    """Open rows due from ``as_of`` up to ``days`` ahead, soonest first, with ``days_late`` (≤ 0:
    the days left, for :func:`attention_table`)."""
    due = _due(rows)
    soon = is_open(rows["light"]) & (due >= as_of) & (due <= as_of + timedelta(days=days))
    return _with_days_late(_by_due(rows, soon), as_of)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")


def markdown_text(text: str) -> str:
    """``text`` from the plan or a person, escaped so Markdown shows it as typed: no emphasis,
    links, HTML, LaTeX (``$``) or Streamlit's ``:red[…]`` and ``:material/…:`` directives."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def bullets(rows: pd.DataFrame, limit: int = 8) -> str:
    """Up to ``limit`` rows as Markdown bullets (code and whole title, escaped), then how many more."""
    shown: Iterable[Any] = rows.head(limit).itertuples()  # pandas types a row's fields as any scalar
    lines = [f"- {markdown_text(r.ref)} {markdown_text(r.title)}" for r in shown]  # the page wraps titles
    if len(rows) > limit:
        lines.append(f"- … และอีก {len(rows) - limit} รายการ")
    return "\n".join(lines) or "ไม่มี"


def indicator_lines(indicators: pd.DataFrame, lang: str = "th") -> list[str]:
    """One line per indicator: number, name, light in words, done of rated rows (labelled).

    ``lang="en"`` gives English names and words, for a reader who does not read Thai.
    """
    english = lang == "en"
    colours, meanings = (LIGHT_EN, OVERALL_EN) if english else (LIGHT_TH, OVERALL_TH)
    lines = []
    records: Iterable[Any] = indicators.itertuples()  # pandas types a row's fields as any scalar
    for row in records:
        name = INDICATOR_EN.get(row.number, row.name_th) if english else row.name_th
        parts = [f"{row.number}. {name}", f"{colours[row.overall]} ({meanings[row.overall]})"]
        if row.overall != "grey":  # grey already says "nothing to rate"
            parts.append(done_of_rated(row.done, row.total - row.grey, lang))
        lines.append(" · ".join(parts))
    return lines


def line_summary(station: str, fiscal_year: int, as_of: date, kpis: Kpis, indicators: pd.DataFrame,
                 due_next: pd.DataFrame, top_people: pd.DataFrame, *,
                 late: pd.DataFrame | None = None) -> str:
    """Plain Thai text to paste into the station's LINE group. Titles are whole (LINE wraps them);
    ``late`` (:func:`late_now`) lists each overdue row with its owners and days late."""
    lines = [
        f"สรุปความคืบหน้า ITA {station} ปีงบประมาณ {fiscal_year}",
        f"ข้อมูล ณ {format_be(as_of)}",
        f"เสร็จแล้ว {kpis.done} รายการ ({kpis.percent_done:.0f}%) · เสี่ยงล่าช้า {kpis.at_risk} · "
        f"เลยกำหนด {kpis.overdue}",
        "",
        "ตัวชี้วัด:",
        *indicator_lines(indicators),
    ]
    # pandas types a row's fields as any scalar: the rows are read as Any
    if late is not None and len(late):
        late_rows: Iterable[Any] = late.itertuples()
        lines += ["", f"เลยกำหนด {len(late)} รายการ:"]
        lines += [f"- {r.ref} {r.title} ({days_text(int(r.days_late))} · ผู้รับผิดชอบ: "
                  f"{str(r.responsible).replace('; ', ', ') or NOBODY_TH})" for r in late_rows]
    if len(due_next):
        due_rows: Iterable[Any] = due_next.head(10).itertuples()
        lines += ["", "ครบกำหนดใน 30 วัน:"]
        lines += [f"- {r.ref} {r.title} ({format_be(r.judged_due)})" for r in due_rows]
    if len(top_people):
        people: Iterable[Any] = top_people.itertuples()
        lines += ["", "ผู้รับผิดชอบงานค้างมากที่สุด:"]
        lines += [f"- {r.name}: ค้าง {r.open} (เลยกำหนด {r.overdue})" for r in people]
    if kpis.days_to_next_phase is not None:
        lines += ["", f"อีก {kpis.days_to_next_phase} วัน เริ่มขั้นตอน: {kpis.next_phase}"]
    return "\n".join(lines)
