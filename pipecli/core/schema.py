"""The public field names of every kind, as `--json`, `--csv` and `pipe schema KIND` show them.

Generated from the typed rows (`pipecli.core.rows`): a field's name, its type in JSON terms and
its documentation are written once, on the row class. These names are a contract with scripts:
add fields, never rename or drop one. JSON renders dates and times as ISO 8601 strings and money
as decimal strings; a type ending in `?` may be null.
"""

from __future__ import annotations

from dataclasses import Field
from enum import StrEnum
from typing import Any, NamedTuple, get_args, get_origin, get_type_hints

from pipecli.core import rows


class FieldDoc(NamedTuple):
    name: str
    type: str
    doc: str


_JSON_TYPES = {int: "integer", str: "string", bool: "boolean"}
_JSON_NAMES = {"Decimal": "decimal", "date": "date", "datetime": "datetime", "time": "time"}


def json_type(hint: Any) -> str:
    """A Python annotation in JSON terms: `int | None` -> `integer?`, `list[str]` ->
    `list[string]`, a StrEnum -> `string`, `list[QuoteLineRow]` -> `list[quote_line]` (a row
    of no kind of its own -> `object`)."""
    args = get_args(hint)
    if type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return json_type(inner) + "?"
    if get_origin(hint) is list:
        return f"list[{json_type(args[0])}]"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return "string"
    if isinstance(hint, type) and issubclass(hint, rows.Row):  # a nested row: its kind
        return hint.KIND if hint.KIND in rows.ROWS else "object"
    return _JSON_TYPES.get(hint) or _JSON_NAMES[hint.__name__]


def _docs(cls: type[rows.Row]) -> list[FieldDoc]:
    hints = get_type_hints(cls)
    fs: tuple[Field[Any], ...] = rows.columns(cls)
    return [FieldDoc(f.name, json_type(hints[f.name]), f.metadata["doc"]) for f in fs]


SCHEMAS: dict[str, list[FieldDoc]] = {kind: _docs(cls) for kind, cls in rows.ROWS.items()}

KIND_ALIASES = {
    "deals": "deal",
    "leads": "lead",
    "accounts": "account",
    "contacts": "contact",
    "tasks": "task",
    "activities": "activity",
    "stages": "stage",
    "pipelines": "pipeline",
    "users": "user",
    "products": "product",
    "quotes": "quote",
    "quote-line": "quote_line",
    "quote_lines": "quote_line",
    "lines": "quote_line",
}


def kind_name(text: str) -> str | None:
    key = text.strip().lower()
    key = KIND_ALIASES.get(key, key)
    return key if key in SCHEMAS else None


def field_names(kind: str) -> list[str]:
    return rows.field_names(kind)
