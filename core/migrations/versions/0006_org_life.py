# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""organisation life: group sessions, attendance, 补学 and 心得体会

Group sessions with their kinds (as data), attendance and attachments; reflection tasks and
reflections; and ``study_sessions.group_session_id``, which marks attendance credited as study time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('org_session_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('credits_study', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_session_kinds')),
    sa.UniqueConstraint('code', name=op.f('uq_org_session_kinds_code'))
    )
    op.create_table('rating_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('min_score', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_bands')),
    sa.UniqueConstraint('stars', name=op.f('uq_rating_bands_stars'))
    )
    op.create_table('rating_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_criteria')),
    sa.UniqueConstraint('metric', name=op.f('uq_rating_criteria_metric'))
    )
    op.create_table('branch_ratings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('computed_score', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('adjust_reason', sa.String(length=300), nullable=False),
    sa.Column('adjusted_by', sa.Integer(), nullable=True),
    sa.Column('computed_at', UTCDateTime(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['adjusted_by'], ['officers.id'], name=op.f('fk_branch_ratings_adjusted_by_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_branch_ratings_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_ratings')),
    sa.UniqueConstraint('period', 'unit_id', name=op.f('uq_branch_ratings_period_unit_id'))
    )
    with op.batch_alter_table('branch_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_branch_ratings_unit', ['unit_id', 'period'], unique=False)

    op.create_table('org_sessions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', UTCDateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('speaker', sa.String(length=64), nullable=False),
    sa.Column('material_ids', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['officers.id'], name=op.f('fk_org_sessions_created_by_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_org_sessions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_sessions'))
    )
    with op.batch_alter_table('org_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_org_sessions_unit_day', ['unit_id', 'day'], unique=False)

    op.create_table('org_attendance',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('made_up_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_org_attendance_officer_id_officers')),
    sa.ForeignKeyConstraint(['session_id'], ['org_sessions.id'], name=op.f('fk_org_attendance_session_id_org_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_attendance')),
    sa.UniqueConstraint('session_id', 'officer_id', name=op.f('uq_org_attendance_session_id_officer_id'))
    )
    with op.batch_alter_table('org_attendance', schema=None) as batch_op:
        batch_op.create_index('ix_org_attendance_officer', ['officer_id', 'status'], unique=False)

    op.create_table('org_session_files',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['org_sessions.id'], name=op.f('fk_org_session_files_session_id_org_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_session_files'))
    )
    with op.batch_alter_table('org_session_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_session_files_session_id'), ['session_id'], unique=False)

    op.create_table('reflection_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('min_chars', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['officers.id'], name=op.f('fk_reflection_tasks_created_by_officers')),
    sa.ForeignKeyConstraint(['material_id'], ['materials.id'], name=op.f('fk_reflection_tasks_material_id_materials'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['org_sessions.id'], name=op.f('fk_reflection_tasks_session_id_org_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reflection_tasks_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflection_tasks'))
    )
    with op.batch_alter_table('reflection_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflection_tasks_unit_id'), ['unit_id'], unique=False)

    op.create_table('reflections',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('review_comment', sa.String(length=500), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', UTCDateTime(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_reflections_officer_id_officers')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['officers.id'], name=op.f('fk_reflections_reviewer_id_officers')),
    sa.ForeignKeyConstraint(['task_id'], ['reflection_tasks.id'], name=op.f('fk_reflections_task_id_reflection_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reflections_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflections')),
    sa.UniqueConstraint('task_id', 'officer_id', name=op.f('uq_reflections_task_id_officer_id'))
    )
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.create_index('ix_reflections_unit_submitted', ['unit_id', 'submitted_at'], unique=False)

    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_session_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_study_sessions_group_session_id'), ['group_session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_study_sessions_group_session_id_org_sessions'), 'org_sessions', ['group_session_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_study_sessions_group_session_id_org_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_study_sessions_group_session_id'))
        batch_op.drop_column('group_session_id')

    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_index('ix_reflections_unit_submitted')

    op.drop_table('reflections')
    with op.batch_alter_table('reflection_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflection_tasks_unit_id'))

    op.drop_table('reflection_tasks')
    with op.batch_alter_table('org_session_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_session_files_session_id'))

    op.drop_table('org_session_files')
    with op.batch_alter_table('org_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_org_attendance_officer')

    op.drop_table('org_attendance')
    with op.batch_alter_table('org_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_org_sessions_unit_day')

    op.drop_table('org_sessions')
    with op.batch_alter_table('branch_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_branch_ratings_unit')

    op.drop_table('branch_ratings')
    op.drop_table('rating_criteria')
    op.drop_table('rating_bands')
    op.drop_table('org_session_kinds')
