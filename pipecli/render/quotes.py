"""CLI output of products and quotes: tables for people (stored text through `printable`, Rich
markup escaped), JSON and CSV from their typed rows (pipecli.core.rows: ProductRow, QuoteRow,
QuoteView), whose fields `pipe schema product|quote` shows."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from pipecli.core.rows import ProductRow, QuoteRow, QuoteView
from pipecli.render.output import Fmt, console, emit_csv, emit_json, message


def _safe(value: object) -> str:
    from rich.markup import escape

    from pipecli.core.text import printable

    return escape(printable("" if value is None else str(value)))


def _amount(value: Any, currency: str) -> str:
    from pipecli.core.money import format_amount

    return "" if value is None else format_amount(value, currency)


def _plain(value: Any) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _table(title: str | None, spec: Sequence[tuple[str, bool, bool]], cells: list[list[str]],
           drop: Sequence[str] = ()) -> Any:  # fmt: skip
    from pipecli.render.tables import Column, FitTable

    cols = [
        Column(h, h, [row[i] for row in cells], text, right, 20 if i == 1 else 0)
        for i, (h, text, right) in enumerate(spec)
    ]
    return FitTable(title, cols, drop)


def _as_data(
    rows: Sequence[ProductRow | QuoteRow], fmt: Fmt, columns: Sequence[str], what: str
) -> bool:
    """`rows` as JSON, CSV, or "no products|quotes" when there are none; False when a table is
    to be drawn."""
    if fmt is Fmt.json:
        emit_json(list(rows))
    elif fmt is Fmt.csv:
        emit_csv(rows, columns)
    elif not rows:
        message(f"no {what}")
    else:
        return False
    return True


def products(rows: Sequence[ProductRow], fmt: Fmt) -> None:
    if not _as_data(rows, fmt, ProductRow.flat_names(), "products"):
        spec = [("SKU", False, False), ("Name", True, False), ("Unit", True, False),
                ("Price", False, True), ("Tax", False, True), ("Active", False, False)]  # fmt: skip
        cells = [[_safe(r.sku), _safe(r.name), _safe(r.unit),
                  f"{_amount(r.price, r.currency)} {r.currency}",
                  f"{_plain(r.tax_rate)}%", "yes" if r.active else "no"]
                 for r in rows]  # fmt: skip
        console().print(_table(None, spec, cells, ["Unit", "Active", "Tax"]))


def product(row: ProductRow, fmt: Fmt, verb: str) -> None:
    if fmt is Fmt.table:
        sys.stdout.write(f"{verb} product {_safe(row.sku)}: {_safe(row.name)}\n")
    elif fmt is Fmt.csv:
        products([row], fmt)
    else:
        emit_json(row)


def _quote_cells(rows: Sequence[QuoteRow]) -> list[list[str]]:
    return [[_safe(r.number), _safe(r.account), _safe(r.deal), r.status,
             f"{_amount(r.grand_total, r.currency)} {r.currency}",
             r.valid_until.isoformat() if r.valid_until else ""]
            for r in rows]  # fmt: skip


QUOTE_SPEC = [
    ("Number", False, False),
    ("Account", True, False),
    ("Deal", True, False),
    ("Status", False, False),
    ("Total", False, True),
    ("Valid until", False, False),
]


def quotes(rows: Sequence[QuoteRow], fmt: Fmt) -> None:
    if not _as_data(rows, fmt, QuoteRow.flat_names(), "quotes"):
        console().print(_table(None, QUOTE_SPEC, _quote_cells(rows), ["Deal", "Valid until"]))


def deal_quotes(rows: Sequence[QuoteRow]) -> Any:
    """The deal view's quotes section (a table), or None."""
    return _table("Quotes", QUOTE_SPEC, _quote_cells(rows)) if rows else None


def quote(row: QuoteView, fmt: Fmt, verb: str | None = None) -> None:
    """One quote: after a change, one line; for `show`, its header, lines and totals."""
    if fmt is Fmt.json:
        emit_json(row)
    elif fmt is Fmt.csv:
        emit_csv([row], QuoteView.flat_names())
    elif verb is not None:
        total = f"{_amount(row.grand_total, row.currency)} {row.currency}"
        sys.stdout.write(f"{verb} quote {_safe(row.number)} ({row.status}): {total}\n")
    else:
        _show(row)


def _show(q: QuoteView) -> None:
    from rich.table import Table

    from pipecli.core.quotes.documents import line_discount, totals_rows

    con = console()
    head = Table(show_header=False, show_edge=False, box=None, pad_edge=False)
    head.add_column(style="bold")
    head.add_column(overflow="fold")
    for key in (
        "number",
        "status",
        "deal",
        "account",
        "contact",
        "contact_email",
        "currency",
        "tax_mode",
        "valid_until",
        "terms",
        "revision_of",
        "decline_reason",
        "notes",
    ):
        if q.get(key) not in (None, ""):
            head.add_row(key, _safe(q[key]))  # fmt: skip
    con.print(head)
    cur = q.currency
    spec = [("#", False, False), ("Item", True, False), ("Qty", False, True),
            ("Unit price", False, True), ("Discount", False, True), ("Net", False, True),
            ("Tax", False, True)]  # fmt: skip
    cells = [[str(ln.n), _safe(ln.name) + (" (optional)" if ln.optional else ""),
              _plain(ln.qty) + (f" {_safe(ln.unit)}" if ln.unit else ""),
              _amount(ln.unit_price, cur), line_discount(ln, cur), _amount(ln.net, cur),
              f"{_plain(ln.tax_rate)}%"] for ln in q.lines]  # fmt: skip
    if cells:
        con.print()
        con.print(_table("Lines", spec, cells, ["Discount", "Tax"]))
    con.print()
    totals = Table(show_header=False, show_edge=False, box=None, pad_edge=False)
    totals.add_column(justify="right")
    totals.add_column(justify="right")
    for label, value in totals_rows(q):
        totals.add_row(label, value)
    con.print(totals)
