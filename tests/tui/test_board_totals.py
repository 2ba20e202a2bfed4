"""The board's column figures are the CLI's: counts as `pipe list deals --stage` counts, and
the open columns' totals and weighted totals add up to `pipe report forecast`'s (the seeded deals
all close inside the forecast's periods or are overdue); the EUR deal is converted at the
stored rate; a missing rate gives per-currency totals, never a mix."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.conftest import NOW


def load_board(db_url: str) -> Any:
    from pipecli.core.config import load_settings
    from pipecli.core.services import board
    from pipecli.core.workspace import Workspace

    with Workspace.open(load_settings(db_url)) as ws, ws.unit(NOW) as ctx:
        return board.load(ctx)


def test_columns_equal_list_and_forecast(seeded: str, pipe: Callable[..., Any]) -> None:
    data = load_board(seeded)
    for col in data.columns:
        listed = pipe("list", "deals", "--stage", col.name, "--limit", "0", "--json").json
        assert col.count == len(listed), col.name
        assert sorted(c.id for c in col.cards) == sorted(d["id"] for d in listed)
    rows = pipe("report", "forecast", "--json").json["rows"]
    opens = [c for c in data.columns if c.outcome == "open"]
    assert sum(Decimal(r["open_total"]) for r in rows) == sum(c.total for c in opens)
    assert sum(Decimal(r["weighted"]) for r in rows) == sum(c.weighted for c in opens)
    proposal = next(c for c in data.columns if c.name == "Proposal")
    assert (proposal.total, proposal.weighted) == (Decimal("5500.00"), Decimal("2750.00"))


def test_missing_rate_keeps_currencies_apart(db_url: str, pipe: Callable[..., Any]) -> None:
    for args in (("add", "deal", "A", "--amount", "100"), ("add", "deal", "B", "--amount", "€50")):
        assert pipe(*args).exit_code == 0
    first = load_board(db_url).columns[0]
    assert first.total is None and first.missing_rate == "EUR/USD"
    assert [(m.currency, m.total) for m in first.by_currency] == [
        ("EUR", Decimal("50.00")), ("USD", Decimal("100.00")),
    ]  # fmt: skip
    assert pipe("report", "forecast").exit_code == 3  # the report refuses the same mix
