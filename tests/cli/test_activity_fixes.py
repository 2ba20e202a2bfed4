"""An activity logged in the wrong place can be fixed, as a user types it: `pipe show activity`,
`pipe edit activity` (type, text, time, the record it is on: a new deal brings its account and
contact) and `pipe delete|undelete activity`; refusals change nothing."""

from __future__ import annotations

from tests.cli.helpers import add_deal, ok, refused
from tests.conftest import Pipe, Snapshot


def test_show_edit_and_move_an_activity_to_the_right_deal(pipe: Pipe, snapshot: Snapshot) -> None:
    add_deal(pipe, "Acme renewal", "--account", "Acme")
    add_deal(pipe, "Beta pilot", "--account", "Beta")
    ok(pipe("log", "call", "Spoke about pricing", "--deal", "1", now="2026-11-20T10:00:00Z"))
    shown = ok(pipe("show", "activity", "1", "--json")).json
    assert (shown["subject"], shown["deal_id"], shown["account_id"]) == (
        "Spoke about pricing",
        1,
        1,
    )
    before = snapshot()
    refused(pipe("edit", "activity", "1", "--type", "fax"), 2, "type", "call, email")
    refused(pipe("edit", "activity", "1", "--subject", ""), 2, "subject", "must not be empty")
    refused(pipe("edit", "activity", "1", "--deal", "", "--account", ""), 2, "stays on a deal")
    refused(pipe("edit", "activity", "1", "--at", "tomorrow", now="2026-11-20T11:00:00Z"), 2,
            "at", "future")  # fmt: skip
    refused(pipe("edit", "activity", "1", "--deal", "99"), 3, "deal")
    refused(pipe("edit", "activity", "1"), 2, "nothing to change")
    refused(pipe("edit", "activity", "7", "--subject", "x"), 3, "activity")
    assert snapshot() == before
    moved = ok(pipe("edit", "activity", "1", "--deal", "2", "--type", "meeting",
                    "--subject", "Met Beta", "--at", "2026-11-19 15:00", "--json",
                    now="2026-11-20T11:00:00Z")).json  # fmt: skip
    assert (moved["type"], moved["subject"], moved["deal_id"], moved["account_id"]) == (
        "meeting", "Met Beta", 2, 2
    )  # fmt: skip
    assert moved["at"].startswith("2026-11-19")
    on_beta = ok(pipe("show", "deal", "2", "--json")).json["activities"]
    assert [a["subject"] for a in on_beta] == ["Met Beta"]
    assert ok(pipe("show", "deal", "1", "--json")).json["activities"] == []
    acme = ok(pipe("show", "account", "1", "--json")).json["activities"]
    assert acme == []


def test_delete_and_undelete_an_activity(pipe: Pipe) -> None:
    add_deal(pipe, "Acme renewal")
    ok(pipe("log", "note", "Wrong deal", "--deal", "1"))
    ok(pipe("delete", "activity", "1"))
    assert ok(pipe("list", "activities", "--json")).json == []
    r = ok(pipe("list", "activities"))
    assert "no activities" in r.stderr
    refused(pipe("edit", "activity", "1", "--subject", "x"), 4, "archived")
    ok(pipe("undelete", "activity", "1"))
    assert [a["subject"] for a in ok(pipe("list", "activities", "--json")).json] == ["Wrong deal"]
    ok(pipe("delete", "activity", "1", "--purge", "--yes"))
    refused(pipe("show", "activity", "1"), 3, "activity")
