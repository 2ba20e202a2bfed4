"""pipecli.core.money: parsing, minor units, rounding and formatting, all exact Decimal."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from pipecli.core.errors import EXIT_INVALID, Invalid
from pipecli.core.money import (
    CURRENCIES,
    currency_code,
    decimal_style,
    format_amount,
    format_money,
    from_minor,
    minor_units,
    parse_amount,
    parse_money,
    quantize,
    to_json,
    to_minor,
)

D = Decimal

# --- the currency table ----------------------------------------------------------------

COMMON_CURRENCIES = {
    "USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "HKD": 2, "TWD": 2, "SGD": 2, "INR": 2,
    "AUD": 2, "NZD": 2, "CAD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2,
    "CZK": 2, "HUF": 2, "MXN": 2, "BRL": 2, "ZAR": 2, "IDR": 2, "THB": 2, "AED": 2,
    "SAR": 2, "TRY": 2, "JPY": 0, "KRW": 0, "ISK": 0, "VND": 0, "CLP": 0, "PYG": 0,
    "UGX": 0, "XOF": 0, "XAF": 0, "XPF": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3,
    "TND": 3, "IQD": 3, "LYD": 3, "CLF": 4, "UYW": 4,
}  # fmt: skip

NO_MINOR_UNIT = ["XAU", "XAG", "XPT", "XPD", "XDR", "XXX", "XTS", "XBA", "XBB", "XBC", "XBD",
                 "XSU", "XUA"]  # fmt: skip


@pytest.mark.parametrize(("code", "units"), sorted(COMMON_CURRENCIES.items()))
def test_common_currencies_have_their_minor_units(code: str, units: int) -> None:
    assert CURRENCIES[code] == units
    assert minor_units(code) == units


@pytest.mark.parametrize("code", NO_MINOR_UNIT)
def test_codes_without_minor_units_are_left_out(code: str) -> None:
    assert code not in CURRENCIES


def test_currency_table_is_the_whole_active_list() -> None:
    assert 150 <= len(CURRENCIES) <= 185
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in CURRENCIES)
    assert set(CURRENCIES.values()) == {0, 2, 3, 4}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("USD", "USD"), ("usd", "USD"), (" eur ", "EUR"), ("Jpy", "JPY"), ("clf", "CLF")],
)
def test_currency_code_normalises(text: str, expected: str) -> None:
    assert currency_code(text) == expected


@pytest.mark.parametrize("text", ["", "US", "USDX", "XYZ", "XAU", "$", "dollar", "U SD"])
def test_currency_code_refuses(text: str) -> None:
    with pytest.raises(Invalid) as info:
        currency_code(text, field="deal.currency")
    assert info.value.field == "deal.currency"
    assert info.value.value == text
    assert "is not an ISO 4217 currency code" in str(info.value)
    assert info.value.exit_code == EXIT_INVALID


def test_minor_units_refuses_unknown_code() -> None:
    with pytest.raises(Invalid, match="currency: 'ABC' is not an ISO 4217 currency code"):
        minor_units("ABC")


# --- parsing ---------------------------------------------------------------------------

ACCEPTED: list[tuple[str, Decimal, str | None]] = [
    # plain numbers
    ("12000", D("12000"), None),
    ("12000.50", D("12000.50"), None),
    ("0", D("0"), None),
    ("0.1", D("0.1"), None),
    (".5", D("0.5"), None),
    ("007", D("7"), None),
    ("+7", D("7"), None),
    ("  42  ", D("42"), None),
    ("12345678901234567890.12", D("12345678901234567890.12"), None),
    # grouping and decimal separators
    ("12,000.50", D("12000.50"), None),
    ("12,000", D("12000"), None),
    ("1,234,567", D("1234567"), None),
    ("1,234,567.89", D("1234567.89"), None),
    ("1.234,56", D("1234.56"), None),
    ("1.234.567,89", D("1234567.89"), None),
    ("1.234.567", D("1234567"), None),
    ("1.5", D("1.5"), None),
    ("1234.500", D("1234.500"), None),
    ("€12.000", D("12000"), "EUR"),
    ("12.000 EUR", D("12000"), "EUR"),
    ("12,5", D("12.5"), None),
    ("99,95", D("99.95"), None),
    ("0,125", D("0.125"), None),
    ("1234,567", D("1234.567"), None),
    ("12 000", D("12000"), None),
    ("12 000,50", D("12000.50"), None),
    ("12 000.50", D("12000.50"), None),
    ("1 234,567", D("1234.567"), None),
    ("12\u00a0000,50", D("12000.50"), None),
    ("12\u202f000,50", D("12000.50"), None),
    ("1\u2009000", D("1000"), None),
    ("1_000", D("1000"), None),
    ("1_000_000.25", D("1000000.25"), None),
    ("1'234.50", D("1234.50"), None),
    ("1,00,000", D("100000"), None),
    ("12,34,56,789", D("123456789"), None),
    # multipliers
    ("12k", D("12000"), None),
    ("12K", D("12000"), None),
    ("1.5m", D("1500000"), None),
    ("2M", D("2000000"), None),
    ("1.2b", D("1200000000"), None),
    ("1.2B", D("1200000000"), None),
    ("0.1k", D("100"), None),
    ("1.2345k", D("1234.5"), None),
    ("2.5 k", D("2500"), None),
    ("1,5k", D("1500"), None),
    # currency symbols and codes, before or after
    ("$1,200", D("1200"), "USD"),
    ("$ 1,200.50", D("1200.50"), "USD"),
    ("1200$", D("1200"), "USD"),
    ("US$5", D("5"), "USD"),
    ("us$5", D("5"), "USD"),
    ("1200 USD", D("1200"), "USD"),
    ("1200USD", D("1200"), "USD"),
    ("USD 1200", D("1200"), "USD"),
    ("usd1200", D("1200"), "USD"),
    ("5 jpy", D("5"), "JPY"),
    ("€ 99", D("99"), "EUR"),
    ("99 €", D("99"), "EUR"),
    ("1.234,56 €", D("1234.56"), "EUR"),
    ("£3.50", D("3.50"), "GBP"),
    ("¥1,200", D("1200"), None),
    ("CN¥1,200", D("1200"), "CNY"),
    ("cn¥1,200", D("1200"), "CNY"),
    ("RMB 100", D("100"), "CNY"),
    ("rmb100", D("100"), "CNY"),
    ("100元", D("100"), "CNY"),
    ("100 元", D("100"), "CNY"),
    ("￥100", D("100"), "CNY"),
    ("JP¥500", D("500"), "JPY"),
    ("500円", D("500"), "JPY"),
    ("¥500 JPY", D("500"), "JPY"),
    ("¥500 CNY", D("500"), "CNY"),
    ("$5 USD", D("5"), "USD"),
    ("₩1,000,000", D("1000000"), "KRW"),
    ("₹1,00,000", D("100000"), "INR"),
    ("HK$10", D("10"), "HKD"),
    ("NT$10", D("10"), "TWD"),
    ("S$10", D("10"), "SGD"),
    ("A$10", D("10"), "AUD"),
    ("C$10", D("10"), "CAD"),
    ("NZ$10", D("10"), "NZD"),
    ("$1.5M", D("1500000"), "USD"),
    ("1.5m USD", D("1500000"), "USD"),
    ("€2k", D("2000"), "EUR"),
    ("BHD 1.250", D("1.250"), "BHD"),
    # zero is never negative
    ("-0", D("0"), None),
    ("(0.00)", D("0.00"), None),
]


@pytest.mark.parametrize(("text", "amount", "currency"), ACCEPTED)
def test_parse_money_accepts(text: str, amount: Decimal, currency: str | None) -> None:
    parsed, named = parse_money(text)
    assert isinstance(parsed, Decimal)
    assert parsed == amount
    exponent = parsed.as_tuple().exponent
    assert isinstance(exponent, int) and exponent <= 0  # never an exponent form like 1.5E+6
    assert not parsed.is_signed()
    assert named == currency


@pytest.mark.parametrize(("text", "amount", "currency"), ACCEPTED)
def test_parse_amount_is_parse_money_without_currency(
    text: str, amount: Decimal, currency: str | None
) -> None:
    assert parse_amount(text) == amount


NEGATIVE: list[tuple[str, Decimal, str | None]] = [
    ("-1200", D("-1200"), None),
    ("- 1200", D("-1200"), None),
    ("\u22121200", D("-1200"), None),
    ("(1,200.00)", D("-1200.00"), None),
    ("( 1,200.00 )", D("-1200.00"), None),
    ("-$1,200", D("-1200"), "USD"),
    ("$-1,200", D("-1200"), "USD"),
    ("$(1,200)", D("-1200"), "USD"),
    ("($1,200)", D("-1200"), "USD"),
    ("(1,200) USD", D("-1200"), "USD"),
    ("-1.5k", D("-1500"), None),
    ("-1 200,50 €", D("-1200.50"), "EUR"),
]


@pytest.mark.parametrize(("text", "amount", "currency"), NEGATIVE)
def test_negative_amounts_when_allowed(text: str, amount: Decimal, currency: str | None) -> None:
    assert parse_money(text, allow_negative=True) == (amount, currency)


@pytest.mark.parametrize(("text", "amount", "currency"), NEGATIVE)
def test_negative_amounts_refused_by_default(
    text: str, amount: Decimal, currency: str | None
) -> None:
    with pytest.raises(Invalid) as info:
        parse_amount(text, field="deal.amount")
    assert info.value.field == "deal.amount"
    assert str(info.value) == f"deal.amount: {text!r} must not be negative"


REFUSED: list[tuple[str, str]] = [
    # nothing there
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    ("\u00a0", "must not be empty"),
    ("1" * 101, "is too long"),
    # not numbers
    ("abc", "is not an amount"),
    ("NaN", "is not an amount"),
    ("nan", "is not an amount"),
    ("sNaN", "is not an amount"),
    ("Infinity", "is not an amount"),
    ("-Infinity", "is not an amount"),
    ("inf", "is not an amount"),
    ("1e5", "is not an amount"),
    ("1E+3", "is not an amount"),
    ("0x10", "is not an amount"),
    ("½", "is not an amount"),
    ("１２", "is not an amount"),
    ("5%", "is not an amount"),
    ("12 dollars", "is not an amount"),
    ("$", "is not an amount"),
    ("k", "is not an amount"),
    ("USD", "is not an amount"),
    ("12kk", "is not an amount"),
    ("12x", "is not an amount"),
    ("12kUSD", "is not an amount"),
    # separators that do not follow the rules
    ("1.2.3", "is not an amount"),
    ("1,2,3", "is not an amount"),
    ("1,234.56.7", "is not an amount"),
    ("1.234,56,7", "is not an amount"),
    ("1..2", "is not an amount"),
    ("1,,000", "is not an amount"),
    ("12,345,67", "is not an amount"),
    ("1234,567,890", "is not an amount"),
    ("1,00,0000", "is not an amount"),
    ("1 234.567,89", "is not an amount"),
    ("1 2", "is not an amount"),
    ("1__000", "is not an amount"),
    ("_1000", "is not an amount"),
    ("1000_", "is not an amount"),
    ("5.", "is not an amount"),
    ("12,", "is not an amount"),
    (".", "is not an amount"),
    (",5.", "is not an amount"),
    ("1.000 000", "is not an amount"),
    ("0.1 5", "is not an amount"),
    # signs and parentheses
    ("--5", "is not an amount"),
    ("+-5", "is not an amount"),
    ("-(5)", "is not an amount"),
    ("((5))", "is not an amount"),
    ("(5", "is not an amount"),
    ("5-", "is not an amount"),
    # currencies
    ("100 XYZ", "names an unknown currency 'XYZ'"),
    ("abc100", "names an unknown currency 'abc'"),
    ("100 XAU", "names an unknown currency 'XAU'"),
    ("$5 EUR", "names two different currencies"),
    ("€5 GBP", "names two different currencies"),
    # negative by default
    ("-5", "must not be negative"),
    ("(5)", "must not be negative"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_parse_money_refuses(text: str, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        parse_money(text, field="price")
    err = info.value
    assert err.field == "price"
    assert err.value == text
    assert err.reason == reason
    assert "\n" not in str(err)
    if text:
        assert str(err) == f"price: {text!r} {reason}"


def test_parse_amount_uses_default_field() -> None:
    with pytest.raises(Invalid) as info:
        parse_amount("oops")
    assert info.value.field == "amount"
    assert str(info.value) == "amount: 'oops' is not an amount"


def test_no_float_anywhere() -> None:
    assert parse_amount("0.1") + parse_amount("0.2") == D("0.3")
    assert parse_amount("0.1k") == D("100")
    assert parse_amount("1.1m") == D("1100000")
    big = "98765432109876543.21"
    assert str(parse_amount(big)) == big  # 19 significant digits: a float would lose some
    assert sum(parse_amount("0.01") for _ in range(1000)) == D("10.00")


# --- minor units ------------------------------------------------------------------------

ROUND_TRIPS: list[tuple[str, str, int]] = [
    ("12000.50", "USD", 1200050),
    ("12000.00", "USD", 1200000),
    ("0.01", "USD", 1),
    ("0.00", "USD", 0),
    ("-1200.00", "USD", -120000),
    ("92233720368547758.07", "USD", 2**63 - 1),
    ("-92233720368547758.08", "USD", -(2**63)),
    ("12000", "JPY", 12000),
    ("1", "JPY", 1),
    ("0", "JPY", 0),
    ("-500", "JPY", -500),
    ("9223372036854775807", "JPY", 2**63 - 1),
    ("1.250", "BHD", 1250),
    ("0.001", "BHD", 1),
    ("-0.005", "BHD", -5),
    ("123456.789", "BHD", 123456789),
    ("1.0000", "CLF", 10000),
    ("0.0001", "CLF", 1),
    ("39123.4567", "CLF", 391234567),
    ("-2.5000", "CLF", -25000),
]


@pytest.mark.parametrize(("amount", "currency", "minor"), ROUND_TRIPS)
def test_minor_unit_round_trip(amount: str, currency: str, minor: int) -> None:
    assert to_minor(D(amount), currency) == minor
    back = from_minor(minor, currency)
    assert back == D(amount)
    assert str(back) == amount  # quantized to the currency's minor units
    assert back.as_tuple().exponent == -minor_units(currency)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12000.5", "USD", 1200050),
        ("12000.500", "USD", 1200050),
        ("1E+3", "USD", 100000),
        ("1E+3", "JPY", 1000),
        ("5.000", "JPY", 5),
        ("-0", "USD", 0),
        ("0E-10", "USD", 0),
        ("1.2", "BHD", 1200),
    ],
)
def test_to_minor_accepts_any_exact_form(amount: str, currency: str, minor: int) -> None:
    assert to_minor(D(amount), currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency", "reason"),
    [
        ("10.005", "USD", "has more decimals than USD allows (2)"),
        ("0.001", "usd", "has more decimals than USD allows (2)"),
        ("5.5", "JPY", "has more decimals than JPY allows (0)"),
        ("0.1", "KRW", "has more decimals than KRW allows (0)"),
        ("1.2345", "BHD", "has more decimals than BHD allows (3)"),
        ("1.00001", "CLF", "has more decimals than CLF allows (4)"),
        ("92233720368547758.08", "USD", "is too large to store"),
        ("-92233720368547758.09", "USD", "is too large to store"),
        ("9223372036854775808", "JPY", "is too large to store"),
        ("1E+30", "USD", "is too large to store"),
        ("1E+100000000", "USD", "is too large to store"),
        ("NaN", "USD", "is not a finite amount"),
        ("Infinity", "USD", "is not a finite amount"),
        ("-Infinity", "USD", "is not a finite amount"),
    ],
)
def test_to_minor_refuses(amount: str, currency: str, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        to_minor(D(amount), currency, field="deal.amount")
    assert info.value.field == "deal.amount"
    assert str(info.value) == f"deal.amount: {amount!r} {reason}"


def test_to_minor_refuses_unknown_currency() -> None:
    with pytest.raises(Invalid, match="currency: 'ABC' is not an ISO 4217 currency code"):
        to_minor(D("1"), "ABC")


@pytest.mark.parametrize(
    ("minor", "currency", "expected"),
    [
        (1200000, "USD", "12000.00"),
        (1200000, "usd", "12000.00"),
        (5, "USD", "0.05"),
        (-5, "USD", "-0.05"),
        (0, "USD", "0.00"),
        (1200000, "JPY", "1200000"),
        (1, "BHD", "0.001"),
        (1, "CLF", "0.0001"),
    ],
)
def test_from_minor(minor: int, currency: str, expected: str) -> None:
    assert str(from_minor(minor, currency)) == expected


@pytest.mark.parametrize("currency", ["USD", "JPY", "BHD", "CLF"])
def test_round_trip_sweep(currency: str) -> None:
    """Seeded pseudo-random sweep; the hypothesis test below is the general version."""
    rng = random.Random(4217)
    units = minor_units(currency)
    for _ in range(2000):
        minor = rng.randint(-(2**63), 2**63 - 1) >> rng.randint(0, 62)
        amount = D(minor).scaleb(-units)
        assert to_minor(amount, currency) == minor
        assert from_minor(to_minor(amount, currency), currency) == amount


def test_round_trip_property() -> None:
    pytest.importorskip("hypothesis")
    from hypothesis import given
    from hypothesis import strategies as st

    @given(
        currency=st.sampled_from(sorted(CURRENCIES)),
        minor=st.integers(min_value=-(2**63), max_value=2**63 - 1),
        trailing_zeros=st.integers(min_value=0, max_value=4),
    )
    def round_trips(currency: str, minor: int, trailing_zeros: int) -> None:
        units = minor_units(currency)
        # any Decimal with <= `units` decimals: fewer decimals, or extra trailing zeros
        amount = D(minor).scaleb(-units)
        padded = amount.quantize(D(1).scaleb(-units - trailing_zeros))
        for value in (amount, amount.normalize(), padded):
            assert from_minor(to_minor(value, currency), currency) == value

    round_trips()


# --- rounding and formatting ------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "USD", "2.35"),
        ("2.344", "USD", "2.34"),
        ("-2.345", "USD", "-2.35"),
        ("-2.344", "USD", "-2.34"),
        ("2.3449999", "USD", "2.34"),
        ("2.355", "USD", "2.36"),
        ("2.365", "USD", "2.37"),
        ("2", "USD", "2.00"),
        ("1E+3", "USD", "1000.00"),
        ("-0.001", "USD", "0.00"),
        ("0.5", "JPY", "1"),
        ("1.5", "JPY", "2"),
        ("2.5", "JPY", "3"),
        ("-2.5", "JPY", "-3"),
        ("1.2345", "BHD", "1.235"),
        ("1.23445", "CLF", "1.2345"),
        ("33333.333333333333333333333333", "USD", "33333.33"),
    ],
)
def test_quantize_rounds_half_up(amount: str, currency: str, expected: str) -> None:
    assert str(quantize(D(amount), currency)) == expected


def test_quantize_refuses_non_finite() -> None:
    with pytest.raises(Invalid, match="is not a finite amount"):
        quantize(D("NaN"), "USD")


@pytest.mark.parametrize(
    ("amount", "currency", "grouping", "expected"),
    [
        (D("12000"), "USD", True, "12,000.00"),
        (D("12000.5"), "USD", True, "12,000.50"),
        (D("12000"), "JPY", True, "12,000"),
        (D("12000"), "CNY", True, "12,000.00"),
        (D("-1200"), "USD", True, "-1,200.00"),
        (D("0"), "USD", True, "0.00"),
        (D("-0.00"), "USD", True, "0.00"),
        (D("999.999"), "USD", True, "1,000.00"),
        (D("1234567.891"), "BHD", True, "1,234,567.891"),
        (D("1234567.891"), "BHD", False, "1234567.891"),
        (D("12000"), "USD", False, "12000.00"),
        (D("1E+6"), "KRW", True, "1,000,000"),
        (None, "USD", True, "—"),
        (None, "JPY", False, "—"),
    ],
)
def test_format_amount(
    amount: Decimal | None, currency: str, grouping: bool, expected: str
) -> None:
    assert format_amount(amount, currency, grouping=grouping) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (D("12000"), "CNY", "12,000.00 CNY"),
        (D("12000"), "cny", "12,000.00 CNY"),
        (D("12000"), "JPY", "12,000 JPY"),
        (D("-1200.5"), "EUR", "-1,200.50 EUR"),
        (D("0.125"), "KWD", "0.125 KWD"),
        (None, "USD", "—"),
    ],
)
def test_format_money(amount: Decimal | None, currency: str, expected: str) -> None:
    assert format_money(amount, currency) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("12000.00"), "12000.00"),
        (D("1E+3"), "1000"),
        (D("1.5E+6"), "1500000"),
        (D("1.5E-7"), "0.00000015"),
        (D("-1200.50"), "-1200.50"),
        (D("-0.00"), "0.00"),
        (D("0"), "0"),
        (None, None),
    ],
)
def test_to_json(amount: Decimal | None, expected: str | None) -> None:
    assert to_json(amount) == expected


def test_to_json_refuses_non_finite() -> None:
    with pytest.raises(Invalid, match="is not a finite amount"):
        to_json(D("Infinity"))


# --- the ambiguous `1.500` shape and a known decimal point ---------------------------------


@pytest.mark.parametrize("text", ["1.500", "12.000", "$1.500", "100.000", "1.500k"])
def test_a_lone_dot_before_three_digits_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_money(text)
    assert "is ambiguous" in err.value.reason and "--decimal" in err.value.reason


@pytest.mark.parametrize(
    ("text", "decimal", "amount"),
    [
        ("1.500", ",", D("1500")),
        ("1.500", ".", D("1.500")),
        ("1,500", ",", D("1.500")),
        ("1,500", ".", D("1500")),
        ("1.234,56", ",", D("1234.56")),
        ("1 234,56", ",", D("1234.56")),
        ("1,234.56", ".", D("1234.56")),
        ("€12.000", ".", D("12.000")),
    ],
)
def test_a_known_decimal_point_settles_the_shape(text: str, decimal: str, amount: D) -> None:
    assert parse_money(text, decimal=decimal)[0] == amount


@pytest.mark.parametrize(("text", "decimal"), [("1,234.56", ","), ("1.234,56", "."), ("12.5", ",")])
def test_separators_that_contradict_the_decimal_point_are_refused(text: str, decimal: str) -> None:
    with pytest.raises(Invalid, match="is not an amount"):
        parse_money(text, decimal=decimal)


@pytest.mark.parametrize(
    ("text", "style"),
    [("1.234,56", ","), ("1 234,56", ","), ("250,5", ","), ("1.234.567", ","), ("1,234.56", "."),
     ("12.5", "."), ("1,234,567", "."), ("1.000", "?"), ("€1.000", ","), ("12,000", None),
     ("1200", None)],
)  # fmt: skip
def test_decimal_style_says_what_one_value_settles(text: str, style: str | None) -> None:
    assert decimal_style(text) == style
