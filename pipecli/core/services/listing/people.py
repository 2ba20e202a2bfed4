"""Lists of people and companies: `pipe list leads`, `pipe list accounts`, `pipe list contacts`.

Leads are open ones (not converted or disqualified) by default; the page then says how many
converted leads matched the other filters but were left out, so a front end can mention them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Contact, Lead, User
from pipecli.core.rows import AccountRow, ContactRow, LeadRow, LeadStatus
from pipecli.core.services import common
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing.filters import (
    Filter,
    Page,
    amount,
    archived_cond,
    date_range,
    owner_cond,
    page,
    search_cond,
    tag_cond,
    tail,
    where,
    with_owner,
)

HIDDEN_LEAD_STATUSES = ("converted", "disqualified")  # what the default (open) leaves out


def lead_row(r: Any, tags: list[str]) -> LeadRow:
    lead, owner = r
    return LeadRow(
        id=lead.id,
        uuid=lead.uuid,
        name=lead.name,
        company=lead.company,
        email=lead.email,
        phone=lead.phone,
        title=lead.title,
        source=lead.source,
        status=LeadStatus(lead.status),
        value=amount(lead.amount_minor, lead.currency),
        currency=lead.currency,
        owner=owner,
        owner_id=lead.owner_id,
        account_id=lead.account_id,
        contact_id=lead.contact_id,
        deal_id=lead.deal_id,
        converted_at=lead.converted_at,
        **tail(lead, tags),
    )


def leads_query() -> Any:
    return with_owner(Lead)


def list_leads(ctx: Ctx, flt: Filter) -> Page[LeadRow]:
    """Leads matching `flt`; with status open (the default), `hidden` counts the converted and
    disqualified leads the other filters match."""
    conds = [
        archived_cond(Lead, flt),
        owner_cond(ctx, Lead, flt),
        tag_cond("lead", Lead, flt),
        search_cond(flt, Lead.name, Lead.company, Lead.email),
    ]
    status = (flt.status or "").strip().lower()
    is_open = status in ("", "open")
    status_cond: Any = None
    if is_open:
        status_cond = col(Lead.status).not_in(HIDDEN_LEAD_STATUSES)
    elif status != "all":
        from pipecli.core.services.leads import STATUSES

        if status not in STATUSES:
            raise Invalid("status", flt.status, "must be open, all or " + ", ".join(STATUSES))
        status_cond = Lead.status == status
    if flt.date_from or flt.date_to:
        conds += date_range(ctx, func.date(Lead.created_at), flt)
    query = where(leads_query(), *conds, status_cond).order_by(col(Lead.id))
    result = page(ctx, "lead", query, flt, lead_row, col(Lead.id))
    if not is_open:
        return result
    left_out = col(Lead.status).in_(HIDDEN_LEAD_STATUSES)
    hidden = where(select(func.count(col(Lead.id))), *conds, left_out)
    return replace(result, hidden=int(ctx.session.exec(hidden).one()))


def account_row(r: Any, tags: list[str]) -> AccountRow:
    acct, owner = r
    return AccountRow(
        id=acct.id,
        uuid=acct.uuid,
        name=acct.name,
        domain=acct.domain,
        industry=acct.industry,
        website=acct.website,
        phone=acct.phone,
        address=acct.address,
        region=acct.region,
        employees=acct.employees,
        source=acct.source,
        owner=owner,
        owner_id=acct.owner_id,
        lead_id=acct.lead_id,
        **tail(acct, tags),
    )


def accounts_query() -> Any:
    return with_owner(Account)


def list_accounts(ctx: Ctx, flt: Filter) -> Page[AccountRow]:
    conds = [archived_cond(Account, flt), owner_cond(ctx, Account, flt)]
    conds += [tag_cond("account", Account, flt)]
    conds.append(search_cond(flt, Account.name, Account.domain, Account.industry))
    query = where(accounts_query(), *conds).order_by(col(Account.id))
    return page(ctx, "account", query, flt, account_row, col(Account.id))


def contact_row(r: Any, tags: list[str]) -> ContactRow:
    contact, account, owner = r
    return ContactRow(
        id=contact.id,
        uuid=contact.uuid,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        title=contact.title,
        birthday=contact.birthday,
        account=account,
        account_id=contact.account_id,
        source=contact.source,
        owner=owner,
        owner_id=contact.owner_id,
        lead_id=contact.lead_id,
        **tail(contact, tags),
    )


def contacts_query() -> Any:
    return (
        select(Contact, Account.name, User.name)
        .outerjoin(Account, col(Account.id) == Contact.account_id)
        .outerjoin(User, col(User.id) == Contact.owner_id)
    )


def list_contacts(ctx: Ctx, flt: Filter) -> Page[ContactRow]:
    conds = [archived_cond(Contact, flt), owner_cond(ctx, Contact, flt)]
    conds += [tag_cond("contact", Contact, flt)]
    conds.append(search_cond(flt, Contact.name, Contact.email, Account.name))
    if flt.account:
        acct = common.resolve_ref(ctx, Account, flt.account, "account")
        if acct is not None:  # None: a blank --account, no filter
            conds.append(Contact.account_id == acct.id)
    query = where(contacts_query(), *conds).order_by(col(Contact.id))
    return page(ctx, "contact", query, flt, contact_row, col(Contact.id))
