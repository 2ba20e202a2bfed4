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
    common.save(ctx, "contact", contact, inp)
    return contact


def edit(ctx: Ctx, contact_id: int | str, inp: ContactInput) -> Contact:
    contact = common.get_live(ctx, Contact, contact_id, "contact")
    if inp.name:
        contact.name = common.required(inp.name, "name")
    _fill(ctx, contact, inp)
    contact.updated_at = ctx.now
    common.save(ctx, "contact", contact, inp)
    return contact


def _fill(ctx: Ctx, contact: Contact, inp: ContactInput) -> None:
    values: dict[str, object] = {
        "email": common.email(inp.email),
        "phone": common.clean(inp.phone, "phone"),
        "title": common.clean(inp.title, "title"),
        "birthday": birthday(ctx, inp.birthday),
        "source": common.clean(inp.source, "source"),
        "notes": common.notes(inp.notes),
    }
    account = account_for(ctx, inp.account, None)
    if account is not None:
        values["account_id"] = account.id
    clearable = ("email", "phone", "title", "birthday", "source")
    common.apply(ctx, contact, inp, values, {k: k for k in clearable} | {"account_id": "account"})


def find_by_email(ctx: Ctx, email: str) -> Contact | None:
    return ctx.session.exec(
        select(Contact)
        .where(func.lower(Contact.email) == email.lower(), col(Contact.archived_at).is_(None))
        .order_by(col(Contact.id))
    ).first()
