"""Optimistic concurrency: every table whose rows change in place gets a `version` counter (1 for
the rows already stored), and the tables with `updated_at` get `updated_by`, the acting user of
the row's last change (unknown, NULL, for changes made before this revision). Downgrading drops
the columns only; no other data is touched.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = ("account", "contact", "lead", "deal", "task", "product", "quote")
VERSIONED = (*AUDITED, "user", "pipeline", "stage", "activity", "quoteline", "followup")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )
            if table in AUDITED:
                batch_op.add_column(sa.Column("updated_by", AutoString(length=200), nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35 has it): batch mode would copy and drop
    # whole tables, which other tables' foreign keys forbid while the rows are there
    for table in VERSIONED:
        if table in AUDITED:
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN updated_by')
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN version')
