"""`pipe report calibrate`: stage probabilities seen in history against the configured ones.

For each open stage of one pipeline (the default unless --pipeline): of the deals closed in the
range (won or lost at the as-of moment) whose history shows them in that stage, the share that
was won: `observed_pct` = won / closed. `configured_pct` is the stage's probability;
`difference_pts` = observed − configured, in percentage points (None without closed deals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from pipecli.core.reports import scope as sc
from pipecli.core.services import common
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class CalibrateRow:
    stage: str
    configured_pct: int
    closed: int
    won: int
    observed_pct: Decimal | None
    difference_pts: Decimal | None


@dataclass(frozen=True)
class Calibrate:
    head: sc.Head
    rows: tuple[CalibrateRow, ...]


def build(ctx: Ctx, flt: sc.Filters) -> Calibrate:
    scope = sc.resolve(ctx, flt, default_pipeline=True)
    assert scope.pipeline_id is not None
    stages = sc.open_stages(ctx, scope.pipeline_id)
    snap = sc.snapshot(scope, {common.id_of(s): 1 << i for i, s in enumerate(stages)})
    keys = [snap.c.outcome, snap.c.mask]
    query = select(*keys, func.count()).where(*sc.closed_in_range(scope, snap)).group_by(*keys)
    counts = [(str(o), int(m), int(n)) for o, m, n in ctx.session.execute(query).all()]
    named = [(s.name, s.probability) for s in stages]
    return compute(sc.head(ctx, "calibrate", scope, flt), named, counts)


def compute(
    head: sc.Head,
    stages: Sequence[tuple[str, int]],
    counts: Sequence[tuple[str, int, int]],
) -> Calibrate:
    """stages: (name, configured probability), in order; counts: (outcome, mask of the stages
    visited, bit i = stage i, deals)."""
    rows = []
    for i, (name, prob) in enumerate(stages):
        won = sum(n for o, mask, n in counts if mask >> i & 1 and o == "won")
        closed = sum(n for _, mask, n in counts if mask >> i & 1)
        observed = sc.pct(won, closed)
        diff = None if observed is None else observed - prob
        rows.append(CalibrateRow(name, prob, closed, won, observed, diff))
    return Calibrate(head, tuple(rows))
