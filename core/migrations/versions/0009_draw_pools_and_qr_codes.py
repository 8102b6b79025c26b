# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""draw pools and kept QR codes: banks.draw_token with its triggers, certificates.qr_code

Drawing a paper keeps each section's candidate ids in memory (core/quiz/pools.py) and checks
them against ``banks.draw_token``: triggers give it a new random value when a question of the
bank is updated or deleted (and inserted, on PostgreSQL), whoever writes it.

A certificate keeps the QR code of its signature, encoded once when signed
(core/certificates/codes.py); older certificates get theirs when next signed, and print with a
code encoded on the fly until then.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_DRAWN = "bank_id, qtype, is_current, active, category, tags, difficulty"
SQLITE = (
    f"CREATE TRIGGER questions_draw_update AFTER UPDATE OF {_DRAWN} ON questions BEGIN "
    "UPDATE banks SET draw_token = random() WHERE id IN (old.bank_id, new.bank_id); END",
    "CREATE TRIGGER questions_draw_delete AFTER DELETE ON questions BEGIN "
    "UPDATE banks SET draw_token = random() WHERE id = old.bank_id; END",
)
_PG_TOKEN = "floor(random() * 9.0e18)::bigint"
POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION questions_draw_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' THEN UPDATE banks SET draw_token = {_PG_TOKEN} "
    "WHERE id IN (SELECT bank_id FROM old_rows); END IF; "
    f"IF TG_OP <> 'DELETE' THEN UPDATE banks SET draw_token = {_PG_TOKEN} "
    "WHERE id IN (SELECT bank_id FROM new_rows); END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER questions_draw_insert AFTER INSERT ON questions REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION questions_draw_touch()",
    "CREATE TRIGGER questions_draw_update AFTER UPDATE ON questions REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION questions_draw_touch()",
    "CREATE TRIGGER questions_draw_delete AFTER DELETE ON questions REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION questions_draw_touch()",
)


def upgrade() -> None:
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw_token', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
    for sql in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(sql)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qr_code', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('qr_code')
    for name in ("questions_draw_insert", "questions_draw_update", "questions_draw_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if op.get_bind().dialect.name == "sqlite" else " ON questions"))
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS questions_draw_touch()")
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.drop_column('draw_token')

