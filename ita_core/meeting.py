"""The monthly ITA meeting: what changed since a date, what is due next, and a LINE summary.

`ita status` prints the same indicator lines the LINE summary carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd

from ita_core.plan import Kpis, is_open
from ita_core.status import OVERALL_EN, OVERALL_TH, Light, done_of_rated
from ita_core.thai_dates import format_be

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


def _by_due(rows: pd.DataFrame) -> pd.DataFrame:
    """Soonest first; ties in plan order (activities, then OIT items)."""
    return rows.sort_values(["judged_due", "kind", "id"])


def became_overdue(rows: pd.DataFrame, since: date, as_of: date) -> pd.DataFrame:
    """Open rows whose due date passed between ``since`` and ``as_of``."""
    due = _due(rows)
    return _by_due(rows[(rows["light"] == Light.OVERDUE) & (due >= since) & (due < as_of)])


def completed_since(rows: pd.DataFrame, since: date, as_of: date) -> pd.DataFrame:
    """Rows marked done from ``since`` up to the end of ``as_of`` (by their last update)."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    updated = pd.to_datetime(rows["updated_at"], utc=True)
    done = (rows["light"] == Light.DONE) & (updated >= start) & (updated < end)
    return rows[done].sort_values("updated_at")


def upcoming(rows: pd.DataFrame, as_of: date, days: int = 30) -> pd.DataFrame:
    """Open rows due from ``as_of`` up to ``days`` ahead, soonest first."""
    due = _due(rows)
    return _by_due(rows[is_open(rows["light"]) & (due >= as_of) & (due <= as_of + timedelta(days=days))])


def bullets(rows: pd.DataFrame, limit: int = 8) -> str:
    """Up to ``limit`` rows as Markdown bullets (code and title), then how many more."""
    shown: Iterable[Any] = rows.head(limit).itertuples()  # pandas types a row's fields as any scalar
    lines = [f"- {r.ref} {r.title[:70]}" for r in shown]
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
                 due_next: pd.DataFrame, top_people: pd.DataFrame) -> str:
    """Plain Thai text to paste into the station's LINE group."""
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
    if len(due_next):
        due_rows: Iterable[Any] = due_next.head(10).itertuples()
        lines += ["", "ครบกำหนดใน 30 วัน:"]
        lines += [f"- {r.ref} {r.title[:60]} ({format_be(r.judged_due)})" for r in due_rows]
    if len(top_people):
        people: Iterable[Any] = top_people.itertuples()
        lines += ["", "ผู้รับผิดชอบงานค้างมากที่สุด:"]
        lines += [f"- {r.name}: ค้าง {r.open} (เลยกำหนด {r.overdue})" for r in people]
    if kpis.days_to_next_phase is not None:
        lines += ["", f"อีก {kpis.days_to_next_phase} วัน เริ่มขั้นตอน: {kpis.next_phase}"]
    return "\n".join(lines)
