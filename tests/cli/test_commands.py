"""Every command of the grammar, through `pipe ...`: exit code and the --json record it prints.

The clock is NOW = Monday 2026-11-23 10:00 UTC and the user is Ann (tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from pipecli.core.schema import field_names
from tests.cli.helpers import NOW_ISO, add_deal, data, has_fields, ok, record, refused
from tests.conftest import Pipe

DEAL = "Acme – 40 seats"


def add_acme_lead(pipe: Pipe) -> dict[str, Any]:
    return record(pipe("add", "lead", "Li Wei", "--company", "Acme Ltd", "--email",
                     "li.wei@acme.example", "--source", "web", "--value", "12000",
                     "--json"))  # fmt: skip


def add_acme(pipe: Pipe) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The walk-through's first three records: lead, account and contact."""
    lead = add_acme_lead(pipe)
    account = data(pipe("add", "account", "Acme Ltd", "--domain", "acme.example",
                        "--industry", "manufacturing", "--json"))  # fmt: skip
    contact = data(pipe("add", "contact", "Li Wei", "--account", "Acme Ltd", "--email",
                        "li.wei@acme.example", "--birthday", "1988-03-14", "--json"))  # fmt: skip
    return lead, account, contact


# --- add ---------------------------------------------------------------------------------------


def test_add_lead(pipe: Pipe) -> None:
    lead = add_acme_lead(pipe)
    has_fields(lead, "lead")
    assert lead["id"] == 1 and lead["name"] == "Li Wei" and lead["company"] == "Acme Ltd"
    assert lead["email"] == "li.wei@acme.example" and lead["source"] == "web"
    assert (lead["value"], lead["currency"], lead["status"]) == ("12000.00", "USD", "new")
    assert (lead["owner"], lead["tags"], lead["archived"]) == ("Ann", [], False)
    assert lead["created_at"] == lead["updated_at"] == NOW_ISO
    assert lead["converted_at"] is None and lead["deal_id"] is None


def test_add_account_and_contact(pipe: Pipe) -> None:
    _, account, contact = add_acme(pipe)
    has_fields(account, "account")
    assert (account["name"], account["domain"], account["industry"]) == (
        "Acme Ltd", "acme.example", "manufacturing",
    )  # fmt: skip
    assert account["owner"] == "Ann" and account["lead_id"] is None
    has_fields(contact, "contact")
    assert contact["account"] == "Acme Ltd" and contact["account_id"] == account["id"]
    assert contact["email"] == "li.wei@acme.example" and contact["birthday"] == "1988-03-14"


def test_add_contact_at_a_new_account_creates_it(pipe: Pipe) -> None:
    r = ok(pipe("add", "contact", "Jo", "--account", "New Co", "--json"))
    assert r.json["account"] == "New Co"
    assert "created account" in r.stderr
    accounts = data(pipe("list", "accounts", "--json"))
    assert [a["name"] for a in accounts] == ["New Co"]


def test_add_deal_end_of_quarter(pipe: Pipe) -> None:
    pipe("add", "account", "Acme Ltd")
    deal = add_deal(pipe, DEAL, "--account", "Acme Ltd", "--amount", "12000", "--currency", "CNY",
                    "--close", "end of quarter")  # fmt: skip
    has_fields(deal, "deal")
    assert deal["title"] == DEAL and deal["close"] == "2026-12-31"
    assert (deal["amount"], deal["currency"]) == ("12000.00", "CNY")
    assert (deal["pipeline"], deal["stage"], deal["status"]) == ("Default", "Prospecting", "open")
    assert (deal["probability"], deal["probability_manual"]) == (10, False)
    assert deal["account"] == "Acme Ltd" and deal["account_id"] == 1
    assert deal["owner"] == "Ann" and deal["closed_at"] is None
    assert deal["stage_entered_at"] == NOW_ISO


def test_add_deal_with_tags_owner_and_probability(pipe: Pipe) -> None:
    deal = add_deal(pipe, "X", "--tag", "Hot", "--tag", "q4", "--owner", "Bob", "--create-owner",
                    "--probability", "35%", "--stage", "qual")  # fmt: skip
    assert deal["tags"] == ["hot", "q4"] and deal["owner"] == "Bob"
    assert (deal["stage"], deal["probability"], deal["probability_manual"]) == (
        "Qualification", 35, True,
    )  # fmt: skip


def test_deal_product_is_set_edited_and_cleaned(pipe: Pipe) -> None:
    deal = add_deal(pipe, "X", "--product", "  CRM   Suite ")
    assert deal["product"] == "CRM Suite"
    edited = data(pipe("edit", "deal", str(deal["id"]), "--product", "Analytics", "--json"))
    assert edited["product"] == "Analytics" and edited["title"] == "X"
    assert data(pipe("show", "deal", str(deal["id"]), "--json"))["product"] == "Analytics"


def test_add_task_due_friday_10am(pipe: Pipe) -> None:
    deal = add_deal(pipe)
    task = data(pipe("add", "task", "Call Li about pricing", "--deal", str(deal["id"]),
                     "--due", "fri 10am", "--priority", "high", "--json"))  # fmt: skip
    has_fields(task, "task")
    assert (task["due"], task["due_time"]) == ("2026-11-27", "10:00:00")
    assert (task["priority"], task["type"], task["status"]) == ("high", "todo", "open")
    assert task["deal_id"] == deal["id"] and task["owner"] == "Ann"
    assert task["repeat"] is None and task["done_at"] is None


# --- convert, move, win, lose ------------------------------------------------------------------


def test_convert_matches_existing_account_and_contact(pipe: Pipe) -> None:
    lead, account, contact = add_acme(pipe)
    add_deal(pipe, DEAL, "--account", "Acme Ltd")  # deal 1: the convert's deal is a new one
    out = data(pipe("convert", str(lead["id"]), "--deal", DEAL, "--json"))
    assert set(out) == {"lead", "account", "contact", "deal", "account_created", "contact_created"}
    for kind in ("lead", "account", "contact", "deal"):
        has_fields(out[kind], kind)
    assert out["account_created"] is False and out["contact_created"] is False
    assert out["account"]["id"] == account["id"] and out["contact"]["id"] == contact["id"]
    deal = out["deal"]
    assert deal["id"] == 2 and deal["title"] == DEAL and deal["lead_id"] == lead["id"]
    assert (deal["amount"], deal["currency"]) == ("12000.00", "USD")
    assert (deal["account"], deal["contact"], deal["source"]) == ("Acme Ltd", "Li Wei", "web")
    converted = out["lead"]
    assert converted["status"] == "converted" and converted["converted_at"] == NOW_ISO
    assert (converted["account_id"], converted["contact_id"], converted["deal_id"]) == (
        account["id"], contact["id"], deal["id"],
    )  # fmt: skip
    refused(pipe("convert", str(lead["id"])), 4, "already converted")


def test_convert_creates_account_and_contact(pipe: Pipe) -> None:
    add_acme_lead(pipe)
    out = data(pipe("convert", "1", "--json"))
    assert out["account_created"] is True and out["contact_created"] is True
    assert out["deal"] is None
    assert out["account"]["name"] == "Acme Ltd" and out["account"]["domain"] == "acme.example"
    assert out["contact"]["account"] == "Acme Ltd" and out["contact"]["lead_id"] == 1


def test_move_win_lose(pipe: Pipe) -> None:
    for title in ("a", "b", "c", "d"):
        add_deal(pipe, title, "--amount", "1000")
    moved = data(pipe("move", "3", "proposal", "--json"))
    has_fields(moved, "deal")
    assert (moved["stage"], moved["probability"], moved["status"]) == ("Proposal", 50, "open")
    won = data(pipe("win", "3", "--json"))
    assert (won["stage"], won["status"], won["probability"]) == ("Won", "won", 100)
    assert won["closed_at"] == NOW_ISO
    lost = data(pipe("lose", "4", "--reason", "price", "--note", "went with a cheaper vendor",
                     "--json"))  # fmt: skip
    assert (lost["stage"], lost["status"], lost["probability"]) == ("Lost", "lost", 0)
    assert (lost["lost_reason"], lost["lost_note"]) == ("price", "went with a cheaper vendor")
    refused(pipe("win", "3"), 4, "already won")
    reopened = data(pipe("reopen", "3", "--json"))
    assert (reopened["stage"], reopened["status"], reopened["closed_at"]) == (
        "Proposal", "open", None,
    )  # fmt: skip


# --- log, done, undone -------------------------------------------------------------------------


def test_log_call_on_deal(pipe: Pipe) -> None:
    add_deal(pipe)
    act = data(pipe("log", "call", "--deal", "1", "Discussed volume discount", "--json"))
    has_fields(act, "activity")
    assert (act["type"], act["subject"], act["deal_id"]) == ("call", "Discussed volume discount", 1)
    assert act["user"] == "Ann" and act["at"] == NOW_ISO and act["body"] is None


def test_done_and_undone(pipe: Pipe) -> None:
    ok(pipe("add", "task", "Call Li", "--due", "fri"))
    out = data(pipe("done", "1", "--json"))
    assert set(out) == {"task", "next"} and out["next"] is None
    has_fields(out["task"], "task")
    assert out["task"]["status"] == "done" and out["task"]["done_at"] == NOW_ISO
    refused(pipe("done", "1"), 4, "task 1")
    again = data(pipe("undone", "1", "--json"))
    has_fields(again, "task")
    assert again["status"] == "open" and again["done_at"] is None
    refused(pipe("undone", "1"), 4, "task 1")


def test_done_repeating_task_spawns_next_and_undone_withdraws_it(pipe: Pipe) -> None:
    ok(pipe("add", "task", "Weekly call", "--due", "fri 10am", "--repeat", "every week"))
    out = data(pipe("done", "1", "--json"))
    nxt = out["next"]
    has_fields(nxt, "task")
    assert (nxt["id"], nxt["due"], nxt["due_time"], nxt["previous_id"]) == (
        2, "2026-12-04", "10:00:00", 1,
    )  # fmt: skip
    assert nxt["repeat"] == out["task"]["repeat"] and nxt["repeat_text"]
    ok(pipe("undone", "1"))
    open_ids = [t["id"] for t in data(pipe("list", "tasks", "--json"))]
    assert open_ids == [1]


# --- list, show ----------------------------------------------------------------------------------


def test_list_tasks_due_today_includes_overdue(pipe: Pipe) -> None:
    for title, due in (("friday", "fri"), ("today", "today"), ("overdue", "2026-11-20")):
        ok(pipe("add", "task", title, "--due", due))
    ok(pipe("add", "task", "someday"))
    rows = data(pipe("list", "tasks", "--due", "today", "--json"))
    assert [t["title"] for t in rows] == ["overdue", "today"]
    assert [t["title"] for t in data(pipe("list", "tasks", "--due", "overdue", "--json"))] == [
        "overdue"
    ]
    everything = data(pipe("list", "tasks", "--json"))
    assert [t["title"] for t in everything] == ["overdue", "today", "friday", "someday"]


def test_list_deals_stage_and_owner_me(pipe: Pipe) -> None:
    add_deal(pipe, "mine")
    add_deal(pipe, "bobs", "--owner", "Bob", "--create-owner")
    add_deal(pipe, "mine, later")
    for deal_id in ("1", "2"):
        ok(pipe("move", deal_id, "proposal"))
    rows = data(pipe("list", "deals", "--stage", "proposal", "--owner", "me", "--json"))
    assert [d["title"] for d in rows] == ["mine"]
    has_fields(rows[0], "deal")


def test_show_deal(pipe: Pipe) -> None:
    add_deal(pipe, DEAL, "--amount", "12000", "--notes", "big one")
    ok(pipe("move", "1", "proposal", "--note", "sent"))
    ok(pipe("add", "task", "Call Li", "--deal", "1", "--due", "fri 10am"))
    ok(pipe("log", "call", "--deal", "1", "Discussed volume discount"))
    row = data(pipe("show", "deal", "1", "--json"))
    has_fields(row, "deal", "history", "activities", "tasks", "quotes")
    assert row["notes"] == "big one" and row["stage"] == "Proposal"
    for h in row["history"]:
        has_fields(h, "history")
    assert [(h["change"], h["from_stage"], h["to_stage"]) for h in row["history"]] == [
        ("create", None, "Prospecting"),
        ("move", "Prospecting", "Proposal"),
    ]
    assert row["history"][1]["note"] == "sent" and row["history"][1]["user"] == "Ann"
    assert [a["subject"] for a in row["activities"]] == ["Discussed volume discount"]
    has_fields(row["activities"][0], "activity")
    assert [t["title"] for t in row["tasks"]] == ["Call Li"]
    has_fields(row["tasks"][0], "task")
    refused(pipe("show", "deal", "2"), 3, "deal 2")


@pytest.mark.parametrize("kind", ["lead", "account", "contact", "task"])
def test_show_other_kinds(pipe: Pipe, kind: str) -> None:
    ok(pipe("add", kind, "Thing"))
    row = data(pipe("show", kind, "1", "--json"))
    assert list(row)[: len(field_names(kind))] == field_names(kind)
    assert row["id"] == 1
    assert row[{"task": "title"}.get(kind, "name")] == "Thing"


# --- edit, delete --------------------------------------------------------------------------------


def test_edit_deal_amount_and_close_write_history(pipe: Pipe) -> None:
    add_deal(pipe, DEAL, "--amount", "12000")
    deal = data(pipe("edit", "deal", "1", "--amount", "15000", "--close", "2026-12-20", "--json"))
    has_fields(deal, "deal")
    assert (deal["amount"], deal["close"]) == ("15000.00", "2026-12-20")
    history = data(pipe("show", "deal", "1", "--json"))["history"]
    assert [h["change"] for h in history] == ["create", "amount", "close_date"]
    assert history[1]["amount"] == "15000.00" and history[2]["close"] == "2026-12-20"


@pytest.mark.parametrize(
    ("kind", "args", "field", "value"),
    [
        ("lead", ["--status", "qualified"], "status", "qualified"),
        ("account", ["--region", "APAC"], "region", "APAC"),
        ("contact", ["--title", "CTO"], "title", "CTO"),
        ("task", ["--priority", "urgent"], "priority", "urgent"),
    ],
)
def test_edit_other_kinds(pipe: Pipe, kind: str, args: list[str], field: str, value: str) -> None:
    ok(pipe("add", kind, "Thing"))
    row = data(pipe("edit", kind, "1", *args, "--tag", "vip", "--json"))
    has_fields(row, kind)
    assert row[field] == value and row["tags"] == ["vip"]


def test_delete_undelete_and_purge_lead(pipe: Pipe) -> None:
    add_acme_lead(pipe)
    ok(pipe("add", "lead", "Other"))
    ok(pipe("delete", "lead", "2"))
    assert [r["id"] for r in data(pipe("list", "leads", "--json"))] == [1]
    archived = data(pipe("list", "leads", "--archived", "--json"))
    assert [(r["id"], r["archived"]) for r in archived] == [(2, True)]
    assert data(pipe("show", "lead", "2", "--json"))["archived"] is True
    refused(pipe("delete", "lead", "2"), 4, "lead 2")
    refused(pipe("edit", "lead", "2", "--name", "X"), 4, "archived")
    ok(pipe("undelete", "lead", "2"))
    assert [r["id"] for r in data(pipe("list", "leads", "--json"))] == [1, 2]
    refused(pipe("undelete", "lead", "2"), 4, "lead 2")
    refused(pipe("delete", "lead", "2", "--purge"), 2, "--yes")
    assert data(pipe("show", "lead", "2", "--json"))["id"] == 2
    ok(pipe("delete", "lead", "2", "--purge", "--yes"))
    refused(pipe("show", "lead", "2"), 3, "lead 2")


def test_purge_refused_while_referred_to(pipe: Pipe) -> None:
    add_deal(pipe)
    ok(pipe("add", "task", "t", "--deal", "1"))
    refused(pipe("delete", "deal", "1", "--purge", "--yes"), 4, "deal 1")
    assert data(pipe("show", "deal", "1", "--json"))["id"] == 1


def test_show_contact_activities_have_their_user(pipe: Pipe) -> None:
    ok(pipe("add", "contact", "Li"))
    ok(pipe("log", "email", "sent", "--contact", "Li"))
    row = data(pipe("show", "contact", "1", "--json"))
    assert [(a["subject"], a["user"]) for a in row["activities"]] == [("sent", "Ann")]
