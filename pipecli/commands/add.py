"""`pipe add KIND ...`: create a lead, account, contact, deal or task.

Each kind's options are declared once in `commands.record_options` (shared with `pipe edit`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands import record_options as ro
from pipecli.commands._run import session
from pipecli.commands.record_options import with_options

app = typer.Typer(
    help="Create a record: lead, account, contact, deal or task.", no_args_is_help=True
)

Name = Annotated[str, typer.Argument(help="Name.")]
Title = Annotated[str, typer.Argument(help="Title.")]


def _created(kind: str, row: Any, as_json: bool, as_csv: bool) -> None:
    render.created(kind, row, render.fmt_of(as_json, as_csv))


@app.command("lead")
@with_options(ro.lead)
def add_lead(
    name: Name, as_json: o.Json = False, as_csv: o.Csv = False, *, fields: dict[str, Any]
) -> None:
    """Capture a lead: someone who might buy."""
    from pipecli.core.services import leads, listing

    with session() as ctx:
        row = listing.get_row(ctx, "lead", leads.create(ctx, leads.LeadInput(name, **fields)))
    _created("lead", row, as_json, as_csv)


@app.command("account")
@with_options(ro.account)
def add_account(
    name: Name,
    duplicate: Annotated[
        bool, typer.Option("--duplicate", help="Add it even if an account has this name.")
    ] = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Add an account (a company); a name already in use is refused unless --duplicate."""
    from pipecli.core.services import accounts, listing

    with session() as ctx:
        inp = accounts.AccountInput(name, **fields)
        row = listing.get_row(ctx, "account", accounts.create(ctx, inp, duplicate=duplicate))
    _created("account", row, as_json, as_csv)


@app.command("contact")
@with_options(ro.contact)
def add_contact(
    name: Name, as_json: o.Json = False, as_csv: o.Csv = False, *, fields: dict[str, Any]
) -> None:
    """Add a contact (a person), optionally at an account (created if new)."""
    from pipecli.core.services import contacts, listing

    with session() as ctx:
        inp = contacts.ContactInput(name, **fields)
        row = listing.get_row(ctx, "contact", contacts.create(ctx, inp))
    _created("contact", row, as_json, as_csv)


@app.command("deal")
@with_options(ro.deal)
def add_deal(
    title: Title,
    stage: Annotated[str | None, typer.Option(help="Stage (default: the first).")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Pipeline (default: default).")] = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Open a deal in a pipeline."""
    from pipecli.core.services import deals, listing

    with session() as ctx:
        inp = deals.DealInput(title, stage=stage, pipeline=pipeline, **fields)
        row = listing.get_row(ctx, "deal", deals.create(ctx, inp))
    _created("deal", row, as_json, as_csv)


@app.command("task")
@with_options(ro.task)
def add_task(
    title: Title,
    lead: ro.LeadRef = None,
    contact: o.ContactRef = None,
    account: o.AccountRef = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Add a task, optionally repeating, linked to a deal, lead, contact or account."""
    from pipecli.core.services import listing, tasks

    with session() as ctx:
        inp = tasks.TaskInput(title, lead=lead, contact=contact, account=account, **fields)
        row = listing.get_row(ctx, "task", tasks.create(ctx, inp))
    _created("task", row, as_json, as_csv)
