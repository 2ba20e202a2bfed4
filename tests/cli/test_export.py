"""`pipe export`: listing field names, inert formula cells, iCalendar, and the full round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import add_deal, data, ok


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
