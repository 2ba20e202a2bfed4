"""`pipe report slipped`: deals whose expected close date was pushed out, how often, how far.

A slip is a history row whose expected close is later than the one in the deal's previous row
(rows in the order they were recorded; setting a first close date is not a slip). --from/--to
keep slips made inside the range. Per deal: `slips`, `days_pushed` (sum of the days each slip
added), `expected_close` (at the as-of moment) and `stage`. Sorted by days pushed, most first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from pipecli.core.models import Deal, Stage
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


def build(ctx: Ctx, flt: sc.Filters) -> Slipped:
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
    whole: dict[str, Any] = {"partition_by": steps.c.deal_id}
    per_deal = select(
        steps.c.deal_id,
        steps.c.to_stage_id,
        steps.c.close,
        func.row_number().over(order_by=steps.c.id.desc(), **whole).label("rn"),
        func.sum(case((slip, 1), else_=0)).over(**whole).label("slips"),
        func.sum(case((slip, days), else_=0)).over(**whole).label("days"),
    ).subquery("per_deal")
    deal_t, stage_t = Deal.__table__, Stage.__table__  # type: ignore[attr-defined]
    query = (
        select(
            per_deal.c.deal_id,
            deal_t.c.title,
            stage_t.c.name,
            per_deal.c.slips,
            per_deal.c.days,
            per_deal.c.close,
        )
        .join(deal_t, deal_t.c.id == per_deal.c.deal_id)
        .join(stage_t, stage_t.c.id == per_deal.c.to_stage_id)
        .where(per_deal.c.rn == 1, per_deal.c.slips > 0)
    )
    rows = [tuple(r) for r in ctx.session.execute(query).all()]
    return compute(sc.head(ctx, "slipped", scope, flt), rows)


def compute(head: sc.Head, rows: Sequence[tuple[Any, ...]]) -> Slipped:
    """rows: (deal id, title, stage, slips, days pushed, expected close now)."""
    out = [SlipRow(int(i), t, s, int(n), int(d), c) for i, t, s, n, d, c in rows]
    out.sort(key=lambda r: (-r.days_pushed, r.deal_id))
    slips = sum(r.slips for r in out)
    days = sum(r.days_pushed for r in out)
    avg = (Decimal(days) / slips).quantize(Decimal("0.1"), ROUND_HALF_UP) if slips else None
    return Slipped(head, len(out), slips, avg, tuple(out))
