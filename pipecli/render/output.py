"""Where CLI output goes and in what form: the format asked for, JSON and CSV on stdout,
messages on stderr, the Rich console for tables, and stored text made safe for a terminal.

The rest of pipecli.render (record tables, products and quotes, reports) writes through these.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from pipecli.core.io.writers import jsonable, write
from pipecli.core.rows import Fields


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fmt_of(as_json: bool, as_csv: bool) -> Fmt:
    return Fmt.json if as_json else Fmt.csv if as_csv else Fmt.table


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")


def emit_csv(rows: Iterable[Fields], fields: Sequence[str]) -> None:
    """CSV as `pipe export` writes it: the same cells, formula-looking ones made inert."""
    write("csv", rows, fields, sys.stdout)


def message(text: str) -> None:
    """A message for the person at the terminal (stderr, never mixed with data); stored text
    in it is made inert (pipecli.core.text.printable)."""
    sys.stderr.write(safe(text, keep_lines=True) + "\n")


def error(text: str) -> None:
    sys.stderr.write(f"pipe: {safe(text, keep_lines=True)}\n")


def line(text: str) -> None:
    """One line of output for a person on stdout, stored text in it made inert."""
    sys.stdout.write(safe(text) + "\n")


def safe(text: str, keep_lines: bool = False) -> str:
    """`text` for a terminal: control characters and bidi overrides shown, not obeyed."""
    from pipecli.core.text import printable

    return printable(text, keep_lines=keep_lines)


def plain(text: str) -> Any:
    """`text` (already made inert) as a Rich Text: printed as is, never read as markup."""
    from rich.text import Text

    return Text(text)


def console() -> Any:
    """Rich console for tables: the terminal's width, or unlimited when output is piped, so
    that `| cat`, `| less -S` or a log file get whole lines rather than cells wrapped at 80."""
    import os

    from rich.console import Console

    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=False, width=10_000 if piped else None)
