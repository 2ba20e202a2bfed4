"""`pipe fx set|list`: the dated exchange rates that reports convert amounts with."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session
from pipecli.commands.report import Csv, Json
from pipecli.core.io.writers import as_text

fx_app = typer.Typer(
    epilog=o.examples(
        "pipe fx set USD CNY 7.12", "pipe fx set EUR USD 1.08 --date 2026-11-01", "pipe fx list"
    ),
    help="Exchange rates that reports convert amounts with.",
    no_args_is_help=True,
)


@fx_app.command("set")
def fx_set(
    base: Annotated[
        str, typer.Argument(metavar="BASE", help="Currency converted from (ISO 4217).")
    ],
    quote: Annotated[str, typer.Argument(metavar="QUOTE", help="Currency converted to.")],
    rate: Annotated[
        str, typer.Argument(metavar="RATE", help="How many QUOTE one BASE buys, e.g. 7.12.")
    ],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Valid from (default today).")
    ] = None,
) -> None:
    """Store an exchange rate: 1 BASE = RATE QUOTE from --date on."""
    from pipecli.core.reports import fx

    with session() as ctx:
        row = fx.set_rate(ctx, base, quote, rate, on)
        text = f"1 {row.base} = {row.rate} {row.quote} from {row.valid_from.isoformat()}"
    render.line(text)


@fx_app.command("list")
def fx_list(as_json: Json = False, as_csv: Csv = False) -> None:
    """Every stored exchange rate, newest first per pair."""
    from pipecli.core.reports import fx

    with session() as ctx:
        rows = fx.list_rates(ctx)
    fmt = render.fmt_of(as_json, as_csv)
    if fmt is render.Fmt.json:
        render.emit_json(rows)
    elif fmt is render.Fmt.csv:
        render.emit_csv(rows, ["base", "quote", "rate", "valid_from"])
    else:
        from rich.table import Table

        tbl = Table(show_edge=False, header_style="bold", pad_edge=False)
        for name in ("base", "quote", "rate", "valid_from"):
            tbl.add_column(name.replace("_", " "))
        for r in rows:
            tbl.add_row(
                *(
                    render.plain(render.safe(as_text(r[k])))
                    for k in ("base", "quote", "rate", "valid_from")
                )
            )
        render.console().print(tbl)
