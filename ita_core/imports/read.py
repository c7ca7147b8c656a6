"""Reading a file into a preview: find each sheet's layout, read it, and warn about the year.

Nothing here writes; :mod:`.commit` reads the file again through :func:`preview` and writes
what it plans.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from ita_core import queries, services
from ita_core.framework import framework_of, missing_framework_th, missing_from_catalogue
from ita_core.imports.detect import detect_layout, wrong_columns
from ita_core.imports.export_layout import IMPORTABLE, READ_ONLY, read_export_sheet
from ita_core.imports.model import ImportContext, Preview
from ita_core.imports.plan_layout import read_plan_sheet
from ita_core.settings import Settings
from ita_core.sheet_reader import FileRefused, Problem, read_sheets
from ita_core.thai_dates import fiscal_year_bounds, fiscal_year_of, format_be


def import_year(session: Session, station_id: int, wanted: int | None) -> int:
    """The fiscal year a plan file goes into: the web import page's rule for ``ita import`` and
    ``ita init --from-plan`` too.

    Any valid BE year (``services.check_fiscal_year``): a year the station has no plan for yet is
    opened by :func:`~ita_core.imports.commit.commit` through ``services.ensure_fiscal_year``, so
    a new station can bring its first plan. Without ``wanted``: the station's newest plan year,
    else the newest year any station has, else the current fiscal year.
    """
    if wanted is not None:
        services.check_fiscal_year(wanted)
        return wanted
    own = queries.fiscal_years(session, station_id) or queries.all_fiscal_years(session)
    return own[0].be_year if own else fiscal_year_of(today())


def today() -> date:
    """The import's clock: the years a plan may be filed for start from it (tests replace it)."""
    return date.today()


def offered_years(session: Session, station_id: int) -> list[int]:
    """The fiscal years a plan may be imported into on the web page, newest first: the station's
    own, any other station's, and this fiscal year −1 to +2, so a plan for next year (or the
    year after, filed early) can be brought on the clock of this one."""
    this_year = fiscal_year_of(today())
    known = {fy.be_year for fy in queries.fiscal_years(session, station_id)}
    known |= {fy.be_year for fy in queries.all_fiscal_years(session)}
    return sorted(known | set(range(this_year - 1, this_year + 3)), reverse=True)


def preview(session: Session, data: bytes, file_name: str, *, station_id: int, fiscal_year: int,
            settings: Settings, dates_outside_year_intended: bool = False) -> Preview:
    """Read ``data`` and compare it with the station's plan of ``fiscal_year``; writes nothing.

    ``dates_outside_year_intended``: the admin said due dates beyond the year ± one are meant, so
    such rows are warned about and imported instead of refused (see ``model.due_date_kept``)."""
    result = Preview(file_name, station_id, fiscal_year)
    try:
        sheets = read_sheets(data, file_name, settings)
    except FileRefused as refused:
        result.errors = refused.problems
        return result
    context = ImportContext(session, station_id, fiscal_year,
                            dates_outside_year_intended=dates_outside_year_intended)
    found = False
    for sheet in sheets:
        if not any(sheet.rows):
            continue
        layout, header_row = detect_layout(sheet)
        if layout in IMPORTABLE:
            found = True
            result.layout = result.layout or "export"
            read_export_sheet(sheet, header_row=header_row, table=layout, context=context, result=result)
        elif layout == "plan":
            found = True
            result.layout = result.layout or "plan"
            read_plan_sheet(sheet, header_row=header_row, context=context, result=result)
        elif layout in READ_ONLY:
            result.warnings.append(Problem("ตารางนี้เป็นข้อมูลอ่านอย่างเดียว ไม่ได้นำเข้า", sheet=sheet.name))
        else:
            result.errors.append(wrong_columns(sheet))
    for row in result.rows:
        row.owners = sorted(context.assigned_to(row))
    _warn_out_of_year(result)
    _check_framework(session, result)
    if not found and not result.errors:
        result.errors.append(Problem(f"ไฟล์ {file_name} ไม่มีข้อมูลที่นำเข้าได้ (ไฟล์ว่างหรือมีแต่แผ่นงานว่าง)"))
    elif found and not result.rows and not result.errors:
        result.errors.append(Problem(f"ไฟล์ {file_name} มีหัวตารางแต่ไม่มีแถวข้อมูล"))
    return result


def _check_framework(session: Session, result: Preview) -> None:
    """A plan starts from its year's framework: without one the import is refused, naming the
    command that makes it; with one, the catalogue's OIT items the station lacks are announced (the
    commit adds them, unassigned)."""
    if framework_of(session, result.fiscal_year) is None:
        result.errors.append(Problem(missing_framework_th(session, result.fiscal_year)))
        return
    missing = [entry.code for entry in missing_from_catalogue(session, result.station_id, result.fiscal_year)]
    if missing:
        codes = ", ".join(missing) if len(missing) <= 3 else f"{missing[0]}–{missing[-1]}"
        result.warnings.append(Problem(
            f"สถานียังไม่มีรายการ OIT {len(missing)} รายการของเกณฑ์ปี {result.fiscal_year} ({codes}): "
            "จะเพิ่มให้พร้อมองค์ประกอบเมื่อนำเข้า โดยยังไม่มอบหมายผู้รับผิดชอบ"))


def _warn_out_of_year(result: Preview) -> None:
    """One warning for new due dates outside the chosen fiscal year: a plan of 2567 brought into
    2570 would be all overdue, so the secretary most likely picked the wrong year."""
    start, end = fiscal_year_bounds(result.fiscal_year)
    due = [(row, row.changes["due_date"][1]) for row in result.rows if "due_date" in row.changes]
    outside = [(row, day) for row, day in due if isinstance(day, date) and not start <= day <= end]
    if not outside:
        return
    examples = ", ".join(f"แถว {row.row} ({format_be(day)})" for row, day in outside[:3])
    result.warnings.append(Problem(
        f"{len(outside)} แถวมีกำหนดเสร็จนอกปีงบประมาณ {result.fiscal_year} "
        f"({format_be(start)} – {format_be(end)}) เช่น {examples}: ตรวจว่าเลือกปีงบประมาณตรงกับแผนในไฟล์",
        sheet=outside[0][0].sheet))
