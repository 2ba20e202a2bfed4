"""Writing rows to CSV, JSON, JSON Lines and .xlsx, one row at a time.

Values follow the `--json` conventions: ISO dates, money as decimal strings, nulls kept (blank
cells in CSV/XLSX), lists joined with ';' in cells. A spreadsheet runs a cell starting with `=`,
`+`, `-`, `@`, a tab or a carriage return as a formula (CSV injection), so in CSV such a text
cell gets a leading `'` and comes out inert text (see `inert`); plain numbers (`-6.9`, `+3`) are
left alone, and the importer (core.io.readers) takes the `'` off again. XLSX writes text as string
cells, never formulas, so it needs no `'`. JSON keeps every value as it is.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipecli.core.rows import Fields

FORMATS = ("csv", "json", "jsonl", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number, as a spreadsheet reads it (a value, never a formula): `-6.9`, `+3`, `-0`,
# `-1,200.50`, `-.5`, `1e-3`.
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII
)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        from pipecli.core.money import to_json

        return to_json(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if hasattr(value, "as_dict"):  # a typed row or record view (pipecli.core.rows)
        return jsonable(value.as_dict())
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def inert(text: str) -> str:
    """`text` as a spreadsheet shows it but never evaluates it: a leading `'` before text that
    starts with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP "CSV injection").

    Plain numbers (`-6.9`, `+3`, `-1,200.50`) are values, not formulas, and stay as they are.
    Text whose leading `'`s come before one of those characters (`'=x`) gets one `'` more, so
    the importer, which takes one `'` off such cells (`readers.unguard`), gets back `text`.
    """
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return _keep_quote(text)


def _keep_quote(text: str) -> str:
    """`text`, with one more `'` when its leading `'`s come before a formula character (`'=x`,
    `''-5`): the importer takes one off."""
    quoted = text.startswith("'") and text.lstrip("'").startswith(FORMULA_START)
    return "'" + text if quoted else text


def as_text(value: Any) -> str:
    """`value` as one line of text, as a cell shows it: the `--json` text; null empty, booleans
    `true`/`false`, lists joined with ';' (CSV cells and the CLI's tables)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(as_text(v) for v in value)
    out = jsonable(value)
    return out if isinstance(out, str) else str(out)


def cell(value: Any) -> str:
    """`value` as a CSV cell: the `--json` text, made inert."""
    return inert(as_text(value))


def write(fmt: str, rows: Iterable[Fields], fields: Sequence[str], out: Any) -> int:
    """Write `rows` to `out` (a text stream; a binary one or a path for xlsx); returns the count."""
    writer = {"csv": _csv, "json": _json, "jsonl": _jsonl, "xlsx": _xlsx}[fmt]
    return writer(rows, fields, out)


def _csv(rows: Iterable[Fields], fields: Sequence[str], out: IO[str]) -> int:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(fields)
    n = 0
    for row in rows:
        w.writerow([cell(row.get(f)) for f in fields])
        n += 1
    return n


def _json(rows: Iterable[Fields], fields: Sequence[str], out: IO[str]) -> int:
    out.write("[")
    n = 0
    for n, row in enumerate(rows, start=1):
        out.write(("," if n > 1 else "") + "\n  ")
        out.write(json.dumps(jsonable({f: row.get(f) for f in fields}), ensure_ascii=False))
    out.write("\n]\n" if n else "]\n")
    return n


def _jsonl(rows: Iterable[Fields], fields: Sequence[str], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(jsonable({f: row.get(f) for f in fields}), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n


def _xlsx(rows: Iterable[Fields], fields: Sequence[str], out: Any) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(fields))
    n = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, row.get(f)) for f in fields])
        n += 1
    book.save(out)
    return n


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """Whole numbers and dates as themselves, other values as text cells (money stays exact).

    Text is stored as a string cell, never a formula: a sheet shows `=1+1` and does not run it,
    so it needs no `'` (text like `'=x` still gets one `'` more, as in CSV, because the
    importer takes one off).
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; pipecli times are UTC
    if isinstance(value, date | time):
        return value
    from openpyxl.cell import WriteOnlyCell

    out = WriteOnlyCell(sheet, value=_keep_quote(as_text(value)))
    out.data_type = "s"
    return out
