"""External ids on imported records (re-imports match on them) and the exchange-rate table.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from pipecli.core.models import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fxrate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base", AutoString(length=3), nullable=False),
        sa.Column("quote", AutoString(length=3), nullable=False),
        sa.Column("rate", AutoString(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fxrate")),
        sa.UniqueConstraint(
            "base", "quote", "valid_from", name=op.f("uq_fxrate_base_quote_valid_from")
        ),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_account_external_id"), ["external_id"], unique=False)

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_activity_external_id"), ["external_id"], unique=False)

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_contact_external_id"), ["external_id"], unique=False)

    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_deal_external_id"), ["external_id"], unique=False)

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_lead_external_id"), ["external_id"], unique=False)

    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_task_external_id"), ["external_id"], unique=False)


def downgrade() -> None:
    # each column in place, its index first, not by a batch rebuild: dropping a table to rebuild
    # it is refused by SQLite while other rows refer to it (foreign keys on); SQLite 3.35+ drops
    # an unindexed column directly
    for table in ("task", "lead", "deal", "contact", "activity", "account"):
        op.drop_index(op.f(f"ix_{table}_external_id"), table_name=table)
        op.drop_column(table, "external_id")
    op.drop_table("fxrate")
