# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""recompute question content hashes

The duplicate-detection hash changed after the first schema: parts are now joined by NUL
(not JSON) and full-width forms are folded by a width fold instead of NFKC. Hashes stored
by the old definition would never match a new import of the same question, so every row
gets the current one (``quizbank.model.content_hashes``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quizbank.model import QType, Question, content_hashes

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_BATCH = 2000

_questions = sa.table(
    "questions",
    sa.column("id", sa.Integer),
    sa.column("qtype", sa.String),
    sa.column("stem", sa.Text),
    sa.column("options", sa.JSON),
    sa.column("content_hash", sa.String),
)


def upgrade() -> None:
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(_questions.c.id, _questions.c.qtype, _questions.c.stem, _questions.c.options)
            .where(_questions.c.id > last).order_by(_questions.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        hashes = content_hashes([Question(QType(r.qtype), r.stem, list(r.options or [])) for r in rows])
        conn.execute(
            _questions.update().where(_questions.c.id == sa.bindparam("row_id")).values(content_hash=sa.bindparam("h")),
            [{"row_id": r.id, "h": h} for r, h in zip(rows, hashes, strict=True)],
        )
        last = rows[-1].id


def downgrade() -> None:
    pass   # the old hashes cannot be rebuilt; they are only used to find duplicates
