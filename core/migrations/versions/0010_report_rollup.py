# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""report rollup: per officer, unit and month, kept current by triggers

``report_months`` holds what each officer did in each unit and China month; ``report_stale`` the
(officer, month) pairs written since (marked by triggers on attempts, study sessions, ledger
entries and a quiz's mode). The rollup is filled from the existing rows here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from core.models.reports import install_triggers
    from core.reports.rollup import rebuild

    op.create_table(
        'report_months',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('score_sum', sa.Float(), nullable=False),
        sa.Column('passed', sa.Integer(), nullable=False),
        sa.Column('study_seconds', sa.Integer(), nullable=False),
        sa.Column('study_days', sa.Integer(), nullable=False),
        sa.Column('points', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'unit_id', 'officer_id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_report_months_officer_month', 'report_months', ['officer_id', 'month'], unique=False)
    op.create_table(
        'report_stale',
        sa.Column('officer_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('officer_id', 'month'),
    )
    conn = op.get_bind()
    install_triggers(conn)
    rebuild(Session(bind=conn))


def downgrade() -> None:
    from core.models.reports import expected_triggers

    conn = op.get_bind()
    for name in sorted(expected_triggers(conn.dialect.name)):
        if conn.dialect.name == "postgresql":
            table = name.removeprefix("report_mark_")
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('report_stale')
    op.drop_index('ix_report_months_officer_month', table_name='report_months')
    op.drop_table('report_months')
