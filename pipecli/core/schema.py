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
    `list[string]`, a StrEnum -> `string`."""
    args = get_args(hint)
    if type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return json_type(inner) + "?"
    if get_origin(hint) is list:
        return f"list[{json_type(args[0])}]"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return "string"
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
}


def kind_name(text: str) -> str | None:
    key = text.strip().lower()
    key = KIND_ALIASES.get(key, key)
    return key if key in SCHEMAS else None


def field_names(kind: str) -> list[str]:
    if kind in rows.ROWS:
        return rows.field_names(kind)
    return [f.name for f in SCHEMAS[kind]]


def _f(spec: str) -> list[FieldDoc]:
    """Fields written as `name | type | doc` lines: the quote kinds, whose views are not typed
    rows yet (their services build dicts; tests/cli/test_quotes.py holds keys and schema equal)."""
    out = []
    for line in filter(str.strip, spec.splitlines()):
        name, typ, text = (part.strip() for part in line.split("|"))
        out.append(FieldDoc(name, typ, text))
    return out


# --- products and quotes (pipe schema product|quote|quote_line) ---------------------------------

SCHEMAS["product"] = _f(
    """
id | integer | product id
uuid | string | stable identity across export and import
sku | string | stock-keeping unit, unique ignoring case
name | string | product name
unit | string? | unit sold: seat, hour, piece...
price | decimal | list price
currency | string | ISO 4217 code of the price
tax_rate | decimal | default tax rate, percent
active | boolean | offered on new quotes
notes | string? | free text
created_at | datetime | when it was added (UTC)
updated_at | datetime | when it last changed (UTC)
archived | boolean | deleted (archived) products are kept but hidden
"""
)
SCHEMAS["quote"] = _f(
    """
id | integer | quote id
uuid | string | stable identity across export and import
number | string | quote number: prefix, year, 4-digit sequence (-R2... for revisions)
revision | integer | 1 for the first version, 2 for -R2...
revision_of | string? | number of the quote this revision was copied from
status | string | draft, sent, accepted, declined or expired (sent, past valid_until)
deal_id | integer | the deal it prices
deal | string | deal title
account_id | integer? | bill-to account id
account | string? | bill-to account name
contact_id | integer? | bill-to contact id
contact | string? | bill-to contact name
contact_email | string? | bill-to contact's e-mail
owner | string? | who made it
currency | string | ISO 4217 code (the deal's)
tax_mode | string | exclusive (tax added) or inclusive (prices hold tax)
valid_until | date? | last day the offer stands
terms | string? | payment terms
line_count | integer | lines, optional ones included
subtotal | decimal | sum of the counted lines' nets
discount_percent | decimal? | quote discount in percent, when given as one
discount | decimal | quote discount amount
tax_total | decimal | sum of the taxes per rate
shipping | decimal | shipping, untaxed
grand_total | decimal | subtotal − discount + shipping (+ taxes when exclusive)
decline_reason | string? | why it was declined
sent_at | datetime? | when it was last sent (UTC)
accepted_at | datetime? | when it was accepted (UTC)
declined_at | datetime? | when it was declined (UTC)
notes | string? | free text
created_at | datetime | when it was made (UTC)
updated_at | datetime | when it last changed (UTC)
archived | boolean | deleted (archived) quotes are kept but hidden
lines | list[quote_line] | `show quote` only: the lines (pipe schema quote_line)
taxes | list[object] | `show quote` only: {rate, base, tax} per tax rate, rates ascending
"""
)
SCHEMAS["quote_line"] = _f(
    """
n | integer | line number as shown
sku | string? | product SKU, when from the catalogue
name | string | line text
unit | string? | unit
qty | decimal | quantity
unit_price | decimal | price per unit
tax_rate | decimal | tax rate, percent
discount_percent | decimal? | line discount in percent, when given as one
gross | decimal | round(qty × unit price)
discount | decimal | line discount amount
net | decimal | gross − discount
quote_discount | decimal | this line's share of the quote discount (largest remainder)
taxable | decimal | net − quote_discount (0 for optional lines)
optional | boolean | shown, not counted in any total
product_id | integer? | catalogue product id
"""
)
KIND_ALIASES.update({"products": "product", "quotes": "quote", "quote-line": "quote_line",
                     "quote_lines": "quote_line", "lines": "quote_line"})  # fmt: skip
