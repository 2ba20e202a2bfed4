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
from pipecli.core.io.writers import as_text
from pipecli.render import Fmt

MONEY = {
    "closed_won", "commit", "best_case", "pipeline", "open_total", "weighted", "quota",
    "won_value", "lost_value", "average_won", "per_day", "per_month", "forecast_commit",
    "forecast_open", "forecast_weighted", "actual_won", "value",
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
    "lost-reasons": "Lost deals by reason",
}
# Table headers that say more than the field name (JSON/CSV keep the field name).
HEADERS = {("forecast-accuracy", "accuracy_pct"): "actual / forecast %"}
# What an empty text cell means, where it means something (JSON/CSV keep "").
BLANK = {("lost-reasons", "reason"): "(none given)"}
# The line on stderr when a report found nothing to report (the output keeps its shape).
EMPTY = {
    "funnel": "no deals created in the period",
    "forecast": "no deals to forecast",
    "forecast-accuracy": "no forecast or won deals in the quarters evaluated",
    "winrate": "no deals closed in the period",
    "cycle": "no deals closed in the period",
    "velocity": "no closed or qualified open deals",
    "stale": "no stale deals",
    "slipped": "no slipped deals",
    "calibrate": "no closed deals to calibrate against",
    "lost-reasons": "no lost deals in the period",
}


# Columns of the human table where it would be too wide with every field (JSON/CSV keep all).
TABLE_FIELDS = {
    "forecast": [
        "group", "period", "closed_won", "commit", "best_case", "pipeline", "weighted", "quota",
        "attainment_pct", "coverage",
    ],
    "stale": [
        "deal_id", "title", "stage", "owner", "days_in_stage", "rot_days", "expected_close",
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


def _table_rows(report: Any) -> list[Any]:
    """The rows the table shows: the report's, then its total rows (forecast --by-owner's
    team total), which JSON keeps apart and CSV leaves out."""
    return _rows(report) + list(getattr(report, "team", ()))


def empty(report: Any) -> bool:
    """Whether the report found nothing: no row, or rows that count nothing."""
    kind = report.head.report
    rows = _rows(report)
    if kind == "funnel":
        return bool(report.cohort == 0)
    if kind == "forecast":
        return all(r.open_deals == 0 and r.won_deals == 0 for r in rows)
    if kind == "forecast-accuracy":
        return all(not r.forecast_open and not r.actual_won for r in rows)
    if kind == "cycle":
        return all(r.count == 0 for r in rows)
    if kind == "velocity":
        return bool(report.won + report.lost + report.qualified_deals == 0)
    if kind == "calibrate":
        return all(r.closed == 0 for r in rows)
    return not rows


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
    return as_text(value)


def table(report: Any, row_type: type | None) -> Any:
    """The report's rows as a table that fits the width it is printed at (pipecli.render.tables)."""
    from pipecli.render.tables import Column, FitTable

    head = report.head
    fields = TABLE_FIELDS.get(head.report) or _fields(report, row_type)
    rows = _table_rows(report)
    grouped = any(getattr(r, "group", "") for r in rows) or _by(report) == "reason"
    fields = [f for f in fields if f != "group" or grouped]
    columns = []
    for name in fields:
        numeric = name in MONEY or name.endswith(("_pct", "_days", "_pts")) or name == "amount"
        header = HEADERS.get((head.report, name)) or name.replace("_pct", " %").replace("_", " ")
        blank = BLANK.get((head.report, name), "")
        if name == "group" and _by(report) == "reason":  # winrate --by reason
            blank = BLANK[("lost-reasons", "reason")]
        cells = [
            render.safe(_cell(name, getattr(row, name), row, head.currency) or blank)
            for row in rows
        ]
        columns.append(Column(name, header, cells, name in TEXT_FIELDS, numeric))
    return FitTable(_title(report), columns, NARROW_DROP.get(head.report, []))


# Text columns (names, titles, reasons) wrap when the table is too wide; every other column
# (amounts, counts, percentages, days, dates, ids, periods) is printed whole, on one line.
TEXT_FIELDS = {"group", "title", "stage", "reason", "section", "name", "owner"}
# Columns given up, in this order, when even wrapped headers and text do not fit the width
# (those empty in every row go first, unnamed; then these; then the others from the right,
# never the first). pipecli.render.tables lays the table out.
NARROW_DROP = {
    "forecast": ["quota", "coverage", "pipeline", "best_case", "attainment_pct", "commit"],
    "stale": [
        "rot_days", "expected_close", "owner", "stage", "days_in_stage", "reason", "days_overdue",
    ],
    "forecast-accuracy": ["forecast_open", "forecast_commit"],
}  # fmt: skip


def _none(report: Any) -> str:
    """The label of a group without a value: no loss reason given, or none set."""
    return BLANK[("lost-reasons", "reason")] if _by(report) == "reason" else "(none)"


def _by(report: Any) -> str | None:
    by = getattr(report, "by", None)
    return by if isinstance(by, str) else None


def _title(report: Any) -> str:
    h = report.head
    parts = [TITLES.get(h.report, h.report), f"as of {h.as_of.isoformat()}"]
    if h.date_from or h.date_to:
        parts.append(f"{h.date_from or '…'} – {h.date_to or '…'}")
    if h.pipeline:
        parts.append(f"pipeline {h.pipeline}")
    if h.owner:
        parts.append(f"owner {h.owner}")
    if h.report in ("forecast", "forecast-accuracy", "winrate", "velocity", "lost-reasons"):
        parts.append(f"in {h.currency}")
    return " · ".join(parts)


BAR_MIN = 5  # narrower than this, the bars keep this width and the values wrap under them
BAR_GAP = 3  # between label and bar (column padding), and between bar and values


class Bars:
    """A bar chart: a bar per item, an item's values drawn end to end with one character of
    `chars` each, and the values written after the bar as the table writes them. The bars
    are scaled to the width the chart is printed at (at most BAR_WIDTH); an item without a
    value (None: no data) gets no bar and no number."""

    def __init__(
        self, items: Sequence[tuple[str, Sequence[Decimal | None], str]], chars: str, note: str
    ) -> None:
        self.items, self.chars, self.note = list(items), chars, note

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.layout(options.max_width)

    def bar_width(self, width: int) -> int:
        """Cells for the longest bar at `width`: what the labels and values leave."""
        from rich.cells import cell_len

        label = max((cell_len(label) for label, _, _ in self.items), default=0)
        text = max((cell_len(text) for _, _, text in self.items), default=0)
        return max(BAR_MIN, min(BAR_WIDTH, width - label - BAR_GAP - text))

    def layout(self, width: int) -> Any:
        from rich.table import Table

        top = max((sum(v for v in vals if v is not None) for _, vals, _ in self.items), default=0)
        scale = Decimal(self.bar_width(width)) / top if top > 0 else Decimal(0)
        chart = Table(
            show_header=False, show_edge=False, box=None, pad_edge=False,
            caption=self.note or None,
        )  # fmt: skip
        chart.add_column(justify="right", overflow="fold")
        chart.add_column(overflow="fold")
        for label, vals, text in self.items:
            drawn = "".join(
                ch * int(v * scale) for ch, v in zip(self.chars, vals, strict=False) if v
            )
            chart.add_row(render.plain(label), render.plain(f"{drawn} {text}" if drawn else text))
        return chart


def bars(
    items: Sequence[tuple[str, Any, Sequence[str]]],
    currency: str,
    chars: str = "█░",
    note: str = "",
) -> Bars:
    """A bar per item (label, row, field names): the row's fields, formatted as in the table."""
    out: list[tuple[str, list[Decimal | None], str]] = []
    for label, row, names in items:
        values = [getattr(row, n) for n in names]
        if all(v is None for v in values):
            text = ""
        else:
            cells = [_cell(n, v, row, currency) for n, v in zip(names, values, strict=True)]
            text = " / ".join(c or "–" for c in cells)
        out.append((render.safe(label), [None if v is None else Decimal(v) for v in values], text))
    return Bars(out, chars, note)


def chart(report: Any) -> Any:
    kind = report.head.report
    cur = report.head.currency

    def label(r: Any, *names: str) -> str:
        return " ".join(str(getattr(r, n)) for n in names if getattr(r, n, "") not in ("", None))

    rows = _rows(report)
    specs: dict[str, Any] = {
        "funnel": lambda: bars([(label(r, "group", "stage"), r, ["deals"]) for r in rows], cur),
        "forecast": lambda: bars(
            [(label(r, "group", "period"), r, ["closed_won", "open_total"]) for r in rows],
            cur,
            note="█ closed won  ░ open",
        ),
        "forecast-accuracy": lambda: bars(
            [(r.period, r, ["forecast_weighted"]) for r in rows]
            + [(f"{r.period} actual", r, ["actual_won"]) for r in rows],
            cur,
            note="forecast weighted, then actual won",
        ),
        "winrate": lambda: bars(
            [
                (r.group or (_none(report) if report.by else "all"), r, ["win_rate_pct"])
                for r in rows
            ],
            cur,
        ),
        "cycle": lambda: bars([(label(r, "section", "name"), r, ["mean_days"]) for r in rows], cur),
        "velocity": lambda: bars(
            [
                ("won", report, ["won"]),
                ("lost", report, ["lost"]),
                ("qualified open", report, ["qualified_deals"]),
            ],
            cur,
        ),
        "stale": lambda: bars([(f"#{r.deal_id}", r, ["days_in_stage"]) for r in rows], cur),
        "slipped": lambda: bars([(f"#{r.deal_id}", r, ["days_pushed"]) for r in rows], cur),
        "lost-reasons": lambda: bars(
            [
                (
                    label(r, "group") + (" · " if r.group else "") + (r.reason or "(none given)"),
                    r,
                    ["deals"],
                )
                for r in rows
            ],
            cur,
        ),
        "calibrate": lambda: bars(
            [(f"{r.stage} configured", r, ["configured_pct"]) for r in rows]
            + [(f"{r.stage} observed", r, ["observed_pct"]) for r in rows],
            cur,
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
    """Print `report` in `fmt`; save the table and chart as SVG / HTML when asked. A report
    that found nothing says so in one line on stderr (and keeps its shape on stdout)."""
    if empty(report):
        render.message(EMPTY.get(report.head.report, "nothing to report"))
    if fmt is Fmt.json:
        from pipecli.core.reports.scope import document

        render.emit_json(document(report))
    elif fmt is Fmt.csv:
        data = [dataclasses.asdict(r) for r in _rows(report)]
        render.emit_csv(data, _fields(report, row_type))
    parts = [table(report, row_type), "", chart(report)]
    if getattr(report, "summary", None) is not None and report.summary.deals:
        parts = [summary(report), "", *parts, "", more_line(report)]  # no deals: the empty table
    if fmt is Fmt.table:
        con = render.console()
        for part in parts:
            con.print(part)
    if svg or html:
        _save(parts, svg, html)


def summary(report: Any) -> Any:
    """A deal-list report's summary (core/reports/listing.py): how many deals and their value
    in the report currency, then their spread by stage and by owner."""
    from rich.table import Table

    from pipecli.core.money import format_amount
    from pipecli.core.text import printable

    s, cur = report.summary, report.head.currency

    def value(v: Decimal | None) -> str:
        return "no exchange rate" if v is None else f"{format_amount(v, cur)} {cur}"

    out = Table(
        title=f"{s.deals:,} deals · {value(s.value)}", title_justify="left", box=None,
        pad_edge=False, show_edge=False,
    )  # fmt: skip
    out.add_column("by", overflow="fold")
    out.add_column("", overflow="fold")
    out.add_column("deals", justify="right", no_wrap=True)
    out.add_column("value", justify="right", no_wrap=True)
    for label, groups in (("stage", s.by_stage), ("owner", s.by_owner)):
        for n, g in enumerate(groups):
            out.add_row(label if n == 0 else "", printable(g.name), f"{g.deals:,}", value(g.value))
    return out


def more_line(report: Any) -> str:
    """The last line of a deal-list report: how many deals the rows leave out, and how to see
    them."""
    s = report.summary
    if s.more == 0:
        return f"all {s.deals:,} deals shown ({s.order}, most first)"
    return f"… {s.more:,} more deals not shown; --limit 0 shows all, --limit N the first N"


def _save(parts: list[Any], svg: str | None, html: str | None) -> None:
    """The table and chart as SVG / HTML, each written atomically (pipecli.core.outfiles:
    a failed write leaves the old file whole); the targets were checked before the report ran."""
    from rich.console import Console

    from pipecli.core import outfiles
    from pipecli.core.text import printable

    con = Console(record=True, file=io.StringIO(), width=120, highlight=False)
    for part in parts:
        con.print(part)
    if svg:
        outfiles.write_text(
            Path(svg).expanduser(), con.export_svg(title="pipe report", clear=False)
        )
        render.message(f"saved {printable(svg)}")
    if html:
        outfiles.write_text(Path(html).expanduser(), con.export_html(clear=False))
        render.message(f"saved {printable(html)}")
