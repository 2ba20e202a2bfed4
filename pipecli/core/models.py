"""SQLModel tables: the one description of what pipecli stores.

Conventions, held by every table:
- `id` is the integer key users type; `uuid` is the stable identity for export/import round trips;
  `external_id` is the record's id in the system it was imported from (re-imports match on it).
- Event times are UTC (`UTCDateTime` stores naive UTC and returns aware UTC, the same on SQLite and
  PostgreSQL); business dates (expected close, due date, birthday) are plain dates.
- Money is an integer count of the currency's minor units (`amount_minor` + `currency`), so sums in
  SQL are exact on both backends; `pipecli.core.money` converts to and from `Decimal`.
- Delete means archive: `archived_at` is set, the row stays.
- The schema is changed only by an Alembic migration (pipecli/core/migrations).

Customer-service cases, segments and campaigns are meant to arrive as new tables beside these,
linked by the same `account_id`/`contact_id` keys; `TagLink` and `Activity` are already generic
over record kinds.
"""

from __future__ import annotations

import uuid as uuid_mod
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, MetaData, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class Table(SQLModel):
    """Base of every table: pydantic's validation schema is built on first use, not at import
    (table models are not validated on construction), which keeps CLI start-up short."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class Versioned(Table):
    """Base of every table whose rows are changed in place: `version` counts the row's changes.

    SQLAlchemy's `version_id_col` adds `WHERE version = <the version read>` to each ORM UPDATE
    (and DELETE) and bumps it, so a write from a stale read matches no row and raises
    `StaleDataError`, which the workspace turns into a Conflict naming the record (exit 4): no
    update is ever lost. Core UPDATEs bump it themselves (`version=table.c.version + 1`). Inserts
    need not set it: it defaults to 1 (a server default too, for Core inserts)."""

    # no client-side column default: Core inserts that do not name it (the batched writers
    # compile one statement for their keys) leave it to the server default
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1", "default": None})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Audited(Versioned):
    """A versioned table with `updated_at`: `updated_by` names the acting user of the row's last
    change (set for every ORM write by the workspace's flush hook), so a conflict can say who."""

    updated_by: str | None = Field(default=None, max_length=200)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def new_uuid() -> str:
    return str(uuid_mod.uuid4())


def _uuid_field() -> Any:
    return Field(default_factory=new_uuid, max_length=36, unique=True)


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _late_fk(target: str) -> ForeignKey:
    return ForeignKey(target, use_alter=True)


def _money() -> Any:
    return Field(default=None, sa_type=BigInteger)


class User(Versioned, table=True):
    """An owner of records: a sales rep or anyone else who works the pipeline."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    name: str = Field(unique=True)
    email: str | None = None
    role: str = Field(default="rep", max_length=10, sa_column_kwargs={"server_default": "rep"})
    created_at: datetime = _ts()
    removed_at: datetime | None = _ts(nullable=True)


class Tag(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class TagLink(Table, table=True):
    """A tag on any record: `kind` names the table (deal, lead, account, contact, task...)."""

    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=20)
    record_id: int = Field(primary_key=True, index=True)


class Account(Audited, table=True):
    """A company: the customer the contacts work for and the deals are sold to."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    external_id: str | None = Field(default=None, index=True, max_length=100)
    name: str = Field(index=True)
    domain: str | None = Field(default=None, index=True)
    industry: str | None = None
    website: str | None = None
    phone: str | None = None
    address: str | None = None
    region: str | None = None
    employees: int | None = None
    source: str | None = None
    notes: str | None = None
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class Contact(Audited, table=True):
    """A person, usually at an account."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    external_id: str | None = Field(default=None, index=True, max_length=100)
    name: str = Field(index=True)
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    title: str | None = None
    birthday: date | None = None
    source: str | None = None
    notes: str | None = None
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class Lead(Audited, table=True):
    """Someone who might buy, not yet qualified; converted into account + contact (+ deal)."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    external_id: str | None = Field(default=None, index=True, max_length=100)
    name: str = Field(index=True)
    company: str | None = None
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    title: str | None = None
    source: str | None = Field(default=None, index=True)
    status: str = Field(default="new", max_length=20, index=True)
    amount_minor: int | None = _money()
    currency: str = Field(max_length=3)
    notes: str | None = None
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    converted_at: datetime | None = _ts(nullable=True)
    # lead <-> account/contact/deal refer to each other; these links are created after the tables
    account_id: int | None = Field(default=None, sa_column_args=[_late_fk("account.id")])
    contact_id: int | None = Field(default=None, sa_column_args=[_late_fk("contact.id")])
    deal_id: int | None = Field(default=None, sa_column_args=[_late_fk("deal.id")])
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class Pipeline(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    name: str = Field(unique=True)
    is_default: bool = False
    created_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class Stage(Versioned, table=True):
    """One step of a pipeline. `outcome` is open, won or lost; won and lost stages close a deal."""

    __table_args__ = (UniqueConstraint("pipeline_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    pipeline_id: int = Field(foreign_key="pipeline.id", index=True)
    name: str
    position: int
    probability: int
    forecast_category: str = Field(max_length=20)
    outcome: str = Field(default="open", max_length=10)
    rot_days: int | None = None
    archived_at: datetime | None = _ts(nullable=True)


class Deal(Audited, table=True):
    """An opportunity moving through the stages of one pipeline.

    `closed_at` is set while the deal sits in a won or lost stage; its status is the stage's
    outcome.
    `probability_manual` marks a probability typed by the user, which stage moves then leave alone.
    """

    __table_args__ = (
        Index("ix_deal_pipeline_stage", "pipeline_id", "stage_id"),
        # reports sum deals per stage and currency (reports/scope.deals_in): read in this order,
        # the deals of a few stages need neither a join nor a sort
        Index("ix_deal_stage_currency", "stage_id", "currency"),
        Index("ix_deal_expected_close", "expected_close"),
        Index("ix_deal_closed_at", "closed_at"),
        # the digest reads the open stages' deals by expected close and by time in stage
        Index("ix_deal_stage_close", "stage_id", "expected_close"),
        Index("ix_deal_stage_entered", "stage_id", "stage_entered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    external_id: str | None = Field(default=None, index=True, max_length=100)
    title: str
    pipeline_id: int = Field(foreign_key="pipeline.id")
    stage_id: int = Field(foreign_key="stage.id")  # indexed with currency, below
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    amount_minor: int | None = _money()
    currency: str = Field(max_length=3)
    probability: int
    probability_manual: bool = False
    expected_close: date | None = None
    source: str | None = None
    product: str | None = Field(default=None, max_length=200)
    lost_reason: str | None = None
    lost_note: str | None = None
    notes: str | None = None
    stage_entered_at: datetime = _ts()
    created_at: datetime = _ts(index=True)
    updated_at: datetime = _ts()
    closed_at: datetime | None = _ts(nullable=True)
    archived_at: datetime | None = _ts(nullable=True)


class StageChange(Table, table=True):
    """History: a row per create, move, win, loss, reopen, amount, close-date or probability change.

    Each row is a snapshot of the deal at that moment, so reports can rebuild any past date.
    """

    __table_args__ = (Index("ix_stagechange_deal_at", "deal_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    deal_id: int = Field(foreign_key="deal.id")
    at: datetime = _ts(index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    change: str = Field(max_length=20)
    from_stage_id: int | None = Field(default=None, foreign_key="stage.id")
    to_stage_id: int = Field(foreign_key="stage.id", index=True)
    amount_minor: int | None = _money()
    currency: str = Field(max_length=3)
    expected_close: date | None = None
    probability: int
    note: str | None = None


class Activity(Versioned, table=True):
    """Something that happened: a call, e-mail, meeting or note, on a record's timeline."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    external_id: str | None = Field(default=None, index=True, max_length=100)
    kind: str = Field(max_length=20)
    subject: str
    body: str | None = None
    at: datetime = _ts(index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    deal_id: int | None = Field(default=None, foreign_key="deal.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    created_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class Task(Audited, table=True):
    """Something to do, by a date and maybe a time; `repeat` is an RFC 5545 RRULE."""

    __table_args__ = (
        # the digest reads open tasks (done_at NULL) by due date, for everyone or per owner
        Index("ix_task_open_due", "done_at", "due_date"),
        Index("ix_task_owner_open_due", "owner_id", "done_at", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    external_id: str | None = Field(default=None, index=True, max_length=100)
    title: str
    kind: str = Field(default="todo", max_length=20)
    priority: str = Field(default="normal", max_length=10)
    due_date: date | None = Field(default=None, index=True)
    due_time: time | None = None
    repeat: str | None = None
    notes: str | None = None
    done_at: datetime | None = _ts(nullable=True)
    previous_id: int | None = Field(default=None, foreign_key="task.id")
    deal_id: int | None = Field(default=None, foreign_key="deal.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class FxRate(Table, table=True):
    """An exchange rate from `valid_from` on: 1 `base` = `rate` `quote`.

    The rate is kept as decimal text, never a float, so conversions are exact on every backend.
    """

    __table_args__ = (UniqueConstraint("base", "quote", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)
    rate: str = Field(max_length=40)
    valid_from: date
    created_at: datetime = _ts()


class Product(Audited, table=True):
    """A catalogue item quotes are priced from. `sku_key` is the SKU folded to lower case, so
    SKUs are unique regardless of case; rates are decimal text (like FxRate), never floats."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    sku: str = Field(max_length=64)
    sku_key: str = Field(max_length=64, unique=True)
    name: str
    unit: str | None = Field(default=None, max_length=32)
    price_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    tax_rate: str = Field(default="0", max_length=20)
    active: bool = True
    notes: str | None = None
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class Quote(Audited, table=True):
    """A priced offer on a deal. `number` is prefix + year + sequence (+ `-R2`... for revisions);
    discounts are either a percent (decimal text) or an amount in minor units, never both.
    `status` stores draft, sent, accepted or declined; expired is computed from now."""

    __table_args__ = (UniqueConstraint("year", "seq", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    number: str = Field(max_length=64, unique=True)
    year: int
    seq: int
    revision: int = 1
    revision_of_id: int | None = Field(default=None, foreign_key="quote.id")
    deal_id: int = Field(foreign_key="deal.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id")
    currency: str = Field(max_length=3)
    status: str = Field(default="draft", max_length=10, index=True)
    tax_mode: str = Field(default="exclusive", max_length=10)
    valid_until: date | None = None
    terms: str | None = None
    notes: str | None = None
    discount_percent: str | None = Field(default=None, max_length=20)
    discount_minor: int | None = _money()
    shipping_minor: int = Field(default=0, sa_type=BigInteger)
    decline_reason: str | None = None
    sent_at: datetime | None = _ts(nullable=True)
    accepted_at: datetime | None = _ts(nullable=True)
    declined_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(nullable=True)


class QuoteLine(Versioned, table=True):
    """One line of a quote, a copy of what was offered: the product's name and price at the
    time, so a later catalogue change never alters a quote. Optional lines are shown, not
    counted."""

    __table_args__ = (Index("ix_quoteline_quote_position", "quote_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    quote_id: int = Field(foreign_key="quote.id")
    position: int
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    sku: str | None = Field(default=None, max_length=64)
    name: str
    unit: str | None = Field(default=None, max_length=32)
    qty: str = Field(max_length=40)
    unit_price_minor: int = Field(sa_type=BigInteger)
    tax_rate: str = Field(default="0", max_length=20)
    discount_percent: str | None = Field(default=None, max_length=20)
    discount_minor: int | None = _money()
    optional: bool = False


class FollowUp(Versioned, table=True):
    """A follow-up cadence on a contact or an account: a touch is due `every_n` `every_unit`
    (d, w, m or y) after the last activity logged with it (or after `started_at` when none is).
    Nothing is created in advance; the digest computes what is due. `stopped_at` ends it."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = _uuid_field()
    contact_id: int | None = Field(default=None, foreign_key="contact.id", unique=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    every_n: int
    every_unit: str = Field(max_length=1)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    started_at: datetime = _ts()
    stopped_at: datetime | None = _ts(nullable=True)


class DigestDelivery(Table, table=True):
    """The digest ledger: one row per (channel, recipient, day) a digest was delivered, so cron
    sends each day's digest once. `recipient` is an e-mail address, or for chat a fingerprint
    of the apprise URL (its secrets are never stored)."""

    __table_args__ = (UniqueConstraint("channel", "recipient", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=10)
    recipient: str = Field(max_length=500)
    day: date
    digest_hash: str = Field(max_length=64)
    delivered_at: datetime = _ts()
