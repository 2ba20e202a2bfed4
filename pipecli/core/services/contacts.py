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


def birthday(ctx: Ctx, value: str | date | None) -> date | None:
    day = common.as_date(ctx, value, "birthday")
    if day is not None and day > ctx.today:
        raise Invalid("birthday", str(value), "is in the future")
    return day


def create(ctx: Ctx, inp: ContactInput) -> Contact:
    name = common.required(inp.name, "name")
    contact = Contact(name=name, created_at=ctx.now, updated_at=ctx.now)
    _fill(ctx, contact, inp)
    ctx.session.add(contact)
    ctx.session.flush()
    common.set_tags(ctx, "contact", common.id_of(contact), inp.tags)
    return contact


def edit(ctx: Ctx, contact_id: int | str, inp: ContactInput) -> Contact:
    contact = common.get_live(ctx, Contact, contact_id, "contact")
    if inp.name:
        contact.name = common.required(inp.name, "name")
    _fill(ctx, contact, inp)
    contact.updated_at = ctx.now
    ctx.session.add(contact)
    ctx.session.flush()
    common.set_tags(ctx, "contact", common.id_of(contact), inp.tags, inp.untags)
    return contact


def _fill(ctx: Ctx, contact: Contact, inp: ContactInput) -> None:
    values: dict[str, object] = {
        "email": common.email(inp.email),
        "phone": common.clean(inp.phone),
        "title": common.clean(inp.title),
        "birthday": birthday(ctx, inp.birthday),
        "source": common.clean(inp.source),
        "notes": inp.notes or None,
    }
    account = account_for(ctx, inp.account, None)
    if account is not None:
        values["account_id"] = account.id
    if inp.owner is not None:
        values["owner_id"] = common.resolve_owner(ctx, inp.owner, inp.create_owner).id
    elif contact.owner_id is None:
        values["owner_id"] = ctx.user().id
    for key, value in values.items():
        if value is not None:
            setattr(contact, key, value)
    clearable = ("email", "phone", "title", "birthday", "source")
    for key in common.blanked(inp, {k: k for k in clearable} | {"account_id": "account"}):
        setattr(contact, key, None)  # `pipe edit contact 4 --phone ""` clears the phone


def find_by_email(ctx: Ctx, email: str) -> Contact | None:
    return ctx.session.exec(
        select(Contact)
        .where(func.lower(Contact.email) == email.lower(), col(Contact.archived_at).is_(None))
        .order_by(col(Contact.id))
    ).first()
