"""`pipe report ...`: funnel, forecast, winrate, lost-reasons, cycle, velocity, stale, slipped,
calibrate, forecast-accuracy.

Every report takes the same filters (--from/--to, --pipeline, --owner, --as-of, --currency) and
outputs (--json, --csv, --svg FILE, --html FILE); the core builds a frozen dataclass and
pipecli.render.reports draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

if TYPE_CHECKING:
    from pipecli.core.reports.scope import Filters

report_app = typer.Typer(
    epilog=o.examples(
        "pipe report funnel",
        "pipe report forecast --by month --by-owner",
        "pipe report stale --limit 0",
    ),
    help="Reports: funnel, forecast, win rate, cycle time...",
    no_args_is_help=True,
)

From = Annotated[
    str | None, typer.Option("--from", metavar="DATE", help="Start of the date range (inclusive).")
]
To = Annotated[
    str | None, typer.Option("--to", metavar="DATE", help="End of the date range (inclusive).")
]
Pipeline = Annotated[
    str | None, typer.Option("--pipeline", "-p", metavar="PIPELINE", help="Pipeline name or id.")
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="Rebuild the report from history as of this date."
    ),
]
Currency = Annotated[
    str | None,
    typer.Option("--currency", metavar="CODE", help="Report currency (default from config)."),
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


Svg = Annotated[
    str | None, typer.Option("--svg", metavar="FILE", help="Also save the table and chart as SVG.")
]
Html = Annotated[
    str | None,
    typer.Option("--html", metavar="FILE", help="Also save the table and chart as HTML."),
]
Mkdir = Annotated[
    bool, typer.Option("--mkdir", help="Create the missing folders of --svg / --html files.")
]


def _targets(svg: str | None, html: str | None, mkdir: bool) -> None:
    """--svg/--html checked before the report runs (pipecli.core.outfiles): never the
    database, its WAL/SHM/journal, the config file or a folder; exit 2 naming why."""
    if svg is None and html is None:
        return
    from pipecli.commands._run import fail, settings
    from pipecli.core import outfiles
    from pipecli.core.errors import PipeError

    conf = settings()
    try:
        for name, path in (("svg", svg), ("html", html)):
            if path is not None:
                outfiles.check_target(path, conf, name, mkdir)
    except PipeError as err:
        raise fail(str(err), err.exit_code) from None


def _scope(
    date_from: From = None, date_to: To = None, pipeline: Pipeline = None, owner: o.Owner = None,
    as_of: AsOf = None, currency: Currency = None, as_json: Json = False, as_csv: Csv = False,
    svg: Svg = None, html: Html = None, mkdir: Mkdir = False,
) -> None:  # fmt: skip
    """The options every report takes, declared once (`o.with_options(_scope)`)."""


def _run(fields: dict[str, Any], build: Callable[[Any, Filters], Any], row_type: Any) -> None:
    """One report: its filters from the common options, one unit of work, then its output."""
    from pipecli.core.reports.scope import Filters
    from pipecli.render.reports import show

    f = fields.get
    _targets(f("svg"), f("html"), f("mkdir", False))
    with session(write=False) as ctx:
        scope = (f("pipeline"), f("owner"), f("date_from"), f("date_to"), f("as_of"))
        result = build(ctx, Filters(*scope, f("currency")))
    fmt = render.fmt_of(f("as_json", False), f("as_csv", False))
    show(result, row_type, fmt, f("svg"), f("html"))


@report_app.command(
    "funnel",
    epilog=o.examples(
        "pipe report funnel",
        "pipe report funnel --mode sequential --by owner",
        "pipe report funnel --from 2026-01-01 --svg funnel.svg",
    ),
)
@o.with_options(_scope)
def funnel(
    mode: Annotated[str, typer.Option(metavar="MODE", help="reached or sequential.")] = "reached",
    by: Annotated[
        str | None, typer.Option("--by", metavar="owner", help="owner: a funnel per owner.")
    ] = None,
    *,
    fields: dict[str, Any],
) -> None:
    """Deals created in the range: how many reached each stage, and conversion."""
    from pipecli.core.reports import funnel as rep

    _run(fields, lambda ctx, flt: rep.build(ctx, flt, mode, by), rep.FunnelRow)


@report_app.command(
    "forecast",
    epilog=o.examples(
        "pipe report forecast",
        "pipe report forecast --by month --periods 6",
        "pipe report forecast --by-owner --quota 500000",
    ),
)
@o.with_options(_scope)
def forecast(
    by: Annotated[
        str, typer.Option("--by", metavar="PERIOD", help="month or quarter.")
    ] = "quarter",
    periods: Annotated[
        int | None, typer.Option(metavar="N", help="How many periods (default 4).")
    ] = None,
    by_owner: Annotated[
        bool, typer.Option("--by-owner", help="A forecast per owner, then the team's total.")
    ] = False,
    quota: Annotated[
        str | None, typer.Option(metavar="AMOUNT", help="Quota per period, report currency.")
    ] = None,
    *,
    fields: dict[str, Any],
) -> None:
    """Closed won and open deals per month or quarter: commit, best case, pipeline, weighted."""
    from pipecli.core.reports import forecast as rep

    build = lambda ctx, flt: rep.build(ctx, flt, by, periods, by_owner, quota)  # noqa: E731
    _run(fields, build, rep.ForecastRow)


@report_app.command(
    "forecast-accuracy",
    epilog=o.examples(
        "pipe report forecast-accuracy", "pipe report forecast-accuracy --periods 8 --to 2026-09-30"
    ),
)
@o.with_options(_scope)
def forecast_accuracy(
    periods: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="How many past quarters, back from --to (default 4; not with --from)."
        ),
    ] = None,
    *,
    fields: dict[str, Any],
) -> None:
    """Past quarters: the forecast on their first day against what actually closed.

    "actual / forecast %" (JSON/CSV: accuracy_pct) = won in the quarter / the weighted forecast
    on its first day: 100 % means the forecast came true, under 100 % that it promised more
    than was won, over 100 % that more was won than forecast.
    Only complete quarters (before the one holding the as-of day) are evaluated. --from/--to
    pick the quarters whose first day lies in the range; without --from, --periods counts back
    from the last quarter starting on or before --to (default: the last complete one).
    """
    from pipecli.core.reports import accuracy as rep

    _run(fields, lambda ctx, flt: rep.build(ctx, flt, periods), rep.AccuracyRow)


@report_app.command(
    "winrate",
    epilog=o.examples(
        "pipe report winrate",
        "pipe report winrate --by owner",
        "pipe report winrate --by reason --from 2026-01-01",
    ),
)
@o.with_options(_scope)
def winrate(
    by: Annotated[
        str | None,
        typer.Option(
            help="owner, source, product, pipeline, or reason (lost deals per loss reason, "
            "beside the won ones)."
        ),
    ] = None,
    *,
    fields: dict[str, Any],
) -> None:
    """Won / (won + lost) over deals closed in the range, by count and by value.

    With --by reason each row is a loss reason: the deals lost to it beside the range's won
    deals (the same in every row), and the win rate against that reason.
    """
    from pipecli.core.reports import winrate as rep

    _run(fields, lambda ctx, flt: rep.build(ctx, flt, by), rep.WinRateRow)


@report_app.command(
    "lost-reasons",
    epilog=o.examples("pipe report lost-reasons", "pipe report lost-reasons --by stage --json"),
)
@o.with_options(_scope)
def lost_reasons(
    by: Annotated[
        str | None,
        typer.Option(metavar="BY", help="owner, stage (the stage they were lost from) or source."),
    ] = None,
    *,
    fields: dict[str, Any],
) -> None:
    """Deals lost in the range by loss reason: how many, their value, their share.

    Value is in the report currency, at each deal's close-day rate; share is of the lost
    deals (by count) in the row's group.
    """
    from pipecli.core.reports import lost_reasons as rep

    _run(fields, lambda ctx, flt: rep.build(ctx, flt, by), rep.LostReasonRow)


# the generated reports' examples, ending their `pipe report NAME --help`
EXAMPLES: dict[str, tuple[str, ...]] = {
    "cycle": ("pipe report cycle", "pipe report cycle --from 2026-01-01 --owner me"),
    "calibrate": ("pipe report calibrate", "pipe report calibrate --pipeline default --json"),
    "stale": ("pipe report stale", "pipe report stale --owner me --limit 0"),
    "slipped": ("pipe report slipped", "pipe report slipped --from 2026-07-01 --csv"),
}


def _simple(name: str, doc: str) -> None:
    """Register a report whose only options are the common ones."""

    @o.with_options(_scope)
    def command(*, fields: dict[str, Any]) -> None:
        build, row_type = _simple_reports()[name]
        _run(fields, build, row_type)

    command.__doc__ = doc
    report_app.command(name, epilog=o.examples(*EXAMPLES[name]))(command)


Limit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        metavar="N",
        help="Rows to list, worst first; 0 = all. Default: 25 in the table, all in --json/--csv.",
    ),
]


def _listing(name: str, doc: str) -> None:
    """Register a report that lists deals: a summary of all of them, then the worst --limit
    (core/reports/listing.py; the limit is applied in SQL)."""

    @o.with_options(_scope)
    def command(limit: Limit = None, *, fields: dict[str, Any]) -> None:
        from pipecli.core.reports.listing import DEFAULT_LIMIT

        if limit is None and not (fields.get("as_json") or fields.get("as_csv")):
            limit = DEFAULT_LIMIT
        build, row_type = _simple_reports()[name]
        _run(fields, lambda ctx, flt: build(ctx, flt, limit), row_type)

    command.__doc__ = doc
    report_app.command(name, epilog=o.examples(*EXAMPLES[name]))(command)


def _simple_reports() -> dict[str, tuple[Callable[..., Any], type]]:
    """Report name -> (its build function, its row type): the reports `_simple` and `_listing`
    register.
    Imported when one runs, so that other commands do not load them."""
    from pipecli.core.reports import calibrate, cycle, slipped, stale

    return {
        "cycle": (cycle.build, cycle.CycleRow),
        "stale": (stale.build, stale.StaleRow),
        "slipped": (slipped.build, slipped.SlipRow),
        "calibrate": (calibrate.build, calibrate.CalibrateRow),
    }


_simple("cycle", "Days from creation to close (won, lost): mean, median, p90; time in each stage.")
_listing("stale", "Open deals past their stage's rotting threshold or their expected close.")
_listing("slipped", "Deals whose expected close date was pushed out: how often, by how much.")
_simple("calibrate", "Stage probabilities observed in history against the configured ones.")


@report_app.command(
    "velocity",
    epilog=o.examples(
        "pipe report velocity", "pipe report velocity --qualified-from qualification"
    ),
)
@o.with_options(_scope)
def velocity(
    qualified_from: Annotated[
        str | None,
        typer.Option(metavar="STAGE", help="First qualified stage (default: the second open one)."),
    ] = None,
    *,
    fields: dict[str, Any],
) -> None:
    """(Open qualified deals × win rate × average won size) / average cycle days."""
    from pipecli.core.reports import velocity as rep

    _run(fields, lambda ctx, flt: rep.build(ctx, flt, qualified_from), None)
