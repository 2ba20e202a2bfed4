"""The CLI's adapter to the core workspace: settings from the options, one unit of work per
command, and the one place that turns a `PipeError` into a stderr line and an exit code.

`with session() as ctx:` loads the settings (--db > PIPE_DB > config), opens the workspace
(creating the database on first use), runs one unit of work at the command's moment (PIPE_NOW or
the clock), commits when the block ends, prints the services' notices, and on a PipeError prints
one line to stderr and exits with that error's code — the database unchanged. Core modules are
imported inside functions, so that `pipe --help` and `pipe --version` never load SQLModel.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from pipecli import render

if TYPE_CHECKING:
    from pipecli.core.config import Settings
    from pipecli.core.services.context import Ctx


GLOBAL_DB: ContextVar[str | None] = ContextVar("pipe_global_db", default=None)
"""The root command's --db option for the command line being run (set by its callback on every
run, so nothing carries over from one in-process run to the next)."""


def now() -> datetime:
    """The current moment, or PIPE_NOW (ISO 8601) to replay a run at a fixed time."""
    fixed = os.environ.get("PIPE_NOW")
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            render.error(f"PIPE_NOW: {fixed!r} is not an ISO 8601 date-time")
            raise typer.Exit(2) from None
        return value if value.tzinfo else value.astimezone()
    return datetime.now().astimezone()


def settings(db: str | None = None) -> Settings:
    """The run's settings (`db` overrides --db), a bad config file reported as a usage error."""
    from pipecli.core.config import load_settings
    from pipecli.core.errors import PipeError

    try:
        return load_settings(db or GLOBAL_DB.get())
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None


@contextmanager
def session(db: str | None = None, write: bool = True) -> Iterator[Ctx]:
    """One command's unit of work; see the module docstring. `write=False`: the command only
    reads (or, like import, reads long before it writes: `db.begin_write`)."""
    from pipecli.core.errors import PipeError
    from pipecli.core.workspace import Workspace

    try:
        moment = now()
        with Workspace.open(settings(db), moment) as ws, ws.unit(now=moment, write=write) as ctx:
            yield ctx
        for note in ctx.notices:
            render.message(note)
    except PipeError as exc:
        render.error(str(exc))
        raise typer.Exit(exc.exit_code) from None


def fail(text: str, code: int = 2) -> typer.Exit:
    render.error(text)
    return typer.Exit(code)
