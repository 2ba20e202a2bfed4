"""`pipe add KIND ...`: create a lead, account, contact, deal or task."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

app = typer.Typer(
    help="Create a record: lead, account, contact, deal or task.", no_args_is_help=True
)

Name = Annotated[str, typer.Argument(help="Name.")]
Title = Annotated[str, typer.Argument(help="Title.")]
Account = o.AccountRef


@app.command("lead")
def add_lead(
    name: Name,
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
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Capture a lead: someone who might buy."""
    from pipecli.core.services import leads, listing

    inp = leads.LeadInput(
        name=name, company=company, email=email, phone=phone, title=title, source=source,
        value=value, currency=currency, status=status, owner=owner, notes=notes, tags=tag or [],
        create_owner=create_owner,
    )  # fmt: skip
    with session() as ctx:
        row = listing.get_row(ctx, "lead", leads.create(ctx, inp))
    render.created("lead", row, render.fmt_of(as_json, as_csv))


@app.command("account")
def add_account(
    name: Name,
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
    duplicate: Annotated[
        bool, typer.Option("--duplicate", help="Add it even if an account has this name.")
    ] = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Add an account (a company); a name already in use is refused unless --duplicate."""
    from pipecli.core.services import accounts, listing

    inp = accounts.AccountInput(
        name=name, domain=domain, industry=industry, website=website, phone=phone,
        address=address, region=region, employees=employees, source=source, owner=owner,
        notes=notes, tags=tag or [],
        create_owner=create_owner,
    )  # fmt: skip
    with session() as ctx:
        row = listing.get_row(ctx, "account", accounts.create(ctx, inp, duplicate=duplicate))
    render.created("account", row, render.fmt_of(as_json, as_csv))


@app.command("contact")
def add_contact(
    name: Name,
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
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Add a contact (a person), optionally at an account (created if new)."""
    from pipecli.core.services import contacts, listing

    inp = contacts.ContactInput(
        name=name, account=account, email=email, phone=phone, title=title, birthday=birthday,
        source=source, owner=owner, notes=notes, tags=tag or [],
        create_owner=create_owner,
    )  # fmt: skip
    with session() as ctx:
        row = listing.get_row(ctx, "contact", contacts.create(ctx, inp))
    render.created("contact", row, render.fmt_of(as_json, as_csv))


@app.command("deal")
def add_deal(
    title: Title,
    account: Account = None,
    contact: o.ContactRef = None,
    amount: Annotated[str | None, typer.Option(help="Deal value, e.g. 12000 or 12k.")] = None,
    currency: o.Currency = None,
    close: Annotated[str | None, typer.Option(help="Expected close: 2026-12-20, eoq...")] = None,
    stage: Annotated[str | None, typer.Option(help="Stage (default: the first).")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Pipeline (default: default).")] = None,
    probability: Annotated[str | None, typer.Option(help="Percent; default follows stage.")] = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    source: o.Source = None,
    product: o.Product = None,
    notes: o.Notes = None,
    tag: o.Tags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Open a deal in a pipeline."""
    from pipecli.core.services import deals, listing

    inp = deals.DealInput(
        title=title, account=account, contact=contact, amount=amount, currency=currency,
        close=close, stage=stage, pipeline=pipeline, owner=owner, probability=probability,
        source=source, product=product, notes=notes, tags=tag or [],
        create_owner=create_owner,
    )  # fmt: skip
    with session() as ctx:
        row = listing.get_row(ctx, "deal", deals.create(ctx, inp))
    render.created("deal", row, render.fmt_of(as_json, as_csv))


@app.command("task")
def add_task(
    title: Title,
    due: Annotated[
        str | None, typer.Option(help="Due: fri 10am, tomorrow, +3d, 2026-12-01.")
    ] = None,
    priority: o.Priority = None,
    kind: o.TaskType = None,
    repeat: Annotated[str | None, typer.Option(help="e.g. 'every 2 weeks'.")] = None,
    deal: o.DealRef = None,
    lead: Annotated[str | None, typer.Option(help="Lead id or name.")] = None,
    contact: o.ContactRef = None,
    account: Account = None,
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    notes: o.Notes = None,
    tag: o.Tags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Add a task, optionally repeating, linked to a deal, lead, contact or account."""
    from pipecli.core.services import listing, tasks

    inp = tasks.TaskInput(
        title=title, due=due, kind=kind, priority=priority, repeat=repeat, deal=deal, lead=lead,
        contact=contact, account=account, owner=owner, notes=notes, tags=tag or [],
        create_owner=create_owner,
    )  # fmt: skip
    with session() as ctx:
        row = listing.get_row(ctx, "task", tasks.create(ctx, inp))
    render.created("task", row, render.fmt_of(as_json, as_csv))
