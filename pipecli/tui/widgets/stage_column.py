"""One stage of the board: a header with the stage's totals over a virtualised list of cards.

The card list is a ScrollView drawn with the Line API: `render_line` builds only the lines on
screen from the column's tuple of `Card`s, so a stage with 100,000 deals costs what a stage with
ten does (Textual slows down with hundreds of compound widgets; a widget per card would not do).
The list is as tall as the column's count, but holds only the cards loaded so far (pages of
`board.PAGE`): drawing a card near the end of those posts `CardList.NeedMore`, and the screen
loads the next page; until it lands those lines show `…`.
Marks read without colour too: `!` before the title of a deal past its expected close, `~` for
one rotting in its stage, `✓ won DAY`/`✗ lost DAY` on a closed deal (the day it closed), and
`▌` down the left of the selected card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from pipecli.core.services.board import Card, Column
from pipecli.tui import rows

CARD_LINES = 5  # four lines of text and a gap

TITLE = Style(bold=True)
DIM = Style(dim=True)
LATE = Style(color="red", bold=True)
ROT = Style(color="yellow")
BAR = Style(color="cyan", bold=True)
SELECTED = Style(bgcolor="grey23")
WON = Style(color="green", bold=True)
LOST = Style(color="red")
PREFETCH = 10  # cards from the end of those loaded at which the next page is asked for


def fit(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` cells, double-width characters counted as two,
    with `…` where it was cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


def card_lines(card: Card, outcome: str = "open") -> list[list[tuple[str, Style]]]:
    """The four text lines of a card as (text, style) runs, before fitting to `width`: an open
    card's last lines show its expected close and days in stage, a closed card's the day it
    closed (marked `✓ won`/`✗ lost`, so it reads as closed without colour)."""
    marks = ("!" if card.overdue else "") + ("~" if card.rotting else "")
    title = [(marks + " ", LATE if card.overdue else ROT)] if marks else []
    head = [[*title, (rows.text(card.title), TITLE)], [(rows.text(card.account) or "—", DIM)]]
    if outcome != "open":
        mark, style = ("✓ won", WON) if outcome == "won" else ("✗ lost", LOST)
        day = rows.text(card.closed) if card.closed else "?"
        return [
            *head,
            [(rows.amount(card.amount, card.currency), Style())],
            [(f"{mark} {day}", style), ("  " + rows.text(card.owner), DIM)],
        ]
    close = rows.text(card.close) if card.close else "no close"
    days = f"{card.days_in_stage}d"
    return [
        *head,
        [
            (rows.amount(card.amount, card.currency) + "  ", Style()),
            (close, LATE if card.overdue else DIM),
        ],
        [
            (rows.text(card.owner) + "  ", DIM),
            (days + ("~" if card.rotting else ""), ROT if card.rotting else DIM),
        ],
    ]


def strip_of(runs: list[tuple[str, Style]], width: int, base: Style) -> Strip:
    segments, used = [], 0
    for text, style in runs:
        room = width - used
        if room <= 0:
            break
        part = text if cell_len(text) <= room else fit(text, room)
        segments.append(Segment(part, base + style))
        used += cell_len(part)
    if used < width:
        segments.append(Segment(" " * (width - used), base))
    return Strip(segments, width)


class CardList(ScrollView, can_focus=False):
    """The cards of one stage, drawn line by line; see the module docstring."""

    DEFAULT_CSS = """
    CardList { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    @dataclass
    class Clicked(Message):
        column: int
        card: int
        open: bool

    @dataclass
    class NeedMore(Message):
        """Cards from `offset` on are about to show: load the next page."""

        column: int
        offset: int

    def __init__(self, index: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.index = index
        self.cards: tuple[Card, ...] = ()
        self.total = 0  # cards in the column, loaded or not
        self.outcome = "open"
        self.selected: int | None = None
        self._asked = False
        self._runs: dict[int, list[list[tuple[str, Style]]]] = {}  # card index -> its lines
        self._blank: Strip | None = None

    def set_cards(self, cards: tuple[Card, ...], total: int, outcome: str) -> None:
        self.cards, self.total, self.outcome = cards, max(total, len(cards)), outcome
        self._asked = False
        self._runs.clear()
        self.virtual_size = Size(self.size.width, self.total * CARD_LINES)
        self.refresh()

    def select(self, index: int | None) -> None:
        self.selected = index
        if index is not None:
            region = Region(0, index * CARD_LINES, 1, CARD_LINES - 1)
            self.scroll_to_region(region, animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        i, part = divmod(self.scroll_offset.y + y, CARD_LINES)
        loaded = len(self.cards)
        if not self._asked and loaded < self.total and i >= loaded - PREFETCH:
            self._asked = True
            self.post_message(self.NeedMore(self.index, loaded))
        if i >= self.total or part == CARD_LINES - 1:
            blank = self._blank
            if blank is None or blank.cell_length != width:
                blank = self._blank = Strip.blank(width, self.rich_style)
            return blank
        if i >= loaded:
            return strip_of([(" …" if part == 0 else "", DIM)], width, Style())
        runs = self._runs.get(i)
        if runs is None:  # a card's four lines are made once, not once per line drawn
            runs = self._runs[i] = card_lines(self.cards[i], self.outcome)
        chosen = i == self.selected
        base = SELECTED if chosen else Style()
        lead = Segment("▌" if chosen else " ", base + BAR)
        return Strip([lead, *strip_of(runs[part], width - 1, base)], width)

    def notify_style_update(self) -> None:
        self._blank = None  # the background comes from the styles (a theme change)
        super().notify_style_update()

    def on_click(self, event: Click) -> None:
        i = (self.scroll_offset.y + event.y) // CARD_LINES
        if 0 <= i < len(self.cards):
            self.post_message(self.Clicked(self.index, i, event.chain >= 2))


def header_text(col: Column, currency: str, width: int) -> str:
    """Name and count, then the total and the weighted total in the report currency; per
    currency (never mixed) when a rate is missing."""
    lines = [fit(f"{rows.text(col.name)} ({col.count})", width)]
    if col.total is not None:
        lines.append(fit(rows.amount(col.total, currency), width))
        if col.outcome == "open":
            lines.append(fit("w " + rows.amount(col.weighted, currency), width))
    else:
        lines.append(fit(f"no rate {col.missing_rate}", width))
        lines.extend(fit(rows.amount(m.total, m.currency), width) for m in col.by_currency[:2])
        if len(col.by_currency) > 2:
            lines.append(fit(f"+{len(col.by_currency) - 2} currencies", width))
    return "\n".join(lines)


class StageColumn(Vertical):
    """A stage's header and its card list; won and lost columns are narrow."""

    DEFAULT_CSS = """
    StageColumn { width: 30; height: 1fr; border-right: vkey $panel; }
    StageColumn.closed { width: 20; }
    StageColumn > .header { height: 4; padding: 0 1; background: $panel; }
    StageColumn.active > .header { background: $accent 40%; text-style: bold; }
    """

    def __init__(self, index: int, column: Column, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.index = index
        self.column = column
        if column.outcome != "open":
            self.add_class("closed")

    def compose(self) -> ComposeResult:
        yield Static("", classes="header", markup=False)
        yield CardList(self.index)

    @property
    def cards(self) -> CardList:
        return self.query_one(CardList)

    def show(self, column: Column, currency: str, today: date) -> None:
        del today
        self.column = column
        width = 18 if column.outcome != "open" else 28
        self.query_one(".header", Static).update(header_text(column, currency, width))
        self.cards.set_cards(column.cards, column.count, column.outcome)
