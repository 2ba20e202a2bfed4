"""CLI output of reports: a Rich table and a bar chart drawn with block characters, or the
report's JSON / CSV, and optionally the table and chart saved as SVG or HTML.

JSON is `core.reports.scope.document(report)`: the head fields (report, as_of, date_from, date_to,
pipeline, owner, currency), then the report's own fields, rows as a list of objects. CSV is the
rows alone, one column per row field (a report without rows, like velocity, is one row of its
fields). The field names are the dataclass field names in pipecli.core.reports.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipecli import render
from pipecli.render import Fmt

MONEY = {
    "closed_won", "commit", "best_case", "pipeline", "open_total", "weighted", "quota",
    "won_value", "lost_value", "average_won", "per_day", "per_month", "forecast_commit",
    "forecast_open", "forecast_weighted", "actual_won",
}  # fmt: skip
BAR_WIDTH = 40
TITLES = {
    "funnel": "Funnel",
    "forecast": "Forecast",
    "forecast-accuracy": "Forecast accuracy",
    "winrate": "Win rate",
    "cycle": "Cycle time (days)",
    "velocity": "Pipeline velocity",
    "stale": "Stale deals",
    "slipped": "Slipped deals",
    "calibrate": "Stage probability: configured vs observed",
}


# Columns of the human table where it would be too wide with every field (JSON/CSV keep all).
TABLE_FIELDS = {
    "forecast": [
        "group", "period", "closed_won", "commit", "best_case", "pipeline", "weighted", "quota",
        "attainment_pct", "coverage",
    ],
    "stale": [
        "deal_id", "title", "stage", "days_in_stage", "rot_days", "expected_close",
        "days_overdue", "reason", "amount",
    ],
    "forecast-accuracy": [
        "period", "forecast_commit", "forecast_open", "forecast_weighted", "actual_won",
        "accuracy_pct",
    ],
}  # fmt: skip


def _rows(report: Any) -> list[Any]:
    if hasattr(report, "rows"):
        return list(report.rows)
    return [report]


def _fields(report: Any, row_type: type | None) -> list[str]:
    if hasattr(report, "rows"):
        assert row_type is not None
        return [f.name for f in dataclasses.fields(row_type)]
    return [f.name for f in dataclasses.fields(report) if f.name != "head"]


def _cell(name: str, value: Any, row: Any, currency: str) -> str:
    from pipecli.core.money import format_amount

    if value is None:
        return ""
    if name.endswith("_pct"):
        return f"{value}%"
    if isinstance(value, Decimal) and name not in MONEY and name != "amount":
        return str(value)
    if name in MONEY:
        return format_amount(value, currency)
    if name == "amount":
        return f"{format_amount(value, row.currency)} {row.currency}"
    return render._cell(value)


def table(report: Any, row_type: type | None) -> Any:
    """The report's rows as a table that fits the width it is printed at (see FitTable)."""
    head = report.head
    fields = TABLE_FIELDS.get(head.report) or _fields(report, row_type)
    grouped = any(getattr(r, "group", "") for r in _rows(report))
    fields = [f for f in fields if f != "group" or grouped]
    rows = _rows(report)
    columns = []
    for name in fields:
        numeric = name in MONEY or name.endswith(("_pct", "_days", "_pts")) or name == "amount"
        header = name.replace("_pct", " %").replace("_", " ")
        cells = [_cell(name, getattr(row, name), row, head.currency) for row in rows]
        columns.append(_Column(name, header, cells, name in TEXT_FIELDS, numeric))
    return FitTable(_title(report), columns, NARROW_DROP.get(head.report, []))


# Text columns (names, titles, reasons) wrap when the table is too wide; every other column
# (amounts, counts, percentages, days, dates, ids, periods) is printed whole, on one line.
TEXT_FIELDS = {"group", "title", "stage", "reason", "section", "name"}
TEXT_MIN = 10  # text columns are not squeezed narrower than this (or than their natural width)
GAP = 3  # between two columns: padding, rule, padding
# Columns given up, in this order, when even wrapped headers and text do not fit the width:
# first those empty in every row, then these, then the others from the right (never the first).
NARROW_DROP = {
    "forecast": ["quota", "coverage", "pipeline", "best_case", "attainment_pct", "commit"],
    "stale": ["rot_days", "expected_close", "stage", "days_in_stage", "reason", "days_overdue"],
    "forecast-accuracy": ["forecast_open", "forecast_commit"],
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class _Column:
    name: str
    header: str
    cells: list[str]
    text: bool
    right: bool

    @property
    def natural(self) -> int:
        """Width with nothing wrapped."""
        from rich.cells import cell_len

        return max(map(cell_len, [self.header, *self.cells]))

    @property
    def word(self) -> int:
        """The longest word of the header or a cell: narrower than this, words fold."""
        from rich.cells import cell_len

        return max(cell_len(w) for text in [self.header, *self.cells] for w in text.split() or [""])

    @property
    def minimum(self) -> int:
        """Narrowest allowed: a text column's TEXT_MIN; for the others every cell whole and
        the header wrapped between words."""
        from rich.cells import cell_len

        if self.text:
            return min(self.natural, TEXT_MIN)
        return max(map(cell_len, [*self.header.split(), *self.cells]))


class FitTable:
    """A report table laid out for the width it is rendered at: the terminal's, unlimited when
    piped (render.console), 120 for --svg/--html. When the natural layout is too wide, the
    headers of number columns wrap first, then text columns give way (the widest first, down
    to TEXT_MIN); if that is still too wide, whole columns are left out (NARROW_DROP) and the
    caption names those that held data. Numbers, amounts and dates are never cut or wrapped."""

    def __init__(self, title: str, columns: list[_Column], drop: list[str]) -> None:
        self.title, self.columns, self.drop = title, columns, drop

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.layout(options.max_width)

    def shown(self, width: int) -> list[_Column]:
        """The columns kept at `width`, in their order."""
        shown = list(self.columns)
        first = shown[0].name if shown else None
        empty = [c.name for c in shown if not any(c.cells)]
        order = [*empty, *self.drop, *(c.name for c in reversed(shown))]
        for name in order:
            if sum(c.minimum + GAP for c in shown) - GAP <= width:
                break
            if name != first:
                shown = [c for c in shown if c.name != name]
        return shown

    def layout(self, width: int) -> Any:
        from rich.table import Table

        shown = self.shown(width)
        widths = _squeeze(shown, width)
        hidden = [c.header for c in self.columns if c not in shown and any(c.cells)]
        caption = f"not shown at this width: {', '.join(hidden)}" if hidden else None
        tbl = Table(
            title=self.title, caption=caption, show_edge=False, header_style="bold",
            pad_edge=False,
        )  # fmt: skip
        for c, w in zip(shown, widths, strict=True):
            # w is never below a number column's widest cell: only its header can wrap
            tbl.add_column(
                c.header, justify="right" if c.right else "left", width=w, overflow="fold"
            )
        for i in range(len(shown[0].cells) if shown else 0):
            tbl.add_row(*(c.cells[i] for c in shown))
        return tbl


def _squeeze(shown: list[_Column], width: int) -> list[int | None]:
    """Column widths for `width`: None (natural) when everything fits unwrapped. Otherwise,
    one cell at a time until it fits: number columns wrap their headers (most slack first),
    then text columns give way, the widest first, down to their longest word, then to
    TEXT_MIN (folding words)."""
    widths = [c.natural for c in shown]
    excess = sum(widths) + GAP * (len(shown) - 1) - width
    if excess <= 0:
        return [None] * len(shown)
    steps = [
        (False, [c.minimum for c in shown]),
        (True, [max(c.minimum, c.word) for c in shown]),
        (True, [c.minimum for c in shown]),
    ]
    for text, floor in steps:
        while excess > 0:
            slack = [
                (widths[i] if text else widths[i] - floor[i], -i)
                for i, c in enumerate(shown)
                if c.text is text and widths[i] > floor[i]
            ]
            if not slack:
                break
            i = -max(slack)[1]
            widths[i] -= 1
            excess -= 1
    return list(widths)


def _title(report: Any) -> str:
    h = report.head
    parts = [TITLES.get(h.report, h.report), f"as of {h.as_of.isoformat()}"]
    if h.date_from or h.date_to:
        parts.append(f"{h.date_from or '…'} – {h.date_to or '…'}")
    if h.pipeline:
        parts.append(f"pipeline {h.pipeline}")
    if h.owner:
        parts.append(f"owner {h.owner}")
    if h.report in ("forecast", "forecast-accuracy", "winrate", "velocity"):
        parts.append(f"in {h.currency}")
    return " · ".join(parts)


def _number(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


def bars(items: Sequence[tuple[str, Sequence[Any]]], chars: str = "█░", note: str = "") -> Any:
    """A bar per item; an item's values are drawn end to end with one character each."""
    from rich.table import Table

    top = max((sum(_number(v) for v in vals) for _, vals in items), default=Decimal(0))
    chart = Table(show_header=False, show_edge=False, box=None, pad_edge=False, caption=note)
    chart.add_column(justify="right")
    chart.add_column()
    for label, vals in items:
        drawn = ""
        for ch, v in zip(chars, vals, strict=False):
            n = int(_number(v) * BAR_WIDTH / top) if top > 0 else 0
            drawn += ch * n
        chart.add_row(label, drawn + " " + " / ".join(str(_number(v)) for v in vals))
    return chart


def chart(report: Any) -> Any:
    kind = report.head.report

    def label(r: Any, *names: str) -> str:
        return " ".join(str(getattr(r, n)) for n in names if getattr(r, n, "") not in ("", None))

    rows = _rows(report)
    specs: dict[str, Any] = {
        "funnel": lambda: bars([(label(r, "group", "stage"), [r.deals]) for r in rows]),
        "forecast": lambda: bars(
            [(label(r, "group", "period"), [r.closed_won, r.open_total]) for r in rows],
            note="█ closed won  ░ open",
        ),
        "forecast-accuracy": lambda: bars(
            [(r.period, [r.forecast_weighted]) for r in rows]
            + [(f"{r.period} actual", [r.actual_won]) for r in rows],
            note="forecast weighted, then actual won",
        ),
        "winrate": lambda: bars([(r.group or "all", [r.win_rate_pct]) for r in rows]),
        "cycle": lambda: bars([(label(r, "section", "name"), [r.mean_days]) for r in rows]),
        "velocity": lambda: bars(
            [
                ("won", [report.won]),
                ("lost", [report.lost]),
                ("qualified open", [report.qualified_deals]),
            ]
        ),
        "stale": lambda: bars([(f"#{r.deal_id}", [r.days_in_stage]) for r in rows]),
        "slipped": lambda: bars([(f"#{r.deal_id}", [r.days_pushed]) for r in rows]),
        "calibrate": lambda: bars(
            [(f"{r.stage} configured", [r.configured_pct]) for r in rows]
            + [(f"{r.stage} observed", [r.observed_pct]) for r in rows]
        ),
    }
    return specs[kind]()


def show(
    report: Any,
    row_type: type | None,
    fmt: Fmt,
    svg: str | None = None,
    html: str | None = None,
) -> None:
    """Print `report` in `fmt`; save the table and chart as SVG / HTML when asked."""
    if fmt is Fmt.json:
        from pipecli.core.reports.scope import document

        render.emit_json(document(report))
    elif fmt is Fmt.csv:
        data = [dataclasses.asdict(r) for r in _rows(report)]
        render.emit_csv(data, _fields(report, row_type))
    parts = [table(report, row_type), "", chart(report)]
    if fmt is Fmt.table:
        con = render.console()
        for part in parts:
            con.print(part)
    if svg or html:
        _save(parts, svg, html)


def _save(parts: list[Any], svg: str | None, html: str | None) -> None:
    from rich.console import Console

    con = Console(record=True, file=io.StringIO(), width=120, highlight=False)
    for part in parts:
        con.print(part)
    if svg:
        con.save_svg(str(Path(svg)), title="pipe report", clear=False)
        render.message(f"saved {svg}")
    if html:
        con.save_html(str(Path(html)), clear=False)
        render.message(f"saved {html}")
