"""`pipe demo`: a year of made-up sales history, so the reports have something to show.

Deals are generated from a seeded random generator (the same seed and clock give the same data)
and written through the bulk writer (services.bulk), so every deal has a history as real as one
built by hand: created over the past year, moving through the default pipeline's open stages
with the odd skipped stage and step backwards, then won, lost, or still open. Amounts are in
the default currency. Owners are four made-up reps; sources are web, referral, event, outbound
and partner. Refused on a database that already has deals: demo data never mixes with real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from pipecli.core import money
from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Deal
from pipecli.core.services import bulk, common, pipelines
from pipecli.core.services.context import Ctx, ensure_user

OWNERS = ("Ann Lee", "Bo Chen", "Carla Diaz", "Dev Patel")
SOURCES = ("web", "referral", "event", "outbound", "partner")
REASONS = ("price", "competitor", "timing", "no budget")
MAX_DEALS = 5_000_000


@dataclass(frozen=True)
class _Setup:
    pipeline_id: int
    open_ids: list[int]
    won_id: int
    lost_id: int
    owner_ids: list[int]
    currency: str


def _setup(ctx: Ctx) -> _Setup:
    pipe = pipelines.get_pipeline(ctx, None)
    stages = pipelines.stages_of(ctx, common.id_of(pipe))
    opened = [common.id_of(s) for s in stages if s.outcome == "open"]
    owners = [common.id_of(ensure_user(ctx, name)) for name in OWNERS]
    return _Setup(
        common.id_of(pipe), opened,
        common.id_of(pipelines.outcome_stage(ctx, pipe, "won")),
        common.id_of(pipelines.outcome_stage(ctx, pipe, "lost")),
        owners, money.currency_code(ctx.settings.currency),
    )  # fmt: skip


def _path(rng: random.Random, s: _Setup, start: datetime, now: datetime) -> bulk.DealRecord:
    """One deal's walk through the stages, stopping at `now` if it has not closed by then."""
    at, pos = start, 0
    events = [bulk.StageEvent(start, s.open_ids[0])]
    final, closed = s.open_ids[0], None
    while True:
        at += timedelta(days=rng.expovariate(1 / 9), hours=rng.random() * 8)
        if at >= now:
            break
        roll = rng.random()
        if roll < 0.22 - 0.02 * pos:
            final, closed = s.lost_id, at
            break
        if pos == len(s.open_ids) - 1 or roll > 0.97:
            final, closed = s.won_id, at
            break
        step = 2 if roll > 0.9 else -1 if roll > 0.86 and pos > 0 else 1
        pos = min(max(pos + step, 0), len(s.open_ids) - 1)
        final = s.open_ids[pos]
        events.append(bulk.StageEvent(at, final))
    if closed is not None:
        events.append(bulk.StageEvent(closed, final))
    units = 10 ** money.minor_units(s.currency)
    amount = int(rng.lognormvariate(9.2, 0.8)) // 100 * 100 * units
    close = (closed or start + timedelta(days=rng.randint(30, 150))).date()
    return bulk.DealRecord(
        title="", pipeline_id=s.pipeline_id, stage_id=final, currency=s.currency,
        created_at=start, amount_minor=amount, owner_id=rng.choice(s.owner_ids),
        expected_close=close, closed_at=closed, source=rng.choice(SOURCES),
        lost_reason=rng.choice(REASONS) if final == s.lost_id else None, events=events,
    )  # fmt: skip


def records(ctx: Ctx, count: int, seed: int = 1) -> Iterator[bulk.DealRecord]:
    """`count` demo deals created over the year before ctx.now, oldest first."""
    rng, s = random.Random(seed), _setup(ctx)
    starts = sorted(ctx.now - timedelta(days=rng.random() * 365) for _ in range(count))
    for i, start in enumerate(starts, start=1):
        rec = _path(rng, s, start, ctx.now)
        rec.title = f"Demo deal {i}"
        yield rec


def create(
    ctx: Ctx, count: int = 200, seed: int = 1, progress: Callable[[int], None] | None = None
) -> int:
    """Write `count` demo deals; refused when the database has deals already."""
    if not 1 <= count <= MAX_DEALS:
        raise Invalid("deals", count, f"must be 1..{MAX_DEALS}")
    existing = ctx.session.exec(select(func.count()).select_from(Deal)).one()
    if existing:
        raise Conflict(f"the database has {existing} deals already; run demo on a new --db")
    return len(bulk.write_deals(ctx, records(ctx, count, seed), progress=progress))
