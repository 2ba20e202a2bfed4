"""Golden cases of the quote totals rules (worked by hand in the comments) and property tests."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipecli.core import money
from pipecli.core.errors import Invalid
from pipecli.core.quotes.totals import Discount, LineIn, Totals, compute, spread


def _taxes(t: Totals) -> list[tuple[str, str, str]]:
    return [(str(r.rate), str(r.base), str(r.tax)) for r in t.taxes]


def test_issue_example_percent_discounts_optional_line_shipping_exclusive() -> None:
    # 40 × 1200 = 48000, −10% 4800 -> 43200 (13%); 8000 (6%); 5000 optional, not counted.
    # subtotal 51200, −5% 2560 spread 2160 / 400; bases 41040 and 7600;
    # tax 5335.20 + 456.00; grand 51200 − 2560 + 200 + 5791.20 = 54631.20
    t = compute(
        [
            LineIn(D(40), D(1200), D(13), Discount(percent=D(10))),
            LineIn(D(1), D(8000), D(6)),
            LineIn(D(1), D(5000), D(6), optional=True),
        ],
        "CNY",
        discount=Discount(percent=D(5)),
        shipping=D(200),
    )
    assert [str(o.net) for o in t.lines] == ["43200.00", "8000.00", "5000.00"]
    assert [str(o.share) for o in t.lines] == ["2160.00", "400.00", "0.00"]
    assert (str(t.subtotal), str(t.discount)) == ("51200.00", "2560.00")
    assert _taxes(t) == [("6", "7600.00", "456.00"), ("13", "41040.00", "5335.20")]
    assert (str(t.shipping), str(t.grand_total)) == ("200.00", "54631.20")


def test_three_rates_inclusive_amount_discounts_largest_remainder_half_cent() -> None:
    # L1 3 × 19.99 = 59.97 − 5.00 = 54.97 (20%); L2 2.5 × 10.01 = 25.025 -> 25.03, −10% 2.503
    # -> 2.50 = 22.53 (5%); L3 100.00 (0%). subtotal 177.50, quote discount 10.00 = 1000 cents
    # over 5497/2253/10000: floors 309/126/563 (998), remainders 12250/16500/6750, so the two
    # cents left go to L2 then L1: 310/127/563. Bases 51.87, 21.26, 94.37.
    # Inclusive: 51.87 × 20/120 = 8.645 -> 8.65; 21.26 × 5/105 = 1.0124 -> 1.01; 0.
    # grand 177.50 − 10.00 + 4.99 = 172.49 (the tax is inside the prices)
    t = compute(
        [
            LineIn(D(3), D("19.99"), D(20), Discount(amount=D(5))),
            LineIn(D("2.5"), D("10.01"), D(5), Discount(percent=D(10))),
            LineIn(D(1), D(100), D(0)),
        ],
        "USD",
        discount=Discount(amount=D(10)),
        shipping=D("4.99"),
        tax_mode="inclusive",
    )
    assert [str(o.gross) for o in t.lines] == ["59.97", "25.03", "100.00"]
    assert [str(o.discount) for o in t.lines] == ["5.00", "2.50", "0.00"]
    assert [str(o.share) for o in t.lines] == ["3.10", "1.27", "5.63"]
    assert _taxes(t) == [("0", "94.37", "0.00"), ("5", "21.26", "1.01"), ("20", "51.87", "8.65")]
    assert (str(t.tax_total), str(t.grand_total)) == ("9.66", "172.49")


def test_half_cent_edges_round_half_up_exclusive() -> None:
    # 0.5 × 0.05 = 0.025 -> 0.03; 2.50 − 1% (0.025 -> 0.03) = 2.47; tax 0.10 × 5% = 0.005 -> 0.01
    t = compute(
        [
            LineIn(D("0.5"), D("0.05")),
            LineIn(D(1), D("0.10"), D(5)),
            LineIn(D(1), D("2.50"), D(0), Discount(percent=D(1))),
        ],
        "USD",
    )
    assert [str(o.net) for o in t.lines] == ["0.03", "0.10", "2.47"]
    assert _taxes(t) == [("0", "2.50", "0.00"), ("5", "0.10", "0.01")]
    assert (str(t.subtotal), str(t.grand_total)) == ("2.60", "2.61")


def test_jpy_has_no_minor_unit() -> None:
    # 3 × 333 = 999, −5% 49.95 -> 50 = 949 (10%); 1000 (8%). subtotal 1949, −3% 58.47 -> 58,
    # spread 28.24 / 29.76: floors 28/29, the yen left goes to the larger remainder: 28/30.
    # tax 921 × 10% = 92.1 -> 92; 970 × 8% = 77.6 -> 78; grand 1949 − 58 + 170 = 2061
    t = compute(
        [
            LineIn(D(3), D(333), D(10), Discount(percent=D(5))),
            LineIn(D(1), D(1000), D(8)),
        ],
        "JPY",
        discount=Discount(percent=D(3)),
    )
    assert [str(o.share) for o in t.lines] == ["28", "30"]
    assert _taxes(t) == [("8", "970", "78"), ("10", "921", "92")]
    assert str(t.grand_total) == "2061"


def test_kwd_three_decimals_inclusive() -> None:
    # 3 × 1.235 = 3.705 (5%); 1.5 × 0.333 = 0.4995 -> 0.500 (15%); subtotal 4.205,
    # −10% 0.4205 -> 0.421 spread 370.94 / 50.06 -> 371 / 50; bases 3.334, 0.450;
    # 3.334 × 5/105 = 0.15876 -> 0.159; 0.450 × 15/115 = 0.05870 -> 0.059;
    # grand 4.205 − 0.421 + 1.000 = 4.784
    t = compute(
        [LineIn(D(3), D("1.235"), D(5)), LineIn(D("1.5"), D("0.333"), D(15))],
        "KWD",
        discount=Discount(percent=D(10)),
        shipping=D(1),
        tax_mode="inclusive",
    )
    assert [str(o.gross) for o in t.lines] == ["3.705", "0.500"]
    assert str(t.discount) == "0.421"
    assert _taxes(t) == [("5", "3.334", "0.159"), ("15", "0.450", "0.059")]
    assert str(t.grand_total) == "4.784"


def test_spread_by_largest_remainder() -> None:
    assert spread(1000, [5497, 2253, 10000]) == [310, 127, 563]
    assert spread(1, [1, 1, 1]) == [1, 0, 0]  # a tie goes to the earlier line
    assert spread(0, [0, 0]) == [0, 0]


@pytest.mark.parametrize(
    ("lines", "kw", "field"),
    [
        ([LineIn(D(1), D(10), D(0), Discount(amount=D(11)))], {}, "line 1 discount"),
        ([LineIn(D(1), D(10), D(0), Discount(percent=D(101)))], {}, "line 1 discount"),
        ([LineIn(D(-1), D(10))], {}, "line 1 qty"),
        ([LineIn(D(1), D(-10))], {}, "line 1 price"),
        ([LineIn(D(1), D(10), D(101))], {}, "line 1 tax"),
        ([LineIn(D(1), D(10), D(-1))], {}, "line 1 tax"),
        ([LineIn(D(1), D(10))], {"discount": Discount(amount=D(11))}, "quote discount"),
        ([LineIn(D(1), D(10))], {"discount": Discount(percent=D(-1))}, "quote discount"),
        ([LineIn(D(1), D(10))], {"shipping": D(-1)}, "shipping"),
    ],
)
def test_refusals_name_the_field(lines: list[LineIn], kw: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as err:
        compute(lines, "USD", **kw)
    assert err.value.field == field


CURRENCIES = st.sampled_from(["USD", "JPY", "KWD", "CNY"])
RATES = st.sampled_from([D(0), D(5), D(6), D(13), D("8.5"), D(20), D(100)])


@st.composite
def quotes(draw: st.DrawFn) -> tuple[str, list[LineIn], Discount | None, D, str]:
    currency = draw(CURRENCIES)
    places = money.minor_units(currency)
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        qty = D(draw(st.integers(0, 10**6))).scaleb(-draw(st.integers(0, 3)))
        price = money.from_minor(draw(st.integers(0, 10**8)), currency)
        gross = money.quantize(qty * price, currency)
        kind = draw(st.sampled_from(["none", "percent", "amount"]))
        disc = None
        if kind == "percent":
            disc = Discount(percent=D(draw(st.integers(0, 10000))).scaleb(-2))
        elif kind == "amount":
            cap = int(gross.scaleb(places))
            disc = Discount(amount=money.from_minor(draw(st.integers(0, cap)), currency))
        lines.append(LineIn(qty, price, draw(RATES), disc, draw(st.booleans())))
    base = compute(lines, currency).subtotal
    kind = draw(st.sampled_from(["none", "percent", "amount"]))
    disc = None
    if kind == "percent":
        disc = Discount(percent=D(draw(st.integers(0, 100))))
    elif kind == "amount":
        cap = int(base.scaleb(places))
        disc = Discount(amount=money.from_minor(draw(st.integers(0, cap)), currency))
    shipping = money.from_minor(draw(st.integers(0, 10**6)), currency)
    return currency, lines, disc, shipping, draw(st.sampled_from(["exclusive", "inclusive"]))


@settings(max_examples=300, deadline=None)
@given(quotes())
def test_bases_add_up_and_grand_total_is_the_sum_of_its_parts(
    q: tuple[str, list[LineIn], Discount | None, D, str],
) -> None:
    currency, lines, disc, shipping, mode = q
    t = compute(lines, currency, discount=disc, shipping=shipping, tax_mode=mode)
    assert sum((r.base for r in t.taxes), D(0)) == t.subtotal - t.discount
    assert sum((o.share for o in t.lines), D(0)) == t.discount
    assert all(D(0) <= o.share <= o.net for o in t.lines)
    taxes = t.tax_total if mode == "exclusive" else 0
    assert t.grand_total == t.subtotal - t.discount + t.shipping + taxes
    assert t.tax_total == sum((r.tax for r in t.taxes), D(0))
    for value in (t.subtotal, t.discount, t.grand_total, *(r.tax for r in t.taxes)):
        money.to_minor(value, currency)  # every figure is whole minor units
