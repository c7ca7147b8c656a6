"""Tables with their downloads: exactly the rows a page shows, as CSV and Excel.

Stored words (a status such as ``done``) are shown as their Thai labels, the same words the
Thai downloads carry (``ita_core.exports.in_words``); dates in the app's one BE style.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ita_core.exports import COLUMNS, in_words, plan_workbook_bytes, to_csv_bytes, to_xlsx_bytes
from ita_core.oit_matrix import link_target
from ita_core.settings import get_settings
from ita_core.status import LABEL_TH, badge
from ita_core.thai_dates import format_be, in_app_style
from ita_ui.context import Context
from ita_ui.engine import reading

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show_rows(rows: pd.DataFrame, key: str, title: str = "") -> None:
    """The standard table of lit rows with CSV and Excel downloads of exactly these rows."""
    keys = [k for k, _ in COLUMNS["plan-rows"]]
    table = in_words(rows[keys], "plan-rows", "th")
    table["light"] = table["light"].map(badge)
    table["sub_indicator"] = table["sub_indicator"].fillna("")  # activities have none
    table["judged_due"] = table["judged_due"].map(lambda d: format_be(d) if isinstance(d, date) else "")
    table["due_text"] = table["due_text"].map(in_app_style)  # one date style beside judged_due
    table["evidence_url"] = table["evidence_url"].map(http_link)  # the link column opens http(s) only
    table = table.rename(columns=dict(COLUMNS["plan-rows"]))
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "ความคืบหน้า (%)": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%"),
            "ลิงก์หลักฐาน": st.column_config.LinkColumn(),
            "เรื่อง": st.column_config.TextColumn(width="large"),
        },
    )
    download_table(rows[keys].assign(light=rows["light"].map(LABEL_TH)), "plan-rows", key, title)


def http_link(url: object) -> str | None:
    """A stored URL for a LinkColumn: itself when it is an http(s) URL, else None (no link to a
    ``javascript:`` or ``data:`` address; the text stays in the downloads and the edit form)."""
    return str(url) if link_target(url) else None


def download_table(frame: pd.DataFrame, table: str, key: str, title: str,
                   columns: list[tuple[str, str]] | None = None) -> None:
    """CSV and Excel buttons for exactly the rows a page shows (``table`` names the export columns,
    or ``columns`` gives them for tables whose columns vary). The files are built when clicked, not
    at every run: sizing an Excel sheet's columns took seconds of the OIT matrix page (issue 18)."""
    left, right = st.columns(2)
    left.download_button("⬇️ CSV", lambda: to_csv_bytes(frame, table, "th", columns), file_name=f"{key}.csv",
                         mime="text/csv", key=f"{key}_csv", width="stretch", on_click="ignore")
    right.download_button("⬇️ Excel", lambda: to_xlsx_bytes(frame, table, "th", title, columns),
                          file_name=f"{key}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", width="stretch",
                          on_click="ignore")


def plan_workbook_download(context: Context) -> None:
    """The whole ITA plan as one styled workbook at the page's as-of date, built when clicked."""
    settings = get_settings()

    def build() -> bytes:
        with reading() as session:
            return plan_workbook_bytes(session, context.station_id, context.fiscal_year, context.as_of,
                                       settings)

    st.download_button("⬇️ แผน ITA ทั้งฉบับ (Excel)", build, key="plan_workbook", mime=XLSX_MIME,
                       file_name=f"ita-plan-{context.fiscal_year}-{context.as_of.isoformat()}.xlsx",
                       on_click="ignore", help="สรุปสัญญาณไฟรายตัวชี้วัด ณ วันที่เลือก และทุกตารางของแผน พร้อมพิมพ์")
