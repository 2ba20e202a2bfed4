"""What every command shares: opening the store, the clock, and turning errors into exit codes.

`with session() as ctx:` opens the database named by --db / PIPE_DB / config (creating it on first
use), yields a service context, commits when the block ends, and on a PipeError prints one line to
stderr and exits with that error's code — the database unchanged. Core modules are imported here,
inside functions, so that `pipe --help` and `pipe --version` never load SQLModel.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from pipecli import render

if TYPE_CHECKING:
    from pipecli.core.services.context import Ctx


class State:
    """Global options, set by the root callback."""

    db: str | None = None


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


@contextmanager
def session() -> Iterator[Ctx]:
    from sqlalchemy.exc import OperationalError

    from pipecli.core.config import load_settings
    from pipecli.core.db import open_store
    from pipecli.core.errors import PipeError
    from pipecli.core.services.context import Ctx

    store = None
    try:
        settings = load_settings(State.db)
        moment = now()
        store = open_store(settings.db_url, moment)
        _collect_from_here()
        with store.session() as s:
            ctx = Ctx(session=s, settings=settings, now=moment)
            yield ctx
        for note in ctx.notices:
            render.message(note)
    except PipeError as exc:
        render.error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except OperationalError as exc:
        render.error(f"database unavailable: {str(exc.orig or exc).splitlines()[0]}")
        raise typer.Exit(10) from None
    finally:
        if store is not None:
            store.dispose()


def _collect_from_here() -> None:
    """Turn the garbage collector back on if the entry point paused it for start-up (main.py).
    Everything loaded so far lives until exit, so it is frozen out of later collections."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def fail(text: str, code: int = 2) -> typer.Exit:
    render.error(text)
    return typer.Exit(code)
