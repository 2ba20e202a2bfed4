"""`pipe report ...`: funnel, forecast, winrate, cycle, velocity, stale, slipped, calibrate,
forecast-accuracy.

Every report takes the same filters (--from/--to, --pipeline, --owner, --as-of, --currency) and
outputs (--json, --csv, --svg FILE, --html FILE); the core builds a frozen dataclass and
pipecli.render.reports draws it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

if TYPE_CHECKING:
    from pipecli.core.reports.scope import Filters

report_app = typer.Typer(
    help="Reports: funnel, forecast, win rate, cycle time...", no_args_is_help=True
)

From = Annotated[str | None, typer.Option("--from", help="Start of the date range (inclusive).")]
To = Annotated[str | None, typer.Option("--to", help="End of the date range (inclusive).")]
Pipeline = Annotated[str | None, typer.Option("--pipeline", "-p", help="Pipeline name or id.")]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Rebuild the report from history as of this date.")
]
Currency = Annotated[
    str | None, typer.Option("--currency", help="Report currency (default from config).")
]
Json = Annotated[
    bool,
    typer.Option(
        "--json", help="Print JSON (field names: README, section Reports).", callback=o.one_format
    ),
]
Csv = Annotated[
    bool,
    typer.Option(
        "--csv", help="Print the rows as CSV, field names as header.", callback=o.one_format
    ),
]


def _writable(path: str | None) -> str | None:
    """--svg/--html: refuse a file that cannot be written before the report runs (exit 2)."""
    if path is None:
        return None
    target = Path(path).expanduser()
    if target.is_dir():
        raise typer.BadParameter(f"{path!r} is a directory")
    folder = target.parent
    if not folder.is_dir():
        raise typer.BadParameter(f"folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise typer.BadParameter(f"{path!r} cannot be written")
    return path


Svg = Annotated[
    str | None,
    typer.Option("--svg", help="Also save the table and chart as SVG.", callback=_writable),
]
Html = Annotated[
    str | None,
    typer.Option("--html", help="Also save the table and chart as HTML.", callback=_writable),
]


def _filters(
    date_from: str | None, date_to: str | None, pipeline: str | None, owner: str | None,
    as_of: str | None, currency: str | None,
) -> Filters:  # fmt: skip
    from pipecli.core.reports.scope import Filters

    return Filters(pipeline, owner, date_from, date_to, as_of, currency)


def _show(
    report: Any, row_type: type | None, j: bool, c: bool, svg: str | None, html: str | None
) -> None:
    from pipecli.render.reports import show

    show(report, row_type, render.fmt_of(j, c), svg, html)


@report_app.command("funnel")
def funnel(
    mode: Annotated[str, typer.Option(help="reached or sequential.")] = "reached",
    by: Annotated[str | None, typer.Option("--by", help="owner: a funnel per owner.")] = None,
    date_from: From = None, date_to: To = None, pipeline: Pipeline = None, owner: o.Owner = None,
    as_of: AsOf = None, currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
    svg: Svg = None, html: Html = None,
) -> None:  # fmt: skip
    """Deals created in the range: how many reached each stage, and conversion."""
    from pipecli.core.reports import funnel as rep

    with session() as ctx:
        flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
        result = rep.build(ctx, flt, mode, by)
    _show(result, rep.FunnelRow, as_json, as_csv, svg, html)


@report_app.command("forecast")
def forecast(
    by: Annotated[str, typer.Option("--by", help="month or quarter.")] = "quarter",
    periods: Annotated[int | None, typer.Option(help="How many periods (default 4).")] = None,
    by_owner: Annotated[bool, typer.Option("--by-owner", help="A forecast per owner.")] = False,
    quota: Annotated[str | None, typer.Option(help="Quota per period, report currency.")] = None,
    date_from: From = None, date_to: To = None, pipeline: Pipeline = None, owner: o.Owner = None,
    as_of: AsOf = None, currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
    svg: Svg = None, html: Html = None,
) -> None:  # fmt: skip
    """Closed won and open deals per month or quarter: commit, best case, pipeline, weighted."""
    from pipecli.core.reports import forecast as rep

    with session() as ctx:
        flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
        result = rep.build(ctx, flt, by, periods, by_owner, quota)
    _show(result, rep.ForecastRow, as_json, as_csv, svg, html)


@report_app.command("forecast-accuracy")
def forecast_accuracy(
    periods: Annotated[
        int | None,
        typer.Option(help="How many past quarters, back from --to (default 4; not with --from)."),
    ] = None,
    date_from: From = None, date_to: To = None, pipeline: Pipeline = None, owner: o.Owner = None,
    as_of: AsOf = None, currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
    svg: Svg = None, html: Html = None,
) -> None:  # fmt: skip
    """Past quarters: the forecast on their first day against what actually closed.

    Only complete quarters (before the one holding the as-of day) are evaluated. --from/--to
    pick the quarters whose first day lies in the range; without --from, --periods counts back
    from the last quarter starting on or before --to (default: the last complete one).
    """
    from pipecli.core.reports import accuracy as rep

    with session() as ctx:
        flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
        result = rep.build(ctx, flt, periods)
    _show(result, rep.AccuracyRow, as_json, as_csv, svg, html)


@report_app.command("winrate")
def winrate(
    by: Annotated[str | None, typer.Option(help="owner, source, product or pipeline.")] = None,
    date_from: From = None, date_to: To = None, pipeline: Pipeline = None, owner: o.Owner = None,
    as_of: AsOf = None, currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
    svg: Svg = None, html: Html = None,
) -> None:  # fmt: skip
    """Won / (won + lost) over deals closed in the range, by count and by value."""
    from pipecli.core.reports import winrate as rep

    with session() as ctx:
        flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
        result = rep.build(ctx, flt, by)
    _show(result, rep.WinRateRow, as_json, as_csv, svg, html)


def _simple(name: str, doc: str) -> None:
    """Register a report whose only options are the common ones."""

    def command(
        date_from: From = None, date_to: To = None, pipeline: Pipeline = None,
        owner: o.Owner = None, as_of: AsOf = None, currency: Currency = None,
        as_json: Json = False, as_csv: Csv = False, svg: Svg = None, html: Html = None,
    ) -> None:  # fmt: skip
        import importlib

        rep = importlib.import_module(f"pipecli.core.reports.{name}")
        with session() as ctx:
            flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
            result = rep.build(ctx, flt)
        _show(result, ROW_TYPES[name](), as_json, as_csv, svg, html)

    command.__doc__ = doc
    report_app.command(name)(command)


Limit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        help="Rows to list, worst first; 0 = all. Default: 25 in the table, all in --json/--csv.",
    ),
]


def _listing(name: str, doc: str) -> None:
    """Register a report that lists deals: a summary of all of them, then the worst --limit
    (core/reports/listing.py; the limit is applied in SQL)."""

    def command(
        limit: Limit = None, date_from: From = None, date_to: To = None,
        pipeline: Pipeline = None, owner: o.Owner = None, as_of: AsOf = None,
        currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
        svg: Svg = None, html: Html = None,
    ) -> None:  # fmt: skip
        import importlib

        from pipecli.core.reports.listing import DEFAULT_LIMIT

        if limit is None and not (as_json or as_csv):
            limit = DEFAULT_LIMIT
        rep = importlib.import_module(f"pipecli.core.reports.{name}")
        with session() as ctx:
            flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
            result = rep.build(ctx, flt, limit)
        _show(result, ROW_TYPES[name](), as_json, as_csv, svg, html)

    command.__doc__ = doc
    report_app.command(name)(command)


def _row_type(module: str, name: str | None) -> Any:
    def get() -> type | None:
        import importlib

        return (
            getattr(importlib.import_module(f"pipecli.core.reports.{module}"), name)
            if name
            else None
        )

    return get


ROW_TYPES = {
    "cycle": _row_type("cycle", "CycleRow"),
    "velocity": _row_type("velocity", None),
    "stale": _row_type("stale", "StaleRow"),
    "slipped": _row_type("slipped", "SlipRow"),
    "calibrate": _row_type("calibrate", "CalibrateRow"),
}
_simple("cycle", "Days from creation to close (won, lost): mean, median, p90; time in each stage.")
_listing("stale", "Open deals past their stage's rotting threshold or their expected close.")
_listing("slipped", "Deals whose expected close date was pushed out: how often, by how much.")
_simple("calibrate", "Stage probabilities observed in history against the configured ones.")


@report_app.command("velocity")
def velocity(
    qualified_from: Annotated[
        str | None, typer.Option(help="First qualified stage (default: the second open one).")
    ] = None,
    date_from: From = None, date_to: To = None, pipeline: Pipeline = None, owner: o.Owner = None,
    as_of: AsOf = None, currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
    svg: Svg = None, html: Html = None,
) -> None:  # fmt: skip
    """(Open qualified deals × win rate × average won size) / average cycle days."""
    from pipecli.core.reports import velocity as rep

    with session() as ctx:
        flt = _filters(date_from, date_to, pipeline, owner, as_of, currency)
        result = rep.build(ctx, flt, qualified_from)
    _show(result, None, as_json, as_csv, svg, html)
