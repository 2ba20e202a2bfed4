"""What a user types for a quote, read exactly: discounts (`10%` or an amount), quantities,
tax modes and free text. Pure functions, no database; services call them before writing."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipecli.core import money, text
from pipecli.core.errors import Invalid
from pipecli.core.quotes.totals import TAX_MODES

_QTY = re.compile(r"[0-9]+(?:\.[0-9]{1,6})?")


def parse_discount(value: str, currency: str, field: str) -> tuple[str | None, int | None]:
    """`10%` -> a percent (0–100); `500`, `500 CNY` -> an amount in `currency`."""
    raw = value.strip()
    if raw.endswith("%"):
        try:
            pct = Decimal(raw[:-1].strip())
        except InvalidOperation:
            raise Invalid(field, value, "is not a percent (e.g. 10%)") from None
        if not pct.is_finite() or not 0 <= pct <= 100:
            raise Invalid(field, value, "must be a percent from 0 to 100")
        return str(pct), None
    amount, named = money.parse_money(raw, field=field)
    if named and named != currency:
        raise Invalid(field, value, f"is in {named}; the quote is in {currency}")
    return None, money.to_minor(amount, currency, field=field)


def parse_qty(value: str | Decimal) -> Decimal:
    raw = str(value).strip()
    if raw.startswith(("-", "\u2212")):
        raise Invalid("qty", value, "must not be negative")
    if not _QTY.fullmatch(raw):
        raise Invalid("qty", value, "is not a quantity (e.g. 40 or 1.5)")
    return Decimal(raw)


def free_text(field: str, value: str | None, multiline: bool = False) -> str | None:
    if value is None or not value.strip():
        return None
    limit = text.NOTE_MAX if multiline else text.NAME_MAX
    return text.check_text(field, value.strip(), max_len=limit, multiline=multiline)


def tax_mode(value: str) -> str:
    mode = value.strip().lower()
    if mode not in TAX_MODES:
        raise Invalid("tax mode", value, "must be exclusive or inclusive")
    return mode
