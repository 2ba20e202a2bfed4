"""The one place the board reads listing rows (`listing.deal_detail`, `list_tasks`...).

Listing rows are typed rows (`pipecli.core.rows`) and record views, both readable by field name
(`.get`); every read of one goes through `field`, so a change of shape is a change here only.
Everything returned for display has passed `core.text.printable`: stored text never reaches the
terminal raw.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.text import Text

from pipecli.core import money
from pipecli.core.text import printable


def field(row: Any, name: str, default: Any = None) -> Any:
    """A field of a listing row or record view (or a plain dict)."""
    getter = getattr(row, "get", None)
    return getter(name, default) if getter is not None else getattr(row, name, default)


def text(value: Any) -> str:
    """Any stored value as terminal-safe text; None is empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    return printable(str(value))


def show(row: Any, name: str) -> str:
    return text(field(row, name))


def cell(value: Any) -> Text:
    """A table cell (DataTable, Rich Table): terminal-safe text, never read as markup, so a
    title like `[red]x[/]` shows as typed."""
    return value if isinstance(value, Text) else Text(text(value))


def cells(*values: Any) -> list[Text]:
    return [cell(v) for v in values]


def amount(value: Decimal | None, currency: str) -> str:
    """`12,000.00 USD`, or `—` for an unknown amount."""
    if value is None:
        return money.DASH
    return f"{money.format_amount(value, currency)} {currency}"
