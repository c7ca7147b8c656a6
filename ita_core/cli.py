"""The ``ita`` command: create and fill the database, export tables.

Messages for people are Thai; logs carry English. Exit code 2 means bad input.
"""

from __future__ import annotations

import argparse
import difflib
import getpass
import json
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ita_core import (
    backup,
    imports,
    itap,
    links,
    oit_matrix,
    plan,
    province,
    queries,
    quotas,
    remind,
    score,
    services,
)
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope, stored_id, upgrade_schema
from ita_core.demo import apply_demo_snapshot
from ita_core.exports import (
    COLUMNS,
    LOADERS,
    export_frame,
    plan_frames,
    plan_title,
    plan_workbook_bytes,
    to_csv_bytes,
    to_xlsx_bytes,
)
from ita_core.framework import framework_of, missing_framework_th
from ita_core.framework_workbook import (
    FrameworkFileRefused,
    framework_workbook_bytes,
    preview_framework_import,
    read_framework_workbook,
)
from ita_core.meeting import indicator_lines
from ita_core.models import Person, Station, User, UserRole
from ita_core.people import name_index, normalise_name
from ita_core.seed import SeedError, ensure_database
from ita_core.services.reminders import sent_before
from ita_core.services.writer import Writer
from ita_core.settings import Settings, SettingsError, get_settings
from ita_core.status import OVERALL_TH
from ita_core.thai_dates import BE_OFFSET, format_be

log = logging.getLogger("ita")
if TYPE_CHECKING:  # what add_subparsers returns, as argparse types it
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


class UsageError(ValueError):
    """Bad command-line input; the message is shown to the user as is."""


def _engine() -> Engine:
    """The configured database with its schema up to date (no seed: that is `ita init`)."""
    engine = make_engine()
    upgrade_schema(engine)
    return engine


def _station(session: Session, code: str | None) -> Station:
    """The named station, else the default one (``queries.default_station``, as the web uses)."""
    if code:
        return queries.station_by_code(session, code)
    station = queries.default_station(session, get_settings())
    if station is not None:
        return station
    codes = queries.station_codes(session)
    if not codes:
        raise UsageError("ฐานข้อมูลยังว่าง ให้รัน `ita init` ก่อน / database is empty, run `ita init`")
    raise UsageError(f"ยังไม่มีสถานีใดมีแผน: ระบุสถานีด้วย --station CODE (มี: {', '.join(codes)}) "
                     f"/ no station has a plan yet; name one with --station")


def _fiscal_year(session: Session, station: Station, wanted: int | None) -> int:
    """The asked fiscal year if the station has a plan for it; by default its newest year."""
    years = [fy.be_year for fy in queries.fiscal_years(session, stored_id(station))]
    if not years:
        raise UsageError(f"สถานี {station.code} ยังไม่มีแผน: นำเข้าแผนด้วย `ita import FILE --station "
                         f"{station.code}` หรือระบุสถานีอื่นด้วย --station / this station has no plan yet")
    fiscal_year = wanted or years[0]
    if fiscal_year not in years:
        raise UsageError(f"สถานีนี้ไม่มีแผนปีงบประมาณ {wanted} (มี: {years}) / no plan for that year")
    return fiscal_year


def cmd_init(args: argparse.Namespace) -> int:
    engine = make_engine()
    report = ensure_database(engine, get_settings().data_dir)
    if report is None:
        print("ฐานข้อมูลมีแผนอยู่แล้ว ปรับโครงสร้างเป็นรุ่นล่าสุดแล้ว / schema up to date, data kept")
    else:
        print(f"สร้างฐานข้อมูลและนำเข้าแผนตั้งต้นแล้ว / seed loaded: {report.counts}")
        for line in report.unparsed_dates:
            print(f"คำเตือน: อ่านวันที่ไม่ได้ เก็บข้อความไว้ตามเดิม / unparsed date: {line}")
    if args.from_plan:
        return _init_from_plan(engine, args)
    if args.demo:
        with session_scope(engine) as session:
            station = _station(session, None)
            years = queries.fiscal_years(session, stored_id(station))
            changed = apply_demo_snapshot(session, stored_id(station), years[0].be_year)
        print(f"ใส่ความคืบหน้าตัวอย่าง (demo) {changed} แถว / demo snapshot applied")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.table == "plan":
        return _export_plan(args)
    if args.table == "itap":
        return _export_itap(args)
    with Session(_engine()) as session:
        station = _station(session, args.station)
        station_id, fiscal_year = stored_id(station), _fiscal_year(session, station, args.fy)
        as_of = args.as_of or plan.default_as_of(fiscal_year)
        columns = None
        if args.table == "oit-matrix":  # columns per month of the year; states at the as-of date
            frame, columns = oit_matrix.export_table(session, station_id, fiscal_year, as_of, args.lang)
        elif args.table in LOADERS:
            frame = export_frame(session, args.table, station_id, fiscal_year)
        elif args.table in PAGE_TABLES:  # tables a page offers for download, built as the page builds them
            frame = PAGE_TABLES[args.table](session, station_id, fiscal_year, as_of)
            frame = frame[[key for key, _ in COLUMNS[args.table]]]
        else:  # lit rows and the indicator summary depend on the as-of date
            frame = plan_frames(session, station_id, fiscal_year, as_of, get_settings())[args.table]
    if args.format == "csv":
        payload = to_csv_bytes(frame, args.table, args.lang, columns)
    else:
        title = plan_title(station.name_th, fiscal_year, as_of)
        payload = to_xlsx_bytes(frame, args.table, args.lang, title, columns)
    Path(args.output).write_bytes(payload)
    print(f"บันทึก {len(frame)} แถว ลงไฟล์ {args.output} / wrote {len(frame)} rows")
    return 0


def _stations_table(session: Session, _station_id: int, fiscal_year: int, as_of: date) -> pd.DataFrame:
    """The province page's roll-up of every station's year at ``as_of`` (lights as Thai words)."""
    table, _grid = province.station_table(session, province.places(session).ids(), fiscal_year, as_of,
                                          get_settings())
    return table.assign(overall=table["overall"].map(OVERALL_TH))


def _survey_counts(session: Session, station_id: int, fiscal_year: int, _as_of: date) -> pd.DataFrame:
    """The quotas page's recorded respondents per quota and day, newest day first."""
    recorded = quotas.counts(session, station_id, fiscal_year)
    return recorded.sort_values(["day", "quota_id"], ascending=[False, True])


# The tables of COLUMNS that no LOADER or plan sheet builds: `ita export` offers every table of
# COLUMNS, so each has its builder here (the same data the page's download button gives).
PAGE_TABLES: dict[str, Callable[[Session, int, int, date], pd.DataFrame]] = {
    "stations": _stations_table, "survey-counts": _survey_counts}


def _export_itap(args: argparse.Namespace) -> int:
    """The submission sheet; CSV or Excel by the output's extension (.csv / .xlsx), else --format."""
    suffix = Path(args.output).suffix.lower().lstrip(".")
    fmt = suffix if suffix in ("csv", "xlsx") else args.format
    with Session(_engine()) as session:
        station = _station(session, args.station)
        fiscal_year = _fiscal_year(session, station, args.fy)
        frame = itap.itap_frame(session, stored_id(station), fiscal_year, args.lang)
    title = itap.itap_title(station.name_th, fiscal_year)
    payload = itap.itap_bytes(frame, fmt=fmt, lang=args.lang, title=title)
    Path(args.output).write_bytes(payload)
    print(f"บันทึก {len(frame)} แถว ลงไฟล์ {args.output} / wrote {len(frame)} rows")
    return 0


def _export_plan(args: argparse.Namespace) -> int:
    """The whole ITA plan as one workbook: indicator summary, lit rows and every table."""
    if args.format != "xlsx":
        raise UsageError("แผน ITA ทั้งฉบับส่งออกได้เฉพาะ Excel: ใช้ --format xlsx / plan needs --format xlsx")
    with Session(_engine()) as session:
        station = _station(session, args.station)
        fiscal_year = _fiscal_year(session, station, args.fy)
        as_of = args.as_of or plan.default_as_of(fiscal_year)
        payload = plan_workbook_bytes(session, stored_id(station), fiscal_year, as_of, get_settings(),
                                      args.lang)
    Path(args.output).write_bytes(payload)
    print(f"บันทึกแผน ITA ณ {format_be(as_of)} ลงไฟล์ {args.output} / wrote the plan workbook")
    return 0


def _print_preview(result: imports.Preview) -> None:
    """What an import would do, in the terminal: summary, changed rows, names, warnings, problems."""
    print(f"{result.file_name}: {result.summary()}")
    for row in result.rows:
        if row.action != "unchanged":
            changed = ", ".join(imports.FIELD_TH.get(k, k) for k in row.changes)
            where = f"แผ่นงาน {row.sheet} แถว {row.row}"
            print(f"  {imports.ACTION_TH[row.action]} {row.ref} ({where}): {changed}")
    for name, rank in result.new_names.items():
        print(f"  ชื่อใหม่ที่ยังไม่รู้จัก: {rank}{name}")
    for warning in result.warnings:
        print(f"  หมายเหตุ: {warning}")
    for problem in result.errors:
        print(f"ผิดพลาด: {problem}", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    engine = _engine()
    with Session(engine) as session:
        station = _station(session, args.station)
        station_id = stored_id(station)
        fiscal_year = imports.import_year(session, station_id, args.fy)
    return _import_file(engine, Path(args.file), station_id, fiscal_year, dry_run=args.dry_run,
                        approve_names=args.approve_names,
                        dates_outside_year_intended=args.allow_dates_outside_year)


def _existing_file(name: str | Path) -> Path:
    """The file a command reads, or the usage error naming it, before anything is opened or written."""
    path = Path(name)
    if not path.is_file():
        raise UsageError(f"ไม่พบไฟล์ {path}")
    return path


def _import_file(engine: Engine, path: Path, station_id: int, fiscal_year: int, *, dry_run: bool,
                 approve_names: bool, dates_outside_year_intended: bool = False) -> int:
    """Preview a plan file, print the preview, and unless ``dry_run`` commit it (all or nothing).
    ``dates_outside_year_intended`` (``--allow-dates-outside-year``) imports far due dates with a
    warning instead of refusing them, as the web page's tick does."""
    data, settings = _existing_file(path).read_bytes(), get_settings()
    with Session(engine) as session:
        result = imports.preview(session, data, path.name, station_id=station_id, fiscal_year=fiscal_year,
                                 settings=settings, dates_outside_year_intended=dates_outside_year_intended)
    _print_preview(result)
    if result.errors:
        print("ไม่ได้นำเข้า: แก้ไฟล์ตามรายการข้างบนแล้วลองใหม่ / nothing imported", file=sys.stderr)
        return 2
    if dry_run:
        print("ตรวจอย่างเดียว (--dry-run) ยังไม่ได้บันทึก / dry run, nothing written")
        return 0
    if result.new_names and not approve_names:
        print("ชื่อใหม่จะไม่ถูกเพิ่มเป็นบุคลากร (ใช้ --approve-names เพื่อเพิ่ม) / new names not added")
    with session_scope(engine) as session:
        done = imports.commit(session, CLI, data, path.name, station_id=station_id, fiscal_year=fiscal_year,
                              settings=settings, expected=result.fingerprint(),
                              approve_names=result.new_names if approve_names else (),
                              dates_outside_year_intended=dates_outside_year_intended)
    print(f"นำเข้าแล้ว: เพิ่ม {done.added} แก้ไข {done.changed} แถว, บุคลากรใหม่ {done.people_added}, "
          f"มอบหมายใหม่ {done.assignments_added} / imported")
    if done.oit_items_added:
        print(f"เพิ่มรายการ OIT ตามเกณฑ์ปี {fiscal_year} {done.oit_items_added} รายการ (ยังไม่มอบหมายผู้รับผิดชอบ) "
              f"/ OIT items added from the year's framework")
    return 0


def _init_from_plan(engine: Engine, args: argparse.Namespace) -> int:
    """A new station's plan from its own sheet: the station must exist (``ita station add``);
    every name in the sheet becomes a person of that station."""
    if not args.station:
        raise UsageError("--from-plan ต้องระบุ --station CODE / --from-plan needs --station")
    with session_scope(engine) as session:
        station_id = stored_id(_station(session, args.station))
        fiscal_year = imports.import_year(session, station_id, args.fy)
    return _import_file(engine, Path(args.from_plan), station_id, fiscal_year, dry_run=False,
                        approve_names=True)


def cmd_backup(args: argparse.Namespace) -> int:
    counts = backup.write_backup(_engine(), Path(args.file))
    print(f"สำรองข้อมูล {sum(counts.values()):,} แถว จาก {len(counts)} ตาราง ลงไฟล์ {args.file} / backup done")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    counts = backup.restore_backup(make_engine(), _existing_file(args.file))
    print(f"กู้คืน {sum(counts.values()):,} แถว จาก {len(counts)} ตาราง แล้ว "
          "(นับตาราง alembic_version ที่บันทึกรุ่นโครงสร้างด้วย เหมือนตอนสำรอง) / restored")
    return 0


def cmd_station_add(args: argparse.Namespace) -> int:
    with session_scope(_engine()) as session:
        Writer(session, CLI, source="cli").create_station(code=args.code, name_th=args.name,
                                                          province=args.province or "")
    print(f"เพิ่มสถานี {args.code} {args.name} แล้ว / station added")
    return 0


def cmd_rollover(args: argparse.Namespace) -> int:
    with session_scope(_engine()) as session:
        station = _station(session, args.station)
        name = station.name_th
        report = Writer(session, CLI, source="cli").rollover(
            station_id=stored_id(station), from_year=args.from_year, to_year=args.to_year,
            overwrite=args.overwrite)
    print(f"คัดลอกแผน {name} ปี {args.from_year} → {args.to_year} แล้ว / rolled over: {report.counts_th()}")
    print("\n".join(report.lines_th(args.from_year, args.to_year)))
    return 0


def cmd_framework_copy(args: argparse.Namespace) -> int:
    with session_scope(_engine()) as session:
        writer = Writer(session, CLI, source="cli")
        counts = writer.copy_framework(from_year=args.from_year, to_year=args.to_year)
    print(f"คัดลอกเกณฑ์การประเมินปี {args.from_year} → {args.to_year} แล้ว "
          f"(เลื่อนวันที่ {args.to_year - args.from_year} ปี): "
          f"รายการ OIT {counts['oit_items']} องค์ประกอบ {counts['components']} ขั้นตอนปฏิทิน {counts['phases']} "
          f"ช่วงคะแนน {counts['rating_bands']} / framework copied: {counts}")
    return 0


def cmd_framework_export(args: argparse.Namespace) -> int:
    with Session(_engine()) as session:
        if framework_of(session, args.fy) is None:
            raise UsageError(missing_framework_th(session, args.fy))
        payload = framework_workbook_bytes(session, args.fy, lang=args.lang)
    Path(args.output).write_bytes(payload)
    print(f"บันทึกเกณฑ์การประเมินปี {args.fy} ลงไฟล์ {args.output} แล้ว / wrote the framework workbook")
    return 0


def cmd_framework_import(args: argparse.Namespace) -> int:
    """Preview a framework workbook against a year; with ``--commit`` apply it (all or nothing)."""
    path = _existing_file(args.file)
    services.check_fiscal_year(args.fy)
    try:
        workbook = read_framework_workbook(path.read_bytes(), file_name=path.name)
    except FrameworkFileRefused as refused:
        for line in refused.lines():
            print(f"ผิดพลาด: {line}", file=sys.stderr)
        print("ไม่ได้นำเข้า: แก้ไฟล์ตามรายการข้างบนแล้วลองใหม่ / nothing imported", file=sys.stderr)
        return 2
    engine = _engine()
    if not args.commit:
        with Session(engine) as session:
            changes = preview_framework_import(session, args.fy, workbook)
            print("\n".join(changes.lines(lang=args.lang, blocked=False)))
            if changes.blocked:
                _print_framework_refusals(changes.blocked, args.fy)
                return 2
            try:  # the same writes as --commit, rolled back: every refusal shows now, not at commit
                Writer(session, CLI, source="cli").import_framework(fiscal_year=args.fy, workbook=workbook)
            except services.ValidationFailed as refused:
                _print_framework_refusals(refused.errors, args.fy)
                return 2
            finally:
                session.rollback()
        print("ยังไม่ได้บันทึก: ใช้ --commit เพื่อนำเข้าจริง / preview only, nothing written")
        return 0
    try:
        with session_scope(engine) as session:
            writer = Writer(session, CLI, source="cli")
            changes = writer.import_framework(fiscal_year=args.fy, workbook=workbook)
    except services.ValidationFailed as refused:
        _print_framework_refusals(refused.errors, args.fy)
        return 2
    print("\n".join(changes.lines(lang=args.lang)))
    print(f"นำเข้าเกณฑ์การประเมินปี {args.fy} แล้ว / framework imported: {changes.counts()}")
    return 0


def _print_framework_refusals(errors: list[str], fiscal_year: int) -> None:
    for error in errors:
        print(f"ผิดพลาด: {error}", file=sys.stderr)
    if any("อยู่ไกลจากปีงบประมาณ" in error for error in errors):
        print(f"วันที่ในไฟล์เป็นของปีอื่น: แก้วันกำหนดส่งในแผ่นงาน oit_items ให้อยู่ในปี {fiscal_year} "
              "หรือใช้ `ita framework copy` ซึ่งเลื่อนวันที่ให้ แล้วส่งออกปีนั้นมาแก้", file=sys.stderr)
    print("ไม่ได้นำเข้า: ไม่มีการเปลี่ยนแปลงใดถูกบันทึก / nothing imported", file=sys.stderr)


def cmd_status(args: argparse.Namespace) -> int:
    settings = get_settings()
    with Session(_engine()) as session:
        station = _station(session, args.station)
        fiscal_year = _fiscal_year(session, station, args.fy)
        as_of = args.as_of or plan.default_as_of(fiscal_year)
        rows = plan.plan_rows(session, stored_id(station), fiscal_year, as_of, settings)
        table = plan.indicator_lights(rows, queries.indicators(session, fiscal_year))
    print("\n".join(indicator_lines(table, args.lang)))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """The year's score projection under its framework: entered (or given) IIT/EIT, the projected
    (or given) OIT, the total, the scheme's label, passed or not and the gap to the pass mark."""
    settings = get_settings()
    with Session(_engine()) as session:
        station = _station(session, args.station)
        station_id, fiscal_year = stored_id(station), _fiscal_year(session, station, args.fy)
        try:
            rule = score.require_rule(session, fiscal_year)
        except score.NoFramework as missing:
            raise UsageError(str(missing)) from None
        entered = score.score_input(session, station_id, fiscal_year)
        oit = args.oit if args.oit is not None else score.projected_oit(session, station_id, fiscal_year,
                                                                        settings)
    iit = args.iit if args.iit is not None else entered.iit if entered else None
    eit = args.eit if args.eit is not None else entered.eit if entered else None
    projection = score.project(iit, eit, oit, rule)
    if args.json:
        print(json.dumps(score.as_dict(projection), ensure_ascii=False))
        return 0
    as_of = args.as_of or plan.default_as_of(fiscal_year)
    if args.lang == "en":
        print(f"{station.code} · FY {fiscal_year} · projected from the OIT items' current status "
              f"(not as of {as_of.isoformat()})")
    else:
        print(f"{station.name_th} · ปีงบประมาณ {fiscal_year} · {score.as_of_note(as_of)}")
    print("\n".join(score.report_lines(projection, args.lang)))
    return 0


def _read_password(prompt: str) -> str:
    """From the terminal without echo, or the first line of stdin when piped (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("ยืนยันรหัสผ่าน: ") != first:
            raise UsageError("รหัสผ่านสองครั้งไม่ตรงกัน / passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _person_id(session: Session, station: Station, name: str) -> int:
    """The person a login is tied to. A name that matches no spelling of the station's people is
    refused (never taken literally, e.g. a README placeholder), naming the nearest spellings and
    where the whole list is."""
    people = session.exec(select(Person).where(Person.station_id == station.id,
                                               col(Person.deleted_at).is_(None))).all()
    index = name_index(people)
    person = index.get(normalise_name(name))
    if person is not None:
        return stored_id(person)
    where = f"สถานี {station.code}"
    if not index:
        raise UsageError(f"{where} ยังไม่มีรายชื่อบุคลากร: นำเข้าแผนก่อนด้วย `ita import FILE --station "
                         f"{station.code} --approve-names` / station has no people yet")
    close = difflib.get_close_matches(normalise_name(name), list(index), n=5)
    near = sorted({index[key].name for key in close})
    hint = f"ชื่อที่ใกล้เคียง: {', '.join(near)}; " if near else ""
    raise UsageError(f"ไม่พบบุคคลชื่อ {name!r} ใน{where} ({hint}รายชื่อทั้งหมด: "
                     f"`ita export people --station {station.code} -o people.csv`) / unknown person")


def cmd_user_add(args: argparse.Namespace) -> int:
    engine = _engine()
    password = _read_password(f"รหัสผ่านสำหรับ {args.name}: ")
    with session_scope(engine) as session:
        station = _station(session, args.station) if args.station else None
        person_id = None
        if args.person:
            person_id = _person_id(session, station or _station(session, None), args.person)
        Writer(session, CLI, source="cli").create_user(
            username=args.name, password=password, role=args.role, person_id=person_id,
            station_id=station.id if station else None, can_edit_all=args.all_rows, province=args.province,
            email=args.email or "", line_user_id=args.line_id or "")
    print(f"เพิ่มผู้ใช้ {args.name} ({args.role}) แล้ว / user added")
    return 0


def _login_named(session: Session, name: str) -> User:
    """The login ``name`` (exact spelling), or a usage error that says how to list them."""
    user = session.exec(select(User).where(User.username == name.strip())).first()
    if user is None:
        raise UsageError(f"ไม่พบผู้ใช้ชื่อ {name!r} (ดูรายชื่อ: `ita user list`) / unknown user")
    return user


def cmd_user_list(args: argparse.Namespace) -> int:
    """Every login (or one station's): name, person, role, reach and state; never a hash."""
    with session_scope(_engine()) as session:
        users = queries.users(session, CLI)
        if args.station:
            station_id = _station(session, args.station).id
            users = [user for user in users if user.station_id == station_id]
        table = queries.user_table(session, users, now=datetime.now(ZoneInfo(get_settings().timezone)))
    if table.empty:
        print("ยังไม่มีผู้ใช้ / no users")
        return 0
    print(table.fillna("").to_string(index=False))
    return 0


def cmd_user_state(args: argparse.Namespace) -> int:
    """``ita user disable|enable|unlock NAME``: the trusted way to close, reopen or unlock a login."""
    with session_scope(_engine()) as session:
        user = _login_named(session, args.name)
        writer = Writer(session, CLI, source="cli")
        if args.user_command == "unlock":
            writer.unlock_user(row_id=stored_id(user), seen_version=user.version)
        else:
            writer.set_user_active(row_id=stored_id(user), seen_version=user.version,
                                   active=args.user_command == "enable")
    thai, english = {"disable": ("ปิดใช้งาน", "disabled"), "enable": ("เปิดใช้งาน", "enabled"),
                     "unlock": ("ปลดล็อก", "unlocked")}[args.user_command]
    print(f"{thai}บัญชี {args.name} แล้ว / user {english}")
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    """``ita user password NAME``: a new password read from the prompt or stdin, never argv."""
    password = _read_password(f"รหัสผ่านใหม่สำหรับ {args.name}: ")
    with session_scope(_engine()) as session:
        user = _login_named(session, args.name)
        Writer(session, CLI, source="cli").reset_password(row_id=stored_id(user), seen_version=user.version,
                                                          new_password=password)
    print(f"ตั้งรหัสผ่านใหม่ของ {args.name} แล้ว (การเข้าสู่ระบบที่จำไว้ของบัญชีนี้สิ้นสุดแล้ว) / password set")
    return 0


CONTACT_WORDS = {"email": ("อีเมล", "e-mail"), "line_user_id": ("LINE user id", "LINE id")}  # Thai, English


def cmd_user_contact(args: argparse.Namespace) -> int:
    """``ita user contact NAME [--email E] [--line-id L]``: set or change (an empty value clears) where
    a login's reminders go, checked and audited like the admin page's form (``update_user``)."""
    given = {field: value.strip() for field, value in (("email", args.email), ("line_user_id", args.line_id))
             if value is not None}
    if not given:
        raise UsageError("ระบุ --email หรือ --line-id อย่างน้อยหนึ่งอย่าง (ค่าว่าง \"\" คือล้างออก) "
                         "/ give --email or --line-id")
    with session_scope(_engine()) as session:
        user = _login_named(session, args.name)
        changes = {field: value for field, value in given.items() if getattr(user, field) != value}
        if changes:
            Writer(session, CLI, source="cli").update_user(row_id=stored_id(user), seen_version=user.version,
                                                           values=changes)
    if not changes:
        print(f"ช่องทางติดต่อของ {args.name} เป็นค่านี้อยู่แล้ว ไม่มีการเปลี่ยนแปลง / contacts unchanged")
    for field, value in changes.items():
        thai, english = CONTACT_WORDS[field]
        if value:
            print(f"ตั้ง{thai}ของ {args.name} เป็น {value} แล้ว / {english} set")
        else:
            print(f"ล้าง{thai}ของ {args.name} แล้ว / {english} cleared")
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"วันที่ต้องเป็น YYYY-MM-DD: {text!r}") from exc


def cmd_check_links(args: argparse.Namespace) -> int:
    """Fetch every evidence and publication URL of a station's year, store what was found (the
    fetching outside the transaction), print one tab-separated line per URL: code, month (BE, or
    "-"), status, URL. Exit 1 when any link is broken, so a timer or CI can tell."""
    engine = _engine()
    with Session(engine) as session:
        station = _station(session, args.station)
        station_id, fiscal_year = stored_id(station), _fiscal_year(session, station, args.fy)
        targets = links.link_targets(session, station_id, fiscal_year)
    results = {result.url: result for result in
               links.check_urls([t.url for t in targets], timeout=get_settings().link_timeout_s)}
    with session_scope(engine) as session:
        Writer(session, CLI, source="cli").record_link_checks(station_id=station_id,
                                                              results=list(results.values()))
    for target in targets:
        status = links.status_text(results[target.url], args.lang)
        print(f"{target.code}\t{links.month_text(target.month)}\t{status}\t{target.url}")
    broken = sum(not result.ok for result in results.values())
    if args.lang == "en":
        print(f"{len(results)} links checked, {broken} broken", file=sys.stderr)
    else:
        print(f"ตรวจ {len(results)} ลิงก์ ลิงก์เสีย {broken} ลิงก์", file=sys.stderr)
    return 1 if broken else 0


def _ce_or_be_date(text: str) -> date:
    """YYYY-MM-DD in CE, or in BE when the year is past 2400 (2567-03-16 is 16 March 2024)."""
    day = _iso_date(text)
    return day.replace(year=day.year - BE_OFFSET) if day.year > 2400 else day


def cmd_remind(args: argparse.Namespace) -> int:
    """Print each person's digest (overdue, due within --days); with --send, send each on --channel
    once a day and record it. Exit 1 when a sending failed, so a timer's log shows it."""
    settings = get_settings()
    engine = _engine()
    with Session(engine) as session:
        station = _station(session, args.station)
        fiscal_year = _fiscal_year(session, station, args.fy)
        as_of = args.as_of or plan.default_as_of(fiscal_year)
        found = remind.digests(session, station=station, fiscal_year=fiscal_year, as_of=as_of,
                               days=args.days, settings=settings)
    if not args.send:
        for digest in found:
            print(f"=== {digest.name} <{remind.address_of(digest, args.channel) or '-'}>\n{digest.text()}\n")
        print(f"{len(found)} คน มีงานที่ต้องแจ้งเตือน (ยังไม่ได้ส่ง: ใส่ --send เพื่อส่ง)", file=sys.stderr)
        return 0
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    failed = 0
    for digest in found:
        failed += _send_one(engine, digest, channel=args.channel, day=today, settings=settings)
    return 1 if failed else 0


def _send_one(engine: Engine, digest: remind.Digest, *, channel: str, day: date, settings: Settings) -> int:
    """Send one digest unless it went today, record the try; 1 when it failed."""
    address = remind.address_of(digest, channel)
    if not address:
        print(f"{digest.name}: ไม่มี{'อีเมล' if channel == 'email' else ' LINE user id'} — ข้าม")
        return 0
    digest_hash = digest.digest_hash()
    with Session(engine) as session:
        if (before := sent_before(session, channel=channel, address=address, day=day,
                                  digest_hash=digest_hash)) is not None and before.ok:
            print(f"{digest.name} <{address}>: ส่งแล้ววันนี้ — ไม่ส่งซ้ำ")
            return 0
    try:
        result, ok = remind.send(digest, channel, settings), True
    except remind.SendError as error:
        result, ok = str(error), False
    with session_scope(engine) as session:
        Writer(session, CLI, source="cli").record_reminder(
            station_id=digest.station_id, person_id=digest.person_id, channel=channel, address=address,
            day=day, digest_hash=digest_hash, ok=ok, result=f"{result} · {digest.summary()}")
    print(f"{digest.name} <{address}>: {result}")
    return 0 if ok else 1


def _score_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"คะแนนต้องเป็นตัวเลข 0–100: {text!r}") from exc
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"คะแนนต้องอยู่ระหว่าง 0 ถึง 100: {text!r}")
    return value


def _command(parent: Subcommands, name: str, func: Callable[[argparse.Namespace], int], *positional: str,
             help: str) -> argparse.ArgumentParser:
    """A subcommand that runs ``func`` with its ``positional`` arguments; the caller adds options."""
    parser: argparse.ArgumentParser = parent.add_parser(name, help=help)
    for argument in positional:
        parser.add_argument(argument)
    parser.set_defaults(func=func)
    return parser


def _command_group(parent: Subcommands, name: str, *, help: str) -> Subcommands:
    """A command whose own subcommands are required (``ita user add``): they land in ``<name>_command``."""
    return parent.add_parser(name, help=help).add_subparsers(dest=f"{name}_command", required=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ita", description="ITA plan tracker (สภ.)")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="สร้างฐานข้อมูลและนำเข้าแผนตั้งต้น / create schema, load seed")
    init.add_argument("--demo", action=argparse.BooleanOptionalAction, default=False,
                      help="ใส่ความคืบหน้าตัวอย่าง / add a flagged sample progress snapshot")
    init.add_argument("--from-plan", metavar="FILE",
                      help="นำเข้าแผนของสถานี (Excel แบบแผนฉบับสถานี) หลังสร้างฐานข้อมูล / import a station's plan")
    init.add_argument("--station", help="รหัสสถานีของแผนที่นำเข้า (สร้างก่อนด้วย ita station add)")
    init.add_argument("--fy", type=int, help="ปีงบประมาณ พ.ศ. ของแผนที่นำเข้า (ค่าเริ่มต้น: ปีล่าสุด)")
    init.set_defaults(func=cmd_init)

    export = sub.add_parser("export", help="ส่งออกตาราง / export a table")
    export.add_argument("table", choices=sorted({*COLUMNS, "plan", "itap"}),
                        help="itap: แผ่นกรอกลิงก์ OIT ในระบบ ITAP (รูปแบบตามนามสกุลไฟล์ .xlsx/.csv)")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("-o", "--output", required=True)
    export.add_argument("--lang", choices=["th", "en"], default="th")
    export.add_argument("--fy", type=int, help="ปีงบประมาณ พ.ศ. เช่น 2567")
    export.add_argument("--as-of", type=_iso_date)
    export.add_argument("--station", help="รหัสสถานี")
    export.set_defaults(func=cmd_export)

    load = sub.add_parser("import", help="นำเข้าแผนจาก Excel/CSV (ตรวจก่อนบันทึก) / import a plan file")
    load.add_argument("file", help="ไฟล์ .xlsx หรือ .csv (ไฟล์ที่ส่งออกจากระบบ หรือแผนแบบฟอร์ม 8 คอลัมน์)")
    load.add_argument("--dry-run", action="store_true", help="ตรวจและแสดงตัวอย่างเท่านั้น ไม่บันทึก")
    load.add_argument("--approve-names", action="store_true", help="เพิ่มชื่อใหม่ที่พบเป็นบุคลากร")
    load.add_argument("--allow-dates-outside-year", action="store_true",
                      help="วันที่นอกปีงบประมาณเป็นความตั้งใจ: นำเข้ากำหนดเสร็จที่อยู่นอกปีงบประมาณ ± 1 ปี "
                           "(แจ้งเตือนแทนการปฏิเสธ และบันทึกในประวัติการแก้ไข) "
                           "/ import due dates outside the fiscal year ± 1")
    load.add_argument("--fy", type=int, help="ปีงบประมาณ พ.ศ. ของแผนที่นำเข้า (ปีที่สถานียังไม่มีแผนจะเปิดให้ใหม่; "
                                             "ค่าเริ่มต้น: ปีล่าสุดของสถานี)")
    load.add_argument("--station", help="รหัสสถานี")
    load.set_defaults(func=cmd_import)

    _command(sub, "backup", cmd_backup, "file", help="สำรองข้อมูลทุกตารางเป็นไฟล์ ZIP / back up every table")
    _command(sub, "restore", cmd_restore, "file",
             help="กู้คืนจากไฟล์สำรองลงฐานข้อมูลว่าง / restore into an empty database")

    user = _command_group(sub, "user", help="จัดการผู้ใช้ / manage logins")
    user_add = user.add_parser("add", help="เพิ่มผู้ใช้ (รหัสผ่านจาก prompt หรือ stdin)")
    user_add.add_argument("name")
    user_add.add_argument("--role", choices=[r.value for r in UserRole], required=True)
    user_add.add_argument("--person", help="ชื่อบุคคลในรายชื่อบุคลากรของสถานี (สะกดแบบใดก็ได้ที่รู้จัก; "
                                           "ดูรายชื่อ: ita export people -o people.csv)")
    user_add.add_argument("--station", help="รหัสสถานีที่ผู้ใช้สังกัด")
    user_add.add_argument("--province", help="จังหวัดที่ดูแล (บัญชีของ ภ.จว. ไม่ผูกกับสถานีเดียว)")
    user_add.add_argument("--all-rows", action="store_true", help="officer แก้ได้ทุกแถว")
    user_add.add_argument("--email", help="อีเมลของผู้ใช้ (สำหรับการแจ้งเตือน)")
    user_add.add_argument("--line-id", help="LINE user id ของผู้ใช้ (U ตามด้วยเลขฐานสิบหก 32 ตัว; สำหรับการแจ้งเตือน)")
    user_add.set_defaults(func=cmd_user_add)
    contact = _command(user, "contact", cmd_user_contact, "name",
                       help="ตั้งหรือเปลี่ยนอีเมล/LINE user id ของผู้ใช้ (ค่าว่างคือล้างออก) / set a login's contacts")
    contact.add_argument("--email", help="อีเมลใหม่ (\"\" = ล้างออก)")
    contact.add_argument("--line-id", help="LINE user id ใหม่ (\"\" = ล้างออก)")
    user_list = user.add_parser("list", help="รายชื่อผู้ใช้ (ไม่แสดงรหัสผ่าน) / list logins")
    user_list.add_argument("--station", help="เฉพาะผู้ใช้ของสถานีนี้")
    user_list.set_defaults(func=cmd_user_list)
    for command, text in (("disable", "ปิดใช้งานบัญชี"), ("enable", "เปิดใช้งานบัญชีอีกครั้ง"),
                          ("unlock", "ปลดล็อกบัญชีที่ถูกล็อกจากการใส่รหัสผ่านผิด")):
        _command(user, command, cmd_user_state, "name", help=text)
    _command(user, "password", cmd_user_password, "name",
             help="ตั้งรหัสผ่านใหม่ (อ่านจาก prompt หรือ stdin เท่านั้น)")

    station = _command_group(sub, "station", help="จัดการสถานี / stations")
    _command(station, "add", cmd_station_add, "code", "name", help="เพิ่มสถานี") \
        .add_argument("--province", help="จังหวัด")

    roll = sub.add_parser("rollover", help="คัดลอกแผนไปปีงบประมาณถัดไป (ปีปลายทางต้องมีเกณฑ์แล้ว: "
                                           "ita framework copy) / copy the plan to a later year")
    roll.add_argument("--from", dest="from_year", type=int, required=True, help="ปีต้นทาง พ.ศ.")
    roll.add_argument("--to", dest="to_year", type=int, required=True, help="ปีปลายทาง พ.ศ.")
    roll.add_argument("--station", help="รหัสสถานี (ค่าเริ่มต้น: ITA_DEFAULT_STATION หรือสถานีแรกที่มีแผน)")
    roll.add_argument("--overwrite", action="store_true", help="แทนที่แผนที่มีอยู่แล้วในปีปลายทาง")
    roll.set_defaults(func=cmd_rollover)

    framework = _command_group(sub, "framework", help="เกณฑ์การประเมิน ITA รายปี / a year's ITA framework")
    framework_copy = framework.add_parser("copy", help="คัดลอกเกณฑ์ของปีหนึ่งไปอีกปี (เลื่อนวันที่ตามจำนวนปี)")
    framework_copy.add_argument("--from", dest="from_year", type=int, required=True, help="ปีต้นทาง พ.ศ.")
    framework_copy.add_argument("--to", dest="to_year", type=int, required=True, help="ปีปลายทาง พ.ศ.")
    framework_copy.set_defaults(func=cmd_framework_copy)
    framework_export = framework.add_parser("export", help="ส่งออกเกณฑ์ของปีเป็นไฟล์ Excel "
                                                           "/ the framework workbook")
    framework_export.add_argument("--fy", type=int, required=True, help="ปีงบประมาณ พ.ศ.")
    framework_export.add_argument("-o", "--output", required=True, help="ไฟล์ .xlsx ที่จะเขียน")
    framework_export.add_argument("--lang", choices=["th", "en"], default="th",
                                  help="หัวคอลัมน์ภาษาไทย (th) หรือคีย์ภาษาอังกฤษ (en)")
    framework_export.set_defaults(func=cmd_framework_export)
    framework_import = framework.add_parser("import", help="นำเข้าเกณฑ์ของปีจากไฟล์ Excel (ไม่มี --commit: "
                                                           "แสดงสิ่งที่จะเปลี่ยนอย่างเดียว)")
    framework_import.add_argument("file")
    framework_import.add_argument("--fy", type=int, required=True, help="ปีงบประมาณ พ.ศ. ที่จะรับเกณฑ์")
    framework_mode = framework_import.add_mutually_exclusive_group()
    framework_mode.add_argument("--commit", action="store_true", help="บันทึกจริง (ทั้งไฟล์หรือไม่บันทึกเลย)")
    framework_mode.add_argument("--dry-run", action="store_true", help="ตรวจและแสดงอย่างเดียว (ค่าเริ่มต้น)")
    framework_import.add_argument("--lang", choices=["th", "en"], default="th")
    framework_import.set_defaults(func=cmd_framework_import)

    status = sub.add_parser("status", help="สัญญาณไฟรายตัวชี้วัด / indicator lights as text")
    status.add_argument("--as-of", type=_iso_date)
    status.add_argument("--lang", choices=["th", "en"], default="th")
    status.add_argument("--fy", type=int)
    status.add_argument("--station")
    status.set_defaults(func=cmd_status)

    check = sub.add_parser("check-links", help="ตรวจลิงก์หลักฐานและลิงก์การเผยแพร่ (ออกด้วยรหัส 1 เมื่อมีลิงก์เสีย) "
                                                "/ check evidence links, exit 1 when any is broken")
    check.add_argument("--station", help="รหัสสถานี")
    check.add_argument("--fy", type=int, help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีล่าสุดของสถานี)")
    check.add_argument("--lang", choices=["th", "en"], default="th")
    check.set_defaults(func=cmd_check_links)

    reminder = sub.add_parser("remind", help="แจ้งเตือนงานที่เลยกำหนดและใกล้ครบกำหนดรายบุคคล (ไม่มี --send: "
                                             "แสดงอย่างเดียว) / per-person reminder digests")
    reminder.add_argument("--as-of", type=_ce_or_be_date,
                          help="วันที่อ้างอิง YYYY-MM-DD เป็น ค.ศ. หรือ พ.ศ. (ค่าเริ่มต้น: วันนี้)")
    reminder.add_argument("--days", type=int, default=7, help="ครบกำหนดภายในกี่วัน (ค่าเริ่มต้น 7)")
    reminder.add_argument("--station", help="รหัสสถานี")
    reminder.add_argument("--fy", type=int, help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีล่าสุดของสถานี)")
    reminder.add_argument("--send", action="store_true", help="ส่งจริงและบันทึก (วันละครั้งต่อข้อความ)")
    reminder.add_argument("--channel", choices=["email", "line"], default="email")
    reminder.set_defaults(func=cmd_remind)

    projection = sub.add_parser("score", help="คาดการณ์คะแนน ITA ตามเกณฑ์ของปี / score projection")
    projection.add_argument("--fy", type=int, help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีล่าสุดของสถานี)")
    projection.add_argument("--station", help="รหัสสถานี")
    projection.add_argument("--iit", type=_score_value, help="คะแนน IIT (ค่าเริ่มต้น: ที่เลขานุการกรอกไว้)")
    projection.add_argument("--eit", type=_score_value, help="คะแนน EIT (ค่าเริ่มต้น: ที่เลขานุการกรอกไว้)")
    projection.add_argument("--oit", type=_score_value,
                            help="คะแนน OIT แทนค่าคาดการณ์จากข้อมูล OIT (ถ้าได้เท่านี้จะเป็นอย่างไร)")
    projection.add_argument("--as-of", type=_iso_date,
                            help="วันที่อ้างอิง (คาดการณ์จากสถานะปัจจุบันของข้อมูล OIT เสมอ)")
    projection.add_argument("--json", action="store_true", help="พิมพ์ JSON หนึ่งออบเจกต์ / one JSON object")
    projection.add_argument("--lang", choices=["th", "en"], default="th")
    projection.set_defaults(func=cmd_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A refused command prints its Thai message to stderr once and returns 2;
    the English detail goes to the log at debug level only, so the terminal shows no second copy."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        command: Callable[[argparse.Namespace], int] = args.func
        return command(args)
    except services.ValidationFailed as exc:
        errors = exc.errors
    except (UsageError, SeedError, services.PermissionDenied, backup.BackupError,
            queries.UnknownStation, SettingsError) as exc:
        errors = [str(exc)]
    for error in errors:
        print(f"ผิดพลาด: {error}", file=sys.stderr)
    log.debug("%s failed: %s", args.command, " | ".join(errors))
    return 2


if __name__ == "__main__":
    sys.exit(main())
