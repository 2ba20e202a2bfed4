"""`pipe merge contact|account KEEP OTHER`, and `pipe backup` / `pipe restore` for SQLite."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, session, settings


@o.with_examples("pipe merge contact 12 40", "pipe merge account 3 9")
def merge(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="contact or account.")],
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="Id of the record that stays.")],
    other: Annotated[
        str, typer.Argument(metavar="OTHER", help="Id of the duplicate, archived after the merge.")
    ],
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


Mkdir = Annotated[bool, typer.Option("--mkdir", help="Create the output file's missing folders.")]


@o.with_examples("pipe backup -o pipe-copy.db", "pipe backup -o backups/pipe.db --mkdir")
def backup(
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write the copy to (default: DB-TIME.db beside the database).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing OUTPUT.")] = False,
    mkdir: Mkdir = False,
) -> None:
    """Copy the SQLite database, safely while in use, and check the copy (PostgreSQL: pg_dump).

    Without -o the copy is a new timestamped file beside the database (pipe-20261203T184512.db
    for pipe.db); an existing OUTPUT is refused (exit 4) unless --force. The copy is checked
    (integrity, row count of every table equal to the source's) before it replaces OUTPUT; a
    copy that differs is an error and OUTPUT is left as it was."""
    from pathlib import Path

    from pipecli.commands._run import now
    from pipecli.core import outfiles
    from pipecli.core.errors import Conflict, PipeError
    from pipecli.core.services import sqlite_backup
    from pipecli.core.text import printable

    conf = settings()
    try:
        db = sqlite_backup.sqlite_path(conf.db_url)
        if output is None:
            target = outfiles.check_target(sqlite_backup.beside(db, now()), conf, "output")
        else:
            target = outfiles.check_target(output, conf, "output", mkdir)
            if not force and (target.exists() or Path(target).is_symlink()):
                raise Conflict(f"output: {printable(output)} exists; add --force to replace it")
        done = sqlite_backup.backup(conf.db_url, target)
    except PipeError as err:
        raise fail(str(err), err.exit_code) from None
    render.message(
        f"backed up to {printable(str(done.path))}: {done.rows} rows in {len(done.counts)} "
        "tables, integrity checked"
    )


@o.with_examples("pipe restore pipe-copy.db", "pipe restore pipe-copy.db --yes")
def restore(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A copy made by `pipe backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Replace the SQLite database with a backup (PostgreSQL: use pg_restore).

    The backup is checked first; the database it replaces is first saved beside it as
    `pipe backup` would (DB-TIME.db), so a restore can be undone with another restore."""
    from pipecli.commands._run import now
    from pipecli.core.errors import PipeError
    from pipecli.core.services import sqlite_backup
    from pipecli.core.text import printable

    url = _settings_url()
    try:
        sqlite_backup.sqlite_path(url)
        if not yes:
            if not sys.stdin.isatty():
                raise fail("restore replaces every record in the database; add --yes to confirm")
            typer.confirm("Replace the whole database with this backup?", abort=True)
        done = sqlite_backup.restore(url, file, now())
    except PipeError as err:
        raise fail(str(err), err.exit_code) from None
    kept = ""
    if done.kept:
        kept = f"; the replaced database was saved first, kept as {printable(str(done.kept))}"
    render.message(
        f"restored {printable(file)} into {printable(str(done.path))} ({done.rows} rows, "
        f"integrity checked){kept}"
    )
