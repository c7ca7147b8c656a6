"""Build a database of N stations, each a copy of the seed plan (for benchmarks).

    python bench/generate.py --stations 1000 --out /tmp/ita-1000.db

Copies are made with id offsets in bulk inserts, not through the ORM, so 1,000 stations
(about 51,000 plan rows and 470,000 rows in all) take seconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy import Engine, MetaData, func, insert, select

from ita_core.db import make_engine
from ita_core.seed import ensure_database
from ita_core.settings import DEFAULT_DATA_DIR

# table → columns holding ids of other copied tables
REFERENCES = {
    "person": {},
    "activity": {},
    "oit_item": {},
    "oit_component": {"item_id": "oit_item"},
    "assignment": {"person_id": "person", "activity_id": "activity", "oit_item_id": "oit_item"},
    "recurring_duty": {"activity_id": "activity", "oit_item_id": "oit_item"},
    "phase": {},
    "survey_quota": {},
}


def copy_stations(engine: Engine, stations: int) -> None:
    """Add stations 2..N as copies of station 1 (codes S0002 …)."""
    if stations < 2:
        return
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        base = conn.execute(select(meta.tables["station"])).mappings().one()
        offsets = {name: conn.execute(select(func.max(meta.tables[name].c.id))).scalar() or 0
                   for name in REFERENCES}
        rows = {name: [dict(r) for r in conn.execute(select(meta.tables[name])).mappings()]
                for name in REFERENCES}
        conn.execute(insert(meta.tables["station"]), [
            {**base, "id": k + 1, "code": f"S{k + 1:04d}", "name_th": f"สถานีทดสอบ {k + 1}"}
            for k in range(1, stations)
        ])
        for name, refs in REFERENCES.items():
            copies = []
            for k in range(1, stations):
                for row in rows[name]:
                    copy = {**row, "id": row["id"] + k * offsets[name]}
                    if "station_id" in copy:
                        copy["station_id"] = k + 1
                    for column, target in refs.items():
                        if copy[column] is not None:
                            copy[column] += k * offsets[target]
                    copies.append(copy)
            for start in range(0, len(copies), 20_000):
                conn.execute(insert(meta.tables[name]), copies[start:start + 20_000])
        if conn.dialect.name == "postgresql":  # explicit ids leave the id sequences behind
            for name in ("station", *REFERENCES):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")


def build(path_or_url: Path | str, stations: int) -> Engine:
    """A fresh database with ``stations`` copies of the seed plan: a SQLite file path, or an
    (empty) database URL such as PostgreSQL's."""
    if isinstance(path_or_url, Path):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path_or_url}{suffix}").unlink(missing_ok=True)
        path_or_url = f"sqlite:///{path_or_url}"
    engine = make_engine(path_or_url)
    ensure_database(engine, DEFAULT_DATA_DIR)
    copy_stations(engine, stations)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.out, args.stations)
    print(f"{args.stations} stations in {time.perf_counter() - started:.1f} s → {args.out}")


if __name__ == "__main__":
    main()
