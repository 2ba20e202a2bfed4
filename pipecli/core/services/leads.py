"""Leads: capture, edit, qualify, and convert into an account, a contact and maybe a deal.

Conversion rules:
- The account is matched by the lead's e-mail domain (free-mail domains never match), then by
  company name; otherwise created. The contact is matched by e-mail, then by name at that account;
  otherwise created. Existing records get only their empty fields filled from the lead.
- A deal is created only when asked (`deal_title`), with the lead's value and currency.
- The lead becomes `converted`, keeps links to all three, and each of them links back to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Contact, Deal, Lead
from pipecli.core.services import accounts, common, contacts, deals
from pipecli.core.services.context import Ctx

STATUSES = ("new", "contacted", "qualified", "disqualified", "converted")


@dataclass
class LeadInput(common.Owned):
    name: str
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    source: str | None = None
    value: str | Decimal | None = None
    currency: str | None = None
    status: str | None = None


@dataclass
class LeadChanges(common.OwnedChanges):
    """A lead's edit (see `common`: UNSET not given, None or blank clears, else a value).
    Name, currency and status cannot be cleared."""

    name: common.Change[str] = common.UNSET
    company: common.Change[str] = common.UNSET
    email: common.Change[str] = common.UNSET
    phone: common.Change[str] = common.UNSET
    title: common.Change[str] = common.UNSET
    source: common.Change[str] = common.UNSET
    value: common.Change[str | Decimal] = common.UNSET
    currency: common.Change[str] = common.UNSET
    status: common.Change[str] = common.UNSET


def status(text: str | None) -> str | None:
    value = common.clean(text, "status")
    if value is None:
        return None
    value = value.lower()
    if value not in STATUSES or value == "converted":
        allowed = ", ".join(s for s in STATUSES if s != "converted")
        raise Invalid("status", text, f"is not a lead status ({allowed}; use `pipe convert`)")
    return value


def create(ctx: Ctx, inp: LeadInput) -> Lead:
    name = common.required(inp.name, "name")
    _, currency = common.as_money(ctx, inp.value, inp.currency, field="value")
    lead = Lead(name=name, currency=currency, created_at=ctx.now, updated_at=ctx.now)
    _fill(ctx, lead, inp)
    common.save(ctx, "lead", lead, inp)
    return lead


def edit(ctx: Ctx, lead_id: int | str, ch: LeadChanges) -> Lead:
    U = common.UNSET
    lead = common.get_live(ctx, Lead, lead_id, "lead")
    name = common.changes_of(ch, {"name": ("name", lambda v: common.required(v, "name"))})
    if ch.currency is not U and not (ch.currency or "").strip():
        raise Invalid("currency", ch.currency, "must not be empty")
    value = None if ch.value is U else ch.value
    _, currency = common.as_money(
        ctx, value, None if ch.currency is U else ch.currency, field="value", current=lead.currency
    )
    new_status = _required_status(ch.status) if ch.status is not U else None
    if new_status and lead.status == "converted":
        raise Conflict(f"lead {lead.id} is converted; its status is final")
    values = name | common.changes_of(ch, _CHANGES)
    if ch.value is not U:
        amount = common.as_amount(value, "value", ctx.settings.decimal)
        values["amount_minor"] = common.to_minor(amount, currency, "value")
    elif currency != lead.currency and lead.amount_minor is not None:
        # the stored value keeps its amount in the new currency's minor units
        values["amount_minor"] = common.to_minor(_value(lead), currency, "value")
    values["currency"] = currency
    if new_status is not None:
        values["status"] = new_status
    common.apply_changes(ctx, lead, ch, values)
    lead.updated_at = ctx.now
    common.save(ctx, "lead", lead, ch)
    return lead


def _required_status(text: str | None) -> str:
    value = status(text)
    if value is None:
        raise Invalid("status", text, "must not be empty")
    return value


def _fill(ctx: Ctx, lead: Lead, inp: LeadInput) -> None:
    new_status = status(inp.status)
    values = {
        "company": common.clean(inp.company, "company"),
        "email": common.email(inp.email),
        "phone": common.clean(inp.phone, "phone"),
        "title": common.clean(inp.title, "title"),
        "source": common.clean(inp.source, "source"),
        "amount_minor": common.to_minor(
            common.as_amount(inp.value, "value", ctx.settings.decimal), lead.currency, "value"
        ),
        "status": new_status,
        "notes": common.notes(inp.notes),
    }
    common.apply(ctx, lead, inp, values)


# what an edit sets or clears besides name, value, currency and status: field -> (column, parser)
_CHANGES: dict[str, tuple[str, common.Parser]] = {
    "company": ("company", lambda v: common.clean(v, "company")),
    "email": ("email", common.email),
    "phone": ("phone", lambda v: common.clean(v, "phone")),
    "title": ("title", lambda v: common.clean(v, "title")),
    "source": ("source", lambda v: common.clean(v, "source")),
    "notes": ("notes", common.notes),
}


@dataclass(frozen=True)
class Conversion:
    lead: Lead
    account: Account | None
    contact: Contact
    deal: Deal | None
    account_created: bool
    contact_created: bool


def convert(
    ctx: Ctx,
    lead_id: int | str,
    *,
    deal_title: str | None = None,
    account: str | int | None = None,
    stage: str | None = None,
    pipeline: str | None = None,
    close: str | None = None,
) -> Conversion:
    lead = common.get_live(ctx, Lead, lead_id, "lead")
    if lead.status == "converted":
        raise Conflict(f"lead {lead.id} is already converted (contact {lead.contact_id})")
    acct, acct_new = _account(ctx, lead, account)
    person, person_new = _contact(ctx, lead, acct)
    deal = None
    if deal_title is not None:
        deal = deals.create(
            ctx,
            deals.DealInput(
                title=common.required(deal_title, "deal"),
                account=acct.id if acct else None,
                contact=person.id,
                amount=common.as_amount(None if lead.amount_minor is None else _value(lead)),
                currency=lead.currency,
                stage=stage,
                pipeline=pipeline,
                close=close,
                owner=_owner_name(ctx, lead),
                source=lead.source,
                lead_id=lead.id,
            ),
        )
    lead.status, lead.converted_at, lead.updated_at = "converted", ctx.now, ctx.now
    lead.account_id = acct.id if acct else None
    lead.contact_id, lead.deal_id = person.id, deal.id if deal else None
    ctx.session.add(lead)
    ctx.session.flush()
    return Conversion(lead, acct, person, deal, acct_new, person_new)


def _value(lead: Lead) -> Decimal:
    from pipecli.core import money

    assert lead.amount_minor is not None
    return money.from_minor(lead.amount_minor, lead.currency)


def _owner_name(ctx: Ctx, lead: Lead) -> str | None:
    from pipecli.core.models import User

    user = ctx.session.get(User, lead.owner_id) if lead.owner_id else None
    return user.name if user else None


def _account(ctx: Ctx, lead: Lead, ref: str | int | None) -> tuple[Account | None, bool]:
    if ref is not None:
        return accounts.account_for(ctx, ref, None), False
    dom = accounts.email_domain(lead.email)
    found = accounts.find_by_domain(ctx, dom) if dom else None
    if found is None and lead.company:
        found = common.find_by_name(ctx, Account, lead.company, "account")
    if found is None and not lead.company:
        return None, False
    created = found is None
    if found is None:
        owner = _owner_name(ctx, lead)  # the lead's owner, like the contact and the deal
        found = accounts.create(
            ctx, accounts.AccountInput(name=lead.company or lead.name, owner=owner)
        )
    _fill_empty(found, domain=dom, source=lead.source, phone=None, owner_id=lead.owner_id)
    if found.lead_id is None:
        found.lead_id = lead.id
    found.updated_at = ctx.now
    ctx.session.add(found)
    return found, created


def _contact(ctx: Ctx, lead: Lead, acct: Account | None) -> tuple[Contact, bool]:
    found = contacts.find_by_email(ctx, lead.email) if lead.email else None
    if found is None:
        found = _contact_by_name(ctx, lead.name, acct)
    created = found is None
    if found is None:
        found = Contact(name=lead.name, created_at=ctx.now, updated_at=ctx.now)
    _fill_empty(
        found,
        email=lead.email,
        phone=lead.phone,
        title=lead.title,
        source=lead.source,
        account_id=acct.id if acct else None,
        owner_id=lead.owner_id,
    )
    if found.lead_id is None:
        found.lead_id = lead.id
    found.updated_at = ctx.now
    ctx.session.add(found)
    ctx.session.flush()
    return found, created


def _contact_by_name(ctx: Ctx, name: str, acct: Account | None) -> Contact | None:
    query = select(Contact).where(
        func.lower(Contact.name) == name.lower(),
        col(Contact.archived_at).is_(None),
        Contact.account_id == (acct.id if acct else None)
        if acct
        else col(Contact.account_id).is_(None),
    )
    return ctx.session.exec(query.order_by(col(Contact.id))).first()


def _fill_empty(record: Account | Contact, **values: object) -> None:
    """Fill only fields that are empty: conversion never overwrites what a record already says."""
    for key, value in values.items():
        if value is not None and getattr(record, key, None) in (None, ""):
            setattr(record, key, value)
