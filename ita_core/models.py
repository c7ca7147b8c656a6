"""The store: SQLModel tables of a station's ITA plan.

Reference tables (fiscal years, indicators, sub-indicators) are shared; everything a station
plans carries ``station_id`` and ``fiscal_year`` so many stations and years share one
database. Editable rows carry ``version`` (optimistic locking) and ``updated_at/by``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Dialect, Index, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import AutoString, Field, SQLModel

from ita_core.thai_dates import DueKind


class Tool(StrEnum):
    """The three ITA instruments."""

    IIT = "IIT"
    EIT = "EIT"
    OIT = "OIT"


class Status(StrEnum):
    """Progress of a plan row."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class AssignmentRole(StrEnum):
    """What a person or group does on an activity or OIT item (not a login's role: ``UserRole``)."""

    CONTROLLER = "controller"
    ASSISTANT_CONTROLLER = "assistant_controller"
    DATA_PREPARER = "data_preparer"
    WEB_PUBLISHER = "web_publisher"
    DOER = "doer"
    SURVEY_COLLECTOR = "survey_collector"
    RESPONSIBLE = "responsible"


class PersonKind(StrEnum):
    """A named officer, a position without a name, or a group of officers."""

    PERSON = "person"
    POSITION = "position"
    GROUP = "group"


class DutyKind(StrEnum):
    """How a recurring duty repeats."""

    DAY_OF_MONTH = "day_of_month"
    MONTH_END = "month_end"
    EVERY_N_DAYS = "every_n_days"
    DAILY = "daily"


class Rhythm(StrEnum):
    """How often an OIT item must be published, by the year's framework."""

    ONCE = "once"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    EACH_EVENT = "each_event"


class ScoringScheme(StrEnum):
    """How a year's total is labelled: rating words (FY 2566 on) or the older AA–F letters."""

    RATING = "rating"
    LETTER = "letter"


class EnumText(TypeDecorator[StrEnum]):
    """A ``StrEnum`` column stored as plain text and read back as the enum.

    Plain VARCHAR keeps the schema the same on SQLite and PostgreSQL (no native ENUM type to
    migrate when a value is added); writing a value outside the enum fails at flush instead of
    storing it, and reading gives the enum, so code and type checker see one type.
    """

    impl = AutoString
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(self.enum(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Station(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name_th: str
    province: str = ""
    commander_rank: str = ""
    commander_name: str = ""
    commander_position: str = ""


class FiscalYear(SQLModel, table=True):
    __tablename__ = "fiscal_year"

    be_year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    start: date
    end: date


class Indicator(SQLModel, table=True):
    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name_th: str
    tool: Tool = Field(sa_type=EnumText(Tool))


class SubIndicator(SQLModel, table=True):
    __tablename__ = "sub_indicator"

    code: str = Field(primary_key=True)
    indicator: int = Field(foreign_key="indicator.number")
    name_th: str


def _live_year_index(table: str, included: list[str]) -> Index:
    """Migration 0012's covering index of a year's live plan rows: (fiscal_year, station_id) and,
    on PostgreSQL, the ``included`` columns the province roll-up reads, so it scans the index alone."""
    live = text("deleted_at IS NULL")
    return Index(f"ix_{table}_live_fiscal_year_station_id", "fiscal_year", "station_id",
                 postgresql_include=included, postgresql_where=live, sqlite_where=live)


class TrackedRow(SQLModel):
    """Columns every editable plan row shares: progress, evidence and the lock version."""

    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    status: Status = Field(default=Status.NOT_STARTED, sa_type=EnumText(Status))
    progress: int = 0
    note: str = ""
    evidence_url: str = ""
    version: int = 1
    updated_at: datetime = Field(default_factory=_now)
    updated_by: str = "seed"
    deleted_at: datetime | None = None


class Activity(TrackedRow, table=True):
    """A row of the measures table (มาตรการ/กิจกรรม)."""

    __table_args__ = (UniqueConstraint("station_id", "fiscal_year", "seq"),
                      _live_year_index("activity", ["id", "indicator", "status", "progress",
                                                                "due_date", "start_date"]))

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    indicator: int = Field(foreign_key="indicator.number", index=True)
    issue: str = ""
    activity: str = ""
    output: str = ""
    awareness: str = ""
    due_date: date | None = None
    due_text: str = ""
    due_kind: DueKind = Field(default=DueKind.NONE, sa_type=EnumText(DueKind))
    start_date: date | None = None
    cadence_text: str = ""
    responsible_text: str = ""


class OitItem(TrackedRow, table=True):
    """One of the 25 open-data items the station publishes (O1–O25)."""

    __tablename__ = "oit_item"
    __table_args__ = (UniqueConstraint("station_id", "fiscal_year", "code"),
                      _live_year_index("oit_item", ["id", "sub_indicator", "status", "progress",
                                                                "evidence_url", "due_date", "start_date"]))

    id: int | None = Field(default=None, primary_key=True)
    code: str
    number: int
    sub_indicator: str = Field(foreign_key="sub_indicator.code", index=True)
    group_heading: str = ""
    title: str
    due_date: date | None = None
    due_text: str = ""
    due_kind: DueKind = Field(default=DueKind.NONE, sa_type=EnumText(DueKind))
    start_date: date | None = None
    rhythm_text: str = ""
    responsible_text: str = ""
    catalogue_item_id: int | None = Field(default=None, foreign_key="oit_catalogue_item.id", index=True)


class OitComponent(SQLModel, table=True):
    """A required component of an OIT item: a checklist line with its own done flag."""

    __tablename__ = "oit_component"
    __table_args__ = (UniqueConstraint("item_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="oit_item.id", index=True)
    seq: int
    text: str
    done: bool = False
    version: int = 1
    updated_at: datetime = Field(default_factory=_now)
    updated_by: str = "seed"


class Person(SQLModel, table=True):
    """An officer, a position or a group, with every spelling the plan used for it."""

    __table_args__ = (UniqueConstraint("station_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    name: str
    kind: PersonKind = Field(default=PersonKind.PERSON, sa_type=EnumText(PersonKind))
    rank: str = ""
    position: str = ""
    variants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = ""
    email: str = ""  # where reminders go (validated by the forms that set it)
    line_user_id: str = ""  # a LINE Messaging API user id, for reminders pushed over LINE
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    deleted_at: datetime | None = None


# exactly one of an assignment's targets is set (CASE: the same SQL on SQLite and PostgreSQL)
ASSIGNMENT_TARGETS = ("activity_id", "oit_item_id", "survey_quota_id")
ASSIGNMENT_ONE_TARGET = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)"
                                   for c in ASSIGNMENT_TARGETS) + " = 1"


class Assignment(SQLModel, table=True):
    """A person or group holding a role on one activity, one OIT item or one survey quota (the
    collectors of a department's respondents)."""

    __table_args__ = (CheckConstraint(ASSIGNMENT_ONE_TARGET, name="assignment_one_target"),
                      Index("ix_assignment_station_id_fiscal_year", "station_id", "fiscal_year"))

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True)
    oit_item_id: int | None = Field(default=None, foreign_key="oit_item.id", index=True)
    survey_quota_id: int | None = Field(default=None, foreign_key="survey_quota.id", index=True)
    role: AssignmentRole = Field(sa_type=EnumText(AssignmentRole))
    note: str = ""


class PlanIssue(SQLModel, table=True):
    """One issue of the plan's table ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา: what a station must improve
    under one indicator, in the plan's order (``seq``)."""

    __tablename__ = "plan_issue"

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    indicator: int = Field(foreign_key="indicator.number", index=True)
    seq: int
    text: str
    version: int = 1


class Phase(SQLModel, table=True):
    """A row of the ITA calendar (ปฏิทินการประเมิน) with its date range."""

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    seq: int
    stage: str = ""
    step: str = ""
    kind: str
    name: str
    description: str = ""
    start: date
    end: date
    period_text: str = ""
    responsible_text: str = ""
    version: int = 1


class SurveyQuota(SQLModel, table=True):
    """Minimum number of survey respondents for one department (or the station total)."""

    __tablename__ = "survey_quota"

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    tool: Tool = Field(sa_type=EnumText(Tool))
    department: str
    min_respondents: int
    note: str = ""
    version: int = 1


class RecurringDuty(SQLModel, table=True):
    """A duty that repeats (report on the 28th, publish monthly Oct–Mar, …)."""

    __tablename__ = "recurring_duty"
    __table_args__ = (
        CheckConstraint(
            "(activity_id IS NULL) <> (oit_item_id IS NULL)", name="recurring_duty_one_target"
        ),
        Index("ix_recurring_duty_station_id_fiscal_year", "station_id", "fiscal_year"),
        # migration 0012: a year's distinct rhythms (ita_core.province._rhythms) from the index alone
        Index("ix_recurring_duty_fiscal_year_rhythm", "fiscal_year", "kind", "day", "interval_days", "start",
              "end", postgresql_include=["station_id"]),
    )

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True)
    oit_item_id: int | None = Field(default=None, foreign_key="oit_item.id", index=True)
    kind: DutyKind = Field(sa_type=EnumText(DutyKind))
    day: int | None = None
    interval_days: int | None = None
    start: date | None = None
    end: date | None = None
    text: str = ""
    version: int = 1


class UserRole(StrEnum):
    """What a login may do: read, update assigned rows, or everything."""

    VIEWER = "viewer"
    OFFICER = "officer"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A login. Passwords are stored only as a scrypt hash (see ``ita_core.auth``)."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    password_hash: str
    role: UserRole = Field(default=UserRole.VIEWER, sa_type=EnumText(UserRole))
    person_id: int | None = Field(default=None, foreign_key="person.id")
    station_id: int | None = Field(default=None, foreign_key="station.id")
    province: str | None = None  # an admin of a province office (ภ.จว.) sees all its stations
    can_edit_all: bool = False
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    email: str = ""
    line_user_id: str = ""
    version: int = 1
    created_at: datetime = Field(default_factory=_now)


class AuditLog(SQLModel, table=True):
    """One changed field of one row: who, when, from where, old and new value."""

    __tablename__ = "audit_log"
    # a station's trail newest first (keyset pages) and a row's history, at millions of rows
    __table_args__ = (Index("ix_audit_log_station_id_id", "station_id", "id"),
                      Index("ix_audit_log_table_name_row_id", "table_name", "row_id"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_now, index=True)
    actor: str = Field(index=True)  # username, "cli" or "anonymous"
    source: str
    table_name: str = Field(index=True)
    row_id: int = Field(index=True)
    field: str
    old: str | None = None
    new: str | None = None
    station_id: int | None = Field(default=None, index=True)


class Publication(SQLModel, table=True):
    """One ticked cell of the OIT publication matrix: an item published for one month.

    ``month`` is the first day of the month. A row exists only once someone ticked (or
    unticked) the cell; an empty cell is simply no row.
    """

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("item_id", "month"),  # also the (item_id, month) index
                      Index("ix_publication_station_id_fiscal_year", "station_id", "fiscal_year"))

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    item_id: int = Field(foreign_key="oit_item.id", index=True)
    month: date
    done: bool = False
    url: str = ""
    note: str = ""
    version: int = 1
    updated_at: datetime = Field(default_factory=_now)
    updated_by: str = ""


class LinkCheck(SQLModel, table=True):
    """The latest check of one evidence or publication URL of a station: a broken link costs the
    OIT item its score, so the answer (or why there was none) is kept per URL."""

    __tablename__ = "link_check"
    __table_args__ = (UniqueConstraint("station_id", "url"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    url: str
    checked_at: datetime = Field(default_factory=_now)  # UTC
    status_code: int | None = None
    ok: bool = False
    error: str = ""  # a short Thai reason when there was no good answer (timeout, DNS, HTTP 404 …)
    elapsed_ms: int | None = None
    final_url: str = ""  # where the redirects ended


class ReminderSent(SQLModel, table=True):
    """One reminder digest sent (or tried) to one address: the unique key keeps the same digest
    from going out twice on one day."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("channel", "address", "day", "digest_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    channel: str  # email | line
    address: str
    day: date
    digest_hash: str
    sent_at: datetime = Field(default_factory=_now)
    ok: bool = False
    result: str = ""


class SurveyCount(SQLModel, table=True):
    """Respondents collected on one date for one quota row (a department or the station total)."""

    __tablename__ = "survey_count"
    __table_args__ = (UniqueConstraint("quota_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    quota_id: int = Field(foreign_key="survey_quota.id", index=True)
    day: date
    collected: int = 0
    note: str = ""
    version: int = 1
    updated_at: datetime = Field(default_factory=_now)
    updated_by: str = ""


class ScoreInput(SQLModel, table=True):
    """Survey scores the secretary enters for this year's projection (last year's or a mock survey)."""

    __tablename__ = "score_input"
    __table_args__ = (UniqueConstraint("station_id", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(foreign_key="fiscal_year.be_year", index=True)
    iit: float | None = None
    eit: float | None = None
    basis: str = ""  # where the numbers come from: last year's result, a mock survey …
    version: int = 1
    updated_at: datetime = Field(default_factory=_now)
    updated_by: str = ""


class ScoreHistory(SQLModel, table=True):
    """A station's real ITA result of one past year, as published by the NACC (entered by an admin).

    ``fiscal_year`` has no foreign key: past years need no plan (and no fiscal_year row) here.
    """

    __tablename__ = "score_history"
    __table_args__ = (UniqueConstraint("station_id", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    fiscal_year: int = Field(index=True)
    iit: float | None = None
    eit: float | None = None
    oit: float | None = None
    total: float
    note: str = ""
    version: int = 1
    updated_at: datetime = Field(default_factory=_now)
    updated_by: str = ""


# --- the NACC framework of one fiscal year (shared by every station) ------------------------------

class Framework(SQLModel, table=True):
    """The ITA framework of one fiscal year: its scoring rule; its indicators, OIT catalogue,
    calendar, rating bands and survey minimums hang off it. Station plans of that year use it."""

    __tablename__ = "framework"

    fiscal_year: int = Field(primary_key=True, foreign_key="fiscal_year.be_year",
                             sa_column_kwargs={"autoincrement": False})
    scheme: ScoringScheme = Field(default=ScoringScheme.RATING, sa_type=EnumText(ScoringScheme))
    weight_iit: float = 30.0
    weight_eit: float = 30.0
    weight_oit: float = 40.0
    pass_mark: float = 85.0
    source_note: str = ""  # where the year's rules come from, or that they are assumed
    version: int = 1


class FrameworkIndicator(SQLModel, table=True):
    """An indicator of one year's framework, with the tool that measures it."""

    __tablename__ = "framework_indicator"
    __table_args__ = (UniqueConstraint("fiscal_year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(foreign_key="framework.fiscal_year", index=True)
    number: int
    tool: Tool = Field(sa_type=EnumText(Tool))
    name_th: str
    version: int = 1


class FrameworkSubIndicator(SQLModel, table=True):
    """A sub-indicator of one year's framework (the OIT items are grouped by them)."""

    __tablename__ = "framework_sub_indicator"
    __table_args__ = (UniqueConstraint("fiscal_year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(foreign_key="framework.fiscal_year", index=True)
    code: str
    indicator: int
    name_th: str
    version: int = 1


class CatalogueItem(SQLModel, table=True):
    """An OIT item as the year's framework defines it; each station's ``OitItem`` of that year
    is an instance of one, with its own owners, progress, publications and evidence."""

    __tablename__ = "oit_catalogue_item"
    __table_args__ = (UniqueConstraint("fiscal_year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(foreign_key="framework.fiscal_year", index=True)
    code: str
    number: int
    sub_indicator: str
    group_heading: str = ""
    title_th: str
    requirement_th: str = ""  # what must be published, the NACC's notes included
    rhythm: Rhythm = Field(default=Rhythm.ONCE, sa_type=EnumText(Rhythm))
    deadline: str = ""  # the deadline rule as the framework states it (e.g. ภายใน ๓๑ ม.ค.)
    due_date: date | None = None
    version: int = 1


class CatalogueComponent(SQLModel, table=True):
    """A line of a catalogue item's components checklist."""

    __tablename__ = "oit_catalogue_component"
    __table_args__ = (UniqueConstraint("item_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="oit_catalogue_item.id", index=True)
    seq: int
    text_th: str
    version: int = 1


class FrameworkPhase(SQLModel, table=True):
    """A step of the year's ITA calendar as the NACC publishes it (stations copy it as ``Phase``)."""

    __tablename__ = "framework_phase"
    __table_args__ = (UniqueConstraint("fiscal_year", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(foreign_key="framework.fiscal_year", index=True)
    seq: int
    kind: str
    name_th: str
    start: date
    end: date
    version: int = 1


class RatingBand(SQLModel, table=True):
    """One label of the year's scheme: reached from ``min_total`` up when every tool scores at
    least ``min_each_tool`` (None: no floor). Bands are tried from the highest ``min_total``."""

    __tablename__ = "rating_band"
    __table_args__ = (UniqueConstraint("fiscal_year", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(foreign_key="framework.fiscal_year", index=True)
    seq: int
    label_th: str
    label_en: str
    min_total: float
    min_each_tool: float | None = None
    version: int = 1


class SurveyMinimum(SQLModel, table=True):
    """The year's rule for the fewest survey respondents of a tool (per department or in total)."""

    __tablename__ = "survey_minimum"
    __table_args__ = (UniqueConstraint("fiscal_year", "tool", "department"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(foreign_key="framework.fiscal_year", index=True)
    tool: Tool = Field(sa_type=EnumText(Tool))
    department: str
    min_respondents: int
    note: str = ""
    version: int = 1
