"""An import checks its file without the write lock, so another writer may add records between
the check and the write: what the import would have created (an account, an owner) is then
used instead of being made twice, ids taken meanwhile are not reused, and a new row matching a
record added meanwhile refuses the whole file (nothing kept)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pipecli.core import db, imports
from pipecli.core.config import load_settings
from pipecli.core.errors import Conflict
from pipecli.core.services.context import Ctx, ensure_user
from tests.conftest import NOW

FILE = (
    "id,title,account,owner,amount,stage\n"
    "D-1,One,Acme,Rep New,100,Proposal\n"
    "D-2,Two,acme,Rep New,200,won\n"
    "D-3,Three,Beta,,300,\n"
)


def _unit(store: Any) -> Callable[..., Any]:
    @contextmanager
    def open_unit(write: bool = True) -> Iterator[Ctx]:
        with store.session(write) as session:
            yield Ctx(session=session, settings=load_settings(store.url), now=NOW)

    return open_unit


@pytest.fixture
def unit(store: Any) -> Callable[..., Any]:
    return _unit(store)


@pytest.fixture(params=["same store", "another process"])
def other(request: pytest.FixtureRequest, store: Any) -> Iterator[Callable[..., Any]]:
    """The other writer's units: through the import's own store (connection pool), or through
    a store of its own, as another process would."""
    if request.param == "same store":
        yield _unit(store)
        return
    from pipecli.core.db import open_store

    own = open_store(store.url, NOW)
    yield _unit(own)
    own.dispose()


def _meanwhile(monkeypatch: pytest.MonkeyPatch, act: Callable[[], None]) -> None:
    """Run `act` (another writer's unit) between the next import's check and its write."""
    real = db.begin_write

    def begin_write(session: Any) -> None:
        monkeypatch.setattr(db, "begin_write", real)  # once: `act` may import too
        act()
        real(session)

    monkeypatch.setattr(db, "begin_write", begin_write)


def _csv(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_records_added_meanwhile_are_used_not_duplicated(
    unit: Any, other: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit() as ctx:
        imports.import_file(ctx, _csv(tmp_path, "a.csv", "title\nFirst\n"), imports.Options("deal"))

    def other_writer() -> None:
        with other() as ctx:
            imports.import_file(
                ctx, _csv(tmp_path, "b.csv", "name\nACME\n"), imports.Options("account")
            )
            imports.import_file(
                ctx, _csv(tmp_path, "c.csv", "title\nOther\n"), imports.Options("deal")
            )
            ensure_user(ctx, "Rep New")

    _meanwhile(monkeypatch, other_writer)
    with unit(False) as ctx:
        result = imports.import_file(
            ctx, _csv(tmp_path, "d.csv", FILE), imports.Options("deal", create_owners=True)
        )
    assert result.count("deal").created == 3
    assert result.count("account").created == 1  # Beta; Acme was added meanwhile
    with unit() as ctx:
        q = ctx.session.connection().execute
        accounts = q(text("SELECT name, id FROM account ORDER BY id")).all()
        assert [a[0] for a in accounts] == ["ACME", "Beta"]
        users = q(text("SELECT id FROM \"user\" WHERE lower(name) = 'rep new'")).all()
        assert len(users) == 1
        deals = {
            r.title: r
            for r in q(
                text(
                    "SELECT d.id, d.title, d.account_id, d.owner_id, s.name AS stage "
                    "FROM deal d JOIN stage s ON s.id = d.stage_id"
                )
            )
        }
        assert sorted(deals) == ["First", "One", "Other", "Three", "Two"]
        assert len({d.id for d in deals.values()}) == 5
        assert deals["One"].account_id == deals["Two"].account_id == accounts[0][1]
        assert deals["Three"].account_id == accounts[1][1]
        assert deals["One"].owner_id == deals["Two"].owner_id == users[0][0]
        assert deals["Two"].stage.lower() == "won"
        history = q(text("SELECT deal_id, change FROM stagechange ORDER BY id")).all()
        by_deal: dict[int, list[str]] = {}
        for deal_id, change in history:
            by_deal.setdefault(deal_id, []).append(change)
        assert by_deal[deals["One"].id] == ["create"]
        assert by_deal[deals["Two"].id] == ["create", "win"]
        assert by_deal[deals["Other"].id] == ["create"]
        assert set(by_deal) == {d.id for d in deals.values()}


def test_a_matching_record_added_meanwhile_refuses_the_file(
    unit: Any, other: Any, snapshot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def other_writer() -> None:
        with other() as ctx:
            body = "id,title\nD-2,Added meanwhile\n"
            imports.import_file(ctx, _csv(tmp_path, "b.csv", body), imports.Options("deal"))

    _meanwhile(monkeypatch, other_writer)
    before: dict[str, Any] = {}
    with pytest.raises(Conflict, match="added by someone else"), unit(False) as ctx:
        before.update(snapshot())
        imports.import_file(
            ctx, _csv(tmp_path, "d.csv", FILE), imports.Options("deal", create_owners=True)
        )
    after = snapshot()
    assert after["account"] == before["account"]  # the file's were not made
    assert len(after["stagechange"]) == len(before["stagechange"]) + 1  # the other's deal
    with unit() as ctx:
        titles = ctx.session.connection().execute(text("SELECT title FROM deal")).scalars().all()
    assert titles == ["Added meanwhile"]
