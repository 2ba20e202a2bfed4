"""`pipe edit KIND ID` without any field is refused, not reported as an update."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("kind", ["deal", "lead", "account", "contact", "task"])
def test_edit_without_fields_is_refused(pipe: Any, snapshot: Any, kind: str) -> None:
    assert pipe("add", kind, "Something").exit_code == 0
    before = snapshot()
    r = pipe("edit", kind, "1")
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        f"pipe: edit: nothing to change; see `pipe edit {kind} --help` for the fields"
    ]
    assert snapshot() == before
    assert pipe("edit", kind, "1", "--notes", "x").exit_code == 0


@pytest.mark.parametrize(
    ("kind", "add", "flag", "field"),
    [
        ("deal", ["--close", "2026-12-31"], "--close", "close"),
        ("deal", ["--amount", "100"], "--amount", "amount"),
        ("deal", ["--product", "CRM"], "--product", "product"),
        ("lead", ["--email", "a@b.example"], "--email", "email"),
        ("lead", ["--title", "CTO"], "--title", "title"),
        ("contact", ["--phone", "123"], "--phone", "phone"),
        ("account", ["--website", "acme.example"], "--website", "website"),
        ("task", ["--due", "2026-12-31"], "--due", "due"),
    ],
)
def test_an_empty_value_alone_clears_the_field(
    pipe: Any, kind: str, add: list[str], flag: str, field: str
) -> None:
    import json

    assert pipe("add", kind, "Something", *add).exit_code == 0
    r = pipe("edit", kind, "1", flag, "", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)[field] is None
