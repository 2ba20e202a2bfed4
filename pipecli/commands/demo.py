"""`pipe demo`: fill an empty database with a year of made-up data to try the reports on."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session


@contextmanager
def _demo_progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; otherwise no reporting at all."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("writing demo deals", total=total)
        yield lambda n: bar.update(task, advance=n)


@o.with_examples("pipe demo", "pipe demo --deals 2000 --seed 7 --db demo.db")
def demo(
    deals: Annotated[
        int, typer.Option("--deals", metavar="N", help="How many deals to make up.")
    ] = 200,
    seed: Annotated[
        int, typer.Option(metavar="N", help="Random seed: the same seed, the same data.")
    ] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Add to a database that already holds records.")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="DB", help="Database to fill (as the global --db)."),
    ] = None,
) -> None:
    """Fill an empty database with a year of made-up accounts, contacts, deals, tasks and
    activities, to try the reports."""
    from pipecli.core import demo as gen

    with session(db) as ctx, _demo_progress(deals) as progress:
        made = gen.create(ctx, deals, seed, progress=progress, force=force)
    render.message(f"created {made} demo deals; try `pipe report funnel`")
