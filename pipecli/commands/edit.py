"""`pipe edit KIND ID --field value ...`: change fields; only the options given are touched.

Each kind's options are declared once in `commands.record_options` (shared with `pipe add`); an
empty value (`--close ""`) clears that field, an option not given leaves it as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands import record_options as ro
from pipecli.commands._run import fail, session
from pipecli.commands.record_options import with_options

app = typer.Typer(help="Change fields of a record.", no_args_is_help=True)
Id = Annotated[str, typer.Argument(help="Record id.")]
Name = Annotated[str | None, typer.Option("--name", help="New name.")]
Title = Annotated[str | None, typer.Option("--title", help="New title.")]


def _edit(kind: str, record_id: str, label: str | None, fields: dict[str, Any], fmt: Any) -> None:
    """Check that something changes, then one unit of work: the kind's edit, its row, render.
    The name or title is never cleared: an empty one counts as not given."""
    from pipecli.core.services import accounts, contacts, deals, leads, listing, tasks

    if not label and not any(v not in (None, [], False) for v in fields.values()):
        raise fail(f"edit: nothing to change; see `pipe edit {kind} --help` for the fields")
    edits: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
        "deal": (deals.DealChanges, deals.edit),
        "lead": (leads.LeadInput, leads.edit),
        "account": (accounts.AccountInput, accounts.edit),
        "contact": (contacts.ContactInput, contacts.edit),
        "task": (tasks.TaskInput, tasks.edit),
    }
    model, edit = edits[kind]
    identity = "title" if kind in ("deal", "task") else "name"
    with session() as ctx:
        inp = model(**{identity: label if kind == "deal" else label or ""}, **fields)
        row = listing.get_row(ctx, kind, edit(ctx, record_id, inp))
    render.created(kind, row, fmt, verb="updated")


@app.command("deal")
@with_options(ro.deal)
def edit_deal(
    record_id: Id,
    title: Title = None,
    untags: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Edit a deal; amount, currency, close date and probability changes go into its history."""
    fields |= {"untags": untags} if untags else {}
    _edit("deal", record_id, title, fields, render.fmt_of(as_json, as_csv))


@app.command("lead")
@with_options(ro.lead)
def edit_lead(
    record_id: Id,
    name: Name = None,
    untags: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Edit a lead."""
    fields |= {"untags": untags} if untags else {}
    _edit("lead", record_id, name, fields, render.fmt_of(as_json, as_csv))


@app.command("account")
@with_options(ro.account)
def edit_account(
    record_id: Id,
    name: Name = None,
    untags: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Edit an account."""
    fields |= {"untags": untags} if untags else {}
    _edit("account", record_id, name, fields, render.fmt_of(as_json, as_csv))


@app.command("contact")
@with_options(ro.contact)
def edit_contact(
    record_id: Id,
    name: Name = None,
    untags: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Edit a contact."""
    fields |= {"untags": untags} if untags else {}
    _edit("contact", record_id, name, fields, render.fmt_of(as_json, as_csv))


@app.command("task")
@with_options(ro.task)
def edit_task(
    record_id: Id,
    title: Title = None,
    untags: o.Untags = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Edit a task."""
    fields |= {"untags": untags} if untags else {}
    _edit("task", record_id, title, fields, render.fmt_of(as_json, as_csv))
