"""Issue 15, data safety in small things, through the CLI: `pipe backup` without `-o` writes a
timestamped copy beside the database, an existing `-o` file is refused unless `--force`,
`restore` first saves the current database the same way; `delete --purge` of a record that is
deleted (archived) already purges it, unlinking what referred to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipecli.core.config import sqlite_file
from tests.cli.helpers import add_deal, data, ok, refused
from tests.conftest import Pipe, Snapshot, not_none

STAMP = "20261123T100000"  # NOW in the conftest


def _db(db_url: str) -> Path:
    if not db_url.startswith("sqlite"):
        pytest.skip("backup and restore are for SQLite (PostgreSQL: pg_dump)")
    return not_none(sqlite_file(db_url))


def _titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM deal ORDER BY id")]
    finally:
        conn.close()


def test_backup_without_output_is_timestamped_beside_the_database(pipe: Pipe, db_url: str) -> None:
    db = _db(db_url)
    add_deal(pipe, "Before")
    r = ok(pipe("backup"))
    first = db.with_name(f"pipe-{STAMP}.db")
    assert r.stdout == "" and f"backed up to {first}" in r.stderr
    assert _titles(first) == ["Before"]
    add_deal(pipe, "After")
    r = ok(pipe("backup"))  # the same second: a new name, the first copy untouched
    second = db.with_name(f"pipe-{STAMP}-2.db")
    assert f"backed up to {second}" in r.stderr
    assert (_titles(first), _titles(second)) == (["Before"], ["Before", "After"])


def test_backup_refuses_an_existing_output_unless_force(
    pipe: Pipe, db_url: str, tmp_path: Path
) -> None:
    _db(db_url)
    add_deal(pipe, "Kept")
    out = tmp_path / "mine.db"
    out.write_text("my own file")
    refused(pipe("backup", "-o", str(out)), 4, "mine.db", "exists", "--force")
    assert out.read_text() == "my own file"  # nothing written
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".mine")) == []
    ok(pipe("backup", "-o", str(out), "--force"))
    assert _titles(out) == ["Kept"]


def test_restore_first_saves_the_current_database(pipe: Pipe, db_url: str, tmp_path: Path) -> None:
    db = _db(db_url)
    add_deal(pipe, "Old")
    copy = tmp_path / "copy.db"
    ok(pipe("backup", "-o", str(copy)))
    add_deal(pipe, "New")
    r = ok(pipe("restore", str(copy), "--yes"))
    saved = db.with_name(f"pipe-{STAMP}.db")
    assert f"kept as {saved}" in r.stderr
    assert _titles(saved) == ["Old", "New"]
    assert [d["title"] for d in data(pipe("list", "deals", "--json"))] == ["Old"]
    ok(pipe("restore", str(saved), "--yes"))  # undone with another restore
    assert [d["title"] for d in data(pipe("list", "deals", "--json"))] == ["Old", "New"]
    assert db.with_name(f"pipe-{STAMP}-2.db").is_file()  # the first save was not replaced


def test_backup_without_output_on_postgres_points_to_pg_dump(pipe: Pipe, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    refused(pipe("backup"), 2, "pg_dump")


def test_purge_of_an_archived_record_purges_it(pipe: Pipe, snapshot: Snapshot) -> None:
    deal = add_deal(pipe, "Gone", "--account", "Acme")
    did = str(deal["id"])
    ok(pipe("add", "task", "Call back", "--deal", did))
    ok(pipe("log", "call", "Talked", "--deal", did))
    before = snapshot()
    line = refused(pipe("delete", "deal", did, "--purge", "--yes"), 4, "1 task(s)")
    assert "delete it first and then purge it" in line  # a live record: archive is the hint
    assert snapshot() == before
    ok(pipe("delete", "deal", did))
    r = ok(pipe("delete", "deal", did, "--purge", "--yes"))
    assert r.stdout == f"purged deal {did}\n"
    refused(pipe("show", "deal", did), 3, did)
    (task,) = data(pipe("list", "tasks", "--json"))
    assert (task["title"], task["deal_id"]) == ("Call back", None)
    (call,) = data(pipe("list", "activities", "--json"))
    assert call["deal_id"] is None and call["account_id"] == deal["account_id"]
    # an archived account with a contact and a follow-up cadence
    contact = data(pipe("add", "contact", "Li Wei", "--account", "Acme", "--json"))
    acc = str(contact["account_id"])
    ok(pipe("follow-up", "account", acc, "every", "14d"))
    refused(pipe("delete", "account", acc, "--purge", "--yes"), 4, f"account {acc}")
    ok(pipe("delete", "account", acc))
    ok(pipe("delete", "account", acc, "--purge", "--yes"))
    (kept,) = data(pipe("list", "contacts", "--json"))
    assert (kept["name"], kept["account_id"]) == ("Li Wei", None)
    assert data(pipe("follow-up", "list", "--json")) == []
