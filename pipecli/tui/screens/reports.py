"""The reports screen (`R`): funnel, forecast and win rate for the board's pipeline and owner,
the same report objects `pipe report` prints (core.reports.*.build), drawn as tables and bars."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
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


def funnel_table(f: funnel.Funnel) -> Table:
    t = Table(title="Funnel", title_justify="left")
    for name in ("stage", "deals", "conv %", ""):
        t.add_column(name, justify="right" if name in ("deals", "conv %") else "left")
    first = f.rows[0].deals if f.rows else 0
    for r in f.rows:
        t.add_row(rows.text(r.stage), str(r.deals), rows.text(r.conversion_pct),
                  bar(r.deals, first))  # fmt: skip
    return t


def forecast_table(f: forecast.Forecast) -> Table:
    cur = f.head.currency
    t = Table(title=f"Forecast ({cur})", title_justify="left")
    for name in ("period", "won", "commit", "best case", "pipeline", "open", "weighted", ""):
        t.add_column(name, justify="left" if name in ("period", "") else "right")
    top = max((r.open_total for r in f.rows), default=Decimal(0))
    for r in f.rows:
        amounts = (r.closed_won, r.commit, r.best_case, r.pipeline, r.open_total, r.weighted)
        t.add_row(r.period, *(money.format_amount(a, cur) for a in amounts),
                  bar(r.open_total, top))  # fmt: skip
    return t


def winrate_table(w: winrate.WinRate) -> Table:
    cur = w.head.currency
    t = Table(title="Win rate", title_justify="left")
    for name in ("won", "lost", "win %", "won value", "lost value", ""):
        t.add_column(name, justify="left" if not name else "right")
    for r in w.rows:
        t.add_row(str(r.won), str(r.lost), rows.text(r.win_rate_pct),
                  money.format_amount(r.won_value, cur), money.format_amount(r.lost_value, cur),
                  bar(r.win_rate_pct or 0, 100))  # fmt: skip
    return t


class ReportsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "back"),
        Binding("r", "reload", "refresh"),
    ]

    def __init__(self, pipeline: str | None, owner: str | None) -> None:
        super().__init__()
        self.flt = sc.Filters(pipeline=pipeline, owner=owner)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
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

        app.db(build, then=lambda g: self.query_one("#reports", Static).update(g))
