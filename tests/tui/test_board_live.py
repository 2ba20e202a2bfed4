"""What another connection writes reaches an open board without a key press (`board.version`
polled each second): a renamed account changes the card's text, a tag added to a deal brings it
into a board filtered by that tag. The writer is a second Workspace on the same store, at a later
moment, as another terminal or a cron job would be."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.conftest import NOW
from tests.tui.conftest import settle, until


def write(db_url: str, action: Callable[[Any], Any]) -> None:
    from pipecli.core.config import load_settings
    from pipecli.core.workspace import Workspace

    with Workspace.open(load_settings(db_url)) as ws, ws.unit(NOW + timedelta(minutes=1)) as ctx:
        action(ctx)


def card_text(app: Any, deal_id: int) -> str:
    """The text the board's column widgets draw for `deal_id` (every line of its card)."""
    from pipecli.tui.widgets.stage_column import CardList, card_lines

    for cards in app.screen.query(CardList):
        for card in cards.cards:
            if card.id == deal_id:
                lines = card_lines(card, cards.outcome)
                return "\n".join("".join(text for text, _ in line) for line in lines)
    return ""


async def shown_within(pilot: Any, seconds: float, check: Callable[[], bool]) -> bool:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        await pilot.pause(0.1)
        if check():
            return True
    return False


def test_account_renamed_elsewhere_shows_on_the_card(
    make_app: Callable[..., Any], seeded: str
) -> None:
    from pipecli.core.services import accounts

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert "Acme Ltd" in card_text(app, 1)
            write(
                seeded, lambda ctx: accounts.edit(ctx, 1, accounts.AccountChanges(name="Acme Co"))
            )
            ok = await shown_within(pilot, 3, lambda: "Acme Co" in card_text(app, 1))
            assert ok, card_text(app, 1)
            assert "Acme Ltd" not in card_text(app, 1)

    asyncio.run(go())


def test_deal_tagged_elsewhere_joins_a_board_filtered_by_the_tag(
    make_app: Callable[..., Any], seeded: str
) -> None:
    from pipecli.core.services import common

    def ids(app: Any) -> list[int]:
        return sorted(c.id for col in app.screen.data.columns for c in col.cards)

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await pilot.pause()
            await pilot.press(*"--tag hot", "enter")
            await settle(pilot)
            assert ids(app) == []
            write(seeded, lambda ctx: common.set_tags(ctx, "deal", 3, ["hot"]))
            assert await shown_within(pilot, 3, lambda: ids(app) == [3]), ids(app)
            # a tag moved from one deal to another: same count of links, still seen
            write(seeded, lambda ctx: common.set_tags(ctx, "deal", 3, [], ["hot"]))
            write(seeded, lambda ctx: common.set_tags(ctx, "deal", 4, ["hot"]))
            assert await shown_within(pilot, 3, lambda: ids(app) == [4]), ids(app)

    asyncio.run(go())


def test_a_column_loads_its_next_page_as_it_shows(
    make_app: Callable[..., Any], monkeypatch: Any
) -> None:
    """One card a page: the first load reads one card per column, the column asks for the next
    page as soon as its end shows, and the cursor then reaches the card that page brought."""
    from pipecli.core.services import board
    from pipecli.tui.screens.board import BoardScreen

    monkeypatch.setattr(BoardScreen, "page_size", 1)
    pages: list[tuple[int, int]] = []
    page = board.page

    def counted(ctx: Any, stage_id: int, flt: Any = None, offset: int = 0, size: int = 1) -> Any:
        pages.append((offset, size))
        return page(ctx, stage_id, flt, offset, size)

    monkeypatch.setattr(board, "page", counted)

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            first = app.screen.data.columns[0]
            assert first.count == 2
            assert await until(pilot, lambda: len(app.screen.data.columns[0].cards) == 2)
            assert (1, 1) in pages
            await pilot.press("j")
            await settle(pilot)
            assert app.screen.current().id == 1  # Acme, the second card, from the second page

    asyncio.run(go())
