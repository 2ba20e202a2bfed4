"""`pipe report lost-reasons`: deals lost in the range, grouped by why they were lost.

A deal counts when, at the as-of moment, it is lost and its close date (the day it was lost) is
inside --from/--to, as in `report winrate`. Per loss reason (`pipe lose --reason`; "" when none
was given): `deals`, `value` = their amounts in the report currency, each converted at the rate
of its close day (reports/fx.py; deals without an amount count by number only), and
`share_pct` = the reason's share of the lost deals (by count) in its group. --by owner|stage|source
splits the reasons per owner, per the stage the deal was lost from (the stage it left when it was
lost, from history), or per source (empty group = none set). The reason, owner and source are
today's values, as in every report. Rows: groups by name, then reasons, most deals first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal, select

from pipecli.core.errors import Invalid
from pipecli.core.models import StageChange
from pipecli.core.reports import fx
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx

BY = ("owner", "stage", "source")


@dataclass(frozen=True)
class LostReasonRow:
    group: str
    reason: str
    deals: int
    value: Decimal
    share_pct: Decimal | None


@dataclass(frozen=True)
class LostReasons:
    head: sc.Head
    by: str | None
    deals: int
    value: Decimal
    rows: tuple[LostReasonRow, ...]


def check_by(by: str | None) -> None:
    if by is not None and by not in BY:
        raise Invalid("by", by, "must be one of: " + ", ".join(BY))


def _lost_from(scope: sc.Scope, snap: Any) -> tuple[Any, Any]:
    """(the from-stage column, the join onto the snapshot) of each deal's last loss in history
    at or before the cutoff: the stage it was lost from."""
    ch = StageChange.__table__.c  # type: ignore[attr-defined]
    last = (
        select(ch.deal_id, func.max(ch.id).label("change_id"))
        .where(ch.change == "lose", ch.at <= scope.cutoff)
        .group_by(ch.deal_id)
        .subquery("lastloss")
    )
    change = StageChange.__table__.alias("loss")  # type: ignore[attr-defined]
    joined = snap.outerjoin(last, last.c.deal_id == snap.c.deal_id).outerjoin(
        change, change.c.id == last.c.change_id
    )
    return change.c.from_stage_id, joined


def lost_sums(ctx: Ctx, scope: sc.Scope, by: str | None, by_day: bool) -> list[tuple[Any, ...]]:
    """(group key, reason, currency, close day or None, deals, sum of minor units) of the deals
    lost in range, summed in SQL."""
    stages = sc.stages_by_id(ctx)
    snap = sc.deals_in(scope, [i for i, s in stages.items() if s.outcome == "lost"])
    source: Any = snap
    group: Any = literal(None)
    if by == "owner":
        group = snap.c.owner_id
    elif by == "source":
        group = snap.c.source
    elif by == "stage":
        group, source = _lost_from(scope, snap)
    keys = [group.label("grp"), snap.c.lost_reason, snap.c.currency]
    keys += sc.rate_day(ctx, scope, snap, by_day)
    sums = [func.count(), func.coalesce(func.sum(snap.c.amount_minor), 0)]
    query = (
        select(*keys, *sums)
        .select_from(source)
        .where(*scope.ts_in_range(snap.c.closed_at))
        .group_by(*keys)
    )
    out = []
    for row in ctx.session.execute(query).all():
        grp, reason, currency = row[0], row[1], row[2]
        day = fx.close_day(row[3]) if by_day else None
        key = grp if by != "stage" or grp is None else stages[grp].name
        out.append((key, reason or "", currency, day, int(row[-2]), int(row[-1])))
    return out


def build(ctx: Ctx, flt: sc.Filters, by: str | None = None) -> LostReasons:
    check_by(by)
    scope = sc.resolve(ctx, flt)
    conv = fx.Converter(ctx, scope.currency, scope.day)
    rows = lost_sums(ctx, scope, by, conv.by_day())
    conv.check({r[2] for r in rows})
    if by in ("owner", "source"):
        labels = sc.names(ctx, by, {r[0] for r in rows})
        rows = [(labels[r[0]], *r[1:]) for r in rows]
    else:
        rows = [(r[0] or "", *r[1:]) for r in rows]
    return compute(sc.head(ctx, "lost-reasons", scope, flt), by, rows, conv.minor)


def compute(
    head: sc.Head,
    by: str | None,
    rows: Sequence[tuple[str, str, str, date | None, int, int]],
    convert: Callable[[int | Decimal, str, date | None], Decimal],
) -> LostReasons:
    """rows: (group, reason, currency, close day or None, deals, sum of minor units)."""
    count: dict[tuple[str, str], int] = defaultdict(int)
    value: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for group, reason, currency, day, n, total in rows:
        count[(group, reason)] += n
        value[(group, reason)] += convert(int(total), currency, day)
    per_group: dict[str, int] = defaultdict(int)
    for (group, _), n in count.items():
        per_group[group] += n
    out = [
        LostReasonRow(g, r, n, sc.money_of(value[(g, r)], head.currency), sc.pct(n, per_group[g]))
        for (g, r), n in count.items()
    ]
    out.sort(key=lambda row: (row.group, -row.deals, -row.value, row.reason))
    total = sc.money_of(sum(value.values(), Decimal(0)), head.currency)
    return LostReasons(head, by, sum(count.values()), total, tuple(out))
