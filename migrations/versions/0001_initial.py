"""initial schema: station plan, OIT items, people, calendar

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:25:15.575270
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fiscal_year',
    sa.Column('be_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('be_year')
    )
    op.create_table('indicator',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name_th', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tool', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_table('station',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_th', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commander_rank', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commander_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commander_position', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_code'), ['code'], unique=True)

    op.create_table('activity',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evidence_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.Integer(), nullable=False),
    sa.Column('issue', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('output', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('awareness', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('cadence_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['indicator'], ['indicator.number'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'fiscal_year', 'seq')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_indicator'), ['indicator'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_station_id'), ['station_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rank', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('variants', sa.JSON(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_station_id'), ['station_id'], unique=False)

    op.create_table('phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('period_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_phase_station_id'), ['station_id'], unique=False)

    op.create_table('sub_indicator',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('indicator', sa.Integer(), nullable=False),
    sa.Column('name_th', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['indicator'], ['indicator.number'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('survey_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('tool', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('min_respondents', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_quota_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_quota_station_id'), ['station_id'], unique=False)

    op.create_table('oit_item',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evidence_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sub_indicator', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('group_heading', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('rhythm_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['sub_indicator'], ['sub_indicator.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'fiscal_year', 'code')
    )
    with op.batch_alter_table('oit_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oit_item_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_oit_item_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oit_item_sub_indicator'), ['sub_indicator'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('oit_item_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('(activity_id IS NULL) <> (oit_item_id IS NULL)', name='assignment_one_target'),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['oit_item_id'], ['oit_item.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_oit_item_id'), ['oit_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_station_id'), ['station_id'], unique=False)

    op.create_table('oit_component',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['oit_item.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'seq')
    )
    with op.batch_alter_table('oit_component', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oit_component_item_id'), ['item_id'], unique=False)

    op.create_table('recurring_duty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('oit_item_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=True),
    sa.Column('interval_days', sa.Integer(), nullable=True),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('(activity_id IS NULL) <> (oit_item_id IS NULL)', name='recurring_duty_one_target'),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['oit_item_id'], ['oit_item.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recurring_duty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recurring_duty_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recurring_duty_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_recurring_duty_oit_item_id'), ['oit_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recurring_duty_station_id'), ['station_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('recurring_duty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recurring_duty_station_id'))
        batch_op.drop_index(batch_op.f('ix_recurring_duty_oit_item_id'))
        batch_op.drop_index(batch_op.f('ix_recurring_duty_fiscal_year'))
        batch_op.drop_index(batch_op.f('ix_recurring_duty_activity_id'))

    op.drop_table('recurring_duty')
    with op.batch_alter_table('oit_component', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oit_component_item_id'))

    op.drop_table('oit_component')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_station_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_person_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_oit_item_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_fiscal_year'))
        batch_op.drop_index(batch_op.f('ix_assignment_activity_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('oit_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oit_item_sub_indicator'))
        batch_op.drop_index(batch_op.f('ix_oit_item_station_id'))
        batch_op.drop_index(batch_op.f('ix_oit_item_fiscal_year'))

    op.drop_table('oit_item')
    with op.batch_alter_table('survey_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_quota_station_id'))
        batch_op.drop_index(batch_op.f('ix_survey_quota_fiscal_year'))

    op.drop_table('survey_quota')
    op.drop_table('sub_indicator')
    with op.batch_alter_table('phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_station_id'))
        batch_op.drop_index(batch_op.f('ix_phase_fiscal_year'))

    op.drop_table('phase')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_station_id'))

    op.drop_table('person')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_station_id'))
        batch_op.drop_index(batch_op.f('ix_activity_indicator'))
        batch_op.drop_index(batch_op.f('ix_activity_fiscal_year'))

    op.drop_table('activity')
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_code'))

    op.drop_table('station')
    op.drop_table('indicator')
    op.drop_table('fiscal_year')
