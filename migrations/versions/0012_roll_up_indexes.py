"""roll-up: a covering index of each year's live plan rows, for the province roll-up (issue 18)

At 1,500 stations the roll-up (``ita_core.province.indicator_counts``) and the OIT share read a
year's live activities and OIT items of every station. Each row is about 1 kB wide and a year's
rows lie on a third of the table's pages, so the per-year index led PostgreSQL to visit some
6,000–7,000 heap pages per table. These indexes hold, for the live rows (deleted_at IS NULL),
(fiscal_year, station_id) and on PostgreSQL also every column the roll-up reads (INCLUDE), so
PostgreSQL answers from the index alone (an index-only scan). SQLite has no INCLUDE; it gets
the partial (fiscal_year, station_id) index. A third index lists a year's recurring duties by their
rhythm (kind, day, interval, first and last day), so the roll-up's DISTINCT rhythms of the year
read the index, not the table (about 0.1 s → 0.02 s at 1,500 stations).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "deleted_at IS NULL"
# name: (table, the columns the roll-up reads besides the key), mirrored in ita_core/models.py
INDEXES = {
    "ix_activity_live_fiscal_year_station_id": (
        "activity", ["id", "indicator", "status", "progress", "due_date", "start_date"]),
    "ix_oit_item_live_fiscal_year_station_id": (
        "oit_item", ["id", "sub_indicator", "status", "progress", "evidence_url", "due_date", "start_date"]),
}


RHYTHM = "ix_recurring_duty_fiscal_year_rhythm"


def upgrade() -> None:
    for name, (table, included) in INDEXES.items():
        op.create_index(name, table, ["fiscal_year", "station_id"], unique=False,
                        postgresql_include=included, postgresql_where=sa.text(LIVE),
                        sqlite_where=sa.text(LIVE))
    op.create_index(RHYTHM, "recurring_duty", ["fiscal_year", "kind", "day", "interval_days", "start", "end"],
                    unique=False, postgresql_include=["station_id"])


def downgrade() -> None:
    op.drop_index(RHYTHM, table_name="recurring_duty")
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
