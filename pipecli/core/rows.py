"""Typed rows: what every list and record view returns, and the one place their fields are named.

Each kind's row is a frozen dataclass whose fields, in order, are the public `--json`/`--csv`
field names (a contract with scripts: add fields, never rename or drop one); each field carries
its documentation, and `pipe schema KIND` is generated from them (`pipecli.core.schema`). JSON
and CSV are made from the fields generically (`as_dict`), so no field list is written twice.
Rows are read as attributes (`row.title`); `row["title"]` and `row.get("title")` also work, for
code that treats rows as records of any kind (writers, tables).

Kinds with a common tail (notes, external_id, tags, timestamps, archived) inherit it from `Tail`;
`columns` puts those fields after the kind's own. A field holding rows (a quote's lines and
taxes) is marked nested: JSON shows it, CSV has no column for it. This module imports only the
standard library: `pipe schema` and the front ends read it without loading the database layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import Field, dataclass, field, fields
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Protocol


class Outcome(StrEnum):
    """Where a deal (or a stage) stands: `status` of a deal, `outcome` of a stage."""

    open = "open"
    won = "won"
    lost = "lost"


class Role(StrEnum):
    """What a user does on the team; `manager` and `admin` are recorded for the team features."""

    rep = "rep"
    manager = "manager"
    admin = "admin"


class LeadStatus(StrEnum):
    new = "new"
    contacted = "contacted"
    qualified = "qualified"
    disqualified = "disqualified"
    converted = "converted"


class TaskStatus(StrEnum):
    open = "open"
    done = "done"


class TaskKind(StrEnum):
    todo = "todo"
    call = "call"
    email = "email"
    meeting = "meeting"


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class ActivityKind(StrEnum):
    call = "call"
    email = "email"
    meeting = "meeting"
    note = "note"


class QuoteStatus(StrEnum):
    """A quote's status; `expired` is computed (sent, past its valid-until day), never stored."""

    draft = "draft"
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"


class ForecastCategory(StrEnum):
    pipeline = "pipeline"
    best_case = "best_case"
    commit = "commit"
    closed = "closed"
    omitted = "omitted"


class Fields(Protocol):
    """What the writers and tables read from a row or a record view: its values by field name."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def __getitem__(self, key: str) -> Any: ...

    def __contains__(self, key: object) -> bool: ...


def doc(text: str, nested: bool = False) -> Any:
    """A row field and its documentation (shown by `pipe schema`); `nested`: it holds a list of
    rows (a quote's lines), shown in JSON but not a CSV column."""
    return field(metadata={"doc": text, "nested": nested})


@dataclass(frozen=True, eq=False)
class Row:
    """Base of every row: dict-style reads, the generic conversion to a dict, and equality by
    fields (a row also equals the dict of its fields)."""

    KIND: ClassVar[str] = ""

    def __getitem__(self, key: str) -> Any:
        if key not in _name_set(type(self)):
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in _name_set(type(self)) else default

    def __contains__(self, key: object) -> bool:
        return key in _name_set(type(self))

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row | dict):
            return self.as_dict() == (other.as_dict() if isinstance(other, Row) else other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # rows hold lists (tags)

    def keys(self) -> tuple[str, ...]:
        return self.names()

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return _names(cls)

    @classmethod
    def flat_names(cls) -> tuple[str, ...]:
        """The fields CSV shows: all but the nested lists of rows."""
        return tuple(f.name for f in columns(cls) if not f.metadata.get("nested"))

    def as_dict(self) -> dict[str, Any]:
        """The public fields in order, values as they are (nested rows stay rows)."""
        return {name: getattr(self, name) for name in _names(type(self))}


@dataclass(frozen=True, eq=False)
class Tail(Row):
    """The fields every record kind's row ends with."""

    notes: str | None = doc("free text")
    external_id: str | None = doc("its id in the system it was imported from")
    tags: list[str] = doc("tag names, sorted")
    created_at: datetime = doc("when the record was created (UTC)")
    updated_at: datetime = doc("when it last changed (UTC)")
    archived: bool = doc("deleted (archived) records are kept but hidden from lists")


TAIL = tuple(f.name for f in fields(Tail))


def _names(cls: type[Row]) -> tuple[str, ...]:
    found = _NAMES.get(cls)
    if found is None:
        found = _NAMES[cls] = tuple(f.name for f in columns(cls))
    return found


def _name_set(cls: type[Row]) -> frozenset[str]:
    found = _NAME_SETS.get(cls)
    if found is None:
        found = _NAME_SETS[cls] = frozenset(_names(cls))
    return found


_COLUMNS: dict[type[Row], tuple[Field[Any], ...]] = {}
_NAMES: dict[type[Row], tuple[str, ...]] = {}
_NAME_SETS: dict[type[Row], frozenset[str]] = {}


def columns(cls: type[Row]) -> tuple[Field[Any], ...]:
    """A row class's fields in output order: the kind's own, then the common tail."""
    found = _COLUMNS.get(cls)
    if found is None:
        tailed = issubclass(cls, Tail)
        own = [f for f in fields(cls) if not (tailed and f.name in TAIL)]
        found = _COLUMNS[cls] = tuple(own + [f for f in fields(cls) if tailed and f.name in TAIL])
    return found


@dataclass(frozen=True, eq=False)
class DealRow(Tail):
    """A deal as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "deal"

    id: int = doc("the number you type")
    uuid: str = doc("stable identity across export and import")
    title: str = doc("what is being sold")
    pipeline: str = doc("pipeline name")
    pipeline_id: int = doc("pipeline id")
    stage: str = doc("current stage name")
    stage_id: int = doc("current stage id")
    status: Outcome = doc("open, won or lost")
    probability: int = doc("chance of winning, percent")
    probability_manual: bool = doc("set by hand rather than following the stage")
    amount: Decimal | None = doc("deal value; null when unknown")
    currency: str = doc("ISO 4217 code")
    close: date | None = doc("expected close date")
    account: str | None = doc("account name")
    account_id: int | None = doc("account id")
    contact: str | None = doc("primary contact name")
    contact_id: int | None = doc("primary contact id")
    owner: str | None = doc("owner name")
    owner_id: int | None = doc("owner id")
    source: str | None = doc("where the deal came from")
    product: str | None = doc("what is being sold (product or product line)")
    lost_reason: str | None = doc("why it was lost")
    lost_note: str | None = doc("more on the loss")
    lead_id: int | None = doc("the lead it was converted from")
    stage_entered_at: datetime = doc("when it entered its current stage (UTC)")
    closed_at: datetime | None = doc("when it was won or lost (UTC)")
    rot_days: int | None = doc("its stage's rotting threshold in days (null: none)")


@dataclass(frozen=True, eq=False)
class LeadRow(Tail):
    """A lead as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "lead"

    id: int = doc("the number you type")
    uuid: str = doc("stable identity across export and import")
    name: str = doc("the person's name")
    company: str | None = doc("the company they named")
    email: str | None = doc("e-mail address")
    phone: str | None = doc("phone number")
    title: str | None = doc("job title")
    source: str | None = doc("where the lead came from (web, referral, event...)")
    status: LeadStatus = doc("new, contacted, qualified, disqualified or converted")
    value: Decimal | None = doc("estimated value")
    currency: str = doc("ISO 4217 code")
    owner: str | None = doc("owner name")
    owner_id: int | None = doc("owner id")
    account_id: int | None = doc("account it was converted into")
    contact_id: int | None = doc("contact it was converted into")
    deal_id: int | None = doc("deal it was converted into")
    converted_at: datetime | None = doc("when it was converted (UTC)")


@dataclass(frozen=True, eq=False)
class AccountRow(Tail):
    """A account as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "account"

    id: int = doc("the number you type")
    uuid: str = doc("stable identity across export and import")
    name: str = doc("company name")
    domain: str | None = doc("web domain, used to match e-mail addresses")
    industry: str | None = doc("industry")
    website: str | None = doc("web site")
    phone: str | None = doc("phone number")
    address: str | None = doc("postal address")
    region: str | None = doc("region or country")
    employees: int | None = doc("head count")
    source: str | None = doc("where the account came from")
    owner: str | None = doc("owner name")
    owner_id: int | None = doc("owner id")
    lead_id: int | None = doc("the lead it was created from")


@dataclass(frozen=True, eq=False)
class ContactRow(Tail):
    """A contact as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "contact"

    id: int = doc("the number you type")
    uuid: str = doc("stable identity across export and import")
    name: str = doc("the person's name")
    email: str | None = doc("e-mail address")
    phone: str | None = doc("phone number")
    title: str | None = doc("job title")
    birthday: date | None = doc("birthday")
    account: str | None = doc("account name")
    account_id: int | None = doc("account id")
    source: str | None = doc("where the contact came from")
    owner: str | None = doc("owner name")
    owner_id: int | None = doc("owner id")
    lead_id: int | None = doc("the lead it was created from")


@dataclass(frozen=True, eq=False)
class TaskRow(Tail):
    """A task as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "task"

    id: int = doc("the number you type")
    uuid: str = doc("stable identity across export and import")
    title: str = doc("what to do")
    type: TaskKind = doc("todo, call, email or meeting")
    priority: Priority = doc("low, normal, high or urgent")
    due: date | None = doc("due date")
    due_time: time | None = doc("due time of day, when one was given")
    status: TaskStatus = doc("open or done")
    repeat: str | None = doc("repeat rule (RFC 5545 RRULE)")
    repeat_text: str | None = doc("the repeat rule in words")
    done_at: datetime | None = doc("when it was done (UTC)")
    deal_id: int | None = doc("linked deal")
    lead_id: int | None = doc("linked lead")
    contact_id: int | None = doc("linked contact")
    account_id: int | None = doc("linked account")
    owner: str | None = doc("owner name")
    owner_id: int | None = doc("owner id")
    previous_id: int | None = doc("the occurrence this repeating task follows")
    related: str | None = doc(
        "title or name of the record it is for (deal, lead, contact, account)"
    )


@dataclass(frozen=True, eq=False)
class ActivityRow(Row):
    """A activity as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "activity"

    id: int = doc("the number you type")
    uuid: str = doc("stable identity across export and import")
    type: ActivityKind = doc("call, email, meeting or note")
    subject: str = doc("what happened, in a line")
    body: str | None = doc("more text")
    at: datetime = doc("when it happened (UTC)")
    user: str | None = doc("who logged it")
    deal_id: int | None = doc("deal")
    lead_id: int | None = doc("lead")
    contact_id: int | None = doc("contact")
    account_id: int | None = doc("account")
    created_at: datetime = doc("when it was logged (UTC)")


@dataclass(frozen=True, eq=False)
class HistoryRow(Row):
    """A history as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "history"

    id: int = doc("row id")
    at: datetime = doc("when it happened (UTC)")
    change: str = doc("create, move, win, lose, reopen, amount, close_date or probability")
    from_stage: str | None = doc("stage before")
    to_stage: str = doc("stage after")
    amount: Decimal | None = doc("amount at that moment")
    currency: str = doc("currency at that moment")
    close: date | None = doc("expected close date at that moment")
    probability: int = doc("probability at that moment")
    user: str | None = doc("who made the change")
    note: str | None = doc("note given with the change")


@dataclass(frozen=True, eq=False)
class PipelineRow(Row):
    """A pipeline as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "pipeline"

    id: int = doc("pipeline id")
    name: str = doc("pipeline name")
    default: bool = doc("used when no pipeline is named")
    stages: list[str] = doc("stage names in order")
    open_deals: int = doc("open deals in the pipeline")


@dataclass(frozen=True, eq=False)
class StageRow(Row):
    """A stage as `pipe list`/`pipe show` give it."""

    KIND: ClassVar[str] = "stage"

    id: int = doc("stage id")
    pipeline: str = doc("pipeline name")
    name: str = doc("stage name")
    position: int = doc("order in the pipeline")
    probability: int = doc("default probability of deals in this stage, percent")
    category: ForecastCategory = doc(
        "forecast category: pipeline, best_case, commit, closed or omitted"
    )
    outcome: Outcome = doc("open, won or lost")
    rot_days: int | None = doc("days in stage after which a deal counts as stale")
    deals: int = doc("deals in the stage now")


@dataclass(frozen=True, eq=False)
class UserRow(Row):
    """A user as `pipe user list` gives it."""

    KIND: ClassVar[str] = "user"

    id: int = doc("user id")
    name: str = doc("the user's name, as `--owner` takes it")
    email: str | None = doc("e-mail address (`--owner` takes it too)")
    role: Role = doc("rep, manager or admin")
    open_deals: int = doc("open deals the user owns")
    open_leads: int = doc("leads the user owns that are neither converted nor disqualified")
    open_tasks: int = doc("tasks the user owns that are not done")
    created_at: datetime = doc("when the user was added")
    removed_at: datetime | None = doc("when the user was removed (null: active)")


@dataclass(frozen=True, eq=False)
class ProductRow(Row):
    """A product of the catalogue, as `pipe list products`/`pipe show product` give it."""

    KIND: ClassVar[str] = "product"

    id: int = doc("product id")
    uuid: str = doc("stable identity across export and import")
    sku: str = doc("stock-keeping unit, unique ignoring case")
    name: str = doc("product name")
    unit: str | None = doc("unit sold: seat, hour, piece...")
    price: Decimal = doc("list price")
    currency: str = doc("ISO 4217 code of the price")
    tax_rate: Decimal = doc("default tax rate, percent")
    active: bool = doc("offered on new quotes")
    notes: str | None = doc("free text")
    created_at: datetime = doc("when it was added (UTC)")
    updated_at: datetime = doc("when it last changed (UTC)")
    archived: bool = doc("deleted (archived) products are kept but hidden")


@dataclass(frozen=True, eq=False)
class QuoteLineRow(Row):
    """A line of a quote, with its share of the totals (`pipe show quote`)."""

    KIND: ClassVar[str] = "quote_line"

    n: int = doc("line number as shown")
    sku: str | None = doc("product SKU, when from the catalogue")
    name: str = doc("line text")
    unit: str | None = doc("unit")
    qty: Decimal = doc("quantity")
    unit_price: Decimal = doc("price per unit")
    tax_rate: Decimal = doc("tax rate, percent")
    discount_percent: Decimal | None = doc("line discount in percent, when given as one")
    gross: Decimal = doc("round(qty × unit price)")
    discount: Decimal = doc("line discount amount")
    net: Decimal = doc("gross − discount")
    quote_discount: Decimal = doc("this line's share of the quote discount (largest remainder)")
    taxable: Decimal = doc("net − quote_discount (0 for optional lines)")
    optional: bool = doc("shown, not counted in any total")
    product_id: int | None = doc("catalogue product id")


@dataclass(frozen=True, eq=False)
class QuoteTax(Row):
    """The tax of one rate on a quote."""

    rate: Decimal = doc("tax rate, percent")
    base: Decimal = doc("what the rate is charged on")
    tax: Decimal = doc("the tax")


@dataclass(frozen=True, eq=False)
class QuoteRow(Row):
    """A quote with its totals, as `pipe list quotes`, `pipe export quotes` and a deal's view
    give it (`QuoteView` adds the lines)."""

    KIND: ClassVar[str] = "quote"

    id: int = doc("quote id")
    uuid: str = doc("stable identity across export and import")
    number: str = doc("quote number: prefix, year, 4-digit sequence (-R2... for revisions)")
    revision: int = doc("1 for the first version, 2 for -R2...")
    revision_of: str | None = doc("number of the quote this revision was copied from")
    status: QuoteStatus = doc("draft, sent, accepted, declined or expired (sent, past valid_until)")
    deal_id: int = doc("the deal it prices")
    deal: str = doc("deal title")
    account_id: int | None = doc("bill-to account id")
    account: str | None = doc("bill-to account name")
    contact_id: int | None = doc("bill-to contact id")
    contact: str | None = doc("bill-to contact name")
    contact_email: str | None = doc("bill-to contact's e-mail")
    owner: str | None = doc("who made it")
    currency: str = doc("ISO 4217 code (the deal's)")
    tax_mode: str = doc("exclusive (tax added) or inclusive (prices hold tax)")
    valid_until: date | None = doc("last day the offer stands")
    terms: str | None = doc("payment terms")
    line_count: int = doc("lines, optional ones included")
    subtotal: Decimal = doc("sum of the counted lines' nets")
    discount_percent: Decimal | None = doc("quote discount in percent, when given as one")
    discount: Decimal = doc("quote discount amount")
    tax_total: Decimal = doc("sum of the taxes per rate")
    shipping: Decimal = doc("shipping, untaxed")
    grand_total: Decimal = doc("subtotal − discount + shipping (+ taxes when exclusive)")
    decline_reason: str | None = doc("why it was declined")
    sent_at: datetime | None = doc("when it was last sent (UTC)")
    accepted_at: datetime | None = doc("when it was accepted (UTC)")
    declined_at: datetime | None = doc("when it was declined (UTC)")
    notes: str | None = doc("free text")
    created_at: datetime = doc("when it was made (UTC)")
    updated_at: datetime = doc("when it last changed (UTC)")
    archived: bool = doc("deleted (archived) quotes are kept but hidden")


@dataclass(frozen=True, eq=False)
class QuoteView(QuoteRow):
    """`pipe show quote`: the quote's row, its lines and its taxes per rate; the documents (PDF,
    HTML, Markdown, e-mail) are drawn from it, so they show the same figures."""

    lines: list[QuoteLineRow] = doc(
        "`show quote` only: the lines (pipe schema quote_line)", nested=True
    )
    taxes: list[QuoteTax] = doc(
        "`show quote` only: {rate, base, tax} per tax rate, rates ascending", nested=True
    )


@dataclass(frozen=True)
class RecordView:
    """`pipe show KIND ID`: the record's row and the lists that hang off it; a section that does
    not apply to the kind is None and left out of the output."""

    row: Row
    history: list[HistoryRow] | None = None
    activities: list[ActivityRow] | None = None
    deals: list[DealRow] | None = None
    contacts: list[ContactRow] | None = None
    tasks: list[TaskRow] | None = None
    quotes: list[QuoteRow] | None = None  # a deal's

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "history",
        "activities",
        "deals",
        "contacts",
        "tasks",
        "quotes",
    )

    def as_dict(self) -> dict[str, Any]:
        out = self.row.as_dict()
        for name in self.SECTIONS:
            section = getattr(self, name)
            if section is not None:
                out[name] = section
        return out

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.as_dict().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.as_dict()


@dataclass(frozen=True)
class ConversionView:
    """What `pipe convert` made or linked."""

    lead: LeadRow
    account: AccountRow | None
    contact: ContactRow
    deal: DealRow | None
    account_created: bool
    contact_created: bool

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]


# kind -> its row class, where `pipe schema`, CSV headers and the front ends find its fields (a
# quote's is its `show` view: the list rows are its fields but the nested lines and taxes)
ROWS: dict[str, type[Row]] = {
    cls.KIND: cls
    for cls in (
        DealRow,
        LeadRow,
        AccountRow,
        ContactRow,
        TaskRow,
        ActivityRow,
        HistoryRow,
        PipelineRow,
        StageRow,
        UserRow,
        ProductRow,
        QuoteView,
        QuoteLineRow,
    )
}


def field_names(kind: str) -> list[str]:
    return list(ROWS[kind].names())


def csv_names(kind: str) -> list[str]:
    """The columns of a kind's CSV: its fields but the nested lists (a quote's lines)."""
    return list(ROWS[kind].flat_names())
