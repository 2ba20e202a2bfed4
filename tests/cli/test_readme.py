"""The README's quick tour runs as written, top to bottom, on a new database."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A quick tour") :]
    block = re.search(r"```sh\n(.*?)```", tour, re.S)
    assert block is not None
    commands: list[list[str]] = []
    for line in block.group(1).splitlines():
        commands.extend(_split_semicolons(line))
    return commands


def _split_semicolons(line: str) -> list[list[str]]:
    words = shlex.split(line, comments=True)
    out: list[list[str]] = [[]]
    for word in words:
        if word == ";":
            out.append([])
        else:
            out[-1].append(word)
    return [cmd for cmd in out if cmd]


def test_the_quick_tour_runs(pipe: Any) -> None:
    commands = tour_commands()
    assert len(commands) >= 20
    for argv in commands:
        assert argv[0] == "pipe"
        r = pipe(*argv[1:])
        assert r.exit_code == 0, f"{shlex.join(argv)} -> {r.exit_code}: {r.stderr}"
    deals = {d["id"]: d for d in pipe("list", "deals", "--status", "all", "--json").json}
    assert (deals[1]["status"], deals[2]["status"], deals[2]["lost_reason"]) == (
        "won",
        "lost",
        "price",
    )
    assert (deals[1]["lead_id"], deals[3]["amount"], deals[3]["currency"]) == (1, "15000.00", "EUR")
    proposal = pipe("list", "deals", "--stage", "proposal", "--owner", "me", "--json").json
    assert [d["id"] for d in proposal] == [3]  # the tour's read commands show something
    assert [t["title"] for t in pipe("list", "tasks", "--due", "today", "--json").json] == [
        "Send the proposal"
    ]
    tasks = pipe("list", "tasks", "--status", "all", "--json").json
    assert [(t["id"], t["status"], t["due"]) for t in tasks if t["repeat"]] == [
        (2, "done", "2026-11-23"),
        (3, "open", "2026-12-07"),
    ]
