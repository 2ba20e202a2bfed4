"""Shared rules for services: lookups by id or name, text clean-up, and typed-or-text inputs.

Services accept either typed values (from imports and the TUI) or the text a user typed (from the
CLI); the helpers here turn text into values through the one date parser and the one money parser,
so every front end refuses the same bad input with the same message.

Input models, one pair per kind: `XxxInput` creates a record (None: not given, the default
applies), `XxxChanges` edits one. A change model's field is `Change[T]`, one of three things:
- `UNSET` (the default): not given, the field stays as it is;
- None, or a blank text (empty or spaces only): clear the field. A required field (a name or
  title, a currency, a status...) cannot be cleared: `Invalid` naming it, "must not be empty";
- a value: set the field (through the same parser as on create).
So `pipe edit contact 4 --phone ""` and the board's emptied field clear, an option left out
changes nothing, and mypy narrows `ch.x is not UNSET` to `T | None`. `changes_of` turns a change
model into column values through a per-kind table (field -> column, parser).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Protocol, TypeAlias, TypeVar

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core import dates, money
from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Account, Contact, Deal, Lead, Tag, TagLink, Task, User
from pipecli.core.services.context import (
    Ctx,
    acting_or_found,
    ensure_user,
    find_user,
    match_user,
    unknown_owner,
)
from pipecli.core.text import EMAIL_MAX, check_field


class Record(Protocol):
    """A stored row of any table with an integer key; `id` is None until the row is flushed."""

    id: int | None


class Archivable(Record, Protocol):
    """A record that is deleted by archiving (see pipecli.core.models)."""

    archived_at: datetime | None


M = TypeVar("M", bound=Record)
A = TypeVar("A", bound=Archivable)
T = TypeVar("T")


class Unset(Enum):
    """The type of `UNSET`, "not given" in a change model: one member, so mypy narrows
    `value is not UNSET` to what is left (`T | None`)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
Change: TypeAlias = Unset | T | None  # a change model's field: not given, clear, or a value

KIND_MODELS: dict[str, type[Archivable]] = {
    "lead": Lead,
    "account": Account,
    "contact": Contact,
    "deal": Deal,
    "task": Task,
}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean(text: str | None, field: str = "text") -> str | None:
    """Trim and collapse white space; empty becomes None. Control characters and text over
    the field's length limit are refused first (pipecli.core.text.check_field), naming `field`."""
    if text is None:
        return None
    text = " ".join(check_field(field, str(text)).split())
    return text or None


@dataclass(kw_only=True)
class Owned:
    """What every kind's create model (`DealInput`, `LeadInput`...) ends with: owner, notes and
    tags, and the text check (`check_input`) run when the model is made. None is "not given":
    the default applies (the owner is you). Edits take `OwnedChanges` models instead."""

    owner: str | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    untags: list[str] = field(default_factory=list)
    create_owner: bool = False  # an owner nobody is called yet is added (--create-owner)

    def __post_init__(self) -> None:
        check_input(self)


@dataclass(kw_only=True)
class OwnedChanges:
    """What every kind's change model (`DealChanges`, `LeadChanges`...) ends with: owner, notes
    and tags, checked like `Owned` when the model is made. The owner cannot be cleared (every
    record has one); tags are attached (`tags`) and detached (`untags`)."""

    owner: Change[str] = UNSET
    notes: Change[str] = UNSET
    tags: list[str] = field(default_factory=list)
    untags: list[str] = field(default_factory=list)
    create_owner: bool = False  # an owner nobody is called yet is added (--create-owner)

    def __post_init__(self) -> None:
        check_input(self)


Parser: TypeAlias = Callable[[Any], object]


def changes_of(ch: object, table: Mapping[str, tuple[str, Parser]]) -> dict[str, object]:
    """The column values a change model asks for, by `table` (field -> (column, parser)): each
    field given (not UNSET) through its parser, which takes None and blank text to None (clear)
    or refuses them for a required field. Fields are parsed in the table's order, so the first
    bad one is the one reported, and nothing is written before all are checked."""
    out: dict[str, object] = {}
    for name, (column, parse) in table.items():
        value = getattr(ch, name)
        if value is not UNSET:
            out[column] = parse(value)
    return out


def apply_changes(ctx: Ctx, obj: Any, ch: OwnedChanges, values: Mapping[str, object]) -> None:
    """Write parsed changes (`changes_of`) onto a record: the owner if given (else you, for a
    record without one), then every column of `values` (None clears it)."""
    if ch.owner is not UNSET:
        obj.owner_id = owner_change(ctx, ch).id
    elif obj.owner_id is None:
        obj.owner_id = ctx.user().id
    for key, value in values.items():
        setattr(obj, key, value)


def owner_change(ctx: Ctx, ch: OwnedChanges) -> User:
    """The new owner a change model names; cleared (None or blank) is refused, naming `owner`."""
    assert ch.owner is not UNSET
    return resolve_owner(ctx, ch.owner or "", ch.create_owner)


def apply(ctx: Ctx, obj: Any, inp: Owned, values: Mapping[str, object]) -> None:
    """Write a create model onto a new record (leads, accounts, contacts): the owner (resolved,
    else you), then every value given (None: not given, the column keeps its default)."""
    if inp.owner is not None:
        obj.owner_id = resolve_owner(ctx, inp.owner, inp.create_owner).id
    elif obj.owner_id is None:
        obj.owner_id = ctx.user().id
    for key, value in values.items():
        if value is not None:
            setattr(obj, key, value)


def save(ctx: Ctx, kind: str, obj: Any, inp: Owned | OwnedChanges) -> None:
    """Store a created or edited record, then attach and detach the tags its input names."""
    ctx.session.add(obj)
    ctx.session.flush()
    set_tags(ctx, kind, id_of(obj), inp.tags, inp.untags)


def check_input(inp: object) -> None:
    """Every text of an input model (`DealInput`, `LeadInput`...) through `text.check_text`, so
    that each front end (options, imports, forms) is held to the same rules when the model is
    made: no control characters (line breaks only in notes), no text longer than its kind
    allows (notes NOTE_MAX, e-mail EMAIL_MAX, tags TAG_MAX, others NAME_MAX)."""
    from dataclasses import fields

    from pipecli.core import text

    for f in fields(inp):  # type: ignore[arg-type]
        value = getattr(inp, f.name)
        if value is UNSET:
            continue
        if f.name in ("tags", "untags"):
            for tag in value or ():
                text.check_text("tag", tag, text.TAG_MAX)
        elif isinstance(value, str):
            limit = {"notes": text.NOTE_MAX, "email": text.EMAIL_MAX}.get(f.name, text.NAME_MAX)
            text.check_text(f.name, value, limit, multiline=f.name == "notes")


def bounded(text: str | None, field: str, limit: int) -> str | None:
    """`clean`, refusing a text longer than its column holds (PostgreSQL would refuse it later)."""
    value = clean(text, field)
    if value is not None and len(value) > limit:
        raise Invalid(field, value[:40] + "...", f"is longer than {limit} characters")
    return value


def notes(text: str | None, field: str = "notes") -> str | None:
    """Free text (notes, a loss note, an activity's body): tab and line breaks kept, other
    control characters refused, at most NOTE_MAX characters; blank (empty or spaces only)
    becomes None."""
    if text is None:
        return None
    value = check_field(field, text)
    return value if value.strip() else None


def required(text: str | None, field: str) -> str:
    value = clean(text, field)
    if value is None:
        raise Invalid(field, text, "must not be empty")
    return value


def email(text: str | None, field: str = "email") -> str | None:
    value = clean(text, field)
    if value is None:
        return None
    if len(value) > EMAIL_MAX:
        raise Invalid(field, None, f"is {len(value):,} characters long; at most {EMAIL_MAX}")
    if not EMAIL_RE.match(value):
        raise Invalid(field, value, "is not an e-mail address (expected name@domain)")
    return value.lower()


def as_date(ctx: Ctx, value: str | date | None, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    return dates.parse_date(value, ctx.today, field=field, fiscal_year_start=ctx.fiscal_year_start)


def as_amount(
    value: str | Decimal | None, field: str = "amount", decimal: str | None = None
) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        if value is not None and value < 0:
            raise Invalid(field, str(value), "must not be negative")
        return value
    if not value.strip():
        return None
    return money.parse_amount(value, field=field, decimal=decimal)


def as_currency(ctx: Ctx, value: str | None) -> str:
    return money.currency_code(value or ctx.settings.currency)


def as_money(
    ctx: Ctx,
    amount: str | Decimal | None,
    currency: str | None,
    *,
    field: str = "amount",
    current: str | None = None,
) -> tuple[Decimal | None, str]:
    """An amount and its currency: the one `currency` names, else the one written in the amount
    text ("€100", "CNY 100"), else `current` (the record's), else the configured default.
    An amount that names another currency than `currency` is refused."""
    code = money.currency_code(currency) if currency and currency.strip() else None
    if amount is None or isinstance(amount, Decimal) or not amount.strip():
        return as_amount(amount, field), code or current or as_currency(ctx, None)
    value, named = money.parse_money(amount, field=field, decimal=ctx.settings.decimal)
    if named and code and named != code:
        raise Invalid(field, amount, f"is in {named}, but the currency given is {code}")
    return value, code or named or current or as_currency(ctx, None)


def to_minor(amount: Decimal | None, currency: str, field: str = "amount") -> int | None:
    return None if amount is None else money.stored_minor(amount, currency, field=field)


MAX_ID = 2**63 - 1  # the largest key either backend stores; a larger "id" names nothing


def get(ctx: Ctx, model: type[M], record_id: int | str, kind: str) -> M:
    """The record with this id, or NotFound."""
    rid = parse_id(record_id, kind)
    obj = ctx.session.get(model, rid)
    if obj is None:
        raise NotFound(kind, rid)
    return obj


def get_live(ctx: Ctx, model: type[M], record_id: int | str, kind: str) -> M:
    """Like get, but an archived record is refused for changes."""
    obj = get(ctx, model, record_id, kind)
    if getattr(obj, "archived_at", None) is not None:
        raise Conflict(f"{kind} {obj.id} is archived (deleted); `pipe undelete {kind} {obj.id}`")
    return obj


def set_archived(ctx: Ctx, obj: A, label: str, archived: bool) -> A:
    """Delete (archive) `obj`, or bring it back: the one archive rule of every kind. Conflict when
    it already is so; `label` names it in that message ("deal 12", "quote Q-2026-0001")."""
    if (obj.archived_at is not None) == archived:
        raise Conflict(f"{label} is {'deleted already' if archived else 'not deleted'}")
    obj.archived_at = ctx.now if archived else None
    ctx.session.add(obj)
    ctx.session.flush()
    return obj


def id_of(obj: Record) -> int:
    """The id of a stored record, where an int is needed; a record not yet flushed has none."""
    if obj.id is None:
        raise RuntimeError(f"{type(obj).__name__} has no id yet: add and flush it first")
    return obj.id


def parse_id(value: int | str, kind: str) -> int:
    text = str(value).strip().lstrip("#")
    if not text.isdigit():
        raise Invalid(kind, value, "is not an id (a whole number)")
    if int(text) > MAX_ID:
        raise NotFound(kind, int(text))
    return int(text)


def find_by_name(ctx: Ctx, model: Any, ref: str, kind: str) -> Any | None:
    """A live record whose name (a deal's or task's title) matches `ref` ignoring case and
    spacing; Conflict if several do."""
    key = " ".join(ref.split()).lower()
    label = model.name if hasattr(model, "name") else model.title
    rows = ctx.session.exec(
        select(model).where(func.lower(label) == key, model.archived_at.is_(None))
    ).all()
    if len(rows) > 1:
        ids = ", ".join(str(r.id) for r in rows)
        raise Conflict(f"{kind}: {ref!r} matches several records (ids {ids}); give the id")
    return rows[0] if rows else None


def resolve_ref(ctx: Ctx, model: Any, ref: int | str | None, kind: str) -> Any | None:
    """An id (digits) or a name, to an existing live record; NotFound otherwise."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    if isinstance(ref, int) or ref.strip().lstrip("#").isdigit():
        return get_live(ctx, model, ref, kind)
    found = find_by_name(ctx, model, ref, kind)
    if found is None:
        raise NotFound(kind, ref)
    return found


def resolve_owner(ctx: Ctx, owner: str | None, create: bool = False) -> User:
    """`me`/None is the current user (stored on first need); another name must be a stored,
    active user (matched as `context.match_user` does: name, e-mail, unique prefix), else
    NotFound naming the closest names, so a typo never becomes a teammate. `create`
    (`--create-owner`) adds the user on purpose. An empty name is refused:
    every record has an owner (`--owner ""` does not clear it)."""
    if owner is not None and not owner.strip():
        raise Invalid("owner", owner, "must not be empty: every record has an owner (or `me`)")
    found: User | None
    if owner is None or owner.strip().lower() == "me":
        found = ctx.user()
    else:
        name = required(owner, "owner")
        found = ensure_user(ctx, name) if create else acting_or_found(ctx, name)
    if found is None:
        raise unknown_owner(ctx.session, name)
    if found.removed_at is not None:
        raise Conflict(
            f"owner: {found.name} was removed on {found.removed_at:%Y-%m-%d} and owns nothing new"
            " (pipe user list --all)"
        )
    return found


def owner_filter(ctx: Ctx, owner: str | None) -> int | None:
    """For list and report filters: the owner's id; -1 (matches nothing) for an unknown name,
    with a notice on stderr, so that a typo does not pass for an owner without deals."""
    if owner is None:
        return None
    me = owner.strip().lower() == "me"
    name = ctx.settings.user_name if me else owner
    user = find_user(ctx.session, name) if me else match_user(ctx.session, name)
    if user is None or user.id is None:
        if not me:  # you are a user even before your first record
            ctx.notice(f"owner: no user is named {name!r}, so nothing matches")
        return -1
    return user.id


READ_VERSIONS = "pipe_read_versions"
"""session.info key: (table, id, version read) of the versioned rows a unit writes or checks;
the workspace reads it to name the record when a write turns out stale."""


def check_version(ctx: Ctx, obj: Any, expected: int | None) -> None:
    """Refuse to change `obj` when a front end read it at `expected` and it has changed since
    (the board reads a card in one unit and writes it in a later one). Raises SQLAlchemy's
    `StaleDataError`, as a stale ORM write does, so the workspace reports both alike (exit 4).
    `expected` None: nothing to check (the row was read in this unit)."""
    if expected is None:
        return
    from sqlalchemy.orm.exc import StaleDataError

    ctx.session.info.setdefault(READ_VERSIONS, []).append(
        (type(obj).__tablename__, obj.id, expected)
    )
    if obj.version != expected:
        raise StaleDataError(f"{type(obj).__tablename__} {obj.id} is at version {obj.version}")


def bump(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """`values` for a Core UPDATE of `table` (a Table or a model), with the row version bumped
    when the table has one: a write that bypasses the ORM must still make other readers' copies
    stale (see models.Versioned)."""
    columns = getattr(table, "__table__", table).c
    if "version" not in columns:
        return values
    return {**values, "version": columns.version + 1}


def touch(ctx: Ctx, obj: Any) -> None:
    obj.updated_at = ctx.now


def set_tags(
    ctx: Ctx, kind: str, record_id: int, add: Sequence[str], remove: Sequence[str] = ()
) -> None:
    """Attach and detach tags by name (tags are created on first use)."""
    for name in add:
        tag = _tag(ctx, name)
        link = ctx.session.get(TagLink, (tag.id, kind, record_id))
        if link is None:
            ctx.session.add(TagLink(tag_id=id_of(tag), kind=kind, record_id=record_id))
    for name in remove:
        key = required(name, "tag").lower()
        found = ctx.session.exec(select(Tag).where(Tag.name == key)).first()
        link = ctx.session.get(TagLink, (found.id, kind, record_id)) if found else None
        if link:
            ctx.session.delete(link)
    ctx.session.flush()


def _tag(ctx: Ctx, name: str) -> Tag:
    key = required(name, "tag").lower()
    tag = ctx.session.exec(select(Tag).where(Tag.name == key)).first()
    if tag is None:
        tag = Tag(name=key)
        ctx.session.add(tag)
        ctx.session.flush()
    return tag


def tags_of(ctx: Ctx, kind: str, ids: list[int]) -> dict[int, list[str]]:
    """Tag names per record id, for a batch of records (one query)."""
    out: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = ctx.session.exec(
        select(TagLink.record_id, Tag.name)
        .join(Tag, col(Tag.id) == TagLink.tag_id)
        .where(TagLink.kind == kind, col(TagLink.record_id).in_(ids))
        .order_by(Tag.name)
    ).all()
    for rid, name in rows:
        out[rid].append(name)
    return out


def tagged_ids(kind: str, tag: str) -> Any:
    """A subquery of record ids carrying `tag`, for list filters."""
    return (
        select(TagLink.record_id)
        .join(Tag, col(Tag.id) == TagLink.tag_id)
        .where(TagLink.kind == kind, Tag.name == tag.strip().lower())
    )
