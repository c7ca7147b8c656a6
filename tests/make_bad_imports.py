"""Build the corpus of bad import files in tests/data/bad_imports/ (run by the tests, or by hand).

    python tests/make_bad_imports.py [--out DIR]

Every file is made here from code, so the corpus is reviewable and nothing binary is kept in
git. ``CASES`` maps each file to the Thai words its refusal must contain; the tests import it.
The password-protected file is a minimal OLE compound file with the ``EncryptionInfo`` and
``EncryptedPackage`` streams of an encrypted Office package (what Excel writes when a password
is set), built byte by byte below; the importer must refuse it before any parser touches it.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import struct
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "data" / "bad_imports"
PLAN_HEADERS = ["ตัวชี้วัด", "ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ", "กิจกรรมที่จะดำเนินการ", "ผลผลิต",
                "วิธีการสร้างการรับรู้", "ระยะเวลาแล้วเสร็จ", "ผู้รับผิดชอบ", "ระยะเวลากำกับติดตาม"]
GOOD_ROW = ["ตัวชี้วัดที่ ๑", "ประเด็นทดสอบ", "กิจกรรมทดสอบการนำเข้า", "ป้าย", "เว็บไซต์", "๓๐ มี.ค.๖๗",
            "สว.อก.๑ ผู้ควบคุม", "ทุก ๑ เดือน"]

# file → words the refusal must contain (Thai, as the user reads them)
CASES: dict[str, list[str]] = {
    "empty.xlsx": ["ว่างเปล่า"],
    "empty_workbook.xlsx": ["ไม่มีข้อมูลที่นำเข้าได้"],
    "headers_only.xlsx": ["ไม่มีแถวข้อมูล"],
    "not_excel.xlsx": ["เนื้อในไม่ใช่ไฟล์ Excel"],
    "broken_zip.xlsx": ["เสียหาย"],
    "password.xlsx": ["ตั้งรหัสผ่าน"],
    "old_format.xlsx": ["Excel รุ่นเก่า"],
    "wrong_extension.txt": ["รองรับเฉพาะ"],
    "unknown_columns.xlsx": ["ไม่พบแถวหัวตารางที่รู้จัก"],
    "missing_column.xlsx": ["คอลัมน์ไม่ตรงแบบ", "ขาดคอลัมน์ ผลผลิต"],
    "wrong_types.xlsx": ["แถว 3", "คอลัมน์ B (ปีงบประมาณ)", "ต้องเป็นปีงบประมาณ", "คอลัมน์ N (ความคืบหน้า (%))",
                         "ต้องเป็นความคืบหน้า แต่พบ ครึ่งหนึ่ง"],
    "unparseable_date.xlsx": ["แถว 4", "คอลัมน์ F (ระยะเวลาแล้วเสร็จ)", "อ่านวันที่ไม่ได้"],
    "number_as_date.xlsx": ["คอลัมน์ F (ระยะเวลาแล้วเสร็จ)", "พบตัวเลข"],
    "unknown_indicator.xlsx": ["แถว 3", "คอลัมน์ A (ตัวชี้วัด)", "ไม่รู้จักตัวชี้วัด 12"],
    "first_indicator_blank.xlsx": ["ตัวชี้วัดว่างในแถวข้อมูลแรก"],
    "formula.xlsx": ["เซลล์ D3 มีสูตร", "Paste Values"],
    "merged_cells.xlsx": ["เซลล์ A3:A5 ถูกผสาน"],
    "too_many_rows.xlsx": ["เกินขีดจำกัด 5,000 แถว"],
    "too_big.xlsx": ["ไฟล์ใหญ่", "เกินขีดจำกัด 5.0 MB"],
    "sheet_too_big.xlsx": ["แผ่นงานในไฟล์", "เกินขีดจำกัด"],
    "not_utf8.csv": ["ไม่ได้เข้ารหัส UTF-8"],
    "unknown_oit_code.csv": ["ไม่พบข้อมูล OIT ข้อ 'O26'"],
    "oit_done_without_evidence.csv": ["ต้องมีลิงก์หลักฐาน"],
    "unknown_activity_id.csv": ["ไม่พบกิจกรรมรหัส 9999"],
    # issue 16, point 7: duplicates, far due dates, unpacked size; point 6: limits in imports
    "duplicate_rows.xlsx": ["แผ่นงาน «แผน» แถว 4 คอลัมน์ C (กิจกรรมที่จะดำเนินการ): แถวนี้ทุกช่องซ้ำกับแถว 3"],
    "duplicate_id.csv": ["แถว 3 คอลัมน์ A (รหัส): รหัสกิจกรรม 1 ซ้ำกับแถว 2"],
    "duplicate_oit_code.csv": ["แถว 3 คอลัมน์ A (code): ข้อ OIT O1 ซ้ำกับแถว 2"],
    "due_1900.xlsx": ["แถว 3 คอลัมน์ F (ระยะเวลาแล้วเสร็จ): กำหนดเสร็จ 30 มี.ค. 2443 อยู่นอกช่วงที่นำเข้าได้ "
                      "1 ต.ค. 2565 – 30 ก.ย. 2568 (ปีงบประมาณ 2567 ± 1 ปี)"],
    "due_2099.csv": ["แถว 2 คอลัมน์ I (กำหนดเสร็จ): กำหนดเสร็จ 1 ม.ค. 2642 อยู่นอกช่วงที่นำเข้าได้ "
                     "1 ต.ค. 2565 – 30 ก.ย. 2568"],
    "long_note.csv": ["แถว 2 คอลัมน์ O (หมายเหตุ): ช่อง «หมายเหตุ» ยาว 5,001 ตัวอักษร เกินขีดจำกัด 5,000 ตัวอักษร"],
    "long_cell.csv": ["อ่านเป็น CSV ไม่ได้", "เซลล์ยาวเกินไป"],
    "shared_strings_bomb.xlsx": ["คลายออกใหญ่ 60.0 MB เกินขีดจำกัด 50.0 MB", "ระบบไม่ได้เปิดไฟล์นี้"],
    "ratio_bomb.xlsx": ["ส่วน xl/sharedStrings.xml บีบอัดไว้", "เกิน 100 เท่า", "ระบบไม่ได้เปิดไฟล์นี้"],
}


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx(rows: list[list[object]], title: str = "แผน") -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return workbook


def _plan(*rows: list[object]) -> bytes:
    return to_bytes(_xlsx([["แผนทดสอบ"], PLAN_HEADERS, *rows]))


def _csv(header: list[str], *rows: list[object]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def compound_file(stream_names: list[str]) -> bytes:
    """A minimal valid OLE compound file (v3, 512-byte sectors) holding empty streams."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3,
                         0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int, right: int = no_stream, child: int = no_stream) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, no_stream, right, child,
                           bytes(16), 0, 0, 0, end, 0)

    entries = [entry("Root Entry", 5, child=1)]
    for index, name in enumerate(stream_names, start=1):
        entries.append(entry(name, 2, right=index + 1 if index < len(stream_names) else no_stream))
    while len(entries) % 4:
        entries.append(struct.pack("<64sHBBIII16sIQQIQ", bytes(64), 0, 0, 0, no_stream, no_stream, no_stream,
                                   bytes(16), 0, 0, 0, 0, 0))
    return header + fat + b"".join(entries)


def _sheet_too_big() -> bytes:
    """A small file whose sheet XML unpacks to 6 MB (whitespace compresses to almost nothing)."""
    source = zipfile.ZipFile(io.BytesIO(_plan(GOOD_ROW)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 6_000_000, 1)
            target.writestr(part, data)
    return out.getvalue()


def with_shared_strings(megabytes: int) -> bytes:
    """A good plan file whose ``xl/sharedStrings.xml`` is padded to ``megabytes`` MB of one repeated
    string: the ZIP stays a few hundred KB (a 303 KB file held 95 MB this way), streamed so the
    builder itself never holds the unpacked text."""
    source = zipfile.ZipFile(io.BytesIO(_plan(GOOD_ROW)))
    out = io.BytesIO()
    chunk = b"<si><t>" + "ซ้ำ".encode() * 300 + b"</t></si>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            if part.filename == "xl/sharedStrings.xml":
                continue
            target.writestr(part, source.read(part.filename))
        head, tail = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', b"</sst>"
        size = megabytes * 1024 * 1024 - len(head) - len(tail)
        with target.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(head)
            for _ in range(size // len(chunk)):
                strings.write(chunk)
            strings.write(b" " * (size % len(chunk)))
            strings.write(tail)
    return out.getvalue()


def _too_big() -> bytes:
    """Over 5 MB on disk: random text does not compress."""
    rng = random.Random(6)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    rows = [[f"r{n}", "".join(rng.choices(alphabet, k=32_000))] for n in range(240)]
    return to_bytes(_xlsx([PLAN_HEADERS, *rows]))


def _merged() -> bytes:
    workbook = _xlsx([["แผนทดสอบ"], PLAN_HEADERS, GOOD_ROW, [None, *GOOD_ROW[1:]], [None, *GOOD_ROW[1:]]])
    workbook.active.merge_cells("A3:A5")
    return to_bytes(workbook)


def _activities_header() -> list[str]:
    from ita_core.exports import COLUMNS

    return [thai for _, thai in COLUMNS["activities"]]


def _oit_header() -> list[str]:
    from ita_core.exports import COLUMNS

    return [key for key, _ in COLUMNS["oit-items"]]


def build(out: Path = OUT) -> dict[str, Path]:
    """Write every file of CASES into ``out``; returns name → path."""
    out.mkdir(parents=True, exist_ok=True)
    activity = [1, 2567, "chiangmai", 1, "ประเด็น", "กิจกรรม", "", "", None, "ทุกวัน", "", "", "not_started",
                0, "", "", 1]
    oit_o1 = ["O1", "9.1", "โครงสร้าง", "โครงสร้าง", "", "", "", "", "", "not_started", "", "", 1]
    new_activity = ["", *activity[1:5], "กิจกรรมใหม่", *activity[6:16], ""]
    files: dict[str, bytes] = {
        "empty.xlsx": b"",
        "empty_workbook.xlsx": to_bytes(Workbook()),
        "headers_only.xlsx": _plan(),
        "not_excel.xlsx": "นี่ไม่ใช่ไฟล์ Excel แต่เป็นข้อความธรรมดา\n".encode(),
        "broken_zip.xlsx": b"PK\x03\x04" + bytes(200),
        "password.xlsx": compound_file(["EncryptionInfo", "EncryptedPackage"]),
        "old_format.xlsx": compound_file(["Workbook"]),
        "wrong_extension.txt": _plan(GOOD_ROW),
        "unknown_columns.xlsx": to_bytes(_xlsx([["ชื่อเล่น", "นามสกุล", "เบอร์โทร"], ["ก", "ข", "ค"]])),
        "missing_column.xlsx": to_bytes(_xlsx([["แผนทดสอบ"], [h for h in PLAN_HEADERS if h != "ผลผลิต"],
                                             GOOD_ROW[:3] + GOOD_ROW[4:]])),
        "wrong_types.xlsx": to_bytes(_xlsx([["ส่งออก"], _activities_header(),
                                          [*activity[:1], "สองพันห้าร้อย", *activity[2:13], "ครึ่งหนึ่ง",
                                           *activity[14:]]])),
        "unparseable_date.xlsx": _plan(GOOD_ROW, [None, *GOOD_ROW[1:5], "เร็ว ๆ นี้", *GOOD_ROW[6:]]),
        "number_as_date.xlsx": _plan([*GOOD_ROW[:5], 45381, *GOOD_ROW[6:]]),
        "unknown_indicator.xlsx": _plan(["ตัวชี้วัดที่ ๑๒", *GOOD_ROW[1:]]),
        "first_indicator_blank.xlsx": _plan([None, *GOOD_ROW[1:]]),
        "formula.xlsx": _plan([*GOOD_ROW[:3], "=1+1", *GOOD_ROW[4:]]),
        "merged_cells.xlsx": _merged(),
        "too_many_rows.xlsx": _plan(GOOD_ROW, *([None, GOOD_ROW[1], f"กิจกรรมที่ {n}", *GOOD_ROW[3:]]
                                                for n in range(5_010))),
        "too_big.xlsx": _too_big(),
        "sheet_too_big.xlsx": _sheet_too_big(),
        "not_utf8.csv": "ตัวชี้วัด,กิจกรรม\n1,ทดสอบ\n".encode("cp874"),
        "unknown_oit_code.csv": _csv(_oit_header(), ["O26", "9.1", "", "ข้อใหม่", "", "", "", "", "",
                                                     "not_started", "", "", 1]),
        "oit_done_without_evidence.csv": _csv(_oit_header(), ["O1", "9.1", "โครงสร้าง", "โครงสร้าง", "", "", "",
                                                              "", "", "done", "", "", 1]),
        "unknown_activity_id.csv": _csv(_activities_header(), [9999, *activity[1:]]),
        "duplicate_rows.xlsx": _plan(GOOD_ROW, GOOD_ROW),
        "duplicate_id.csv": _csv(_activities_header(), activity, activity),
        "duplicate_oit_code.csv": _csv(_oit_header(), *[oit_o1] * 2),
        "due_1900.xlsx": _plan([*GOOD_ROW[:5], date(1900, 3, 30), *GOOD_ROW[6:]]),
        "due_2099.csv": _csv(_activities_header(), ["", *new_activity[1:8], "2099-01-01", *new_activity[9:]]),
        "long_note.csv": _csv(_activities_header(), [*new_activity[:14], "x" * 5_001, *new_activity[15:]]),
        "long_cell.csv": _csv(_activities_header(), [*new_activity[:14], "x" * 200_000, *new_activity[15:]]),
        "shared_strings_bomb.xlsx": with_shared_strings(60),
        "ratio_bomb.xlsx": with_shared_strings(20),
    }
    assert set(files) == set(CASES), set(files) ^ set(CASES)
    paths = {}
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    for name, path in build(args.out).items():
        print(f"{path.stat().st_size:>10,} {name}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(REPO))
    main()
