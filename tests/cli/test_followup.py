"""`pipe follow-up`: start, change, list and stop cadences; bad input refused, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_start_list_change_stop(pipe: Callable[..., Any]) -> None:
    assert pipe("add", "contact", "Li Wei").exit_code == 0
    assert pipe("add", "account", "Acme Ltd").exit_code == 0
    r = pipe("follow-up", "contact", "Li Wei", "every", "14d", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json == {
        "kind": "contact", "id": 1, "name": "Li Wei", "every": "14 days", "owner": "Ann",
        "last_touch": None, "due": "2026-12-07",
    }  # fmt: skip
    assert pipe("follow-up", "account", "1", "every", "1 month").exit_code == 0
    assert pipe("follow-up", "contact", "1", "every", "2", "weeks").exit_code == 0  # changes it
    listed = pipe("follow-up", "list", "--json").json
    assert [(c["kind"], c["every"], c["due"]) for c in listed] == [
        ("contact", "2 weeks", "2026-12-07"),
        ("account", "1 month", "2026-12-23"),
    ]
    text = pipe("follow-up", "list").stdout.splitlines()
    assert text[0] == (
        "contact 1  Li Wei: every 2 weeks, last touch never, next due 2026-12-07, owner Ann"
    )
    stop = pipe("follow-up", "stop", "contact", "1")
    assert stop.exit_code == 0 and stop.stdout.startswith("stopped follow-up on Li Wei")
    assert [c["kind"] for c in pipe("follow-up", "list", "--json").json] == ["account"]
    again = pipe("follow-up", "stop", "contact", "1")
    assert again.exit_code == 3 and again.stderr == "pipe: follow-up on contact '1' not found\n"
    assert pipe("follow-up", "contact", "1", "every", "3d").exit_code == 0  # starts again


def test_bad_input_is_refused_and_changes_nothing(
    pipe: Callable[..., Any], snapshot: Callable[[], Any]
) -> None:
    assert pipe("add", "contact", "Li Wei").exit_code == 0
    before = snapshot()
    for args, code, needle in [
        (
            ("contact", "1", "every", "0d"),
            2,
            "every: 'every 0d' must be between 1 day and 10 years",
        ),
        (("contact", "1", "every", "fortnightly"), 2, "every: 'every fortnightly' is not a period"),
        (("contact", "99", "every", "14d"), 3, "contact 99 not found"),
        (("account", "Nope", "every", "14d"), 3, "account 'Nope' not found"),
        (("stop", "lead", "1"), 2, "kind: 'lead' must be contact or account"),
    ]:
        r = pipe("follow-up", *args)
        assert r.exit_code == code, (args, r.stderr)
        assert needle in r.stderr and len(r.stderr.splitlines()) == 1
    assert snapshot() == before


def test_purge_refused_while_a_cadence_refers_and_export_all_keeps_it(
    pipe: Callable[..., Any], tmp_path: Any
) -> None:
    assert pipe("add", "contact", "Li Wei").exit_code == 0
    assert pipe("follow-up", "contact", "1", "every", "14d").exit_code == 0
    r = pipe("delete", "contact", "1", "--purge", "--yes")  # a live contact: refused
    assert r.exit_code == 4 and "1 follow-up(s)" in r.stderr
    assert pipe("delete", "contact", "1").exit_code == 0
    assert pipe("follow-up", "list", "--json").json == []  # an archived contact's cadence rests
    assert pipe("undelete", "contact", "1").exit_code == 0
    backup = tmp_path / "all.jsonl"
    assert pipe("export", "all", "-o", str(backup)).exit_code == 0
    copy = ["--db", str(tmp_path / "copy.db")]
    assert pipe(*copy, "import", "all", str(backup)).exit_code == 0
    [cad] = pipe(*copy, "follow-up", "list", "--json").json
    assert (cad["kind"], cad["name"], cad["every"]) == ("contact", "Li Wei", "14 days")
    # a deleted (archived) contact is purged with its cadence
    assert pipe("delete", "contact", "1").exit_code == 0
    assert pipe("delete", "contact", "1", "--purge", "--yes").exit_code == 0
    assert pipe("undelete", "contact", "1").exit_code == 3
    assert pipe("follow-up", "list", "--json").json == []
