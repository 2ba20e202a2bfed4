"""`pipe merge contact|account KEEP OTHER`, and `pipe backup` / `pipe restore` for SQLite."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, session, settings


def merge(
    kind: Annotated[str, typer.Argument(help="contact or account.")],
    keep: Annotated[str, typer.Argument(help="Id of the record that stays.")],
    other: Annotated[str, typer.Argument(help="Id of the duplicate, archived after the merge.")],
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Merge a duplicate into KEEP: links move over, empty fields fill in, OTHER is archived."""
    from pipecli.core.services import listing
    from pipecli.core.services import merge as merging

    kind = kind.strip().lower().removesuffix("s")
    with session() as ctx:
        result = merging.merge(ctx, kind, keep, other)
        row = listing.get_row(ctx, kind, result.survivor)
    moved = ", ".join(f"{n} {t}" for t, n in result.moved.items() if n) or "no links"
    render.message(f"merged {kind} {result.other_id} into {row['id']}: moved {moved}")
    render.created(kind, row, render.fmt_of(as_json, as_csv), verb="kept")


def _settings_url() -> str:
    return settings().db_url


def backup(
    output: Annotated[str, typer.Option("--output", "-o", help="File to write the copy to.")],
) -> None:
    """Copy the SQLite database, safely while in use (PostgreSQL: use pg_dump)."""
    from pipecli.core.errors import PipeError
    from pipecli.core.services import sqlite_backup

    try:
        out = sqlite_backup.backup(_settings_url(), output)
    except PipeError as err:
        raise fail(str(err), err.exit_code) from None
    render.message(f"backed up to {out}")


def restore(
    file: Annotated[str, typer.Argument(help="A copy made by `pipe backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Replace the SQLite database with a backup (PostgreSQL: use pg_restore)."""
    from pipecli.core.errors import PipeError
    from pipecli.core.services import sqlite_backup

    url = _settings_url()
    try:
        sqlite_backup.sqlite_path(url)
        if not yes:
            if not sys.stdin.isatty():
                raise fail("restore replaces every record in the database; add --yes to confirm")
            typer.confirm("Replace the whole database with this backup?", abort=True)
        target = sqlite_backup.restore(url, file)
    except PipeError as err:
        raise fail(str(err), err.exit_code) from None
    render.message(f"restored {file} into {target}")
