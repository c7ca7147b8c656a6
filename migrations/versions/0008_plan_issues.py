"""the plan's issues per indicator (plan_issue), and assignments to a survey quota

plan_issue holds the table ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา of a station's plan, one row per
indicator and issue. An assignment may now point at a survey quota (the collectors of a
department's respondents): survey_quota_id, and the check that exactly one target is set.
Existing databases get no rows: the seed's issues and collectors come with a fresh load.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TWO_TARGETS = '(activity_id IS NULL) <> (oit_item_id IS NULL)'
THREE_TARGETS = ' + '.join(f'(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)'
                           for column in ('activity_id', 'oit_item_id', 'survey_quota_id')) + ' = 1'


def upgrade() -> None:
    op.create_table('plan_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['indicator'], ['indicator.number'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_issue_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_issue_indicator'), ['indicator'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_issue_station_id'), ['station_id'], unique=False)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_quota_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_assignment_survey_quota_id'), ['survey_quota_id'], unique=False)
        batch_op.create_foreign_key('fk_assignment_survey_quota_id', 'survey_quota',
                                    ['survey_quota_id'], ['id'])
        batch_op.drop_constraint('assignment_one_target', type_='check')
        batch_op.create_check_constraint('assignment_one_target', THREE_TARGETS)


def downgrade() -> None:
    op.execute('DELETE FROM assignment WHERE survey_quota_id IS NOT NULL')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint('assignment_one_target', type_='check')
        batch_op.create_check_constraint('assignment_one_target', TWO_TARGETS)
        batch_op.drop_constraint('fk_assignment_survey_quota_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assignment_survey_quota_id'))
        batch_op.drop_column('survey_quota_id')

    with op.batch_alter_table('plan_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_issue_station_id'))
        batch_op.drop_index(batch_op.f('ix_plan_issue_indicator'))
        batch_op.drop_index(batch_op.f('ix_plan_issue_fiscal_year'))

    op.drop_table('plan_issue')
