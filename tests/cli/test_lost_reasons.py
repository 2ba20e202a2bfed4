"""Issue 15, reports, through the CLI as a user types them: `report lost-reasons`, `winrate --by
reason`, the one stderr line of an empty report, the owner in `report stale`, the team total of
`forecast --by-owner` and the "actual / forecast %" column of forecast-accuracy.

History (NOW is 2026-11-23): Ann loses A (1000 USD, from Proposal, "price") and C (500 EUR, from
Qualification, "competitor", closed 2026-11-20 when 1 EUR = 1.10 USD; a later rate of 1.30 must
not move it); Bob loses B (2000 USD, from Negotiation, "price") on 2026-11-22 and D (no amount, no
reason); Ann wins E (3000 USD).
"""

from __future__ import annotations

import pytest

from tests.cli.helpers import add_deal, csv_rows, data, ok, refused
from tests.conftest import Pipe, Snapshot

EARLY = "2026-11-20T10:00:00+00:00"
DAY_BEFORE = "2026-11-22T10:00:00+00:00"


@pytest.fixture
def losses(pipe: Pipe) -> None:
    ok(pipe("user", "add", "Ann Lee"))
    ok(pipe("user", "add", "Bob Ray"))
    ok(pipe("fx", "set", "EUR", "USD", "1.10", "--date", "2026-01-01"))
    ok(pipe("fx", "set", "EUR", "USD", "1.30", "--date", "2026-11-21"))
    ann, bob = ("--owner", "Ann Lee", "--json"), ("--owner", "Bob Ray", "--json")

    def deal(*args: str) -> str:
        return str(data(pipe("add", "deal", *args, now=EARLY))["id"])

    a = deal("A", "--amount", "1000", "--stage", "proposal", "--source", "web", *ann)
    b = deal("B", "--amount", "2000", "--stage", "negotiation", "--source", "event", *bob)
    c = deal("C", "--amount", "500", "--currency", "EUR", "--source", "web", *ann)
    d = deal("D", *bob)
    e = deal("E", "--amount", "3000", *ann)
    ok(pipe("move", c, "qualification", now=EARLY))
    ok(pipe("lose", c, "--reason", "competitor", now=EARLY))
    ok(pipe("lose", b, "--reason", "price", now=DAY_BEFORE))
    ok(pipe("lose", a, "--reason", "price"))
    ok(pipe("lose", d))
    ok(pipe("win", e))


def test_lost_reasons_counts_values_and_shares(pipe: Pipe, losses: None) -> None:
    doc = data(pipe("report", "lost-reasons", "--json"))
    assert list(doc)[:7] == [
        "report", "as_of", "date_from", "date_to", "pipeline", "owner", "currency",
    ]  # fmt: skip
    assert (doc["report"], doc["by"], doc["deals"], doc["value"]) == (
        "lost-reasons", None, 4, "3550.00",
    )  # fmt: skip
    assert [(r["reason"], r["deals"], r["value"], r["share_pct"]) for r in doc["rows"]] == [
        ("price", 2, "3000.00", "50.0"),
        ("competitor", 1, "550.00", "25.0"),  # 500 EUR at the close day's 1.10, not 1.30
        ("", 1, "0.00", "25.0"),
    ]
    table = ok(pipe("report", "lost-reasons")).stdout
    assert "Lost deals by reason" in table and "(none given)" in table and "3,000.00" in table
    rows = csv_rows(pipe("report", "lost-reasons", "--csv"))
    assert rows[0] == ["group", "reason", "deals", "value", "share_pct"]
    assert rows[1] == ["", "price", "2", "3000.00", "50.0"]


def test_lost_reasons_by_owner_stage_and_source(pipe: Pipe, losses: None) -> None:
    def by(what: str) -> list[tuple[str, str, int, str]]:
        doc = data(pipe("report", "lost-reasons", "--by", what, "--json"))
        assert doc["by"] == what
        return [(r["group"], r["reason"], r["deals"], r["share_pct"]) for r in doc["rows"]]

    assert by("owner") == [
        ("Ann Lee", "price", 1, "50.0"), ("Ann Lee", "competitor", 1, "50.0"),
        ("Bob Ray", "price", 1, "50.0"), ("Bob Ray", "", 1, "50.0"),
    ]  # fmt: skip
    assert by("stage") == [
        ("Negotiation", "price", 1, "100.0"), ("Proposal", "price", 1, "100.0"),
        ("Prospecting", "", 1, "100.0"), ("Qualification", "competitor", 1, "100.0"),
    ]  # fmt: skip
    assert by("source") == [
        ("", "", 1, "100.0"), ("event", "price", 1, "100.0"),
        ("web", "price", 1, "50.0"), ("web", "competitor", 1, "50.0"),
    ]  # fmt: skip
    refused(pipe("report", "lost-reasons", "--by", "region"), 2, "by", "region")


def test_lost_reasons_range_and_as_of(pipe: Pipe, losses: None) -> None:
    early = data(pipe("report", "lost-reasons", "--to", "2026-11-21", "--json"))
    assert [(r["reason"], r["deals"]) for r in early["rows"]] == [("competitor", 1)]
    then = data(pipe("report", "lost-reasons", "--as-of", "2026-11-22", "--by", "stage", "--json"))
    assert [(r["group"], r["reason"]) for r in then["rows"]] == [
        ("Negotiation", "price"), ("Qualification", "competitor"),
    ]  # fmt: skip
    r = ok(pipe("report", "lost-reasons", "--from", "2026-12-01"))
    assert r.stderr == "no lost deals in the period\n" and r.stdout.strip()


def test_winrate_by_reason_sets_losses_beside_wins(pipe: Pipe, losses: None) -> None:
    doc = data(pipe("report", "winrate", "--by", "reason", "--json"))
    assert [(r["group"], r["won"], r["lost"], r["win_rate_pct"], r["won_value"], r["lost_value"])
            for r in doc["rows"]] == [
        ("", 1, 1, "50.0", "3000.00", "0.00"),
        ("competitor", 1, 1, "50.0", "3000.00", "550.00"),
        ("price", 1, 2, "33.3", "3000.00", "3000.00"),
    ]  # fmt: skip
    table = ok(pipe("report", "winrate", "--by", "reason")).stdout
    assert "(none given)" in table and "competitor" in table


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["funnel"], "no deals created in the period"),
        (["forecast"], "no deals to forecast"),
        (["forecast-accuracy"], "no forecast or won deals in the quarters evaluated"),
        (["winrate"], "no deals closed in the period"),
        (["winrate", "--by", "reason"], "no deals closed in the period"),
        (["cycle"], "no deals closed in the period"),
        (["velocity"], "no closed or qualified open deals"),
        (["stale"], "no stale deals"),
        (["slipped"], "no slipped deals"),
        (["calibrate"], "no closed deals to calibrate against"),
        (["lost-reasons"], "no lost deals in the period"),
        (["lost-reasons", "--by", "owner"], "no lost deals in the period"),
    ],
)
def test_an_empty_report_says_so_on_stderr(pipe: Pipe, args: list[str], line: str) -> None:
    for fmt in ([], ["--json"], ["--csv"]):
        r = ok(pipe("report", *args, *fmt))
        assert r.stderr == line + "\n", (fmt, r.stderr)
        assert r.stdout.strip()  # the empty table, the empty JSON document, the CSV header


def test_a_report_with_data_says_nothing_on_stderr(pipe: Pipe, losses: None) -> None:
    for name in ("lost-reasons", "winrate", "funnel", "forecast", "cycle", "calibrate"):
        assert ok(pipe("report", name)).stderr == "", name


def test_stale_shows_the_owner(pipe: Pipe) -> None:
    ok(pipe("user", "add", "Ann Lee"))
    ok(pipe("user", "add", "Bob Ray"))
    add_deal(pipe, "Late one", "--amount", "10", "--close", "2026-11-01", "--owner", "Ann Lee")
    add_deal(pipe, "Later one", "--amount", "10", "--close", "2026-11-02", "--owner", "Bob Ray")
    doc = data(pipe("report", "stale", "--json"))
    assert [(r["title"], r["owner"]) for r in doc["rows"]] == [
        ("Late one", "Ann Lee"), ("Later one", "Bob Ray"),
    ]  # fmt: skip
    table = ok(pipe("report", "stale", env={"COLUMNS": "200"})).stdout
    header = next(line for line in table.splitlines() if "title" in line)
    assert "owner" in header
    assert any("Late one" in line and "Ann Lee" in line for line in table.splitlines())
    assert csv_rows(pipe("report", "stale", "--csv"))[0][-1] == "owner"


def test_forecast_by_owner_has_a_team_total(pipe: Pipe, snapshot: Snapshot) -> None:
    ok(pipe("user", "add", "Ann Lee"))
    ok(pipe("user", "add", "Bob Ray"))
    add_deal(pipe, "A", "--amount", "1000", "--close", "2026-12-10", "--owner", "Ann Lee")
    add_deal(pipe, "B", "--amount", "3000", "--close", "2026-12-20", "--owner", "Bob Ray")
    won = add_deal(pipe, "W", "--amount", "500", "--close", "2026-12-01", "--owner", "Bob Ray")
    ok(pipe("win", str(won["id"])))
    doc = data(pipe("report", "forecast", "--by-owner", "--periods", "1", "--quota", "1000",
                    "--json"))  # fmt: skip
    assert [r["group"] for r in doc["rows"]] == ["Ann Lee", "Bob Ray"]  # totals kept apart
    (team,) = doc["team"]
    assert (team["group"], team["period"], team["closed_won"], team["pipeline"]) == (
        "team total", "2026-Q4", "500.00", "4000.00",
    )  # fmt: skip
    assert doc["rows"][0]["quota"] == "1000" and team["quota"] == "2000"  # 2 owners × 1000
    assert team["attainment_pct"] == "25.0"
    rows = [r["pipeline"] for r in doc["rows"]]
    assert sum(float(x) for x in rows) == float(team["pipeline"])
    table = ok(pipe("report", "forecast", "--by-owner", "--periods", "1", env={"COLUMNS": "200"}))
    last = [line for line in table.stdout.splitlines() if "│" in line][-1]
    assert last.startswith("team total") and "4,000.00" in last
    assert data(pipe("report", "forecast", "--periods", "1", "--json"))["team"] == []
    assert len(csv_rows(pipe("report", "forecast", "--by-owner", "--periods", "1", "--csv"))) == 3


def test_forecast_accuracy_column_reads_right(pipe: Pipe) -> None:
    june = "2026-06-01T10:00:00+00:00"
    deal = data(pipe("add", "deal", "A", "--amount", "1000", "--close", "2026-08-15", "--stage",
                     "negotiation", "--json", now=june))  # fmt: skip
    ok(pipe("win", str(deal["id"]), now="2026-08-01T10:00:00+00:00"))
    table = ok(pipe("report", "forecast-accuracy", "--from", "2026-07-01",
                    env={"COLUMNS": "200"})).stdout  # fmt: skip
    assert "actual / forecast %" in table and "accuracy %" not in table
    (row,) = data(pipe("report", "forecast-accuracy", "--from", "2026-07-01", "--json"))["rows"]
    assert row["accuracy_pct"] == "125.0"  # the JSON name stays
    helped = ok(pipe("report", "forecast-accuracy", "--help", env={"COLUMNS": "200"})).stdout
    assert "actual / forecast %" in helped and "accuracy_pct" in helped
    assert "promised more" in helped
