"""`pipe report forecast-accuracy`: what past quarters' forecasts said, against what closed.

For each of the last --periods (fiscal) quarters before the one holding the as-of day: the
forecast as it stood on the quarter's first day (`pipe report forecast --by quarter --as-of
START`: `forecast_commit`, `forecast_open` = commit + best case + pipeline, `forecast_weighted`),
and `actual_won` = deals won in that quarter, as known at the as-of moment. `accuracy_pct` =
actual_won / forecast_weighted (None when nothing was forecast).
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


def build(ctx: Ctx, flt: sc.Filters, count: int = 4) -> Accuracy:
    if count < 1:
        raise Invalid("periods", count, "must be 1 or more")
    scope = sc.resolve(ctx, flt)
    current, _ = dates.quarter_bounds(scope.day, ctx.fiscal_year_start)
    starts = [current - relativedelta(months=3 * i) for i in range(count, 0, -1)]
    after = forecast.build(ctx, replace(flt, date_from=starts[0], date_to=None), "quarter", count)
    actual = {r.period: r for r in after.rows if r.start is not None}
    rows = []
    for start in starts:
        then = replace(flt, as_of=start, date_from=None, date_to=None)
        before = forecast.build(ctx, then, "quarter", 1).rows[-1]
        rows.append(_row(before, actual[before.period]))
    return Accuracy(sc.head(ctx, "forecast-accuracy", scope, flt), tuple(rows))


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
