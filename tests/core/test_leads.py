"""Leads through the services: capture, edit, and conversion into account + contact (+ deal).

NOW is Monday 2026-11-23 10:00 UTC; the acting user is Ann.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Contact, Deal, Lead
from pipecli.core.services import accounts, contacts, leads, listing, records
from pipecli.core.services.accounts import AccountInput
from pipecli.core.services.common import id_of
from pipecli.core.services.contacts import ContactInput
from pipecli.core.services.context import Ctx
from pipecli.core.services.leads import LeadChanges, LeadInput
from pipecli.core.services.listing import Filter
from pipecli.core.services.listing.filters import Page
from tests.conftest import MakeCtx

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
M = TypeVar("M", Account, Contact, Deal, Lead)


def add_lead(make_ctx: MakeCtx, **fields: Any) -> Lead:
    fields.setdefault("name", "Li Wei")
    with make_ctx() as ctx:
        return leads.create(ctx, LeadInput(**fields))


def add_account(make_ctx: MakeCtx, **fields: Any) -> Account:
    with make_ctx() as ctx:
        return accounts.create(ctx, AccountInput(**fields))


def add_contact(make_ctx: MakeCtx, **fields: Any) -> Contact:
    with make_ctx() as ctx:
        return contacts.create(ctx, ContactInput(**fields))


def convert(
    make_ctx: MakeCtx, lead_id: int, now: datetime = LATER, **kwargs: Any
) -> leads.Conversion:
    with make_ctx(now=now) as ctx:
        return leads.convert(ctx, lead_id, **kwargs)


def load(make_ctx: MakeCtx, model: type[M], rid: int | None) -> M:
    with make_ctx() as ctx:
        row = ctx.session.get(model, rid)
    assert row is not None, f"no {model.__name__} {rid}"
    return row


def user_id(make_ctx: MakeCtx, name: str) -> int:
    from pipecli.core.services.context import find_user

    with make_ctx() as ctx:
        user = find_user(ctx.session, name)
        assert user is not None
        return id_of(user)


def count(make_ctx: MakeCtx, kind: str) -> int:
    lists: dict[str, Callable[[Ctx, Filter], Page[Any]]] = {
        "account": listing.list_accounts,
        "contact": listing.list_contacts,
    }
    with make_ctx() as ctx:
        return lists[kind](ctx, Filter(limit=None)).total


# --- capture and edit --------------------------------------------------------------------


def test_create_lead_cleans_and_stores_value_in_minor_units(make_ctx: MakeCtx) -> None:
    lead = add_lead(
        make_ctx,
        name="  Li   Wei ",
        company="Acme Ltd",
        email="Li.Wei@ACME.example",
        value="12,000",
        source="web",
        tags=["Hot"],
    )
    assert (lead.name, lead.email, lead.status) == ("Li Wei", "li.wei@acme.example", "new")
    assert (lead.amount_minor, lead.currency) == (1200000, "USD")
    with make_ctx() as ctx:
        row = listing.get_row(ctx, "lead", id_of(lead))
        assert lead.owner_id == ctx.user().id
    assert (row["value"], row["owner"], row["tags"]) == (Decimal("12000.00"), "Ann", ["hot"])


def test_lead_value_in_jpy_and_missing_value(make_ctx: MakeCtx) -> None:
    assert add_lead(make_ctx, value="12000", currency="jpy").amount_minor == 12000
    assert add_lead(make_ctx, name="Bo").amount_minor is None
    with pytest.raises(Invalid, match="more decimals than USD") as err, make_ctx() as ctx:
        leads.create(ctx, LeadInput(name="Cy", value="10.0051"))
    assert err.value.field == "value"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"status": "converted"}, "status"),
        ({"status": "warm"}, "status"),
        ({"currency": "ABC"}, "currency"),
    ],
)
def test_create_lead_refusals(make_ctx: MakeCtx, fields: dict[str, Any], field: str) -> None:
    fields.setdefault("name", "Li Wei")
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        leads.create(ctx, LeadInput(**fields))
    assert err.value.field == field


def test_lead_currency_change_converts_the_value(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx, value="12000")
    with make_ctx() as ctx:
        got = leads.edit(ctx, id_of(lead), LeadChanges(currency="JPY"))
    assert (got.amount_minor, got.currency) == (12000, "JPY")
    with make_ctx() as ctx:  # a value given with the currency is in that currency
        got = leads.edit(ctx, id_of(lead), LeadChanges(currency="EUR", value="99.50"))
    assert (got.amount_minor, got.currency) == (9950, "EUR")
    cents = add_lead(make_ctx, name="Bo", value="10.50")
    with pytest.raises(Invalid, match="more decimals than JPY"), make_ctx() as ctx:
        leads.edit(ctx, id_of(cents), LeadChanges(currency="JPY"))
    got = load(make_ctx, Lead, cents.id)
    assert (got.amount_minor, got.currency) == (1050, "USD")


def test_edit_lead_status_and_fields(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx, company="Acme")
    with make_ctx(now=LATER) as ctx:
        got = leads.edit(ctx, id_of(lead), LeadChanges(status="Qualified", phone="+1 555"))
    assert (got.name, got.company, got.status, got.phone) == (
        "Li Wei",
        "Acme",
        "qualified",
        "+1 555",
    )
    assert got.updated_at == LATER


def test_list_leads_by_status(make_ctx: MakeCtx) -> None:
    a = add_lead(make_ctx, name="A", company="Acme")
    b = add_lead(make_ctx, name="B", status="disqualified")
    c = add_lead(make_ctx, name="C", status="qualified")
    convert(make_ctx, id_of(a))

    def ids(**flt: Any) -> list[int]:
        with make_ctx() as ctx:
            return [r["id"] for r in listing.list_leads(ctx, Filter(**flt)).rows]

    assert ids() == [c.id]  # open: neither converted nor disqualified
    assert ids(status="converted") == [a.id]
    assert ids(status="all") == [a.id, b.id, c.id]
    assert ids(status="all", search="acme") == [a.id]
    assert ids(status="all", date_from="2026-11-23", date_to="2026-11-23") == [a.id, b.id, c.id]
    assert ids(status="all", date_from="2026-11-24") == []


# --- conversion --------------------------------------------------------------------------


def test_convert_creates_account_contact_and_deal(make_ctx: MakeCtx) -> None:
    lead = add_lead(
        make_ctx,
        company="Acme Ltd",
        email="li.wei@acme.example",
        phone="+1 555 0100",
        title="CTO",
        source="web",
        value="12000",
        owner="Bob",
        create_owner=True,
    )
    c = convert(make_ctx, id_of(lead), deal_title="Acme platform", close="2026-12-31")
    assert c.account is not None and c.deal is not None
    bob = user_id(make_ctx, "Bob")
    assert (c.account_created, c.contact_created) == (True, True)

    acct = load(make_ctx, Account, c.account.id)
    assert (acct.name, acct.domain, acct.source, acct.lead_id) == (
        "Acme Ltd",
        "acme.example",
        "web",
        lead.id,
    )
    assert acct.owner_id == bob  # the lead's owner, as for the contact and the deal

    person = load(make_ctx, Contact, c.contact.id)
    assert (person.name, person.email, person.phone, person.title, person.source) == (
        "Li Wei",
        "li.wei@acme.example",
        "+1 555 0100",
        "CTO",
        "web",
    )
    assert (person.account_id, person.owner_id, person.lead_id) == (acct.id, bob, lead.id)
    assert person.created_at == LATER

    deal = load(make_ctx, Deal, c.deal.id)
    assert (deal.title, deal.amount_minor, deal.currency, deal.owner_id) == (
        "Acme platform",
        1200000,
        "USD",
        bob,
    )
    assert (deal.source, deal.lead_id, deal.account_id, deal.contact_id) == (
        "web",
        lead.id,
        acct.id,
        person.id,
    )
    assert (deal.probability, str(deal.expected_close), deal.created_at) == (
        10,
        "2026-12-31",
        LATER,
    )

    got = load(make_ctx, Lead, lead.id)
    assert (got.status, got.converted_at, got.updated_at) == ("converted", LATER, LATER)
    assert (got.account_id, got.contact_id, got.deal_id) == (acct.id, person.id, deal.id)


def test_convert_deal_in_lead_currency_stage_and_pipeline(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx, company="Acme", value="500000", currency="JPY")
    c = convert(make_ctx, id_of(lead), deal_title="Big", stage="proposal")
    assert c.deal is not None
    deal = load(make_ctx, Deal, c.deal.id)
    assert (deal.amount_minor, deal.currency, deal.probability) == (500000, "JPY", 50)
    assert deal.owner_id == user_id(make_ctx, "Ann")


def test_convert_without_deal_title_makes_no_deal_and_no_value_means_unknown(
    make_ctx: MakeCtx,
) -> None:
    lead = add_lead(make_ctx, company="Acme")
    c = convert(make_ctx, id_of(lead))
    assert c.deal is None and load(make_ctx, Lead, lead.id).deal_id is None
    other = add_lead(make_ctx, name="Bo", company="Acme")
    c = convert(make_ctx, id_of(other), deal_title="Pilot")
    assert c.deal is not None
    assert load(make_ctx, Deal, c.deal.id).amount_minor is None


def test_account_matched_by_email_domain_first(make_ctx: MakeCtx) -> None:
    by_domain = add_account(
        make_ctx, name="ACME Corporation", domain="acme.example", phone="+1 999"
    )
    add_account(make_ctx, name="Acme Ltd")  # same name as the lead's company, but no domain
    lead = add_lead(
        make_ctx, company="Acme Ltd", email="li@ACME.example", phone="+1 555", source="fair"
    )
    c = convert(make_ctx, id_of(lead))
    assert c.account is not None
    assert (c.account.id, c.account_created) == (by_domain.id, False)
    acct = load(make_ctx, Account, by_domain.id)
    # the existing name and phone stay; only the empty source is filled
    assert (acct.name, acct.phone, acct.domain, acct.source) == (
        "ACME Corporation",
        "+1 999",
        "acme.example",
        "fair",
    )
    assert acct.lead_id == lead.id
    assert count(make_ctx, "account") == 2


def test_account_matched_by_company_name_case_and_space_insensitive(make_ctx: MakeCtx) -> None:
    acme = add_account(make_ctx, name="Acme Ltd", domain="acme.com", source="partner")
    lead = add_lead(make_ctx, company="  acme   LTD ", email="li@acme.example", source="web")
    c = convert(make_ctx, id_of(lead))
    assert c.account is not None
    assert (c.account.id, c.account_created) == (acme.id, False)
    acct = load(make_ctx, Account, acme.id)
    assert (acct.domain, acct.source) == ("acme.com", "partner")  # not overwritten


def test_account_matched_by_name_gets_its_empty_domain_filled(make_ctx: MakeCtx) -> None:
    acme = add_account(make_ctx, name="Acme Ltd")
    lead = add_lead(make_ctx, company="Acme Ltd", email="li@acme.example")
    convert(make_ctx, id_of(lead))
    assert load(make_ctx, Account, acme.id).domain == "acme.example"


@pytest.mark.parametrize("free", ["gmail.com", "qq.com", "GMAIL.com"])
def test_free_mail_domains_never_match(make_ctx: MakeCtx, free: str) -> None:
    trap = add_account(make_ctx, name="Mail Co", domain=free)
    lead = add_lead(make_ctx, company="Acme Ltd", email=f"li.wei@{free}")
    c = convert(make_ctx, id_of(lead))
    assert c.account is not None
    assert c.account_created and c.account.id != trap.id
    acct = load(make_ctx, Account, c.account.id)
    assert (acct.name, acct.domain) == ("Acme Ltd", None)


def test_free_mail_lead_without_company_gets_no_account(make_ctx: MakeCtx) -> None:
    add_account(make_ctx, name="Mail Co", domain="gmail.com")
    lead = add_lead(make_ctx, email="li@gmail.com")
    c = convert(make_ctx, id_of(lead), deal_title="Solo")
    assert c.deal is not None
    assert c.account is None and not c.account_created
    assert load(make_ctx, Contact, c.contact.id).account_id is None
    assert load(make_ctx, Deal, c.deal.id).account_id is None
    assert load(make_ctx, Lead, lead.id).account_id is None


def test_lead_without_company_matches_account_by_domain(make_ctx: MakeCtx) -> None:
    acme = add_account(make_ctx, name="Acme", domain="acme.example")
    lead = add_lead(make_ctx, email="li@acme.example")
    c = convert(make_ctx, id_of(lead))
    assert c.account is not None
    assert c.account.id == acme.id


def test_lead_without_company_or_email_gets_no_account(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx)
    c = convert(make_ctx, id_of(lead))
    assert c.account is None and c.contact_created
    assert count(make_ctx, "account") == 0


def test_contact_matched_by_email_fills_only_empty_fields(make_ctx: MakeCtx) -> None:
    other = add_account(make_ctx, name="Elsewhere")
    known = add_contact(
        make_ctx, name="L. Wei", email="LI.WEI@acme.example", phone="+1 000", account=other.id
    )
    lead = add_lead(
        make_ctx,
        company="Acme Ltd",
        email="li.wei@acme.example",
        phone="+1 555",
        title="CTO",
        source="web",
    )
    c = convert(make_ctx, id_of(lead))
    assert (c.contact.id, c.contact_created) == (known.id, False)
    got = load(make_ctx, Contact, known.id)
    assert (got.name, got.phone, got.title, got.source) == ("L. Wei", "+1 000", "CTO", "web")
    assert got.account_id == other.id  # an existing account link is kept
    assert got.lead_id == lead.id
    assert count(make_ctx, "contact") == 1


def test_contact_matched_by_name_at_that_account(make_ctx: MakeCtx) -> None:
    acme = add_account(make_ctx, name="Acme Ltd")
    elsewhere = add_account(make_ctx, name="Globex")
    add_contact(make_ctx, name="Li Wei", account=elsewhere.id)
    at_acme = add_contact(make_ctx, name="li wei", account=acme.id)
    lead = add_lead(make_ctx, company="Acme Ltd", email="li.wei@acme.example")
    c = convert(make_ctx, id_of(lead))
    assert (c.contact.id, c.contact_created) == (at_acme.id, False)
    got = load(make_ctx, Contact, at_acme.id)
    assert (got.email, got.account_id) == ("li.wei@acme.example", acme.id)


def test_contact_with_same_name_at_another_account_is_not_matched(make_ctx: MakeCtx) -> None:
    elsewhere = add_account(make_ctx, name="Globex")
    add_contact(make_ctx, name="Li Wei", account=elsewhere.id)
    add_contact(make_ctx, name="Li Wei")  # no account: not "at" Acme either
    lead = add_lead(make_ctx, company="Acme Ltd")
    c = convert(make_ctx, id_of(lead))
    assert c.account is not None
    assert c.contact_created
    assert load(make_ctx, Contact, c.contact.id).account_id == c.account.id
    assert count(make_ctx, "contact") == 3


def test_links_back_only_when_empty(make_ctx: MakeCtx) -> None:
    first = add_lead(make_ctx, company="Acme Ltd", email="li@acme.example")
    c1 = convert(make_ctx, id_of(first))
    assert c1.account is not None
    second = add_lead(make_ctx, name="Bo Chen", company="Acme Ltd", email="bo@acme.example")
    c2 = convert(make_ctx, id_of(second))
    assert c2.account is not None
    assert c2.account.id == c1.account.id and not c2.account_created
    assert load(make_ctx, Account, c1.account.id).lead_id == first.id  # kept
    assert load(make_ctx, Contact, c2.contact.id).lead_id == second.id  # new contact
    assert load(make_ctx, Lead, second.id).account_id == c1.account.id
    # a contact that already came from a lead keeps that link
    third = add_lead(make_ctx, name="Li", email="li@acme.example")
    c3 = convert(make_ctx, id_of(third))
    assert c3.contact.id == c1.contact.id
    assert load(make_ctx, Contact, c1.contact.id).lead_id == first.id


def test_converting_twice_is_a_conflict(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx, company="Acme")
    convert(make_ctx, id_of(lead), deal_title="A")
    with pytest.raises(Conflict, match="already converted"), make_ctx() as ctx:
        leads.convert(ctx, id_of(lead), deal_title="A again")
    with make_ctx() as ctx:
        assert listing.list_deals(ctx, Filter(status="all")).total == 1
    with pytest.raises(Conflict, match="status is final"), make_ctx() as ctx:
        leads.edit(ctx, id_of(lead), LeadChanges(status="new"))


def test_converting_an_archived_lead_is_a_conflict(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx, company="Acme")
    with make_ctx() as ctx:
        records.archive(ctx, "lead", id_of(lead))
    with pytest.raises(Conflict, match="archived"), make_ctx() as ctx:
        leads.convert(ctx, id_of(lead))
    assert count(make_ctx, "account") == 0


def test_convert_with_an_explicit_account(make_ctx: MakeCtx) -> None:
    globex = add_account(make_ctx, name="Globex")
    lead = add_lead(make_ctx, company="Acme", email="li@acme.example")
    c = convert(make_ctx, id_of(lead), account="globex", deal_title="A")
    assert c.account is not None and c.deal is not None
    assert c.account.id == globex.id
    assert load(make_ctx, Deal, c.deal.id).account_id == globex.id
    assert load(make_ctx, Contact, c.contact.id).account_id == globex.id
    assert count(make_ctx, "account") == 1


def test_failed_conversion_leaves_nothing_behind(make_ctx: MakeCtx) -> None:
    lead = add_lead(make_ctx, company="Acme Ltd", email="li@acme.example", value="100")
    with pytest.raises(Invalid, match="is not a stage"), make_ctx() as ctx:
        leads.convert(ctx, id_of(lead), deal_title="Acme deal", stage="nowhere")
    assert (count(make_ctx, "account"), count(make_ctx, "contact")) == (0, 0)
    got = load(make_ctx, Lead, lead.id)
    assert (got.status, got.converted_at, got.contact_id) == ("new", None, None)
    with make_ctx() as ctx:
        assert listing.list_deals(ctx, Filter(status="all")).total == 0
    # and the same lead converts fine afterwards
    assert convert(make_ctx, id_of(lead), deal_title="Acme deal").deal is not None
