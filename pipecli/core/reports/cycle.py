"""`pipe report cycle`: how long deals take to close, and how long they sit in each stage.

Deals: won or lost at the as-of moment, closed inside --from/--to. Cycle time = close date −
creation date, in whole days (UTC dates). Time in stage = for every stay of those deals in an
open stage that ended (the deal moved on, was won or lost), the days from entering to leaving,
taken from the history rows. Statistics: mean and median in days with one decimal (the median
is the middle value, or the mean of the two middle values) and p90 in whole days (nearest rank:
the smallest value that at least 90% of the values do not exceed). SQL counts deals per
(outcome, days) and stays per (stage, days); `stats` works on those histograms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import col
from sqlmodel import select as select_rows

from pipecli.core.models import Stage
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class CycleRow:
    section: str  # "cycle" (name = won, lost, all) or "stage" (name = stage name)
    name: str
    count: int
    mean_days: Decimal | None
    median_days: Decimal | None
    p90_days: int | None


@dataclass(frozen=True)
class Cycle:
    head: sc.Head
    rows: tuple[CycleRow, ...]


def stats(
    hist: Sequence[tuple[int, int]],
) -> tuple[int, Decimal | None, Decimal | None, int | None]:
    """(count, mean, median, p90) of a histogram of (value, how many)."""
    pairs = sorted((int(v), int(n)) for v, n in hist if n)
    total = sum(n for _, n in pairs)
    if not total:
        return 0, None, None, None
    mean = (Decimal(sum(v * n for v, n in pairs)) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def nth(k: int) -> int:  # the k-th smallest value, 1-based
        seen = 0
        for v, n in pairs:
            seen += n
            if seen >= k:
                return v
        raise AssertionError(k)

    median = (Decimal(nth((total + 1) // 2)) + Decimal(nth(total // 2 + 1))) / 2
    return total, mean, median.quantize(Decimal("0.1")), nth(math.ceil(total * 9 / 10))


def build(ctx: Ctx, flt: sc.Filters) -> Cycle:
    scope = sc.resolve(ctx, flt)
    snap = sc.snapshot(scope)
    closed = (
        select(
            snap.c.deal_id,
            snap.c.outcome,
            sc.days_between(ctx, snap.c.created_at, snap.c.entered_at).label("days"),
        )
        .where(*sc.closed_in_range(scope, snap))
        .subquery("closed")
    )
    keys = [closed.c.outcome, closed.c.days]
    cycle = ctx.session.execute(select(*keys, func.count()).group_by(*keys)).all()
    stays = _stays(ctx, scope, select(closed.c.deal_id))
    order = {
        s.id: (s.pipeline_id, s.position, s.name) for s in ctx.session.exec(select_rows(Stage))
    }
    named = [(order[sid], days, n) for sid, days, n in stays]
    return compute(sc.head(ctx, "cycle", scope, flt), [tuple(r) for r in cycle], named)


def _stays(ctx: Ctx, scope: sc.Scope, deal_ids: Any) -> list[tuple[int, int, int]]:
    hist = sc.history(scope)
    entries = (
        select(
            hist.c.to_stage_id,
            hist.c.outcome,
            hist.c.at,
            func.lead(hist.c.at)
            .over(partition_by=hist.c.deal_id, order_by=(hist.c.at, hist.c.id))
            .label("left_at"),
        )
        .where(
            or_(hist.c.from_stage_id.is_(None), hist.c.from_stage_id != hist.c.to_stage_id),
            col(hist.c.deal_id).in_(deal_ids),
        )
        .subquery("entries")
    )
    stays = (
        select(
            entries.c.to_stage_id,
            sc.days_between(ctx, entries.c.at, entries.c.left_at).label("days"),
        )
        .where(entries.c.left_at.is_not(None), entries.c.outcome == "open")
        .subquery("stays")
    )
    keys = [stays.c.to_stage_id, stays.c.days]
    return [tuple(r) for r in ctx.session.execute(select(*keys, func.count()).group_by(*keys))]


def compute(
    head: sc.Head,
    cycle: Sequence[tuple[str, int, int]],
    stays: Sequence[tuple[tuple[int, int, str], int, int]],
) -> Cycle:
    """cycle: (outcome, days, deals); stays: ((pipeline id, position, stage name), days, stays)."""
    rows = []
    for name in ("won", "lost", "all"):
        hist = [(d, n) for o, d, n in cycle if name in (o, "all")]
        rows.append(CycleRow("cycle", name, *stats(hist)))
    for stage in sorted({s[0] for s in stays}):
        hist = [(d, n) for s, d, n in stays if s == stage]
        rows.append(CycleRow("stage", stage[2], *stats(hist)))
    return Cycle(head, tuple(rows))
