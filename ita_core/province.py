"""Many stations at once: the province (ภ.จว.) or region table and its stations × indicators grid.

Lights come from :func:`ita_core.plan.lit_rows` for all stations in one pass, so a station's
line here equals what its own dashboard shows. Counts that need no light rules (the OIT share
done with evidence) are SQL GROUP BY.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import pandas as pd
from sqlalchemy import case, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ita_core.models import Activity, OitItem, Station, Status
from ita_core.plan import lit_rows
from ita_core.settings import Settings
from ita_core.status import COLOUR, Light

SEVERITY = {"grey": 0, "green": 1, "yellow": 2, "red": 3}


_T = TypeVar("_T")


def _visible(query: SelectOfScalar[_T], allowed: frozenset[int] | None) -> SelectOfScalar[_T]:
    return query if allowed is None else query.where(col(Station.id).in_(allowed))


def provinces(session: Session, allowed: frozenset[int] | None = None) -> list[str]:
    """Provinces that have (visible) stations, sorted."""
    query = _visible(select(Station.province).distinct(), allowed)
    return sorted(p for p in session.exec(query).all() if p)


def station_ids(session: Session, province: str | None = None,
                allowed: frozenset[int] | None = None) -> list[int]:
    """Stations of a province (all when None), limited to those a user may see."""
    query = _visible(select(col(Station.id)).order_by(col(Station.code)), allowed)
    if province:
        query = query.where(Station.province == province)
    return [station_id for station_id in session.exec(query).all() if station_id is not None]  # never None


def oit_share(session: Session, ids: list[int], fiscal_year: int) -> pd.Series:
    """Per station: share (0–100) of its OIT items done with an evidence URL (SQL GROUP BY)."""
    done = case(((col(OitItem.status) == Status.DONE) & (col(OitItem.evidence_url) != ""), 1), else_=0)
    rows = session.exec(
        select(OitItem.station_id, func.sum(done), func.count())
        .where(col(OitItem.station_id).in_(ids), OitItem.fiscal_year == fiscal_year,
               col(OitItem.deleted_at).is_(None))
        .group_by(col(OitItem.station_id))
    ).all()
    return pd.Series({sid: round(100.0 * d / n, 1) if n else 0.0 for sid, d, n in rows}, dtype=float)


def station_table(session: Session, ids: list[int], fiscal_year: int, as_of: date,
                  settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one line per station, stations × indicators grid of overall colours).

    Station lines: code, name, province, done, at risk, overdue, rated rows, percent done, OIT
    share, overall colour. The grid holds "green"/"yellow"/"red"/"grey" per indicator 1–10.
    """
    rows = lit_rows(session, ids, fiscal_year, as_of, settings)
    colour = rows["light"].map(COLOUR)
    rated = ~rows["light"].isin([Light.NOT_APPLICABLE, Light.CONTINUOUS])
    counts = rows.assign(
        done=rows["light"] == Light.DONE, at_risk=colour == "yellow", overdue=colour == "red", rated=rated,
    ).groupby("station_id")[["done", "at_risk", "overdue", "rated"]].sum()
    counts["percent_done"] = (100.0 * counts["done"] / counts["rated"].where(counts["rated"] > 0)).round(1)
    counts["percent_done"] = counts["percent_done"].fillna(0.0)
    severity = rows.assign(severity=colour.map(SEVERITY)).pivot_table(
        index="station_id", columns="indicator", values="severity", aggfunc="max")
    # a group with only grey rows is grey; otherwise the worst of red > yellow > green
    names = {v: k for k, v in SEVERITY.items()}
    grid = severity.reindex(columns=range(1, 11)).map(lambda v: names.get(v, "grey"))
    counts["overall"] = severity.max(axis=1).map(names)
    stations = pd.DataFrame(
        session.exec(select(Station.id, Station.code, Station.name_th, Station.province)
                     .where(col(Station.id).in_(ids))).all(),
        columns=["station_id", "code", "name", "province"],
    ).set_index("station_id")
    table = stations.join(counts, how="left").join(oit_share(session, ids, fiscal_year).rename("oit_share"))
    for column in ("done", "at_risk", "overdue", "rated"):
        table[column] = table[column].fillna(0).astype(int)
    table = table.fillna({"percent_done": 0.0, "oit_share": 0.0, "overall": "grey"})
    return table.reset_index().sort_values("code", ignore_index=True), grid.reindex(table.index)


def years_with_plans(session: Session) -> list[int]:
    """Fiscal years that hold any station's plan (activities or OIT items), newest first."""
    years: set[int] = set()
    for model in (Activity, OitItem):
        live = select(model.fiscal_year).where(col(model.deleted_at).is_(None))
        years |= set(session.exec(live.distinct()))
    return sorted(years, reverse=True)
