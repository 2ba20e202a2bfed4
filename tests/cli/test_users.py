"""The team behind the records: `pipe user list|add|edit|merge|remove` and `pipe whoami`, on
SQLite and PostgreSQL, as a user types them. Owners match like stages (name, e-mail, unique
prefix); a typo that became a user can be merged away; a rep who leaves hands their open work
to someone and keeps their closed deals for reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.cli.helpers import add_deal, ok, refused

Pipe = Callable[..., Any]
Snapshot = Callable[[], dict[str, list[tuple[Any, ...]]]]


def _users(pipe: Pipe, *opts: str) -> dict[str, dict[str, Any]]:
    return {u["name"]: u for u in ok(pipe("user", "list", "--json", *opts)).json}


def test_add_list_and_edit_users(pipe: Pipe, snapshot: Snapshot) -> None:
    assert "added user" in ok(pipe("user", "add", "Wang Fang", "--email", "wang@example.com",
                                   "--role", "manager")).stdout  # fmt: skip
    ok(pipe("user", "add", "Li  Wei"))
    users = _users(pipe)
    assert users["Wang Fang"]["role"] == "manager"
    assert users["Wang Fang"]["email"] == "wang@example.com"
    assert users["Li Wei"]["role"] == "rep" and users["Li Wei"]["removed_at"] is None
    before = snapshot()
    refused(pipe("user", "add", "wang fang"), 4, "Wang Fang exists already")
    refused(pipe("user", "add", "Zhao", "--email", "WANG@example.com"), 4, "belongs to Wang Fang")
    refused(pipe("user", "add", "Zhao", "--email", "not-mail"), 2, "email", "not an e-mail")
    refused(pipe("user", "add", "Zhao", "--role", "boss"), 2, "role", "rep, manager or admin")
    refused(pipe("user", "add", "Zhao\x1b[2J"), 2, "name")
    refused(pipe("user", "edit", "Li Wei", "--name", "Wang Fang"), 4, "pipe user merge")
    assert snapshot() == before
    ok(pipe("user", "edit", "wang@example.com", "--name", "Wang Fang (Shanghai)", "--email", ""))
    users = _users(pipe)
    assert users["Wang Fang (Shanghai)"]["email"] is None
    table = ok(pipe("user", "list")).stdout
    assert "Wang Fang (Shanghai)" in table and "manager" in table


def test_owner_matches_by_name_email_and_unique_prefix(pipe: Pipe, snapshot: Snapshot) -> None:
    ok(pipe("user", "add", "Ann Lee", "--email", "ann.lee@example.com"))
    ok(pipe("user", "add", "Andrew Ng"))
    assert add_deal(pipe, "By prefix", "--owner", "ann l")["owner"] == "Ann Lee"
    assert add_deal(pipe, "By mail", "--owner", "ANN.LEE@example.com")["owner"] == "Ann Lee"
    assert add_deal(pipe, "Longer", "--owner", "andr")["owner"] == "Andrew Ng"
    before = snapshot()
    # "An" starts Ann (the acting user), Ann Lee and Andrew Ng: ambiguous, nothing written
    refused(pipe("add", "deal", "Which", "--owner", "an"), 4, "matches several users", "Andrew Ng")
    refused(pipe("add", "deal", "Wildcard", "--owner", "%"), 3, "owner '%' not found")
    assert snapshot() == before
    listed = ok(pipe("list", "deals", "--owner", "andr", "--json")).json
    assert [d["title"] for d in listed] == ["Longer"]


def test_merge_moves_every_record_and_history_then_deletes_the_duplicate(
    pipe: Pipe, snapshot: Snapshot
) -> None:
    ok(pipe("user", "add", "Jordan Lee"))
    add_deal(pipe, "Typo deal", "--owner", "Jordn Le", "--create-owner", "--amount", "500")
    ok(pipe("move", "1", "qualification", env={"PIPE_USER": "Jordn Le"}))
    ok(pipe("add", "task", "Call back", "--owner", "Jordn Le", "--deal", "1"))
    ok(pipe("log", "call", "Spoke", "--deal", "1", env={"PIPE_USER": "Jordn Le"}))
    before = snapshot()
    refused(pipe("user", "merge", "Jordn Le", "Nobody Here"), 3, "Nobody Here")
    refused(pipe("user", "merge", "Jordn Le", "jordn le"), 2, "same user")
    assert snapshot() == before
    out = ok(pipe("user", "merge", "Jordn Le", "Jordan Lee")).stdout
    assert "merged into Jordan Lee" in out and "1 deal" in out and "1 task" in out
    assert "Jordn Le" not in _users(pipe, "--all")
    shown = ok(pipe("show", "deal", "1", "--json")).json
    assert shown["owner"] == "Jordan Lee"
    assert {h["user"] for h in shown["history"]} == {"Ann", "Jordan Lee"}  # Ann created it
    assert {a["user"] for a in shown["activities"]} == {"Jordan Lee"}
    tasks = ok(pipe("list", "tasks", "--json")).json
    assert [t["owner"] for t in tasks] == ["Jordan Lee"]


def test_remove_reassigns_open_work_and_keeps_closed_deals(pipe: Pipe, snapshot: Snapshot) -> None:
    ok(pipe("user", "add", "Li Na", "--email", "li@example.com"))
    ok(pipe("user", "add", "Wang Fang", "--email", "wang.fang@example.com"))
    add_deal(pipe, "Open one", "--owner", "Li Na", "--account", "Acme")
    add_deal(pipe, "Won one", "--owner", "Li Na", "--amount", "900")
    ok(pipe("win", "2"))
    ok(pipe("add", "lead", "Zhang San", "--owner", "Li Na"))
    ok(pipe("add", "task", "Follow up", "--owner", "Li Na"))
    ok(pipe("add", "task", "Done already", "--owner", "Li Na"))
    ok(pipe("done", "2"))
    ok(pipe("edit", "account", "1", "--owner", "Li Na"))
    before = snapshot()
    refused(pipe("user", "remove", "li@example.com"), 4, "still owns", "1 deals", "--reassign-to")
    refused(pipe("user", "remove", "Li Na", "--reassign-to", "Li Na"), 2, "reassign-to")
    refused(pipe("user", "remove", "Ann"), 4, "is you")
    assert snapshot() == before
    out = ok(pipe("user", "remove", "li@example.com", "--reassign-to", "wang.fang@example.com"))
    assert "removed user Li Na" in out.stdout
    deals = ok(pipe("list", "deals", "--status", "all", "--json")).json
    owners = {d["title"]: d["owner"] for d in deals}
    assert owners == {"Open one": "Wang Fang", "Won one": "Li Na"}
    listed = ok(pipe("list", "tasks", "--status", "all", "--json")).json
    tasks = {t["title"]: t["owner"] for t in listed}
    assert tasks == {"Follow up": "Wang Fang", "Done already": "Li Na"}
    assert [x["owner"] for x in ok(pipe("list", "leads", "--json")).json] == ["Wang Fang"]
    assert [x["owner"] for x in ok(pipe("list", "accounts", "--json")).json] == ["Wang Fang"]
    assert "Li Na" not in _users(pipe)
    gone = _users(pipe, "--all")["Li Na"]
    assert gone["removed_at"] is not None and gone["open_deals"] == 0
    # the won deal still counts for Li Na in reports, and she is offered as an owner no more
    wins = ok(pipe("report", "winrate", "--by", "owner", "--json")).json
    assert "Li Na" in str(wins)
    refused(pipe("add", "task", "New", "--owner", "Li"), 3, "Li Na was removed on")
    refused(pipe("add", "task", "New", "--owner", "Li Na"), 4, "was removed on")
    refused(pipe("add", "task", "Mine", env={"PIPE_USER": "Li Na"}), 4, "Li Na was removed on")
    refused(pipe("add", "task", "New", "--owner", "Li Na", "--create-owner"), 4, "was removed")


def test_whoami_says_who_and_where_from(pipe: Pipe, tmp_path: Any) -> None:
    r = ok(pipe("whoami", "--json", env={"PIPE_USER": "Zhou Yu"}))
    assert r.json == {"name": "Zhou Yu", "source": "PIPE_USER", "email": None, "role": None,
                      "stored": False}  # fmt: skip
    ok(pipe("add", "lead", "Someone", env={"PIPE_USER": "Zhou Yu"}))
    r = ok(pipe("whoami", "--json", env={"PIPE_USER": "zhou  yu"}))
    assert r.json["name"] == "Zhou Yu" and r.json["role"] == "rep" and r.json["stored"] is True
    config = tmp_path / "c.toml"
    config.write_text('[user]\nname = "Qian Li"\nemail = "qian@example.com"\n', encoding="utf-8")
    r = ok(pipe("whoami", env={"PIPE_USER": "", "PIPE_CONFIG": str(config)}))
    assert "Qian Li <qian@example.com>" in r.stdout and f"[user] name in {config}" in r.stdout
