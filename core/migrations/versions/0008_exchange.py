# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""offline PCs: installations and exchanged packages

``installations``: this database's own exchange key (private half sealed under a passphrase) and
the other installations an administrator trusted; ``exchanges``: every exam or results package
exported or imported (core.exchange).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.models.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'installations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('public_key', sa.Text(), nullable=False),
        sa.Column('private_key', sa.Text(), nullable=True),
        sa.Column('own', sa.Boolean(), nullable=False),
        sa.Column('trusted', sa.Boolean(), nullable=False),
        sa.Column('trusted_by', sa.Integer(), nullable=True),
        sa.Column('trusted_at', core.models.base.UTCDateTime(), nullable=True),
        sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['trusted_by'], ['officers.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fingerprint'),
    )
    op.create_table(
        'exchanges',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('package_id', sa.Uuid(), nullable=False),
        sa.Column('direction', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('peer_id', sa.Uuid(), nullable=True),
        sa.Column('peer_name', sa.String(length=200), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('conflicts', sa.JSON(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', core.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['officers.id'], ),
        sa.ForeignKeyConstraint(['peer_id'], ['installations.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.create_index('ix_exchanges_peer_at', ['peer_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.drop_index('ix_exchanges_peer_at')
    op.drop_table('exchanges')
    op.drop_table('installations')
