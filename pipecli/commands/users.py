"""`pipe user ...` and `pipe whoami`: the team that owns the records (core.services.users)."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

user_app = typer.Typer(
    epilog=o.examples(
        "pipe user list",
        'pipe user add "Bo Chen" --email bo@example.com --role manager',
        'pipe user remove "Bo Chen" --reassign-to Ann',
    ),
    help="Users: list, add, edit, merge a duplicate, remove one who leaves.",
    no_args_is_help=True,
)
Who = Annotated[
    str, typer.Argument(metavar="USER", help="Name, e-mail or a unique start of the name.")
]
Email = Annotated[str | None, typer.Option("--email", metavar="EMAIL", help="E-mail address.")]
Role = Annotated[str | None, typer.Option("--role", metavar="ROLE", help="rep, manager or admin.")]


def _moved(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"


@user_app.command("list")
def user_list(
    all_: Annotated[bool, typer.Option("--all", help="Removed users too.")] = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Everyone who can own records, with the open deals, leads and tasks each owns."""
    from pipecli.core.services import users

    with session(write=False) as ctx:
        rows = users.user_rows(ctx, removed=all_)
    render.rows("user", rows, render.fmt_of(as_json, as_csv))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user's name.")],
    email: Email = None,
    role: Role = None,
) -> None:
    """A new teammate who can own records (`--owner NAME`)."""
    from pipecli.core.services import users

    with session() as ctx:
        user = users.add(ctx, name, email=email, role=role)
        uid, uname, urole = user.id, user.name, user.role
    render.line(f"added user {uid}: {uname} ({urole})")


@user_app.command("edit")
def user_edit(
    who: Who,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="New name.")] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", metavar="EMAIL", help='New e-mail address ("" clears it).'),
    ] = None,
    role: Role = None,
) -> None:
    """Rename a user, change their e-mail or role; their records follow."""
    from pipecli.core.services import users

    with session() as ctx:
        user = users.edit(ctx, who, name=name, email=email, role=role)
        uid, uname = user.id, user.name
    render.line(f"updated user {uid}: {uname}")


@user_app.command("merge")
def user_merge(
    duplicate: Annotated[
        str, typer.Argument(metavar="DUPLICATE", help="The user to merge away (deleted after).")
    ],
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="The user who keeps everything.")],
) -> None:
    """Join a duplicate (a typo that became a user) into the real one: every record, history
    row and activity of the duplicate moves, then the duplicate is deleted."""
    from pipecli.core.services import users

    with session() as ctx:
        user, moved = users.merge(ctx, duplicate, keep)
        uname = user.name
    render.line(f"merged into {uname}: moved {_moved(moved)}")


@user_app.command("remove")
def user_remove(
    who: Who,
    reassign_to: Annotated[
        str | None,
        typer.Option(
            "--reassign-to",
            metavar="USER",
            help="Who takes over open deals, leads, tasks, customers.",
        ),
    ] = None,
) -> None:
    """Remove a user who leaves: their open work goes to `--reassign-to`; closed deals keep
    their name for reports. The user stays listed with `pipe user list --all`."""
    from pipecli.core.services import users

    with session() as ctx:
        user, moved = users.remove(ctx, who, reassign_to)
        uname = user.name
    suffix = f"; reassigned {_moved(moved)} to {reassign_to}" if moved else ""
    render.line(f"removed user {uname}{suffix}")


@o.with_examples("pipe whoami", "PIPE_USER=Bo pipe whoami --json")
def whoami(as_json: o.Json = False) -> None:
    """Who pipecli acts as here, and where the name comes from: PIPE_USER, the name in the
    config file's user section, or the login name."""
    from pipecli.core.services import users

    with session(write=False) as ctx:
        me = users.whoami(ctx)
    if as_json:
        render.emit_json(
            {"name": me.name, "source": me.source, "email": me.email,
             "role": me.role, "stored": me.stored}
        )  # fmt: skip
        return
    role = f", {me.role}" if me.role else " (stored with your first record)"
    email = f" <{me.email}>" if me.email else ""
    render.line(f"{me.name}{email}{role}")
    render.line(f"from: {me.source}")
