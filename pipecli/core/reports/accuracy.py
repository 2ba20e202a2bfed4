"""`pipe report forecast-accuracy`: what past quarters' forecasts said, against what closed.

Which quarters: only complete ones, i.e. (fiscal) quarters before the one holding the as-of
day. --from/--to pick the quarters whose first day lies inside the range: the latest is the
last quarter starting on or before --to (default: the as-of day), the earliest the first
starting on or after --from. Without --from, --periods (default 4) counts back from the latest;
--from with --periods is refused (the range already says how many). A range holding no quarter's
first day, or only the current quarter's, evaluates nothing: an empty report.

For each quarter: the forecast as it stood on its first day (`pipe report forecast --by quarter
--as-of START`: `forecast_commit`, `forecast_open` = commit + best case + pipeline,
`forecast_weighted`), and `actual_won` = deals won in that quarter, as known at the as-of moment.
`accuracy_pct` = actual_won / forecast_weighted (None when nothing was forecast).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from pipecli.core import dates
from pipecli.core.errors import Invalid
from pipecli.core.reports import forecast
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class AccuracyRow:
    period: str
    start: date
    end: date
    forecast_commit: Decimal
    forecast_open: Decimal
    forecast_weighted: Decimal
    actual_won: Decimal
    accuracy_pct: Decimal | None


@dataclass(frozen=True)
class Accuracy:
    head: sc.Head
    rows: tuple[AccuracyRow, ...]


def build(ctx: Ctx, flt: sc.Filters, count: int | None = None) -> Accuracy:
    """`count` = --periods: None when not given (4 without --from; the range's quarters with)."""
    if count is not None and not 1 <= count <= forecast.MAX_PERIODS:
        raise Invalid("periods", count, f"must be 1..{forecast.MAX_PERIODS}")
    scope = sc.resolve(ctx, flt)
    if count is not None and scope.start is not None:
        raise Invalid("periods", count, "cannot be combined with --from (the range picks them)")
    starts = quarter_starts(scope, ctx.fiscal_year_start, 4 if count is None else count)
    if len(starts) > forecast.MAX_PERIODS:
        raise Invalid(
            "from", str(flt.date_from), f"is more than {forecast.MAX_PERIODS} quarters back"
        )
    rows = []
    if starts:
        n = len(starts)
        after = forecast.build(ctx, replace(flt, date_from=starts[0], date_to=None), "quarter", n)
        actual = {r.period: r for r in after.rows if r.start is not None}
        for start in starts:
            then = replace(flt, as_of=start, date_from=None, date_to=None)
            before = forecast.build(ctx, then, "quarter", 1).rows[-1]
            rows.append(_row(before, actual[before.period]))
    return Accuracy(sc.head(ctx, "forecast-accuracy", scope, flt), tuple(rows))


def quarter_starts(scope: sc.Scope, fiscal_year_start: int, count: int) -> list[date]:
    """First days of the quarters to evaluate, oldest first (see the module docstring)."""
    current, _ = dates.quarter_bounds(scope.day, fiscal_year_start)
    last = current - relativedelta(months=3)
    if scope.end is not None:
        last = min(last, dates.quarter_bounds(scope.end, fiscal_year_start)[0])
    if scope.start is None:
        return [last - relativedelta(months=3 * i) for i in range(count - 1, -1, -1)]
    first, _ = dates.quarter_bounds(scope.start, fiscal_year_start)
    if first < scope.start:
        first += relativedelta(months=3)
    starts = []
    while first <= last:
        starts.append(first)
        first += relativedelta(months=3)
    return starts


def _row(before: forecast.ForecastRow, after: forecast.ForecastRow) -> AccuracyRow:
    assert before.start is not None and before.end is not None
    weighted = before.weighted
    accuracy = None
    if weighted:
        accuracy = (after.closed_won * 100 / weighted).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return AccuracyRow(
        before.period, before.start, before.end, before.commit, before.open_total, weighted,
        after.closed_won, accuracy,
    )  # fmt: skip
