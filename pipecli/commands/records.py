"""`pipe list`, `pipe show`, `pipe edit`, `pipe delete` and `pipe undelete` for every kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, session

list_app = typer.Typer(
    help="List records, filtered.",
    no_args_is_help=True,
    epilog=o.examples(
        "pipe list deals --stage proposal --owner me",
        "pipe list tasks --due today",
        "pipe list leads --status all --json",
    ),
)

# each list's examples, ending its `pipe list KINDS --help`
EXAMPLES: dict[str, tuple[str, ...]] = {
    "deals": (
        "pipe list deals --stage proposal --owner me",
        "pipe list deals --status won --close-from 2026-10-01 --csv",
        "pipe list deals -s acme --limit 0",
    ),
    "leads": (
        "pipe list leads --owner me",
        "pipe list leads --status all --from 2026-11-01 --json",
    ),
    "accounts": (
        "pipe list accounts --tag key",
        "pipe list accounts --archived",
    ),
    "contacts": (
        'pipe list contacts --account "Acme Ltd"',
        "pipe list contacts -s li --json",
    ),
    "tasks": (
        "pipe list tasks --due today",
        "pipe list tasks --due overdue --tag renewal",
        "pipe list tasks --status done --from 2026-11-01",
    ),
    "activities": (
        "pipe list activities --deal 1",
        "pipe list activities --type call --from mon",
    ),
    "products": ("pipe list products", "pipe list products --json"),
    "quotes": (
        "pipe list quotes --status sent --expiring +7d",
        "pipe list quotes --deal 3 --csv",
    ),
}

KINDS = ("lead", "account", "contact", "deal", "task", "activity")
Kind = Annotated[
    str, typer.Argument(metavar="KIND", help="lead, account, contact, deal, task or activity.")
]
Id = Annotated[str, typer.Argument(metavar="ID", help="Record id.")]
Status = Annotated[
    str | None,
    typer.Option("--status", metavar="STATUS",
                 help="Deals: open, won, lost, closed, all. Leads: open, all, new, "
                 "contacted, qualified, disqualified, converted."),
]  # fmt: skip
From = Annotated[str | None, typer.Option("--from", metavar="DATE", help="From date (inclusive).")]
To = Annotated[str | None, typer.Option("--to", metavar="DATE", help="To date (inclusive).")]
DealFilter = Annotated[str | None, typer.Option("--deal", metavar="DEAL", help="Deal id or title.")]


def _kind(text: str) -> str:
    from pipecli.core.schema import kind_name

    kind = kind_name(text)
    if kind not in KINDS:
        raise fail(f"kind: {text!r} must be one of {', '.join(KINDS)}")
    return kind


def _list(kind: str, fields: dict[str, Any], as_json: bool, as_csv: bool) -> None:
    """`pipe list KIND`: the options given become the Filter (and, for activities, what they are
    on and their type); one unit of work runs the kind's list view."""
    from pipecli.core.services import listing

    extra: dict[str, Any] = {}
    if kind == "activity":
        extra = {"kind": fields.pop("kind", None)}
    if fields.get("limit") == 0:
        fields["limit"] = None
    with session() as ctx:
        page = listing.LISTS[kind](ctx, listing.Filter(**fields), **extra)
        today = ctx.today
    fmt = render.fmt_of(as_json, as_csv)
    render.rows(kind, page.rows, fmt, more=page.more, note=_hidden_note(kind, page.hidden),
                today=today)  # fmt: skip


def _hidden_note(kind: str, hidden: int) -> str:
    """Say what the default filter left out (leads: converted and disqualified ones), so nobody
    thinks them lost."""
    if kind != "lead" or hidden <= 0:
        return ""
    leads = "lead" if hidden == 1 else "leads"
    return f"{hidden} converted or disqualified {leads} not shown (--status all)"


# Each list's filters, declared once; the parameter names are the Filter's fields.
def _owned(owner: o.Owner = None, tag: o.Tag = None) -> None:
    """Owner and tag filters."""


def _paged(search: o.Search = None, limit: o.Limit = 50, archived: o.Archived = False) -> None:
    """Search, limit and archived: the end of every record list's options."""


def _deals(
    stage: Annotated[
        str | None,
        typer.Option(metavar="STAGE", help="Stage name, in every pipeline unless --pipeline."),
    ] = None,
    pipeline: Annotated[str | None, typer.Option(metavar="PIPELINE", help="Pipeline name.")] = None,
    status: Status = None,
    owner: o.Owner = None,
    tag: o.Tag = None,
    account: o.AccountRef = None,
    date_from: Annotated[
        str | None, typer.Option("--close-from", metavar="DATE", help="Close on/after.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--close-to", metavar="DATE", help="Close on/before.")
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            metavar="FIELD", help="amount, close, stage, updated or created (ties: by id)."
        ),
    ] = None,
    desc: Annotated[bool, typer.Option("--desc", help="Largest, latest or last first.")] = False,
) -> None:
    """Deal filters and order."""


def _leads(status: Status = None, owner: o.Owner = None, tag: o.Tag = None,
           date_from: From = None, date_to: To = None) -> None:  # fmt: skip
    """Lead filters."""


def _contacts(account: o.AccountRef = None) -> None:
    """Contact filters."""


def _tasks(
    due: Annotated[
        str | None,
        typer.Option(metavar="WHEN", help="Due on or before: today, fri, eow...; or `overdue`."),
    ] = None,
    date_from: From = None,
    date_to: To = None,
    status: Annotated[
        str | None, typer.Option(metavar="STATUS", help="open (default), done or all.")
    ] = None,
    deal: DealFilter = None,
) -> None:
    """Task filters."""


def _activities(
    deal: DealFilter = None,
    kind: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="call, email, meeting, note.")
    ] = None,
    owner: o.Owner = None,
    date_from: From = None,
    date_to: To = None,
    search: o.Search = None,
    limit: o.Limit = 50,
) -> None:
    """Activity filters (no tags, nothing archived)."""


def _list_command(kind: str, name: str, doc: str, *groups: Callable[..., None]) -> None:
    @o.with_options(*groups)
    def command(as_json: o.Json = False, as_csv: o.Csv = False, *, fields: dict[str, Any]) -> None:
        _list(kind, fields, as_json, as_csv)

    command.__doc__ = doc
    list_app.command(name, epilog=o.examples(*EXAMPLES[name]))(command)


_list_command(
    "deal",
    "deals",
    "Deals: open ones unless --status won|lost|closed|all (or a --stage) says otherwise.",
    _deals,
    _paged,
)
_list_command(
    "lead",
    "leads",
    "Leads: open ones (not converted or disqualified) unless --status says otherwise.",
    _leads,
    _paged,
)
_list_command("account", "accounts", "Accounts (companies).", _owned, _paged)
_list_command("contact", "contacts", "Contacts (people).", _contacts, _owned, _paged)
_list_command(
    "task",
    "tasks",
    "Tasks, soonest due first; open ones unless --status says otherwise.",
    _tasks,
    _owned,
    _paged,
)
_list_command(
    "activity",
    "activities",
    "Logged calls, e-mails, meetings and notes, newest first.",
    _activities,
)


@o.with_examples("pipe show deal 1", "pipe show contact 12 --json", "pipe show quote Q-2026-0001")
def show(kind: Kind, record_id: Id, as_json: o.Json = False, as_csv: o.Csv = False) -> None:
    """Show one record with its history, activities, tasks and related records."""
    from pipecli.core.services import records

    own = _quotes.owns(kind)
    if own:
        _quotes.show_record(own, record_id, render.fmt_of(as_json, as_csv))
        return
    kind = _kind(kind)
    with session() as ctx:
        row = records.detail(ctx, kind, record_id)
    render.record(kind, row, render.fmt_of(as_json, as_csv))


@o.with_examples(
    "pipe delete lead 1", "pipe delete deal 3 --purge --yes", "pipe delete product SEAT-1"
)
def delete(
    kind: Kind,
    record_id: Id,
    purge: Annotated[bool, typer.Option(help="Remove for good instead of archiving.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (for --purge).")] = False,
) -> None:
    """Delete a record: it is archived (hidden, kept) unless --purge."""
    from pipecli.core.services import records

    own = _quotes.owns(kind)
    kind = own or _kind(kind)
    if purge and not yes:
        import sys

        if not sys.stdin.isatty():
            raise fail("--purge removes the record for good; add --yes to confirm", 2)
        typer.confirm(f"Remove {kind} {record_id} for good?", abort=True)
    if own:
        _quotes.delete_record(own, record_id, purge)
        return
    with session() as ctx:
        if purge:
            records.purge(ctx, kind, record_id)
        else:
            records.archive(ctx, kind, record_id)
    print(f"{'purged' if purge else 'deleted (archived)'} {kind} {record_id}")


@o.with_examples("pipe undelete lead 1", "pipe list leads --archived")
def undelete(kind: Kind, record_id: Id) -> None:
    """Bring back a deleted (archived) record."""
    from pipecli.core.services import records

    own = _quotes.owns(kind)
    if own:
        _quotes.delete_record(own, record_id, False, undo=True)
        return
    kind = _kind(kind)
    with session() as ctx:
        records.unarchive(ctx, kind, record_id)
    print(f"restored {kind} {record_id}")


# products and quotes live in commands/quotes.py; registered here so `pipe list` offers them
from pipecli.commands import quotes as _quotes  # noqa: E402

list_app.command("products", epilog=o.examples(*EXAMPLES["products"]))(_quotes.list_products)
list_app.command("quotes", epilog=o.examples(*EXAMPLES["quotes"]))(_quotes.list_quotes)
