"""Deal-list reports (stale, slipped): a summary of every matched deal, the worst --limit rows
(25 in the table by default, all in --json/--csv unless --limit), and a last line saying how
many more there are."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from tests.cli.helpers import csv_rows, data, ok, refused
from tests.conftest import Pipe

ORDER = {"stale": "days_in_stage", "slipped": "days_pushed"}


@pytest.fixture
def demo(pipe: Pipe) -> None:
    ok(pipe("demo", "--deals", "1000", "--seed", "3"))


@pytest.mark.parametrize("name", ["stale", "slipped"])
def test_limit_keeps_the_worst_rows_and_the_summary_counts_them_all(
    pipe: Pipe, demo: None, name: str
) -> None:
    full = data(pipe("report", name, "--json"))
    rows, summary = full["rows"], full["summary"]
    assert len(rows) > 30, "the demo must give more rows than the default limit"
    measure = ORDER[name]
    assert rows == sorted(rows, key=lambda r: (-r[measure], r["deal_id"]))
    assert summary["deals"] == len(rows) and summary["more"] == 0
    assert sum(g["deals"] for g in summary["by_stage"]) == len(rows)
    assert sum(g["deals"] for g in summary["by_owner"]) == len(rows)
    assert Counter({g["name"]: g["deals"] for g in summary["by_stage"]}) == Counter(
        r["stage"] for r in rows
    )
    if name == "stale":  # one currency: the value is the sum of the amounts listed
        assert Decimal(summary["value"]) == sum(Decimal(r["amount"]) for r in rows)
        assert sum(Decimal(g["value"]) for g in summary["by_owner"]) == Decimal(summary["value"])

    top = data(pipe("report", name, "--json", "--limit", "7"))
    assert top["rows"] == rows[:7]
    assert {**top["summary"], "shown": 0, "more": 0} == {**summary, "shown": 0, "more": 0}
    assert top["summary"]["shown"] == 7 and top["summary"]["more"] == len(rows) - 7
    if name == "slipped":  # the headline numbers count every slipped deal, not the rows shown
        assert (top["deals"], top["slips"]) == (full["deals"], full["slips"])

    csv = csv_rows(pipe("report", name, "--csv"))
    assert len(csv) == 1 + len(rows)
    assert len(csv_rows(pipe("report", name, "--csv", "--limit", "3"))) == 4
    assert data(pipe("report", name, "--json", "--limit", "0"))["rows"] == rows


@pytest.mark.parametrize("name", ["stale", "slipped"])
def test_the_table_shows_the_summary_the_worst_25_and_how_to_see_more(
    pipe: Pipe, demo: None, name: str
) -> None:
    full = data(pipe("report", name, "--json"))
    rows = full["rows"]
    out = ok(pipe("report", name)).stdout
    lines = out.splitlines()
    assert lines[0].startswith(f"{len(rows):,} deals · ")
    shown = [r["deal_id"] for r in rows if f"\n{r['deal_id']} " in out]
    assert shown == [r["deal_id"] for r in rows[:25]]
    assert lines[-1].startswith(f"… {len(rows) - 25:,} more deals not shown")
    assert "--limit 0" in lines[-1]
    everything = ok(pipe("report", name, "--limit", "0")).stdout
    assert all(f"\n{r['deal_id']} " in everything for r in rows)
    assert everything.splitlines()[-1] == f"all {len(rows):,} deals shown " + (
        "(days in stage, most first)" if name == "stale" else "(days pushed, most first)"
    )


def test_a_negative_limit_is_refused(pipe: Pipe, demo: None) -> None:
    refused(pipe("report", "stale", "--limit", "-1"), 2, "limit")
    refused(pipe("report", "slipped", "--json", "--limit", "-3"), 2, "limit")


@pytest.mark.parametrize("name", ["stale", "slipped"])
def test_no_deals_is_the_empty_table_without_a_summary(pipe: Pipe, name: str) -> None:
    r = pipe("report", name)
    assert r.exit_code == 0, r.stderr
    assert "0 deals" not in r.stdout and "deals shown" not in r.stdout
