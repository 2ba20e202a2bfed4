"""`pipe report funnel`: how many deals of a cohort reached each stage, and conversion.

Cohort: deals of one pipeline (the default unless --pipeline) created inside --from/--to, as
they stood at the as-of moment. A deal *reached* a stage if its history shows it in that stage or
in any later one (a win counts as later than every open stage); lost deals stay in every stage
they reached. *Sequential* mode counts a deal at a stage only if its history shows it in every
earlier open stage too (skipping a stage drops it from there on). The Won row counts deals whose
history shows a win, reopened ones included (in sequential mode: that passed every open stage
too). Every deal of the cohort counts at the first stage, even one created straight into a
closing stage (an imported lost deal), so lost deals stay in the funnel.
`conversion_pct` is deals at this row / deals at the row above; `from_first_pct` / the first row.

SQL: each deal's visited stages are folded into a bit mask (a power of two per stage, summed over
the stages its history visited: scope.snapshot), and the deals are counted per (group, outcome,
mask); the pure `compute` does the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from pipecli.core.errors import Invalid
from pipecli.core.reports import scope as sc
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx

MODES = ("reached", "sequential")
BY = ("owner",)


@dataclass(frozen=True)
class FunnelRow:
    group: str
    stage: str
    step: int
    deals: int
    conversion_pct: Decimal | None
    from_first_pct: Decimal | None


@dataclass(frozen=True)
class Funnel:
    head: sc.Head
    mode: str
    by: str | None
    cohort: int
    lost: int
    rows: tuple[FunnelRow, ...]


def _check(mode: str, by: str | None) -> None:
    if mode not in MODES:
        raise Invalid("mode", mode, "must be " + " or ".join(MODES))
    if by is not None and by not in BY:
        raise Invalid("by", by, "must be owner")


def build(ctx: Ctx, flt: sc.Filters, mode: str = "reached", by: str | None = None) -> Funnel:
    _check(mode, by)
    scope = sc.resolve(ctx, flt, default_pipeline=True)
    assert scope.pipeline_id is not None
    stages = sc.open_stages(ctx, scope.pipeline_id)
    bits = {common.id_of(s): 1 << i for i, s in enumerate(stages)}
    won = [s for s in pipelines.stages_of(ctx, scope.pipeline_id) if s.outcome == "won"]
    bits.update({common.id_of(s): 1 << len(stages) for s in won})
    snap = sc.snapshot(scope, bits) if scope.as_of is not None else sc.visited_now(scope, bits)
    keys = ([snap.c.owner_id] if by == "owner" else []) + [snap.c.outcome, snap.c.mask]
    query = select(*keys, func.count()).where(*scope.ts_in_range(snap.c.created_at))
    rows = ctx.session.execute(query.group_by(*keys)).all()
    counted = [(r[0] if by else None, r[-3], int(r[-2] or 0), int(r[-1])) for r in rows]
    labels = sc.names(ctx, "owner", {c[0] for c in counted}) if by else {None: ""}
    named = [(labels[g], outcome, mask, n) for g, outcome, mask, n in counted]
    head = sc.head(ctx, "funnel", scope, flt)
    won_name = won[0].name if won else "Won"
    return compute(head, [s.name for s in stages], named, mode, by, won_name)


def compute(
    head: sc.Head,
    stages: Sequence[str],
    counts: Sequence[tuple[str, str, int, int]],
    mode: str,
    by: str | None = None,
    won_name: str = "Won",
) -> Funnel:
    """counts: (group, outcome now, mask of stages visited, deals); bit len(stages) = won."""
    rows: list[FunnelRow] = []
    for group in sorted({c[0] for c in counts}) or [""]:
        mine = [c for c in counts if c[0] == group]
        steps = [_at_stage(mine, i, mode) for i in range(len(stages))]
        steps.append(_won(mine, len(stages), mode))
        rows.extend(_rows(group, [*stages, won_name], steps))
    cohort = sum(c[3] for c in counts)
    lost = sum(c[3] for c in counts if c[1] == "lost")
    return Funnel(head, mode, by, cohort, lost, tuple(rows))


def _at_stage(counts: Sequence[tuple[str, str, int, int]], i: int, mode: str) -> int:
    """Every deal of the cohort entered the funnel (bit 0), even one created straight into
    a closing stage, as an imported lost deal may be."""
    if mode == "reached":
        return sum(n for _, _, mask, n in counts if (mask | 1) >> i)
    full = (1 << (i + 1)) - 1
    return sum(n for _, _, mask, n in counts if (mask | 1) & full == full)


def _won(counts: Sequence[tuple[str, str, int, int]], n_open: int, mode: str) -> int:
    """Deals whose history shows a win (reopened ones too: they reached Won); sequential mode
    also needs every open stage before it."""
    full = (1 << n_open) - 1
    return sum(
        n
        for _, outcome, mask, n in counts
        if mask >> n_open and (mode == "reached" or (mask | 1) & full == full)
    )


def _rows(group: str, names: Sequence[str], steps: Sequence[int]) -> list[FunnelRow]:
    out = []
    for i, (name, deals) in enumerate(zip(names, steps, strict=True)):
        prev = sc.pct(deals, steps[i - 1]) if i else None
        first = sc.pct(deals, steps[0]) if i else None
        out.append(FunnelRow(group, name, i + 1, deals, prev, first))
    return out
