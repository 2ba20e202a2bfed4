"""`pipe edit KIND ID --field value ...`: change fields; only the options given are touched.

One command per kind, made by `_edit`: each kind's options are declared once in
`commands.record_options` (shared with `pipe add`), and the options given become the kind's
change model (`services.deals.DealChanges`...): an option left out is not given (UNSET), an
empty value (`--close ""`) clears that field. A name or title is never cleared: `--name ""` is
refused, naming the field. The options of each kind and its change model list the same fields
(held by tests/core/test_input_models.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands import record_options as ro
from pipecli.commands._run import fail, session

app = typer.Typer(
    help="Change fields of a record.",
    no_args_is_help=True,
    epilog=o.examples(
        "pipe edit deal 3 --amount 15000 --close 2026-12-20",
        "pipe edit task 7 --due +3d --priority urgent",
        'pipe edit contact 12 --email "" --tag vip',
    ),
)

# each kind's examples, ending its `pipe edit KIND --help`
EXAMPLES: dict[str, tuple[str, ...]] = {
    "deal": (
        "pipe edit deal 3 --amount 15000 --close 2026-12-20",
        'pipe edit deal 3 --probability auto --owner "Bo Chen"',
        'pipe edit deal 3 --close ""',
    ),
    "lead": (
        "pipe edit lead 1 --status contacted",
        'pipe edit lead 1 --company "Acme Ltd" --untag cold',
    ),
    "account": (
        "pipe edit account 2 --industry logistics --employees 250",
        'pipe edit account 2 --name "Acme GmbH"',
    ),
    "contact": (
        "pipe edit contact 12 --title CFO --phone +49301234567",
        'pipe edit contact 12 --email "" --tag vip',
    ),
    "task": (
        "pipe edit task 7 --due +3d --priority urgent",
        'pipe edit task 7 --repeat none --title "Call Li (last time)"',
    ),
    "product": (
        "pipe edit product SEAT-1 --price 1250",
        "pipe edit product SEAT-1 --tax 6",
    ),
}
Id = Annotated[str, typer.Argument(help="Record id.")]


def _named(name: Annotated[str | None, typer.Option("--name", help="New name.")] = None) -> None:
    """A new name (leads, accounts, contacts)."""


def _titled(
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
) -> None:
    """A new title (deals, tasks)."""


def edits(kind: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The kind's change model and its edit service."""
    from pipecli.core.services import accounts, contacts, deals, leads, tasks

    table: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
        "deal": (deals.DealChanges, deals.edit),
        "lead": (leads.LeadChanges, leads.edit),
        "account": (accounts.AccountChanges, accounts.edit),
        "contact": (contacts.ContactChanges, contacts.edit),
        "task": (tasks.TaskChanges, tasks.edit),
    }
    return table[kind]


def _edit(kind: str, doc: str, *groups: Callable[..., None]) -> None:
    @o.with_options(*groups, ro.owned)
    def command(
        record_id: Id,
        untags: o.Untags = None,
        as_json: o.Json = False,
        as_csv: o.Csv = False,
        *,
        fields: dict[str, Any],
    ) -> None:
        from pipecli.core.services import listing

        fields |= {"untags": untags} if untags else {}
        if not any(v not in (None, [], False) for v in fields.values()):
            raise fail(f"edit: nothing to change; see `pipe edit {kind} --help` for the fields")
        model, edit = edits(kind)
        with session() as ctx:
            row = listing.get_row(ctx, kind, edit(ctx, record_id, model(**fields)))
        render.created(kind, row, render.fmt_of(as_json, as_csv), verb="updated")

    command.__doc__ = doc
    app.command(kind, epilog=o.examples(*EXAMPLES[kind]))(command)


_edit(
    "deal",
    "Edit a deal; amount, currency, close date and probability changes go into its history.",
    _titled,
    ro.deal,
)
_edit("lead", "Edit a lead.", _named, ro.lead)
_edit("account", "Edit an account.", _named, ro.account)
_edit("contact", "Edit a contact.", _named, ro.contact)
_edit("task", "Edit a task.", _titled, ro.task)


# products live in commands/quotes.py; registered here so `pipe edit` offers them
from pipecli.commands import quotes as _quotes  # noqa: E402

app.command("product", epilog=o.examples(*EXAMPLES["product"]))(_quotes.edit_product)


@app.command(
    "activity",
    epilog=o.examples(
        "pipe edit activity 4 --deal 12",
        'pipe edit activity 4 --type meeting --at "yesterday 3pm"',
        'pipe edit activity 4 --subject "Call with Li Wei" --body ""',
    ),
)
def edit_activity(
    activity_id: Id,
    type_: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="call, email, meeting or note.")
    ] = None,
    subject: Annotated[str | None, typer.Option(metavar="TEXT", help="What happened.")] = None,
    body: Annotated[
        str | None, typer.Option(metavar="TEXT", help='More text ("" clears it).')
    ] = None,
    at: Annotated[
        str | None, typer.Option(metavar="WHEN", help="When it happened: 'yesterday 3pm'.")
    ] = None,
    deal: Annotated[
        str | None, typer.Option(metavar="DEAL", help='Deal id ("" takes it off).')
    ] = None,
    lead: Annotated[str | None, typer.Option(metavar="LEAD", help="Lead id or name.")] = None,
    contact: Annotated[
        str | None, typer.Option(metavar="CONTACT", help="Contact id or name.")
    ] = None,
    account: Annotated[
        str | None, typer.Option(metavar="ACCOUNT", help="Account id or name.")
    ] = None,
    as_json: o.Json = False,
) -> None:
    """Fix a logged call, e-mail, meeting or note: its type, text, time, or the record it is on
    (a new deal brings that deal's account and contact along)."""
    from pipecli.core.services import activities, common, listing

    given = {"type": type_, "subject": subject, "body": body, "at": at, "deal": deal,
             "lead": lead, "contact": contact, "account": account}  # fmt: skip
    fields = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise fail("edit: nothing to change; see `pipe edit activity --help` for the fields")
    with session() as ctx:
        act = activities.edit(ctx, activity_id, activities.ActivityChanges(**fields))
        row = listing.get_row(ctx, "activity", common.id_of(act))
    if as_json:
        render.emit_json(row)
    else:
        render.line(f"updated {row['type']} {row['id']}: {row['subject']}")
