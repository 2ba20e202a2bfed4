"""Contacts (people): create and edit, each optionally at an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core.errors import Invalid
from pipecli.core.models import Contact
from pipecli.core.services import common
from pipecli.core.services.accounts import account_for
from pipecli.core.services.context import Ctx


@dataclass
class ContactInput(common.Owned):
    name: str
    account: str | int | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    birthday: str | date | None = None
    source: str | None = None


@dataclass
class ContactChanges(common.OwnedChanges):
    """A contact's edit (see `common`: UNSET not given, None or blank clears, else a value).
    The name cannot be cleared; a cleared account leaves the contact at none."""

    name: common.Change[str] = common.UNSET
    account: common.Change[str | int] = common.UNSET
    email: common.Change[str] = common.UNSET
    phone: common.Change[str] = common.UNSET
    title: common.Change[str] = common.UNSET
    birthday: common.Change[str | date] = common.UNSET
    source: common.Change[str] = common.UNSET


def birthday(ctx: Ctx, value: str | date | None) -> date | None:
    day = common.as_date(ctx, value, "birthday")
    if day is not None and day > ctx.today:
        raise Invalid("birthday", str(value), "is in the future")
    return day


def create(ctx: Ctx, inp: ContactInput) -> Contact:
    name = common.required(inp.name, "name")
    contact = Contact(name=name, created_at=ctx.now, updated_at=ctx.now)
    _fill(ctx, contact, inp)
    common.save(ctx, "contact", contact, inp)
    return contact


def edit(ctx: Ctx, contact_id: int | str, ch: ContactChanges) -> Contact:
    contact = common.get_live(ctx, Contact, contact_id, "contact")
    table: dict[str, tuple[str, common.Parser]] = {
        "name": ("name", lambda v: common.required(v, "name")),
        "email": ("email", common.email),
        "phone": ("phone", lambda v: common.clean(v, "phone")),
        "title": ("title", lambda v: common.clean(v, "title")),
        "birthday": ("birthday", lambda v: birthday(ctx, v)),
        "source": ("source", lambda v: common.clean(v, "source")),
        "notes": ("notes", common.notes),
        "account": ("account_id", lambda v: _account_id(ctx, v)),
    }
    common.apply_changes(ctx, contact, ch, common.changes_of(ch, table))
    contact.updated_at = ctx.now
    common.save(ctx, "contact", contact, ch)
    return contact


def _account_id(ctx: Ctx, ref: str | int | None) -> int | None:
    account = account_for(ctx, ref, None)
    return account.id if account else None


def _fill(ctx: Ctx, contact: Contact, inp: ContactInput) -> None:
    values: dict[str, object] = {
        "email": common.email(inp.email),
        "phone": common.clean(inp.phone, "phone"),
        "title": common.clean(inp.title, "title"),
        "birthday": birthday(ctx, inp.birthday),
        "source": common.clean(inp.source, "source"),
        "notes": common.notes(inp.notes),
        "account_id": _account_id(ctx, inp.account),
    }
    common.apply(ctx, contact, inp, values)


def find_by_email(ctx: Ctx, email: str) -> Contact | None:
    return ctx.session.exec(
        select(Contact)
        .where(func.lower(Contact.email) == email.lower(), col(Contact.archived_at).is_(None))
        .order_by(col(Contact.id))
    ).first()
