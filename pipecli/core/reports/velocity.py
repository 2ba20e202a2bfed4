"""`pipe report velocity`: how much money the pipeline makes per day.

velocity = open qualified deals × win rate × average won size / average cycle days, where
- open qualified deals: deals open at the as-of moment in a stage after their pipeline's first
  open stage (for the default pipeline: Qualification onwards), or from --qualified-from STAGE
  onwards when a pipeline is named;
- win rate: won / (won + lost) by count over deals closed in the range (as `report winrate`);
- average won size: the mean amount of those won deals with an amount, in the report currency;
- average cycle days: the mean cycle time (close − creation date) of those won deals.
`per_day` is the result; `per_month` = per_day × 30. None when a part is missing (no won deal,
or an average cycle of 0 days).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from pipecli.core.reports import fx
from pipecli.core.reports import scope as sc
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class Velocity:
    head: sc.Head
    qualified_deals: int
    won: int
    lost: int
    win_rate_pct: Decimal | None
    average_won: Decimal | None
    average_cycle_days: Decimal | None
    per_day: Decimal | None
    per_month: Decimal | None


def _qualified_stage_ids(ctx: Ctx, scope: sc.Scope, qualified_from: str | None) -> list[int]:
    if scope.pipeline_id is not None:
        pipe = pipelines.get_pipeline(ctx, scope.pipeline_id)
        stages = sc.open_stages(ctx, scope.pipeline_id)
        if qualified_from:
            first = pipelines.find_stage(ctx, pipe, qualified_from, "qualified-from")
            return [common.id_of(s) for s in stages if s.position >= first.position]
        return [common.id_of(s) for s in stages[1:]]
    out: list[int] = []
    for pipe in pipelines.list_pipelines(ctx):
        out += [common.id_of(s) for s in sc.open_stages(ctx, common.id_of(pipe))[1:]]
    return out


def build(ctx: Ctx, flt: sc.Filters, qualified_from: str | None = None) -> Velocity:
    scope = sc.resolve(ctx, flt, default_pipeline=qualified_from is not None)
    snap = sc.snapshot(scope)
    stage_ids = _qualified_stage_ids(ctx, scope, qualified_from)
    qualified = ctx.session.execute(
        select(func.count()).where(snap.c.outcome == "open", snap.c.stage_id.in_(stage_ids))
    ).scalar_one()
    conv = fx.Converter(ctx, scope.currency, scope.day)
    by_day = conv.by_day()
    closed = (
        select(
            snap.c.outcome,
            snap.c.currency,
            *sc.rate_day(ctx, scope, snap, by_day),
            snap.c.amount_minor,
            sc.days_between(ctx, snap.c.created_at, snap.c.entered_at).label("days"),
        )
        .where(*sc.closed_in_range(scope, snap))
        .subquery("closed")
    )
    keys = [closed.c.outcome, closed.c.currency, *([closed.c.rate_day] if by_day else [])]
    found = ctx.session.execute(
        select(
            *keys,
            func.count(),
            func.count(closed.c.amount_minor),
            func.coalesce(func.sum(closed.c.amount_minor), 0),
            func.coalesce(func.sum(closed.c.days), 0),
        ).group_by(*keys)
    ).all()
    rows = [(r[0], r[1], fx.close_day(r[2]) if by_day else None, *r[len(keys) :]) for r in found]
    conv.check({r[1] for r in rows if r[0] == "won"})
    head = sc.head(ctx, "velocity", scope, flt)
    return compute(head, int(qualified), rows, conv.minor)


def compute(
    head: sc.Head,
    qualified: int,
    closed: Sequence[tuple[Any, ...]],
    convert: Callable[[int | Decimal, str, date | None], Decimal],
) -> Velocity:
    """closed: (outcome, currency, rate day or None, deals, deals with an amount, sum of minor
    units, sum of days)."""
    won = [r for r in closed if r[0] == "won"]
    n_won, n_lost = sum(r[3] for r in won), sum(r[3] for r in closed if r[0] == "lost")
    with_amount = sum(r[4] for r in won)
    total = sum((convert(int(r[5]), r[1], r[2]) for r in won), Decimal(0))
    avg_won = total / with_amount if with_amount else None
    avg_days = Decimal(sum(int(r[6]) for r in won)) / n_won if n_won else None
    rate = Decimal(n_won) / (n_won + n_lost) if n_won + n_lost else None
    per_day = None
    if avg_won is not None and avg_days and rate is not None:
        per_day = qualified * rate * avg_won / avg_days
    cur = head.currency
    return Velocity(
        head, qualified, n_won, n_lost, sc.pct(n_won, n_won + n_lost),
        None if avg_won is None else sc.money_of(avg_won, cur),
        None if avg_days is None else avg_days.quantize(Decimal("0.1"), ROUND_HALF_UP),
        None if per_day is None else sc.money_of(per_day, cur),
        None if per_day is None else sc.money_of(per_day * 30, cur),
    )  # fmt: skip
