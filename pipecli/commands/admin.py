"""`pipe db ...`, `pipe schema KIND`, `pipe calc TEXT`: the database, the data contract, dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import fail, now, settings

if TYPE_CHECKING:
    pass

db_app = typer.Typer(
    epilog=o.examples("pipe db path", "pipe db current", "pipe db upgrade"),
    help="The database: where it is, and its schema version.",
    no_args_is_help=True,
)


@db_app.command("path")
def db_path() -> None:
    """Print where the database is: a file path for SQLite, else the URL (password hidden)."""
    from pipecli.core.config import redact, sqlite_file

    url = settings().db_url
    file = sqlite_file(url)
    render.line(str(file) if file is not None else redact(url))


def _revision() -> str | None:
    """The schema revision of the database (None when empty); errors become exit codes."""
    from pipecli.core.db import current_revision, make_engine
    from pipecli.core.errors import PipeError

    try:
        engine = make_engine(settings().db_url)
        try:
            return current_revision(engine)
        finally:
            engine.dispose()
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring its schema up to date (also done on first use)."""
    from pipecli.commands._run import session
    from pipecli.core.migrations import HEAD

    before = _revision()
    changed = before != HEAD
    if changed:
        with session():  # opening the store migrates to head and seeds the default pipeline
            pass
    print(f"schema at {HEAD}" + (f" (was {before or 'empty'})" if changed else " (up to date)"))


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    print(_revision() or "empty")


@o.with_examples("pipe schema deal", "pipe schema task")
def schema(
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help="deal, lead, account, contact, task, activity...")
    ],
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


@o.with_examples("pipe calc eoq+2w", 'pipe calc "fri 10am"', "pipe calc -2w")
def calc(
    text: Annotated[
        list[str],
        typer.Argument(metavar="EXPRESSION", help="A date expression: eoq+2w, 'fri 10am'..."),
    ],
) -> None:
    """Print the date (and time) a date expression resolves to today."""
    from pipecli.core.dates import parse_when
    from pipecli.core.errors import PipeError

    expr = " ".join(text)
    try:
        when = parse_when(expr, now().date(), field="date",
                          fiscal_year_start=settings().fiscal_year_start)  # fmt: skip
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    day = when.date
    print(day.isoformat() + (f" {when.time.strftime('%H:%M')}" if when.time else "")
          + f"  ({day.strftime('%A')})")  # fmt: skip


calc.context_settings = {"ignore_unknown_options": True}  # type: ignore[attr-defined]  # "-2w"
