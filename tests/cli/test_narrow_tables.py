"""Lists, records and report charts at terminal widths (COLUMNS, as a terminal would set it).

At 80 and 100 columns no line is wider than the terminal; every amount, date and time of a shown
row is printed whole, on the row's first line; words of wrapped text are not broken; columns
left out are named under the table (those empty in every row may go silently). Report charts
write their numbers as the tables do, shrink their bars with the width, and draw nothing for a
value without data.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.cli.helpers import data, ok
from tests.conftest import Pipe

WIDTHS = [80, 100]
JUNE = "2026-06-01T10:00:00+00:00"
HIDDEN = "not shown at this width:"


@pytest.fixture
def wide(pipe: Pipe) -> None:
    """Long titles, account and owner names, amounts in the tens of millions, three currencies,
    a repeating task; deal 1 has a history of changes, deal 2 was lost with a long note."""
    ok(pipe("fx", "set", "CNY", "USD", "0.14", "--date", "2026-01-01"))
    ok(pipe("fx", "set", "EUR", "USD", "1.08", "--date", "2026-01-01"))
    for title, amount, cur, close, stage, owner, account in [
        ("Greenfield Digital Transformation Consultancy – 4,000 seats enterprise renewal",
         "98765432.10", "USD", "2026-12-30", "negotiation", "Bartholomew Featherstonehaugh",
         "Greenfield Digital Transformation Holdings"),
        ("Lost to a cheaper vendor", "2718281.83", "USD", "2026-11-30", "proposal", "Ann",
         "Initech"),
        ("安信传媒集团有限公司 – 40 个席位 年度续约", "1234567.89", "CNY", "2027-01-31",
         "proposal", "王芳", "南京安信传媒集团股份有限公司"),
        ("Initech renewal", "11700", "EUR", "2026-05-31", "qualification", "Ann", "Initech"),
        ("Pilot", "5", "USD", "2026-12-01", "prospecting", "Carla Diaz", "Globex"),
    ]:  # fmt: skip
        opts = ["--amount", amount, "--currency", cur, "--close", close, "--stage", stage]
        opts += ["--owner", owner, "--create-owner", "--account", account]
        data(pipe("add", "deal", title, *opts, "--json", now=JUNE))
    ok(pipe("edit", "deal", "1", "--amount", "87654321.09", now="2026-07-01T09:00:00+00:00"))
    ok(pipe("edit", "deal", "1", "--close", "2027-01-15", now="2026-08-01T09:00:00+00:00"))
    ok(pipe("move", "1", "proposal", now="2026-09-01T09:00:00+00:00"))
    ok(pipe("move", "1", "negotiation", now="2026-10-01T09:00:00+00:00"))
    note = "went with a cheaper vendor after a long evaluation of both offers"
    ok(pipe("lose", "2", "--reason", "price", "--note", note, now="2026-10-02T09:00:00+00:00"))
    ok(pipe("add", "task", "Call Bartholomew about the enterprise renewal pricing and discount",
            "--deal", "1", "--due", "2026-12-01 10:00", "--priority", "high"))  # fmt: skip
    ok(pipe("add", "task", "Pipeline review with the whole team", "--due", "2026-11-30",
            "--repeat", "every 2 weeks", "--type", "meeting"))  # fmt: skip


def _fits(out: str, width: int) -> None:
    from rich.cells import cell_len

    assert max(cell_len(line) for line in out.splitlines()) <= width, out
    assert "…" not in out, out


def _hidden(chunk: str) -> list[str]:
    """Headers the table left out, from its caption (one line at these widths)."""
    for line in chunk.splitlines():
        if HIDDEN in line:
            return [h.strip() for h in line.split(":", 1)[1].split(",")]
    return []


def _header_words(chunk: str) -> set[str]:
    return {w for line in chunk.splitlines() if "┃" in line for w in line.replace("┃", " ").split()}


def _columns(
    chunk: str, headers: list[str], empty: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """(shown, hidden) headers: each one is either in the header row or named in the caption;
    one of the `empty` columns (no data in any row) may be neither, but is never named."""
    words, hidden = _header_words(chunk), _hidden(chunk)
    shown = [h for h in headers if set(h.split()) <= words]
    for h in headers:
        if h in empty:
            assert h not in hidden, (h, hidden)
        else:
            assert (h in shown) != (h in hidden), (h, shown, hidden, chunk)
    return shown, hidden


def _row_line(chunk: str, start: str) -> str:
    """The first line of the table row whose first cell is `start`."""
    lines = [line for line in chunk.splitlines() if line.startswith(start + " ")]
    assert len(lines) == 1, (start, chunk)
    return lines[0]


def _money(amount: str | None, cur: str) -> str:
    from pipecli.core.money import format_amount

    return f"{format_amount(Decimal(amount), cur)} {cur}" if amount is not None else ""


def _words_whole(chunk: str, text: str) -> None:
    """Every word of `text` (none longer than tables.WHOLE_WORD here) is on one line."""
    for word in text.split():
        assert any(word in line for line in chunk.splitlines()), (word, chunk)


def _section(out: str, title: str) -> str:
    """One table of `pipe show`: sections are separated by a blank line, titled on top."""
    for chunk in out.split("\n\n"):
        if chunk.splitlines() and chunk.splitlines()[0].strip() == title:
            return chunk
    raise AssertionError(f"no section {title!r} in\n{out}")


@pytest.mark.parametrize("width", WIDTHS)
def test_deal_list_keeps_amounts_and_dates_whole(pipe: Pipe, wide: None, width: int) -> None:
    from pipecli.render import COLUMNS

    out = ok(pipe("list", "deals", env={"COLUMNS": str(width)})).stdout
    _fits(out, width)
    shown, hidden = _columns(out, [h for h, _ in COLUMNS["deal"]])
    assert {"ID", "Title", "Stage", "Amount", "Close"} <= set(shown)
    if width == 80:
        assert "Owner" in hidden and "Prob" in hidden
    rows = data(pipe("list", "deals", "--json"))
    assert len(rows) == 4
    for row in rows:
        line = _row_line(out, str(row["id"]))
        assert _money(row["amount"], row["currency"]) in line, (row, line)
        assert row["close"] in line
        assert row["stage"] in line
        _words_whole(out, row["title"])
    assert "98,765,432.10 USD" not in out  # changed to 87,654,321.09 since
    assert "87,654,321.09 USD" in out and "1,234,567.89 CNY" in out and "11,700.00 EUR" in out


def test_deal_list_names_dropped_columns_at_40(pipe: Pipe, wide: None) -> None:
    out = ok(pipe("list", "deals", env={"COLUMNS": "40"})).stdout
    _fits(out, 40)
    caption = " ".join(out[out.index(HIDDEN) :].split())  # the caption may wrap here
    for name in ("Account", "Prob", "Owner"):
        assert name in caption
    assert "87,654,321.09 USD" in out


def test_piped_list_is_not_narrowed(
    pipe: Pipe, wide: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # pytest-xdist workers set COLUMNS=80
    out = ok(pipe("list", "deals")).stdout
    assert HIDDEN not in out
    assert "Greenfield Digital Transformation Consultancy – 4,000 seats enterprise renewal" in out
    assert "Bartholomew Featherstonehaugh" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_task_list_keeps_due_times_whole(pipe: Pipe, wide: None, width: int) -> None:
    from pipecli.render import COLUMNS

    out = ok(pipe("list", "tasks", env={"COLUMNS": str(width)})).stdout
    _fits(out, width)
    shown, _ = _columns(out, [h for h, _ in COLUMNS["task"]])
    assert {"ID", "Due", "Title"} <= set(shown)
    rows = data(pipe("list", "tasks", "--json"))
    assert len(rows) == 2
    for row in rows:
        due = row["due"] + (f" {row['due_time'][:5]}" if row["due_time"] else "")
        assert due in _row_line(out, str(row["id"]))
        _words_whole(out, row["title"])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("deal", [1, 2])
def test_show_deal_history_keeps_amounts_and_dates_whole(
    pipe: Pipe, wide: None, width: int, deal: int
) -> None:
    from pipecli.render import COLUMNS

    out = ok(pipe("show", "deal", str(deal), env={"COLUMNS": str(width)})).stdout
    _fits(out, width)
    history = _section(out, "Stage history")
    rec = data(pipe("show", "deal", str(deal), "--json"))
    empty = frozenset({"Note"} if not any(s["note"] for s in rec["history"]) else ())
    shown, _ = _columns(history, [h for h, _ in COLUMNS["history"]], empty)
    assert {"When", "Stage", "Amount", "Close"} <= set(shown)
    assert (deal == 2) == ("Note" in shown)
    assert len(rec["history"]) >= 2
    for step in rec["history"]:
        when = datetime.fromisoformat(step["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        line = _row_line(history, when)
        assert _money(step["amount"], step["currency"]) in line, (step, line)
        assert step["close"] in line
        if step["note"] and "Note" in shown:
            _words_whole(history, step["note"])
    if deal == 1:
        assert "98,765,432.10 USD" in history and "87,654,321.09 USD" in history
        assert "2026-12-30" in history and "2027-01-15" in history
        tasks = _section(out, "Tasks")
        assert "2026-12-01 10:00" in tasks


# --- reports: the table's columns, and the chart ---------------------------------------------


def _chart_line(out: str, label: str) -> str:
    """The chart's line for `label` (labels are right-aligned, then two spaces, the bar)."""
    lines = [
        line for line in out.splitlines()
        if "│" not in line and (line.strip() == label or line.lstrip().startswith(label + "  "))
    ]  # fmt: skip
    assert len(lines) == 1, (label, out)
    return lines[0]


def _bar(line: str) -> int:
    """Length of the longest run of bar characters in `line`."""
    return max((len(m) for m in re.findall("[█░]+", line)), default=0)


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_names_non_empty_columns_it_leaves_out(pipe: Pipe, wide: None, width: int) -> None:
    from pipecli.render.reports import TABLE_FIELDS

    out = ok(pipe("report", "forecast", env={"COLUMNS": str(width)})).stdout
    _fits(out, width)
    rows = data(pipe("report", "forecast", "--json"))["rows"]
    table = out.split("\n\n")[0]
    hidden = _hidden(table)
    words = _header_words(table)
    for field in TABLE_FIELDS["forecast"]:
        header = field.replace("_pct", " %").replace("_", " ")
        if all(r[field] is None for r in rows):  # quota, attainment, coverage without --quota
            assert header not in hidden
        elif field != "group":  # no group column without --by-owner
            # shown in the table exactly when not named among the hidden columns
            assert (header in hidden) != (set(header.split()) <= words), (header, table)


@pytest.mark.parametrize("width", [40, 60, *WIDTHS])
def test_forecast_chart_numbers_formatted_and_bars_follow_the_width(
    pipe: Pipe, wide: None, width: int
) -> None:
    from pipecli.core.money import format_amount
    from pipecli.render.reports import BAR_WIDTH

    out = ok(pipe("report", "forecast", env={"COLUMNS": str(width)})).stdout
    _fits(out, width)
    assert re.search(r"\d{4,}\.\d", out) is None, out  # every number has its thousands commas
    chart = out.split("\n\n")[-1]
    rows = data(pipe("report", "forecast", "--json"))["rows"]
    for row in rows:
        won, open_ = (format_amount(Decimal(row[f]), "USD") for f in ("closed_won", "open_total"))
        assert won in chart and open_ in chart
        if width >= 80:
            assert f"{won} / {open_}" in _chart_line(chart, row["period"])
    longest = max(_bar(line) for line in chart.splitlines())
    if width >= 80:
        assert longest == BAR_WIDTH
    else:
        assert 0 < longest < BAR_WIDTH


@pytest.mark.parametrize("width", WIDTHS)
def test_calibrate_chart_draws_nothing_without_data(pipe: Pipe, wide: None, width: int) -> None:
    out = ok(pipe("report", "calibrate", env={"COLUMNS": str(width)})).stdout
    _fits(out, width)
    chart = out.split("\n\n")[-1]
    rows = data(pipe("report", "calibrate", "--json"))["rows"]
    assert any(r["observed_pct"] is None for r in rows)
    assert any(r["observed_pct"] is not None for r in rows)
    for row in rows:
        assert f" {row['configured_pct']}%" in _chart_line(chart, f"{row['stage']} configured")
        line = _chart_line(chart, f"{row['stage']} observed")
        if row["observed_pct"] is None:
            assert line.strip() == f"{row['stage']} observed", line
        else:
            assert line.rstrip().endswith(f" {row['observed_pct']}%"), line


def test_chart_values_match_the_table(pipe: Pipe, wide: None) -> None:
    """A count, a percentage and days: the same text in the chart as in the table."""
    out = ok(pipe("report", "winrate", env={"COLUMNS": "100"})).stdout
    doc: Any = data(pipe("report", "winrate", "--json"))
    pct = doc["rows"][0]["win_rate_pct"]
    assert pct is not None
    assert _chart_line(out.split("\n\n")[-1], "all").rstrip().endswith(f" {pct}%")
    out = ok(pipe("report", "funnel", env={"COLUMNS": "100"})).stdout
    for row in data(pipe("report", "funnel", "--json"))["rows"]:
        line = _chart_line(out.split("\n\n")[-1], row["stage"])
        assert line.rstrip().endswith(f" {row['deals']}") or row["deals"] == 0, line
