# ruff: noqa: E501
"""The hostile-input corpus: hundreds of inputs a careless or hostile user (or file) can give,
through the CLI and through imports, on SQLite and PostgreSQL. Each is either refused cleanly —
its documented exit code, at most a few lines on stderr, every row of the database unchanged —
or accepted and read back exactly as given. Never a traceback, never "internal error"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REFUSED = 2  # invalid input (README exit codes)

# text given for a one-line field: refused (control characters, over-long) or stored exactly
BAD_TEXT = {
    "NUL": "a\x00b", "SOH": "a\x01b", "BEL": "bell\x07", "ESC CSI clear": "x\x1b[2J",
    "OSC title": "Evil\x1b]0;pwned\x07", "C1 CSI": "c1\x9b31m", "C1 NEL": "a\x85b",
    "DEL": "del\x7f", "CR": "cr\rx", "LF": "lf\nx", "TAB": "tab\tx", "VT": "a\x0bb",
    "too long": "x" * 501, "5000 characters": "y" * 5000,
}  # fmt: skip
GOOD_TEXT = {
    "unicode": "Ünïcødé 客户 Ωμέγα", "bidi override (shown inert)": "rtl \u202eabc\u202c",
    "rich markup": "[bold red]Boss[/]", "lone close tag": "a [/] b", "formula": "=cmd|' /C calc'!A0",
    "quotes": "O'Brien \"Q\" \\ back", "format codes": "%s %d {0} %(x)s", "emoji": "Rocket 🚀",
    "500 characters": "z" * 500, "html": "<script>alert(1)</script>",
}  # fmt: skip
# (kind, option or None for the positional name, JSON field)
TEXT_FIELDS = [
    ("lead", None, "name"), ("lead", "--company", "company"), ("account", None, "name"),
    ("account", "--industry", "industry"), ("contact", None, "name"), ("deal", None, "title"),
    ("deal", "--source", "source"), ("task", None, "title"),
]  # fmt: skip
NOTE_TEXT = {
    "LF": ("two\nlines", True), "TAB": ("a\tb", True), "CRLF": ("a\r\nb", True),
    "10,000 characters": ("n" * 10_000, True), "ESC": ("x\x1b[2J", False), "NUL": ("a\x00", False),
    "lone CR": ("a\rb", False), "C1": ("a\x9bb", False), "over 100,000": ("m" * 100_001, False),
}  # fmt: skip


def _run_case(pipe: Any, snapshot: Any, args: list[str], accept: Callable[[Any], None] | int,
              max_lines: int = 3) -> None:  # fmt: skip
    before = snapshot()
    r = pipe(*args)
    out = r.stdout + r.stderr
    assert "Traceback" not in out and "internal error" not in out, out[:500]
    if isinstance(accept, int):
        assert r.exit_code == accept, (r.exit_code, r.stderr[:500])
        lines = r.stderr.splitlines()
        assert 1 <= len(lines) <= max_lines, lines
        assert all(len(line) < 400 for line in lines), "an error line repeats the whole input"
        assert r.stdout == ""
        assert snapshot() == before
    else:
        assert r.exit_code == 0, r.stderr[:500]
        accept(r)


def _add(kind: str, option: str | None, value: str) -> list[str]:
    name = {"deal": "Deal", "task": "Task"}.get(kind, "Name")
    if option is None:
        return ["add", kind, value, "--json"]
    return ["add", kind, name, option, value, "--json"]


def _read_back(pipe: Any, kind: str, field: str, value: str) -> Callable[[Any], None]:
    def check(r: Any) -> None:
        assert r.json[field] == value
        shown = pipe("show", kind, str(r.json["id"]), "--json")
        assert shown.json[field] == value

    return check


TEXT_CASES = [
    pytest.param(kind, opt, field, value, name in GOOD_TEXT, id=f"{kind} {opt or field}: {name}")
    for kind, opt, field in TEXT_FIELDS
    for name, value in {**BAD_TEXT, **GOOD_TEXT}.items()
]


@pytest.mark.parametrize(("kind", "option", "field", "value", "good"), TEXT_CASES)
def test_text_fields(pipe: Any, snapshot: Any, kind: str, option: str | None, field: str,
                     value: str, good: bool) -> None:  # fmt: skip
    args = _add(kind, option, value)
    _run_case(pipe, snapshot, args, _read_back(pipe, kind, field, value) if good else REFUSED)


@pytest.mark.parametrize(("kind",), [("deal",), ("lead",), ("task",)])
@pytest.mark.parametrize(("value", "good"), NOTE_TEXT.values(), ids=NOTE_TEXT)
def test_notes(pipe: Any, snapshot: Any, kind: str, value: str, good: bool) -> None:
    args = _add(kind, "--notes", value)
    _run_case(pipe, snapshot, args, _read_back(pipe, kind, "notes", value) if good else REFUSED)


OTHER_CASES = [
    # tags: at most 64 characters, stored in lower case
    (["add", "lead", "L", "--tag", "t" * 65, "--json"], REFUSED),
    (["add", "lead", "L", "--tag", "vip\x1b[31m", "--json"], REFUSED),
    (["add", "lead", "L", "--tag", "Ü" * 64, "--json"], ("tags", ["ü" * 64])),
    # e-mail: at most 254 characters, no control characters
    (["add", "lead", "L", "--email", "li\x00@acme.example", "--json"], REFUSED),
    (["add", "lead", "L", "--email", "li\x1b@acme.example", "--json"], REFUSED),
    (["add", "lead", "L", "--email", "a" * 250 + "@a.io", "--json"], REFUSED),
    (["add", "contact", "C", "--email", "li.wei@acme.example", "--json"],
     ("email", "li.wei@acme.example")),
    # exchange rates: > 0 and within 1e-9 … 1e9
    (["fx", "set", "USD", "EUR", "1e400"], REFUSED), (["fx", "set", "USD", "CNY", "1e-25"], REFUSED),
    (["fx", "set", "USD", "EUR", "0"], REFUSED),
    (["fx", "set", "USD", "EUR", "NaN"], REFUSED), (["fx", "set", "USD", "EUR", "Infinity"], REFUSED),
    (["fx", "set", "USD", "EUR", "1000000001"], REFUSED), (["fx", "set", "USD", "EUR", "9" * 5000], REFUSED),
    (["fx", "set", "USD", "EUR", "abc"], REFUSED), (["fx", "set", "USD", "EUR", "1e9"], ("fx", "1000000000")),
    (["fx", "set", "USD", "EUR", "1e-9"], ("fx", "0.000000001")),
    (["fx", "set", "USD", "EUR", "7.12"], ("fx", "7.12")),
    (["fx", "set", "USD", "EUR", "1.5", "--date", "1899-12-31"], REFUSED),
    (["fx", "set", "U\x1bSD", "EUR", "1.5"], REFUSED),
    # amounts: within the currency's minor units, at most 10^15
    (["add", "deal", "D", "--amount", "1e16", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "1000000000000001", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "9" * 5000, "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "10.005", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "5.5", "--currency", "JPY", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "NaN", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "inf", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "(5)", "--json"], REFUSED),
    (["add", "deal", "D", "--amount", "1000000000000000", "--json"], ("amount", "1000000000000000.00")),
    (["add", "deal", "D", "--amount", "0.01", "--json"], ("amount", "0.01")),
    (["add", "lead", "L", "--value", "1e16", "--json"], REFUSED),
    # probabilities 0–100
    (["add", "deal", "D", "--probability", "101", "--json"], REFUSED),
    (["add", "deal", "D", "--probability", "9" * 30, "--json"], REFUSED),
    (["add", "deal", "D", "--probability", "1" * 5000, "--json"], REFUSED),
    (["add", "deal", "D", "--probability", "²", "--json"], REFUSED),
    (["add", "deal", "D", "--probability", "50.5", "--json"], REFUSED),
    (["add", "deal", "D", "--probability", "100", "--json"], ("probability", 100)),
    (["add", "deal", "D", "--probability", "0", "--json"], ("probability", 0)),
    (["stage", "add", "S", "--probability", "101"], REFUSED),
    # dates: 1900–2200 wherever a date is read
    (["add", "deal", "D", "--close", "1899-12-31", "--json"], REFUSED),
    (["add", "deal", "D", "--close", "2201-01-01", "--json"], REFUSED),
    (["add", "deal", "D", "--close", "+99999y", "--json"], REFUSED),
    (["add", "deal", "D", "--close", "+" + "9" * 5000 + "d", "--json"], REFUSED),
    (["add", "deal", "D", "--close", "2026-02-30", "--json"], REFUSED),
    (["add", "deal", "D", "--close", "1900-01-01", "--json"], ("close", "1900-01-01")),
    (["add", "deal", "D", "--close", "2200-12-31", "--json"], ("close", "2200-12-31")),
    (["add", "task", "T", "--due", "+9999999999d", "--json"], REFUSED),
    (["add", "task", "T", "--due", "2300-01-01 10am", "--json"], REFUSED),
    (["add", "contact", "C", "--birthday", "1850-01-01", "--json"], REFUSED),
    (["report", "funnel", "--as-of", "3000-01-01"], REFUSED),
    (["report", "forecast", "--from", "1800-01-01"], REFUSED),
    (["report", "winrate", "--to", "9999-12-31"], REFUSED),
    (["list", "deals", "--close-from", "0001-01-01"], REFUSED),
    (["list", "tasks", "--due", "2999-01-01"], REFUSED),
    (["calc", "2201-01-01"], REFUSED),
    (["log", "call", "S", "--at", "1700-01-01"], REFUSED),
    # names of pipelines, stages and owners
    (["pipeline", "add", "P\x1b[2J"], REFUSED), (["pipeline", "add", "p" * 501], REFUSED),
    (["stage", "add", "S\x07"], REFUSED), (["add", "deal", "D", "--owner", "Bob\x1b]0;x\x07"], REFUSED),
    (["add", "deal", "D", "--owner", "o" * 501], REFUSED),
    (["log", "call", "S\x1b[2J"], REFUSED), (["log", "call", "S", "--body", "a\x00b"], REFUSED),
    (["add", "deal", "D", "--account", "Acme\x9b1m"], REFUSED),
    (["add", "task", "T", "--repeat", "every\x1b day"], REFUSED),
    # references that name nothing, ids out of range
    (["show", "deal", "99999999999999999999999"], 3), (["show", "deal", "1\x1b[2J"], REFUSED),
    (["edit", "deal", "1", "--title", "x"], 3), (["move", "1", "proposal"], 3),
    (["list", "deals", "--search", "a\x00b"], REFUSED),
    # files that cannot be written
    (["export", "deals", "-o", "/"], REFUSED), (["export", "deals", "-o", ""], REFUSED),
    (["export", "deals", "-o", "/no/such/folder/x.csv"], REFUSED),
    (["export", "deals", "-o", "x\x00.csv"], REFUSED),
    (["export", "deals", "-o", "n" * 5000 + ".csv"], REFUSED),
    (["report", "funnel", "--svg", "/"], REFUSED), (["report", "funnel", "--html", "/no/x/y.html"], REFUSED),
]  # fmt: skip


def _other_id(args: list[str]) -> str:
    return (
        " ".join(a if len(a) < 20 else a[:8] + f"…({len(a)})" for a in args)
        .encode("unicode_escape")
        .decode()
    )


@pytest.mark.parametrize(
    ("args", "expect"), OTHER_CASES, ids=[_other_id(a) for a, _ in OTHER_CASES]
)
def test_bounds_and_other_inputs(pipe: Any, snapshot: Any, args: list[str], expect: Any) -> None:
    if isinstance(expect, int):
        _run_case(pipe, snapshot, args, expect)
        return
    field, value = expect

    def check(r: Any) -> None:
        if field == "fx":
            rates = pipe("fx", "list", "--json").json
            assert [r["rate"] for r in rates] == [value]
        else:
            assert r.json[field] == value

    _run_case(pipe, snapshot, args, check)


# ---- imports ---------------------------------------------------------------------------------

IMPORT_BAD = {
    "NUL": "A\u0000B", "ESC": "x\u001b[2J", "OSC": "E\u001b]0;pwned\u0007", "C1": "c\u009b1m",
    "BEL": "b\u0007", "CR": "a\rb", "LF": "a\nb", "TAB": "a\tb", "DEL": "d\u007f", "501": "x" * 501,
}  # fmt: skip
IMPORT_GOOD = {
    "unicode": "客户 Ünï", "bidi": "r\u202etl", "markup": "[red]x[/]", "500": "z" * 500,
    "formula": "=1+1",
}  # fmt: skip


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


IMPORT_TEXT = [
    pytest.param(kind, field, value, name in IMPORT_GOOD, fmt, id=f"{fmt} {kind}.{field}: {name}")
    for fmt, kind, field in (
        ("jsonl", "leads", "name"),
        ("json", "deals", "title"),
        ("json", "contacts", "name"),
    )
    for name, value in {**IMPORT_BAD, **IMPORT_GOOD}.items()
]


@pytest.mark.parametrize(("kind", "field", "value", "good", "fmt"), IMPORT_TEXT)
def test_import_text(pipe: Any, snapshot: Any, tmp_path: Path, kind: str, field: str, value: str,
                     good: bool, fmt: str) -> None:  # fmt: skip
    row = {field: value}
    rows = [{"name": "Good", "title": "Good"}, row]
    text = json.dumps(rows) if fmt == "json" else "\n".join(json.dumps(r) for r in rows)
    args = ["import", kind, _write(tmp_path, f"in.{fmt}", text)]
    if good:

        def check(r: Any) -> None:
            listed = pipe("list", kind, "--json", "--limit", "0").json
            assert value in [x.get(field) for x in listed]

        _run_case(pipe, snapshot, args, check)
    else:
        before = snapshot()
        r = pipe(*args)
        assert r.exit_code == REFUSED and "Traceback" not in r.stderr, r.stderr
        assert "internal error" not in r.stderr
        assert "line 2" in r.stderr and field in r.stderr  # the line and the field are named
        assert len(r.stderr.splitlines()) <= 3
        assert snapshot() == before  # all or nothing: the good row is not kept either


IMPORT_ROWS = [
    ("deals", "title,amount\nD,1e16\n"), ("deals", "title,amount\nD,1000000000000001\n"),
    ("deals", "title,close\nD,1899-12-31\n"), ("deals", "title,close\nD,2201-01-01\n"),
    ("deals", "title,close\nD,12/31/2300\n"), ("deals", "title,probability\nD,101\n"),
    ("deals", "title,probability\nD," + "9" * 5000 + "\n"), ("deals", "title,amount\nD,NaN\n"),
    ("deals", "title,currency\nD,X\u001bY\n"), ("leads", "name,email\nL,a\u001b@b.io\n"),
    ("leads", "name,value\nL,-5\n"), ("contacts", "name,birthday\nC,1800-01-01\n"),
    ("tasks", "title,due\nT,2999-01-01\n"), ("deals", "title,created\nD,1850-01-01\n"),
    ("leads", "name\n" + "n" * 600 + "\n"), ("deals", "title,stage\nD,Evil\u001b[2J\n"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "text"),
    IMPORT_ROWS,
    ids=[
        t.splitlines()[0] + " " + t.splitlines()[1][:20].encode("unicode_escape").decode()
        for _, t in IMPORT_ROWS
    ],
)
def test_import_bounds(pipe: Any, snapshot: Any, tmp_path: Path, kind: str, text: str) -> None:
    args = ["import", kind, _write(tmp_path, "in.csv", text)]
    _run_case(pipe, snapshot, args, REFUSED)


IMPORT_FILES = {
    "empty.csv": b"", "empty.json": b"", "blank.jsonl": b"\n\n", "binary.csv": bytes(range(256)) * 8,
    "program.csv": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500, "zip.csv": b"PK\x03\x04" + b"\x00" * 100,
    "text.xlsx": b"name\nLi\n", "deep.json": b"[" * 5000 + b"]" * 5000,
    "deep101.json": b'[{"name":' + b"[" * 101 + b"]" * 101 + b"}]",
    "deep.jsonl": b'{"name":' + b"[" * 200 + b"]" * 200 + b"}\n",
    "object.json": b'{"a": 1, "b": 2, "c": "x"}', "scalar.json": b"42", "broken.json": b"[{\"name\": ",
    "latin1.csv": "name\nJosé\n".encode("latin-1") + b"\xff\xfe\x00", "unknown.pdf": b"%PDF-1.4",
    "nul-in-jsonl.jsonl": b'{"name": "a\\u0000b"}\n', "utf16-bad.csv": b"\xff\xfen\x00\x00\xd8",
    "long-line.csv": b"name\n" + b"x" * (17 << 20) + b"\n",
}  # fmt: skip


@pytest.mark.parametrize("name", IMPORT_FILES)
def test_import_files_that_are_not_what_they_say(
    pipe: Any, snapshot: Any, tmp_path: Path, name: str
) -> None:
    args = ["import", "leads", _write(tmp_path, name, IMPORT_FILES[name])]
    _run_case(pipe, snapshot, args, REFUSED)


@pytest.mark.parametrize("what", ["missing", "directory", "import all: deep", "import all: junk",
                                  "import all: bad date", "import all: control text"])  # fmt: skip
def test_import_paths_and_backups(pipe: Any, snapshot: Any, tmp_path: Path, what: str) -> None:
    row = {"table": "lead", "row": {"id": 9, "uuid": "u-1", "name": "L", "status": "new",
                                    "currency": "USD"}}  # fmt: skip
    files = {
        "missing": ["import", "leads", str(tmp_path / "nope.csv")],
        "directory": ["import", "leads", str(tmp_path)],
        "import all: deep": ["import", "all", _write(tmp_path, "a.jsonl", "[" * 3000 + "]" * 3000)],
        "import all: junk": ["import", "all", _write(tmp_path, "b.jsonl", "not json\n")],
        "import all: bad date": ["import", "all", _write(tmp_path, "c.jsonl", json.dumps(
            {"table": "lead", "row": {**row["row"], "created_at": "yesterday"}}))],  # type: ignore[dict-item]
        "import all: control text": ["import", "all", _write(tmp_path, "d.jsonl", json.dumps(
            {"table": "lead", "row": {**row["row"], "name": "x\u001b[2J"}}))],  # type: ignore[dict-item]
    }  # fmt: skip
    _run_case(pipe, snapshot, files[what], REFUSED)


def test_the_corpus_is_large_enough() -> None:
    cases = (len(TEXT_CASES) + 3 * len(NOTE_TEXT) + len(OTHER_CASES) + len(IMPORT_TEXT)
             + len(IMPORT_ROWS) + len(IMPORT_FILES) + 6)  # fmt: skip
    assert cases >= 200, cases
