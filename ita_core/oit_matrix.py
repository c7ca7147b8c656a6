"""The OIT publication matrix: each item's rhythm expanded into month cells of the fiscal year.

A cell (item × month) is *required* when the item must be published or reported in that
month, with a due date:
- an item with recurring duties (report on the 28th, publish at month end, monthly Oct–Mar)
  is required in every month that holds an occurrence; the cell is due on the month's last
  occurrence (O7 in Oct–Mar: the 28th report feeds the month-end publication, so month end);
- an item without recurring duties but with its own due date (O1: ภายใน ๓๑ ม.ค.๖๗) has one
  required cell, the month of that date;
- an item with neither has no required cell.

At an as-of date a cell is ``done`` (ticked with the link of what was published, or — for a
one-off item — the item itself is done with evidence), ``overdue`` (required, not done, due
before the as-of date), ``due`` (required, not done yet, due on or after it) or ``n/a``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
from sqlmodel import Session, col, func, select

from ita_core import queries
from ita_core.meeting import markdown_text
from ita_core.models import LinkCheck, OitItem, Publication, RecurringDuty, Status
from ita_core.recurring import due_by_month
from ita_core.thai_dates import fiscal_year_bounds, format_be, format_be_month


class CellState(StrEnum):
    """What a matrix cell shows; the values are the English export values."""

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_REQUIRED = "n/a"


STATE_TH = {CellState.DONE: "เผยแพร่แล้ว", CellState.DUE: "รอเผยแพร่", CellState.OVERDUE: "เลยกำหนด",
            CellState.NOT_REQUIRED: "ไม่ต้องเผยแพร่"}
STATE_ICON = {CellState.DONE: "✅", CellState.DUE: "⏳", CellState.OVERDUE: "🔴",
              CellState.NOT_REQUIRED: "➖"}
FIXED_COLUMNS = [("code", "ข้อ"), ("sub_indicator", "ตัวชี้วัดย่อย"), ("title", "ข้อมูล")]
CELL_COLUMNS = ["item_id", "code", "number", "sub_indicator", "title", "month", "key", "label", "required",
                "due", "done", "url", "note", "publication_id", "version", "state"]


def fiscal_months(fiscal_year: int) -> list[date]:
    """First day of each of the twelve months of a fiscal year (Oct … Sep)."""
    start, _ = fiscal_year_bounds(fiscal_year)
    return [date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
            for i in range(12)]


def month_key(month: date) -> str:
    """The English export key of a month column: ``2023-10``."""
    return f"{month.year:04d}-{month.month:02d}"


def cell_state(*, required: bool, due: date | None, done: bool, as_of: date) -> CellState:
    """The state of one cell at ``as_of`` (a ticked cell is done even where not required)."""
    if done:
        return CellState.DONE
    if not required or due is None:
        return CellState.NOT_REQUIRED
    return CellState.OVERDUE if due < as_of else CellState.DUE


def publications(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """Every ticked (or unticked) cell of a station's year, one query."""
    rows = session.exec(
        select(Publication).where(Publication.station_id == station_id,
                                  Publication.fiscal_year == fiscal_year)
    ).all()
    return pd.DataFrame([r.model_dump() for r in rows], columns=list(Publication.model_fields))


def data_version(session: Session, station_id: int, fiscal_year: int) -> tuple[object, ...]:
    """A value that changes whenever anything the matrix page shows is written: the plan rows
    (``queries.data_version``), the year's ticks and the station's link checks. Three indexed
    aggregates, so a page can key its cache on it instead of reading the cells again."""
    ticks = session.exec(
        select(func.count(), func.coalesce(func.sum(Publication.version), 0),
               func.max(Publication.updated_at))
        .where(Publication.station_id == station_id, Publication.fiscal_year == fiscal_year)).one()
    checks = session.exec(select(func.count(), func.max(LinkCheck.checked_at))
                          .where(LinkCheck.station_id == station_id)).one()
    return (*queries.data_version(session, [station_id], fiscal_year), *ticks, *checks)


def sub_indicator_names(session: Session, fiscal_year: int) -> dict[str, str]:
    """Sub-indicator code → Thai name (9.1 ข้อมูลพื้นฐาน …) in the year's framework."""
    subs = queries.sub_indicators(session, fiscal_year)
    return dict(zip(subs["code"], subs["name_th"], strict=True))


def _items(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The live OIT items of a station's year in number order: only the item table, none of the
    components and names ``queries.oit_items`` joins in (the matrix needs neither). A frame built as
    ``queries.oit_items`` builds its own, so every cell value reads the same."""
    rows = session.exec(select(OitItem).where(
        OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year,
        col(OitItem.deleted_at).is_(None)).order_by(col(OitItem.number))).all()
    return pd.DataFrame([r.model_dump() for r in rows], columns=list(OitItem.model_fields))


def cells(session: Session, station_id: int, fiscal_year: int, as_of: date, *,
          duties: list[RecurringDuty] | None = None) -> pd.DataFrame:
    """One row per item × month (25 × 12) with requirement, due date, tick, link and state.

    Three indexed reads of the one station-year (items, their duties, their ticks); the ticks are
    looked up in a dict, not a frame index, which took most of the page's time (issue 18).
    ``duties``: the station-year's recurring duties when the caller has read them already."""
    items = _items(session, station_id, fiscal_year)
    if duties is None:
        duties = queries.recurring_duties(session, station_id, fiscal_year)
    by_item: dict[int, list[RecurringDuty]] = {}
    for duty in duties:
        if duty.oit_item_id is not None:
            by_item.setdefault(duty.oit_item_id, []).append(duty)
    ticks = {(tick["item_id"], tick["month"]): tick
             for tick in publications(session, station_id, fiscal_year).to_dict("records")}
    months = [(month, month_key(month), format_be_month(month.year, month.month))
              for month in fiscal_months(fiscal_year)]
    rows = []
    records: Iterable[Any] = items.itertuples()  # pandas types a row's fields as any scalar
    for item in records:
        due_date = item.due_date if isinstance(item.due_date, date) else None
        item_duties = by_item.get(item.id, [])
        required = due_by_month(due_date, item_duties, fiscal_year)
        one_off_done = not item_duties and item.status == Status.DONE and bool(item.evidence_url)
        number = int(item.code.lstrip("O"))
        for month, key, label in months:
            tick = ticks.get((item.id, month))
            done = bool(tick["done"]) if tick is not None else False
            url = tick["url"] if tick is not None else ""
            note = tick["note"] if tick is not None else ""
            if not done and one_off_done and month in required:
                done, url = True, item.evidence_url
            due = required.get(month)
            rows.append({
                "item_id": item.id, "code": item.code, "number": number,
                "sub_indicator": item.sub_indicator, "title": item.title, "month": month,
                "key": key, "label": label, "required": month in required, "due": due, "done": done,
                "url": url, "note": note,
                "publication_id": int(tick["id"]) if tick is not None else None,
                "version": int(tick["version"]) if tick is not None else None,
                "state": cell_state(required=month in required, due=due, done=done, as_of=as_of).value,
            })
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def matrix(cell_rows: pd.DataFrame, column: str = "key") -> pd.DataFrame:
    """Wide matrix: one row per item (O1–O25 in order, grouped by sub-indicator), one column per
    month (``key`` = 2023-10 or ``label`` = ต.ค. 66), values the cell states."""
    wide = cell_rows.pivot(index=["number", "code", "sub_indicator", "title"], columns="month",
                           values="state")
    names = cell_rows.drop_duplicates("month").set_index("month")[column]
    wide.columns = [names[m] for m in wide.columns]
    return wide.reset_index().sort_values("number").drop(columns="number").reset_index(drop=True)


def month_columns(fiscal_year: int) -> list[tuple[str, str]]:
    """(English key, Thai BE label) of each month column, for the export headers."""
    return [(month_key(m), format_be_month(m.year, m.month)) for m in fiscal_months(fiscal_year)]


def export_table(session: Session, station_id: int, fiscal_year: int, as_of: date,
                 lang: str = "th") -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The matrix for ``ita export oit-matrix``: (frame with English keys, column spec).

    Values are ``done``/``due``/``overdue``/``n/a`` with ``--lang en`` and Thai words otherwise.
    A plan without OIT items gives the headers and no rows.
    """
    return export_frame(cells(session, station_id, fiscal_year, as_of), fiscal_year, lang)


def export_frame(cell_rows: pd.DataFrame, fiscal_year: int,
                 lang: str = "th") -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """:func:`export_table` of cells already read (the page has them; reading them twice was a
    third of its time)."""
    columns = FIXED_COLUMNS + month_columns(fiscal_year)
    frame = matrix(cell_rows).reindex(columns=[k for k, _ in columns])
    if lang != "en":
        months = [key for key, _ in month_columns(fiscal_year)]
        frame[months] = frame[months].apply(lambda column: column.map(lambda v: STATE_TH[CellState(v)]))
    return frame[[key for key, _ in columns]], columns


def link_target(url: Any) -> str | None:
    """A stored URL as a Markdown link target, or None when it is not an http(s) URL. Characters
    Markdown or a table would read (``|``, brackets, parentheses, spaces, ``<>``, backslash) are
    percent-encoded, which means the same address, so a ``|`` cannot split a matrix cell into a
    fake "published" month and no ``javascript:`` link is ever drawn."""
    text = str(url or "").strip()
    if urlsplit(text).scheme.lower() not in ("http", "https") or not urlsplit(text).netloc:
        return None
    return quote(text, safe=LINK_SAFE)


LINK_SAFE = ":/?#=&%@!$'+,;~.-_*"  # kept as typed in a link target; everything else percent-encoded


def cell_text(row: pd.Series | dict[str, Any]) -> str:
    """Markdown of one cell for the page: icon and word (readable in greyscale), link when published
    (only to an http(s) URL, see :func:`link_target`)."""
    state = CellState(row["state"])
    if state == CellState.DONE:
        broken = " ⚠️ ลิงก์เสีย" if row.get("broken") else ""  # its link failed the last check (links.py)
        target = link_target(row["url"])
        return f"{STATE_ICON[state]} [{STATE_TH[state]}]({target}){broken}" if target else \
            f"{STATE_ICON[state]} {STATE_TH[state]}{broken}"
    if state == CellState.NOT_REQUIRED:
        return STATE_ICON[state]
    return f"{STATE_ICON[state]} {STATE_TH[state]} {row['due'].day}"


def markdown_tables(cell_rows: pd.DataFrame, names: dict[str, str],
                    title_chars: int = 38) -> list[tuple[str, str]]:
    """(heading, Markdown table) per sub-indicator: rows its items, columns the BE months."""
    months = cell_rows.drop_duplicates("month").sort_values("month")
    header = "| ข้อ | ข้อมูล | " + " | ".join(months["label"]) + " |"
    rule = "|---|---|" + "---|" * len(months)
    # sub-indicators in the order of their first item, items by number: one pass over plain dicts
    # (a pandas group per item and a Series per cell took a tenth of a second a page)
    groups: dict[str, dict[int, list[dict[Any, Any]]]] = {}
    for row in cell_rows.sort_values(["number", "month"]).to_dict("records"):
        if not pd.isna(row["sub_indicator"]):  # as pandas groups: a cell with no sub-indicator is left out
            groups.setdefault(row["sub_indicator"], {}).setdefault(row["number"], []).append(row)
    out = []
    for code, items in groups.items():
        lines = [header, rule]
        for _, item in sorted(items.items()):
            title = item[0]["title"]
            title = title if len(title) <= title_chars else title[: title_chars - 1] + "…"
            lines.append(f"| **{markdown_text(item[0]['code'])}** | {markdown_text(title)} | "
                         + " | ".join(cell_text(r) for r in item) + " |")
        out.append((f"{code} {names.get(code, '')}".strip(), "\n".join(lines)))
    return out


def summary(cell_rows: pd.DataFrame) -> dict[str, int]:
    """Counts of required cells per state (cells not required are left out)."""
    counted = cell_rows[cell_rows["required"] | cell_rows["done"]]
    counts = counted["state"].value_counts()
    return {state.value: int(counts.get(state.value, 0)) for state in
            (CellState.DONE, CellState.DUE, CellState.OVERDUE)}


def to_do(cell_rows: pd.DataFrame, as_of: date, days: int = 30) -> pd.DataFrame:
    """The cells to act on: every overdue one and those due within ``days`` of ``as_of``, by due
    date (so overdue first) — the short list a web officer works through on a phone."""
    due = pd.to_datetime(cell_rows["due"])
    soon = (cell_rows["state"] == CellState.DUE.value) & (due <= pd.Timestamp(as_of + timedelta(days=days)))
    return cell_rows[(cell_rows["state"] == CellState.OVERDUE.value) | soon].sort_values(["due", "number"])


def items_of(assignments: pd.DataFrame, person_id: int | None) -> set[int]:
    """The ids of the OIT items ``person_id`` is responsible for (``queries.assignments`` rows)."""
    if person_id is None or assignments.empty:
        return set()
    own = assignments.loc[assignments["person_id"] == person_id, "oit_item_id"].dropna()
    return {int(item) for item in own}


def cells_of(cell_rows: pd.DataFrame, assignments: pd.DataFrame, person_id: int | None) -> pd.DataFrame:
    """The cells of the items ``person_id`` is responsible for: an officer's own part of the
    matrix, so his to-do list and its counts are his, not the whole station's."""
    return cell_rows[cell_rows["item_id"].isin(items_of(assignments, person_id))]


def to_do_counts(todo: pd.DataFrame) -> dict[str, int]:
    """How many cells of a :func:`to_do` list are overdue and how many due within its window."""
    states = todo["state"].value_counts()
    return {state.value: int(states.get(state.value, 0)) for state in (CellState.OVERDUE, CellState.DUE)}


def describe_cell(row: pd.Series | dict[str, Any]) -> str:
    """One Thai line about a cell, for the tick form: month, due date and state."""
    due = f" · กำหนด {format_be(row['due'])}" if row["due"] else ""
    return f"{row['label']}{due} · {STATE_ICON[CellState(row['state'])]} {STATE_TH[CellState(row['state'])]}"


def month_option(row: pd.Series | dict[str, Any]) -> str:
    """A month in the tick form's picker: label and due date only (the state is shown beside it,
    so the picker's text never goes stale after a save)."""
    return f"{row['label']} · กำหนด {format_be(row['due'])}" if row["due"] else row["label"]

