"""The product catalogue and quotes: `product`, `quote` (numbered per year, revisions linked
to what they revise) and `quoteline` (copies of what was offered).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from pipecli.core.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("sku", AutoString(length=64), nullable=False),
        sa.Column("sku_key", AutoString(length=64), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("unit", AutoString(length=32), nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", AutoString(length=3), nullable=False),
        sa.Column("tax_rate", AutoString(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("sku_key", name=op.f("uq_product_sku_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_product_uuid")),
    )
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("number", AutoString(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("revision_of_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("currency", AutoString(length=3), nullable=False),
        sa.Column("status", AutoString(length=10), nullable=False),
        sa.Column("tax_mode", AutoString(length=10), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("terms", AutoString(), nullable=True),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("discount_percent", AutoString(length=20), nullable=True),
        sa.Column("discount_minor", sa.BigInteger(), nullable=True),
        sa.Column("shipping_minor", sa.BigInteger(), nullable=False),
        sa.Column("decline_reason", AutoString(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("declined_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_quote_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_quote_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], name=op.f("fk_quote_deal_id_deal")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_quote_owner_id_user")),
        sa.ForeignKeyConstraint(
            ["revision_of_id"], ["quote.id"], name=op.f("fk_quote_revision_of_id_quote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
        sa.UniqueConstraint("number", name=op.f("uq_quote_number")),
        sa.UniqueConstraint("uuid", name=op.f("uq_quote_uuid")),
        sa.UniqueConstraint("year", "seq", "revision", name=op.f("uq_quote_year_seq_revision")),
    )
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_status"), ["status"], unique=False)

    op.create_table(
        "quoteline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("sku", AutoString(length=64), nullable=True),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("unit", AutoString(length=32), nullable=True),
        sa.Column("qty", AutoString(length=40), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", AutoString(length=20), nullable=False),
        sa.Column("discount_percent", AutoString(length=20), nullable=True),
        sa.Column("discount_minor", sa.BigInteger(), nullable=True),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_quoteline_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quote.id"], name=op.f("fk_quoteline_quote_id_quote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quoteline")),
        sa.UniqueConstraint("uuid", name=op.f("uq_quoteline_uuid")),
    )
    with op.batch_alter_table("quoteline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quoteline_product_id"), ["product_id"], unique=False)
        batch_op.create_index("ix_quoteline_quote_position", ["quote_id", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quoteline", schema=None) as batch_op:
        batch_op.drop_index("ix_quoteline_quote_position")
        batch_op.drop_index(batch_op.f("ix_quoteline_product_id"))

    op.drop_table("quoteline")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_status"))
        batch_op.drop_index(batch_op.f("ix_quote_deal_id"))
        batch_op.drop_index(batch_op.f("ix_quote_contact_id"))
        batch_op.drop_index(batch_op.f("ix_quote_account_id"))

    op.drop_table("quote")
    op.drop_table("product")
