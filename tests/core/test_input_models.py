"""The change models (`services.common`: UNSET not given, None or blank clears, else a value),
kind by kind through the edit services, and through `pipe edit`: a field not given stays, a
cleared one is emptied, a value is set, a required field refuses to be cleared naming itself.
Each kind's `pipe edit` options and its change model list the same fields, so they cannot
drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import pytest

from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Contact, Deal, Lead, Product, Quote, Task
from pipecli.core.services import (
    accounts,
    common,
    contacts,
    deals,
    leads,
    products,
    quotes,
    tasks,
)
from tests.cli.helpers import refused

MakeCtx = Callable[..., Any]


@dataclass(frozen=True)
class Kind:
    """How to make one record of a kind, edit it, and read it back."""

    name: str
    model: type[Any]  # the table
    changes: type[Any]  # the change model
    edit: Callable[[Any, int | str, Any], Any]
    create: Callable[[Any], int | str]  # makes the record; its id (a product's SKU)
    other: dict[str, Any]  # a change of some other field, to show "not given"


def _lead(ctx: Any) -> int:
    inp = leads.LeadInput(name="Li Wei", phone="123", value="10", notes="n", company="Acme")
    return common.id_of(leads.create(ctx, inp))


def _account(ctx: Any) -> int:
    inp = accounts.AccountInput(name="Acme", website="acme.example", employees=5, notes="n")
    return common.id_of(accounts.create(ctx, inp))


def _contact(ctx: Any) -> int:
    inp = contacts.ContactInput(name="Bo Chen", account="Acme", phone="123",
                                birthday="1990-01-02", notes="n")  # fmt: skip
    return common.id_of(contacts.create(ctx, inp))


def _deal(ctx: Any) -> int:
    inp = deals.DealInput(title="Acme renewal", account="Acme", amount="100",
                          close="2026-12-01", source="web", product="CRM", notes="n")  # fmt: skip
    return common.id_of(deals.create(ctx, inp))


def _task(ctx: Any) -> int:
    deal = deals.create(ctx, deals.DealInput(title="Acme renewal"))
    inp = tasks.TaskInput(title="Call", due="2026-12-01", deal=deal.id, notes="n")
    return common.id_of(tasks.create(ctx, inp))


def _quote(ctx: Any) -> str:
    deal = deals.create(ctx, deals.DealInput(title="Acme renewal"))
    inp = quotes.QuoteInput(deal=common.id_of(deal), valid="2026-12-31", terms="Net 30", notes="n")
    return quotes.create(ctx, inp).number


def _product(ctx: Any) -> str:
    inp = products.ProductInput(name="Seat", sku="SEAT", price="10", unit="seat", notes="n")
    return products.create(ctx, inp).sku


KINDS = {
    k.name: k
    for k in (
        Kind("lead", Lead, leads.LeadChanges, leads.edit, _lead, {"tags": ["x"]}),
        Kind("account", Account, accounts.AccountChanges, accounts.edit, _account,
             {"tags": ["x"]}),
        Kind("contact", Contact, contacts.ContactChanges, contacts.edit, _contact,
             {"tags": ["x"]}),
        Kind("deal", Deal, deals.DealChanges, deals.edit, _deal, {"tags": ["x"]}),
        Kind("task", Task, tasks.TaskChanges, tasks.edit, _task, {"tags": ["x"]}),
        Kind("product", Product, products.ProductChanges, products.edit, _product,
             {"active": False}),
        Kind("quote", Quote, quotes.QuoteChanges, quotes.set_fields, _quote, {"contact": None}),
    )
}  # fmt: skip

# (kind, field of the change model, column, a value to set, the column it gives)
SETTABLE = [
    ("lead", "phone", "phone", " +1  555 ", "+1 555"),
    ("lead", "company", "company", "Globex", "Globex"),
    ("lead", "value", "amount_minor", "12.50", 1250),
    ("lead", "notes", "notes", "later", "later"),
    ("account", "website", "website", "globex.example", "globex.example"),
    ("account", "employees", "employees", "12", 12),
    ("account", "notes", "notes", "later", "later"),
    ("contact", "phone", "phone", "555", "555"),
    ("contact", "birthday", "birthday", "1988-03-14", date(1988, 3, 14)),
    ("contact", "notes", "notes", "later", "later"),
    ("deal", "amount", "amount_minor", "250", 25000),
    ("deal", "close", "expected_close", "2027-01-15", date(2027, 1, 15)),
    ("deal", "source", "source", "referral", "referral"),
    ("deal", "product", "product", "Analytics", "Analytics"),
    ("deal", "notes", "notes", "later", "later"),
    ("task", "due", "due_date", "2026-12-24", date(2026, 12, 24)),
    ("task", "notes", "notes", "later", "later"),
    ("product", "unit", "unit", "hour", "hour"),
    ("product", "notes", "notes", "later", "later"),
    ("quote", "valid", "valid_until", "2027-01-31", date(2027, 1, 31)),
    ("quote", "terms", "terms", "Net 45", "Net 45"),
    ("quote", "notes", "notes", "later", "later"),
]
# (kind, field of the change model, the field the refusal names)
REQUIRED = [
    ("lead", "name", "name"),
    ("lead", "currency", "currency"),
    ("lead", "status", "status"),
    ("lead", "owner", "owner"),
    ("account", "name", "name"),
    ("contact", "name", "name"),
    ("deal", "title", "title"),
    ("deal", "currency", "currency"),
    ("deal", "owner", "owner"),
    ("task", "title", "title"),
    ("task", "kind", "type"),
    ("task", "priority", "priority"),
    ("product", "name", "name"),
    ("product", "sku", "sku"),
    ("product", "price", "price"),
    ("product", "currency", "currency"),
    ("product", "tax", "tax"),
]


Made = tuple[int | str, Callable[[], Any]]


@pytest.fixture
def record(make_ctx: MakeCtx) -> Callable[[str], Made]:
    """record(kind): make one record of the kind; its id and a function that reads it back."""

    def make(kind: str) -> Made:
        with make_ctx() as ctx:
            ref = KINDS[kind].create(ctx)

        def read() -> Any:
            with make_ctx() as ctx:
                if kind == "product":
                    return products.get(ctx, ref)
                if kind == "quote":
                    return quotes.find(ctx, ref)
                return ctx.session.get(KINDS[kind].model, ref)

        return ref, read

    return make


def _edit(make_ctx: MakeCtx, of: str, ref: int | str, **changes: Any) -> None:
    with make_ctx() as ctx:
        KINDS[of].edit(ctx, ref, KINDS[of].changes(**changes))


@pytest.mark.parametrize(("kind", "name", "column", "value", "stored"), SETTABLE)
def test_not_given_stays_a_value_sets_and_none_or_blank_clears(
    make_ctx: MakeCtx,
    record: Callable[[str], Made],
    kind: str,
    name: str,
    column: str,
    value: str,
    stored: Any,
) -> None:
    ref, read = record(kind)
    before = getattr(read(), column)
    assert before is not None  # made with a value, so clearing shows
    _edit(make_ctx, kind, ref, **KINDS[kind].other)  # `name` not given
    assert getattr(read(), column) == before
    _edit(make_ctx, kind, ref, **{name: value})
    assert getattr(read(), column) == stored
    for cleared in ("", "  ", None):
        _edit(make_ctx, kind, ref, **{name: value})
        _edit(make_ctx, kind, ref, **{name: cleared})
        assert getattr(read(), column) is None, cleared


@pytest.mark.parametrize(("kind", "name", "field"), REQUIRED)
def test_a_required_field_cannot_be_cleared(
    make_ctx: MakeCtx, record: Callable[[str], Made], kind: str, name: str, field: str
) -> None:
    ref, read = record(kind)
    before = {c: getattr(read(), c) for c in KINDS[kind].model.model_fields}
    for cleared in ("", "  ", None):
        with pytest.raises(Invalid) as err:
            _edit(make_ctx, kind, ref, **{name: cleared})
        assert err.value.field == field
        assert str(err.value).startswith(f"{field}: ") and "empty" in str(err.value)
        assert {c: getattr(read(), c) for c in before} == before


def test_not_given_is_its_own_value() -> None:
    ch = deals.DealChanges(amount=None, close="")
    assert ch.title is common.UNSET and repr(ch.title) == "UNSET"
    assert ch.amount is None and ch.close == ""
    assert deals.DealChanges() == deals.DealChanges() != ch


def test_a_deal_cleared_of_account_contact_and_probability(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        li = contacts.create(ctx, contacts.ContactInput(name="Li Wei", account="Acme"))
        deal = deals.create(ctx, deals.DealInput(title="X", contact=li.id, probability=70))
    assert (deal.account_id, deal.contact_id, deal.probability) == (li.account_id, li.id, 70)
    with make_ctx() as ctx:
        got = deals.edit(ctx, common.id_of(deal), deals.DealChanges(account="", contact=None))
        assert (got.account_id, got.contact_id, got.probability) == (None, None, 70)
        got = deals.edit(ctx, common.id_of(deal), deals.DealChanges(probability=""))
        assert (got.probability, got.probability_manual) == (10, False)  # Prospecting's


def test_a_task_cleared_of_its_deal_and_repeat(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        deal = deals.create(ctx, deals.DealInput(title="X"))
        task = tasks.create(ctx, tasks.TaskInput(title="T", due="fri", repeat="weekly",
                                                 deal=deal.id))  # fmt: skip
    assert task.repeat and task.deal_id == deal.id
    with make_ctx() as ctx:
        got = tasks.edit(ctx, common.id_of(task), tasks.TaskChanges(deal="", repeat=""))
        assert (got.deal_id, got.repeat, got.due_date) == (None, None, task.due_date)


# --- through the CLI ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "flag", "field"),
    [
        ("lead", "--name", "name"),
        ("account", "--name", "name"),
        ("contact", "--name", "name"),
        ("deal", "--title", "title"),
        ("deal", "--currency", "currency"),
        ("task", "--title", "title"),
        ("task", "--type", "type"),
        ("lead", "--status", "status"),
    ],
)
def test_pipe_edit_refuses_to_clear_a_required_field(
    pipe: Any, snapshot: Any, kind: str, flag: str, field: str
) -> None:
    assert pipe("add", kind, "Something").exit_code == 0
    before = snapshot()
    for cleared in ("", " "):
        line = refused(pipe("edit", kind, "1", flag, cleared, "--notes", "x"), 2)
        assert line.startswith(f"pipe: {field}: ") and line.endswith(" must not be empty")
    assert snapshot() == before


def test_pipe_edit_product_refuses_to_clear_its_price(pipe: Any, snapshot: Any) -> None:
    assert pipe("add", "product", "Seat", "--sku", "SEAT", "--price", "10").exit_code == 0
    before = snapshot()
    assert refused(pipe("edit", "product", "SEAT", "--price", ""), 2) == (
        "pipe: price: must not be empty"
    )
    assert snapshot() == before


def test_pipe_quote_set_clears_what_is_given_empty(pipe: Any) -> None:
    assert pipe("add", "deal", "Acme").exit_code == 0
    q = pipe("add", "quote", "--deal", "1", "--valid", "2026-12-31", "--terms", "Net 30", "--json")
    assert q.exit_code == 0, q.stderr
    r = pipe("quote", "set", q.json["number"], "--valid", "", "--notes", "x", "--json")
    assert r.exit_code == 0, r.stderr
    assert (r.json["valid_until"], r.json["terms"], r.json["notes"]) == (None, "Net 30", "x")


def test_pipe_edit_clears_notes_of_every_kind(pipe: Any) -> None:
    for kind in ("lead", "account", "contact", "deal", "task"):
        assert pipe("add", kind, "Something", "--notes", "keep?").exit_code == 0
        r = pipe("edit", kind, "1", "--notes", "", "--json")
        assert r.exit_code == 0, r.stderr
        assert r.json["notes"] is None, kind


# --- the options and the models cannot drift ----------------------------------------------


def _edit_options(kind: str) -> set[str]:
    """The parameters `pipe edit KIND` (`pipe quote set`) takes besides the record and the
    output format."""
    from pipecli.commands import edit
    from pipecli.commands import quotes as quote_commands

    app, name = (quote_commands.quote_app, "set") if kind == "quote" else (edit.app, kind)
    found = [c.callback for c in app.registered_commands if c.name == name]
    assert len(found) == 1 and found[0] is not None
    names = set(inspect.signature(found[0]).parameters)
    return names - {"record_id", "ref", "as_json", "as_csv"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_edit_options_and_the_change_model_list_the_same_fields(kind: str) -> None:
    model = {f.name for f in fields(KINDS[kind].changes)}
    assert _edit_options(kind) == model
    if kind not in ("product", "quote"):
        from pipecli.commands.edit import edits

        assert edits(kind) == (KINDS[kind].changes, KINDS[kind].edit)


def test_edit_activity_options_and_its_change_model_list_the_same_fields() -> None:
    from pipecli.core.services import activities

    names = {f.name for f in fields(activities.ActivityChanges)}
    assert _edit_options("activity") - {"activity_id", "type_"} | {"type"} == names


def test_every_edit_command_is_covered() -> None:
    from pipecli.commands import edit

    covered = set(KINDS) - {"quote"} | {"activity"}  # activity: the test above
    assert {c.name for c in edit.app.registered_commands} == covered
