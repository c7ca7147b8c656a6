"""scale: composite indexes for a national database (issue 18) — a station's audit trail by id
(keyset pages), a row's history, and the per-station, per-year reads of publications,
assignments and recurring duties. (item_id, month) of publication is its unique constraint's
index already; activity and oit_item have (station_id, fiscal_year, …) unique constraints.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_audit_log_station_id_id": ("audit_log", ["station_id", "id"]),
    "ix_audit_log_table_name_row_id": ("audit_log", ["table_name", "row_id"]),
    "ix_publication_station_id_fiscal_year": ("publication", ["station_id", "fiscal_year"]),
    "ix_assignment_station_id_fiscal_year": ("assignment", ["station_id", "fiscal_year"]),
    "ix_recurring_duty_station_id_fiscal_year": ("recurring_duty", ["station_id", "fiscal_year"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
