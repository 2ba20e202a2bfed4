"""First schema: users, tags, accounts, contacts, leads, pipelines, stages, deals, history,
activities and tasks.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from pipecli.core.models import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("email", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("name", name=op.f("uq_user_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_user_uuid")),
    )

    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )

    op.create_table(
        "pipeline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline")),
        sa.UniqueConstraint("name", name=op.f("uq_pipeline_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_pipeline_uuid")),
    )

    op.create_table(
        "stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("forecast_category", AutoString(length=20), nullable=False),
        sa.Column("outcome", AutoString(length=10), nullable=False),
        sa.Column("rot_days", sa.Integer(), nullable=True),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pipeline_id"], ["pipeline.id"], name=op.f("fk_stage_pipeline_id_pipeline")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage")),
        sa.UniqueConstraint("pipeline_id", "name", name=op.f("uq_stage_pipeline_id_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_stage_uuid")),
    )
    with op.batch_alter_table("stage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_pipeline_id"), ["pipeline_id"], unique=False)

    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("company", AutoString(), nullable=True),
        sa.Column("email", AutoString(), nullable=True),
        sa.Column("phone", AutoString(), nullable=True),
        sa.Column("title", AutoString(), nullable=True),
        sa.Column("source", AutoString(), nullable=True),
        sa.Column("status", AutoString(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", AutoString(length=3), nullable=False),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("converted_at", UTCDateTime(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_lead_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
        sa.UniqueConstraint("uuid", name=op.f("uq_lead_uuid")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_status"), ["status"], unique=False)

    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("domain", AutoString(), nullable=True),
        sa.Column("industry", AutoString(), nullable=True),
        sa.Column("website", AutoString(), nullable=True),
        sa.Column("phone", AutoString(), nullable=True),
        sa.Column("address", AutoString(), nullable=True),
        sa.Column("region", AutoString(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("source", AutoString(), nullable=True),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_account_lead_id_lead")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_account_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("uuid", name=op.f("uq_account_uuid")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("email", AutoString(), nullable=True),
        sa.Column("phone", AutoString(), nullable=True),
        sa.Column("title", AutoString(), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("source", AutoString(), nullable=True),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_contact_account_id_account")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_contact_lead_id_lead")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_contact_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("uuid", name=op.f("uq_contact_uuid")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", AutoString(length=3), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("probability_manual", sa.Boolean(), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("source", AutoString(), nullable=True),
        sa.Column("lost_reason", AutoString(), nullable=True),
        sa.Column("lost_note", AutoString(), nullable=True),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("stage_entered_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_deal_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_deal_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_deal_lead_id_lead")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_deal_owner_id_user")),
        sa.ForeignKeyConstraint(
            ["pipeline_id"], ["pipeline.id"], name=op.f("fk_deal_pipeline_id_pipeline")
        ),
        sa.ForeignKeyConstraint(["stage_id"], ["stage.id"], name=op.f("fk_deal_stage_id_stage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
        sa.UniqueConstraint("uuid", name=op.f("uq_deal_uuid")),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_deal_closed_at", ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_deal_expected_close", ["expected_close"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_deal_pipeline_stage", ["pipeline_id", "stage_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_stage_id"), ["stage_id"], unique=False)

    # lead <-> account/contact/deal reference each other: lead's links are added once all exist.
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_account_id_account"), "account", ["account_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_contact_id_contact"), "contact", ["contact_id"], ["id"]
        )
        batch_op.create_foreign_key(batch_op.f("fk_lead_deal_id_deal"), "deal", ["deal_id"], ["id"])

    op.create_table(
        "taglink",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_taglink_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tag_id", "kind", "record_id", name=op.f("pk_taglink")),
    )
    with op.batch_alter_table("taglink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taglink_record_id"), ["record_id"], unique=False)

    op.create_table(
        "stagechange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("change", AutoString(length=20), nullable=False),
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", AutoString(length=3), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("note", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], name=op.f("fk_stagechange_deal_id_deal")),
        sa.ForeignKeyConstraint(
            ["from_stage_id"], ["stage.id"], name=op.f("fk_stagechange_from_stage_id_stage")
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"], ["stage.id"], name=op.f("fk_stagechange_to_stage_id_stage")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_stagechange_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stagechange")),
        sa.UniqueConstraint("uuid", name=op.f("uq_stagechange_uuid")),
    )
    with op.batch_alter_table("stagechange", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stagechange_at"), ["at"], unique=False)
        batch_op.create_index("ix_stagechange_deal_at", ["deal_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stagechange_to_stage_id"), ["to_stage_id"], unique=False
        )

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("subject", AutoString(), nullable=False),
        sa.Column("body", AutoString(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_activity_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_activity_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], name=op.f("fk_activity_deal_id_deal")),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_activity_lead_id_lead")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_activity_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
        sa.UniqueConstraint("uuid", name=op.f("uq_activity_uuid")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_lead_id"), ["lead_id"], unique=False)

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", AutoString(length=36), nullable=False),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("priority", AutoString(length=10), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_time", sa.Time(), nullable=True),
        sa.Column("repeat", AutoString(), nullable=True),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_task_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_task_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], name=op.f("fk_task_deal_id_deal")),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_task_lead_id_lead")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_task_owner_id_user")),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["task.id"], name=op.f("fk_task_previous_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
        sa.UniqueConstraint("uuid", name=op.f("uq_task_uuid")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lead_account_id_account"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_lead_contact_id_contact"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_lead_deal_id_deal"), type_="foreignkey")
    op.drop_table("task")
    op.drop_table("activity")
    op.drop_table("stagechange")
    op.drop_table("taglink")
    op.drop_table("deal")
    op.drop_table("contact")
    op.drop_table("account")
    op.drop_table("lead")
    op.drop_table("stage")
    op.drop_table("pipeline")
    op.drop_table("tag")
    op.drop_table("user")
