"""The bulk deal writer: same probability rules as single edits, history consistent with dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from pipecli.core.models import Deal
from pipecli.core.services import bulk, deals, pipelines
from tests.conftest import not_none


def _stage(ctx: Any, name: str) -> Any:
    return pipelines.find_stage(ctx, pipelines.get_pipeline(ctx, None), name)


def _t(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def test_probability_rule_is_one_function() -> None:
    assert deals.stage_probability("won", 30, 55) == (100, False)
    assert deals.stage_probability("lost", 30, None) == (0, False)
    assert deals.stage_probability("open", 30, 55) == (55, True)
    assert deals.stage_probability("open", 30, None) == (30, False)


def test_bulk_deals_and_history(make_ctx: Any) -> None:
    with make_ctx() as ctx:
        qual, prop, won, lost = (
            _stage(ctx, n) for n in ("Qualification", "Proposal", "Won", "Lost")
        )
        pid = qual.pipeline_id
        recs = [
            bulk.DealRecord("Open", pid, prop.id, "USD", _t(1), amount_minor=1000,
                            events=[bulk.StageEvent(_t(2), qual.id),
                                    bulk.StageEvent(_t(5), prop.id)]),
            bulk.DealRecord("Manual", pid, prop.id, "USD", _t(1), probability=65),
            bulk.DealRecord("Won late", pid, won.id, "USD", _t(20), closed_at=_t(10),
                            expected_close=date(2026, 3, 10), probability=65, uuid="u-1"),
            bulk.DealRecord("Lost", pid, lost.id, "EUR", _t(1), closed_at=_t(4),
                            lost_reason="price", events=[bulk.StageEvent(_t(1), qual.id)]),
        ]  # fmt: skip
        ids = bulk.write_deals(ctx, recs, batch_size=3)
        assert len(ids) == 4
    with make_ctx() as ctx:
        d = [ctx.session.get(Deal, i) for i in ids]
        assert [x.probability for x in d] == [50, 65, 100, 0]
        assert [x.probability_manual for x in d] == [False, True, False, False]
        assert d[2].created_at == _t(10) and d[2].closed_at == _t(10) and d[2].uuid == "u-1"
        assert d[0].stage_entered_at == _t(5) and d[3].lost_reason == "price"
        h = [[(r.change, r.at.day) for r in deals.history(ctx, i)] for i in ids]
        assert h[0] == [("create", 1), ("move", 5)]  # create at created_at in Qualification
        assert h[1] == [("create", 1)]
        assert h[2] == [("create", 10), ("win", 10)]
        assert h[3] == [("create", 1), ("lose", 4)]
        first = deals.history(ctx, ids[0])[0]
        assert first.to_stage_id == qual.id and first.probability == 20
        assert deals.history(ctx, ids[3])[-1].note == "price"


def test_bulk_close_date_changes(make_ctx: Any) -> None:
    """Close changes become `close_date` rows in time order; each row carries the close date of
    its moment, so the slipped report sees the pushes."""
    from pipecli.core.reports import slipped
    from pipecli.core.reports.scope import Filters

    with make_ctx() as ctx:
        qual, prop, won = (_stage(ctx, n) for n in ("Qualification", "Proposal", "Won"))
        pid = qual.pipeline_id
        recs = [
            bulk.DealRecord("Slipped", pid, won.id, "USD", _t(1), closed_at=_t(20),
                            expected_close=date(2026, 4, 30), opening_close=date(2026, 3, 10),
                            events=[bulk.StageEvent(_t(1), qual.id),
                                    bulk.StageEvent(_t(5), prop.id)],
                            close_changes=[bulk.CloseChange(_t(10), date(2026, 3, 31)),
                                           bulk.CloseChange(_t(20), date(2026, 4, 30))]),
            bulk.DealRecord("Plain", pid, prop.id, "USD", _t(1),
                            expected_close=date(2026, 5, 1), updated_at=_t(2)),
        ]  # fmt: skip
        ids = bulk.write_deals(ctx, recs)
        change = bulk.CloseChange(_t(2), date(2026, 4, 1))
        bad = bulk.DealRecord(
            "Bad",
            pid,
            prop.id,
            "USD",
            _t(1),
            expected_close=date(2026, 5, 1),
            close_changes=[change],
        )
        with pytest.raises(ValueError, match="last close change"):
            bulk.write_deals(ctx, [bad])
    with make_ctx() as ctx:
        h = [
            (r.change, r.at.day, not_none(r.expected_close).day, r.to_stage_id)
            for r in deals.history(ctx, ids[0])
        ]
        assert h == [
            ("create", 1, 10, qual.id), ("move", 5, 10, prop.id), ("close_date", 10, 31, prop.id),
            ("close_date", 20, 30, prop.id), ("win", 20, 30, won.id),
        ]  # fmt: skip
        d = ctx.session.get(Deal, ids[0])
        assert d.stage_entered_at == _t(20) and d.expected_close == date(2026, 4, 30)
        assert ctx.session.get(Deal, ids[1]).updated_at == _t(2)
        assert [h.expected_close for h in deals.history(ctx, ids[1])] == [date(2026, 5, 1)]
        report = slipped.build(ctx, Filters())
    assert [(r.deal_id, r.slips, r.days_pushed) for r in report.rows] == [(ids[0], 2, 51)]
