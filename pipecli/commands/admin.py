"""`pipe db ...`, `pipe schema KIND` and `pipe calc TEXT`: the database, the data contract, dates."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import State, fail, now

db_app = typer.Typer(
    help="The database: where it is, and its schema version.", no_args_is_help=True
)


def _settings():  # type: ignore[no-untyped-def]
    from pipecli.core.config import load_settings
    from pipecli.core.errors import PipeError

    try:
        return load_settings(State.db)
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None


@db_app.command("path")
def db_path() -> None:
    """Print where the database is: a file path for SQLite, else the URL (password hidden)."""
    from sqlalchemy.engine import make_url

    url = make_url(_settings().db_url)
    print(url.database if url.get_backend_name() == "sqlite" else url.render_as_string())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring its schema up to date (also done on first use)."""
    from pipecli.core.db import current_revision, ensure_schema, make_engine
    from pipecli.core.errors import PipeError
    from pipecli.core.migrations import HEAD

    engine = make_engine(_settings().db_url)
    try:
        before = current_revision(engine)
        changed = ensure_schema(engine)
        if changed and before is None:
            from pipecli.commands._run import session

            engine.dispose()
            with session():
                pass
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    finally:
        engine.dispose()
    print(f"schema at {HEAD}" + (f" (was {before or 'empty'})" if changed else " (up to date)"))


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    from pipecli.core.db import current_revision, make_engine
    from pipecli.core.errors import PipeError

    engine = make_engine(_settings().db_url)
    try:
        print(current_revision(engine) or "empty")
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    finally:
        engine.dispose()


def schema(
    kind: Annotated[str, typer.Argument(help="deal, lead, account, contact, task, activity...")],
    as_json: o.Json = False,
) -> None:
    """List the stable field names of a kind, as --json and --csv print them."""
    from pipecli.core.schema import SCHEMAS, kind_name

    name = kind_name(kind)
    if name is None:
        raise fail(f"kind: {kind!r} must be one of {', '.join(SCHEMAS)}")
    fields = SCHEMAS[name]
    if as_json:
        render.emit_json([f._asdict() for f in fields])
        return
    width = max(len(f.name) for f in fields)
    for f in fields:
        print(f"{f.name:<{width}}  {f.type:<14} {f.doc}")


def calc(
    text: Annotated[list[str], typer.Argument(help="A date expression: eoq+2w, 'fri 10am'...")],
) -> None:
    """Print the date (and time) a date expression resolves to today."""
    from pipecli.core.config import load_settings
    from pipecli.core.dates import parse_when
    from pipecli.core.errors import PipeError

    expr = " ".join(text)
    try:
        when = parse_when(expr, now().date(), field="date",
                          fiscal_year_start=load_settings(State.db).fiscal_year_start)  # fmt: skip
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    day = when.date
    print(day.isoformat() + (f" {when.time.strftime('%H:%M')}" if when.time else "")
          + f"  ({day.strftime('%A')})")  # fmt: skip
