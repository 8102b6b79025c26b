# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""on-stage contests

A contest row holds its set-up (teams, rounds, drawn questions) as JSON; every host action, buzz
and ruling is a contest_events row, numbered per contest, so a restarted console replays them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('finished_at', core.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['officers.id'], name=op.f('fk_contests_created_by_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_contests_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests'))
    )
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contests_unit_id'), ['unit_id'], unique=False)

    op.create_table('contest_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('contest_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['officers.id'], name=op.f('fk_contest_events_actor_id_officers')),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_events_contest_id_contests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_events')),
    sa.UniqueConstraint('contest_id', 'seq', name=op.f('uq_contest_events_contest_id_seq'))
    )
    with op.batch_alter_table('contest_events', schema=None) as batch_op:
        batch_op.create_index('ix_contest_events_kind', ['contest_id', 'kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('contest_events', schema=None) as batch_op:
        batch_op.drop_index('ix_contest_events_kind')

    op.drop_table('contest_events')
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contests_unit_id'))

    op.drop_table('contests')
