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
