"""`pipe demo` data: deterministic for a seed and a day, realistic enough for every report
(win rate, slips, overdue deals and tasks), refused on a database with records unless forced,
and with a history that agrees with the deals table row for row."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col
from sqlmodel import select as sm_select

from pipecli.core import demo
from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Activity, Contact, Deal, Lead, StageChange, Task
from pipecli.core.reports import funnel, slipped, winrate
from pipecli.core.reports.scope import Filters, resolve, snapshot
from pipecli.core.services.common import id_of
from tests.conftest import MakeCtx, not_none

HAN = re.compile(r"[\u4e00-\u9fff]")
TABLES = (Account, Contact, Deal, StageChange, Task, Activity)
KEYS = {"id", "account_id", "contact_id", "deal_id"}


def _rows(ctx: Any, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    return [dict(r._mapping) for r in ctx.session.execute(select(table).order_by(table.c.id))]


def test_same_seed_and_day_give_the_same_rows_in_every_table(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        demo.create(ctx, 150, seed=5)
        later = ctx.now + timedelta(hours=3)  # the same day, a later hour
    with make_ctx() as ctx:
        first = {str(m.__tablename__): _rows(ctx, m) for m in TABLES}
    with make_ctx(now=later) as ctx:
        assert demo.create(ctx, 150, seed=5, force=True) == 150
    with make_ctx() as ctx:
        demo.create(ctx, 150, seed=6, force=True)
    with make_ctx() as ctx:
        rows = {str(m.__tablename__): _rows(ctx, m) for m in TABLES}
    # run 2 follows run 1 in every table: shift its keys back and compare (uuids are random)
    offset = {name: len(first[name]) for name in first}
    refs: dict[str, str | None] = {
        "id": None,
        "account_id": "account",
        "contact_id": "contact",
        "deal_id": "deal",
    }

    # a forced run on top keeps account names, domains and so e-mails unique: those differ
    renamed = {"account": {"name", "domain", "website"}, "contact": {"email"}}

    def norm(name: str, row: dict[str, Any], run: int) -> dict[str, Any]:
        out = {k: v for k, v in row.items() if k != "uuid" and k not in renamed.get(name, ())}
        for key in KEYS & set(row):
            if row[key] is not None:
                out[key] = row[key] - run * offset[refs[key] or name]
        return out

    for name, old in first.items():
        n = len(old)
        assert n > 0, name
        again = rows[name][n : 2 * n]
        assert [norm(name, r, 1) for r in again] == [norm(name, r, 0) for r in old], name
        other = rows[name][2 * n :]
        assert [norm(name, r, 2) for r in other[:n]] != [norm(name, r, 0) for r in old], name


@pytest.mark.parametrize("seed", [3, 11])
def test_win_rate_is_near_a_quarter_for_any_seed(make_ctx: MakeCtx, seed: int) -> None:
    with make_ctx() as ctx:
        demo.create(ctx, 500, seed=seed)
    with make_ctx() as ctx:
        (row,) = winrate.build(ctx, Filters()).rows
        by_source = {r.group: r for r in winrate.build(ctx, Filters(), "source").rows}
        deals = ctx.session.exec(sm_select(Deal)).all()
    assert 20 <= not_none(row.win_rate_pct) <= 30
    assert row.won + row.lost >= 300  # most deals of a year have closed
    assert set(by_source) == {"web", "referral", "event", "partner", "outbound"}
    amounts = sorted(not_none(d.amount_minor) for d in deals)
    assert all(a > 0 and a % 100 == 0 for a in amounts)  # whole currency units
    assert amounts[-1] > 5 * amounts[len(amounts) // 2]  # a long right tail (log-normal)
    closes = [not_none(d.expected_close) for d in deals]
    quarters = {(c.year, (c.month - 1) // 3) for c in closes}
    assert len(quarters) >= 5
    assert len({d.owner_id for d in deals}) == len(demo.OWNERS)


def test_accounts_contacts_and_deals_link_up(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        demo.create(ctx, 300, seed=2)
    with make_ctx() as ctx:
        accounts = {a.id: a for a in ctx.session.exec(sm_select(Account)).all()}
        contacts = {c.id: c for c in ctx.session.exec(sm_select(Contact)).all()}
        deals = ctx.session.exec(sm_select(Deal)).all()
    assert len(accounts) == 100 and len(contacts) >= len(accounts)
    assert len({a.domain for a in accounts.values()}) == len(accounts)
    assert all(a.industry and a.region and a.domain for a in accounts.values())
    for c in contacts.values():
        assert not_none(c.email).endswith("@" + not_none(accounts[not_none(c.account_id)].domain))
    for d in deals:
        acc = accounts[d.account_id]
        assert contacts[d.contact_id].account_id == acc.id
        name = re.sub(r"(股份|集团)?有限公司$", "", acc.name)
        assert d.title.split(" – ")[0] in name
    chinese = [c for c in contacts.values() if HAN.search(c.name)]
    assert 0.1 < len(chinese) / len(contacts) < 0.6
    assert any(HAN.search(a.name) for a in accounts.values())
    assert any(" – " in d.title and "seats" in d.title for d in deals)


def test_tasks_and_activities_follow_the_deals(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        demo.create(ctx, 400, seed=4)
    with make_ctx() as ctx:
        today = ctx.today
        deals = {d.id: d for d in ctx.session.exec(sm_select(Deal)).all()}
        tasks = ctx.session.exec(sm_select(Task)).all()
        acts = ctx.session.exec(sm_select(Activity)).all()
        report = slipped.build(ctx, Filters())
        now = ctx.now
    done = [t for t in tasks if t.done_at]
    todo = [t for t in tasks if not t.done_at]
    assert done and all(not_none(t.done_at) <= now for t in done)
    assert any(not_none(t.due_date) < today for t in todo)  # overdue
    sunday = today + timedelta(days=6 - today.weekday())
    assert any(today <= not_none(t.due_date) <= sunday for t in todo)  # due this week
    assert all(deals[t.deal_id].closed_at is None for t in todo)
    assert set(Counter(a.kind for a in acts)) == {"call", "email", "meeting", "note"}
    for a in acts:
        d = deals[a.deal_id]
        assert d.created_at <= a.at <= (d.closed_at or now)
        assert (a.account_id, a.contact_id, a.user_id) == (d.account_id, d.contact_id, d.owner_id)
    open_deals = [d for d in deals.values() if d.closed_at is None]
    assert any(not_none(d.expected_close) < today for d in open_deals)  # overdue deals
    assert report.deals > 0 and report.slips >= report.deals  # slipped deals, from history


def test_refused_on_a_database_with_records_unless_forced(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        ctx.session.add(Lead(name="Li Wei", currency="USD", created_at=ctx.now,
                             updated_at=ctx.now))  # fmt: skip
    with make_ctx() as ctx, pytest.raises(Conflict, match="1 leads already"):
        demo.create(ctx, 10)
    with make_ctx() as ctx:
        assert demo.create(ctx, 300, force=True) == 300
        assert ctx.notices == [ctx.notices[0]] and "100 accounts" in ctx.notices[0]
    with (
        make_ctx() as ctx,
        pytest.raises(Conflict, match=r"300 deals, 100 accounts, \d+ contacts, 1 leads"),
    ):
        demo.create(ctx, 10)
    with make_ctx() as ctx, pytest.raises(Invalid, match="deals: 0"):
        demo.create(ctx, 0, force=True)
    with make_ctx() as ctx:
        deals = ctx.session.exec(sm_select(Deal)).all()
        assert funnel.build(ctx, Filters()).cohort == 300
        (row,) = winrate.build(ctx, Filters()).rows
    assert row.won == sum(1 for d in deals if d.probability == 100 and d.closed_at)
    assert row.won + row.lost == sum(1 for d in deals if d.closed_at)


def test_history_agrees_with_the_deals_table(make_ctx: MakeCtx) -> None:
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
        deals = ctx.session.exec(sm_select(Deal)).all()
        history = ctx.session.exec(sm_select(StageChange).order_by(col(StageChange.id))).all()
        now = ctx.now
    table = {
        d.id: (d.stage_id, d.stage_entered_at, d.amount_minor, d.expected_close, d.probability)
        for d in deals
    }
    assert {r[0]: tuple(r[1:]) for r in rows} == table
    by_deal: dict[int, list[StageChange]] = {}
    for h in history:
        by_deal.setdefault(h.deal_id, []).append(h)
    for d in deals:
        steps = by_deal[id_of(d)]
        assert steps[0].change == "create" and steps[0].at == d.created_at
        assert [s.at for s in steps] == sorted(s.at for s in steps)  # ids follow time
        assert all(d.created_at <= s.at <= (d.closed_at or now) for s in steps)
        if d.closed_at:
            assert steps[-1].change in ("win", "lose") and steps[-1].at == d.closed_at
        assert all(s.from_stage_id == s.to_stage_id for s in steps if s.change == "close_date")
    kinds = Counter(h.change for h in history)
    assert {"create", "move", "win", "lose", "close_date"} <= set(kinds)


def test_account_names_are_unique_and_history_is_by_the_deal_owner(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        demo.create(ctx, 3000, seed=3)  # about 1,000 accounts: brand names repeat
        names = [a.name.lower() for a in ctx.session.exec(sm_select(Account)).all()]
        assert len(names) > 900 and len(set(names)) == len(names)
        rows = ctx.session.execute(
            select(StageChange.user_id, Deal.owner_id).join(Deal, Deal.id == StageChange.deal_id)  # type: ignore[call-overload]
        ).all()
        assert rows and all(by == owner for by, owner in rows)


def test_forced_demo_data_keeps_names_and_emails_unique(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        demo.create(ctx, 600, seed=1)
        demo.create(ctx, 600, seed=1, force=True)  # the same draws again, on top
        accounts = ctx.session.exec(sm_select(Account)).all()
        emails = [c.email for c in ctx.session.exec(sm_select(Contact)).all() if c.email]
    assert len({a.name.lower() for a in accounts}) == len(accounts)
    assert len({a.domain for a in accounts}) == len(accounts)
    assert len(set(emails)) == len(emails)
