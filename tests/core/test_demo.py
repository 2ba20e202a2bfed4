"""`pipe demo` data: deterministic, refused on a database with deals, and the reports' history
snapshot at "now" agrees with the deals table row for row."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Deal
from pipecli.core.reports import funnel, winrate
from pipecli.core.reports.scope import Filters, resolve, snapshot
from pipecli.core.services import demo


def test_demo_is_deterministic_and_varied(make_ctx):
    with make_ctx() as ctx:
        first = [(r.stage_id, r.created_at, r.amount_minor) for r in demo.records(ctx, 200, 7)]
        again = [(r.stage_id, r.created_at, r.amount_minor) for r in demo.records(ctx, 200, 7)]
        other = [(r.stage_id, r.created_at, r.amount_minor) for r in demo.records(ctx, 200, 8)]
    assert first == again and first != other
    assert len(Counter(stage for stage, _, _ in first)) == 6  # every stage has deals


def test_demo_writes_deals_and_refuses_a_second_time(make_ctx):
    with make_ctx() as ctx:
        assert demo.create(ctx, 300) == 300
    with make_ctx() as ctx, pytest.raises(Conflict, match="300 deals already"):
        demo.create(ctx, 10)
    with make_ctx() as ctx, pytest.raises(Invalid, match="deals: 0"):
        demo.create(ctx, 0)
    with make_ctx() as ctx:
        deals = ctx.session.exec(select(Deal)).all()
        assert funnel.build(ctx, Filters()).cohort == 300
        (row,) = winrate.build(ctx, Filters()).rows
    assert row.won == sum(1 for d in deals if d.probability == 100 and d.closed_at)
    assert row.won + row.lost == sum(1 for d in deals if d.closed_at)


def test_snapshot_at_now_matches_the_deals_table(make_ctx):
    with make_ctx() as ctx:
        demo.create(ctx, 300, seed=3)
    with make_ctx() as ctx:
        snap = snapshot(resolve(ctx, Filters()), from_history=True)
        rows = ctx.session.execute(
            select(
                snap.c.deal_id,
                snap.c.stage_id,
                snap.c.entered_at,
                snap.c.amount_minor,
                snap.c.expected_close,
                snap.c.probability,
            )
        ).all()
        deals = ctx.session.exec(select(Deal)).all()
    table = {
        d.id: (d.stage_id, d.stage_entered_at, d.amount_minor, d.expected_close, d.probability)
        for d in deals
    }
    assert {r[0]: tuple(r[1:]) for r in rows} == table
