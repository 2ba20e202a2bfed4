"""`pipe report ...` and `pipe fx ...` through the CLI: exit codes, --json, --csv, --svg, --html.

The numbers themselves are worked out in tests/core/test_reports.py; here a small history is
built through `pipe` at different PIPE_NOW moments and the outputs are checked for shape.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tests.cli.helpers import add_deal, csv_rows, data, ok, refused
from tests.conftest import Pipe, Run, Snapshot

REPORTS = [
    "funnel", "forecast", "forecast-accuracy", "winrate", "cycle", "velocity", "stale",
    "slipped", "calibrate", "lost-reasons",
]  # fmt: skip


def row_fields(name: str) -> list[str]:
    from pipecli.core.reports import (
        accuracy,
        calibrate,
        cycle,
        forecast,
        funnel,
        lost_reasons,
        slipped,
        stale,
        velocity,
        winrate,
    )

    types = {
        "funnel": funnel.FunnelRow, "forecast": forecast.ForecastRow,
        "forecast-accuracy": accuracy.AccuracyRow, "winrate": winrate.WinRateRow,
        "cycle": cycle.CycleRow, "stale": stale.StaleRow, "slipped": slipped.SlipRow,
        "calibrate": calibrate.CalibrateRow, "velocity": velocity.Velocity,
        "lost-reasons": lost_reasons.LostReasonRow,
    }  # fmt: skip
    return [f.name for f in dataclasses.fields(types[name]) if f.name != "head"]


@pytest.fixture
def deals(pipe: Pipe) -> None:
    add_deal(pipe, "A", "--amount", "1000", "--close", "2026-11-30")
    add_deal(pipe, "B", "--amount", "2000", "--close", "2026-10-01")
    ok(pipe("move", "1", "negotiation"))
    ok(pipe("win", "2"))
    ok(pipe("edit", "deal", "1", "--close", "2026-12-15"))


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_as_json_csv_svg_and_html(
    pipe: Pipe, deals: None, tmp_path: Path, name: str
) -> None:
    doc = data(pipe("report", name, "--json"))
    assert doc["report"] == name and doc["as_of"] == "2026-11-23" and doc["currency"] == "USD"
    assert list(doc)[:7] == [
        "report", "as_of", "date_from", "date_to", "pipeline", "owner", "currency",
    ]  # fmt: skip
    rows = csv_rows(pipe("report", name, "--csv"))
    assert rows[0] == row_fields(name)
    if "rows" in doc:
        assert len(rows) - 1 == len(doc["rows"])
        assert all(list(r) == row_fields(name) for r in doc["rows"])
    svg, html = tmp_path / "r.svg", tmp_path / "r.html"
    r = ok(pipe("report", name, "--svg", str(svg), "--html", str(html)))
    assert r.stdout.strip()  # the table and chart
    assert svg.read_text().lstrip().startswith("<svg")
    assert "<html" in html.read_text()


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_on_no_data_is_an_empty_table(pipe: Pipe, name: str) -> None:
    r = ok(pipe("report", name))
    assert r.stdout.strip()
    assert ok(pipe("report", name, "--csv")).stdout.splitlines()[0] == ",".join(row_fields(name))


def test_report_values_through_the_cli(pipe: Pipe, deals: None) -> None:
    funnel = data(pipe("report", "funnel", "--json"))
    assert [r["deals"] for r in funnel["rows"]] == [2, 2, 2, 2, 1]  # A skipped to Negotiation
    seq = data(pipe("report", "funnel", "--mode", "sequential", "--json"))
    assert [r["deals"] for r in seq["rows"]] == [2, 0, 0, 0, 0]
    (q4,) = data(pipe("report", "forecast", "--periods", "1", "--quota", "5000", "--json"))["rows"]
    assert (q4["closed_won"], q4["commit"], q4["weighted"]) == ("2000.00", "1000.00", "800.00")
    assert (q4["attainment_pct"], q4["coverage"]) == ("40.0", "0.33")  # 1000 / (5000 − 2000)
    slips = data(pipe("report", "slipped", "--json"))
    assert (slips["slips"], slips["rows"][0]["days_pushed"]) == (1, 15)
    before = data(pipe("report", "winrate", "--as-of", "2026-11-22", "--json"))
    assert before["rows"] == []


def test_report_refusals(pipe: Pipe, deals: None, snapshot: Snapshot) -> None:
    before = snapshot()
    refused(pipe("report", "funnel", "--mode", "all"), 2, "mode", "'all'")
    refused(pipe("report", "winrate", "--by", "region"), 2, "by", "region")
    refused(pipe("report", "forecast", "--by", "week"), 2, "by", "week")
    refused(pipe("report", "calibrate", "--pipeline", "nope"), 3, "pipeline", "nope")
    refused(pipe("report", "cycle", "--as-of", "2027-01-01"), 2, "as-of", "future")
    refused(pipe("report", "stale", "--from", "2026-02-01", "--to", "2026-01-01"), 2, "to")
    refused(pipe("report", "forecast", "--currency", "EUR"), 3, "USD/EUR")
    assert snapshot() == before


def test_fx_set_list_and_conversion(pipe: Pipe, deals: None) -> None:
    refused(pipe("report", "winrate", "--currency", "CNY"), 3, "USD/CNY", "pipe fx set")
    assert ok(pipe("fx", "set", "USD", "CNY", "7.12", "--date", "2026-11-01")).stdout == (
        "1 USD = 7.12 CNY from 2026-11-01\n"
    )
    assert data(pipe("fx", "list", "--json")) == [
        {"base": "USD", "quote": "CNY", "rate": "7.12", "valid_from": "2026-11-01"}
    ]
    assert csv_rows(pipe("fx", "list", "--csv"))[1] == ["USD", "CNY", "7.12", "2026-11-01"]
    (row,) = data(pipe("report", "winrate", "--currency", "CNY", "--json"))["rows"]
    assert row["won_value"] == "14240.00"  # 2000 × 7.12
    refused(pipe("fx", "set", "USD", "CNY", "zero"), 2, "rate", "zero")


def test_report_help_does_not_load_the_store() -> None:
    from tests.test_import_hygiene import HEAVY, _modules_after

    code = "from pipecli.main import execute\nexecute(['report', 'forecast', '--help'])\n"
    loaded = _modules_after(code)
    assert "pipecli.commands.report" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []


def test_demo(pipe: Pipe) -> None:
    r = ok(pipe("demo", "--deals", "60"))
    assert "created 60 demo deals" in r.stderr and "20 accounts" in r.stderr
    assert r.stdout == ""  # no progress bar without a terminal, nothing on stdout
    assert data(pipe("report", "funnel", "--json"))["cohort"] == 60
    assert data(pipe("report", "slipped", "--json"))["deals"] > 0
    accounts = data(pipe("list", "accounts", "--json"))
    assert len(accounts) == 20 and all(a["domain"] for a in accounts)
    refused(pipe("demo"), 4, "60 deals, 20 accounts", "--force")
    ok(pipe("demo", "--deals", "30", "--seed", "2", "--force"))
    assert data(pipe("report", "funnel", "--json"))["cohort"] == 90


def test_demo_into_another_database(pipe: Pipe, tmp_path: Path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    ok(pipe("--db", str(first), "demo", "--deals", "40", "--seed", "7"))
    ok(pipe("demo", "--deals", "40", "--seed", "7", "--db", str(second)))
    for db in (first, second):
        assert data(pipe("--db", str(db), "report", "funnel", "--json"))["cohort"] == 40
    assert data(pipe("report", "funnel", "--json"))["cohort"] == 0  # PIPE_DB untouched
    deals = [data(pipe("--db", str(db), "list", "deals", "--json")) for db in (first, second)]
    drop = {"uuid"}
    assert [{k: v for k, v in d.items() if k not in drop} for d in deals[0]] == [
        {k: v for k, v in d.items() if k not in drop} for d in deals[1]
    ]
    refused(pipe("demo", "--db", str(first)), 4, "40 deals")


def test_forecast_accuracy_takes_a_range(pipe: Pipe) -> None:
    """Deal created Jun 1 in Negotiation (80 %), 1000, close Aug 15, won Aug 1. As of Jul 1 the
    2026-Q3 forecast was 1000 commit, 800 weighted; 1000 won: 125 %. Q4 holds NOW: not complete."""
    june = "2026-06-01T10:00:00+00:00"
    deal = data(pipe("add", "deal", "A", "--amount", "1000", "--close", "2026-08-15", "--stage",
                     "negotiation", "--json", now=june))  # fmt: skip
    ok(pipe("win", str(deal["id"]), now="2026-08-01T10:00:00+00:00"))
    doc = data(pipe("report", "forecast-accuracy", "--from", "2026-04-01", "--to", "eoy", "--json"))
    assert (doc["date_from"], doc["date_to"]) == ("2026-04-01", "2026-12-31")
    assert [(r["period"], r["forecast_weighted"], r["actual_won"], r["accuracy_pct"])
            for r in doc["rows"]] == [
        ("2026-Q2", "0.00", "0.00", None), ("2026-Q3", "800.00", "1000.00", "125.0"),
    ]  # fmt: skip
    (q3,) = data(pipe("report", "forecast-accuracy", "--from", "2026-07-01", "--json"))["rows"]
    assert q3["period"] == "2026-Q3"
    rows = data(pipe("report", "forecast-accuracy", "--to", "2026-09-30", "--periods", "3",
                     "--json"))["rows"]  # fmt: skip
    assert [r["period"] for r in rows] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    table = ok(pipe("report", "forecast-accuracy", "--from", "2026-07-01")).stdout
    assert "2026-07-01 – …" in table and "125.0%" in table
    refused(pipe("report", "forecast-accuracy", "--from", "someday"), 2, "from", "someday")
    refused(pipe("report", "forecast-accuracy", "--to", "2026-02-30"), 2, "to", "2026-02-30")
    refused(pipe("report", "forecast-accuracy", "--from", "2026-09-01", "--to", "2026-01-01"), 2,
            "to", "before --from")  # fmt: skip
    refused(pipe("report", "forecast-accuracy", "--from", "2026-01-01", "--periods", "2"), 2,
            "periods", "--from")  # fmt: skip


# --- tables at terminal widths --------------------------------------------------------------


@pytest.fixture
def big_deals(pipe: Pipe) -> None:
    """Amounts in the tens of millions, long titles and owner names: too wide for 80 columns."""
    june = "2026-06-01T10:00:00+00:00"
    for title, amount, close, stage, owner in [
        ("Commit", "48250000", "2026-12-15", "negotiation", "Ann"),
        ("Best case", "7654321.98", "2026-12-20", "proposal", "Bartholomew Featherstonehaugh"),
        ("Pipeline", "31415926.53", "2027-02-10", "qualification", "Ann"),
        ("Overdue", "2718281.83", "2026-11-01", None, "Ann"),
        ("Greenfield Digital Transformation Consultancy – 4,000 seats enterprise renewal",
         "98765432.10", "2026-09-30", "negotiation", "Ann"),
        ("安信传媒集团有限公司 – 40 个席位 年度续约", "1234567.89", "2026-12-31", "proposal",
         "Ann"),
    ]:  # fmt: skip
        opts = ["--amount", amount, "--close", close, "--owner", owner, "--create-owner"]
        opts += ["--stage", stage] if stage else []
        data(pipe("add", "deal", title, *opts, "--json", now=june))
    won = add_deal(pipe, "Won", "--amount", "12345678.90", "--close", "2026-11-10")
    ok(pipe("win", str(won["id"])))


def _hidden(out: str) -> list[str]:
    """Headers the table left out, from its caption."""
    for line in out.splitlines():
        if "not shown at this width:" in line:
            return [h.strip() for h in line.split(":", 1)[1].split(",")]
    return []


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize(
    "args",
    [("forecast", "--by", "quarter", "--quota", "50m"), ("forecast", "--by-owner"), ("stale",)],
)
def test_report_tables_fit_the_terminal_and_never_cut_amounts(
    pipe: Pipe, big_deals: None, width: int, args: tuple[str, ...]
) -> None:
    from decimal import Decimal

    from rich.cells import cell_len

    from pipecli.core.money import format_amount
    from pipecli.render.reports import MONEY, TABLE_FIELDS

    out = ok(pipe("report", *args, env={"COLUMNS": str(width)})).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert re.search(r"\d…|…\d", out) is None
    rows = data(pipe("report", *args, "--json"))["rows"]
    assert rows
    hidden = _hidden(out)
    money = [f for f in TABLE_FIELDS[args[0]] if f in MONEY or f == "amount"]
    must_show = {"forecast": ["closed_won", "weighted"], "stale": ["amount"]}[args[0]]
    seen = 0
    for field in money:
        header = field.replace("_", " ")
        assert field not in must_show or header not in hidden
        if header in hidden:
            continue
        for row in rows:
            if row[field] is None:
                continue
            cur = row.get("currency", "USD")
            shown = format_amount(Decimal(row[field]), cur)
            assert (f"{shown} {cur}" if field == "amount" else shown) in out, (field, shown)
            seen += 1
    assert seen >= len(rows) * len(must_show)
    if "stale" in args:
        assert "98,765,432.10 USD" in out and "1,234,567.89 USD" in out
    else:
        assert "48,250,000.00" in out and "12,345,678.90" in out


def test_report_tables_piped_are_not_narrowed(
    pipe: Pipe, big_deals: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # pytest-xdist workers set COLUMNS=80
    out = ok(pipe("report", "stale")).stdout  # no terminal, no COLUMNS: unlimited width
    assert "not shown" not in out
    assert "Greenfield Digital Transformation Consultancy – 4,000 seats enterprise renewal" in out


def test_unwritable_svg_or_html_is_refused_before_the_report_runs(
    pipe: Pipe, tmp_path: Path, snapshot: Snapshot
) -> None:
    before = snapshot()
    missing = str(tmp_path / "nope" / "r.svg")
    # usage errors: one line through the real entry point (tests/cli/test_processes.py)
    import re

    def said(r: Run) -> str:
        assert r.exit_code == 2 and r.stdout == ""
        return re.sub(r"[│╭╮╰╯─\s]+", " ", r.stderr)

    assert "does not exist" in said(pipe("report", "winrate", "--svg", missing))
    assert "is a directory" in said(pipe("report", "forecast", "--html", str(tmp_path)))
    assert snapshot() == before
    ok(pipe("report", "winrate", "--svg", str(tmp_path / "r.svg")))
    assert (tmp_path / "r.svg").read_text().lstrip().startswith("<svg")
