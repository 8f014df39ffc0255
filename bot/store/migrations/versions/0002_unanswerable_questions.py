"""Questions a fact is close to but the sources do not answer (the bot declines them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="ask", nullable=False))


def downgrade() -> None:
    op.execute("DELETE FROM questions WHERE kind <> 'ask'")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("kind")
