"""`pipe export`: listing field names, inert formula cells, iCalendar, and the full round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import add_deal, csv_rows, data, ok


def _seed(pipe: Any) -> None:
    deal = add_deal(pipe, '=HYPERLINK("http://x")', "--account", "+Acme", "--amount", "12,000.50")
    ok(pipe("move", str(deal["id"]), "proposal"))
    ok(pipe("add", "deal", "@Second", "--tag", "hot", "--close", "2026-12-20"))
    ok(pipe("win", "2"))
    ok(pipe("add", "lead", "Li Wei", "--company", "Acme", "--email", "li@acme.example"))
    ok(pipe("add", "contact", "--account", "+Acme", "--birthday", "1988-03-14", "--", "-Wei"))
    ok(
        pipe(
            "add",
            "task",
            "Call Li",
            "--deal",
            "1",
            "--due",
            "2026-11-25 10am",
            "--repeat",
            "weekly",
        )
    )
    ok(pipe("add", "task", "Send deck", "--due", "2026-11-26", "--priority", "high"))
    ok(pipe("log", "call", "--deal", "1", "Discussed volume"))


def test_csv_and_json_use_listing_fields_and_csv_cells_are_inert(pipe: Any) -> None:
    _seed(pipe)
    listed = data(pipe("list", "deals", "--status", "all", "--json"))
    exported = json.loads(ok(pipe("export", "deals", "--format", "json")).stdout)
    assert exported == listed
    lines = ok(pipe("export", "deals", "-f", "jsonl")).stdout.splitlines()
    assert [json.loads(x) for x in lines] == listed
    rows = list(csv.DictReader(io.StringIO(ok(pipe("export", "deals")).stdout)))
    assert list(rows[0]) == list(listed[0])
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")' and rows[0]["account"] == "'+Acme"
    assert rows[1]["title"] == "'@Second" and rows[1]["tags"] == "hot"
    assert rows[0]["amount"] == "12000.50"
    contacts = list(csv.DictReader(io.StringIO(ok(pipe("export", "contacts")).stdout)))
    assert contacts[0]["name"] == "'-Wei"
    ok(pipe("add", "account", "Tab", "--notes", "\tcmd"))
    accounts = list(csv.DictReader(io.StringIO(ok(pipe("export", "accounts")).stdout)))
    assert accounts[-1]["notes"] == "'\tcmd"


def test_xlsx_cells_are_text_not_formulas(pipe: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _seed(pipe)
    out = tmp_path / "deals.xlsx"
    ok(pipe("export", "deals", "-f", "xlsx", "-o", str(out)))
    sheet = load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    assert first["title"].value == '=HYPERLINK("http://x")'
    assert first["title"].data_type == "s"  # a string cell: shown, never evaluated
    assert first["account"].data_type == "s" and first["amount"].value == "12000.50"
    r = pipe("export", "deals", "-f", "xlsx")
    assert r.exit_code == 2 and "-o FILE.xlsx" in r.stderr


def test_tasks_as_icalendar(pipe: Any) -> None:
    from icalendar import Calendar

    _seed(pipe)
    ok(pipe("add", "task", "No date"))
    cal = Calendar.from_ical(ok(pipe("export", "tasks", "-f", "ics")).stdout)
    events = cal.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Call Li", "Send deck"]
    assert events[0].decoded("dtstart").isoformat() == "2026-11-25T10:00:00"
    assert events[1].decoded("dtstart").isoformat() == "2026-11-26"
    r = pipe("export", "deals", "-f", "ics")
    assert r.exit_code == 2


def _tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for line in path.read_text().splitlines():
        item = json.loads(line)
        out.setdefault(item["table"], []).append(item["row"])
    return out


def test_export_all_import_all_round_trip(pipe: Any, tmp_path: Path) -> None:
    _seed(pipe)
    backup, again = tmp_path / "backup.jsonl", tmp_path / "again.jsonl"
    ok(pipe("export", "all", "-o", str(backup)))
    copy = ["--db", str(tmp_path / "copy.db")]
    ok(pipe(*copy, "import", "all", str(backup)))
    r = ok(pipe(*copy, "import", "all", str(backup)))
    assert all(" 0 added" in line for line in r.stdout.splitlines())
    ok(pipe(*copy, "export", "all", "-o", str(again)))
    before, after = _tables(backup), _tables(again)
    for table, rows in before.items():
        key = "uuid" if "uuid" in rows[0] else None
        if key:
            assert {r[key] for r in rows} == {r[key] for r in after[table]}, table
    assert len(after["stagechange"]) == len(before["stagechange"]) == 4
    assert len(after["taglink"]) == 1 and len(after["activity"]) == 1
    for kind in ("deals", "leads", "accounts", "contacts", "tasks"):
        original = ok(pipe("export", kind, "-f", "json")).stdout
        assert ok(pipe(*copy, "export", kind, "-f", "json")).stdout == original, kind
    hist = data(pipe(*copy, "show", "deal", "1", "--json"))["history"]
    assert [h["change"] for h in hist] == ["create", "move"]


# --- formula guard: numbers untouched, text guarded, import takes the guard off -------------

_GUARDED_TITLES = ["-5 seats", "=1+1", "@home", "+86 phone", "'=quoted", "it's fine"]


def _add(pipe: Any, title: str, *opts: str) -> dict[str, Any]:
    """`add_deal`, for titles that start with `-` too."""
    return data(pipe("add", "deal", *opts, "--json", "--", title))  # type: ignore[no-any-return]


def test_csv_keeps_plain_numbers_and_guards_formula_text(pipe: Any) -> None:
    lost = _add(pipe, "=1+1", "--amount", "1200.50")
    ok(pipe("move", str(lost["id"]), "negotiation"))
    ok(pipe("lose", str(lost["id"]), "--reason", "price"))
    _add(pipe, "-5 seats", "--notes", "-6.9")
    report = data(pipe("report", "calibrate", "--json"))["rows"]
    rows = csv_rows(pipe("report", "calibrate", "--csv"))
    negotiation = dict(zip(rows[0], rows[-1], strict=True))
    assert negotiation["difference_pts"] == report[-1]["difference_pts"] == "-80.0"
    assert "'" not in "".join(",".join(r) for r in rows)
    listed = {r["title"]: r for r in csv.DictReader(io.StringIO(ok(pipe(
        "list", "deals", "--status", "all", "--csv")).stdout))}  # fmt: skip
    assert set(listed) == {"'=1+1", "'-5 seats"}  # text guarded
    assert listed["'-5 seats"]["notes"] == "-6.9"  # a number stays a number
    assert listed["'=1+1"]["amount"] == "1200.50" and listed["'=1+1"]["probability"] == "0"


@pytest.mark.parametrize("how", ["export-csv", "list-csv", "xlsx"])
def test_guarded_cells_round_trip_through_import(pipe: Any, tmp_path: Path, how: str) -> None:
    notes = ["-6.9", "-1,200.50", "+3", "-0", "-E5", "''-5"]  # numbers, a cell reference, text
    for title, note in zip(_GUARDED_TITLES, notes, strict=True):
        _add(pipe, title, "--amount", "1,200.50", "--notes", note)
    file = tmp_path / ("deals.xlsx" if how == "xlsx" else "deals.csv")
    if how == "xlsx":
        ok(pipe("export", "deals", "--format", "xlsx", "-o", str(file)))
    elif how == "export-csv":
        ok(pipe("export", "deals", "--format", "csv", "-o", str(file)))
    else:
        file.write_text(ok(pipe("list", "deals", "--csv")).stdout)
    copy = ["--db", str(tmp_path / "copy.db")]
    ok(pipe(*copy, "import", "deals", str(file)))

    def stored(*db: str) -> list[tuple[Any, ...]]:
        rows = data(pipe(*db, "list", "deals", "--status", "all", "--json"))
        return [(r["title"], r["amount"], r["currency"], r["notes"]) for r in rows]

    assert stored(*copy) == stored()
    assert [(r[0], r[3]) for r in stored(*copy)] == list(zip(_GUARDED_TITLES, notes, strict=True))


def test_formula_text_stays_inert_in_csv_and_xlsx(pipe: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _add(pipe, "=1+1", "--notes", "'=quoted")
    row = next(csv.DictReader(io.StringIO(ok(pipe("export", "deals")).stdout)))
    assert (row["title"], row["notes"]) == ("'=1+1", "''=quoted")
    out = tmp_path / "deals.xlsx"
    ok(pipe("export", "deals", "-f", "xlsx", "-o", str(out)))
    sheet = load_workbook(out).worksheets[0]
    cells = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    assert cells["title"].value == "=1+1" and cells["title"].data_type == "s"  # text, not a formula
    assert cells["notes"].value == "''=quoted" and cells["notes"].data_type == "s"
