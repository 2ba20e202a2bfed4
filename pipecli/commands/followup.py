"""`pipe follow-up`: cadences that put a contact or account into the digest when it is due."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

if TYPE_CHECKING:
    from pipecli.core.services.followups import Cadence

app = typer.Typer(
    epilog=o.examples(
        "pipe follow-up contact 12 every 14d",
        'pipe follow-up account "Acme Ltd" every "1 month"',
        "pipe follow-up stop contact 12",
    ),
    help="Follow-up cadences: `pipe follow-up contact 12 every 14d`; list; stop.",
    no_args_is_help=True,
)

Every = Annotated[
    list[str], typer.Argument(metavar="EVERY", help="every 14d | every 2 weeks | '1 month'.")
]


def _start(kind: str, ref: str, every: list[str], owner: str | None, as_json: bool) -> None:
    from pipecli.core.services import followups

    with session() as ctx:
        cad = followups.start(ctx, kind, ref, " ".join(every), owner)
    _show([cad], as_json, f"follow-up on {kind} {cad.record_id}: ")


@app.command("contact")
def contact(
    ref: Annotated[str, typer.Argument(metavar="CONTACT", help="Contact id or name.")],
    every: Every,
    owner: o.Owner = None,
    as_json: o.Json = False,
) -> None:
    """Touch this contact every PERIOD (any logged activity resets the clock)."""
    _start("contact", ref, every, owner, as_json)


@app.command("account")
def account(
    ref: Annotated[str, typer.Argument(metavar="ACCOUNT", help="Account id or name.")],
    every: Every,
    owner: o.Owner = None,
    as_json: o.Json = False,
) -> None:
    """Touch this account every PERIOD (any logged activity resets the clock)."""
    _start("account", ref, every, owner, as_json)


@app.command("list")
def list_(
    owner: Annotated[
        str, typer.Option("--owner", metavar="OWNER", help="me, a name, or all.")
    ] = "all",
    as_json: o.Json = False,
) -> None:
    """Running cadences, soonest due first."""
    from pipecli.core.services import digest, followups

    with session() as ctx:
        ids = digest.owner_ids(ctx, owner)
        rows = followups.live(ctx, ids)
    _show(rows, as_json)


@app.command("stop")
def stop(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="contact or account.")],
    ref: Annotated[str, typer.Argument(metavar="REF", help="Its id or name.")],
    as_json: o.Json = False,
) -> None:
    """Stop the cadence on a contact or account."""
    from pipecli.core.services import followups

    with session() as ctx:
        cad = followups.stop(ctx, kind, ref)
    _show([cad], as_json, "stopped follow-up on ")


def _row(c: Cadence) -> dict[str, object]:
    return {
        "kind": c.kind, "id": c.record_id, "name": c.name, "every": c.every, "owner": c.owner,
        "last_touch": c.last_touch.isoformat() if c.last_touch else None,
        "due": c.due.isoformat(),
    }  # fmt: skip


def _show(rows: list[Cadence], as_json: bool, prefix: str = "") -> None:
    from pipecli.core.text import printable

    if as_json:
        render.emit_json([_row(c) for c in rows] if not prefix else _row(rows[0]))
        return
    for c in rows:
        last = c.last_touch.date().isoformat() if c.last_touch else "never"
        head = prefix if prefix else f"{c.kind} {c.record_id}  "
        name = printable(c.name)
        print(f"{head}{name}: every {c.every}, last touch {last}, next due {c.due.isoformat()}"
              + (f", owner {printable(c.owner)}" if c.owner else ""))  # fmt: skip
