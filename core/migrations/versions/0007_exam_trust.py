# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""exams people can trust: answer-key regrades and lockdown departures

* ``attempt_items.original_question_id``: the version a paper was drawn with, once a regrade
  moved the item to a corrected version (core/quiz/regrade.py).
* ``quiz_regrades`` and ``quiz_regrade_changes``: each regrade, its reason and what it changed.
* ``quizzes.lockdown`` / ``leave_limit`` and ``attempt_departures``: lockdown exam mode
  (core/quiz/lockdown.py).
* ``paper_versions`` and ``attempts.paper_version_id``: printed paper versions and the attempts
  entered from them (core/quiz/paper.py).
* ``banks.exam_only``: banks kept out of practice until their exams closed (core/quiz/exam_only.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.models.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'quiz_regrades',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('quiz_ids', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('at', core.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['officers.id'], name=op.f('fk_quiz_regrades_actor_id_officers')),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_quiz_regrades_question_id_questions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_regrades')),
    )
    op.create_table(
        'quiz_regrade_changes',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('regrade_id', sa.Uuid(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Uuid(), nullable=True),
        sa.Column('score_before', sa.Float(), nullable=True),
        sa.Column('score_after', sa.Float(), nullable=True),
        sa.Column('passed_before', sa.Boolean(), nullable=True),
        sa.Column('passed_after', sa.Boolean(), nullable=True),
        sa.Column('points_before', sa.Float(), nullable=False),
        sa.Column('points_after', sa.Float(), nullable=False),
        sa.Column('certificate', sa.String(length=20), nullable=False),
        sa.Column('serial', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'],
                                name=op.f('fk_quiz_regrade_changes_attempt_id_attempts')),
        sa.ForeignKeyConstraint(['officer_id'], ['officers.id'],
                                name=op.f('fk_quiz_regrade_changes_officer_id_officers')),
        sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_regrade_changes_quiz_id_quizzes')),
        sa.ForeignKeyConstraint(['regrade_id'], ['quiz_regrades.id'], ondelete='CASCADE',
                                name=op.f('fk_quiz_regrade_changes_regrade_id_quiz_regrades')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_regrade_changes')),
    )
    with op.batch_alter_table('quiz_regrade_changes', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_regrade_changes_attempt', ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_regrade_changes_regrade_id'), ['regrade_id'], unique=False)
    op.create_table(
        'attempt_departures',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('attempt_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('left_at', core.models.base.UTCDateTime(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], ondelete='CASCADE',
                                name=op.f('fk_attempt_departures_attempt_id_attempts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_departures')),
    )
    with op.batch_alter_table('attempt_departures', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_departures_attempt', ['attempt_id', 'left_at'], unique=False)
    op.create_table(
        'paper_versions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['officers.id'], name=op.f('fk_paper_versions_created_by_officers')),
        sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], ondelete='CASCADE',
                                name=op.f('fk_paper_versions_quiz_id_quizzes')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_versions')),
        sa.UniqueConstraint('quiz_id', 'code', name='uq_paper_versions_quiz_code'),
    )
    with op.batch_alter_table('paper_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_versions_quiz_id'), ['quiz_id'], unique=False)
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_version_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attempts_paper_version_id_paper_versions'), 'paper_versions',
                                    ['paper_version_id'], ['id'])
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_question_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attempt_items_original_question_id_questions'), 'questions',
                                    ['original_question_id'], ['id'])
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exam_only', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lockdown', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('leave_limit', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('leave_limit')
        batch_op.drop_column('lockdown')
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.drop_column('exam_only')
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempt_items_original_question_id_questions'), type_='foreignkey')
        batch_op.drop_column('original_question_id')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempts_paper_version_id_paper_versions'), type_='foreignkey')
        batch_op.drop_column('paper_version_id')
    op.drop_table('paper_versions')
    op.drop_table('attempt_departures')
    op.drop_table('quiz_regrade_changes')
    op.drop_table('quiz_regrades')
