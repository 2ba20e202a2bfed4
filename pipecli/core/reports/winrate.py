"""`pipe report winrate`: won / (won + lost) over deals closed in the range, by count and value.

A deal counts when, at the as-of moment, it is won or lost and its close date (when it entered
that stage) is inside --from/--to. `win_rate_pct` = won / (won + lost) by count;
`value_win_rate_pct` the same by amount, converted into the report currency at the rate of each
deal's close day (reports/fx.py; deals without an amount count by number only).
--by owner|source|product|pipeline gives a row per group (empty group = none set); a deal's
product is its `product` field. --by reason sets the lost deals by loss reason beside the won
ones: a row per reason ("" = none given) with that reason's `lost` and `lost_value`, and the
range's `won` and `won_value` in every row, so `win_rate_pct` = won / (won + lost to this
reason): how often the team wins against it (e.g. against a competitor). Won deals are not
added up over the rows.
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
from pipecli.core.reports import fx
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx

BY = ("owner", "source", "product", "pipeline", "reason")


@dataclass(frozen=True)
class WinRateRow:
    group: str
    won: int
    lost: int
    win_rate_pct: Decimal | None
    won_value: Decimal
    lost_value: Decimal
    value_win_rate_pct: Decimal | None


@dataclass(frozen=True)
class WinRate:
    head: sc.Head
    by: str | None
    rows: tuple[WinRateRow, ...]


def check_by(by: str | None) -> None:
    if by is not None and by not in BY:
        raise Invalid("by", by, "must be one of: " + ", ".join(BY))


def _key(snap: Any, by: str | None) -> Any:
    column = {
        "owner": snap.c.owner_id,
        "source": snap.c.source,
        "product": snap.c.product,
        "pipeline": snap.c.pipeline_id,
        "reason": snap.c.lost_reason,
    }
    return column[by] if by else literal(None)


def closed_sums(
    ctx: Ctx, scope: sc.Scope, by: str | None, by_day: bool = False
) -> list[tuple[Any, ...]]:
    """(group key, outcome, currency, close day, deals, sum of minor units) of deals closed in
    range: summed per stage in SQL, then per outcome here (a handful of rows). The close day is
    None unless `by_day` and the deal is in another currency than the report's (sc.rate_day)."""
    stages = sc.stages_by_id(ctx)
    snap = sc.deals_in(scope, [i for i, s in stages.items() if s.outcome != "open"])
    grp = [_key(snap, by)] if by else []  # no constant key: it slows the GROUP BY
    keys = [snap.c.stage_id, *grp, snap.c.currency, *sc.rate_day(ctx, scope, snap, by_day)]
    sums = [func.count(), func.coalesce(func.sum(snap.c.amount_minor), 0)]
    query = select(*keys, *sums).where(*scope.ts_in_range(snap.c.closed_at)).group_by(*keys)
    out: dict[tuple[Any, ...], list[int]] = {}
    for row in ctx.session.execute(query).all():
        stage_id, *group, currency = row[: len(keys) - 1] if by_day else row[: len(keys)]
        day = fx.close_day(row[len(keys) - 1]) if by_day else None
        key = (group[0] if by else None, stages[stage_id].outcome, currency, day)
        slot = out.setdefault(key, [0, 0])
        slot[0] += row[-2]
        slot[1] += int(row[-1])
    return [(*key, n, total) for key, (n, total) in out.items()]


def build(ctx: Ctx, flt: sc.Filters, by: str | None = None) -> WinRate:
    check_by(by)
    scope = sc.resolve(ctx, flt)
    conv = fx.Converter(ctx, scope.currency, scope.day)
    rows = closed_sums(ctx, scope, by, conv.by_day())
    conv.check({r[2] for r in rows})
    labels = sc.names(ctx, by or "", {r[0] for r in rows}) if by else {None: ""}
    named = [(labels[r[0]], *r[1:]) for r in rows]
    if by == "reason":
        named = beside_won(named)
    return compute(sc.head(ctx, "winrate", scope, flt), by, named, conv.minor)


def beside_won(
    rows: Sequence[tuple[str, str, str, date | None, int, int]],
) -> list[tuple[str, str, str, date | None, int, int]]:
    """--by reason: the lost rows keep their reason as group; the won rows (whatever their
    group) are repeated under every reason, so each row holds the range's wins."""
    reasons = sorted({r[0] for r in rows if r[1] == "lost"})
    won = [r[1:] for r in rows if r[1] == "won"]
    lost = [r for r in rows if r[1] == "lost"]
    return lost + [(reason, *w) for reason in reasons for w in won]


def compute(
    head: sc.Head,
    by: str | None,
    rows: Sequence[tuple[str, str, str, date | None, int, int]],
    convert: Callable[[int | Decimal, str, date | None], Decimal],
) -> WinRate:
    """rows: (group, outcome, currency, close day or None, deals, sum of minor units)."""
    count: dict[tuple[str, str], int] = defaultdict(int)
    value: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for group, outcome, currency, day, n, total in rows:
        count[(group, outcome)] += n
        value[(group, outcome)] += convert(int(total), currency, day)
    out = []
    for g in sorted({r[0] for r in rows}):
        won_v = sc.money_of(value[(g, "won")], head.currency)
        lost_v = sc.money_of(value[(g, "lost")], head.currency)
        won, lost = count[(g, "won")], count[(g, "lost")]
        out.append(
            WinRateRow(
                g,
                won,
                lost,
                sc.pct(won, won + lost),
                won_v,
                lost_v,
                _pct(won_v, won_v + lost_v),
            )
        )
    return WinRate(head, by, tuple(out))


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    from decimal import ROUND_HALF_UP

    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)
