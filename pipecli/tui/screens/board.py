"""The board: one column per stage of a pipeline, a cursor on a card, and the day's verbs.

State lives here (the loaded `Board`, the cursor as column and deal id, the filter); data comes
from `core.services.board` in a worker and every change goes through the app's `db` worker and
the core services (`deals.move/win/lose/create`, `tasks.create`), each pushing its undo.
Another process's changes show within a poll: `board.version` is one cheap aggregate query per
second, and only a different answer reloads the board. Columns load a page of cards at a time;
a reload keeps as many per column as were loaded, and a column scrolled near the end of its
loaded cards asks for the next page (`CardList.NeedMore`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import HorizontalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from pipecli.core.services import board
from pipecli.core.services.listing import Filter
from pipecli.tui import keys, rows
from pipecli.tui.app import PipeApp, Undo
from pipecli.tui.widgets.stage_column import CardList, StageColumn

# the verbs' services and forms are imported when a verb is first used, not before the first
# paint (start-up is measured in bench/bench_board.py)

if TYPE_CHECKING:
    from pipecli.core.services.context import Ctx


def quoted(value: str) -> str:
    import shlex

    return shlex.quote(value)


class BoardScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings())
    page_size: ClassVar[int] = board.PAGE  # cards a column loads at a time
    DEFAULT_CSS = """
    BoardScreen #bar { height: 1; background: $primary-background; padding: 0 1; }
    BoardScreen #columns { height: 1fr; }
    """

    def __init__(self, pipeline: str | None = None, owner: str | None = None) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.flt = Filter(limit=None, owner=owner)
        self.filter_text = f"--owner {quoted(owner)}" if owner else ""
        self.data: board.Board | None = None
        self.version: tuple[Any, ...] | None = None
        self.col = 0
        self.deal_id: int | None = None  # the card under the cursor, kept across reloads
        self.rows_at: dict[int, int] = {}  # column -> card index last selected there
        self._polling = False
        self._shown_col = 0
        self.loads = 0  # times the board was drawn from data (for tests and the benchmark)
        self.reloads = 0  # times that data came from the store
        self.ready = False  # the first load has been shown

    @property
    def pipe_app(self) -> PipeApp:
        app = self.app
        assert isinstance(app, PipeApp)
        return app

    def compose(self) -> ComposeResult:
        yield Static("loading…", id="bar", markup=False)
        yield HorizontalScroll(id="columns")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(self.pipe_app.poll_seconds, self.poll)

    # loading -------------------------------------------------------------------------------

    def reload(self, previous: Filter | None = None) -> None:
        pipeline, flt, data, size = self.pipeline, self.flt, self.data, self.page_size
        same = data is not None and data.pipeline == pipeline and previous is None
        shown = {c.stage_id: len(c.cards) for c in data.columns} if data and same else None

        def load(ctx: Ctx) -> tuple[board.Board, tuple[Any, ...]]:
            return board.load(ctx, pipeline, flt, shown, size), board.version(ctx)

        def failed() -> None:
            if previous is not None:
                self.flt = previous

        self.pipe_app.db(load, then=self.show_board, failed=failed)

    def poll(self) -> None:
        if self._polling:
            return
        self._polling = True

        def seen(version: tuple[Any, ...]) -> None:
            self._polling = False
            if version != self.version:
                self.reload()

        def failed() -> None:
            self._polling = False

        self.pipe_app.db(board.version, then=seen, failed=failed)

    @on(CardList.NeedMore)
    def _more(self, event: CardList.NeedMore) -> None:
        data, flt = self.data, self.flt
        if data is None or event.column >= len(data.columns):
            return
        stage_id, offset, size = data.columns[event.column].stage_id, event.offset, self.page_size

        def landed(cards: tuple[board.Card, ...]) -> None:
            now = self.data
            if now is None or event.column >= len(now.columns):
                return
            column = now.columns[event.column]
            if column.stage_id != stage_id or len(column.cards) != offset or self.flt != flt:
                return  # reloaded meanwhile: the reload brought its own cards
            seen = {c.id for c in column.cards}
            column = replace(
                column, cards=column.cards + tuple(c for c in cards if c.id not in seen)
            )
            columns = (*now.columns[: event.column], column, *now.columns[event.column + 1 :])
            self.data = replace(now, columns=columns)
            for widget in self.query(StageColumn):
                if widget.index == event.column:
                    widget.show(column, now.currency, now.today)

        self.pipe_app.db(lambda ctx: board.page(ctx, stage_id, flt, offset, size), then=landed)

    def show_board(self, result: tuple[board.Board, tuple[Any, ...]]) -> None:
        data, self.version = result
        self.reloads += 1
        old = self.data
        self.data = data
        self.pipeline = data.pipeline
        holder = self.query_one("#columns", HorizontalScroll)
        same = old is not None and [c.stage_id for c in old.columns] == [
            c.stage_id for c in data.columns
        ]
        if not same:  # new columns: filled once mounted, so the first paint shows the cards
            removing = holder.remove_children()
            mounting = holder.mount_all(StageColumn(i, c) for i, c in enumerate(data.columns))

            async def mounted() -> None:
                await removing
                await mounting
                self._fill()

            self.call_next(mounted)
        else:
            self._fill()

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        for widget in self.query(StageColumn):
            widget.show(data.columns[widget.index], data.currency, data.today)
        self._place_cursor()
        self._show_bar()
        self.loads += 1
        self.ready = True

    def _show_bar(self) -> None:
        data = self.data
        assert data is not None
        shown = sum(c.count for c in data.columns if c.outcome == "open")
        parts = [f"pipeline {rows.text(data.pipeline)}", f"{shown} open deals",
                 f"totals in {data.currency}"]  # fmt: skip
        if self.filter_text:
            parts.append(f"filter: {rows.text(self.filter_text)}")
        if self.pipe_app.undo_stack:
            parts.append(f"u: {self.pipe_app.undo_stack[-1].label}")
        self.query_one("#bar", Static).update("  ·  ".join(parts))

    # the cursor ----------------------------------------------------------------------------

    def _place_cursor(self) -> None:
        data = self.data
        assert data is not None
        if self.deal_id is not None:
            for i, column in enumerate(data.columns):
                for j, card in enumerate(column.cards):
                    if card.id == self.deal_id:
                        self.col, self.rows_at[i] = i, j
        self.col = max(0, min(self.col, len(data.columns) - 1))
        self._select()

    def _select(self, full: bool = True) -> None:
        """Show the cursor; a cursor move (`full` false) redraws only the columns it leaves and
        enters, and scrolls sideways only when the column changes."""
        data = self.data
        if data is None:
            return
        moved = full or self._shown_col != self.col
        for widget in self.query(StageColumn):
            i = widget.index
            if not full and i not in (self.col, self._shown_col):
                continue
            cards = data.columns[i].cards
            widget.set_class(i == self.col, "active")
            if i == self.col and cards:
                j = max(0, min(self.rows_at.get(i, 0), len(cards) - 1))
                self.rows_at[i] = j
                self.deal_id = cards[j].id
                widget.cards.select(j)
            else:
                widget.cards.select(None)
            if i == self.col and moved:  # an empty column is scrolled to as well
                widget.scroll_visible(animate=False)
        self._shown_col = self.col
        if not data.columns[self.col].cards:
            self.deal_id = None

    def current(self) -> board.Card | None:
        if self.data is None or not self.data.columns:
            return None
        cards = self.data.columns[self.col].cards
        j = self.rows_at.get(self.col, 0)
        return cards[j] if 0 <= j < len(cards) else None

    def action_cursor(self, dx: int, dy: int) -> None:
        if self.data is None:
            return
        if dx:
            self.col = max(0, min(self.col + dx, len(self.data.columns) - 1))
            self.deal_id = None
        else:
            self.rows_at[self.col] = self.rows_at.get(self.col, 0) + dy
        self._select(full=False)

    @on(CardList.Clicked)
    def _clicked(self, event: CardList.Clicked) -> None:
        self.col, self.rows_at[event.column] = event.column, event.card
        self._select()
        if event.open:
            self.action_open_deal()

    # the verbs -----------------------------------------------------------------------------

    def _need_card(self) -> board.Card | None:
        card = self.current()
        if card is None:
            self.notify("no deal selected", severity="warning")
        return card

    def _after_change(self, deal_id: int | None) -> Any:
        def then(_: Any) -> None:
            if deal_id is not None:
                self.deal_id = deal_id
            self.pipe_app.changed()

        return then

    def action_move(self, step: int) -> None:
        from pipecli.core.services import deals

        card, data = self._need_card(), self.data
        if card is None or data is None:
            return
        here = data.columns[self.col]
        if here.outcome != "open":
            self.notify("a won or lost deal moves by reopening (pipe reopen)", severity="warning")
            return
        open_cols = [c for c in data.columns if c.outcome == "open"]
        at = open_cols.index(here) + step
        if not 0 <= at < len(open_cols):
            self.notify("no stage that way", severity="warning")
            return
        to, back, did, seen = open_cols[at].name, here.name, card.id, card.version
        to_id = open_cols[at].stage_id

        def moved(version: int) -> None:
            if self.data is not None:  # shown at once; the reload that follows brings totals
                self.data = board.with_card_moved(self.data, did, to_id, version)
                self.deal_id = did
                self._fill()
            self.pipe_app.changed()

        self.pipe_app.db(  # refused (a notification) when the deal changed since it was read
            lambda ctx: deals.move(ctx, did, to, expected_version=seen),
            then=lambda deal: moved(deal.version),
            undo=lambda _: Undo(f"move deal {did} back to {back}",
                                lambda ctx: deals.move(ctx, did, back)),
        )  # fmt: skip

    def action_win(self) -> None:
        from pipecli.core.services import deals

        card = self._need_card()
        if card is not None:
            self._close(
                card, lambda ctx: deals.win(ctx, card.id, expected_version=card.version), "won"
            )

    def action_lose(self) -> None:
        from pipecli.core.services import deals
        from pipecli.tui.screens import forms

        card, data = self._need_card(), self.data
        if card is None or data is None:
            return

        def chosen(values: dict[str, str] | None) -> None:
            if values is not None:
                reason, note = values["reason"] or None, values["note"] or None
                self._close(
                    card,
                    lambda ctx: deals.lose(
                        ctx, card.id, reason, note, expected_version=card.version
                    ),
                    "lost",
                )

        self.app.push_screen(forms.LoseForm(data.today), chosen)

    def _close(self, card: board.Card, action: Any, verb: str) -> None:
        from pipecli.core.services import deals

        assert self.data is not None
        back = self.data.columns[self.col].name
        self.pipe_app.db(
            action,
            then=self._after_change(None),
            undo=lambda _: Undo(f"reopen deal {card.id} ({verb}) into {back}",
                                lambda ctx: deals.reopen(ctx, card.id, back)),
        )  # fmt: skip

    def action_add_deal(self) -> None:
        from pipecli.core.services import deals, records
        from pipecli.tui.screens import forms

        data = self.data
        if data is None:
            return
        column = data.columns[self.col]
        stage = column.name if column.outcome == "open" else None
        pipeline = data.pipeline

        def chosen(v: dict[str, str] | None) -> None:
            if v is None:
                return
            inp = deals.DealInput(
                title=v["title"], account=v["account"] or None, amount=v["amount"] or None,
                close=v["close"] or None, stage=stage, pipeline=pipeline,
            )  # fmt: skip
            self.pipe_app.db(
                lambda ctx: deals.create(ctx, inp).id,
                then=self._after_add,
                undo=lambda did: Undo(f"delete new deal {did}",
                                      lambda ctx: records.archive(ctx, "deal", did)),
            )  # fmt: skip

        self.app.push_screen(forms.QuickAddForm(data.today, self.app_fys()), chosen)

    def _after_add(self, deal_id: int) -> None:
        self.deal_id = deal_id
        self.pipe_app.changed()

    def app_fys(self) -> int:
        return self.pipe_app.settings.fiscal_year_start

    def action_add_task(self) -> None:
        from pipecli.core.services import records, tasks
        from pipecli.tui.screens import forms

        card, data = self._need_card(), self.data
        if card is None or data is None:
            return

        def chosen(v: dict[str, str] | None) -> None:
            if v is None:
                return
            inp = tasks.TaskInput(title=v["title"], due=v["due"] or None, deal=card.id)
            self.pipe_app.db(
                lambda ctx: tasks.create(ctx, inp).id,
                then=lambda tid: self.notify(f"task {tid} added to deal {card.id}"),
                undo=lambda tid: Undo(f"delete new task {tid}",
                                      lambda ctx: records.archive(ctx, "task", tid)),
            )  # fmt: skip

        self.app.push_screen(forms.TaskForm(data.today, self.app_fys()), chosen)

    def action_filter(self) -> None:
        from pipecli.core.errors import PipeError
        from pipecli.tui.screens import forms

        data = self.data
        if data is None:
            return

        def chosen(v: dict[str, str] | None) -> None:
            if v is None:
                return
            try:
                flt = forms.parse_filter(v["filter"])
            except PipeError as exc:
                self.notify(str(exc), severity="error")
                return
            previous, self.flt, self.filter_text = self.flt, flt, v["filter"].strip()
            self.reload(previous)

        values = {"filter": self.filter_text}
        self.app.push_screen(forms.FilterForm(data.today, self.app_fys(), values), chosen)

    def action_switch_pipeline(self) -> None:
        data = self.data
        if data is None or len(data.pipelines) < 2:
            self.notify("only one pipeline")
            return
        at = data.pipelines.index(data.pipeline) if data.pipeline in data.pipelines else -1
        self.pipeline = data.pipelines[(at + 1) % len(data.pipelines)]
        self.col, self.deal_id, self.rows_at = 0, None, {}
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_undo(self) -> None:
        self.pipe_app.action_undo()

    def action_open_deal(self) -> None:
        from pipecli.tui.screens.deal import DealScreen

        card = self._need_card()
        if card is not None:
            self.app.push_screen(DealScreen(card.id))

    def palette(self) -> list[SystemCommand]:
        from pipecli.tui.screens.palette import board_commands

        return board_commands(self)
