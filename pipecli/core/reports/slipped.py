"""`pipe report slipped`: deals whose expected close date was pushed out, how often, how far.

A slip is a history row whose expected close is later than the one in the deal's previous row
(rows in the order they were recorded; setting a first close date is not a slip). --from/--to
keep slips made inside the range. Per deal: `slips`, `days_pushed` (sum of the days each slip
added), `expected_close` (at the as-of moment) and `stage`. Sorted by days pushed, most first
(then by deal id). `deals`, `slips`, the average and the summary (reports/listing.py: value at
the as-of moment, by stage and owner) count every slipped deal; `limit` keeps only the first
rows (ORDER BY ... LIMIT in SQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from pipecli.core.models import Deal, Stage, StageChange
from pipecli.core.reports import listing
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class SlipRow:
    deal_id: int
    title: str
    stage: str
    slips: int
    days_pushed: int
    expected_close: date | None


@dataclass(frozen=True)
class Slipped:
    head: sc.Head
    deals: int
    slips: int
    average_days_per_slip: Decimal | None
    rows: tuple[SlipRow, ...]
    summary: listing.Summary | None = None


def build(ctx: Ctx, flt: sc.Filters, limit: int | None = None) -> Slipped:
    """The slipped deals; only the `limit` pushed out furthest as rows (None: all)."""
    limit = listing.check_limit(limit)
    scope = sc.resolve(ctx, flt)
    hist = sc.history(scope)
    steps = select(
        hist.c.deal_id,
        hist.c.id,
        hist.c.at,
        hist.c.to_stage_id,
        hist.c.expected_close.label("close"),
        func.lag(hist.c.expected_close)
        .over(partition_by=hist.c.deal_id, order_by=hist.c.id)
        .label("before"),
    ).subquery("steps")
    slip = and_(steps.c.close > steps.c.before, *scope.ts_in_range(steps.c.at))
    days = sc.days_between(ctx, steps.c.before, steps.c.close)
    # one GROUP BY per deal (no second window pass): the slips, and the id of its last row
    per_deal = (
        select(
            steps.c.deal_id,
            func.max(steps.c.id).label("last_id"),
            func.sum(case((slip, 1), else_=0)).label("slips"),
            func.sum(case((slip, days), else_=0)).label("days"),
        )
        .group_by(steps.c.deal_id)
        .subquery("per_deal")
    )
    deal_t, stage_t = Deal.__table__, Stage.__table__  # type: ignore[attr-defined]
    last = StageChange.__table__.c  # type: ignore[attr-defined]
    slipped = (
        select(
            per_deal.c.deal_id,
            deal_t.c.title,
            stage_t.c.name,
            per_deal.c.slips,
            per_deal.c.days,
            last.expected_close.label("close"),
            last.amount_minor,
            last.currency,
            deal_t.c.owner_id,
        )
        .join(StageChange.__table__, last.id == per_deal.c.last_id)  # type: ignore[attr-defined]
        .join(deal_t, deal_t.c.id == per_deal.c.deal_id)
        .join(stage_t, stage_t.c.id == last.to_stage_id)
        .where(per_deal.c.slips > 0)
    ).subquery("slipped")
    s = slipped.c
    query = (
        select(s.deal_id, s.title, s.name, s.slips, s.days, s.close)
        .order_by(s.days.desc(), s.deal_id)
        .limit(limit)
    )
    rows = [tuple(r) for r in ctx.session.execute(query).all()]
    groups = select(
        s.name, s.owner_id, s.currency, func.count(), func.sum(s.amount_minor),
        func.sum(s.slips), func.sum(s.days),
    ).group_by(s.name, s.owner_id, s.currency)  # fmt: skip
    found = [tuple(r) for r in ctx.session.execute(groups).all()]
    summary = listing.summarise(ctx, scope, [g[:5] for g in found], len(rows), "days pushed")
    totals = (sum(int(g[3]) for g in found), sum(int(g[5]) for g in found),
              sum(int(g[6]) for g in found))  # fmt: skip
    return compute(sc.head(ctx, "slipped", scope, flt), rows, summary, totals)


def compute(
    head: sc.Head,
    rows: Sequence[tuple[Any, ...]],
    summary: listing.Summary | None = None,
    totals: tuple[int, int, int] | None = None,
) -> Slipped:
    """rows: (deal id, title, stage, slips, days pushed, expected close now); totals: (deals,
    slips, days pushed) over every slipped deal (default: over `rows`)."""
    out = [SlipRow(int(i), t, s, int(n), int(d), c) for i, t, s, n, d, c in rows]
    out.sort(key=lambda r: (-r.days_pushed, r.deal_id))
    deals, slips, days = totals or (
        len(out),
        sum(r.slips for r in out),
        sum(r.days_pushed for r in out),
    )
    avg = (Decimal(days) / slips).quantize(Decimal("0.1"), ROUND_HALF_UP) if slips else None
    return Slipped(head, deals, slips, avg, tuple(out), summary)
