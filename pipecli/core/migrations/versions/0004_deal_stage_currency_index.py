"""Deals indexed by (stage_id, currency) instead of stage_id alone: reports sum the deals of a
few stages per currency, and read in this order they need neither a join nor a sort.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_stage_currency", ["stage_id", "currency"], unique=False)
        batch_op.drop_index(batch_op.f("ix_deal_stage_id"))


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_stage_id"), ["stage_id"], unique=False)
        batch_op.drop_index("ix_deal_stage_currency")
