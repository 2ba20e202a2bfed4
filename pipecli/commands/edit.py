"""`pipe edit KIND ID --field value ...`: change fields; only the options given are touched."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, session


def _require_change(kind: str, changes: object) -> None:
    """`pipe edit KIND ID` with no option would change nothing: say so (exit 2) instead. An
    empty value (`--close ""`) is a change: it clears the field."""
    from dataclasses import fields

    identity = ("title",) if kind in ("deal", "task") else ("name",)
    given = [
        f.name
        for f in fields(changes)  # type: ignore[arg-type]
        if f.name != "create_owner"
        and getattr(changes, f.name) not in (None, [])
        and not (f.name in identity and getattr(changes, f.name) == "")  # never cleared
    ]
    if not given:
        raise fail(f"edit: nothing to change; see `pipe edit {kind} --help` for the fields")


app = typer.Typer(help="Change fields of a record.", no_args_is_help=True)
Id = Annotated[str, typer.Argument(help="Record id.")]
Name = Annotated[str | None, typer.Option("--name", help="New name.")]
Title = Annotated[str | None, typer.Option("--title", help="New title.")]
Account = o.AccountRef


@app.command("deal")
def edit_deal(
    record_id: Id,
    title: Title = None,
    account: Account = None,
    contact: o.ContactRef = None,
    amount: Annotated[str | None, typer.Option(help="Deal value.")] = None,
    currency: o.Currency = None,
    close: Annotated[str | None, typer.Option(help="Expected close date.")] = None,
    probability: Annotated[str | None, typer.Option(help="Percent, or `auto`.")] = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    source: o.Source = None,
    product: o.Product = None,
    notes: o.Notes = None,
    tag: o.Tags = None,
    untag: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Edit a deal; amount, currency, close date and probability changes go into its history."""
    from pipecli.core.services import deals, listing

    ch = deals.DealChanges(
        title=title, account=account, contact=contact, amount=amount, currency=currency,
        close=close, owner=owner, probability=probability, source=source, product=product,
        notes=notes,
        tags=tag or [], untags=untag or [],
        create_owner=create_owner,
    )  # fmt: skip
    _require_change("deal", ch)
    with session() as ctx:
        row = listing.get_row(ctx, "deal", deals.edit(ctx, record_id, ch))
    render.created("deal", row, render.fmt_of(as_json, as_csv), verb="updated")


@app.command("lead")
def edit_lead(
    record_id: Id,
    name: Name = None,
    company: o.Company = None,
    email: o.Email = None,
    phone: o.Phone = None,
    title: o.JobTitle = None,
    source: o.Source = None,
    value: o.Value = None,
    currency: o.Currency = None,
    status: o.LeadStatus = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    notes: o.Notes = None,
    tag: o.Tags = None,
    untag: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Edit a lead."""
    from pipecli.core.services import leads, listing

    inp = leads.LeadInput(
        name=name or "", company=company, email=email, phone=phone, title=title, source=source,
        value=value, currency=currency, status=status, owner=owner, notes=notes,
        tags=tag or [], untags=untag or [],
        create_owner=create_owner,
    )  # fmt: skip
    _require_change("lead", inp)
    with session() as ctx:
        row = listing.get_row(ctx, "lead", leads.edit(ctx, record_id, inp))
    render.created("lead", row, render.fmt_of(as_json, as_csv), verb="updated")


@app.command("account")
def edit_account(
    record_id: Id,
    name: Name = None,
    domain: o.Domain = None,
    industry: o.Industry = None,
    website: o.Website = None,
    phone: o.Phone = None,
    address: o.Address = None,
    region: o.Region = None,
    employees: o.Employees = None,
    source: o.Source = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    notes: o.Notes = None,
    tag: o.Tags = None,
    untag: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Edit an account."""
    from pipecli.core.services import accounts, listing

    inp = accounts.AccountInput(
        name=name or "", domain=domain, industry=industry, website=website, phone=phone,
        address=address, region=region, employees=employees, source=source, owner=owner,
        notes=notes, tags=tag or [], untags=untag or [],
        create_owner=create_owner,
    )  # fmt: skip
    _require_change("account", inp)
    with session() as ctx:
        row = listing.get_row(ctx, "account", accounts.edit(ctx, record_id, inp))
    render.created("account", row, render.fmt_of(as_json, as_csv), verb="updated")


@app.command("contact")
def edit_contact(
    record_id: Id,
    name: Name = None,
    account: Account = None,
    email: o.Email = None,
    phone: o.Phone = None,
    title: o.JobTitle = None,
    birthday: o.Birthday = None,
    source: o.Source = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    notes: o.Notes = None,
    tag: o.Tags = None,
    untag: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Edit a contact."""
    from pipecli.core.services import contacts, listing

    inp = contacts.ContactInput(
        name=name or "", account=account, email=email, phone=phone, title=title,
        birthday=birthday, source=source, owner=owner, notes=notes, tags=tag or [],
        untags=untag or [],
        create_owner=create_owner,
    )  # fmt: skip
    _require_change("contact", inp)
    with session() as ctx:
        row = listing.get_row(ctx, "contact", contacts.edit(ctx, record_id, inp))
    render.created("contact", row, render.fmt_of(as_json, as_csv), verb="updated")


@app.command("task")
def edit_task(
    record_id: Id,
    title: Title = None,
    due: Annotated[str | None, typer.Option(help="Due date and time.")] = None,
    priority: o.Priority = None,
    kind: o.TaskType = None,
    repeat: Annotated[str | None, typer.Option(help="Repeat rule, or `none`.")] = None,
    deal: o.DealRef = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    notes: o.Notes = None,
    tag: o.Tags = None,
    untag: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Edit a task."""
    from pipecli.core.services import listing, tasks

    inp = tasks.TaskInput(
        title=title or "", due=due, kind=kind, priority=priority, repeat=repeat, deal=deal,
        owner=owner, notes=notes, tags=tag or [], untags=untag or [],
        create_owner=create_owner,
    )  # fmt: skip
    _require_change("task", inp)
    with session() as ctx:
        row = listing.get_row(ctx, "task", tasks.edit(ctx, record_id, inp))
    render.created("task", row, render.fmt_of(as_json, as_csv), verb="updated")
