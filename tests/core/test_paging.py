"""Paging for front ends that scroll: immutable filters, offset and after-id pages, counts."""

from __future__ import annotations

import dataclasses

import pytest

from pipecli.core.errors import Invalid
from pipecli.core.services import deals, listing, tasks
from pipecli.core.services.common import id_of
from pipecli.core.services.listing import Filter
from tests.conftest import MakeCtx


@pytest.fixture
def seven(make_ctx: MakeCtx) -> list[int]:
    with make_ctx() as ctx:
        ids = [id_of(deals.create(ctx, deals.DealInput(f"D{i}"))) for i in range(7)]
        deals.win(ctx, ids[3])
    return ids


def test_filters_are_immutable_and_never_changed_by_a_service(
    make_ctx: MakeCtx, seven: list[int]
) -> None:
    flt = Filter(stage="won", limit=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        flt.status = "all"  # type: ignore[misc]
    with make_ctx() as ctx:
        assert [r.id for r in listing.list_deals(ctx, flt).rows] == [seven[3]]
    assert flt == Filter(stage="won", limit=None)  # the stage implied every status, in a copy


def test_offset_pages_cover_the_list_once(make_ctx: MakeCtx, seven: list[int]) -> None:
    open_ids = [i for i in seven if i != seven[3]]
    seen, mores = [], []
    with make_ctx() as ctx:
        for offset in (0, 4):
            page = listing.list_deals(ctx, Filter(limit=4, offset=offset))
            seen += [r.id for r in page.rows]
            mores.append((page.total, page.skipped, page.more))
        assert listing.count(ctx, "deal", Filter()) == 6
        assert listing.count(ctx, "deal", Filter(status="all")) == 7
    assert seen == open_ids and mores == [(6, 0, 2), (6, 4, 0)]


def test_after_id_pages_follow_the_last_id_seen(make_ctx: MakeCtx, seven: list[int]) -> None:
    with make_ctx() as ctx:
        first = listing.list_deals(ctx, Filter(status="all", limit=3))
        after = listing.list_deals(ctx, Filter(status="all", limit=3, after_id=first.rows[-1].id))
        last = listing.list_deals(ctx, Filter(status="all", limit=3, after_id=after.rows[-1].id))
    assert [r.id for r in first.rows + after.rows + last.rows] == seven
    assert (after.skipped, after.more, last.skipped, last.more) == (3, 1, 6, 0)


def test_paging_refusals(make_ctx: MakeCtx, seven: list[int]) -> None:
    with make_ctx() as ctx:
        tasks.create(ctx, tasks.TaskInput("Call"))
        with pytest.raises(Invalid, match="offset"):
            listing.list_deals(ctx, Filter(offset=-1))
        with pytest.raises(Invalid, match="after_id"):
            listing.list_tasks(ctx, Filter(after_id=1))  # tasks are in due order, not id order
        assert listing.count(ctx, "task", Filter()) == 1
