"""Owner workload: who carries how many open, overdue and soon-due rows, by role.

Groups (หัวหน้างานทุกสายงาน, สิบเวรทุกนาย …) are listed as groups, never counted as one officer.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ita_core.models import AssignmentRole
from ita_core.plan import is_open
from ita_core.status import Light


def assigned_rows(assignments: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Assignments joined with the lit plan rows: one line per (person, role, row). Assignments to
    a survey quota (collectors) hold no plan row and are left out."""
    assignments = assignments.dropna(subset=["activity_id", "oit_item_id"], how="all")
    target = assignments.assign(
        kind=assignments["activity_id"].notna().map({True: "activity", False: "oit_item"}),
        id=assignments["activity_id"].fillna(assignments["oit_item_id"]).astype(int),
    )
    return target.drop(columns=["activity_id", "oit_item_id"]).merge(rows, on=["kind", "id"], how="inner")


def rows_of(assignments: pd.DataFrame, rows: pd.DataFrame, person_id: int) -> pd.DataFrame:
    """The plan rows one person, position or group holds (each row once, whatever the roles)."""
    mine = assigned_rows(assignments[assignments["person_id"] == person_id], rows)
    return mine.drop_duplicates(["kind", "id"])[rows.columns]


def workload(assignments: pd.DataFrame, rows: pd.DataFrame, as_of: date, overload: int,
             horizon_days: int = 30) -> pd.DataFrame:
    """Per person or group: open, overdue and due-soon rows (a row counts once per person),
    open rows per role, and whether the open count is above ``overload``. Sorted by load."""
    joined = assigned_rows(assignments, rows)
    soon = as_of + timedelta(days=horizon_days)
    joined["open"] = is_open(joined["light"])
    due = pd.to_datetime(joined["judged_due"]).dt.date
    joined["due_soon"] = joined["open"] & due.between(as_of, soon) & (joined["light"] != Light.OVERDUE)
    joined["overdue"] = joined["light"] == Light.OVERDUE
    per_row = joined.drop_duplicates(["person_id", "kind", "id"])
    table = per_row.groupby(["person_id", "name", "person_kind"]).agg(
        open=("open", "sum"), overdue=("overdue", "sum"), due_soon=("due_soon", "sum"),
        total=("id", "size"),
    )
    by_role = joined[joined["open"]].pivot_table(
        index="person_id", columns="role", values="id", aggfunc="count", fill_value=0)
    table = table.reset_index().merge(by_role, left_on="person_id", right_index=True, how="left")
    roles = [r for r in AssignmentRole if r in table.columns]
    table[roles] = table[roles].fillna(0).astype(int)
    table["overloaded"] = (table["person_kind"] != "group") & (table["open"] > overload)
    return table.sort_values(["open", "overdue", "name"], ascending=[False, False, True],
                             ignore_index=True)
