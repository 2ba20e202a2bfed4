"""Everyday lists, typed as a user types them: `list deals --sort` and its total line, `--deal`
on task and activity lists, task lists naming what each task is for (and when it was done), a
closed deal's close day, `show` without internal ids, and trouble marked with a symbol and a
colour in a terminal table only (issue 15, "Lists, records and colour")."""

from __future__ import annotations

import re

import pytest

from tests.cli.helpers import csv_rows, data, ok, record, refused
from tests.conftest import MakeCtx, Pipe, not_none

LATER = "2026-12-20T10:00:00+00:00"  # four weeks after NOW: tasks overdue, deals rotting
COLOUR = {"NO_COLOR": "", "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def titles(pipe: Pipe, *args: str) -> list[str]:
    return [d["title"] for d in data(pipe("list", "deals", *args, "--json"))]


@pytest.fixture
def deals(pipe: Pipe) -> Pipe:
    """Five deals: 5000 USD, 700000 JPY, 5000 USD again (a tie), none, 5000.5 BHD."""
    for args in (
        ["Alpha", "--amount", "5000", "--close", "2026-12-10"],
        ["Bravo", "--amount", "700000", "--currency", "JPY", "--close", "2026-12-01"],
        ["Charlie", "--amount", "5000", "--stage", "proposal"],
        ["Delta", "--close", "2027-01-05"],
        ["Echo", "--amount", "5000.5", "--currency", "BHD", "--close", "2026-12-01"],
    ):
        ok(pipe("add", "deal", *args))
    return pipe


def test_sort_by_amount_each_in_its_own_currency_ties_by_id(deals: Pipe) -> None:
    assert titles(deals, "--sort", "amount") == ["Alpha", "Charlie", "Echo", "Bravo", "Delta"]
    # largest first; the tie keeps an order (by id, the same way round); no amount stays last
    assert titles(deals, "--sort", "amount", "--desc") == [
        "Bravo",
        "Echo",
        "Charlie",
        "Alpha",
        "Delta",
    ]


def test_sort_by_close_stage_updated_created(deals: Pipe) -> None:
    assert titles(deals, "--sort", "close") == ["Bravo", "Echo", "Alpha", "Delta", "Charlie"]
    assert titles(deals, "--sort", "CLOSE", "--desc")[:2] == ["Delta", "Alpha"]
    ok(deals("move", "4", "negotiation"))
    assert titles(deals, "--sort", "stage") == ["Alpha", "Bravo", "Echo", "Charlie", "Delta"]
    assert titles(deals, "--sort", "stage", "--desc") == [
        "Delta",
        "Charlie",
        "Echo",
        "Bravo",
        "Alpha",
    ]
    ok(deals("edit", "deal", "2", "--amount", "1", now=LATER))
    assert titles(deals, "--sort", "updated", "--desc")[0] == "Bravo"
    assert titles(deals, "--sort", "created") == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert titles(deals, "--desc") == ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]


def test_sort_refuses_an_unknown_key(deals: Pipe) -> None:
    refused(deals("list", "deals", "--sort", "colour"), 2, "sort", "amount, close, stage")


def test_a_closed_deal_sorts_and_shows_by_the_day_it_closed(deals: Pipe) -> None:
    ok(deals("win", "4", now=LATER))  # expected 2027-01-05, won 2026-12-20
    got = data(deals("list", "deals", "--status", "all", "--sort", "close", "--json"))
    assert [d["title"] for d in got] == ["Bravo", "Echo", "Alpha", "Delta", "Charlie"]
    delta = next(d for d in got if d["title"] == "Delta")
    assert delta["close"] == "2027-01-05"  # the JSON field keeps its meaning: expected close
    assert delta["closed_at"].startswith("2026-12-20")
    table = ok(deals("list", "deals", "--status", "won")).stdout
    assert "2026-12-20" in table and "2027-01-05" not in table
    shown = ok(deals("show", "deal", "4")).stdout
    assert re.search(r"close\s+2026-12-20 \(closed\)", shown)
    assert re.search(r"expected close\s+2027-01-05", shown)


def test_total_line_under_a_deal_table_only(deals: Pipe) -> None:
    run = ok(deals("list", "deals"))
    # under the table, beside the other hints for the person (stdout stays the table)
    assert run.stderr == "Total: 5 deals: 5,000.500 BHD (1), 700,000 JPY (1), 10,000.00 USD (2)\n"
    assert "Total" not in run.stdout and "Alpha" in run.stdout
    one = ok(deals("list", "deals", "-s", "alpha", "--limit", "1")).stderr
    assert one == "Total: 1 deal: 5,000.00 USD (1)\n"
    paged = ok(deals("list", "deals", "--limit", "2")).stderr.splitlines()
    assert paged[0] == "Total: 2 deals: 700,000 JPY (1), 5,000.00 USD (1)"  # the rows shown
    for fmt in ("--csv", "--json"):
        assert "Total" not in (r := deals("list", "deals", fmt)).stdout + r.stderr
    assert "Total" not in ok(deals("list", "tasks")).stderr + ok(deals("list", "leads")).stderr


def test_tasks_and_activities_by_deal_id_or_title(deals: Pipe) -> None:
    ok(deals("add", "task", "Call Bravo", "--deal", "Bravo"))
    ok(deals("add", "task", "Send Alpha the proposal", "--deal", "1"))
    ok(deals("log", "call", "Spoke to Bravo", "--deal", "2"))
    ok(deals("log", "note", "Alpha is keen", "--deal", "1"))
    for ref in ("2", "Bravo", "bravo"):
        assert [t["title"] for t in data(deals("list", "tasks", "--deal", ref, "--json"))] == [
            "Call Bravo"
        ]
        got = data(deals("list", "activities", "--deal", ref, "--json"))
        assert [a["subject"] for a in got] == ["Spoke to Bravo"]
    refused(deals("list", "tasks", "--deal", "Zulu"), 3, "Zulu")
    refused(deals("list", "activities", "--deal", "99"), 3, "99")


def test_task_list_names_the_record_and_when_done(deals: Pipe) -> None:
    ok(deals("add", "contact", "Li Wei"))
    ok(deals("add", "task", "Call about Bravo", "--deal", "2", "--due", "2026-11-25"))
    ok(deals("add", "task", "Birthday card", "--contact", "Li Wei", "--due", "2026-11-26"))
    out = ok(deals("list", "tasks")).stdout
    assert "Bravo" in out and "Li Wei" in out and "deal 2" not in out
    got = data(deals("list", "tasks", "--json"))
    assert [t["related"] for t in got] == ["Bravo", "Li Wei"]
    assert got[0]["deal_id"] == 2  # the ids stay, as before
    ok(deals("done", "1", now="2026-11-24T09:00:00+00:00"))
    done = ok(deals("list", "tasks", "--status", "done")).stdout
    assert "done 2026-11-24" in done
    header = ok(deals("list", "tasks", "--status", "done", "--csv")).stdout.splitlines()[0]
    assert "related" in header.split(",") and "done_at" in header.split(",")


def test_show_hides_internal_ids_unless_json(deals: Pipe) -> None:
    ok(deals("add", "account", "Acme Ltd"))
    ok(deals("edit", "deal", "1", "--account", "Acme Ltd"))
    shown = ok(deals("show", "deal", "1")).stdout
    assert "Acme Ltd" in shown
    assert not re.search(r"^\s*\w+_id\s", shown, re.MULTILINE), shown
    full = record(deals("show", "deal", "1", "--json"))
    assert full["account_id"] == 1 and full["stage_id"] and full["pipeline_id"]


def test_trouble_marked_with_a_symbol_without_colour(deals: Pipe) -> None:
    ok(deals("add", "task", "Chase Bravo", "--deal", "2", "--due", "2026-12-01"))
    ok(deals("add", "task", "Fix the contract", "--priority", "urgent", "--due", "2027-01-10"))
    ok(deals("add", "task", "Later", "--due", "2027-01-10"))
    ok(deals("win", "3"))
    ok(deals("lose", "4", "--reason", "price"))
    tasks = ok(deals("list", "tasks", now=LATER, env={"COLUMNS": "200"})).stdout
    assert "\x1b[" not in tasks  # NO_COLOR (set for every test): symbols only
    assert re.search(r"!2026-12-01 .*Chase Bravo", tasks)
    assert re.search(r"2027-01-10 .*▲urgent .*Fix the contract", tasks)
    assert "!2027-01-10" not in tasks and "▲normal" not in tasks
    lists = ok(deals("list", "deals", "--status", "all", now=LATER, env={"COLUMNS": "200"})).stdout
    rows = {line.split()[2]: line for line in lists.splitlines() if line[:1].isdigit()}
    assert "!2026-12-10" in rows["Alpha"]  # close date passed
    assert "◷Prospecting" in rows["Alpha"]  # 27 days in a 14-day stage
    assert "✓Won" in rows["Charlie"] and "✗Lost" in rows["Delta"]
    assert "!" not in rows["Charlie"] + rows["Delta"]
    # the same data as JSON and CSV: no marks
    assert "▲" not in deals("list", "tasks", "--json", now=LATER).stdout
    assert not any(
        "!" in c or "◷" in c
        for r in csv_rows(deals("list", "deals", "--csv", now=LATER))
        for c in r
    )
    # nothing is marked before it is due
    calm = ok(deals("list", "deals")).stdout
    assert "◷" not in calm and "!2" not in calm


def test_trouble_in_colour_on_a_terminal(deals: Pipe) -> None:
    ok(deals("add", "task", "Chase Bravo", "--deal", "2", "--due", "2026-12-01"))
    ok(deals("win", "3"))
    tasks = ok(deals("list", "tasks", now=LATER, env=COLOUR)).stdout
    assert "\x1b[31m!2026-12-01\x1b[0m" in tasks  # red
    lists = ok(deals("list", "deals", "--status", "all", now=LATER, env=COLOUR)).stdout
    assert "\x1b[32m✓Won\x1b[0m" in lists  # green
    assert "\x1b[33m◷Prospecting\x1b[0m" in lists  # yellow
    plain = ok(deals("list", "deals", "--status", "all", now=LATER, env={"COLUMNS": "200"})).stdout
    assert ANSI.sub("", lists).replace(" ", "") == plain.replace(" ", "")


def test_stored_text_stays_inert_in_marked_cells(pipe: Pipe, make_ctx: MakeCtx) -> None:
    from pipecli.core.models import Deal

    ok(pipe("add", "deal", "Evil deal", "--close", "2026-12-01"))
    with make_ctx() as ctx:  # stored by an older version or another program, not by pipe
        deal = not_none(ctx.session.get(Deal, 1))
        deal.title, deal.currency = "Evil\x1b[31m deal", "USD"
        ctx.session.add(deal)
    out = ok(pipe("list", "deals", now=LATER, env=COLOUR)).stdout
    assert "Evil\x1b[31m" not in out
    assert "!2026-12-01" in ANSI.sub("", out)
