"""What every report that lists deals shares: a summary of all the deals it matched, and only
the worst `limit` of them as rows.

A deal-list report (stale, slipped) runs two queries over the same matched deals: an aggregate
(how many, their value per stage, owner and currency: a few rows whatever the number of deals)
and the rows themselves, ordered by the report's own measure with `LIMIT n` in SQL. So the
report costs about the same at a million deals as at a thousand when the limit is small, and
never holds more than `limit` rows in memory (limit None: every row).

The summary's value is in the report currency: amounts in another currency are converted at
the as-of day's rate (reports/fx.py); when a rate is missing the value is None (the deals are
still counted) rather than the report being refused, as it was before it had a total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipecli.core.errors import Invalid
from pipecli.core.reports import fx
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx

DEFAULT_LIMIT = 25  # rows a terminal table shows unless --limit says otherwise


@dataclass(frozen=True)
class Group:
    """Deals of one stage or one owner: how many and their value in the report currency."""

    name: str
    deals: int
    value: Decimal | None


@dataclass(frozen=True)
class Summary:
    """All the deals a listing report matched (not only the rows shown)."""

    deals: int
    value: Decimal | None  # report currency; None when an exchange rate is missing
    by_stage: tuple[Group, ...]
    by_owner: tuple[Group, ...]
    shown: int  # rows in the report
    more: int  # matched deals not in the rows
    order: str  # the measure the rows are sorted by, worst first


def check_limit(limit: int | None) -> int | None:
    """`--limit N`: None or 0 means every row; negative is refused."""
    if limit is None:
        return None
    if limit < 0:
        raise Invalid("limit", limit, "must be 0 (all) or more")
    return limit or None


def summarise(
    ctx: Ctx,
    scope: sc.Scope,
    groups: Iterable[tuple[Any, Any, Any, Any, Any]],
    shown: int,
    order: str,
) -> Summary:
    """groups: (stage name, owner id, currency, deals, sum of amount_minor) rows of the
    report's aggregate query."""
    conv = fx.Converter(ctx, scope.currency, scope.day)
    total = 0
    value: Decimal | None = Decimal(0)
    stages: dict[str, list[Any]] = {}
    owners: dict[Any, list[Any]] = {}
    for stage, owner, cur, n, minor in groups:
        n = int(n or 0)
        total += n
        amount: Decimal | None = Decimal(0)
        if minor is not None and cur is not None:
            try:
                amount = conv.minor(int(minor), str(cur))
            except fx.MissingRate:
                amount = None
        for key, into in ((str(stage), stages), (owner, owners)):
            slot = into.setdefault(key, [0, Decimal(0)])
            slot[0] += n
            slot[1] = None if slot[1] is None or amount is None else slot[1] + amount
        value = None if value is None or amount is None else value + amount
    names = sc.names(ctx, "owner", set(owners))

    def out(items: dict[Any, list[Any]], label: Any) -> tuple[Group, ...]:
        made = [
            Group(label(k), n, None if v is None else sc.money_of(v, scope.currency))
            for k, (n, v) in items.items()
        ]
        return tuple(sorted(made, key=lambda g: (-g.deals, g.name)))

    return Summary(
        total,
        None if value is None else sc.money_of(value, scope.currency),
        out(stages, str),
        out(owners, lambda k: names.get(k) or "(none)"),
        shown,
        max(total - shown, 0),
        order,
    )
