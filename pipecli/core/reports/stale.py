"""`pipe report stale`: open deals that need attention.

A deal (open at the as-of moment) is *rotting* when it has sat in its stage for more days than
the stage's rotting threshold (`rot_days`; days = as-of date − the UTC date it entered the
stage), and *overdue* when its expected close date is before the as-of date. `reason` is
"rotting", "overdue" or "rotting, overdue". --from/--to restrict by expected close date.
Rows are sorted by days in stage, longest first (then by deal id); `owner` is the deal's owner's
name (today's; None when it has none). Amounts are shown in the
deal's own currency; the summary (reports/listing.py) adds them up in the report currency over
every matched deal, while `limit` keeps only the first rows (ORDER BY ... LIMIT in SQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from pipecli.core import money
from pipecli.core.models import Stage
from pipecli.core.reports import listing
from pipecli.core.reports import scope as sc
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class StaleRow:
    deal_id: int
    title: str
    stage: str
    days_in_stage: int
    rot_days: int | None
    expected_close: date | None
    days_overdue: int | None
    reason: str
    amount: Decimal | None
    currency: str
    owner: str | None = None


@dataclass(frozen=True)
class Stale:
    head: sc.Head
    rows: tuple[StaleRow, ...]
    summary: listing.Summary | None = None


def build(ctx: Ctx, flt: sc.Filters, limit: int | None = None) -> Stale:
    """The stale deals; only the `limit` longest in their stage as rows (None: all)."""
    limit = listing.check_limit(limit)
    scope = sc.resolve(ctx, flt)
    snap = sc.snapshot(scope)
    day_start = datetime.combine(scope.day, time(), tzinfo=UTC)
    st = Stage.__table__.c  # type: ignore[attr-defined]
    stages = ctx.session.execute(select(st.id, st.rot_days).where(st.rot_days.is_not(None))).all()
    rotting = [
        and_(snap.c.stage_id == sid, snap.c.entered_at < day_start - timedelta(days=rot))
        for sid, rot in stages
    ]
    matched = (
        snap.c.outcome == "open",
        or_(snap.c.expected_close < scope.day, *rotting),
        *scope.in_range(snap.c.expected_close),
    )
    query = (
        select(
            snap.c.deal_id, snap.c.title, snap.c.stage, snap.c.entered_at, snap.c.rot_days,
            snap.c.expected_close, snap.c.amount_minor, snap.c.currency, snap.c.owner_id,
        )
        .where(*matched)
        .order_by(sc.utc_day(ctx, snap.c.entered_at), snap.c.deal_id)
        .limit(limit)
    )  # fmt: skip
    found_rows = ctx.session.execute(query).all()
    owners = sc.names(ctx, "owner", {r[-1] for r in found_rows})
    rows = [(*r[:-1], owners[r[-1]] or None) for r in found_rows]
    groups = (
        select(
            snap.c.stage,
            snap.c.owner_id,
            snap.c.currency,
            func.count(),
            func.sum(snap.c.amount_minor),
        )
        .where(*matched)
        .group_by(snap.c.stage_id, snap.c.stage, snap.c.owner_id, snap.c.currency)
    )
    found = [tuple(r) for r in ctx.session.execute(groups).all()]
    summary = listing.summarise(ctx, scope, found, len(rows), "days in stage")
    return compute(sc.head(ctx, "stale", scope, flt), scope.day, rows, summary)


def compute(
    head: sc.Head,
    day: date,
    rows: list[tuple[object, ...]],
    summary: listing.Summary | None = None,
) -> Stale:
    """rows: (id, title, stage, entered_at, rot_days, expected_close, amount_minor, currency,
    owner name or None)."""
    out = []
    for deal_id, title, stage, entered, rot, close, minor, cur, *who in rows:
        assert isinstance(entered, datetime) and isinstance(cur, str)
        days = (day - entered.astimezone(UTC).date()).days
        late = (day - close).days if isinstance(close, date) and close < day else None
        reasons = [r for r, hit in (("rotting", rot is not None and days > int(str(rot))),
                                    ("overdue", late is not None)) if hit]  # fmt: skip
        amount = None if minor is None else money.from_minor(int(str(minor)), cur)
        out.append(
            StaleRow(
                int(str(deal_id)),
                str(title),
                str(stage),
                days,
                None if rot is None else int(str(rot)),
                close if isinstance(close, date) else None,
                late,
                ", ".join(reasons),
                amount,
                cur,
                str(who[0]) if who and who[0] is not None else None,
            )
        )
    out.sort(key=lambda r: (-r.days_in_stage, r.deal_id))
    return Stale(head, tuple(out), summary)
