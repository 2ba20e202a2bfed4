"""`pipe list`, `pipe show`, `pipe edit`, `pipe delete` and `pipe undelete` for every kind."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, session

list_app = typer.Typer(help="List records, filtered.", no_args_is_help=True)

KINDS = ("lead", "account", "contact", "deal", "task")
Kind = Annotated[str, typer.Argument(help="lead, account, contact, deal or task.")]
Id = Annotated[str, typer.Argument(help="Record id.")]
Status = Annotated[
    str | None,
    typer.Option("--status", help="Deals: open, won, lost, closed, all. Leads: open, all, new, "
                 "contacted, qualified, disqualified, converted."),
]  # fmt: skip
From = Annotated[str | None, typer.Option("--from", help="From date (inclusive).")]
To = Annotated[str | None, typer.Option("--to", help="To date (inclusive).")]


def _kind(text: str) -> str:
    from pipecli.core.schema import kind_name

    kind = kind_name(text)
    if kind not in KINDS:
        raise fail(f"kind: {text!r} must be one of {', '.join(KINDS)}")
    return kind


def _list(kind: str, flt: object, fmt: render.Fmt, /, **extra: object) -> None:
    from pipecli.core.services import listing

    with session() as ctx:
        page = listing.LISTS[kind](ctx, flt, **extra)
    render.rows(kind, page.rows, fmt, more=page.more, note=_hidden_note(kind, page.hidden))


def _hidden_note(kind: str, hidden: int) -> str:
    """Say what the default filter left out (leads: converted and disqualified ones), so nobody
    thinks them lost."""
    if kind != "lead" or hidden <= 0:
        return ""
    leads = "lead" if hidden == 1 else "leads"
    return f"{hidden} converted or disqualified {leads} not shown (--status all)"


def _filter(**kw: object) -> object:
    from pipecli.core.services.listing import Filter

    if kw.get("limit") == 0:
        kw["limit"] = None
    return Filter(**kw)  # type: ignore[arg-type]


@list_app.command("deals")
def list_deals(
    stage: Annotated[
        str | None, typer.Option(help="Stage name, in every pipeline unless --pipeline.")
    ] = None,
    pipeline: Annotated[str | None, typer.Option(help="Pipeline name.")] = None,
    status: Status = None,
    owner: o.Owner = None,
    tag: o.Tag = None,
    account: o.AccountRef = None,
    close_from: Annotated[str | None, typer.Option("--close-from", help="Close on/after.")] = None,
    close_to: Annotated[str | None, typer.Option("--close-to", help="Close on/before.")] = None,
    search: o.Search = None,
    limit: o.Limit = 50,
    archived: o.Archived = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Deals: open ones unless --status won|lost|closed|all (or a --stage) says otherwise."""
    flt = _filter(stage=stage, pipeline=pipeline, status=status, owner=owner, tag=tag,
                  account=account, date_from=close_from, date_to=close_to, search=search,
                  limit=limit, archived=archived)  # fmt: skip
    _list("deal", flt, render.fmt_of(as_json, as_csv))


@list_app.command("leads")
def list_leads(
    status: Status = None,
    owner: o.Owner = None,
    tag: o.Tag = None,
    created_from: From = None,
    created_to: To = None,
    search: o.Search = None,
    limit: o.Limit = 50,
    archived: o.Archived = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Leads: open ones (not converted or disqualified) unless --status says otherwise."""
    flt = _filter(status=status, owner=owner, tag=tag, date_from=created_from,
                  date_to=created_to, search=search, limit=limit, archived=archived)  # fmt: skip
    _list("lead", flt, render.fmt_of(as_json, as_csv))


@list_app.command("accounts")
def list_accounts(
    owner: o.Owner = None,
    tag: o.Tag = None,
    search: o.Search = None,
    limit: o.Limit = 50,
    archived: o.Archived = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Accounts (companies)."""
    flt = _filter(owner=owner, tag=tag, search=search, limit=limit, archived=archived)
    _list("account", flt, render.fmt_of(as_json, as_csv))


@list_app.command("contacts")
def list_contacts(
    account: o.AccountRef = None,
    owner: o.Owner = None,
    tag: o.Tag = None,
    search: o.Search = None,
    limit: o.Limit = 50,
    archived: o.Archived = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Contacts (people)."""
    flt = _filter(account=account, owner=owner, tag=tag, search=search, limit=limit,
                  archived=archived)  # fmt: skip
    _list("contact", flt, render.fmt_of(as_json, as_csv))


@list_app.command("tasks")
def list_tasks(
    due: Annotated[
        str | None, typer.Option(help="Due on or before: today, fri, eow...; or `overdue`.")
    ] = None,
    due_from: From = None,
    due_to: To = None,
    status: Annotated[str | None, typer.Option(help="open (default), done or all.")] = None,
    owner: o.Owner = None,
    tag: o.Tag = None,
    search: o.Search = None,
    limit: o.Limit = 50,
    archived: o.Archived = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Tasks, soonest due first; open ones unless --status says otherwise."""
    flt = _filter(due=due, date_from=due_from, date_to=due_to, status=status, owner=owner,
                  tag=tag, search=search, limit=limit, archived=archived)  # fmt: skip
    _list("task", flt, render.fmt_of(as_json, as_csv))


@list_app.command("activities")
def list_activities(
    deal: Annotated[int | None, typer.Option(help="Deal id.")] = None,
    kind: Annotated[str | None, typer.Option("--type", help="call, email, meeting, note.")] = None,
    owner: o.Owner = None,
    at_from: From = None,
    at_to: To = None,
    search: o.Search = None,
    limit: o.Limit = 50,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Logged calls, e-mails, meetings and notes, newest first."""
    flt = _filter(owner=owner, date_from=at_from, date_to=at_to, search=search, limit=limit)
    _list(
        "activity",
        flt,
        render.fmt_of(as_json, as_csv),
        on=("deal", deal) if deal else None,
        kind=kind,
    )


def show(kind: Kind, record_id: Id, as_json: o.Json = False, as_csv: o.Csv = False) -> None:
    """Show one record with its history, activities, tasks and related records."""
    from pipecli.core.services import records

    kind = _kind(kind)
    with session() as ctx:
        row = records.detail(ctx, kind, record_id)
    render.record(kind, row, render.fmt_of(as_json, as_csv))


def delete(
    kind: Kind,
    record_id: Id,
    purge: Annotated[bool, typer.Option(help="Remove for good instead of archiving.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (for --purge).")] = False,
) -> None:
    """Delete a record: it is archived (hidden, kept) unless --purge."""
    from pipecli.core.services import records

    kind = _kind(kind)
    if purge and not yes:
        import sys

        if not sys.stdin.isatty():
            raise fail("--purge removes the record for good; add --yes to confirm", 2)
        typer.confirm(f"Remove {kind} {record_id} for good?", abort=True)
    with session() as ctx:
        if purge:
            records.purge(ctx, kind, record_id)
        else:
            records.archive(ctx, kind, record_id)
    print(f"{'purged' if purge else 'deleted (archived)'} {kind} {record_id}")


def undelete(kind: Kind, record_id: Id) -> None:
    """Bring back a deleted (archived) record."""
    from pipecli.core.services import records

    kind = _kind(kind)
    with session() as ctx:
        records.unarchive(ctx, kind, record_id)
    print(f"restored {kind} {record_id}")
