"""Money as Decimal, end to end: parsing what users type, storing it exactly, showing it.

A float cannot hold 0.10 exactly, and a pipeline total is a sum of many amounts, so money
never touches a float anywhere in pipecli: it is a `decimal.Decimal` from the moment it is
parsed until it is printed. In the database an amount is two columns, a BIGINT
`amount_minor` (the amount in integer minor units of its currency: cents for USD, yen for
JPY, fils for BHD) and `currency` (the ISO 4217 code), so `SUM(amount_minor)` is exact
integer arithmetic on both SQLite and PostgreSQL. This module converts between the three
forms — text, Decimal, minor units — and refuses anything it cannot convert exactly.

Rules for reading an amount (`parse_amount`, `parse_money`):

* `_`, `'` and spaces (including non-breaking and thin spaces) only ever group digits.
* When both `.` and `,` appear, the one that appears last is the decimal point and must
  appear once; the other groups digits: `1,234.56` and `1.234,56` are both 1234.56.
* A `.` or `,` that appears more than once groups digits: `1.234.567` is 1234567.
* A single `.` is the decimal point (`12.5`, `1234.500`), except in the ambiguous shape of 1 to
  3 digits not starting with 0, `.`, exactly 3 digits (`1.500`, `12.000`): that is 1500 when the
  amount is in euros (`€12.000` is 12000, as European prices write it), a decimal point when the
  currency has 3 decimals (`BHD 1.250`), and otherwise refused as ambiguous unless `decimal`
  says which (`--decimal` on import, `[defaults] decimal` in the config for typed amounts).
* `decimal` ("," or "."), when given, also decides the single-comma shape (`1,500` is 1.5 with
  `decimal=","`), and a number whose separators contradict it (`1,234.56` with `decimal=","`)
  is refused.
* A single `,` groups thousands when it looks like it does — 1 to 3 digits not starting
  with 0 before it, exactly 3 digits after it, no other grouping character in the number —
  and is the decimal point otherwise: `12,000` is 12000, `12,5` and `12 000,50` have
  decimals, `0,125` is 0.125.
* Groups are of three digits (`12,000,000`) or Indian lakh style (`1,00,00,000`).
* A `k`, `m` or `b` suffix (any case) multiplies by 10^3, 10^6, 10^9: `1.5m` is 1500000.
* A minus sign or parentheses make the amount negative: `-1200`, `(1,200.00)`, `$(5)`.
* A currency symbol or ISO code may come before or after the number: `$1,200`, `€ 99`,
  `1200 USD`, `100元`. `¥` alone is ambiguous between CNY and JPY, so it names no
  currency (the caller's default applies); `CN¥`, `RMB`, `元`, `￥` (full width) are CNY
  and `JP¥`, `円` are JPY.
* No exponents, no NaN or Infinity: the amount is built from its digits, never via float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from pipecli.core.errors import Invalid

# ISO 4217 list one, active codes, with their minor units (decimal places).
# Left out, because ISO gives them no minor unit ("N.A.") and they are not money a deal is
# priced in: precious metals XAU XAG XPT XPD, the SDR XDR, the bond-market units XBA XBB
# XBC XBD, SUCRE XSU, ADB unit XUA, and the testing/no-currency codes XTS XXX.
# Also left out, because they have been withdrawn: ANG (replaced by XCG, 2025), BGN (EUR,
# 2026), CUC (2021), HRK (EUR, 2023), SLL (SLE), ZWL (ZWG, 2024).
# Fund codes that do have minor units (BOV CHE CHW CLF COU MXV USN UYI UYW XAD) are kept.
# fmt: off
CURRENCIES: dict[str, int] = {
    "AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2,
    "AZN": 2, "BAM": 2, "BBD": 2, "BDT": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2,
    "BOB": 2, "BOV": 2, "BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2,
    "CAD": 2, "CDF": 2, "CHE": 2, "CHF": 2, "CHW": 2, "CLF": 4, "CLP": 0, "CNY": 2,
    "COP": 2, "COU": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2,
    "DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2,
    "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2, "GNF": 0, "GTQ": 2, "GYD": 2,
    "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IQD": 3,
    "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2,
    "KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2,
    "LKR": 2, "LRD": 2, "LSL": 2, "LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2,
    "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2, "MWK": 2, "MXN": 2,
    "MXV": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2,
    "NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2,
    "PYG": 0, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2,
    "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2, "SOS": 2, "SRD": 2,
    "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2, "TJS": 2, "TMT": 2,
    "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2, "UGX": 0,
    "USD": 2, "USN": 2, "UYI": 0, "UYU": 2, "UYW": 4, "UZS": 2, "VED": 2, "VES": 2,
    "VND": 0, "VUV": 0, "WST": 2, "XAD": 2, "XAF": 0, "XCD": 2, "XCG": 2, "XOF": 0,
    "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
}
# fmt: on

# Currency symbols and their code; None where the symbol is ambiguous (¥: CNY or JPY).
# Matched case-insensitively, so "us$" and "rmb" work too.
_SYMBOLS: dict[str, str | None] = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": None,
    "CN¥": "CNY",
    "RMB": "CNY",
    "元": "CNY",
    "￥": "CNY",  # full-width yen sign, as typed with a Chinese input method
    "JP¥": "JPY",
    "円": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "HK$": "HKD",
    "NT$": "TWD",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
}
_SYMBOL_CODES = {symbol.upper(): code for symbol, code in _SYMBOLS.items()}
_SYMBOL_ALTERNATIVES = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CURRENCY = rf"(?:{_SYMBOL_ALTERNATIVES}|[A-Za-z]{{3}})"  # longest symbol first, or a code
_PREFIX = re.compile(rf"(?P<cur>{_CURRENCY})(?![A-Za-z])\s*(?P<rest>.*)", re.IGNORECASE)
_SUFFIX = re.compile(rf"(?P<rest>.*?)\s*(?<![A-Za-z])(?P<cur>{_CURRENCY})", re.IGNORECASE)
_SIGN = re.compile(r"(?P<sign>[-+\u2212])\s*(?P<rest>.*)")
_PARENS = re.compile(r"\(\s*(?P<rest>.*?)\s*\)")
_MULTIPLIER = re.compile(r"(?P<rest>.*?)\s*(?P<mult>[kmb])", re.IGNORECASE)
_MULTIPLIERS = {"k": 3, "m": 6, "b": 9}
_BODY = re.compile(r"[0-9.,_' ]*[0-9][0-9.,_' ]*")
_GROUPERS = "_' "
_THOUSANDS_COMMA = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")
_THOUSANDS_DOT = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")
_FRACTION = re.compile(r"[0-9]+")
_GROUPED = (
    re.compile(r"[0-9]{1,3}(?:G[0-9]{3})+"),  # 12,000,000
    re.compile(r"[0-9]{1,2}(?:G[0-9]{2})+G[0-9]{3}"),  # Indian lakh/crore: 1,00,00,000
)
_MAX_TEXT = 100
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_INT64_DIGITS = len(str(_INT64_MAX))
# Wide enough that quantizing anything that fits a BIGINT never runs out of digits.
_CONTEXT = Context(prec=100, rounding=ROUND_HALF_UP)
DASH = "—"


def currency_code(text: str, *, field: str = "currency") -> str:
    """The ISO 4217 code `text` names (case and surrounding spaces ignored), or Invalid."""
    code = text.strip().upper()
    if code not in CURRENCIES:
        raise Invalid(field, text, "is not an ISO 4217 currency code")
    return code


def minor_units(currency: str) -> int:
    """How many decimal places the currency has: USD 2, JPY 0, BHD 3, CLF 4."""
    return CURRENCIES[currency_code(currency)]


DECIMALS = (",", ".")


def check_decimal(text: str | None, *, field: str = "decimal") -> str | None:
    """A decimal point setting: "," or ".", None when unset; anything else is Invalid."""
    if text is None or not str(text).strip():
        return None
    mark = str(text).strip()
    if mark not in DECIMALS:
        raise Invalid(field, text, "must be , or .")
    return mark


def parse_amount(
    text: str, *, field: str = "amount", allow_negative: bool = False, decimal: str | None = None
) -> Decimal:
    """The amount `text` states, as an exact Decimal; any currency it names is ignored."""
    return parse_money(text, field=field, allow_negative=allow_negative, decimal=decimal)[0]


def decimal_style(text: str) -> str | None:
    """What `text` says of its column's decimal point: "," or "." when its separators settle
    it (`250,5`, `1.234,56`, `1.234.567`; `12.5`, `1,234.56`), "?" for the ambiguous `1.500`
    shape (no currency settles it), None when it says nothing (`1200`, `12,000`)."""
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned or len(cleaned) > _MAX_TEXT:
        return None
    body, _, tokens = _split(cleaned)
    match = _MULTIPLIER.fullmatch(body)
    body = match["rest"] if match else body
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if dots > 1:
        return ","
    if commas > 1:
        return "."
    if dots == 1:
        if _THOUSANDS_DOT.fullmatch(body):
            return _dot_shape(tokens) or "?"
        return "."
    if commas == 1:
        if _THOUSANDS_COMMA.fullmatch(body):
            return None
        return ","
    return None


def _dot_shape(tokens: list[str]) -> str | None:
    """The decimal point the currency named settles for `1.500`: "," for euros, "." for a
    currency of 3 or more decimals, None otherwise (ambiguous)."""
    try:
        code = _currency(tokens, "amount", "")
    except Invalid:
        return None
    if code == "EUR":
        return ","
    if code is not None and CURRENCIES[code] >= 3:
        return "."
    return None


def parse_money(
    text: str, *, field: str = "amount", allow_negative: bool = False, decimal: str | None = None
) -> tuple[Decimal, str | None]:
    """The amount `text` states and the currency it names (None if none, or only `¥`).

    See the module docstring for the accepted forms. Raises Invalid(field, text, ...).
    """
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        raise Invalid(field, text, "must not be empty")
    if len(cleaned) > _MAX_TEXT:
        raise Invalid(field, text, "is too long")
    body, markers, tokens = _split(cleaned)
    point = decimal
    if point is None and _THOUSANDS_DOT.fullmatch(_MULTIPLIER.sub(r"\g<rest>", body, count=1)):
        point = _dot_shape(tokens)
        if point is None:
            whole, _, fraction = body.partition(".")
            raise Invalid(field, text, f"is ambiguous ({whole}{fraction}, or {whole} and a "
                          f"fraction .{fraction}?); write {whole}{fraction}, or set the decimal "
                          "point: --decimal , or . (import), [defaults] decimal "
                          "in the config")  # fmt: skip
    amount = _number(body, point) if len(markers) <= 1 else None
    if amount is None:
        raise Invalid(field, text, "is not an amount")
    currency = _currency(tokens, field, text)
    if markers and markers[0] != "+" and amount:
        if not allow_negative:
            raise Invalid(field, text, "must not be negative")
        amount = amount.copy_negate()
    return amount, currency


def _split(text: str) -> tuple[str, list[str], list[str]]:
    """Peel sign, parentheses and currency off `text`: (number, sign markers, currencies)."""
    markers: list[str] = []
    tokens: list[str] = []
    text = _peel(_PARENS, text, markers, "(")
    text = _peel(_SIGN, text, markers)
    text = _peel(_PREFIX, text, tokens)
    text = _peel(_SUFFIX, text, tokens)
    text = _peel(_SIGN, text, markers)
    text = _peel(_PARENS, text, markers, "(")
    return text, markers, tokens


def _peel(pattern: re.Pattern[str], text: str, found: list[str], mark: str = "") -> str:
    """If `pattern` matches all of `text`, note what it took off and return the rest."""
    match = pattern.fullmatch(text)
    if match is None:
        return text
    groups = match.groupdict()
    found.append(mark or groups.get("sign") or groups["cur"])
    return match["rest"]


def _currency(tokens: list[str], field: str, text: str) -> str | None:
    """The one currency the peeled symbols and codes name, None if they name none."""
    codes: set[str] = set()
    for token in tokens:
        key = token.upper()
        if key in _SYMBOL_CODES:
            code = _SYMBOL_CODES[key]
        elif key in CURRENCIES:
            code = key
        else:
            raise Invalid(field, text, f"names an unknown currency {token!r}")
        if code is not None:
            codes.add(code)
    if len(codes) > 1:
        raise Invalid(field, text, "names two different currencies")
    return codes.pop() if codes else None


def _number(text: str, point: str | None = None) -> Decimal | None:
    """The non-negative number in `text` (digits, separators, k/m/b), or None; `point` is the
    decimal point when known."""
    match = _MULTIPLIER.fullmatch(text)
    shift = _MULTIPLIERS[match["mult"].lower()] if match else 0
    body = match["rest"] if match else text
    if not _BODY.fullmatch(body):
        return None
    digits = _plain_digits(body, point)
    if digits is None:
        return None
    return _shift(Decimal(digits), shift)


def _plain_digits(body: str, known: str | None = None) -> str | None:
    """`body` rewritten as `123.45` by the separator rules, or None if they refuse it."""
    point = _decimal_point(body) if known is None else (known if known in body else "")
    if known is not None and point and body.rfind(point) < body.rfind("," if point == "." else "."):
        return None  # a grouping mark after the decimal point
    if point and body.count(point) > 1:
        return None
    whole, _, fraction = body.partition(point) if point else (body, "", "")
    if point and not _FRACTION.fullmatch(fraction):
        return None
    if not _grouping_ok(whole, allow_empty=bool(point)):
        return None
    whole = re.sub(r"[^0-9]", "", whole) or "0"
    return f"{whole}.{fraction}" if point else whole


def _decimal_point(body: str) -> str:
    """Which of `.` and `,` is the decimal point in `body`, "" if neither; see module rules."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if dots == 1:
        return "."
    if commas == 1:
        other_grouping = any(c in body for c in _GROUPERS)
        thousands = not other_grouping and _THOUSANDS_COMMA.fullmatch(body)
        return "" if thousands else ","
    return ""


def _grouping_ok(whole: str, *, allow_empty: bool) -> bool:
    """Whether the integer part is plain digits, or groups digits one consistent way."""
    if not whole:
        return allow_empty
    separators = set(re.sub(r"[0-9]", "", whole))
    if not separators:
        return True
    if len(separators) > 1:
        return False
    plain = whole.replace(separators.pop(), "G")
    return any(pattern.fullmatch(plain) for pattern in _GROUPED)


def _shift(amount: Decimal, places: int) -> Decimal:
    """`amount` times 10**places, exactly, written without an exponent."""
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite: built from digits
    exponent += places
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


AMOUNT_MAX = Decimal(10) ** 15
"""The largest amount a record holds, in any currency: far above any deal, far below overflow
(to_minor itself converts anything a BIGINT holds; sums and conversions may be larger)."""


def stored_minor(amount: Decimal, currency: str, *, field: str = "amount") -> int:
    """`to_minor` for an amount a record will hold: at most AMOUNT_MAX (10^15)."""
    if abs(_finite(amount, field)) > AMOUNT_MAX:
        raise Invalid(field, str(amount), "is more than 10^15 (1,000,000,000,000,000)")
    return to_minor(amount, currency, field=field)


def to_minor(amount: Decimal, currency: str, *, field: str = "amount") -> int:
    """`amount` in integer minor units of `currency` (12000.50 USD -> 1200050), exactly.

    Refuses amounts with more decimals than the currency has (10.005 USD, 5.5 JPY) and
    amounts whose minor units do not fit a signed 64-bit integer (BIGINT).
    """
    units = minor_units(currency)
    sign, digits, exponent = _finite(amount, field).as_tuple()
    assert isinstance(exponent, int)  # finite
    exponent += units
    kept, dropped = (digits, ()) if exponent >= 0 else (digits[:exponent], digits[exponent:])
    if any(dropped):
        reason = f"has more decimals than {currency_code(currency)} allows ({units})"
        raise Invalid(field, str(amount), reason)
    significant = "".join(map(str, kept)).lstrip("0")
    if len(significant) + max(exponent, 0) > _INT64_DIGITS and significant:
        raise Invalid(field, str(amount), "is too large to store")
    minor: int = int(significant or "0") * 10 ** max(exponent, 0)
    minor = -minor if sign else minor
    if not _INT64_MIN <= minor <= _INT64_MAX:
        raise Invalid(field, str(amount), "is too large to store")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """The Decimal amount `minor` minor units of `currency` make (1200000 USD -> 12000.00)."""
    sign = 1 if minor < 0 else 0
    return Decimal((sign, tuple(int(d) for d in str(abs(minor))), -minor_units(currency)))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor units (2.345 USD -> 2.35).

    Round once, at the end of a computation (weighted amounts, averages), never midway.
    """
    exponent = Decimal((0, (1,), -minor_units(currency)))
    try:
        rounded = _finite(amount, "amount").quantize(exponent, context=_CONTEXT)
    except InvalidOperation:
        raise Invalid("amount", str(amount), "is too large") from None
    return rounded.copy_abs() if rounded.is_zero() else rounded


def format_amount(amount: Decimal | None, currency: str, *, grouping: bool = True) -> str:
    """`amount` for people: `12,000.00` (JPY `12,000`), `-1,200.00`; None is `—`.

    Shown with exactly the currency's minor units, rounded half-up if it has more.
    """
    if amount is None:
        return DASH
    return format(quantize(amount, currency), ",f" if grouping else "f")


def format_money(amount: Decimal | None, currency: str) -> str:
    """`amount` with its currency code, `12,000.00 CNY`; None is `—` (no code)."""
    if amount is None:
        return DASH
    return f"{format_amount(amount, currency)} {currency_code(currency)}"


def to_json(amount: Decimal | None) -> str | None:
    """`amount` as a plain JSON string, never an exponent: `12000.00`, 1E+3 -> `1000`."""
    if amount is None:
        return None
    plain = _finite(amount, "amount")
    return format(plain.copy_abs() if plain.is_zero() else plain, "f")


def _finite(amount: Decimal, field: str) -> Decimal:
    """`amount` itself, or Invalid if it is NaN or infinite."""
    if not amount.is_finite():
        raise Invalid(field, str(amount), "is not a finite amount")
    return amount
