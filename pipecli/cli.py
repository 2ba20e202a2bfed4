"""The root `pipe` command: global options and the command groups.

Verb first, as people type it: `pipe add lead`, `pipe list deals`, `pipe move 3 proposal`.
This module and pipecli/commands import only typer at start-up; each command imports the core
when it runs, so `pipe --help` and `pipe --version` never load SQLModel (tested).
"""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import __version__
from pipecli.commands import add, admin, edit, pipelines, records, workflow
from pipecli.commands._run import State

app = typer.Typer(
    name="pipe",
    help="pipecli: a sales-pipeline CRM that lives in the terminal.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"pipe {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database: a SQLite file path or an SQLAlchemy URL (or PIPE_DB)."
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """pipecli: leads, accounts, contacts, deals and tasks, in the terminal."""
    State.db = db


app.add_typer(add.app, name="add")
app.add_typer(records.list_app, name="list")
app.add_typer(edit.app, name="edit")
app.add_typer(pipelines.pipeline_app, name="pipeline")
app.add_typer(pipelines.stage_app, name="stage")
app.add_typer(admin.db_app, name="db")
for fn in (records.show, records.delete, records.undelete):
    app.command()(fn)
for fn in (workflow.convert, workflow.move, workflow.win, workflow.lose, workflow.reopen):
    app.command()(fn)
for fn in (workflow.done, workflow.undone, workflow.log, admin.schema, admin.calc):
    app.command()(fn)


def main() -> None:
    """Run the CLI; an unexpected failure is one line on stderr (PIPE_DEBUG=1 shows the traceback)."""
    import os
    import sys

    try:
        app()
    except Exception as exc:  # the last guard: no traceback reaches a user
        if os.environ.get("PIPE_DEBUG"):
            raise
        sys.stderr.write(f"pipe: internal error: {type(exc).__name__}: {exc}\n")
        sys.stderr.write("pipe: run again with PIPE_DEBUG=1 for details\n")
        sys.exit(1)
