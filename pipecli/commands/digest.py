"""`pipe digest`: what needs attention today, printed, checked or delivered once (for cron);
`pipe digest cron SCHEDULE` prints the crontab line and systemd timer that run it."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, now, settings

app = typer.Typer(
    epilog=o.examples(
        "pipe digest",
        "pipe digest --owner all --days 14",
        'pipe digest cron "weekdays 8:00" --email me@example.com',
    ),
    help="What needs attention today: tasks, deals, follow-ups, birthdays (cron-friendly).",
    invoke_without_command=True,
    no_args_is_help=False,
)

Owner = Annotated[
    str,
    typer.Option(
        "--owner", metavar="OWNER", help="me (default), a user's name, or all (grouped by owner)."
    ),
]
Days = Annotated[int, typer.Option("--days", metavar="DAYS", help="How many days ahead to look.")]
Emails = Annotated[
    list[str] | None,
    typer.Option(
        "--email",
        metavar="EMAIL",
        help="E-mail it to this address, via config.toml's smtp section (repeatable).",
    ),
]
Urls = Annotated[
    list[str] | None,
    typer.Option("--notify", metavar="URL", help="Post it to an apprise URL (repeatable)."),
]


@app.callback()
def digest(
    ctx: typer.Context,
    owner: Owner = "me",
    days: Days = 7,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="text, md, html or json.")
    ] = "text",
    email: Emails = None,
    notify: Urls = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 5 when something needs attention, else 0.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing but errors (for cron).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Deliver even if today's digest was delivered.")
    ] = False,
) -> None:
    """Today's digest for you (or --owner NAME|all); e-mailed or posted once a day."""
    if ctx.invoked_subcommand is not None:
        return
    from pipecli.core.errors import PipeError
    from pipecli.digest.run import Options, run

    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and fmt == "text"
    opts = Options(owner, days, fmt.lower(), email or [], notify or [], check, quiet, force, bold)
    try:
        outcome = run(settings(), now(), opts, _say)
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    sys.stdout.write(outcome.stdout)
    raise typer.Exit(outcome.code)


def _say(text: str, is_error: bool) -> None:
    (render.error if is_error else render.message)(text)


@app.command("cron")
def cron(
    schedule: Annotated[
        str, typer.Argument(metavar="SCHEDULE", help="When: 'weekdays 8:00', 'daily 7:30'...")
    ],
    owner: Owner = "me",
    days: Days = 7,
    email: Emails = None,
    notify: Urls = None,
) -> None:
    """Print a crontab line and a systemd timer that run the digest; changes nothing."""
    from pipecli.core.errors import PipeError
    from pipecli.digest import cron as cron_text

    args = [
        *(["--owner", owner] if owner != "me" else []),
        *(["--days", str(days)] if days != 7 else []),
    ]
    args += [w for e in email or [] for w in ("--email", e)]
    args += [w for u in notify or [] for w in ("--notify", u)]
    try:
        out = cron_text.render(schedule, settings(), args)
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    sys.stdout.write(out.text)
    for note in out.notes:
        render.message(note)
