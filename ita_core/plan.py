"""The plan at an as-of date: activities and OIT items as one table of lit rows, and roll-ups.

This is what the overview, workload, timeline and meeting pages all read. It is built from a
fixed number of queries and one pandas pass, so it stays fast for many stations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from ita_core import queries
from ita_core.models import Activity, DutyKind, OitItem, RecurringDuty
from ita_core.recurring import next_or_last, occurrences
from ita_core.settings import Settings
from ita_core.status import Light, add_lights, rollup, rollup_by
from ita_core.thai_dates import fiscal_year_bounds, shift_year, to_arabic_digits

ROW_COLUMNS = [
    "kind", "id", "ref", "indicator", "sub_indicator", "title", "responsible", "due_date", "due_text",
    "start_date", "next_occurrence", "status", "progress", "evidence_url", "requires_evidence",
    "note", "version", "updated_at", "updated_by", "light",
]


def default_as_of(fiscal_year: int, today: date | None = None) -> date:
    """Today when it lies in the fiscal year, else that year's last day (or first, if ahead)."""
    today = today or date.today()
    start, end = fiscal_year_bounds(fiscal_year)
    return min(max(today, start), end)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: cut at the last space that keeps at
    least half of it, with "…", so a title never ends mid-word ("…ทำป้าย ปร"). Thai writes no
    space between words, only between phrases; a phrase longer than half the limit is cut
    before a base letter, never between a letter and its vowel or tone mark."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        return cut[:space].rstrip() + "…"
    end = len(cut)
    while end > 1 and unicodedata.category(text[end]).startswith("M"):  # a mark belongs to the letter before
        end -= 1
    return text[:end].rstrip() + "…"


def _first_line(text: str, limit: int = 140) -> str:
    line = next((part.strip("- ").strip() for part in text.splitlines() if part.strip("- ").strip()), "")
    return shorten(line, limit)


def natural_key(code: str) -> tuple[str | int, ...]:
    """Sort key for row codes that orders their numbers as numbers: O2 before O10, ก2 before
    ก10, 9.2 before 9.10. Thai digits count as digits (the plan mixes both systems).

    Text and numbers alternate from a text part (maybe empty), so any two keys compare."""
    parts = re.split(r"(\d+)", to_arabic_digits(code).strip().casefold())
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


def sort_by_code(rows: pd.DataFrame) -> pd.DataFrame:
    """Plan rows in plan order: activities (ก1, ก2 … ก26), then OIT items (O1, O2 … O25)."""
    keys = [(str(kind), natural_key(str(ref))) for kind, ref in zip(rows["kind"], rows["ref"], strict=True)]
    return rows.iloc[sorted(range(len(rows)), key=keys.__getitem__)]


def code_prefix(code: str) -> str:
    """The letters before a row code's number: "ก" of ก12, "O" of O7."""
    return re.split(r"\d", to_arabic_digits(code).strip(), maxsplit=1)[0]


KIND_TH = {"activity": "มาตรการ/กิจกรรมในแผนยกระดับ ITA ของสถานี (ลำดับในตารางมาตรการ)",
           "oit_item": "ข้อมูลที่ต้องเปิดเผยต่อสาธารณะตามแบบวัด OIT (ข้อตามปฏิทินกิจกรรม OIT)"}


def code_legend(rows: pd.DataFrame) -> list[str]:
    """What the row codes mean, from the prefixes the plan really holds ("ก1–ก26 (26 รายการ):
    มาตรการ/…"), so a reader meeting ก8 or O12 on a page knows what it is."""
    lines = []
    prefixes = rows.assign(prefix=rows["ref"].astype(str).map(code_prefix))
    for (kind, _prefix), group in prefixes.groupby(["kind", "prefix"], sort=True):
        codes = sorted(group["ref"].astype(str), key=natural_key)
        span = codes[0] if len(codes) == 1 else f"{codes[0]}–{codes[-1]}"
        lines.append(f"{span} ({len(codes)} รายการ): {KIND_TH.get(str(kind), str(kind))}")
    return lines


TOOL_WHO_TH = {"IIT": "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน: บุคลากรของสถานีตอบแบบสำรวจ",
               "EIT": "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก: ประชาชนผู้มาติดต่อตอบแบบสำรวจ",
               "OIT": "แบบวัดการเปิดเผยข้อมูลสาธารณะ: ผู้ประเมินตรวจข้อมูลที่สถานีเผยแพร่บนเว็บไซต์"}


def tool_legend(indicators: pd.DataFrame) -> list[str]:
    """One line per ITA tool with the indicators it scores, read from the year's indicators:
    "IIT (ตัวชี้วัด 1–5) แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน: …"."""
    lines = []
    for tool in ("IIT", "EIT", "OIT"):
        numbers = sorted(int(n) for n in indicators.loc[indicators["tool"] == tool, "number"])
        if not numbers:
            continue
        span = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"
        lines.append(f"{tool} (ตัวชี้วัด {span}) {TOOL_WHO_TH[tool]}")
    return lines


def duty_occurrences(duties: list[RecurringDuty], fiscal_year: int) -> pd.DataFrame:
    """Every dated occurrence of the non-daily recurring duties (daily ones would be 365 rows each)."""
    start, end = fiscal_year_bounds(fiscal_year)
    rows = [
        {"kind": "activity" if d.activity_id else "oit_item", "id": d.activity_id or d.oit_item_id,
         "date": day, "text": d.text}
        for d in duties if d.kind != DutyKind.DAILY
        for day in occurrences(d, start, end)
    ]
    return pd.DataFrame(rows, columns=["kind", "id", "date", "text"])


LIT_COLUMNS = ["station_id", "kind", "id", "indicator", "sub_indicator", "status", "progress", "due_date",
               "start_date", "evidence_url", "requires_evidence", "next_occurrence", "judged_due", "light"]


def _lean_rows(session: Session, station_ids: list[int], fiscal_year: int) -> pd.DataFrame:
    """What the light rules need of every live activity and OIT item: two queries in all."""
    columns = ["station_id", "id", "status", "progress", "due_date", "start_date", "evidence_url"]
    frames = []
    for model, kind, extra in ((Activity, "activity", Activity.indicator),
                               (OitItem, "oit_item", OitItem.sub_indicator)):
        rows = session.exec(
            select(*(getattr(model, c) for c in columns), extra)  # type: ignore[call-overload]  # typed to 4
            .where(col(model.station_id).in_(station_ids), model.fiscal_year == fiscal_year,
                   col(model.deleted_at).is_(None))
        ).all()
        frame = pd.DataFrame(rows, columns=[*columns, "extra"]).assign(kind=kind)
        if kind == "activity":
            frames.append(frame.assign(indicator=frame["extra"].astype(int), sub_indicator=None,
                                       requires_evidence=False))
        else:
            frames.append(frame.assign(indicator=frame["extra"].str.split(".").str[0].astype(int),
                                       sub_indicator=frame["extra"], requires_evidence=True))
    return pd.concat(frames, ignore_index=True).drop(columns="extra")


def _next_occurrences(session: Session, station_ids: list[int], fiscal_year: int,
                      as_of: date) -> dict[tuple[str, int], date]:
    """Per (kind, id): the row's next recurring occurrence on or after ``as_of``, else its last.

    Plain dicts, not a pandas group-by: a station has a few dozen duties, and its pages' cold
    read paid milliseconds of pandas overhead for them; a region's tens of thousands still take
    one pass."""
    start, end = fiscal_year_bounds(fiscal_year)
    duty = RecurringDuty
    # plain rows, not ORM objects: tens of thousands for a region (sqlmodel types select() to 4 columns)
    duties: Sequence[Any] = session.exec(
        select(duty.kind, duty.day, duty.interval_days, duty.start, duty.end,  # type: ignore[call-overload, misc]
               duty.activity_id, duty.oit_item_id)
        .where(col(duty.station_id).in_(station_ids), duty.fiscal_year == fiscal_year)
    ).all()
    # many stations share one rhythm (the year's framework): work each distinct rhythm out once
    rhythms: dict[tuple[Any, ...], date | None] = {}
    upcoming: dict[tuple[str, int], date] = {}  # the earliest on or after as_of
    last: dict[tuple[str, int], date] = {}  # the latest before it
    for d in duties:
        rhythm = (d.kind, d.day, d.interval_days, d.start, d.end)  # all that next_or_last reads
        if rhythm not in rhythms:
            rhythms[rhythm] = next_or_last(d, as_of, start, end)
        day = rhythms[rhythm]
        if day is None:
            continue
        key = ("activity", d.activity_id) if d.activity_id else ("oit_item", d.oit_item_id)
        if day >= as_of:
            if key not in upcoming or day < upcoming[key]:
                upcoming[key] = day
        elif key not in last or day > last[key]:
            last[key] = day
    return {**last, **upcoming}


def lit_rows(session: Session, station_ids: list[int], fiscal_year: int, as_of: date,
             settings: Settings) -> pd.DataFrame:
    """Every row of many stations with its ``light`` at ``as_of``: a fixed number of queries and one
    vectorised pass whatever the number of stations (the province page and each station's pages
    both read this, so their numbers agree by construction).

    A row without its own due date is judged by its next recurring occurrence (see
    ``ita_core.status``); ``judged_due`` is the date that was used.
    """
    return _lit(_lean_rows(session, station_ids, fiscal_year), session, station_ids, fiscal_year, as_of,
                settings)[LIT_COLUMNS]


def _lit(rows: pd.DataFrame, session: Session, station_ids: list[int], fiscal_year: int, as_of: date,
         settings: Settings) -> pd.DataFrame:
    """``rows`` (the columns of :func:`_lean_rows`, or more) with ``next_occurrence``,
    ``judged_due`` and ``light`` added."""
    rows = rows.copy()
    next_occ = _next_occurrences(session, station_ids, fiscal_year, as_of)
    keys = zip(rows["kind"], rows["id"].tolist(), strict=True)
    rows["next_occurrence"] = pd.Series([next_occ.get(key) for key in keys],
                                        index=rows.index, dtype=object)
    rows["judged_due"] = rows["due_date"].where(rows["due_date"].notna(), rows["next_occurrence"])
    start, _ = fiscal_year_bounds(fiscal_year)
    rows["light"] = add_lights(rows.assign(due_date=rows["judged_due"]), as_of, start, settings)["light"]
    return rows


def plan_rows(session: Session, station_id: int, fiscal_year: int, as_of: date,
              settings: Settings) -> pd.DataFrame:
    """One station's activities and OIT items with their details and lights (see :func:`lit_rows`);
    ``due_date`` keeps the plan's own date, ``judged_due`` the date the light was judged by."""
    acts = queries.activities(session, station_id, fiscal_year)
    items = queries.oit_items(session, station_id, fiscal_year)
    acts = acts.assign(
        kind="activity", ref=acts["seq"].map(lambda n: f"ก{n}"), sub_indicator=None,
        title=acts["activity"].map(_first_line), requires_evidence=False,
    )
    items = items.assign(
        kind="oit_item", ref=items["code"],
        indicator=items["sub_indicator"].str.split(".").str[0].astype(int),
        title=items["title"], requires_evidence=True,
    )
    details = pd.concat([acts, items], ignore_index=True)
    # lit from the rows just read rather than read again: the same rules as lit_rows, one query fewer each
    rows = _lit(details, session, [station_id], fiscal_year, as_of, settings)
    return rows[[*ROW_COLUMNS, "judged_due"]]


def row_titles(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The live plan rows of a station's year as ``kind``, ``id``, ``ref`` (ก1 …, O1 …) and the
    first line of their ``title``, activities in plan order then OIT items by number: what a
    picker of rows shows, without the details, lights and names of :func:`plan_rows` (the same ``title``)."""
    acts = session.exec(select(Activity.id, Activity.seq, Activity.activity).where(
        Activity.station_id == station_id, Activity.fiscal_year == fiscal_year,
        col(Activity.deleted_at).is_(None)).order_by(col(Activity.seq))).all()
    items = session.exec(select(OitItem.id, OitItem.code, OitItem.title).where(
        OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year,
        col(OitItem.deleted_at).is_(None)).order_by(col(OitItem.number))).all()
    rows = [("activity", row_id, f"ก{seq}", _first_line(text)) for row_id, seq, text in acts]
    rows += [("oit_item", row_id, code, title) for row_id, code, title in items]
    return pd.DataFrame(rows, columns=["kind", "id", "ref", "title"])


@dataclass(frozen=True)
class Kpis:
    """The four numbers at the top of the overview."""

    done: int
    at_risk: int
    overdue: int
    percent_done: float
    days_to_next_phase: int | None
    next_phase: str


def kpis(rows: pd.DataFrame, phases: pd.DataFrame, as_of: date) -> Kpis:
    """Done / at risk / overdue counts and the days until the next ITA calendar phase starts."""
    summary = rollup(rows["light"])
    upcoming = phases[phases["start"] > as_of].sort_values("start")
    return Kpis(
        done=summary.done, at_risk=summary.yellow, overdue=summary.red, percent_done=summary.percent_done,
        days_to_next_phase=(upcoming.iloc[0]["start"] - as_of).days if len(upcoming) else None,
        next_phase=upcoming.iloc[0]["name"] if len(upcoming) else "",
    )


def indicator_lights(rows: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator 1–10 (also those with no rows): tool, name, counts, light."""
    rolled = rollup_by(rows, "indicator")
    table = indicators.set_index("number").join(rolled, how="left")
    for column in ("green", "yellow", "red", "grey", "done"):
        table[column] = table[column].fillna(0).astype(int)
    table["percent_done"] = table["percent_done"].fillna(0.0).astype(float)
    table["overall"] = table["overall"].fillna("grey")
    table["total"] = table[["green", "yellow", "red", "grey"]].sum(axis=1)
    return table.reset_index().rename(columns={"index": "number"})


def sub_indicator_lights(rows: pd.DataFrame) -> pd.DataFrame:
    """Roll-up per OIT sub-indicator (9.1–9.5, 10.1, 10.2)."""
    oit = rows[rows["kind"] == "oit_item"]
    return rollup_by(oit, "sub_indicator").reset_index()


def tool_lights(rows: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Roll-up per ITA tool (IIT, EIT, OIT)."""
    tools = rows["indicator"].map(indicators.set_index("number")["tool"])
    return rollup_by(rows.assign(tool=tools), "tool").reset_index()


def is_open(lights: pd.Series) -> pd.Series:
    """Rows that still need work (not done, not n/a)."""
    return ~lights.isin([Light.DONE, Light.NOT_APPLICABLE])


def year_comparison(session: Session, station_id: int, fiscal_year: int, as_of: date,
                    settings: Settings) -> pd.DataFrame | None:
    """Percent done per indicator: this year at ``as_of`` beside last year at the same point and at
    its end. None when the station has no plan for the year before."""
    previous = fiscal_year - 1
    if not session.exec(select(Activity.id).where(Activity.station_id == station_id,
                                                  Activity.fiscal_year == previous).limit(1)).first():
        return None
    _, previous_end = fiscal_year_bounds(previous)
    indicators = queries.indicators(session, fiscal_year)

    def percent(year: int, day: date) -> pd.Series:
        rows = lit_rows(session, [station_id], year, day, settings)
        return indicator_lights(rows, indicators).set_index("number")["percent_done"]

    return pd.DataFrame({
        "name_th": indicators.set_index("number")["name_th"],
        "last_year_same_day": percent(previous, shift_year(as_of, -1)),
        "last_year_final": percent(previous, previous_end),
        "this_year": percent(fiscal_year, as_of),
    }).reset_index(names="number")
