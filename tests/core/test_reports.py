"""Reports on hand-made pipelines: every expected number is worked out by hand below.

Default pipeline: Prospecting 10 (rots after 14 days) / Qualification 20 (14) / Proposal 50
best case (21) / Negotiation 80 commit (14) / Won / Lost. Funnel bits: P=1 Q=2 Pr=4 N=8 Won=16.

History scenario (2026, all USD, owner Ann unless said; each step at 10:00 UTC):
  D1 Alpha   1000  created Jan 5 -> Q Jan 10 -> Pr Jan 20 -> N Feb 1 -> won Feb 15     source web
             cycle 41; stays P 5, Q 10, Pr 12, N 14; mask 31
  D2 Beta    2000  created Jan 6 -> Pr Jan 8 (skips Q) -> lost Feb 20                   source web
             cycle 45; stays P 2, Pr 43; mask 5
  D3 Gamma    500  created Feb 1 -> N Feb 5 (skips) -> Q Feb 10 (backwards) -> won Mar 1
             cycle 28; stays P 4, N 5, Q 19; mask 27                                source referral
  D4 Delta    800  created Feb 2, close Mar 20 -> won Feb 3 (from P) -> reopened Mar 5 (to P)
             -> close May 10 on Mar 10 (slip 51 days) -> close Jun 10 on Apr 10 (slip 31); mask 17
  D5 Epsilon 3000  owner Bob, created Mar 1, close Dec 15 -> Q Mar 2 -> close Dec 1 on Jun 1
             (pulled in: no slip) -> N Nov 20; mask 11
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from pipecli.core.errors import Invalid, NotFound
from pipecli.core.reports import (
    accuracy,
    calibrate,
    cycle,
    forecast,
    funnel,
    fx,
    slipped,
    stale,
    velocity,
    winrate,
)
from pipecli.core.reports.scope import Filters, document
from pipecli.core.services import deals
from pipecli.core.services.deals import DealChanges, DealInput
from tests.conftest import MakeCtx

D = Decimal
R = TypeVar("R")


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def create(make_ctx: MakeCtx, when: datetime, title: str, **fields: Any) -> int:
    with make_ctx(now=when) as ctx:
        deal_id = deals.create(ctx, DealInput(title, create_owner=True, **fields)).id
    assert deal_id is not None
    return deal_id


def act(make_ctx: MakeCtx, when: datetime, fn: Callable[..., object], *args: Any) -> None:
    with make_ctx(now=when) as ctx:
        fn(ctx, *args)


def edit(make_ctx: MakeCtx, when: datetime, deal_id: int, **changes: Any) -> None:
    with make_ctx(now=when) as ctx:
        deals.edit(ctx, deal_id, DealChanges(**changes))


def report(
    make_ctx: MakeCtx,
    build: Callable[..., R],
    *args: Any,
    now: datetime | None = None,
    **filters: Any,
) -> R:
    with make_ctx(**({"now": now} if now else {})) as ctx:
        return build(ctx, Filters(**filters), *args)


@pytest.fixture
def history(make_ctx: MakeCtx) -> dict[str, int]:
    usd = {"currency": "USD"}
    d1 = create(make_ctx, at(1, 5), "Alpha", amount="1000", close="2026-03-31", source="web", **usd)
    d2 = create(make_ctx, at(1, 6), "Beta", amount="2000", close="2026-04-30", source="web", **usd)
    act(make_ctx, at(1, 8), deals.move, d2, "proposal")
    act(make_ctx, at(1, 10), deals.move, d1, "qualification")
    act(make_ctx, at(1, 20), deals.move, d1, "proposal")
    d3 = create(make_ctx, at(2, 1), "Gamma", amount="500", close="2026-03-15", source="referral",
                **usd)  # fmt: skip
    act(make_ctx, at(2, 1), deals.move, d1, "negotiation")
    d4 = create(make_ctx, at(2, 2), "Delta", amount="800", close="2026-03-20", **usd)
    act(make_ctx, at(2, 3), deals.win, d4)
    act(make_ctx, at(2, 5), deals.move, d3, "negotiation")
    act(make_ctx, at(2, 10), deals.move, d3, "qualification")
    act(make_ctx, at(2, 15), deals.win, d1)
    act(make_ctx, at(2, 20), deals.lose, d2, "price")
    d5 = create(make_ctx, at(3, 1), "Epsilon", amount="3000", close="2026-12-15", owner="Bob",
                **usd)  # fmt: skip
    act(make_ctx, at(3, 1), deals.win, d3)
    act(make_ctx, at(3, 2), deals.move, d5, "qualification")
    act(make_ctx, at(3, 5), deals.reopen, d4)
    edit(make_ctx, at(3, 10), d4, close="2026-05-10")
    edit(make_ctx, at(4, 10), d4, close="2026-06-10")
    edit(make_ctx, at(6, 1), d5, close="2026-12-01")
    act(make_ctx, at(11, 20), deals.move, d5, "negotiation")
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5}


def steps(result: funnel.Funnel) -> list[tuple[str, int, Decimal | None, Decimal | None]]:
    return [(r.stage, r.deals, r.conversion_pct, r.from_first_pct) for r in result.rows]


# --- funnel ------------------------------------------------------------------------------


def test_funnel_reached_counts_later_stages_and_keeps_lost_deals(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    result = report(make_ctx, funnel.build, "reached", currency="USD")
    assert (result.cohort, result.lost) == (5, 1)
    assert steps(result) == [
        ("Prospecting", 5, None, None),
        ("Qualification", 5, D("100.0"), D("100.0")),  # D2 and D4 skipped it but went later
        ("Proposal", 5, D("100.0"), D("100.0")),
        ("Negotiation", 4, D("80.0"), D("80.0")),  # D2 (lost from Proposal) stops here
        ("Won", 3, D("75.0"), D("60.0")),  # D1, D3 and D4 (won, later reopened: it reached Won)
    ]


def test_funnel_sequential_drops_deals_that_skipped_a_stage(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    result = report(make_ctx, funnel.build, "sequential")
    assert steps(result) == [
        ("Prospecting", 5, None, None),
        ("Qualification", 3, D("60.0"), D("60.0")),  # D1, D3, D5
        ("Proposal", 1, D("33.3"), D("20.0")),  # D1 only
        ("Negotiation", 1, D("100.0"), D("20.0")),
        ("Won", 1, D("100.0"), D("20.0")),
    ]


def test_funnel_as_of_rebuilds_the_past(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    # Feb 16: D5 not created; D2 still open in Proposal; D3 open in Qualification; D4 won
    result = report(make_ctx, funnel.build, "reached", as_of="2026-02-16")
    assert [r.deals for r in result.rows] == [4, 4, 4, 3, 2]
    assert (result.cohort, result.lost) == (4, 0)


def test_funnel_cohort_by_creation_date_and_by_owner(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    feb = report(make_ctx, funnel.build, date_from="2026-02-01", date_to="2026-02-28")
    assert [r.deals for r in feb.rows] == [2, 2, 2, 2, 2]  # D3 (won) and D4 (won, reopened)
    by_owner = report(make_ctx, funnel.build, "reached", "owner")
    assert [(r.group, r.deals) for r in by_owner.rows if r.stage in ("Negotiation", "Won")] == [
        ("Ann", 3), ("Ann", 3), ("Bob", 1), ("Bob", 0),
    ]  # fmt: skip


def test_funnel_refuses_a_bad_mode(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    with pytest.raises(Invalid, match="mode: 'all'"):
        report(make_ctx, funnel.build, "all")


# --- win rate, cycle, velocity -------------------------------------------------------------


def test_winrate_by_count_and_by_value(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    (row,) = report(make_ctx, winrate.build, currency="USD").rows
    # won D1 1000 + D3 500, lost D2 2000; D4 reopened is open
    assert (row.won, row.lost, row.win_rate_pct) == (2, 1, D("66.7"))
    assert (row.won_value, row.lost_value, row.value_win_rate_pct) == (
        D("1500.00"), D("2000.00"), D("42.9"),
    )  # fmt: skip


def test_winrate_range_as_of_and_groups(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    (feb,) = report(make_ctx, winrate.build, date_from="2026-02-01", date_to="2026-02-28").rows
    assert (feb.won, feb.lost, feb.win_rate_pct, feb.value_win_rate_pct) == (
        1, 1, D("50.0"), D("33.3"),
    )  # fmt: skip
    (then,) = report(make_ctx, winrate.build, as_of="2026-02-16").rows
    assert (then.won, then.lost, then.won_value) == (2, 0, D("1800.00"))  # D1 and D4 (won then)
    by_source = report(make_ctx, winrate.build, "source").rows
    assert [(r.group, r.won, r.lost, r.win_rate_pct) for r in by_source] == [
        ("referral", 1, 0, D("100.0")), ("web", 1, 1, D("50.0")),
    ]  # fmt: skip
    with pytest.raises(Invalid, match="by: 'region'"):
        report(make_ctx, winrate.build, "region")


def test_winrate_by_product(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    for key, product in (("d1", "CRM"), ("d2", "CRM"), ("d3", "Analytics")):
        edit(make_ctx, at(3, 2), history[key], product=product)
    rows = report(make_ctx, winrate.build, "product").rows
    assert [(r.group, r.won, r.lost, r.win_rate_pct, r.won_value) for r in rows] == [
        ("Analytics", 1, 0, D("100.0"), D("500.00")),
        ("CRM", 1, 1, D("50.0"), D("1000.00")),
    ]  # fmt: skip


def test_cycle_times_and_time_in_stage(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    rows = {(r.section, r.name): r for r in report(make_ctx, cycle.build).rows}

    def stats(key: tuple[str, str]) -> tuple[object, ...]:
        r = rows[key]
        return (r.count, r.mean_days, r.median_days, r.p90_days)

    assert stats(("cycle", "won")) == (2, D("34.5"), D("34.5"), 41)  # 41, 28
    assert stats(("cycle", "lost")) == (1, D("45.0"), D("45.0"), 45)
    assert stats(("cycle", "all")) == (3, D("38.0"), D("41.0"), 45)
    assert stats(("stage", "Prospecting")) == (3, D("3.7"), D("4.0"), 5)  # 5, 2, 4
    assert stats(("stage", "Qualification")) == (2, D("14.5"), D("14.5"), 19)  # 10, 19
    assert stats(("stage", "Proposal")) == (2, D("27.5"), D("27.5"), 43)  # 12, 43
    assert stats(("stage", "Negotiation")) == (2, D("9.5"), D("9.5"), 14)  # 14, 5
    assert [k[1] for k in rows if k[0] == "stage"] == [
        "Prospecting", "Qualification", "Proposal", "Negotiation",
    ]  # fmt: skip


def test_cycle_stats_on_a_histogram() -> None:
    assert cycle.stats([(10, 1), (20, 1), (30, 1), (40, 1)]) == (4, D("25.0"), D("25.0"), 40)
    assert cycle.stats([(1, 9), (100, 1)]) == (10, D("10.9"), D("1.0"), 1)
    assert cycle.stats([]) == (0, None, None, None)


def test_velocity(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    v = report(make_ctx, velocity.build)
    # qualified open: D5 (Negotiation); D4 sits in Prospecting. 1 × 2/3 × 750 / 34.5
    assert (v.qualified_deals, v.won, v.lost, v.win_rate_pct) == (1, 2, 1, D("66.7"))
    assert (v.average_won, v.average_cycle_days) == (D("750.00"), D("34.5"))
    assert (v.per_day, v.per_month) == (D("14.49"), D("434.78"))


# --- stale, slipped, calibrate -------------------------------------------------------------


def test_stale_rotting_and_overdue(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    (row,) = report(make_ctx, stale.build).rows
    # D4: in Prospecting since Mar 5 (263 days > 14), close Jun 10 (166 days ago)
    assert (row.deal_id, row.stage, row.days_in_stage, row.rot_days) == (
        history["d4"], "Prospecting", 263, 14,
    )  # fmt: skip
    assert (row.expected_close, row.days_overdue, row.reason) == (
        date(2026, 6, 10), 166, "rotting, overdue",
    )  # fmt: skip
    assert (row.amount, row.currency) == (D("800.00"), "USD")


def test_stale_as_of(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    assert report(make_ctx, stale.build, as_of="2026-03-12").rows == ()
    rows = report(make_ctx, stale.build, as_of="2026-03-25").rows
    # D5 in Qualification since Mar 2 (23 days), D4 in Prospecting since Mar 5 (20 days)
    assert [(r.deal_id, r.days_in_stage, r.reason) for r in rows] == [
        (history["d5"], 23, "rotting"), (history["d4"], 20, "rotting"),
    ]  # fmt: skip


def test_slipped(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    result = report(make_ctx, slipped.build)
    assert (result.deals, result.slips, result.average_days_per_slip) == (1, 2, D("41.0"))
    (row,) = result.rows
    assert (row.deal_id, row.slips, row.days_pushed, row.expected_close) == (
        history["d4"], 2, 82, date(2026, 6, 10),
    )  # fmt: skip
    april = report(make_ctx, slipped.build, date_from="2026-04-01")
    assert [(r.slips, r.days_pushed) for r in april.rows] == [(1, 31)]


def test_calibrate(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    rows = report(make_ctx, calibrate.build).rows
    # closed: D1 won (P Q Pr N), D2 lost (P Pr), D3 won (P N Q)
    assert [(r.stage, r.configured_pct, r.closed, r.won, r.observed_pct, r.difference_pts)
            for r in rows] == [
        ("Prospecting", 10, 3, 2, D("66.7"), D("56.7")),
        ("Qualification", 20, 2, 2, D("100.0"), D("80.0")),
        ("Proposal", 50, 2, 1, D("50.0"), D("0.0")),
        ("Negotiation", 80, 2, 2, D("100.0"), D("20.0")),
    ]  # fmt: skip


def test_owner_filter(make_ctx: MakeCtx, history: dict[str, int]) -> None:
    result = report(make_ctx, funnel.build, owner="Bob")
    assert result.cohort == 1
    assert report(make_ctx, winrate.build, owner="Bob").rows == ()


# --- forecast ------------------------------------------------------------------------------


@pytest.fixture
def pipeline(make_ctx: MakeCtx) -> dict[str, int]:
    """Forecast scenario, all created Sep 1 2026, USD:
    F1 10000 close Nov 30, Negotiation (commit 80) Sep 5; amount 12000 on Oct 10
    F2  5000 close Dec 20, Proposal (best case 50) Sep 5; probability 60 by hand on Oct 5
    F3  2000 close 2027-02-15, Qualification (pipeline 20) Sep 5; owner Bob
    F4  3000 close Nov 10, won Oct 15
    F5  1000 close Oct 31, Prospecting (10): overdue now
    F6  7000 close Nov 15, lost Oct 20
    F7  no amount, close Dec 1: never forecast
    """
    sep1, sep5 = at(9, 1), at(9, 5)
    ids = {}
    for name, amount, close, owner in [
        ("F1", "10000", "2026-11-30", None), ("F2", "5000", "2026-12-20", None),
        ("F3", "2000", "2027-02-15", "Bob"), ("F4", "3000", "2026-11-10", None),
        ("F5", "1000", "2026-10-31", None), ("F6", "7000", "2026-11-15", None),
        ("F7", None, "2026-12-01", None),
    ]:  # fmt: skip
        ids[name] = create(make_ctx, sep1, name, amount=amount, close=close, owner=owner,
                           currency="USD")  # fmt: skip
    act(make_ctx, sep5, deals.move, ids["F1"], "negotiation")
    act(make_ctx, sep5, deals.move, ids["F2"], "proposal")
    act(make_ctx, sep5, deals.move, ids["F3"], "qualification")
    edit(make_ctx, at(10, 5), ids["F2"], probability="60")
    edit(make_ctx, at(10, 10), ids["F1"], amount="12000")
    act(make_ctx, at(10, 15), deals.win, ids["F4"])
    act(make_ctx, at(10, 20), deals.lose, ids["F6"])
    return ids


def money_cols(row: forecast.ForecastRow) -> tuple[Decimal, ...]:
    return (row.closed_won, row.commit, row.best_case, row.pipeline, row.open_total, row.weighted)


def test_forecast_by_quarter_with_quota(make_ctx: MakeCtx, pipeline: dict[str, int]) -> None:
    result = report(make_ctx, forecast.build, "quarter", 2, False, "20000", currency="USD")
    overdue, q4, q1 = result.rows
    assert (overdue.period, overdue.pipeline, overdue.weighted, overdue.open_deals) == (
        "overdue", D("1000.00"), D("100.00"), 1,
    )  # fmt: skip
    assert (q4.period, q4.start, q4.end) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    # closed F4; commit F1 12000 (×0.8 = 9600); best case F2 5000 (×0.6 = 3000)
    assert money_cols(q4) == (D("3000.00"), D("12000.00"), D("5000.00"), D(0), D("17000.00"),
                              D("12600.00"))  # fmt: skip
    assert (q4.open_deals, q4.won_deals) == (2, 1)
    assert (q4.attainment_pct, q4.coverage) == (D("15.0"), D("1.00"))  # 17000 / (20000 − 3000)
    assert money_cols(q1) == (D(0), D(0), D(0), D("2000.00"), D("2000.00"), D("400.00"))
    assert (q1.attainment_pct, q1.coverage) == (D("0.0"), D("0.10"))


def test_forecast_shows_unscheduled_deals_and_keeps_overdue_inside_the_range(
    make_ctx: MakeCtx, pipeline: dict[str, int]
) -> None:
    # F8 4000 in Proposal (best case, 50 %) without an expected close: its own row, not lost
    f8 = create(make_ctx, at(9, 1), "F8", amount="4000", currency="USD")
    act(make_ctx, at(9, 5), deals.move, f8, "proposal")
    unscheduled, overdue, q4 = report(make_ctx, forecast.build, "quarter", 1).rows
    assert (unscheduled.period, unscheduled.best_case, unscheduled.weighted) == (
        "unscheduled", D("4000.00"), D("2000.00"),
    )  # fmt: skip
    assert (unscheduled.open_deals, unscheduled.start, overdue.period) == (1, None, "overdue")
    assert q4.open_total == D("17000.00")  # F8 is in no period
    # from Nov 1 on: F5 (expected Oct 31, overdue) is before the range
    rows = report(make_ctx, forecast.build, "month", 2, date_from="2026-11-01").rows
    assert [r.period for r in rows] == ["unscheduled", "2026-11", "2026-12"]


def test_forecast_as_of_uses_the_history(make_ctx: MakeCtx, pipeline: dict[str, int]) -> None:
    (q4,) = report(make_ctx, forecast.build, "quarter", 1, as_of="2026-10-01").rows
    # Oct 1: F1 still 10000; F2 at the stage's 50%; F4, F5, F6 open in Prospecting (10%)
    assert money_cols(q4) == (D(0), D("10000.00"), D("5000.00"), D("11000.00"), D("26000.00"),
                              D("11600.00"))  # fmt: skip


def test_forecast_by_month_and_by_owner(make_ctx: MakeCtx, pipeline: dict[str, int]) -> None:
    months = report(make_ctx, forecast.build, "month", 2).rows
    assert [(r.period, r.closed_won, r.open_total) for r in months] == [
        ("overdue", D(0), D("1000.00")),
        ("2026-11", D(0), D("12000.00")),  # F4 was won in October
        ("2026-12", D(0), D("5000.00")),
    ]
    owners = report(make_ctx, forecast.build, "quarter", 2, True).rows
    assert [(r.group, r.period, r.open_total) for r in owners] == [
        ("Ann", "overdue", D("1000.00")), ("Ann", "2026-Q4", D("17000.00")),
        ("Ann", "2027-Q1", D(0)), ("Bob", "2026-Q4", D(0)), ("Bob", "2027-Q1", D("2000.00")),
    ]  # fmt: skip


def test_forecast_quarters_follow_the_fiscal_year(make_ctx: MakeCtx) -> None:
    spans = forecast.periods(date(2026, 11, 23), "quarter", 2, fiscal_year_start=4)
    assert [(p.label, p.start, p.end) for p in spans] == [
        ("FY2026-Q3", date(2026, 10, 1), date(2026, 12, 31)),
        ("FY2026-Q4", date(2027, 1, 1), date(2027, 3, 31)),
    ]


def test_forecast_accuracy(make_ctx: MakeCtx, pipeline: dict[str, int]) -> None:
    result = report(make_ctx, accuracy.build, 1, now=at(1, 5, 2027))
    (row,) = result.rows
    assert (row.period, row.forecast_commit, row.forecast_open, row.forecast_weighted) == (
        "2026-Q4", D("10000.00"), D("26000.00"), D("11600.00"),
    )  # fmt: skip
    assert (row.actual_won, row.accuracy_pct) == (D("3000.00"), D("25.9"))  # 3000 / 11600


@pytest.fixture
def quarters(make_ctx: MakeCtx) -> None:
    """Forecast-accuracy scenario over 2026 (USD, owner Ann); the report runs on 2027-01-05.
    G1 4000 created Mar 1, close May 15, Negotiation (commit 80) Mar 20, won May 10
    G2 6000 created Mar 2 in Proposal (best case 50), close Jun 30, lost Jun 20
    G3 2000 created Jun 1 in Qualification (pipeline 20), close Aug 31; Oct 15 on Aug 20; won Oct 10
    G4 1500 created Jul 10, close Sep 30, won Aug 1 (never in a quarter-start forecast)
    G5 5000 created Sep 15 in Negotiation, close Dec 15, won Dec 1
    """
    usd = {"currency": "USD"}
    g1 = create(make_ctx, at(3, 1), "G1", amount="4000", close="2026-05-15", **usd)
    g2 = create(make_ctx, at(3, 2), "G2", amount="6000", close="2026-06-30", stage="proposal",
                **usd)  # fmt: skip
    act(make_ctx, at(3, 20), deals.move, g1, "negotiation")
    act(make_ctx, at(5, 10), deals.win, g1)
    g3 = create(make_ctx, at(6, 1), "G3", amount="2000", close="2026-08-31",
                stage="qualification", **usd)  # fmt: skip
    act(make_ctx, at(6, 20), deals.lose, g2, "price")
    g4 = create(make_ctx, at(7, 10), "G4", amount="1500", close="2026-09-30", **usd)
    act(make_ctx, at(8, 1), deals.win, g4)
    edit(make_ctx, at(8, 20), g3, close="2026-10-15")
    g5 = create(make_ctx, at(9, 15), "G5", amount="5000", close="2026-12-15", stage="negotiation",
                **usd)  # fmt: skip
    act(make_ctx, at(10, 10), deals.win, g3)
    act(make_ctx, at(12, 1), deals.win, g5)


# (period, forecast_commit, forecast_open, forecast_weighted, actual_won, accuracy_pct)
QUARTERS = {
    "2026-Q1": ("2026-Q1", D(0), D(0), D(0), D(0), None),  # Jan 1: no deal yet
    # Apr 1: G1 commit 4000 (× 0.8 = 3200), G2 best case 6000 (× 0.5 = 3000); won G1
    "2026-Q2": ("2026-Q2", D("4000.00"), D("10000.00"), D("6200.00"), D("4000.00"), D("64.5")),
    # Jul 1: G3 pipeline 2000 (× 0.2 = 400); won G4, created after Jul 1: 1500 / 400
    "2026-Q3": ("2026-Q3", D(0), D("2000.00"), D("400.00"), D("1500.00"), D("375.0")),
    # Oct 1: G3 2000 (400, its close moved into Q4), G5 commit 5000 (4000); won G3 + G5
    "2026-Q4": ("2026-Q4", D("5000.00"), D("7000.00"), D("4400.00"), D("7000.00"), D("159.1")),
}


def accuracy_rows(
    make_ctx: MakeCtx, count: int | None = None, **filters: Any
) -> list[tuple[object, ...]]:
    result = report(make_ctx, accuracy.build, count, now=at(1, 5, 2027), **filters)
    return [
        (r.period, r.forecast_commit, r.forecast_open, r.forecast_weighted, r.actual_won,
         r.accuracy_pct)
        for r in result.rows
    ]  # fmt: skip


def expect(*periods: str) -> list[tuple[object, ...]]:
    return [QUARTERS[p] for p in periods]


def test_forecast_accuracy_over_the_last_quarters(make_ctx: MakeCtx, quarters: None) -> None:
    # 2027-Q1 holds the as-of day: not complete, never evaluated
    assert accuracy_rows(make_ctx) == expect("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
    assert accuracy_rows(make_ctx, 2) == expect("2026-Q3", "2026-Q4")


def test_forecast_accuracy_range_picks_quarters_by_their_first_day(
    make_ctx: MakeCtx, quarters: None
) -> None:
    q2_q3 = accuracy_rows(make_ctx, date_from="2026-04-01", date_to="2026-09-30")
    assert q2_q3 == expect("2026-Q2", "2026-Q3")
    # Apr 1 is before --from; the range runs on to the last complete quarter
    assert accuracy_rows(make_ctx, date_from="2026-04-02") == expect("2026-Q3", "2026-Q4")
    # --to alone: the latest quarter starts on or before it, --periods counts back from there
    assert accuracy_rows(make_ctx, 2, date_to="2026-08-15") == expect("2026-Q2", "2026-Q3")
    assert [r[0] for r in accuracy_rows(make_ctx, date_to="2026-08-15")] == [
        "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
    ]  # fmt: skip
    # a --to past the current quarter's start stops at the last complete quarter
    assert accuracy_rows(make_ctx, 1, date_to="2027-03-31") == expect("2026-Q4")
    # no quarter starts inside the range: nothing to evaluate
    assert accuracy_rows(make_ctx, date_from="2026-05-01", date_to="2026-06-30") == []
    assert accuracy_rows(make_ctx, date_from="2027-01-01") == []
    # as of Aug 10: 2026-Q3 is the current quarter; Q2's actual is what was won by then
    assert accuracy_rows(make_ctx, date_from="2026-01-01", as_of="2026-08-10") == expect(
        "2026-Q1", "2026-Q2"
    )
    head = report(make_ctx, accuracy.build, None, now=at(1, 5, 2027), date_from="2026-04-01").head
    assert (head.date_from, head.date_to) == (date(2026, 4, 1), None)


def test_forecast_accuracy_refusals(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid, match="periods: 2 cannot be combined with --from"):
        report(make_ctx, accuracy.build, 2, date_from="2026-01-01")
    with pytest.raises(Invalid, match=r"periods: 0 must be 1\.\.120"):
        report(make_ctx, accuracy.build, 0)
    with pytest.raises(Invalid, match="from: 'someday'"):
        report(make_ctx, accuracy.build, date_from="someday")
    with pytest.raises(Invalid, match="to: '2026-13-01'"):
        report(make_ctx, accuracy.build, date_to="2026-13-01")
    with pytest.raises(Invalid, match="from: '1990-01-01' is more than 120 quarters back"):
        report(make_ctx, accuracy.build, date_from="1990-01-01")


# --- currencies ----------------------------------------------------------------------------


@pytest.fixture
def two_currencies(make_ctx: MakeCtx) -> None:
    for cur in ("USD", "EUR"):
        deal_id = create(make_ctx, at(9, 1), cur, amount="1000", currency=cur, close="2026-12-01")
        act(make_ctx, at(9, 1), deals.move, deal_id, "negotiation")


def test_reports_refuse_to_add_currencies_without_a_rate(
    make_ctx: MakeCtx, two_currencies: None
) -> None:
    with pytest.raises(fx.MissingRate, match="EUR/USD") as err:
        report(make_ctx, forecast.build, currency="USD")
    assert "2026-11-23" in str(err.value) and "\n" not in str(err.value)


def test_rates_by_date_and_inverse(make_ctx: MakeCtx, two_currencies: None) -> None:
    with make_ctx() as ctx:
        fx.set_rate(ctx, "eur", "USD", "1.05", "2026-06-01")
        fx.set_rate(ctx, "EUR", "USD", "1.10", "2026-11-01")
    (q4,) = report(make_ctx, forecast.build, "quarter", 1, currency="USD").rows
    assert q4.commit == D("2100.00")  # 1000 + 1000 × 1.10
    (then,) = report(
        make_ctx, forecast.build, "quarter", 1, currency="USD", as_of="2026-10-01"
    ).rows
    assert then.commit == D("2050.00")  # the rate valid on Oct 1
    (eur,) = report(make_ctx, forecast.build, "quarter", 1, currency="EUR").rows
    assert eur.commit == D("1909.09")  # 1000 + 1000 / 1.10


def test_won_deals_convert_at_their_close_day_and_open_ones_at_the_as_of_day(
    make_ctx: MakeCtx,
) -> None:
    """EUR/USD 1.05 from Jun 1, 1.10 from Nov 1. Won: USD 1000 (Feb 10), EUR 1000 on Mar 2
    (before the first rate: the first rate stands for earlier days, 1050), EUR 1000 on Jun 15
    (1050), EUR 1000 on Nov 20 (1100): won value 4200. Open EUR 2000 closing Dec 15 at the
    as-of day's rate: 2200. A rate added later (1.20 from Nov 22) moves the open deal only."""
    won = [("USD", at(2, 10)), ("EUR", at(3, 2)), ("EUR", at(6, 15)), ("EUR", at(11, 20))]
    for i, (cur, when) in enumerate(won):
        deal_id = create(make_ctx, at(1, 5), f"W{i}", amount="1000", currency=cur)
        act(make_ctx, when, deals.win, deal_id)
    late = create(make_ctx, at(9, 1), "Open", amount="2000", currency="EUR", close="2026-12-15")
    act(make_ctx, at(9, 2), deals.move, late, "negotiation")
    with make_ctx() as ctx:
        fx.set_rate(ctx, "EUR", "USD", "1.05", "2026-06-01")
        fx.set_rate(ctx, "EUR", "USD", "1.10", "2026-11-01")

    def figures() -> tuple[Decimal, list[tuple[Decimal, Decimal]], Decimal | None]:
        (row,) = report(make_ctx, winrate.build, currency="USD").rows
        quarters = report(make_ctx, forecast.build, "quarter", 4, currency="USD",
                          date_from="2026-01-01").rows  # fmt: skip
        speed = report(make_ctx, velocity.build, currency="USD")
        return row.won_value, [(q.closed_won, q.commit) for q in quarters], speed.average_won

    won_value, quarters, avg_won = figures()
    assert won_value == D("4200.00") and avg_won == D("1050.00")
    assert quarters == [
        (D("2050.00"), D("0.00")), (D("1050.00"), D("0.00")), (D("0.00"), D("0.00")),
        (D("1100.00"), D("2200.00")),
    ]  # fmt: skip
    with make_ctx() as ctx:
        fx.set_rate(ctx, "EUR", "USD", "1.20", "2026-11-22")
    won_value, quarters, avg_won = figures()
    assert won_value == D("4200.00") and quarters[3] == (D("1100.00"), D("2400.00"))


def test_fx_set_replaces_the_same_day_and_validates(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        fx.set_rate(ctx, "USD", "CNY", "7.10")
        fx.set_rate(ctx, "USD", "CNY", "7.12")
        assert fx.list_rates(ctx) == [
            {"base": "USD", "quote": "CNY", "rate": D("7.12"), "valid_from": date(2026, 11, 23)}
        ]
        with pytest.raises(Invalid, match="rate: 'abc'"):
            fx.set_rate(ctx, "USD", "CNY", "abc")
        with pytest.raises(Invalid, match="rate: '-1'"):
            fx.set_rate(ctx, "USD", "CNY", "-1")
        with pytest.raises(Invalid, match="quote: 'usd'"):
            fx.set_rate(ctx, "USD", "usd", "1")


# --- empty data and bad filters -------------------------------------------------------------


@pytest.mark.parametrize(
    "build", [funnel.build, forecast.build, winrate.build, cycle.build, velocity.build,
              stale.build, slipped.build, calibrate.build, accuracy.build],
)  # fmt: skip
def test_reports_on_an_empty_database(make_ctx: MakeCtx, build: Callable[..., Any]) -> None:
    result = report(make_ctx, build)
    doc = document(result)
    assert doc["as_of"] == date(2026, 11, 23)
    for row in getattr(result, "rows", ()):
        assert getattr(row, "deals", 0) == 0 and getattr(row, "closed_won", D(0)) == 0


def test_filters_are_checked(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid, match="as-of: '2026-12-01' is in the future"):
        report(make_ctx, funnel.build, as_of="2026-12-01")
    with pytest.raises(Invalid, match="to: '2026-01-01' is before --from 2026-02-01"):
        report(make_ctx, winrate.build, date_from="2026-02-01", date_to="2026-01-01")
    with pytest.raises(NotFound, match="pipeline 'nope'"):
        report(make_ctx, calibrate.build, pipeline="nope")


def test_snapshot_at_now_matches_the_deals_table(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    from sqlmodel import select

    from pipecli.core.models import Deal
    from pipecli.core.reports.scope import resolve, snapshot

    with make_ctx() as ctx:
        snap = snapshot(resolve(ctx, Filters()), from_history=True)
        rows = ctx.session.execute(
            select(  # type: ignore[call-overload]  # sqlmodel's select is typed for up to 4 columns
                snap.c.deal_id,
                snap.c.stage_id,
                snap.c.entered_at,
                snap.c.amount_minor,
                snap.c.expected_close,
                snap.c.probability,
            )
        ).all()
        deals = ctx.session.exec(select(Deal)).all()
    assert {r[0]: tuple(r[1:]) for r in rows} == {
        d.id: (d.stage_id, d.stage_entered_at, d.amount_minor, d.expected_close, d.probability)
        for d in deals
    }


def test_reports_as_of_today_read_history_and_agree_with_the_deals_table(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    """Without --as-of, win rate and forecast sum the deals table per stage (scope.deals_in);
    --as-of today rebuilds the same deals from history: both roads must give the same report."""
    edit(make_ctx, at(11, 21), history["d5"], product="CRM")
    runs: list[tuple[Callable[..., Any], tuple[object, ...]]] = [
        (winrate.build, ("owner",)), (winrate.build, ("product",)),
        (forecast.build, ("month", 12, True)),
    ]  # fmt: skip
    for build, args in runs:
        now = report(make_ctx, build, *args, date_from="2026-01-01")
        then = report(make_ctx, build, *args, date_from="2026-01-01", as_of="2026-11-23")
        assert now.rows == then.rows and now.rows


@pytest.mark.parametrize(
    "build",
    [forecast.build, winrate.build, cycle.build, velocity.build, stale.build, slipped.build],
)
def test_as_of_today_from_history_equals_the_deals_table(
    make_ctx: MakeCtx, history: dict[str, int], build: Callable[..., Any]
) -> None:
    """Without --as-of reports read the deals table; --as-of today rebuilds from history."""
    assert document(report(make_ctx, build)) == document(
        report(make_ctx, build, as_of="2026-11-23")
    )


def test_forecast_period_limits(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid, match=r"periods: 0 must be 1\.\.120"):
        report(make_ctx, forecast.build, "month", 0)
    with pytest.raises(Invalid, match="to: '2040-01-01' is more than 120 periods away"):
        report(make_ctx, forecast.build, "month", date_to="2040-01-01")
    spans = report(make_ctx, forecast.build, "month", date_to="2027-02-10").rows
    assert [r.period for r in spans] == ["2026-11", "2026-12", "2027-01", "2027-02"]


@pytest.mark.parametrize("mode", ["reached", "sequential"])
@pytest.mark.parametrize("by", [None, "owner"])
def test_funnel_now_equals_funnel_as_of_today(
    make_ctx: MakeCtx, history: dict[str, int], mode: str, by: str | None
) -> None:
    """The current funnel reads visited stages with one GROUP BY; --as-of today rebuilds the
    state from history with window functions: the two must agree."""
    now = report(make_ctx, funnel.build, mode, by)
    today = report(make_ctx, funnel.build, mode, by, as_of="2026-11-23")  # conftest NOW
    assert (now.cohort, now.lost, now.rows) == (today.cohort, today.lost, today.rows)


def test_funnel_counts_a_deal_created_straight_into_lost(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    create(make_ctx, at(3, 3), "Zeta", stage="lost", currency="USD")
    result = report(make_ctx, funnel.build, "reached")
    assert (result.cohort, result.lost) == (6, 2)
    assert [r.deals for r in result.rows] == [6, 5, 5, 4, 3]


def test_forecast_overdue_row_is_split_by_category(
    make_ctx: MakeCtx, history: dict[str, int]
) -> None:
    """At Jul 1, D4 (reopened into Prospecting, pipeline, 800, expected Jun 10) is overdue; a
    deal in Negotiation (commit) expected Jun 20 is overdue too; an omitted stage's is left out."""
    create(make_ctx, at(6, 1), "Eta", amount="6000", close="2026-06-20", stage="negotiation",
           currency="USD")  # fmt: skip
    with make_ctx() as ctx:
        from pipecli.core.services import pipelines

        pipelines.add_stage(ctx, pipelines.NewStage("Parked", probability=5, category="omitted"))
    create(make_ctx, at(6, 2), "Theta", amount="999", close="2026-06-25", stage="parked",
           currency="USD")  # fmt: skip
    result = report(make_ctx, forecast.build, "month", 1, now=at(7, 1))
    late = next(r for r in result.rows if r.period == "overdue")
    assert (late.commit, late.pipeline, late.open_deals) == (D("6000.00"), D("800.00"), 2)
    assert late.weighted == D("4880.00")  # 6000 × 80 % + 800 × 10 %
