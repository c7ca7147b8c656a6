"""Read side: each table a page or export shows, as one DataFrame from a fixed number of queries.

Every function takes a session, a station id and a BE fiscal year and returns English column
keys (the export layer translates headers). Assignments and components are fetched in one
query per table and joined in pandas, never one query per row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sql
from sqlalchemy import case, func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col, select

from ita_core.auth import Actor
from ita_core.labels import label_th
from ita_core.models import (
    Activity,
    Assignment,
    FiscalYear,
    FrameworkIndicator,
    FrameworkSubIndicator,
    Indicator,
    OitComponent,
    OitItem,
    Person,
    Phase,
    PlanIssue,
    RecurringDuty,
    Station,
    SubIndicator,
    User,
    UserRole,
)
from ita_core.permissions import login_of, may_see_login
from ita_core.settings import Settings

JOIN = "; "
# the plan rows that are soft-deleted and ordered the same way
PlanRowT = TypeVar("PlanRowT", Activity, OitItem)
# people first, then positions, then groups
_KIND_ORDER = case({"person": 0, "position": 1}, value=Person.kind, else_=2)


def _of_year(session: Session, fiscal_year: int, *,
             framework: type[FrameworkIndicator | FrameworkSubIndicator],
             shared: type[Indicator | SubIndicator], key: str, columns: list[str]) -> pd.DataFrame:
    """Rows of the year's framework, ordered by ``key``: the NACC renames and renumbers indicators
    between years, so a year shows its own names. Only a year whose framework lists none (a
    database that has plan rows for a year but no framework for it) falls back to the shared
    table, which is otherwise just the target of the plan rows' foreign keys."""
    rows: Sequence[SQLModel] = session.exec(select(framework).where(col(framework.fiscal_year) == fiscal_year)
                                            .order_by(col(getattr(framework, key)))).all()
    if not rows:
        rows = session.exec(select(shared).order_by(col(getattr(shared, key)))).all()
    return pd.DataFrame([r.model_dump() for r in rows], columns=columns)


def indicators(session: Session, fiscal_year: int) -> pd.DataFrame:
    """The indicators of a fiscal year with their tool (IIT/EIT/OIT) and that year's Thai names."""
    return _of_year(session, fiscal_year, framework=FrameworkIndicator, shared=Indicator, key="number",
                    columns=["number", "name_th", "tool"])


def sub_indicators(session: Session, fiscal_year: int) -> pd.DataFrame:
    """The sub-indicators of a fiscal year (9.1 ข้อมูลพื้นฐาน …, the OIT items' groups), by code."""
    return _of_year(session, fiscal_year, framework=FrameworkSubIndicator, shared=SubIndicator, key="code",
                    columns=["code", "indicator", "name_th"])


def stations(session: Session) -> list[Station]:
    """All stations, by code."""
    return list(session.exec(select(Station).order_by(col(Station.code))))


@dataclass(frozen=True)
class StationChoice:
    """What a station picker shows of a station: no ORM object (a national list has 1,500)."""

    id: int
    code: str
    name_th: str


def station_choices(session: Session, among: Collection[int] | None = None) -> list[StationChoice]:
    """The stations of ``among`` (None: all), by code, as plain rows: the picker of every page reads
    this on every rerun, so the filter is in SQL and no ORM objects are built."""
    query = select(Station.id, Station.code, Station.name_th).order_by(col(Station.code))
    if among is not None:
        query = query.where(col(Station.id).in_(list(among)))
    return [StationChoice(*row) for row in session.exec(query).all()]


class UnknownStation(LookupError):
    """A station code that names no station; the message (Thai, then English) is for people."""


def station_codes(session: Session) -> list[str]:
    """Every station code, sorted: what an error message offers when a code is wrong or missing."""
    return [s.code for s in stations(session)]


def station_by_code(session: Session, code: str) -> Station:
    """The station with this code, or :class:`UnknownStation` naming the codes there are."""
    station = session.exec(select(Station).where(Station.code == code.strip())).first()
    if station is None:
        raise UnknownStation(f"ไม่พบสถานีรหัส {code!r} (มี: {', '.join(station_codes(session)) or '-'}) "
                             f"/ unknown station code")
    return station


def stations_with_plans(session: Session) -> list[Station]:
    """Stations that hold plan rows (activities or OIT items) in any fiscal year, by code."""
    planned = select(Activity.station_id).where(col(Activity.deleted_at).is_(None)).union(
        select(OitItem.station_id).where(col(OitItem.deleted_at).is_(None)))
    return list(session.exec(select(Station).where(col(Station.id).in_(planned)).order_by(col(Station.code))))


def default_station(session: Session, settings: Settings, *,
                    among: Collection[int] | None = None) -> Station | None:
    """The station shown when none is named: the CLI and the web picker both ask here.

    ``ITA_DEFAULT_STATION`` when set (a code that names no station is an error, not a silent
    fallback, so a typo is noticed); else the first station by code that has a plan, because a
    station just added with ``ita station add`` has none yet and would show only "no plan".
    ``among`` limits the choice to the stations a user may read (a configured default outside
    it falls back to the rule). None when no station (of ``among``) has a plan.
    """
    if settings.default_station:
        try:
            chosen = station_by_code(session, settings.default_station)
        except UnknownStation as exc:
            raise UnknownStation(f"ITA_DEFAULT_STATION: {exc}") from None
        if among is None or chosen.id in among:
            return chosen
    return next((s for s in stations_with_plans(session) if among is None or s.id in among), None)


def all_fiscal_years(session: Session) -> list[FiscalYear]:
    """Every fiscal year any station has planned for, newest first."""
    return list(session.exec(select(FiscalYear).order_by(col(FiscalYear.be_year).desc())))


def fiscal_years(session: Session, station_id: int) -> list[FiscalYear]:
    """Fiscal years that hold plan rows of a station, newest first."""
    years = select(Activity.fiscal_year).where(Activity.station_id == station_id,
                                               col(Activity.deleted_at).is_(None)).union(
        select(OitItem.fiscal_year).where(OitItem.station_id == station_id, col(OitItem.deleted_at).is_(None))
    )
    return list(session.exec(
        select(FiscalYear).where(col(FiscalYear.be_year).in_(years)).order_by(col(FiscalYear.be_year).desc())
    ))


def _responsible(session: Session, station_id: int, fiscal_year: int, target: str) -> dict[int, str]:
    """Canonical names per activity or OIT item id, in assignment order, '; '-joined.

    Plain dicts: a pandas group-by of a few dozen names cost milliseconds, twice in every station
    page's cold read of its plan."""
    column: Mapped[int | None] = col(getattr(Assignment, target))
    rows = session.exec(
        select(column, Person.name)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(Assignment.station_id == station_id, Assignment.fiscal_year == fiscal_year,
               column.is_not(None), col(Person.deleted_at).is_(None))
        .order_by(column, col(Assignment.id))
    ).all()
    names: dict[int, dict[str, None]] = {}  # a dict as an ordered set: each name once per row
    for row_id, name in rows:
        if row_id is not None:
            names.setdefault(row_id, {})[name] = None
    return {row_id: JOIN.join(kept) for row_id, kept in names.items()}


def _live_rows(session: Session, model: type[PlanRowT], station_id: int, fiscal_year: int,
               order: Mapped[Any]) -> list[PlanRowT]:
    """The live (not soft-deleted) plan rows of ``model`` in a station's year, ordered by ``order``."""
    return list(session.exec(select(model).where(
        model.station_id == station_id, model.fiscal_year == fiscal_year,
        col(model.deleted_at).is_(None)).order_by(order)))


def _frame(rows: Sequence[SQLModel], model: type[SQLModel]) -> pd.DataFrame:
    """Rows as a DataFrame, one column per field of ``model`` (the columns stand even with no rows)."""
    return pd.DataFrame([r.model_dump() for r in rows], columns=list(model.model_fields))


def _names_by_row(frame: pd.DataFrame, names: dict[int, str]) -> pd.Series:
    """Each row's responsible names, "" where nobody is assigned (a text column even when no row has
    anyone: a float column of NaN cannot take "" in pandas 3 without a warning, and later an error)."""
    return frame["id"].map(lambda row_id: names.get(row_id, "")).astype(object)


def activities(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The measures table of a station's plan, one row per activity in plan order."""
    station = session.get(Station, station_id)
    frame = _frame(_live_rows(session, Activity, station_id, fiscal_year, col(Activity.seq)), Activity)
    frame["station"] = station.code if station else ""
    frame["responsible"] = _names_by_row(frame, _responsible(session, station_id, fiscal_year, "activity_id"))
    frame = frame.rename(columns={"cadence_text": "cadence"})
    return frame[[
        "id", "fiscal_year", "station", "seq", "indicator", "issue", "activity", "output", "awareness",
        "due_date", "due_text", "due_kind", "start_date", "cadence", "responsible", "status", "progress",
        "note", "evidence_url", "version", "updated_at", "updated_by",
    ]]


def oit_items(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The 25 OIT items with their components ('; '-joined) and done-component counts."""
    frame = _frame(_live_rows(session, OitItem, station_id, fiscal_year, col(OitItem.number)), OitItem)
    components = session.exec(
        select(OitComponent.item_id, OitComponent.text, OitComponent.done)
        .join(OitItem, col(OitItem.id) == OitComponent.item_id)
        .where(OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year)
        .order_by(col(OitComponent.item_id), col(OitComponent.seq))
    ).all()
    texts: dict[int, list[str]] = {}  # per item, in component order (plain dicts, as _responsible)
    done: dict[int, int] = {}
    for item_id, text, is_done in components:
        texts.setdefault(item_id, []).append(text)
        done[item_id] = done.get(item_id, 0) + bool(is_done)
    ids = frame["id"].tolist()
    frame["components"] = pd.array([JOIN.join(texts.get(item_id, [])) for item_id in ids], dtype="str")
    frame["components_total"] = pd.array([len(texts.get(item_id, [])) for item_id in ids], dtype="int64")
    frame["components_done"] = pd.array([done.get(item_id, 0) for item_id in ids], dtype="int64")
    frame["responsible"] = _names_by_row(frame, _responsible(session, station_id, fiscal_year, "oit_item_id"))
    frame = frame.rename(columns={"group_heading": "group", "rhythm_text": "rhythm"})
    return frame[[
        "id", "code", "sub_indicator", "group", "title", "components", "components_done",
        "components_total", "responsible", "due_date", "due_text", "due_kind", "start_date", "rhythm",
        "status", "progress", "note", "evidence_url", "version", "updated_at", "updated_by",
    ]]


def components(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """Every OIT component of a station's year with its done flag and version (one query)."""
    # plain rows, not ORM objects: fresh values, none added to the session
    # (sqlmodel types select() for at most 4 columns)
    rows = session.exec(
        select(OitComponent.id, OitComponent.item_id, OitComponent.seq,  # type: ignore[call-overload]
               OitComponent.text, OitComponent.done, OitComponent.version)
        .join(OitItem, col(OitItem.id) == OitComponent.item_id)
        .where(OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year)
        .order_by(col(OitComponent.item_id), col(OitComponent.seq))
    ).all()
    return pd.DataFrame(rows, columns=["id", "item_id", "seq", "text", "done", "version"])


def people(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """People, positions and groups with their spellings and how many rows they carry."""
    counts = (
        select(Assignment.person_id,
               func.count(func.distinct(Assignment.activity_id)).label("activities"),
               func.count(func.distinct(Assignment.oit_item_id)).label("oit_items"))
        .where(Assignment.station_id == station_id, Assignment.fiscal_year == fiscal_year)
        .group_by(col(Assignment.person_id)).subquery()
    )
    rows = session.exec(
        select(Person, counts.c.activities, counts.c.oit_items)
        .join(counts, counts.c.person_id == Person.id, isouter=True)
        .where(Person.station_id == station_id, col(Person.deleted_at).is_(None))
        .order_by(_KIND_ORDER, col(Person.name))
    ).all()
    frame = pd.DataFrame([
        {"id": p.id, "name": p.name, "kind": p.kind, "rank": p.rank, "position": p.position,
         "variants": JOIN.join(p.variants), "items": int((a or 0) + (o or 0)), "email": p.email,
         "line_user_id": p.line_user_id}
        for p, a, o in rows
    ], columns=["id", "name", "kind", "rank", "position", "variants", "items", "email", "line_user_id"])
    return frame


def phases(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The ITA calendar in order."""
    rows = session.exec(
        select(Phase).where(Phase.station_id == station_id, Phase.fiscal_year == fiscal_year)
        .order_by(col(Phase.seq))
    ).all()
    frame = _frame(rows, Phase)
    return frame[["seq", "stage", "step", "kind", "name", "start", "end", "period_text",
                  "description", "responsible_text"]]


def assignments(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """Who holds which role on which row: one row per assignment, with the person's name and kind."""
    # plain rows, not ORM objects: fresh values, none added to the session
    # (sqlmodel types select() for at most 4 columns)
    rows = session.exec(
        select(Assignment.id, Assignment.person_id, Person.name, Person.kind,  # type: ignore[call-overload]
               Assignment.role, Assignment.activity_id, Assignment.oit_item_id)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(Assignment.station_id == station_id, Assignment.fiscal_year == fiscal_year,
               col(Person.deleted_at).is_(None))
        .order_by(col(Assignment.id))
    ).all()
    return pd.DataFrame(rows, columns=["assignment_id", "person_id", "name", "person_kind", "role",
                                       "activity_id", "oit_item_id"])


def recurring_duties(session: Session, station_id: int, fiscal_year: int) -> list[RecurringDuty]:
    """Recurring duties of a station's plan."""
    return list(session.exec(
        select(RecurringDuty).where(RecurringDuty.station_id == station_id,
                                    RecurringDuty.fiscal_year == fiscal_year)
        .order_by(col(RecurringDuty.id))
    ))


def data_version(session: Session, station_ids: Sequence[int], fiscal_year: int) -> tuple[object, ...]:
    """A value that changes whenever a plan row of these stations and year is written.

    Every write bumps a row's ``version`` and ``updated_at``, so their sums and maxima move;
    pages key their caches on this instead of a timer. One station's pages and the province
    page ask the same question, so they share this one probe.
    """
    def of_year(model: type[Activity] | type[OitItem] | type[Assignment]) -> tuple[Any, ...]:
        return col(model.station_id).in_(station_ids), model.fiscal_year == fiscal_year

    def probes(model: type[Activity] | type[OitItem]) -> list[Any]:
        return [select(aggregate).where(*of_year(model)).scalar_subquery() for aggregate in (
            func.count(), func.coalesce(func.sum(model.version), 0), func.max(model.updated_at))]

    components = (select(func.coalesce(func.sum(OitComponent.version), 0))
                  .join(OitItem, col(OitItem.id) == OitComponent.item_id).where(*of_year(OitItem)))
    assignments = [select(aggregate).where(*of_year(Assignment)).scalar_subquery()
                   for aggregate in (func.count(), func.coalesce(func.max(Assignment.id), 0))]
    people = select(func.coalesce(func.sum(Person.version), 0)).where(col(Person.station_id).in_(station_ids))
    # one statement of scalar subqueries: pages ask this on every rerun, and one round trip beats eight
    return tuple(session.execute(sql.select(
        *probes(Activity), *probes(OitItem), components.scalar_subquery(), *assignments,
        people.scalar_subquery())).one())


def plan_counts(session: Session, station_id: int, fiscal_year: int) -> dict[str, int]:
    """Row counts the home page shows, one aggregate query per table."""
    def count(model: type[Activity] | type[OitItem] | type[Phase]) -> int:
        return session.exec(select(func.count()).select_from(model).where(
            model.station_id == station_id, model.fiscal_year == fiscal_year,
            *([col(model.deleted_at).is_(None)] if hasattr(model, "deleted_at") else []))).one()

    return {
        "activities": count(Activity),
        "oit_items": count(OitItem),
        "phases": count(Phase),
        "people": session.exec(select(func.count()).select_from(Person).where(
            Person.station_id == station_id, col(Person.deleted_at).is_(None))).one(),
    }


# --- rows as objects, for the admin page's forms (each edits one row and its version) ----------------

def activity_rows(session: Session, station_id: int, fiscal_year: int) -> list[Activity]:
    """The live (not deleted) activities of a station's year, by id."""
    return _live_rows(session, Activity, station_id, fiscal_year, col(Activity.id))


def oit_item_rows(session: Session, station_id: int, fiscal_year: int) -> list[OitItem]:
    """The live OIT items of a station's year, by id."""
    return _live_rows(session, OitItem, station_id, fiscal_year, col(OitItem.id))


def item_components(session: Session, item_id: int) -> list[OitComponent]:
    """One OIT item's required components, in their order."""
    return list(session.exec(select(OitComponent).where(OitComponent.item_id == item_id)
                             .order_by(col(OitComponent.seq))))


def duties_of(session: Session, *, activity_id: int | None = None,
              oit_item_id: int | None = None) -> list[RecurringDuty]:
    """The recurring duties of one activity or one OIT item (give exactly one), by id."""
    if (activity_id is None) == (oit_item_id is None):
        raise ValueError("give activity_id or oit_item_id")
    column, row_id = ((RecurringDuty.activity_id, activity_id) if activity_id is not None
                      else (RecurringDuty.oit_item_id, oit_item_id))
    return list(session.exec(select(RecurringDuty).where(col(column) == row_id)
                             .order_by(col(RecurringDuty.id))))


def station_people(session: Session, station_id: int) -> list[Person]:
    """The live people, positions and groups of a station, by name."""
    return list(session.exec(select(Person).where(
        Person.station_id == station_id, col(Person.deleted_at).is_(None)).order_by(col(Person.name))))


def users(session: Session, actor: Actor) -> list[User]:
    """The logins ``actor`` may manage, by username (the admin page's list; password hashes stay on
    the objects): a station admin its station's, a province admin its stations', a central admin
    every one. :func:`ita_core.permissions.may_see_login` decides, so the list and the writes agree."""
    rows = session.exec(select(User).order_by(col(User.username))).all()
    return [user for user in rows if may_see_login(actor, login_of(user))]


USER_COLUMNS = ["ชื่อผู้ใช้", "บุคคลในแผน", "ตำแหน่ง", "บทบาท", "ขอบเขต", "สถานะ", "แก้ได้ทุกแถว", "อีเมล",
                "LINE user id"]


def user_table(session: Session, users: Sequence[User], *, now: datetime) -> pd.DataFrame:
    """The admin page's users table: who each login is in the plan (rank and name, position), its
    role and reach in Thai, and whether it is in use, closed or locked at ``now`` (aware, in the
    station's time zone, which the lock's end is shown in).

    Why: a list of usernames does not tell the secretary which officer a login belongs to, nor
    whether its reminders can reach anyone (its e-mail; for a LINE user id, a key for pushing
    messages that the table need not spell out, only "มี"). ``users`` is what :func:`users` gave
    the actor, so the table shows no login the actor may not manage."""
    person_ids = [u.person_id for u in users if u.person_id is not None]
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(person_ids)))}
    station_ids = {u.station_id for u in users if u.station_id is not None}  # not 1,500 for a few logins
    stations = {s.id: s.name_th for s in station_choices(session, station_ids)}
    rows = []
    for user in users:
        person = people.get(user.person_id)
        reach = (stations.get(user.station_id, "") if user.station_id is not None
                 else f"ภ.จว.{user.province}" if user.province else "ทุกสถานี (ส่วนกลาง)")
        rows.append(dict(zip(USER_COLUMNS, [
            user.username, f"{person.rank}{person.name}" if person else "", person.position if person else "",
            label_th(user.role, UserRole), reach, _login_state(user, now), "ใช่" if user.can_edit_all else "",
            user.email, "มี" if user.line_user_id else "",
        ], strict=True)))
    return pd.DataFrame(rows, columns=USER_COLUMNS)


def _login_state(user: User, now: datetime) -> str:
    """A login's state in Thai: closed by an admin, locked after wrong passwords (until when), or in use."""
    if not user.active:
        return "ปิดใช้งาน"
    until = user.locked_until
    if until is not None and until.tzinfo is None:  # stored as UTC; SQLite hands it back naive
        until = until.replace(tzinfo=UTC)
    if until is not None and until > now:
        return f"ล็อกชั่วคราวถึง {until.astimezone(now.tzinfo):%H:%M} น. (ใส่รหัสผ่านผิดหลายครั้ง)"
    return "ใช้งาน"


def plan_issues(session: Session, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The plan's table ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา: one row per indicator and issue, in order."""
    rows = session.exec(
        select(PlanIssue).where(PlanIssue.station_id == station_id, PlanIssue.fiscal_year == fiscal_year)
        .order_by(col(PlanIssue.indicator), col(PlanIssue.seq))
    ).all()
    return pd.DataFrame([{"id": r.id, "indicator": r.indicator, "seq": r.seq, "text": r.text,
                          "version": r.version} for r in rows],
                        columns=["id", "indicator", "seq", "text", "version"])
