"""Build a national database for benchmarks: N stations across the police regions, 3 fiscal years each.

    python bench/generate.py --stations 1500 --out /tmp/ita-national.db
    python bench/generate.py --stations 1500 --url postgresql+psycopg://…/empty_database

Station 1 is the seed plan (2567). Its year is copied to 2568 and 2569 (dates moved by one and two
years, on the framework copied through the Writer), then every station 2..N is a copy of station 1's
three years with id offsets, placed in a real province of ภ.1–ภ.9 or บช.น. (see ``bench/regions.py``).
Each station then gets what a year of use leaves behind: a publication row per OIT item and month,
and audit rows for each publication tick (done and URL), each activity and each OIT item reported
done. Rows go in through bulk inserts (executemany on SQLite, COPY on PostgreSQL), not the ORM, and
a few stations at a time so memory stays flat: 1,500 stations make about 3.2 million audit rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Engine, MetaData, Table, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.regions import place_of
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.seed import ensure_database
from ita_core.services.writer import Writer
from ita_core.settings import DEFAULT_DATA_DIR

# table → columns holding ids of other copied tables
REFERENCES: dict[str, dict[str, str]] = {
    "person": {},
    "activity": {},
    "oit_item": {},
    "oit_component": {"item_id": "oit_item"},
    "phase": {},
    "survey_quota": {},
    "assignment": {"person_id": "person", "activity_id": "activity", "oit_item_id": "oit_item",
                   "survey_quota_id": "survey_quota"},
    "recurring_duty": {"activity_id": "activity", "oit_item_id": "oit_item"},
}  # in the order the foreign keys need
# tables whose rows belong to one fiscal year of a station (``person`` spans the years)
YEAR_TABLES = [name for name in REFERENCES if name != "person"]
# a year's copy keeps the station's people
YEAR_REFERENCES = {name: {column: target for column, target in REFERENCES[name].items() if target != "person"}
                   for name in YEAR_TABLES}
BASE_YEAR = 2567
EXTRA_YEARS = (2568, 2569)
STATIONS_PER_BATCH = 50
SQLITE_BATCH = 20_000

Row = dict[str, Any]
Placer = Callable[[int], tuple[str, str, str]]  # station number → (code, name, province)


def _test_place(number: int) -> tuple[str, str, str]:
    return f"S{number:04d}", f"สถานีทดสอบ {number}", ""


def bulk_insert(conn: Connection, table: Table, rows: Iterable[Row]) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany in batches elsewhere; returns the count."""
    rows = list(rows)
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        from psycopg.types.json import Json

        columns = list(rows[0])
        as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Json(row[c]) if c in as_json and row[c] is not None else row[c]
                                for c in columns])
        return len(rows)
    for start in range(0, len(rows), SQLITE_BATCH):
        conn.execute(insert(table), rows[start:start + SQLITE_BATCH])
    return len(rows)


def _rows(conn: Connection, table: Table) -> list[Row]:
    return [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]


def _max_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.max(table.c.id))).scalar() or 0)


def _batches(first: int, last: int) -> Iterator[range]:
    for start in range(first, last + 1, STATIONS_PER_BATCH):
        yield range(start, min(start + STATIONS_PER_BATCH, last + 1))


def copy_stations(engine: Engine, stations: int, place: Placer = _test_place) -> None:
    """Add stations 2..N as copies of station 1 (codes S0002 … unless ``place`` names them)."""
    if stations < 2:
        return
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        base = conn.execute(select(meta.tables["station"])).mappings().one()
        offsets = {name: _max_id(conn, meta.tables[name]) for name in REFERENCES}
        rows = {name: _rows(conn, meta.tables[name]) for name in REFERENCES}
        stations_rows = []
        for number in range(2, stations + 1):
            code, name, province = place(number)
            stations_rows.append({**base, "id": number, "code": code, "name_th": name,
                                  **({"province": province} if province else {})})
        bulk_insert(conn, meta.tables["station"], stations_rows)
        for name, refs in REFERENCES.items():
            for batch in _batches(2, stations):
                bulk_insert(conn, meta.tables[name], (
                    _shifted(row, k=number - 1, offsets=offsets, own=offsets[name], refs=refs,
                             station_id=number)
                    for number in batch for row in rows[name]))
        _catch_up_sequences(conn, ("station", *REFERENCES))


def _shifted(row: Row, *, k: int, offsets: dict[str, int], own: int, refs: dict[str, str],
             station_id: int | None = None) -> Row:
    """``row`` as its ``k``-th copy: own id and referenced ids moved by ``k`` offsets."""
    copy = {**row, "id": row["id"] + k * own}
    if station_id is not None and "station_id" in copy:
        copy["station_id"] = station_id
    for column, target in refs.items():
        if copy.get(column) is not None:
            copy[column] += k * offsets[target]
    return copy


def _catch_up_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """Explicit ids leave PostgreSQL's id sequences behind; move them to the largest id."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")


def _later(value: object, years: int) -> object:
    """A date ``years`` later (29 February becomes the 28th); anything else unchanged."""
    if type(value) is not date:
        return value
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def add_years(engine: Engine) -> None:
    """Copy station 1's seed year to 2568 and 2569: the framework through the Writer, the plan rows
    in bulk with their dates moved and their catalogue items those of the new year."""
    with session_scope(engine) as session:
        for year in EXTRA_YEARS:
            Writer(session, CLI, source="bench").copy_framework(from_year=BASE_YEAR, to_year=year)
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        offsets = {name: _max_id(conn, meta.tables[name]) for name in REFERENCES}
        catalogue = meta.tables["oit_catalogue_item"]
        by_code = {(r.fiscal_year, r.code): r.id for r in conn.execute(select(catalogue))}
        code_of = {r.id: r.code for r in conn.execute(select(catalogue))}
        for name in YEAR_TABLES:
            table = meta.tables[name]
            rows = _rows(conn, table)
            copies = []
            for k, year in enumerate(EXTRA_YEARS, start=1):
                for row in rows:
                    copy = _shifted(row, k=k, offsets=offsets, own=offsets[name], refs=YEAR_REFERENCES[name])
                    copy = {column: _later(value, year - BASE_YEAR) for column, value in copy.items()}
                    if "fiscal_year" in copy:
                        copy["fiscal_year"] = year
                    if copy.get("catalogue_item_id") is not None:
                        copy["catalogue_item_id"] = by_code[(year, code_of[row["catalogue_item_id"]])]
                    copies.append(copy)
            bulk_insert(conn, table, copies)
        _catch_up_sequences(conn, YEAR_TABLES)


def _months(fiscal_year: int) -> list[date]:
    """The first day of each month of a BE fiscal year (October to September)."""
    start = fiscal_year - 543 - 1
    return [date(start + (m + 9) // 12, (m + 9) % 12 + 1, 1) for m in range(12)]


def add_use(engine: Engine, stations: int) -> dict[str, int]:
    """A year of use per station and fiscal year: every OIT item published every month (a
    publication row with its URL), and the audit rows those ticks and the done plan rows leave."""
    meta = MetaData()
    meta.reflect(engine)
    publication, audit = meta.tables["publication"], meta.tables["audit_log"]
    item, activity = meta.tables["oit_item"], meta.tables["activity"]
    with engine.begin() as conn:
        template = _Template(
            items=[dict(r) for r in conn.execute(
                select(item.c.id, item.c.code, item.c.fiscal_year).where(item.c.station_id == 1)
                .order_by(item.c.id)).mappings()],
            activities=[dict(r) for r in conn.execute(
                select(activity.c.id, activity.c.fiscal_year).where(activity.c.station_id == 1)
                .order_by(activity.c.id)).mappings()],
            offsets={name: int(conn.execute(select(func.max(table.c.id)).where(table.c.station_id == 1))
                               .scalar() or 0)
                     for name, table in (("oit_item", item), ("activity", activity))},  # ids per station
        )
        next_id = _max_id(conn, publication) + 1
        counts = {"publication": 0, "audit_log": 0}
        for batch in _batches(1, stations):
            publications: list[Row] = []
            trail: list[Row] = []
            for station_id in batch:
                next_id = template.use(station_id, next_id, publications, trail)
            counts["publication"] += bulk_insert(conn, publication, publications)
            counts["audit_log"] += bulk_insert(conn, audit, trail)
        _catch_up_sequences(conn, ("publication", "audit_log"))
    return counts


@dataclass(frozen=True)
class _Template:
    """Station 1's OIT items and activities (all years), and how far each station's ids are apart."""

    items: list[Row]
    activities: list[Row]
    offsets: dict[str, int]

    def use(self, station_id: int, next_id: int, publications: list[Row], trail: list[Row]) -> int:
        """Append one station's publications and trail; returns the next free publication id."""
        k = station_id - 1
        for row in self.items:
            item_id = row["id"] + k * self.offsets["oit_item"]
            for month in _months(row["fiscal_year"]):
                url = f"https://s{station_id}.police.go.th/oit/{row['code']}/{month:%Y-%m}"
                at = datetime(month.year, month.month, 5 + item_id % 20, 9, tzinfo=UTC)
                publications.append({
                    "id": next_id, "station_id": station_id, "fiscal_year": row["fiscal_year"],
                    "item_id": item_id, "month": month, "done": True, "url": url, "note": "",
                    "version": 3, "updated_at": at, "updated_by": f"user{station_id}"})
                trail += [_audit(at, station_id, "publication", next_id, "done", "false", "true"),
                          _audit(at, station_id, "publication", next_id, "url", "", url)]
                next_id += 1
            trail += _done(row["fiscal_year"], station_id, "oit_item", item_id)
        for row in self.activities:
            activity_id = row["id"] + k * self.offsets["activity"]
            trail += _done(row["fiscal_year"], station_id, "activity", activity_id)
        return next_id


def _done(fiscal_year: int, station_id: int, table: str, row_id: int) -> list[Row]:
    """The trail of a plan row reported done near the end of its fiscal year."""
    at = datetime(fiscal_year - 543, 9, 1, 10, tzinfo=UTC)
    return [_audit(at, station_id, table, row_id, "status", "not_started", "done"),
            _audit(at, station_id, table, row_id, "progress", "0", "100")]


def _audit(at: datetime, station_id: int, table: str, row_id: int, field: str, old: str, new: str) -> Row:
    return {"at": at, "actor": f"user{station_id}", "source": "form", "table_name": table, "row_id": row_id,
            "field": field, "old": old, "new": new, "station_id": station_id}


def build(path_or_url: Path | str, stations: int) -> Engine:
    """A fresh database with ``stations`` copies of the seed plan: a SQLite file path, or an
    (empty) database URL such as PostgreSQL's."""
    engine = _fresh(path_or_url)
    ensure_database(engine, DEFAULT_DATA_DIR)
    copy_stations(engine, stations)
    return engine


def build_national(path_or_url: Path | str, stations: int = 1500,
                   progress: Callable[[str], None] = lambda _: None) -> Engine:
    """A fresh national database: ``stations`` stations in the regions' provinces, 3 fiscal years
    each, with a year of publications and audit rows (see the module docstring)."""
    engine = _fresh(path_or_url)
    ensure_database(engine, DEFAULT_DATA_DIR)
    progress("seed station loaded")
    populate_national(engine, stations, progress)
    return engine


def populate_national(engine: Engine, stations: int,
                      progress: Callable[[str], None] = lambda _: None) -> None:
    """Turn a freshly seeded database (one station, 2567) into the national one."""
    add_years(engine)
    progress(f"fiscal years {BASE_YEAR}–{EXTRA_YEARS[-1]} on station 1")
    with engine.begin() as conn:
        conn.execute(text("UPDATE station SET province = :p WHERE id = 1"), {"p": place_of(1)[2]})
    copy_stations(engine, stations, place_of)
    progress(f"{stations} stations copied")
    counts = add_use(engine, stations)
    progress(f"{counts['publication']:,} publications, {counts['audit_log']:,} audit rows added")


def _fresh(path_or_url: Path | str) -> Engine:
    if isinstance(path_or_url, Path):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path_or_url}{suffix}").unlink(missing_ok=True)
        path_or_url = f"sqlite:///{path_or_url}"
    return make_engine(path_or_url)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, for the totals printed after a build."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in sorted(meta.tables.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=1500)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="SQLite file to (re)create")
    target.add_argument("--url", help="URL of an empty database (PostgreSQL)")
    args = parser.parse_args()
    started = time.perf_counter()

    def progress(step: str) -> None:
        print(f"{time.perf_counter() - started:7.1f} s  {step}", flush=True)

    engine = build_national(args.out or args.url, args.stations, progress)
    counts = table_counts(engine)
    engine.dispose()
    total = sum(counts.values())
    print(f"{total:,} rows in all: " + ", ".join(f"{name} {n:,}" for name, n in counts.items() if n))
    print(f"{args.stations} stations in {time.perf_counter() - started:.1f} s → {args.out or args.url}")


if __name__ == "__main__":
    main()
