"""`pipe export KIND --format csv|json|jsonl|xlsx|ics [-o FILE]`; `pipe export all -o FILE`.

Data goes to stdout unless -o names a file (xlsx needs -o: it is binary). Field names are those of
`--json` listings; `all` writes the full JSON Lines backup that `pipe import all` reads back.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, session

Kind = Annotated[
    str, typer.Argument(metavar="KIND", help="deals, leads, accounts, contacts, tasks or all.")
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="csv, json, jsonl, xlsx; ics for tasks (default: csv).",
    ),
]
Output = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE", help="File to write (default: stdout)."),
]


Mkdir = Annotated[bool, typer.Option("--mkdir", help="Create the output file's missing folders.")]


def _target(output: str | None, mkdir: bool) -> Path | None:
    """-o checked before any work: never the database, its WAL/SHM/journal, the config file or
    a folder; a missing folder only with --mkdir (pipecli.core.outfiles)."""
    if output is None:
        return None
    from pipecli.commands._run import settings
    from pipecli.core import outfiles
    from pipecli.core.errors import PipeError

    try:
        return outfiles.check_target(output, settings(), "output", mkdir)
    except PipeError as err:
        raise fail(str(err), err.exit_code) from None


@contextmanager
def _open(target: Path | None, binary: bool) -> Iterator[IO[Any]]:
    """stdout, or the checked file written atomically (the old file stays whole on failure)."""
    if target is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    from pipecli.core import outfiles

    with outfiles.atomic(target, binary=binary) as fh:
        yield fh


@o.with_examples(
    "pipe export deals --format csv",
    "pipe export deals --format xlsx -o deals.xlsx",
    "pipe export all -o backup.jsonl",
)
def export(kind: Kind, fmt: Format = None, output: Output = None, mkdir: Mkdir = False) -> None:
    """Export every record of a kind (archived ones too), or everything (`all`, JSON Lines)."""
    from pipecli.core.errors import PipeError
    from pipecli.core.io.writers import FORMATS, write
    from pipecli.core.services import backup_jsonl, exporting

    fmt = (fmt or ("jsonl" if kind == "all" else "csv")).lower()
    if kind == "all":
        if fmt != "jsonl":
            raise fail(f"format: {fmt!r} is not available for all; it is written as jsonl")
        target = _target(output, mkdir)
        with session(write=False) as ctx, _open(target, False) as out:
            counts = backup_jsonl.dump(ctx, out)
        render.message(f"exported {sum(counts.values())} rows from {len(counts)} tables")
        return
    try:
        k = exporting.kind_of(kind)
    except PipeError as err:
        raise fail(str(err)) from None
    if fmt not in (*FORMATS, "ics") or (fmt == "ics" and k != "task"):
        raise fail(f"format: {fmt!r} must be one of {', '.join(FORMATS)} (ics: tasks only)")
    if fmt == "xlsx" and output is None:
        raise fail("format: xlsx is binary; give a file with -o FILE.xlsx")
    target = _target(output, mkdir)
    if fmt == "ics":
        with session(write=False) as ctx:
            data = exporting.tasks_ics(ctx)
        with _open(target, True) as out:
            out.write(data)
        return
    with session(write=False) as ctx:
        rows, fields = exporting.rows(ctx, k), exporting.fields(k)
        with _open(target, fmt == "xlsx") as out:
            n = write(fmt, rows, fields, out)
    if output:
        from pipecli.core.text import printable

        render.message(f"exported {n} {k}s to {printable(output)}")
