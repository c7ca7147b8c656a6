"""Helpers for the export, import and backup tests: a full export of a database to compare."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine, MetaData, func, select
from sqlmodel import Session

from ita_core import queries
from ita_core.exports import LOADERS, export_frame, plan_frames, to_csv_bytes
from ita_core.settings import DEFAULT_DATA_DIR, get_settings

AS_OF = date(2024, 3, 16)
PLAN_HEADERS = ["ตัวชี้วัด", "ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ", "กิจกรรมที่จะดำเนินการ", "ผลผลิต",
                "วิธีการสร้างการรับรู้", "ระยะเวลาแล้วเสร็จ", "ผู้รับผิดชอบ", "ระยะเวลากำกับติดตาม"]


def full_export(engine: Engine) -> dict[str, bytes | int]:
    """Every export of every station and year as CSV bytes, plus the row count of every table."""
    out: dict[str, bytes | int] = {}
    with Session(engine) as session:
        for station in queries.stations(session):
            for year in queries.fiscal_years(session, station.id):
                for table in LOADERS:
                    frame = export_frame(session, table, station.id, year.be_year)
                    out[f"{station.code}/{year.be_year}/{table}"] = to_csv_bytes(frame, table, "en")
                frames = plan_frames(session, station.id, year.be_year, AS_OF, get_settings())
                for table, frame in frames.items():
                    out[f"{station.code}/{year.be_year}/{table}"] = to_csv_bytes(frame, table, "en")
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as connection:
        for table in meta.sorted_tables:
            out[f"rows/{table.name}"] = connection.execute(select(func.count()).select_from(table)).scalar()
    return out


def seed_plan_sheet(extra_rows: list[list[object]] = (), edit=None) -> bytes:
    """The seed's measures table in the station's Thai 8-column layout, as an .xlsx.

    The indicator is written only on the first row of each indicator (blank below, as in the
    plan); ``edit(seq, row)`` may change a row before it is written.
    """
    with (DEFAULT_DATA_DIR / "activities.csv").open(encoding="utf-8", newline="") as handle:
        seed = list(csv.DictReader(handle))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "แผนยกระดับ"
    sheet.append(["แผนปฏิบัติการยกระดับ ITA สภ.เชียงใหม่ ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"])
    sheet.append(PLAN_HEADERS)
    previous = None
    for row in seed:
        indicator = f"ตัวชี้วัดที่ {row['indicator']}" if row["indicator"] != previous else None
        previous = row["indicator"]
        values = [indicator, row["issue"], row["activity"], row["output"], row["awareness"], row["due_text"],
                  row["responsible_text"], row["cadence_text"]]
        if edit:
            edit(int(row["seq"]), values)
        sheet.append(values)
    for values in extra_rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
