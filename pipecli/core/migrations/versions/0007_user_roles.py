"""Users get a role (rep, manager, admin) and a removal date: a removed user keeps the closed
deals that name them for reports but is no longer offered as an owner.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from pipecli.core.models import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN on both backends: a batch table rebuild would drop "user", which every
    # record refers to (SQLite refuses that with foreign keys on)
    op.add_column(
        "user", sa.Column("role", AutoString(length=10), nullable=False, server_default="rep")
    )
    op.add_column("user", sa.Column("removed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops an unindexed column in place (no rebuild; see upgrade)
    op.drop_column("user", "removed_at")
    op.drop_column("user", "role")
