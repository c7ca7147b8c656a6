"""Many stations at once: the province (ภ.จว.) or region table and its stations × indicators grid.

The database does the roll-up: one query lights every row with CASE expressions (the rules of
:func:`ita_core.status.add_lights`) and groups by station and indicator, so a national table
reads a few thousand aggregate rows instead of every plan row. Only the distinct rhythms of the
recurring duties (a handful per year) are worked out in Python. A station's line here equals what
its own dashboard shows (``tests/test_province.py`` checks it against :func:`ita_core.plan.lit_rows`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import (
    ARRAY,
    Double,
    Integer,
    Select,
    String,
    and_,
    any_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    union_all,
)
from sqlalchemy import select as sql_select
from sqlalchemy import text as sql_text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, FromClause
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import CTE
from sqlmodel import Session, col, select

from ita_core.models import (
    Activity,
    AuditLog,
    DutyKind,
    FiscalYear,
    OitItem,
    RecurringDuty,
    Station,
    Status,
    SubIndicator,
)
from ita_core.recurring import next_or_last
from ita_core.settings import Settings
from ita_core.status import LIGHT_HEX, OVERALL_ICON
from ita_core.thai_dates import fiscal_year_bounds

SEVERITY = {"grey": 0, "green": 1, "yellow": 2, "red": 3}
EPOCH = date(1970, 1, 1)
NO_VALUE = -1  # stands for NULL in the rhythm key, so the rhythm join is a plain (hashable) equality


def _among(session: Session, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL as ``column = ANY(one array parameter)``: 1,500 ids as
    1,500 parameters, in each of a national query's lists, cost tens of milliseconds just to
    compile and send, and PostgreSQL plans both forms alike."""
    if session.get_bind().dialect.name == "postgresql":
        among: ColumnElement[bool] = column == any_(literal(ids, ARRAY(Integer)))
        return among
    among = col(column).in_(ids)
    return among


@dataclass(frozen=True)
class Places:
    """The stations a user may see, as (id, province) in code order: the province picker's
    choices and the stations a roll-up covers come from this one read."""

    stations: list[tuple[int, str]]

    def provinces(self) -> list[str]:
        """Provinces that have stations, sorted."""
        return sorted({name for _, name in self.stations if name})

    def ids(self, province: str | None = None) -> list[int]:
        """Stations of a province (all when None), in code order."""
        return [station_id for station_id, name in self.stations if not province or name == province]


def places(session: Session, allowed: frozenset[int] | None = None) -> Places:
    """The (visible) stations and their provinces, one query."""
    query = select(col(Station.id), Station.province).order_by(col(Station.code))
    if allowed is not None:
        query = query.where(col(Station.id).in_(allowed))
    return Places([(station_id, name) for station_id, name in session.exec(query).all()
                   if station_id is not None])  # an id is never None


def newest_change(session: Session) -> int | None:
    """The newest audit row of all: every write appends one (see :func:`last_change`), so a key
    for what any write may change (the national roll-up, the stations and years there are)."""
    newest: int | None = session.execute(sql_select(func.max(AuditLog.id))).scalar_one()
    return newest


def last_change(session: Session, ids: list[int]) -> int | None:
    """The newest audit row of these stations, a cache key for their roll-up.

    Every write goes through the Writer, which appends an audit row carrying the row's station
    (plan rows, duties, assignments, rollovers and imports alike), so this moves whenever the
    roll-up's inputs do. It costs one probe of 0011's (station_id, id) index per station, where
    summing the versions of every row (:func:`ita_core.queries.data_version`) reads them all:
    a national page reruns on each click."""
    if len(set(ids)) >= session.execute(sql_select(func.count()).select_from(Station)).scalar_one():
        return newest_change(session)  # every station (the national view): one probe of the key
    newest = (sql_select(func.max(AuditLog.id)).where(col(AuditLog.station_id) == Station.id)
              .correlate(Station).scalar_subquery())
    per_station = sql_select(newest.label("newest")).where(_among(session, Station.id, ids)).subquery()
    newest_of_all: int | None = session.execute(sql_select(func.max(per_station.c.newest))).scalar_one()
    return newest_of_all


def _done(model: type[Activity] | type[OitItem]) -> ColumnElement[bool]:
    """A row counts as done when reported done; an OIT item also needs its evidence URL, since
    assessors follow the link (the SQL form of the rule in ``ita_core.status``)."""
    done = col(model.status) == Status.DONE
    return done & (col(OitItem.evidence_url) != "") if model is OitItem else done


def oit_share(session: Session, ids: list[int], fiscal_year: int) -> pd.Series:
    """Per station: share (0–100) of its OIT items done with an evidence URL (SQL GROUP BY)."""
    done = case((_done(OitItem), 1), else_=0)
    rows = session.exec(
        select(OitItem.station_id, func.sum(done), func.count())
        .where(_among(session, OitItem.station_id, ids), OitItem.fiscal_year == fiscal_year,
               col(OitItem.deleted_at).is_(None))
        .group_by(col(OitItem.station_id))
    ).all()
    return pd.Series({sid: round(100.0 * d / n, 1) if n else 0.0 for sid, d, n in rows}, dtype=float)


class day_number(FunctionElement[int]):  # named and used like a SQL function
    """Days since 1970-01-01 of a date column (NULL stays NULL): both databases then do the light
    rules' date arithmetic on whole integers, as pandas does on day counts."""

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"  # PostgreSQL: an integer


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores dates as 'YYYY-MM-DD'; julianday of a midnight is exact in binary
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


def _days(day: date | None) -> int:
    return NO_VALUE if day is None else (day - EPOCH).days


def _rhythms(session: Session, scope: list[ColumnElement[bool]], fiscal_year: int,
             as_of: date) -> list[Select[str, Any, Any, int, int, int]]:
    """One literal row per distinct rhythm of the duties in ``scope`` that has an occurrence:
    its key (kind, day, interval, first and last day, NULL as ``NO_VALUE``) and the day number
    of its occurrence judged at ``as_of`` (:func:`ita_core.recurring.next_or_last`)."""
    duty = RecurringDuty
    start, end = fiscal_year_bounds(fiscal_year)
    rows: list[Select[str, Any, Any, int, int, int]] = []
    keys = sql_select(col(duty.kind), col(duty.day), col(duty.interval_days), col(duty.start), col(duty.end))
    for kind, day, interval, first, last in session.execute(keys.distinct().where(*scope)):
        rhythm = RecurringDuty(station_id=0, fiscal_year=fiscal_year, kind=kind, day=day,
                               interval_days=interval, start=first, end=last)
        found = next_or_last(rhythm, as_of, start, end)
        if found is not None:
            rows.append(sql_select(
                literal(str(kind), String).label("kind"),
                literal(NO_VALUE if day is None else day).label("day"),
                literal(NO_VALUE if interval is None else interval).label("interval_days"),
                literal(_days(first)).label("first"), literal(_days(last)).label("last"),
                literal(_days(found)).label("found")))
    return rows


def _rhythm_table(session: Session, ids: list[int], fiscal_year: int, as_of: date) -> CTE | None:
    """The year's distinct rhythms with their occurrence judged at ``as_of``, as a small constant
    table (None when no duty has one). Stations share the few rhythms of the year's framework,
    so each is worked out once in Python, not once per duty."""
    scope = [_among(session, RecurringDuty.station_id, ids), col(RecurringDuty.fiscal_year) == fiscal_year,
             col(RecurringDuty.kind) != DutyKind.DAILY]
    rhythms = _rhythms(session, scope, fiscal_year, as_of)
    if not rhythms:
        return None
    return (union_all(*rhythms) if len(rhythms) > 1 else rhythms[0]).cte("rhythm")


def _judged_due(model: type[Activity] | type[OitItem], rhythm: CTE | None, fiscal_year: int,
                as_of: date) -> ColumnElement[Any]:
    """The day number a row is judged by: its own due date, else the first occurrence of its
    duties on or after ``as_of``, else their last (:func:`ita_core.plan.lit_rows`' rule).

    The duties are looked up (by their activity / OIT item index) only for the rows without a
    due date of their own: COALESCE asks its second argument only when the first is NULL."""
    own = day_number(model.due_date)
    if rhythm is None:
        return own
    duty = RecurringDuty
    target = duty.activity_id if model is Activity else duty.oit_item_id
    occurrence = rhythm.c.found
    upcoming = func.min(case((occurrence >= _days(as_of), occurrence)))
    judged = (
        sql_select(func.coalesce(upcoming, func.max(occurrence)))
        .select_from(duty)
        .join(rhythm, and_(
            col(duty.kind) == rhythm.c.kind,
            func.coalesce(duty.day, NO_VALUE) == rhythm.c.day,
            func.coalesce(duty.interval_days, NO_VALUE) == rhythm.c.interval_days,
            func.coalesce(day_number(duty.start), NO_VALUE) == rhythm.c.first,
            func.coalesce(day_number(duty.end), NO_VALUE) == rhythm.c.last))
        # "+ 0": look the duties up by their row (SQLite would otherwise pick the year's index)
        .where(col(target) == model.id, col(duty.fiscal_year) + 0 == fiscal_year)
        .scalar_subquery()
    )
    return func.coalesce(own, judged)


def _indicator_of(sub_indicators: list[str]) -> ColumnElement[Any]:
    """An OIT item's indicator, the number before the dot of its sub-indicator (9.1 → 9), as a
    CASE over the known codes: the roll-up then groups by two integers, not by a text column
    (sorting 76,500 rows by a collated text was much of its time at 1,500 stations)."""
    numbers = {code: int(code.split(".")[0]) for code in sub_indicators}
    if not numbers:
        return cast(null(), Integer)
    return case(numbers, value=col(OitItem.sub_indicator), else_=cast(null(), Integer))


def _plan_rows(model: type[Activity] | type[OitItem], among: ColumnElement[bool], fiscal_year: int,
               as_of: date, rhythm: CTE | None, sub_indicators: list[str]) -> Select[Any]:
    """What the light rules need of the live rows of one table (of the stations ``among`` picks),
    dates as day numbers: station, indicator (an OIT item's from its sub-indicator), status,
    progress, done, judged due day, start day (the year's first day when the row has none)."""
    fy_start = _days(fiscal_year_bounds(fiscal_year)[0])
    done = _done(model)
    indicator = col(Activity.indicator) if model is Activity else _indicator_of(sub_indicators)
    return sql_select(
        col(model.station_id).label("station_id"), indicator.label("indicator"),
        col(model.status).label("status"),
        col(model.progress).label("progress"),
        case((done, 1), else_=0).label("done"), _judged_due(model, rhythm, fiscal_year, as_of).label("due"),
        func.coalesce(day_number(model.start_date), fy_start).label("start"),
    ).where(among, col(model.fiscal_year) == fiscal_year,
            col(model.deleted_at).is_(None))


def _severity(row: FromClause, as_of: date, settings: Settings) -> ColumnElement[int]:
    """The colour of a plan row as its severity (``SEVERITY``): the rules of
    :func:`ita_core.status.add_lights` in the same order and the same arithmetic (whole days;
    the expected progress as a double, as numpy computes it, so a tie falls the same way)."""
    now, due, start, progress, status = _days(as_of), row.c.due, row.c.start, row.c.progress, row.c.status
    span = due - start
    elapsed = case((now - start > 0, now - start), else_=0)
    ratio = cast(elapsed, Double) / span
    expected = case((span > 0, case((ratio > 1, 1.0), else_=ratio) * 100), else_=100.0)
    return case(
        (status == Status.NOT_APPLICABLE, SEVERITY["grey"]),
        (row.c.done == 1, SEVERITY["green"]),
        (due.is_(None), SEVERITY["grey"]),  # continuous: nothing to judge it by
        (due < now, SEVERITY["red"]),
        (and_(status == Status.NOT_STARTED, progress == 0, due - now <= settings.at_risk_days),
         SEVERITY["yellow"]),
        (expected - progress > settings.behind_points, SEVERITY["yellow"]),
        else_=SEVERITY["green"],
    )


COUNTS = ["done", "at_risk", "overdue", "rated"]


def _tuned_for_rollup(session: Session) -> None:
    """For the rest of this transaction (``SET LOCAL``), on PostgreSQL: JIT off and room to sort.

    The roll-up's correlated duty look-ups make the planner's cost estimate huge (about 700,000
    at 1,500 stations), far above ``jit_inline_above_cost``, so PostgreSQL spent about 0.75 s
    compiling a query that runs in about 0.3 s without it (EXPLAIN ANALYZE, issue 18). Its sort of
    76,500 rows before the GROUP BY needs about 7 MB: with the default 4 MB ``work_mem`` it went
    to disk (external merge, 14 ms; in memory 3 ms). SQLite has neither to set."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SET LOCAL jit = off"))
        session.execute(sql_text("SET LOCAL work_mem = '32MB'"))


def indicator_counts(session: Session, ids: list[int], fiscal_year: int, as_of: date,
                     settings: Settings) -> pd.DataFrame:
    """Per station and indicator (1–10): rows done, at risk (yellow), overdue (red), rated (not
    grey) and the worst colour as a severity 0–3, GROUP BY in the database."""
    rhythm = _rhythm_table(session, ids, fiscal_year, as_of)
    sub_indicators = list(session.execute(sql_select(col(SubIndicator.code))).scalars())
    row = union_all(*(_plan_rows(model, _among(session, model.station_id, ids), fiscal_year, as_of, rhythm,
                                 sub_indicators)
                      for model in (Activity, OitItem))).subquery("plan_row")
    # each row's colour worked out once: "OFFSET 0" keeps the database from folding this
    # subquery into the GROUP BY, which evaluated the long CASE once per aggregate (four times)
    scored = (sql_select(row.c.station_id, row.c.indicator, row.c.done,
                         _severity(row, as_of, settings).label("severity"))
              .offset(0).subquery("scored"))
    severity = scored.c.severity

    def count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    _tuned_for_rollup(session)
    result = session.connection().execute(
        sql_select(scored.c.station_id, scored.c.indicator, func.sum(scored.c.done),
                   count(severity == SEVERITY["yellow"]), count(severity == SEVERITY["red"]),
                   count(severity > SEVERITY["grey"]), func.max(severity))
        .group_by(scored.c.station_id, scored.c.indicator)
    )
    # the driver's own tuples: seven integers a row need no conversion, and SQLAlchemy's Row objects
    # took 0.05 s of 15,000 rows at 1,500 stations (the ORM session's loading, 0.08 s)
    columns = ["station_id", "indicator", *COUNTS, "severity"]
    with result:
        rows = np.array(result.cursor.fetchall(), dtype=np.int64).reshape(-1, len(columns))
    # one row per (station, indicator) already: the GROUP BY ran over both tables' rows at once
    return pd.DataFrame(rows, columns=columns).sort_values(["station_id", "indicator"], ignore_index=True)


def _frame(rows: Sequence[Sequence[Any]], columns: list[str]) -> pd.DataFrame:
    """A frame built column by column: handed 25,000 result rows, pandas inspects each row
    object one by one (about 0.2 s at 1,500 stations); transposed first, it takes a few ms."""
    return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)) if rows else [[]] * len(columns),
                                 strict=True)), columns=columns)


COLOURS = np.array(sorted(SEVERITY, key=SEVERITY.__getitem__), dtype=object)  # severity → colour


def station_table(session: Session, ids: list[int], fiscal_year: int, as_of: date,
                  settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one line per station, stations × indicators grid of overall colours).

    Station lines: code, name, province, done, at risk, overdue, rated rows, percent done, OIT
    share, overall colour. The grid holds "green"/"yellow"/"red"/"grey" per indicator 1–10.
    """
    groups = indicator_counts(session, ids, fiscal_year, as_of, settings)
    counts = groups.groupby("station_id")[COUNTS].sum()
    counts["percent_done"] = (100.0 * counts["done"] / counts["rated"].where(counts["rated"] > 0)).round(1)
    counts["percent_done"] = counts["percent_done"].fillna(0.0)
    severity = groups.pivot_table(index="station_id", columns="indicator", values="severity", aggfunc="max")
    # a group with only grey rows is grey (so is an indicator without rows); otherwise the worst
    # of red > yellow > green
    worst = severity.reindex(columns=range(1, 11))
    grid = pd.DataFrame(COLOURS[worst.fillna(SEVERITY["grey"]).to_numpy(dtype=int)], index=worst.index,
                        columns=worst.columns)
    counts["overall"] = severity.max(axis=1).map(dict(enumerate(COLOURS)))
    stations = _frame(
        session.exec(select(Station.id, Station.code, Station.name_th, Station.province)
                     .where(_among(session, Station.id, ids))).all(),
        ["station_id", "code", "name", "province"],
    ).set_index("station_id")
    table = stations.join(counts, how="left").join(oit_share(session, ids, fiscal_year).rename("oit_share"))
    for column in COUNTS:
        table[column] = table[column].fillna(0).astype(int)
    table = table.fillna({"percent_done": 0.0, "oit_share": 0.0, "overall": "grey"})
    # a station without a plan that year has only grey groups (before issue 18 its cells were NaN)
    grid = grid.astype(object).reindex(table.index, fill_value="grey")
    return table.reset_index().sort_values("code", ignore_index=True), grid


def years_with_plans(session: Session) -> list[int]:
    """Fiscal years that hold any station's plan (a live activity or OIT item), newest first.

    Asked on every run of the province page: one indexed EXISTS per known year, not a scan of
    every plan row of every year."""
    def live(model: type[Activity] | type[OitItem]) -> ColumnElement[bool]:
        return select(model.id).where(model.fiscal_year == FiscalYear.be_year,
                                      col(model.deleted_at).is_(None)).exists()

    years = session.exec(select(FiscalYear.be_year).where(or_(live(Activity), live(OitItem)))).all()
    return sorted(years, reverse=True)


# severity 0–3 (grey, green, yellow, red) as four flat bands of a 0–1 scale, each severity's z
# (severity / 3) inside its own band: the old hand-written stops put green's z (1/3) between a grey stop at
# 0.33 and a green one at 0.34, so green cells were drawn a greyish blend
HEAT_SCALE = [[(severity + edge) / len(SEVERITY), LIGHT_HEX[colour]]
              for colour, severity in SEVERITY.items() for edge in (0, 1)]


def worst_stations(table: pd.DataFrame, *, rows: int = 40) -> pd.DataFrame:
    """The ``rows`` stations with the most overdue, then at-risk, rows: a heat map of 1,500
    lines would be unreadable, and these are the ones a province meeting asks about."""
    return table.sort_values(["overdue", "at_risk"], ascending=False).head(rows)


def heatmap(table: pd.DataFrame, grid: pd.DataFrame, *, rows: int = 40) -> go.Figure:
    """Stations × indicators, each cell the indicator's overall light as colour and icon (so the
    light does not rest on colour alone), for the worst ``rows`` stations of :func:`worst_stations`.
    Names are escaped for Plotly's HTML subset: a station's name is drawn as typed."""
    worst = worst_stations(table, rows=rows)
    cells = grid.loc[worst["station_id"]]
    heat = go.Figure(go.Heatmap(
        z=cells.map(SEVERITY.get).to_numpy(), x=[f"ตัวชี้วัด {n}" for n in cells.columns],
        y=[html.escape(name) for name in worst["name"]], text=cells.map(OVERALL_ICON.get).to_numpy(),
        texttemplate="%{text}",
        colorscale=HEAT_SCALE, zmin=0, zmax=3, showscale=False, hovertemplate="%{y} · %{x}<extra></extra>",
    ))
    heat.update_yaxes(autorange="reversed")
    heat.update_layout(height=120 + 28 * len(worst), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return heat
