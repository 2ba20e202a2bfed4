"""A quote's totals, by the documented rules, in this order (README, "Quotes"):

1. line gross = round(qty × unit price); line discount = round(gross × p / 100) or the amount;
   line net = gross − line discount. Optional lines are shown but count nowhere below.
2. subtotal = Σ line nets; quote discount = round(subtotal × p / 100) or the amount.
3. The quote discount is spread over the counted lines in proportion to their nets by the
   largest-remainder method in minor units (ties go to the earlier line), so the shares add up
   exactly; taxable base per rate = Σ (line net − its share).
4. Exclusive: tax per rate = round(base × rate / 100). Inclusive (prices hold tax):
   tax per rate = round(base × rate / (100 + rate)).
5. Shipping is added after tax, untaxed.
6. grand total = subtotal − quote discount + shipping (+ the taxes when exclusive).

`round` is half-up to the currency's minor unit (pipecli.core.money.quantize), applied exactly
where named and nowhere else. Everything is Decimal; nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

from pipecli.core import money
from pipecli.core.errors import Invalid

TAX_MODES = ("exclusive", "inclusive")
HUNDRED = Decimal(100)
_DIV = Context(prec=60)  # divisions are rounded once, by quantize, never by the context


@dataclass(frozen=True)
class Discount:
    """A percent off (0–100) or an amount off; exactly one is set."""

    percent: Decimal | None = None
    amount: Decimal | None = None

    def of(self, base: Decimal, currency: str, field: str) -> Decimal:
        """The discount on `base`; Invalid if it is larger than the base or out of range."""
        if self.percent is not None:
            check_percent(field, self.percent)
            return money.quantize(base * self.percent / HUNDRED, currency)
        amount = self.amount or Decimal(0)
        if amount < 0:
            raise Invalid(field, str(amount), "must not be negative")
        if amount > base:
            shown = money.format_money(base, currency)
            raise Invalid(field, str(amount), f"is larger than what it applies to ({shown})")
        return money.quantize(amount, currency)


@dataclass(frozen=True)
class LineIn:
    qty: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal(0)
    discount: Discount | None = None
    optional: bool = False


@dataclass(frozen=True)
class LineOut:
    gross: Decimal
    discount: Decimal
    net: Decimal
    share: Decimal  # of the quote discount; 0 for optional lines
    taxable: Decimal  # net − share; 0 for optional lines
    tax_rate: Decimal
    optional: bool


@dataclass(frozen=True)
class TaxRow:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    tax_mode: str
    lines: tuple[LineOut, ...]
    subtotal: Decimal
    discount: Decimal
    taxes: tuple[TaxRow, ...]
    tax_total: Decimal
    shipping: Decimal
    grand_total: Decimal


def check_percent(field: str, value: Decimal) -> Decimal:
    if not value.is_finite() or not 0 <= value <= 100:
        raise Invalid(field, str(value), "must be a percent from 0 to 100")
    return value


def check_rate(field: str, value: Decimal) -> Decimal:
    if not value.is_finite() or not 0 <= value <= 100:
        raise Invalid(field, str(value), "must be a tax rate from 0 to 100 (percent)")
    return value


def line_out(line: LineIn, currency: str, n: int = 1) -> LineOut:
    """Step 1 for one line (numbered `n` in errors), before the quote discount."""
    if line.qty < 0:
        raise Invalid(f"line {n} qty", str(line.qty), "must not be negative")
    if line.unit_price < 0:
        raise Invalid(f"line {n} price", str(line.unit_price), "must not be negative")
    check_rate(f"line {n} tax", line.tax_rate)
    gross = money.quantize(line.qty * line.unit_price, currency)
    zero = money.quantize(Decimal(0), currency)
    off = line.discount.of(gross, currency, f"line {n} discount") if line.discount else zero
    return LineOut(gross, off, gross - off, zero, zero, line.tax_rate, line.optional)


def spread(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (all ≥ 0) in whole units, by largest
    remainder: each gets the floor of its exact share, and the units left over go one each to
    the largest fractional parts (the earlier on a tie). The parts add up to `total`."""
    whole = sum(weights)
    if total == 0 or whole == 0:
        if total:
            raise ValueError("cannot spread an amount over nothing")
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def compute(
    lines: list[LineIn],
    currency: str,
    *,
    discount: Discount | None = None,
    shipping: Decimal = Decimal(0),
    tax_mode: str = "exclusive",
) -> Totals:
    """The totals of a quote, by the rules in the module docstring."""
    if tax_mode not in TAX_MODES:
        raise Invalid("tax mode", tax_mode, "must be exclusive or inclusive")
    if shipping < 0:
        raise Invalid("shipping", str(shipping), "must not be negative")
    outs = [line_out(line, currency, n) for n, line in enumerate(lines, start=1)]
    counted = [i for i, o in enumerate(outs) if not o.optional]
    subtotal = sum((outs[i].net for i in counted), Decimal(0))
    subtotal = money.quantize(subtotal, currency)
    off = discount.of(subtotal, currency, "quote discount") if discount else Decimal(0)
    off, shipping = money.quantize(off, currency), money.quantize(shipping, currency)
    nets = [money.to_minor(outs[i].net, currency) for i in counted]
    shares = spread(money.to_minor(off, currency), nets)
    for i, share_minor in zip(counted, shares, strict=True):
        share = money.from_minor(share_minor, currency)
        o = outs[i]
        outs[i] = LineOut(o.gross, o.discount, o.net, share, o.net - share, o.tax_rate, False)
    taxes = _taxes([outs[i] for i in counted], currency, tax_mode)
    tax_total = sum((t.tax for t in taxes), money.quantize(Decimal(0), currency))
    grand = subtotal - off + shipping + (tax_total if tax_mode == "exclusive" else 0)
    return Totals(currency, tax_mode, tuple(outs), subtotal, off, taxes, tax_total,
                  shipping, grand)  # fmt: skip


def _taxes(counted: list[LineOut], currency: str, tax_mode: str) -> tuple[TaxRow, ...]:
    bases: dict[Decimal, Decimal] = {}
    for o in counted:
        key = o.tax_rate.normalize()
        bases[key] = bases.get(key, Decimal(0)) + o.taxable
    rows = []
    for rate in sorted(bases):
        base = bases[rate]
        divisor = HUNDRED if tax_mode == "exclusive" else HUNDRED + rate
        tax = money.quantize(_DIV.divide(base * rate, divisor), currency)
        rows.append(TaxRow(_plain(rate), base, tax))
    return tuple(rows)


def _plain(rate: Decimal) -> Decimal:
    """13 rather than 1.3E+1: a normalized rate written without an exponent."""
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate
