"""The verbs of daily work: convert, move, win, lose, reopen, done, undone and log."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

Id = Annotated[str, typer.Argument(metavar="ID", help="Deal id.")]
Note = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="A note kept in the history.")
]
On = Annotated[
    str | None, typer.Option("--date", metavar="DATE", help="When it closed (default: now).")
]


@o.with_examples(
    "pipe convert 1",
    'pipe convert 1 --deal "Acme – 40 seats" --stage qualification',
    'pipe convert 4 --account "Acme Ltd"',
)
def convert(
    lead_id: Annotated[str, typer.Argument(metavar="ID", help="Lead id.")],
    deal: Annotated[
        str | None,
        typer.Option("--deal", metavar="TITLE", help="Also open a deal with this title."),
    ] = None,
    account: Annotated[
        str | None, typer.Option(metavar="ACCOUNT", help="Use this account (name or id).")
    ] = None,
    stage: Annotated[
        str | None, typer.Option(metavar="STAGE", help="Stage for the new deal.")
    ] = None,
    pipeline: Annotated[
        str | None, typer.Option(metavar="PIPELINE", help="Pipeline for the new deal.")
    ] = None,
    close: Annotated[
        str | None, typer.Option(metavar="DATE", help="Expected close of the new deal.")
    ] = None,
    as_json: o.Json = False,
) -> None:
    """Convert a lead into an account and a contact (matched or created), and maybe a deal."""
    from pipecli.core.services import leads, listing

    with session() as ctx:
        c = leads.convert(
            ctx, lead_id, deal_title=deal, account=account, stage=stage, pipeline=pipeline,
            close=close,
        )  # fmt: skip
        result = listing.conversion_view(ctx, c)
    render.conversion(result, as_json)


@o.with_examples("pipe move 1 proposal", 'pipe move 3 neg --note "pricing agreed"')
def move(
    deal_id: Id,
    stage: Annotated[
        str, typer.Argument(metavar="STAGE", help="Stage name (a unique prefix will do).")
    ],
    note: Note = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Move a deal to another stage of its pipeline."""
    from pipecli.core.services import deals, listing

    with session() as ctx:
        row = listing.get_row(ctx, "deal", deals.move(ctx, deal_id, stage, note))
    render.created("deal", row, render.fmt_of(as_json, as_csv), verb="moved")


@o.with_examples("pipe win 1", 'pipe win 1 --date 2026-11-20 --note "signed"')
def win(
    deal_id: Id, note: Note = None, on: On = None, as_json: o.Json = False, as_csv: o.Csv = False
) -> None:
    """Mark a deal won (probability 100)."""
    from pipecli.core.services import deals, listing

    with session() as ctx:
        row = listing.get_row(ctx, "deal", deals.win(ctx, deal_id, note, on))
    render.created("deal", row, render.fmt_of(as_json, as_csv), verb="won")


@o.with_examples(
    'pipe lose 2 --reason price --note "went with a cheaper vendor"',
    "pipe lose 2 --reason timing --date yesterday",
)
def lose(
    deal_id: Id,
    reason: Annotated[
        str | None, typer.Option(metavar="REASON", help="Why: price, competitor, timing...")
    ] = None,
    note: Note = None,
    on: On = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Mark a deal lost (probability 0), with a reason."""
    from pipecli.core.services import deals, listing

    with session() as ctx:
        row = listing.get_row(ctx, "deal", deals.lose(ctx, deal_id, reason, note, on))
    render.created("deal", row, render.fmt_of(as_json, as_csv), verb="lost")


@o.with_examples("pipe reopen 2", "pipe reopen 2 --stage qualification")
def reopen(
    deal_id: Id,
    stage: Annotated[
        str | None, typer.Option(metavar="STAGE", help="Open stage to reopen into.")
    ] = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Reopen a won or lost deal, into the stage it closed from unless --stage."""
    from pipecli.core.services import deals, listing

    with session() as ctx:
        row = listing.get_row(ctx, "deal", deals.reopen(ctx, deal_id, stage))
    render.created("deal", row, render.fmt_of(as_json, as_csv), verb="reopened")


@o.with_examples("pipe done 7", "pipe list tasks --status done")
def done(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="Task id.")], as_json: o.Json = False
) -> None:
    """Mark a task done; a repeating task gets its next occurrence."""
    from pipecli.core.services import listing, tasks

    with session() as ctx:
        result = tasks.done(ctx, task_id)
        row = listing.get_row(ctx, "task", result.task)
        nxt = listing.get_row(ctx, "task", result.next_task) if result.next_task else None
    if as_json:
        render.emit_json({"task": row, "next": nxt})
        return
    render.line(f"done task {row['id']}: {row['title']}")
    if nxt:
        render.line(f"next: task {nxt['id']} due {nxt['due']}")


@o.with_examples("pipe undone 7", "pipe undone 7 --json")
def undone(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="Task id.")], as_json: o.Json = False
) -> None:
    """Open a done task again (withdrawing the next occurrence it created, if untouched)."""
    from pipecli.core.services import listing, tasks

    with session() as ctx:
        result = tasks.undone(ctx, task_id)
        row = listing.get_row(ctx, "task", result.task)
    if as_json:
        render.emit_json(row)
    else:
        render.line(f"reopened task {row['id']}: {row['title']}")


@o.with_examples(
    'pipe log call "Discussed volume discount" --deal 1',
    'pipe log meeting "Demo with IT" --contact "Li Wei" --at "yesterday 3pm"',
    'pipe log note "Prefers e-mail" --account "Acme Ltd"',
)
def log(
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="call, email, meeting or note.")],
    subject: Annotated[str, typer.Argument(metavar="SUBJECT", help="What happened.")],
    deal: Annotated[str | None, typer.Option(metavar="DEAL", help="Deal id.")] = None,
    lead: Annotated[str | None, typer.Option(metavar="LEAD", help="Lead id or name.")] = None,
    contact: Annotated[
        str | None, typer.Option(metavar="CONTACT", help="Contact id or name.")
    ] = None,
    account: Annotated[
        str | None, typer.Option(metavar="ACCOUNT", help="Account id or name.")
    ] = None,
    at: Annotated[
        str | None, typer.Option(metavar="WHEN", help="When (default now): 'yesterday 3pm'.")
    ] = None,
    body: Annotated[str | None, typer.Option(metavar="TEXT", help="More text.")] = None,
    as_json: o.Json = False,
) -> None:
    """Log a call, e-mail, meeting or note on a record's timeline."""
    from pipecli.core.services import activities, listing

    inp = activities.ActivityInput(kind, subject, body, at, deal, lead, contact, account)
    with session() as ctx:
        act = activities.log(ctx, inp)
        row = listing.activity_row((act, ctx.user().name), [])
    if as_json:
        render.emit_json(row)
    else:
        render.line(f"logged {row['type']} {row['id']}: {row['subject']}")
