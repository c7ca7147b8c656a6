"""OIT publication matrix cells, survey counts, score inputs and score history

Four new tables only; no existing table changes (so no server defaults are needed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:06:03.398340
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('score_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('iit', sa.Float(), nullable=True),
    sa.Column('eit', sa.Float(), nullable=True),
    sa.Column('oit', sa.Float(), nullable=True),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'fiscal_year')
    )
    with op.batch_alter_table('score_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_history_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_history_station_id'), ['station_id'], unique=False)

    op.create_table('score_input',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('iit', sa.Float(), nullable=True),
    sa.Column('eit', sa.Float(), nullable=True),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'fiscal_year')
    )
    with op.batch_alter_table('score_input', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_input_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_input_station_id'), ['station_id'], unique=False)

    op.create_table('survey_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('quota_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('collected', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['quota_id'], ['survey_quota.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quota_id', 'day')
    )
    with op.batch_alter_table('survey_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_count_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_count_quota_id'), ['quota_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_count_station_id'), ['station_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_year.be_year'], ),
    sa.ForeignKeyConstraint(['item_id'], ['oit_item.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'month')
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_station_id'), ['station_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_station_id'))
        batch_op.drop_index(batch_op.f('ix_publication_item_id'))
        batch_op.drop_index(batch_op.f('ix_publication_fiscal_year'))

    op.drop_table('publication')
    with op.batch_alter_table('survey_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_count_station_id'))
        batch_op.drop_index(batch_op.f('ix_survey_count_quota_id'))
        batch_op.drop_index(batch_op.f('ix_survey_count_fiscal_year'))

    op.drop_table('survey_count')
    with op.batch_alter_table('score_input', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_input_station_id'))
        batch_op.drop_index(batch_op.f('ix_score_input_fiscal_year'))

    op.drop_table('score_input')
    with op.batch_alter_table('score_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_history_station_id'))
        batch_op.drop_index(batch_op.f('ix_score_history_fiscal_year'))

    op.drop_table('score_history')
