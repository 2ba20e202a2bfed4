"""Follow-up cadences and the digest ledger; indexes the digest reads by: open tasks by due date
(for everyone and per owner) and the open stages' deals by expected close and time in stage.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from pipecli.core.models import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("every_n", sa.Integer(), nullable=False),
        sa.Column("every_unit", AutoString(length=1), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_followup_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_followup_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_followup_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup")),
        sa.UniqueConstraint("account_id", name=op.f("uq_followup_account_id")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_followup_contact_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_followup_uuid")),
    )
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_owner_id"), ["owner_id"], unique=False)
    op.create_table(
        "digestdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", AutoString(length=10), nullable=False),
        sa.Column("recipient", AutoString(length=500), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("digest_hash", AutoString(length=64), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digestdelivery")),
        sa.UniqueConstraint(
            "channel", "recipient", "day", name=op.f("uq_digestdelivery_channel_recipient_day")
        ),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_open_due", ["done_at", "due_date"], unique=False)
        batch_op.create_index(
            "ix_task_owner_open_due", ["owner_id", "done_at", "due_date"], unique=False
        )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_stage_close", ["stage_id", "expected_close"], unique=False)
        batch_op.create_index(
            "ix_deal_stage_entered", ["stage_id", "stage_entered_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_stage_entered")
        batch_op.drop_index("ix_deal_stage_close")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_owner_open_due")
        batch_op.drop_index("ix_task_open_due")
    op.drop_table("digestdelivery")
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_owner_id"))
    op.drop_table("followup")
