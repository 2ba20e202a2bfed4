"""The issue's own walk-through, end to end through the CLI, on each backend."""

from __future__ import annotations

from tests.conftest import Pipe


def test_walkthrough(pipe: Pipe) -> None:
    r = pipe("add", "lead", "Li Wei", "--company", "Acme Ltd", "--email", "li.wei@acme.example",
             "--source", "web", "--value", "12000", "--json")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.json["id"] == 1 and r.json["value"] == "12000.00"
