"""Small assertions shared by the CLI tests: success with JSON, and one-line refusals."""

from __future__ import annotations

from typing import Any

from pipecli.core.schema import field_names
from tests.conftest import Pipe, Run

NOW_ISO = "2026-11-23T10:00:00+00:00"


def ok(r: Run) -> Run:
    """Exit 0 and no traceback; returns the run for chaining."""
    assert r.exit_code == 0, f"exit {r.exit_code}: {r.stderr}"
    assert "Traceback" not in r.stdout + r.stderr
    return r


def data(r: Run) -> Any:
    """The parsed --json output of a successful run."""
    return ok(r).json


def record(r: Run) -> dict[str, Any]:
    """The parsed --json output of a successful run that prints one record (a JSON object)."""
    out = data(r)
    assert isinstance(out, dict), out
    return out


def add_deal(pipe: Pipe, title: str = "Deal", *opts: str) -> dict[str, Any]:
    """`pipe add deal TITLE OPTS... --json`, which must succeed; returns the deal."""
    return record(pipe("add", "deal", title, *opts, "--json"))


def has_fields(row: dict[str, Any], kind: str, *extra: str) -> None:
    """Exactly the schema's field names, in order (plus `extra` keys at the end)."""
    assert list(row) == field_names(kind) + list(extra)


def refused(r: Run, code: int, *needles: str) -> str:
    """Exit `code`, nothing on stdout, and exactly one stderr line containing every needle."""
    assert r.exit_code == code, f"exit {r.exit_code}, wanted {code}: {r.stderr!r}"
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("pipe: "), line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def csv_rows(r: Run) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(ok(r).stdout)))
