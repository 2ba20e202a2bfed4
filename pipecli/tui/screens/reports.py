"""The reports screen (`R`): funnel, forecast and win rate for the board's pipeline and owner,
the same report objects `pipe report` prints (core.reports.*.build), drawn as tables and bars."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Footer, Static

from pipecli.core import money
from pipecli.core.reports import forecast, funnel, winrate
from pipecli.core.reports import scope as sc
from pipecli.tui import rows
from pipecli.tui.app import PipeApp

BAR = 30


def bar(part: Decimal | int, whole: Decimal | int) -> str:
    if not whole:
        return ""
    return "█" * max(0, round(BAR * float(Decimal(part) / Decimal(whole))))


def table(title: str, heads: tuple[str, ...], body: list[tuple[str, ...]], left: int = 1) -> Table:
    """A report table whose figures are never cut: number columns keep their full width, the
    bar column (last) shrinks first."""
    t = Table(title=title, title_justify="left")
    for i, name in enumerate(heads):
        widest = max([len(name), *(len(r[i]) for r in body)])
        if i == len(heads) - 1:
            t.add_column(name, no_wrap=True, overflow="crop", min_width=0, ratio=1)
        elif i < left:
            t.add_column(name, no_wrap=True, min_width=min(widest, 16))
        else:
            t.add_column(name, justify="right", no_wrap=True, min_width=widest)
    for r in body:
        t.add_row(*rows.cells(*r))
    return t


def funnel_table(f: funnel.Funnel) -> Table:
    first = f.rows[0].deals if f.rows else 0
    body: list[tuple[str, ...]] = [
        (rows.text(r.stage), str(r.deals), rows.text(r.conversion_pct), bar(r.deals, first))
        for r in f.rows
    ]
    return table("Funnel", ("stage", "deals", "conv %", ""), body)


def forecast_table(f: forecast.Forecast) -> Table:
    cur = f.head.currency
    top = max((r.open_total for r in f.rows), default=Decimal(0))
    body: list[tuple[str, ...]] = []
    for r in f.rows:
        amounts = (r.closed_won, r.commit, r.best_case, r.pipeline, r.open_total, r.weighted)
        body.append((r.period, *(money.format_amount(a, cur) for a in amounts),
                     bar(r.open_total, top)))  # fmt: skip
    heads = ("period", "won", "commit", "best", "pipeline", "open", "weighted", "")
    return table(f"Forecast ({cur})", heads, body)


def winrate_table(w: winrate.WinRate) -> Table:
    cur = w.head.currency
    body: list[tuple[str, ...]] = [(str(r.won), str(r.lost), rows.text(r.win_rate_pct),
             money.format_amount(r.won_value, cur), money.format_amount(r.lost_value, cur),
             bar(r.win_rate_pct or 0, 100)) for r in w.rows]  # fmt: skip
    return table("Win rate", ("won", "lost", "win %", "won value", "lost value", ""), body, 0)


class ReportsScreen(Screen[None]):
    DEFAULT_CSS = "ReportsScreen #reports { width: 110; }"  # wider than the screen: scrolls
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "back"),
        Binding("r", "reload", "refresh"),
    ]

    def __init__(self, pipeline: str | None, owner: str | None) -> None:
        super().__init__()
        self.flt = sc.Filters(pipeline=pipeline, owner=owner)
        self.ready = False  # the first load has been shown

    def compose(self) -> ComposeResult:
        with ScrollableContainer():
            yield Static("loading…", id="reports")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        flt = self.flt
        app = self.app
        assert isinstance(app, PipeApp)

        def build(ctx: Any) -> Group:
            return Group(
                funnel_table(funnel.build(ctx, flt)),
                forecast_table(forecast.build(ctx, flt)),
                winrate_table(winrate.build(ctx, flt)),
            )

        app.db(build, then=self._show)

    def _show(self, reports: Group) -> None:
        self.query_one("#reports", Static).update(reports)
        self.ready = True
