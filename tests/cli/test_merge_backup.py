"""`pipe merge` re-points links and archives the duplicate; `pipe backup`/`restore` (SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import add_deal, data, ok, refused


def test_merge_contacts(pipe: Any) -> None:
    keep = data(pipe("add", "contact", "Li Wei", "--json"))
    dup = data(pipe("add", "contact", "Wei Li", "--email", "li@acme.example", "--account", "Acme",
                    "--phone", "123", "--tag", "vip", "--json"))  # fmt: skip
    deal = add_deal(pipe, "D", "--contact", str(dup["id"]))
    ok(pipe("add", "task", "Call", "--contact", str(dup["id"])))
    ok(pipe("log", "call", "--deal", str(deal["id"]), "Talked"))
    r = ok(pipe("merge", "contact", str(keep["id"]), str(dup["id"]), "--json"))
    merged = r.json
    assert merged["email"] == "li@acme.example" and merged["phone"] == "123"
    assert merged["name"] == "Li Wei" and merged["account"] == "Acme" and merged["tags"] == ["vip"]
    assert "moved 1 deal, 1 task" in r.stderr
    assert data(pipe("show", "deal", str(deal["id"]), "--json"))["contact_id"] == keep["id"]
    assert data(pipe("list", "tasks", "--json"))[0]["contact_id"] == keep["id"]
    archived = data(pipe("list", "contacts", "--archived", "--json"))
    assert [c["id"] for c in archived] == [dup["id"]]


def test_merge_accounts_and_refusals(pipe: Any) -> None:
    a = data(pipe("add", "account", "Acme", "--json"))
    b = data(pipe("add", "account", "ACME Ltd", "--domain", "acme.example", "--json"))
    ok(pipe("add", "contact", "Li", "--account", str(b["id"])))
    add_deal(pipe, "D", "--account", str(b["id"]))
    merged = data(pipe("merge", "account", str(a["id"]), str(b["id"]), "--json"))
    assert merged["domain"] == "acme.example"
    assert data(pipe("list", "contacts", "--json"))[0]["account_id"] == a["id"]
    refused(pipe("merge", "account", str(a["id"]), str(a["id"])), 2, "same record")
    refused(pipe("merge", "account", str(a["id"]), str(b["id"])), 4, "archived")
    refused(pipe("merge", "account", str(a["id"]), "99"), 3, "99")
    refused(pipe("merge", "deal", "1", "2"), 2, "contact or account")


def test_backup_and_restore_sqlite(pipe: Any, db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        r = pipe("backup", "-o", str(tmp_path / "b.db"))
        assert r.exit_code == 2 and "pg_dump" in r.stderr
        return
    add_deal(pipe, "Before")
    copy = tmp_path / "copy.db"
    ok(pipe("backup", "-o", str(copy)))
    add_deal(pipe, "After")
    refused(pipe("restore", str(copy)), 2, "--yes")
    ok(pipe("restore", str(copy), "--yes"))
    assert [d["title"] for d in data(pipe("list", "deals", "--json"))] == ["Before"]
    (tmp_path / "junk.db").write_text("not a database")
    refused(pipe("restore", str(tmp_path / "junk.db"), "--yes"), 2, "not a pipecli")


@pytest.mark.parametrize("cmd", [["backup", "-o", "x.db"], ["restore", "x.db", "--yes"]])
def test_backup_refused_on_postgres(pipe: Any, cmd: list[str]) -> None:
    r = pipe("--db", "postgresql://nobody@127.0.0.1:1/none", *cmd)
    assert r.exit_code == 2 and "pg_dump" in r.stderr
