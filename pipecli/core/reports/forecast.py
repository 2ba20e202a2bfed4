"""`pipe report forecast`: what should close per month or quarter, against a quota.

Periods: --periods N months or (fiscal) quarters, starting with the one holding --from, or the
as-of day. For each period: `closed_won` = deals won in the period (close date); open deals whose
expected close falls in the period, split by their stage's forecast category into `commit`,
`best_case` and `pipeline` (a stage in category `closed` counts as commit, `omitted` is left
out), `open_total` = their sum, `weighted` = sum of amount × probability / 100. Open deals whose
expected close is before the as-of day (and not before --from, when given) are `overdue`: a row
of their own (period "overdue"), never inside a period. Open deals with an amount but no expected
close are `unscheduled`: a row of their own too, so no money goes missing without a word. Open
deals without an amount are not forecast (their value is unknown, not zero).
`attainment_pct` = closed_won / quota; `coverage` = open_total / (quota − closed_won), None when
no quota is left. With --by owner the rows are per owner (the quota is each owner's) and `team`
holds a total row per period (group "team total", quota = the quota × the owners shown), kept
out of `rows` so that summing the rows still counts each deal once. Amounts are converted
into the report currency: won deals at the rate of their close day, open ones at the as-of
day's (reports/fx.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, literal, or_, select

from pipecli.core import dates
from pipecli.core.errors import Invalid
from pipecli.core.reports import fx
from pipecli.core.reports import scope as sc
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

MAX_PERIODS = 120
OVERDUE, UNSCHEDULED = -1, -2  # period indexes of the rows before the periods
CATEGORY = {
    "commit": "commit",
    "closed": "commit",
    "best_case": "best_case",
    "pipeline": "pipeline",
}


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class ForecastRow:
    group: str
    period: str
    start: date | None
    end: date | None
    closed_won: Decimal
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    open_total: Decimal
    weighted: Decimal
    open_deals: int
    won_deals: int
    quota: Decimal | None
    attainment_pct: Decimal | None
    coverage: Decimal | None


@dataclass(frozen=True)
class Forecast:
    head: sc.Head
    period: str
    by_owner: bool
    rows: tuple[ForecastRow, ...]
    team: tuple[ForecastRow, ...] = ()


def periods(start: date, unit: str, count: int, fiscal_year_start: int = 1) -> list[Period]:
    if unit not in ("month", "quarter"):
        raise Invalid("by", unit, "must be month or quarter")
    if not 1 <= count <= MAX_PERIODS:
        raise Invalid("periods", count, f"must be 1..{MAX_PERIODS}")
    out = []
    for i in range(count):
        if unit == "month":
            first = start.replace(day=1) + relativedelta(months=i)
            last = first + relativedelta(months=1, days=-1)
            label = f"{first:%Y-%m}"
        else:
            first, last = dates.quarter_bounds(
                start + relativedelta(months=3 * i), fiscal_year_start
            )
            fy_first, _ = dates.fiscal_year_bounds(first, fiscal_year_start)
            number = (first.year - fy_first.year) * 4 + (first.month - fy_first.month) // 3 + 1
            label = (
                f"{fy_first.year}-Q{number}"
                if fiscal_year_start == 1
                else f"FY{fy_first.year}-Q{number}"
            )
        out.append(Period(label, first, last))
    return out


def _bucket(column: Any, spans: Sequence[Period], *, stamp: bool) -> Any:
    """0-based index of the period holding `column` (callers keep it inside the periods)."""

    def edge(d: date) -> Any:
        return datetime.combine(d, time(), tzinfo=UTC) if stamp else d

    whens = [(column < edge(p.start), i - 1) for i, p in enumerate(spans) if i > 0]
    return case(*whens, else_=len(spans) - 1) if whens else literal(0)


def _period_count(flt_to: date | None, first: date, unit: str, count: int | None, fys: int) -> int:
    if count is not None:
        return count
    if flt_to is None:
        return 4
    n = 1
    while periods(first, unit, n, fys)[-1].end < flt_to:
        n += 1
        if n > MAX_PERIODS:
            raise Invalid("to", flt_to.isoformat(), f"is more than {MAX_PERIODS} periods away")
    return n


def build(
    ctx: Ctx,
    flt: sc.Filters,
    unit: str = "quarter",
    count: int | None = None,
    by_owner: bool = False,
    quota: str | Decimal | None = None,
) -> Forecast:
    scope = sc.resolve(ctx, flt)
    quota_value = common.as_amount(quota, "quota") if quota is not None else None
    first = scope.start or scope.day
    fys = ctx.fiscal_year_start
    spans = periods(first, unit, _period_count(scope.end, first, unit, count, fys), fys)
    conv = fx.Converter(ctx, scope.currency, scope.day)
    rows = _sums(ctx, scope, spans, by_owner, conv.by_day())
    open_rows = [(g, b, cat, *rest) for g, k, b, cat, *rest in rows if k == "open"]
    overdue = [(g, cat, *rest) for g, k, _, cat, *rest in rows if k == "overdue"]
    won = [(g, b, *rest) for g, k, b, _, *rest in rows if k == "won"]
    conv.check({r[4] for r in rows})
    labels = sc.names(ctx, "owner", {r[0] for r in rows}) if by_owner else {None: ""}
    o, d, w = ([(labels[r[0]], *r[1:]) for r in part] for part in (open_rows, overdue, won))
    head = sc.head(ctx, "forecast", scope, flt)
    return compute(head, unit, spans, by_owner, o, d, w, conv.minor, quota_value)


def _sums(
    ctx: Ctx, scope: sc.Scope, spans: Sequence[Period], by_owner: bool, by_day: bool = False
) -> list[tuple[Any, ...]]:
    """(owner or None, kind, period index, category, currency, rate day, deals, sum of minor
    units, sum of minor units × probability); kind is open (expected to close in a period, or
    unscheduled: bucket -2), overdue (bucket -1) or won (won in a period); the rate day is a won
    deal's close day when `by_day` and it is in another currency (sc.rate_day), else None (the
    as-of day's rate). One GROUP BY per stage over the open and won deals (through the deals'
    stage index; from history, one pass); stages become kinds and categories here."""
    stages = sc.stages_by_id(ctx)
    won_ids = sorted(i for i, st in stages.items() if st.outcome == "won") or [-1]
    open_ids = [i for i, st in stages.items() if st.outcome == "open"]
    snap = sc.deals_in(scope, [*open_ids, *won_ids])
    lo, hi = spans[0].start, spans[-1].end
    won = snap.c.stage_id.in_(won_ids)
    close = snap.c.expected_close
    bucket = case(
        (won, _bucket(snap.c.closed_at, spans, stamp=True)),
        (close.is_(None), UNSCHEDULED),
        (close < scope.day, OVERDUE),
        else_=_bucket(close, spans, stamp=False),
    )
    late = and_(close < scope.day, *([close >= scope.start] if scope.start else []))
    expected = or_(close.is_(None), late, and_(close >= lo, close <= hi))
    span = sc.Scope(scope.day, scope.cutoff, lo, hi, None, None, scope.currency, None)
    where = or_(
        and_(~won, snap.c.amount_minor.is_not(None), expected),
        and_(won, *span.ts_in_range(snap.c.closed_at)),
    )
    day = [case((won, d), else_=None) for d in sc.rate_day(ctx, scope, snap, by_day)]
    owner = [snap.c.owner_id] if by_owner else []
    keys = [snap.c.stage_id, *owner, *day, bucket, snap.c.currency]
    sums = [
        func.count(),
        func.coalesce(func.sum(snap.c.amount_minor), 0),
        func.coalesce(func.sum(case((won, 0), else_=snap.c.amount_minor * snap.c.probability)), 0),
    ]
    out: dict[tuple[Any, ...], list[int]] = {}
    for stage_id, *group, b, currency, n, total, weighted in ctx.session.execute(
        select(*keys, *sums).where(where).group_by(*keys)
    ).all():
        rate_day = fx.close_day(group.pop()) if by_day else None
        kind = "won" if stages[stage_id].outcome == "won" else "overdue" if b == OVERDUE else "open"
        key = (group[0] if by_owner else None, kind, int(b), stages[stage_id].forecast_category,
               currency, rate_day)  # fmt: skip
        slot = out.setdefault(key, [0, 0, 0])
        slot[0] += n
        slot[1] += int(total)
        slot[2] += int(weighted)
    return [(*key, *sums) for key, sums in out.items()]


Convert = Callable[[int | Decimal, str, date | None], Decimal]


def compute(
    head: sc.Head,
    unit: str,
    spans: Sequence[Period],
    by_owner: bool,
    open_rows: Sequence[tuple[Any, ...]],
    overdue: Sequence[tuple[Any, ...]],
    won: Sequence[tuple[Any, ...]],
    convert: Convert,
    quota: Decimal | None,
) -> Forecast:
    """open_rows: (group, bucket, category, currency, rate day, deals, sum minor, sum minor ×
    probability); overdue: (group, category, currency, rate day, deals, sum, weighted), split by
    category like the periods (omitted left out); won: (group, bucket, currency, rate day,
    deals, sum, _). A rate day of None converts at the as-of day's rate."""
    cur = head.currency
    acc: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    late = [(g, -1, *rest) for g, *rest in overdue]
    for g, b, cat, currency, day, n, total, weighted in [*open_rows, *late]:
        slot = acc[(g, int(b))]
        if cat in CATEGORY:
            slot[CATEGORY[cat]] += convert(int(total), currency, day)
            slot["weighted"] += convert(Decimal(int(weighted)) / 100, currency, day)
            slot["open_deals"] += n
    for g, b, currency, day, n, total, _ in won:
        slot = acc[(g, int(b))]
        slot["closed_won"] += convert(int(total or 0), currency, day)
        slot["won_deals"] += n
    rows: list[ForecastRow] = []
    groups = sorted({k[0] for k in acc}) or [""]
    for g in groups:
        rows += _group_rows(g, acc, spans, cur, quota)
    team: list[ForecastRow] = []
    if by_owner and acc:
        summed: dict[tuple[str, int], dict[str, Decimal]]
        summed = defaultdict(lambda: defaultdict(Decimal))
        for (_, index), slot in acc.items():
            for name, amount in slot.items():
                summed[(TEAM, index)][name] += amount
        team_quota = None if quota is None else quota * len(groups)
        team = _group_rows(TEAM, summed, spans, cur, team_quota)
    return Forecast(head, unit, by_owner, tuple(rows), tuple(team))


TEAM = "team total"


def _group_rows(
    g: str,
    acc: dict[tuple[str, int], dict[str, Decimal]],
    spans: Sequence[Period],
    cur: str,
    quota: Decimal | None,
) -> list[ForecastRow]:
    """One group's rows: unscheduled and overdue when it has any, then a row per period."""
    rows = []
    for index, label in ((UNSCHEDULED, "unscheduled"), (OVERDUE, "overdue")):
        if (g, index) in acc:
            rows.append(_row(g, label, None, None, acc[(g, index)], cur, None))
    for i, p in enumerate(spans):
        rows.append(_row(g, p.label, p.start, p.end, acc.get((g, i), {}), cur, quota))
    return rows


def _row(
    g: str,
    label: str,
    start: date | None,
    end: date | None,
    s: Any,
    cur: str,
    quota: Decimal | None,
) -> ForecastRow:
    q = sc.money_of
    closed = q(s.get("closed_won", Decimal(0)), cur)
    parts = [q(s.get(k, Decimal(0)), cur) for k in ("commit", "best_case", "pipeline")]
    open_total = sum(parts, Decimal(0))
    attainment = coverage = None
    if quota:
        attainment = (closed * 100 / quota).quantize(Decimal("0.1"), ROUND_HALF_UP)
        left = quota - closed
        coverage = (
            (open_total / left).quantize(Decimal("0.01"), ROUND_HALF_UP) if left > 0 else None
        )
    return ForecastRow(
        g, label, start, end, closed, parts[0], parts[1], parts[2], open_total,
        q(s.get("weighted", Decimal(0)), cur),
        int(s.get("open_deals", 0)), int(s.get("won_deals", 0)), quota, attainment, coverage,
    )  # fmt: skip
