"""Owners are people on the team: a name typed with --owner (or in an import's owner column)
must be a stored user, so a typo is refused (exit 3) naming the closest users instead of
quietly becoming a teammate; --create-owner adds one on purpose. "me" is always there."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import add_deal, ok, refused
from tests.conftest import Pipe, Snapshot


def test_unknown_owner_is_refused_naming_the_closest_users_and_nothing_is_written(
    pipe: Pipe, snapshot: Snapshot
) -> None:
    add_deal(pipe, "First", "--owner", "Bob Stone", "--create-owner")
    before = snapshot()
    r = pipe("add", "deal", "Second", "--owner", "bob stnoe")
    refused(r, 3, "owner 'bob stnoe' not found", "closest: Bob Stone", "--create-owner")
    refused(pipe("edit", "deal", "1", "--owner", "Zed"), 3, "no user has a similar name")
    refused(pipe("add", "task", "Call", "--owner", "Bobb Stone"), 3, "Bob Stone")
    assert snapshot() == before


def test_known_owner_matches_ignoring_case_and_spacing_and_create_owner_adds_one(
    pipe: Pipe, snapshot: Snapshot
) -> None:
    add_deal(pipe, "First", "--owner", "Bob  Stone", "--create-owner")
    assert add_deal(pipe, "Second", "--owner", " bob stone ")["owner"] == "Bob Stone"
    users = len(snapshot()["user"])
    assert add_deal(pipe, "Third", "--owner", "BOB STONE", "--create-owner")["owner"] == "Bob Stone"
    edited = ok(pipe("edit", "deal", "1", "--owner", "Cy", "--create-owner", "--json")).json
    assert edited["owner"] == "Cy" and len(snapshot()["user"]) == users + 1
    assert add_deal(pipe, "Mine", "--owner", "me")["owner"] == "Ann"  # the acting user


def test_import_refuses_unknown_owners_per_row_unless_create_owner(
    pipe: Pipe, snapshot: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "d.csv"
    path.write_text("title,owner\nA,Ann\nB,Bo\nC,Bo\n", encoding="utf-8")
    ok(pipe("add", "lead", "Someone"))  # Ann, the acting user, exists
    before = snapshot()
    r = pipe("import", "deals", str(path))
    assert r.exit_code == 3 and r.stdout == ""
    assert "line 3, column 'owner'" in r.stderr and "owner 'Bo' not found" in r.stderr
    assert snapshot() == before
    r = ok(pipe("import", "deals", str(path), "--create-owner", "--json"))
    owners = [d["owner"] for d in ok(pipe("list", "deals", "--json")).json]
    assert sorted(owners) == ["Ann", "Bo", "Bo"]
