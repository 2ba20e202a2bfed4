"""Exchange rates: `pipe fx set|list`, and converting report totals into one currency.

A rate says 1 `base` = `rate` `quote` from `valid_from` on. Converting an amount from C to the
report currency R on day D uses the latest C→R rate with valid_from <= D, or else the latest
R→C rate (divided); with neither the report refuses and names the missing pair. Reports sum
minor units per currency in SQL, convert each sum with its Decimal rate and round once, at
the end, half-up to R's minor unit. Reports never add two currencies without a rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import col, select

from pipecli.core import money
from pipecli.core.errors import EXIT_NOT_FOUND, Invalid, PipeError
from pipecli.core.models import FxRate
from pipecli.core.services import common
from pipecli.core.services.context import Ctx


class MissingRate(PipeError):
    """A report needs an exchange rate that is not in the table."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, base: str, quote: str, day: date) -> None:
        self.pair = f"{base}/{quote}"
        super().__init__(
            f"fx: no exchange rate {base}/{quote} on or before {day.isoformat()}; "
            f"add one with `pipe fx set {base} {quote} RATE --date {day.isoformat()}`"
        )


def parse_rate(text: str | Decimal) -> Decimal:
    try:
        rate = text if isinstance(text, Decimal) else Decimal(str(text).strip().replace("_", ""))
    except InvalidOperation:
        raise Invalid("rate", text, "is not a number (e.g. 7.12)") from None
    if not rate.is_finite() or rate <= 0:
        raise Invalid("rate", str(text), "must be a positive number")
    return rate


def set_rate(
    ctx: Ctx, base: str, quote: str, rate: str | Decimal, on: str | date | None = None
) -> FxRate:
    """Store 1 base = rate quote from `on` (default today); replaces that day's rate."""
    b = money.currency_code(base, field="base")
    q = money.currency_code(quote, field="quote")
    if b == q:
        raise Invalid("quote", quote, f"is the same currency as base {b}")
    value = parse_rate(rate)
    day = common.as_date(ctx, on, "date") or ctx.today
    row = ctx.session.exec(
        select(FxRate).where(FxRate.base == b, FxRate.quote == q, FxRate.valid_from == day)
    ).first()
    if row is None:
        row = FxRate(base=b, quote=q, rate="", valid_from=day, created_at=ctx.now)
    row.rate = str(value)
    ctx.session.add(row)
    ctx.session.flush()
    return row


def list_rates(ctx: Ctx) -> list[dict[str, object]]:
    rows = ctx.session.exec(
        select(FxRate).order_by(col(FxRate.base), col(FxRate.quote), col(FxRate.valid_from).desc())
    )
    return [
        {"base": r.base, "quote": r.quote, "rate": Decimal(r.rate), "valid_from": r.valid_from}
        for r in rows
    ]


@dataclass
class Converter:
    """Converts amounts into `currency` with the rates valid on `day`."""

    ctx: Ctx
    currency: str
    day: date
    _rates: dict[str, Decimal] = field(default_factory=dict)

    def rate(self, source: str) -> Decimal:
        if source == self.currency:
            return Decimal(1)
        if source not in self._rates:
            self._rates[source] = self._lookup(source)
        return self._rates[source]

    def _latest(self, base: str, quote: str) -> Decimal | None:
        row = self.ctx.session.exec(
            select(FxRate)
            .where(FxRate.base == base, FxRate.quote == quote, FxRate.valid_from <= self.day)
            .order_by(col(FxRate.valid_from).desc())
        ).first()
        return None if row is None else Decimal(row.rate)

    def _lookup(self, source: str) -> Decimal:
        direct = self._latest(source, self.currency)
        if direct is not None:
            return direct
        inverse = self._latest(self.currency, source)
        if inverse is not None:
            return Decimal(1) / inverse
        raise MissingRate(source, self.currency, self.day)

    def minor(self, minor_units: int | Decimal, source: str) -> Decimal:
        """`minor_units` of `source` in the report currency, unrounded."""
        value = Decimal(minor_units) / (10 ** money.minor_units(source))
        return value * self.rate(source)

    def check(self, currencies: set[str]) -> None:
        """Refuse now if any of `currencies` has no rate (even when its amounts are zero)."""
        for cur in sorted(currencies):
            self.rate(cur)
