"""`pipe list KIND` filters, the --limit page, and empty results (success, `[]`)."""

from __future__ import annotations

from typing import Any

import pytest

from pipecli.core.schema import field_names, kind_name
from tests.cli.helpers import csv_rows, data, ok, refused
from tests.conftest import MakeCtx, Pipe, Snapshot, not_none


def titles(pipe: Pipe, *args: str) -> list[str]:
    return [d["title"] for d in data(pipe("list", "deals", *args, "--json"))]


@pytest.fixture
def deals(pipe: Pipe, make_ctx: MakeCtx) -> Pipe:
    """Six deals: open ones in two stages and owners, one won, one lost, one archived.

    Written through the service layer (fast); everything below reads them through the CLI.
    """
    from pipecli.core.services import deals, records

    specs: list[dict[str, Any]] = [
        {"title": "Alpha", "account": "Acme Ltd", "close": "2026-12-01", "tags": ["hot"]},
        {
            "title": "Bravo",
            "owner": "Bob",
            "close": "2026-12-15",
            "stage": "proposal",
            "create_owner": True,
        },
        {"title": "Charlie", "close": "2027-01-10", "tags": ["Hot", "renewal"]},
        {"title": "Delta", "close": "2026-12-10"},
        {"title": "Echo"},
        {"title": "Foxtrot", "close": "2026-12-05"},
    ]
    with make_ctx() as ctx:
        for spec in specs:
            deals.create(ctx, deals.DealInput(**spec))
        deals.win(ctx, 4)
        deals.lose(ctx, 5, "price")
        records.archive(ctx, "deal", 6)
    return pipe


def test_default_is_open_and_live(deals: Pipe) -> None:
    assert titles(deals) == ["Alpha", "Bravo", "Charlie"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["Alpha", "Bravo", "Charlie"]),
        ("won", ["Delta"]),
        ("lost", ["Echo"]),
        ("closed", ["Delta", "Echo"]),
        ("all", ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]),
        ("WON", ["Delta"]),
    ],
)
def test_status(deals: Pipe, status: str, expected: list[str]) -> None:
    assert titles(deals, "--status", status) == expected


def test_stage(deals: Pipe) -> None:
    assert titles(deals, "--stage", "proposal") == ["Bravo"]
    assert titles(deals, "--stage", "prosp") == ["Alpha", "Charlie"]
    assert titles(deals, "--stage", "won") == ["Delta"]  # a stage filter implies every status
    assert titles(deals, "--stage", "negotiation") == []


def test_owner(deals: Pipe) -> None:
    assert titles(deals, "--owner", "me") == ["Alpha", "Charlie"]
    assert titles(deals, "--owner", "Ann") == ["Alpha", "Charlie"]
    assert titles(deals, "--owner", "bob") == ["Bravo"]


def test_unknown_owner_is_an_empty_success_with_a_notice_and_creates_nobody(
    deals: Pipe, snapshot: Snapshot
) -> None:
    before = snapshot()
    r = ok(deals("list", "deals", "--owner", "Nobody", "--json"))
    assert r.json == [] and r.stderr == "owner: no user is named 'Nobody', so nothing matches\n"
    report = ok(deals("report", "winrate", "--owner", "Nobody", "--json"))
    assert report.json["rows"] == [] and "'Nobody'" in report.stderr
    assert snapshot() == before


def test_tag_is_case_insensitive(deals: Pipe) -> None:
    assert titles(deals, "--tag", "HOT") == ["Alpha", "Charlie"]
    assert titles(deals, "--tag", "renewal") == ["Charlie"]
    assert titles(deals, "--tag", "cold") == []


def test_search_matches_title_and_account(deals: Pipe) -> None:
    assert titles(deals, "--search", "acme") == ["Alpha"]
    assert titles(deals, "--search", "RAV") == ["Bravo"]
    assert titles(deals, "-s", "zzz") == []


def test_account(deals: Pipe) -> None:
    assert titles(deals, "--account", "acme ltd") == ["Alpha"]
    assert titles(deals, "--account", "1") == ["Alpha"]
    refused(deals("list", "deals", "--account", "Nope"), 3, "account", "'Nope'")


def test_close_range_is_inclusive(deals: Pipe) -> None:
    assert titles(deals, "--close-from", "2026-12-01", "--close-to", "2026-12-15") == [
        "Alpha", "Bravo",
    ]  # fmt: skip
    assert titles(deals, "--close-from", "2026-12-02") == ["Bravo", "Charlie"]
    assert titles(deals, "--close-to", "eoy") == ["Alpha", "Bravo"]
    assert titles(deals, "--close-from", "2026-12-01", "--status", "all") == [
        "Alpha", "Bravo", "Charlie", "Delta",
    ]  # fmt: skip


def test_close_range_backwards_is_refused(deals: Pipe) -> None:
    refused(deals("list", "deals", "--close-from", "2026-12-15", "--close-to", "2026-12-01"), 2,
            "'2026-12-01'")  # fmt: skip


def test_archived(deals: Pipe) -> None:
    rows = data(deals("list", "deals", "--archived", "--json"))
    assert [(d["title"], d["archived"]) for d in rows] == [("Foxtrot", True)]
    ok(deals("undelete", "deal", "6"))
    assert titles(deals) == ["Alpha", "Bravo", "Charlie", "Foxtrot"]
    assert titles(deals, "--archived") == []


def test_filters_combine(deals: Pipe) -> None:
    assert titles(deals, "--tag", "hot", "--owner", "me", "--close-to", "2026-12-31") == ["Alpha"]


def test_lists_do_not_write(deals: Pipe, snapshot: Snapshot) -> None:
    before = snapshot()
    for kind in ("deals", "leads", "accounts", "contacts", "tasks", "activities"):
        ok(deals("list", kind, "--owner", "me", "--json"))
    assert snapshot() == before


# --- limit -----------------------------------------------------------------------------------


@pytest.fixture
def many(pipe: Pipe, make_ctx: MakeCtx) -> Pipe:
    """55 open deals, written through the service layer (fast), then listed through the CLI."""
    from pipecli.core.services import deals

    with make_ctx() as ctx:
        for i in range(1, 56):
            deals.create(ctx, deals.DealInput(title=f"Deal {i:02d}"))
    return pipe


def test_default_limit_is_50_and_says_how_many_more(many: Pipe) -> None:
    r = ok(many("list", "deals", "--json"))
    assert len(r.json) == 50 and r.json[-1]["title"] == "Deal 50"
    assert r.stderr.splitlines() == [r.stderr.strip()] and "5 more" in r.stderr


def test_limit(many: Pipe) -> None:
    r = ok(many("list", "deals", "--limit", "10", "--json"))
    assert [d["id"] for d in r.json] == list(range(1, 11)) and "45 more" in r.stderr
    r = ok(many("list", "deals", "-n", "55", "--json"))
    assert len(r.json) == 55 and r.stderr == ""


def test_limit_zero_is_all(many: Pipe) -> None:
    r = ok(many("list", "deals", "--limit", "0", "--json"))
    assert len(r.json) == 55 and r.stderr == ""


def test_limit_applies_after_filters(many: Pipe) -> None:
    r = ok(many("list", "deals", "--search", "deal 5", "--json"))
    assert [d["title"] for d in r.json] == [f"Deal {i}" for i in range(50, 56)]
    assert r.stderr == ""


def test_limit_csv_keeps_stdout_clean(many: Pipe) -> None:
    r = many("list", "deals", "--csv")
    rows = csv_rows(r)
    assert len(rows) == 51 and "5 more" in r.stderr


def test_negative_limit_is_refused(many: Pipe) -> None:
    r = many("list", "deals", "--limit", "-1")
    assert r.exit_code == 2 and r.stdout == "" and "--limit" in r.stderr


# --- other kinds -----------------------------------------------------------------------------


def test_leads_status(pipe: Pipe) -> None:
    for name in ("New", "Contacted", "Gone"):
        ok(pipe("add", "lead", name))
    ok(pipe("edit", "lead", "2", "--status", "contacted"))
    ok(pipe("edit", "lead", "3", "--status", "disqualified"))

    def names(*args: str) -> list[str]:
        return [r["name"] for r in data(pipe("list", "leads", *args, "--json"))]

    assert names() == ["New", "Contacted"]
    assert names("--status", "contacted") == ["Contacted"]
    assert names("--status", "all") == ["New", "Contacted", "Gone"]
    refused(pipe("list", "leads", "--status", "hot"), 2, "status", "'hot'")


def test_tasks_status(pipe: Pipe) -> None:
    for title in ("a", "b"):
        ok(pipe("add", "task", title))
    ok(pipe("done", "1"))

    def names(*args: str) -> list[str]:
        return [r["title"] for r in data(pipe("list", "tasks", *args, "--json"))]

    assert names() == ["b"]
    assert names("--status", "done") == ["a"]
    assert names("--status", "all") == ["a", "b"]
    refused(pipe("list", "tasks", "--status", "later"), 2, "status", "'later'")


def test_contacts_by_account(pipe: Pipe) -> None:
    ok(pipe("add", "contact", "Li", "--account", "Acme"))
    ok(pipe("add", "contact", "Jo", "--account", "Other"))
    rows = data(pipe("list", "contacts", "--account", "acme", "--json"))
    assert [r["name"] for r in rows] == ["Li"]
    refused(pipe("list", "contacts", "--account", "Nope"), 3, "account", "'Nope'")


def test_activities_by_deal_and_type(pipe: Pipe) -> None:
    ok(pipe("add", "deal", "D"))
    ok(pipe("log", "call", "c", "--deal", "1"))
    ok(pipe("log", "note", "n", "--deal", "1"))
    rows = data(pipe("list", "activities", "--deal", "1", "--type", "call", "--json"))
    assert [r["subject"] for r in rows] == ["c"]
    assert [r["subject"] for r in data(pipe("list", "activities", "--json"))] == ["n", "c"]


# --- empty -----------------------------------------------------------------------------------

LISTS = [
    ["list", "deals"],
    ["list", "leads"],
    ["list", "accounts"],
    ["list", "contacts"],
    ["list", "tasks"],
    ["list", "activities"],
    ["list", "tasks", "--due", "today"],
    ["list", "deals", "--stage", "proposal", "--owner", "me"],
]


@pytest.mark.parametrize("args", LISTS, ids=lambda a: " ".join(a[1:]))
def test_empty_json_is_an_empty_list(pipe: Pipe, args: list[str]) -> None:
    r = ok(pipe(*args, "--json"))
    assert r.json == [] and r.stderr == ""


@pytest.mark.parametrize("args", LISTS[:6], ids=lambda a: a[1])
def test_empty_csv_is_the_header_only(pipe: Pipe, args: list[str]) -> None:
    assert csv_rows(pipe(*args, "--csv")) == [field_names(not_none(kind_name(args[1])))]


def test_empty_table_is_success_with_a_note_on_stderr(pipe: Pipe) -> None:
    r = ok(pipe("list", "deals"))
    assert r.stdout == "" and r.stderr.strip() == "no deals"


# --- --stage across pipelines ----------------------------------------------------------------


@pytest.fixture
def two_pipelines(pipe: Pipe, make_ctx: MakeCtx) -> Pipe:
    """Default and Renewals (standard stages plus Legal review), each with a Proposal deal."""
    from pipecli.core.services import deals, pipelines

    with make_ctx() as ctx:
        pipelines.add_pipeline(ctx, "Renewals")
        pipelines.add_stage(ctx, pipelines.NewStage("Legal review", "Renewals", probability=60))
        for title, pipeline, stage in [
            ("Acme", None, "proposal"),
            ("Beta", "Renewals", "proposal"),
            ("Core", None, "prospecting"),
            ("Dune", "Renewals", "legal review"),
        ]:
            deals.create(ctx, deals.DealInput(title=title, pipeline=pipeline, stage=stage))
    return pipe


def test_stage_without_pipeline_lists_every_pipeline(two_pipelines: Pipe) -> None:
    rows = data(two_pipelines("list", "deals", "--stage", "proposal", "--json"))
    assert [(d["title"], d["pipeline"], d["stage"]) for d in rows] == [
        ("Acme", "Default", "Proposal"),
        ("Beta", "Renewals", "Proposal"),
    ]
    assert titles(two_pipelines, "--stage", "propos") == ["Acme", "Beta"]
    assert titles(two_pipelines, "--stage", "legal") == ["Dune"]  # Renewals only
    r = ok(two_pipelines("list", "deals", "--stage", "Proposal"))  # the table, for people
    assert "Acme" in r.stdout and "Beta" in r.stdout and "Core" not in r.stdout
    assert r.stderr == "Total: 2 deals\n"  # no warning: only the table's total line


def test_stage_with_pipeline_stays_in_that_pipeline(two_pipelines: Pipe) -> None:
    assert titles(two_pipelines, "--stage", "proposal", "--pipeline", "renewals") == ["Beta"]
    assert titles(two_pipelines, "--stage", "proposal", "--pipeline", "default") == ["Acme"]
    refused(two_pipelines("list", "deals", "--stage", "legal", "--pipeline", "Default"), 2,
            "stage", "'legal'", "'Default'")  # fmt: skip


def test_unknown_stage_is_one_line_naming_the_field(two_pipelines: Pipe) -> None:
    refused(two_pipelines("list", "deals", "--stage", "signed"), 2,
            "stage: 'signed'", "any pipeline", "Legal review")  # fmt: skip
    refused(two_pipelines("list", "deals", "--stage", "signed", "--json"), 2, "stage: 'signed'")


def test_unknown_stage_with_one_pipeline_is_refused_as_before(pipe: Pipe) -> None:
    refused(pipe("list", "deals", "--stage", "signed"), 2,
            "stage: 'signed'", "pipeline 'Default'")  # fmt: skip


def test_stage_ambiguous_within_a_pipeline_is_a_conflict(
    two_pipelines: Pipe, snapshot: Snapshot
) -> None:
    refused(two_pipelines("list", "deals", "--stage", "pro"), 4, "Prospecting, Proposal")
    ok(two_pipelines("stage", "add", "Legal sign-off", "--pipeline", "Renewals",
                     "--probability", "70"))  # fmt: skip
    before = snapshot()
    refused(two_pipelines("list", "deals", "--stage", "legal"), 4,
            "Legal review, Legal sign-off", "'Renewals'")  # fmt: skip
    assert snapshot() == before


# --- leads: the converted ones a default list leaves out -------------------------------------

HIDDEN = "4 converted or disqualified leads not shown (--status all)\n"  # Bo, Cy, Di, Ed


@pytest.fixture
def converted(pipe: Pipe, make_ctx: MakeCtx) -> Pipe:
    """Leads Ann (open), Bo, Cy and Di (converted), Ed (disqualified)."""
    from pipecli.core.services import leads

    with make_ctx() as ctx:
        for name in ("Ann", "Bo", "Cy", "Di", "Ed"):
            leads.create(ctx, leads.LeadInput(name=name))
        for lead_id in (2, 3, 4):
            leads.convert(ctx, lead_id)
        leads.edit(ctx, 5, leads.LeadChanges(name="Ed", status="disqualified"))
    return pipe


def test_converted_leads_left_out_are_mentioned_on_stderr(converted: Pipe) -> None:
    r = ok(converted("list", "leads"))
    assert "Ann" in r.stdout and "Bo" not in r.stdout and "converted" not in r.stdout
    assert r.stderr == HIDDEN
    assert ok(converted("list", "leads", "--status", "open")).stderr == HIDDEN
    r = ok(converted("list", "leads", "--search", "bo"))
    assert r.stderr == "no leads\n1 converted or disqualified lead not shown (--status all)\n"


def test_converted_note_is_not_in_json_or_csv(converted: Pipe) -> None:
    r = ok(converted("list", "leads", "--json"))
    assert [d["name"] for d in r.json] == ["Ann"] and r.stderr == ""
    r = converted("list", "leads", "--csv")
    header, *rows = csv_rows(r)
    assert [row[header.index("name")] for row in rows] == ["Ann"] and r.stderr == ""


def test_no_note_when_nothing_converted_is_hidden(converted: Pipe) -> None:
    for status in ("converted", "all"):
        r = ok(converted("list", "leads", "--status", status))
        assert "Bo" in r.stdout and r.stderr == ""
    ok(converted("add", "lead", "Flo"))
    r = ok(converted("list", "leads", "--search", "flo"))
    assert "Flo" in r.stdout and r.stderr == ""
