"""Exchange rates: `pipe fx set|list`, and converting report totals into one currency.

A rate says 1 `base` = `rate` `quote` from `valid_from` on. An amount in currency C is
converted into the report currency R with the C→R rate valid on its day: the latest with
valid_from <= that day; a pair's first rate also stands for the days before it (as the first
range of dated rates does in other CRMs), so one rate is enough to start. Only when no C→R rate
is stored at all are the R→C rates used, inverted; with neither the report refuses and names the
missing pair. The day is the close date for won and lost deals (what a deal was worth when it
closed does not move when tomorrow's rate is added) and the as-of day for open deals (what the
pipeline is worth now). Reports sum minor units per currency (and close day) in SQL, convert
each sum with its Decimal rate and round once, at the end, half-up to R's minor unit. Reports
never add two currencies without a rate.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
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
            f"fx: no exchange rate {base}/{quote}; "
            f"add one with `pipe fx set {base} {quote} RATE --date {day.isoformat()}`"
        )


RATE_MIN, RATE_MAX = Decimal("1e-9"), Decimal("1e9")


def parse_rate(text: str | Decimal) -> Decimal:
    try:
        rate = text if isinstance(text, Decimal) else Decimal(str(text).strip().replace("_", ""))
    except InvalidOperation:
        raise Invalid("rate", text, "is not a number (e.g. 7.12)") from None
    if not rate.is_finite() or rate <= 0:
        raise Invalid("rate", str(text), "must be a positive number")
    if not RATE_MIN <= rate <= RATE_MAX:
        raise Invalid("rate", str(text), "must be within 1e-9 … 1e9")
    rate = Decimal(format(rate, "f"))  # 1E+2 is stored and shown as 100
    if len(rate.as_tuple().digits) > 30:
        raise Invalid("rate", str(text), "has too many digits (at most 30)")
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
    row.rate = format(value, "f")
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
    """Converts amounts into `currency` with the rates valid on a day (default `day`)."""

    ctx: Ctx
    currency: str
    day: date
    _series: dict[str, tuple[list[date], list[Decimal]]] = field(default_factory=dict)

    def rate(self, source: str, on: date | None = None) -> Decimal:
        if source == self.currency:
            return Decimal(1)
        if source not in self._series:
            self._series[source] = self._load(source)
        days, rates = self._series[source]
        return rates[max(bisect_right(days, on or self.day) - 1, 0)]

    def _rates(self, base: str, quote: str) -> list[tuple[date, Decimal]]:
        rows = self.ctx.session.exec(
            select(FxRate)
            .where(FxRate.base == base, FxRate.quote == quote)
            .order_by(col(FxRate.valid_from))
        ).all()
        return [(r.valid_from, Decimal(r.rate)) for r in rows]

    def _load(self, source: str) -> tuple[list[date], list[Decimal]]:
        series = self._rates(source, self.currency) or [
            (day, Decimal(1) / rate) for day, rate in self._rates(self.currency, source)
        ]
        if not series:
            raise MissingRate(source, self.currency, self.day)
        return [day for day, _ in series], [rate for _, rate in series]

    def minor(self, minor_units: int | Decimal, source: str, on: date | None = None) -> Decimal:
        """`minor_units` of `source` in the report currency at the rate of `on` (default the
        converter's day), unrounded."""
        value = Decimal(minor_units) / Decimal(10 ** money.minor_units(source))
        return value * self.rate(source, on)

    def check(self, currencies: set[str]) -> None:
        """Refuse now if any of `currencies` has no rate (even when its amounts are zero)."""
        for cur in sorted(currencies):
            self.rate(cur)

    def by_day(self) -> bool:
        """Whether sums need splitting by close day: only when some rate is stored (without
        one, any other currency is refused anyway and the split would only cost time)."""
        return self.ctx.session.exec(select(FxRate.id).limit(1)).first() is not None


def close_day(value: date | datetime | str | None) -> date | None:
    """A close-day group key as either backend returns it (SQLite: text)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value[:10])
