"""Refused input: the documented exit code, ONE stderr line naming the field and the value, no
traceback, and the database exactly as it was — also when the failure comes half-way through a
service call that had already written something."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.helpers import data, ok, refused
from tests.conftest import MakeCtx, Pipe, Snapshot


@pytest.fixture
def world(pipe: Pipe, make_ctx: MakeCtx) -> Pipe:
    """Deal 1 (Prospecting), lead 1, task 1 (open), account 1 "Acme Ltd"."""
    from pipecli.core.services import accounts, deals, leads, tasks

    with make_ctx() as ctx:
        accounts.create(ctx, accounts.AccountInput(name="Acme Ltd"))
        deals.create(ctx, deals.DealInput(title="Deal", account="Acme Ltd", amount="100"))
        leads.create(ctx, leads.LeadInput(name="Li Wei", email="li.wei@acme.example"))
        tasks.create(ctx, tasks.TaskInput(title="Call", due="fri"))
    return pipe


# category -> cases: (id, argv, exit code, text the one stderr line must contain: field, value)
CASES: dict[str, list[tuple[str, list[str], int, *tuple[str, ...]]]] = {
    "unknown stage": [
        ("stage-move", ["move", "1", "nosuch"], 2, "stage:", "'nosuch'"),
        ("stage-add-deal", ["add", "deal", "X", "--stage", "nosuch"], 2, "stage:", "'nosuch'"),
        ("stage-list", ["list", "deals", "--stage", "nosuch"], 2, "stage:", "'nosuch'"),
        (
            "stage-after",
            ["stage", "add", "Demo", "--after", "nosuch", "--probability", "30"],
            2,
            "after:",
            "'nosuch'",
        ),
    ],
    "negative amount": [
        ("amount-negative", ["add", "deal", "X", "--amount", "-5"], 2, "amount:", "'-5'"),
        ("amount-negative-edit", ["edit", "deal", "1", "--amount", "-5"], 2, "amount:", "'-5'"),
        (
            "amount-parens",
            ["add", "deal", "X", "--amount", "(1,200.00)"],
            2,
            "amount:",
            "(1,200.00)",
        ),
        ("value-negative", ["add", "lead", "X", "--value", "-3"], 2, "value:", "'-3'"),
    ],
    "non-numeric amount": [
        ("amount-text", ["add", "deal", "X", "--amount", "lots"], 2, "amount:", "'lots'"),
        ("amount-text-edit", ["edit", "deal", "1", "--amount", "12abc"], 2, "amount:", "'12abc'"),
        ("value-text", ["add", "lead", "X", "--value", "many"], 2, "value:", "'many'"),
    ],
    "unparseable date": [
        ("date-close", ["add", "deal", "X", "--close", "someday"], 2, "close:", "'someday'"),
        (
            "date-close-edit",
            ["edit", "deal", "1", "--close", "2026-02-30"],
            2,
            "close:",
            "'2026-02-30'",
        ),
        ("date-due", ["add", "task", "X", "--due", "blursday"], 2, "due:", "'blursday'"),
        (
            "date-birthday",
            ["add", "contact", "X", "--birthday", "14/03/88x"],
            2,
            "birthday:",
            "'14/03/88x'",
        ),
        (
            "date-log-at",
            ["log", "call", "X", "--deal", "1", "--at", "whenever"],
            2,
            "at:",
            "'whenever'",
        ),
        ("date-list-due", ["list", "tasks", "--due", "soonish"], 2, "due:", "'soonish'"),
        ("date-win-future", ["win", "1", "--date", "2027-01-05"], 2, "date:", "'2027-01-05'"),
    ],
    "unknown id": [
        ("id-move", ["move", "99", "proposal"], 3, "deal 99"),
        ("id-win", ["win", "99"], 3, "deal 99"),
        ("id-show", ["show", "account", "99"], 3, "account 99"),
        ("id-edit", ["edit", "contact", "99", "--title", "CTO"], 3, "contact 99"),
        ("id-delete", ["delete", "task", "99"], 3, "task 99"),
        ("id-undelete", ["undelete", "deal", "99"], 3, "deal 99"),
        ("id-done", ["done", "99"], 3, "task 99"),
        ("id-convert", ["convert", "99"], 3, "lead 99"),
        ("id-task-deal", ["add", "task", "X", "--deal", "99"], 3, "deal 99"),
        ("id-log-deal", ["log", "call", "X", "--deal", "99"], 3, "deal 99"),
        ("id-deal-account", ["add", "deal", "X", "--account", "99"], 3, "account 99"),
        (
            "name-deal-contact",
            ["add", "deal", "X", "--contact", "Nobody"],
            3,
            "contact",
            "'Nobody'",
        ),
        ("id-not-a-number", ["move", "abc", "proposal"], 2, "deal:", "'abc'"),
    ],
    "e-mail without @": [
        (
            "email-lead",
            ["add", "lead", "X", "--email", "li.wei.acme.example"],
            2,
            "email:",
            "'li.wei.acme.example'",
        ),
        ("email-contact", ["add", "contact", "X", "--email", "li"], 2, "email:", "'li'"),
        ("email-edit", ["edit", "lead", "1", "--email", "at.example"], 2, "email:", "'at.example'"),
    ],
    "currency that is not ISO 4217": [
        ("currency-deal", ["add", "deal", "X", "--currency", "XYZ"], 2, "currency:", "'XYZ'"),
        ("currency-lead", ["add", "lead", "X", "--currency", "XYZ"], 2, "currency:", "'XYZ'"),
        ("currency-edit", ["edit", "deal", "1", "--currency", "EURO"], 2, "currency:", "'EURO'"),
    ],
    "probability out of range": [
        ("prob-deal", ["add", "deal", "X", "--probability", "120"], 2, "probability:", "'120'"),
        ("prob-edit", ["edit", "deal", "1", "--probability", "120"], 2, "probability:", "'120'"),
        (
            "prob-stage",
            ["stage", "add", "Demo", "--probability", "120"],
            2,
            "probability:",
            "'120'",
        ),
        ("prob-text", ["add", "deal", "X", "--probability", "high"], 2, "probability:", "'high'"),
    ],
    "unknown lead status": [
        ("lead-status-add", ["add", "lead", "X", "--status", "hot"], 2, "status:", "'hot'"),
        (
            "lead-status-edit",
            ["edit", "lead", "1", "--status", "converted"],
            2,
            "status:",
            "'converted'",
        ),
    ],
    "unknown task priority": [
        ("priority-add", ["add", "task", "X", "--priority", "asap"], 2, "priority:", "'asap'"),
        ("priority-edit", ["edit", "task", "1", "--priority", "asap"], 2, "priority:", "'asap'"),
        ("task-type", ["add", "task", "X", "--type", "fax"], 2, "type:", "'fax'"),
    ],
    "bad --repeat": [
        (
            "repeat-text",
            ["add", "task", "X", "--due", "fri", "--repeat", "every blue moon"],
            2,
            "repeat:",
            "'every blue moon'",
        ),
        (
            "repeat-no-due",
            ["add", "task", "X", "--repeat", "every week"],
            2,
            "repeat:",
            "'every week'",
        ),
        (
            "repeat-edit",
            ["edit", "task", "1", "--repeat", "now and then"],
            2,
            "repeat:",
            "'now and then'",
        ),
    ],
    "other refused values": [
        ("deal-status", ["list", "deals", "--status", "pending"], 2, "status:", "'pending'"),
        ("domain", ["add", "account", "X", "--domain", "acme"], 2, "domain:", "'acme'"),
        ("employees", ["add", "account", "X", "--employees", "lots"], 2, "employees:", "'lots'"),
        ("empty-title", ["add", "deal", " "], 2, "title:"),
        ("log-kind", ["log", "fax", "X", "--deal", "1"], 2, "kind:", "'fax'"),
        ("log-no-record", ["log", "call", "X"], 2, "--deal"),
        ("show-kind", ["show", "widget", "1"], 2, "kind:", "'widget'"),
        ("schema-kind", ["schema", "widget"], 2, "kind:", "'widget'"),
        ("purge-unconfirmed", ["delete", "deal", "1", "--purge"], 2, "--yes"),
        ("lose-future", ["lose", "1", "--date", "+3d"], 2, "date:", "'+3d'"),
        ("product-long", ["add", "deal", "X", "--product", "P" * 201], 2, "product:", "200"),
        ("product-long-edit", ["edit", "deal", "1", "--product", "P" * 201], 2, "product:"),
        ("owner-empty-deal", ["edit", "deal", "1", "--owner", ""], 2, "owner:"),
        ("owner-empty-account", ["edit", "account", "1", "--owner", " "], 2, "owner:"),
    ],
    "conflicts": [
        ("conflict-same-stage", ["move", "1", "prospecting"], 4, "deal 1", "Prospecting"),
        (
            "conflict-stage-exists",
            ["stage", "add", "proposal", "--probability", "40"],
            4,
            "'proposal'",
        ),
        ("conflict-undone-open", ["undone", "1"], 4, "task 1"),
        ("conflict-reopen-open", ["reopen", "1"], 4, "deal 1"),
        ("conflict-undelete-live", ["undelete", "lead", "1"], 4, "lead 1"),
        ("conflict-purge-referred", ["delete", "account", "1", "--purge", "--yes"], 4, "account 1"),
    ],
}


@pytest.mark.parametrize("category", list(CASES))
def test_refused_and_unchanged(world: Pipe, snapshot: Snapshot, category: str) -> None:
    """Each case on its own: refused as documented, database unchanged (all failures listed)."""
    failures = []
    for case_id, argv, code, *needles in CASES[category]:
        before = snapshot()
        try:
            refused(world(*argv), code, *needles)
            assert snapshot() == before, "database changed"
        except AssertionError as exc:
            failures.append(f"{case_id}: pipe {' '.join(argv)}: {exc}")
    assert not failures, "\n".join(failures)


def test_refused_with_json_prints_no_data(world: Pipe, snapshot: Snapshot) -> None:
    before = snapshot()
    refused(world("add", "deal", "X", "--amount", "-5", "--json"), 2, "amount:")
    refused(world("list", "deals", "--status", "x", "--csv"), 2, "status:")
    assert snapshot() == before


# --- failures half-way through a service call ------------------------------------------------


def accounts_named(pipe: Pipe, name: str) -> list[dict[str, Any]]:
    return [a for a in data(pipe("list", "accounts", "--json")) if a["name"] == name]


def test_deal_refused_does_not_create_its_account(world: Pipe, snapshot: Snapshot) -> None:
    before = snapshot()
    refused(world("add", "deal", "X", "--account", "New Co", "--amount", "-5"), 2, "amount:")
    assert accounts_named(world, "New Co") == []
    assert snapshot() == before


def test_deal_refused_after_account_and_deal_were_written(world: Pipe, snapshot: Snapshot) -> None:
    """An empty tag is checked last, after the account and the deal were written: all undone."""
    before = snapshot()
    refused(world("add", "deal", "X", "--account", "New Co", "--tag", " "), 2, "tag:")
    assert accounts_named(world, "New Co") == []
    assert snapshot() == before


def test_contact_refused_does_not_create_its_account(world: Pipe, snapshot: Snapshot) -> None:
    before = snapshot()
    refused(world("add", "contact", "Jo", "--account", "New Co", "--birthday", "2030-01-01"), 2,
            "birthday:", "'2030-01-01'")  # fmt: skip
    refused(world("add", "contact", "Jo", "--account", "New Co", "--tag", ""), 2, "tag:")
    assert snapshot() == before


def test_convert_refused_after_account_and_contact_were_written(
    world: Pipe, snapshot: Snapshot
) -> None:
    """Conversion creates the account and contact before the deal; a bad --close undoes all."""
    before = snapshot()
    refused(world("convert", "1", "--deal", "Big one", "--close", "someday"), 2, "close:",
            "'someday'")  # fmt: skip
    refused(world("convert", "1", "--deal", "Big one", "--stage", "nosuch"), 2, "stage:")
    assert snapshot() == before
    lead = data(world("show", "lead", "1", "--json"))
    assert lead["status"] == "new" and lead["contact_id"] is None


def test_task_refused_on_its_second_link(world: Pipe, snapshot: Snapshot) -> None:
    before = snapshot()
    refused(world("add", "task", "X", "--deal", "1", "--lead", "99"), 3, "lead 99")
    assert snapshot() == before


def test_edit_refused_changes_no_field(world: Pipe, snapshot: Snapshot) -> None:
    before = snapshot()
    refused(world("edit", "deal", "1", "--title", "New", "--amount", "5", "--close", "nope"), 2,
            "close:")  # fmt: skip
    assert snapshot() == before
    assert data(world("show", "deal", "1", "--json"))["title"] == "Deal"


def test_refused_then_accepted(world: Pipe) -> None:
    """A refusal leaves nothing half-open: the same command, corrected, works at once."""
    refused(world("add", "deal", "X", "--account", "New Co", "--amount", "-5"), 2, "amount:")
    deal = data(world("add", "deal", "X", "--account", "New Co", "--amount", "5", "--json"))
    assert deal["id"] == 2 and deal["account"] == "New Co"


def test_usage_errors_are_exit_2(world: Pipe) -> None:
    for argv in (
        ["move", "1"],
        ["add", "deal", "X", "--no-such-flag"],
        ["list", "deals", "-n", "x"],
    ):
        r = world(*argv)
        assert r.exit_code == 2 and r.stdout == "" and "Traceback" not in r.stderr
    ok(world("show", "deal", "#1", "--json"))


# --- errors name the option that was typed ----------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["list", "deals", "--close-from", "nonsense"], "close-from"),
        (["list", "deals", "--close-to", "nonsense"], "close-to"),
        (["list", "activities", "--type", "fax"], "type"),
    ],
    ids=["close-from", "close-to", "activity-type"],
)
def test_list_option_errors_name_the_option(world: Pipe, argv: list[str], field: str) -> None:
    refused(world(*argv), 2, field, f"'{argv[-1]}'")


def test_a_closed_deal_is_reopened_before_it_closes_the_other_way(
    world: Pipe, snapshot: Snapshot
) -> None:
    ok(world("win", "1"))
    before = snapshot()
    refused(world("lose", "1", "--reason", "price"), 4, "deal 1 is won", "pipe reopen 1")
    assert snapshot() == before
    ok(world("reopen", "1"))
    ok(world("lose", "1", "--reason", "price"))
    refused(world("win", "1"), 4, "deal 1 is lost", "pipe reopen 1")
    refused(world("move", "1", "won"), 4, "deal 1 is lost", "pipe reopen 1")
    history = data(world("show", "deal", "1", "--json"))["history"]
    assert [h["change"] for h in history] == ["create", "win", "reopen", "lose"]
