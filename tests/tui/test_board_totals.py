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


def test_columns_page_in_sql_with_the_full_counts_and_totals(
    seeded: str, pipe: Callable[..., Any]
) -> None:
    """With one card a page, every column still has its full count and totals; the pages that
    follow continue the column's order, and a reload keeps as many cards as were shown."""
    from pipecli.core.config import load_settings
    from pipecli.core.services import board
    from pipecli.core.workspace import Workspace

    for title in ("Zeta", "Eta", "Theta"):
        assert pipe("add", "deal", title, "--amount", "100", "--close", "2026-12-01").exit_code == 0
    for title in ("Undated", "Undated too"):  # no expected close: last, by id
        assert pipe("add", "deal", title, "--amount", "5").exit_code == 0
    full = load_board(seeded)
    with Workspace.open(load_settings(seeded)) as ws, ws.unit(NOW) as ctx:
        paged = board.load(ctx, page_size=1)
        kept = board.load(ctx, page_size=1, shown={c.stage_id: 3 for c in full.columns})
        for whole, first, more in zip(full.columns, paged.columns, kept.columns, strict=True):
            assert (first.count, first.total, first.weighted) == (
                whole.count, whole.total, whole.weighted,
            )  # fmt: skip
            assert first.cards == whole.cards[:1]
            assert more.cards == whole.cards[:3]
            for size in (2, 3):  # pages that end on, and run across, the undated cards
                pages = list(first.cards)
                while len(pages) < first.count:
                    pages.extend(board.page(ctx, first.stage_id, offset=len(pages), size=size))
                assert pages == list(whole.cards)
    prospecting = full.columns[0]
    assert prospecting.count == 7 and prospecting.complete
    assert [c.title for c in prospecting.cards][-2:] == ["Undated", "Undated too"]
    assert [c.close is None for c in prospecting.cards].count(True) == 2


def test_a_move_into_a_partly_loaded_column_keeps_its_order(seeded: str) -> None:
    from pipecli.core.config import load_settings
    from pipecli.core.services import board
    from pipecli.core.workspace import Workspace

    with Workspace.open(load_settings(seeded)) as ws, ws.unit(NOW) as ctx:
        data = board.load(ctx, page_size=1)
    prospecting, qualification = data.columns[0], data.columns[1]
    assert [c.id for c in prospecting.cards] == [2] and not prospecting.complete
    moved = board.with_card_moved(data, 3, prospecting.stage_id)  # Globex closes 2026-11-01
    assert [c.id for c in moved.columns[0].cards] == [3, 2]
    assert (moved.columns[0].count, moved.columns[1].count) == (3, qualification.count - 1)
    later = board.with_card_moved(moved, 2, qualification.stage_id)
    back = board.with_card_moved(later, 2, prospecting.stage_id)  # after the loaded ones: later
    assert [c.id for c in back.columns[0].cards] == [3] and back.columns[0].count == 3


def test_closed_cards_carry_the_day_they_closed(seeded: str, pipe: Callable[..., Any]) -> None:
    assert pipe("win", "2", now="2026-11-20T09:00:00+00:00").exit_code == 0
    assert pipe("lose", "3", "--reason", "price").exit_code == 0
    from datetime import date

    from pipecli.tui.widgets.stage_column import card_lines

    data = load_board(seeded)
    won = next(c for c in data.columns if c.outcome == "won")
    lost = next(c for c in data.columns if c.outcome == "lost")
    assert [(c.id, c.closed) for c in won.cards] == [(2, date(2026, 11, 20))]
    assert [(c.id, c.closed) for c in lost.cards] == [(3, NOW.date())]
    lines = ["".join(t for t, _ in line) for line in card_lines(won.cards[0], "won")]
    assert lines[3].startswith("✓ won 2026-11-20") and "2026-11-30" not in "".join(lines)
    lines = ["".join(t for t, _ in line) for line in card_lines(lost.cards[0], "lost")]
    assert lines[3].startswith("✗ lost 2026-11-23")
    opened = next(c for c in data.columns if c.outcome == "open" and c.cards).cards[0]
    assert opened.closed is None
