# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""trust on shared PCs: signing keys, login throttle, audit PC, owners; attempt races closed

* ``signing_keys`` (Ed25519; the private key only encrypted) and ``certificates.key_id`` /
  ``legacy_signature``. The old HMAC key stays in ``secrets`` until an administrator sets up a
  key, which countersigns the older certificates and then deletes it (core/certificates/keys.py).
* ``login_throttle``: failed logins per badge as typed, shared by every PC.
* ``audit_log.pc`` and the audit page's indexes.
* ``banks.owner_unit_id`` and ``quizzes.owner_unit_id``: existing ones stay the whole
  organisation's (NULL), managed by administrators (core/access/ownership.py).
* Attempts: ``(quiz_id, officer_id, number)`` unique, and at most one open attempt per officer and
  quiz. An earlier race could break both: duplicate numbers are renumbered in start order, and of
  two open attempts at one quiz the newer is marked ``void`` (its answers are kept).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_attempts = sa.table(
    "attempts",
    sa.column("id", sa.Uuid),
    sa.column("quiz_id", sa.Integer),
    sa.column("officer_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("status", sa.String),
    sa.column("started_at", core.models.base.UTCDateTime),
)


def _settle_attempt_races() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_attempts.c.id, _attempts.c.quiz_id, _attempts.c.officer_id, _attempts.c.number,
                                  _attempts.c.status)
                        .order_by(_attempts.c.quiz_id, _attempts.c.officer_id, _attempts.c.started_at,
                                  _attempts.c.id)).all()
    groups: dict[tuple[int, int], list[sa.Row]] = {}
    for row in rows:
        groups.setdefault((row.quiz_id, row.officer_id), []).append(row)
    for group in groups.values():
        if len({r.number for r in group}) != len(group):
            for n, r in enumerate(group, start=1):
                if r.number != n:
                    conn.execute(_attempts.update().where(_attempts.c.id == r.id).values(number=n))
        open_ones = [r for r in group if r.status == "in_progress"]
        for r in open_ones[1:]:
            conn.execute(_attempts.update().where(_attempts.c.id == r.id).values(status="void"))


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('badge', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('locked_until', core.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('badge', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'), ['last_failure_at'], unique=False)

    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('private_key', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('retired_at', core.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_signing_keys_fingerprint'))
    )
    _settle_attempt_races()
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index('uq_attempts_one_open', ['quiz_id', 'officer_id'], unique=True,
                              sqlite_where=sa.text("status = 'in_progress'"),
                              postgresql_where=sa.text("status = 'in_progress'"))
        batch_op.create_unique_constraint('uq_attempts_quiz_officer_number', ['quiz_id', 'officer_id', 'number'])

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pc', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index('ix_audit_log_action_at', ['action', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_id'], unique=False)

    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_banks_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_banks_owner_unit_id_units'), 'units', ['owner_unit_id'], ['id'])

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('legacy_signature', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_key_id_signing_keys'), 'signing_keys', ['key_id'],
                                    ['id'])

    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_quizzes_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_quizzes_owner_unit_id_units'), 'units', ['owner_unit_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_quizzes_owner_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_quizzes_owner_unit_id'))
        batch_op.drop_column('owner_unit_id')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_key_id_signing_keys'), type_='foreignkey')
        batch_op.drop_column('legacy_signature')
        batch_op.drop_column('key_id')

    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_banks_owner_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_banks_owner_unit_id'))
        batch_op.drop_column('owner_unit_id')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')
        batch_op.drop_index('ix_audit_log_actor_at')
        batch_op.drop_index('ix_audit_log_action_at')
        batch_op.drop_column('pc')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_attempts_quiz_officer_number', type_='unique')
        batch_op.drop_index('uq_attempts_one_open', sqlite_where=sa.text("status = 'in_progress'"),
                            postgresql_where=sa.text("status = 'in_progress'"))

    op.drop_table('signing_keys')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))

    op.drop_table('login_throttle')
