"""Optimistic concurrency (issue 12, rule 2), on SQLite and PostgreSQL: a write from a stale read is
refused as a Conflict (exit 4) naming the record, who changed it and when, and nothing of the
refused unit is saved; writes that bypass the ORM make earlier reads stale too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import func, select

from pipecli.core.config import load_settings
from pipecli.core.errors import EXIT_CONFLICT, Conflict
from pipecli.core.models import Deal, StageChange
from pipecli.core.services import deals, users
from pipecli.core.workspace import Workspace
from tests.conftest import NOW, not_none


@pytest.fixture
def ws(db_url: str) -> Iterator[Workspace]:
    with Workspace.open(load_settings(db_url)) as opened:
        yield opened


def _as(ws: Workspace, name: str) -> Workspace:
    """The same store, acting as another user (another rep on another machine)."""
    return Workspace(ws.store, replace(ws.settings, user_name=name))


def _new_deal(ws: Workspace) -> tuple[int, int]:
    with ws.unit(NOW) as ctx:
        deal = deals.create(ctx, deals.DealInput(title="Acme renewal", amount="1000"))
    return not_none(deal.id), deal.version


def _history(ws: Workspace, deal_id: int) -> int:
    with ws.unit(NOW, write=False) as ctx:
        q = select(func.count()).select_from(StageChange).where(StageChange.deal_id == deal_id)
        return int(ctx.session.exec(q).one())


def test_every_change_bumps_the_version_and_names_who(ws: Workspace) -> None:
    deal_id, v1 = _new_deal(ws)
    assert v1 == 1
    with _as(ws, "Bo Chen").unit(NOW + timedelta(minutes=5)) as ctx:
        deals.edit(ctx, deal_id, deals.DealChanges(title="Acme renewal 2027"))
    with ws.unit(NOW, write=False) as ctx:
        deal = not_none(ctx.session.get(Deal, deal_id))
        assert (deal.version, deal.updated_by) == (2, "Bo Chen")


def test_a_stale_card_is_refused_naming_who_changed_it_and_when(ws: Workspace) -> None:
    """The board read the card at version 1; Bo changed the deal since; the board's move is
    refused with who and when, and nothing of it is saved."""
    deal_id, seen = _new_deal(ws)
    later = NOW + timedelta(minutes=7)
    with _as(ws, "Bo Chen").unit(later) as ctx:
        deals.edit(ctx, deal_id, deals.DealChanges(amount="2500"))
    rows = _history(ws, deal_id)
    with pytest.raises(Conflict) as refused, ws.unit(NOW + timedelta(minutes=9)) as ctx:
        deals.move(ctx, deal_id, "proposal", expected_version=seen)
    message = str(refused.value)
    assert refused.value.exit_code == EXIT_CONFLICT == 4
    assert message.startswith(f"deal {deal_id} was changed by Bo Chen at 2026-11-23 10:07:00 UTC")
    assert "nothing was saved" in message
    assert _history(ws, deal_id) == rows
    with ws.unit(NOW) as ctx:
        deal = not_none(ctx.session.get(Deal, deal_id))
        assert (deal.stage_id, deal.amount_minor, deal.version) == (1, 250000, 2)
        # with the version it has now, the same move goes through
        deals.move(ctx, deal_id, "proposal", expected_version=2)
    with ws.unit(NOW, write=False) as ctx:
        assert not_none(ctx.session.get(Deal, deal_id)).version == 3


@pytest.mark.parametrize("verb", ["edit", "win", "lose", "reopen"])
def test_every_board_write_checks_the_version(ws: Workspace, verb: str) -> None:
    deal_id, seen = _new_deal(ws)
    if verb == "reopen":
        with ws.unit(NOW) as ctx:
            deals.win(ctx, deal_id)
        seen += 1
    with _as(ws, "Bo Chen").unit(NOW) as ctx:
        deals.edit(ctx, deal_id, deals.DealChanges(notes="called"))
    refused = pytest.raises(Conflict, match=f"deal {deal_id} was changed by Bo Chen")
    with refused, ws.unit(NOW) as ctx:
        if verb == "edit":
            deals.edit(ctx, deal_id, deals.DealChanges(title="x"), expected_version=seen)
        elif verb == "win":
            deals.win(ctx, deal_id, expected_version=seen)
        elif verb == "lose":
            deals.lose(ctx, deal_id, "price", expected_version=seen)
        else:
            deals.reopen(ctx, deal_id, expected_version=seen)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_concurrent_read_modify_write_never_loses_an_update(ws: Workspace) -> None:
    """Two units read the same deal; the second to write is refused by the version check (the
    ORM's `WHERE version = :read`), not silently written over the first."""
    deal_id, _ = _new_deal(ws)
    with pytest.raises(Conflict) as refused, ws.unit(NOW) as mine:
        deal = not_none(mine.session.get(Deal, deal_id))  # read, no lock taken
        with _as(ws, "Bo Chen").unit(NOW + timedelta(minutes=1)) as theirs:
            deals.edit(theirs, deal_id, deals.DealChanges(amount="3000"))
        deal.title = "mine"  # written from the stale read when the unit ends
        mine.session.add(deal)
    assert str(refused.value).startswith(f"deal {deal_id} was changed by Bo Chen at 2026-11-23")
    with ws.unit(NOW, write=False) as ctx:
        stored = not_none(ctx.session.get(Deal, deal_id))
        assert (stored.title, stored.amount_minor, stored.version) == ("Acme renewal", 300000, 2)


def test_writes_that_bypass_the_orm_bump_the_version(ws: Workspace) -> None:
    """users.remove reassigns open deals with one Core UPDATE: a card read before is stale."""
    with _as(ws, "Bo Chen").unit(NOW) as ctx:
        users.add(ctx, "Cy Diaz")
        deal = deals.create(ctx, deals.DealInput(title="Globex", owner="Cy Diaz"))
    deal_id, seen = not_none(deal.id), deal.version
    with ws.unit(NOW) as ctx:
        users.remove(ctx, "Cy Diaz", reassign_to="Bo Chen")
    with pytest.raises(Conflict, match=f"deal {deal_id} was changed"), ws.unit(NOW) as ctx:
        deals.move(ctx, deal_id, "proposal", expected_version=seen)
    with ws.unit(NOW, write=False) as ctx:
        assert not_none(ctx.session.get(Deal, deal_id)).version == seen + 1
