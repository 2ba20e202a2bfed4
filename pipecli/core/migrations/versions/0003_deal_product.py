"""What a deal sells: `deal.product`, for win rates by product and imports that carry one.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("product", AutoString(length=200), nullable=True))


def downgrade() -> None:
    # in place, not by a batch rebuild: dropping "deal" to rebuild it is refused by SQLite while
    # history rows refer to deals (foreign keys on); SQLite 3.35+ drops the column directly
    op.drop_column("deal", "product")
