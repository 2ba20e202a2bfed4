"""Stored text cannot drive the terminal: records holding ESC, BEL, CSI, OSC, C1 and bidi
characters (planted straight into the database, as older data or another tool could leave them)
go through every list, show, report, message and error, and no control character comes out.
JSON keeps the exact stored value."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.helpers import add_deal, ok
from tests.safety.hostile import EVIL, assert_inert, plant


@pytest.fixture
def hostile(pipe: Any, db_url: str) -> Any:
    """A pipeline's worth of records, then EVIL written into every text they show."""
    ok(pipe("fx", "set", "EUR", "USD", "1.1", "--date", "2020-01-01"))
    sep, octo = "2026-09-01T10:00:00+00:00", "2026-10-01T10:00:00+00:00"
    a = ok(pipe("add", "deal", "Won deal", "--account", "Acme", "--amount", "1000", "--source",
                "web", "--product", "Seats", "--close", "2026-10-01", "--tag", "vip", "--json",
                now=sep)).json  # fmt: skip
    ok(pipe("move", str(a["id"]), "proposal", now=octo))
    ok(pipe("win", str(a["id"]), now=octo))
    b = ok(pipe("add", "deal", "Lost deal", "--amount", "€500", "--close", "2026-10-05",
                "--json", now=sep)).json  # fmt: skip
    ok(pipe("lose", str(b["id"]), "--reason", "price", "--note", "cheaper", now=octo))
    c = add_deal(pipe, "Open deal", "--amount", "300", "--close", "2026-11-01", "--account", "Acme")
    ok(pipe("edit", "deal", str(c["id"]), "--close", "2026-12-15"))
    ok(pipe("add", "contact", "Li Wei", "--account", "Acme", "--email", "li@acme.example"))
    ok(pipe("add", "lead", "Bo", "--company", "Initech", "--source", "web"))
    ok(pipe("add", "task", "Call", "--deal", str(c["id"]), "--due", "2026-11-20"))
    ok(pipe("log", "call", "Talked", "--deal", str(c["id"])))
    for did in (a["id"], b["id"], c["id"]):
        plant(db_url, "deal", did, title=EVIL, source=EVIL, product=EVIL, notes=EVIL)
    plant(db_url, "deal", b["id"], lost_reason=EVIL, lost_note=EVIL)
    plant(db_url, "account", 1, name=EVIL, industry=EVIL, domain=EVIL, region=EVIL)
    plant(db_url, "contact", 1, name=EVIL, title=EVIL, phone=EVIL, email=EVIL)
    plant(db_url, "lead", 1, name=EVIL, company=EVIL, source=EVIL, email=EVIL)
    plant(db_url, "task", 1, title=EVIL, notes=EVIL)
    plant(db_url, "activity", 1, subject=EVIL, body=EVIL)
    plant(db_url, "user", 1, name="Ann" + EVIL)
    plant(db_url, "tag", 1, name=EVIL)
    for sid in range(1, 4):
        plant(db_url, "stagechange", sid, note=EVIL)
    plant(db_url, "stage", 2, name="Qualification" + EVIL)
    plant(db_url, "pipeline", 1, name="default" + EVIL)
    return {"won": a["id"], "lost": b["id"], "open": c["id"]}


READS = [
    ["list", "deals"], ["list", "leads"], ["list", "accounts"],
    ["list", "contacts"], ["list", "tasks"], ["list", "activities"], ["pipeline", "list"],
    ["stage", "list"], ["fx", "list"],
    ["show", "deal", "1"], ["show", "deal", "2"], ["show", "deal", "3"], ["show", "account", "1"],
    ["show", "contact", "1"], ["show", "lead", "1"], ["show", "task", "1"],
]  # fmt: skip
REPORTS = [
    ["funnel"], ["funnel", "--by", "owner"], ["funnel", "--mode", "sequential"], ["forecast"],
    ["forecast", "--by-owner"], ["forecast-accuracy", "--from", "2026-01-01"], ["winrate"],
    ["winrate", "--by", "owner"], ["winrate", "--by", "source"], ["winrate", "--by", "product"],
    ["winrate", "--by", "pipeline"], ["cycle"], ["velocity"], ["stale"], ["slipped"],
    ["calibrate"], ["winrate", "--by", "reason"], ["lost-reasons"],
    ["lost-reasons", "--by", "owner"], ["lost-reasons", "--by", "stage"],
    ["lost-reasons", "--by", "source"],
]  # fmt: skip


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_lists_and_records_show_stored_text_inert(pipe: Any, hostile: Any, args: list[str]) -> None:
    r = ok(pipe(*args))
    assert_inert(r.stdout + r.stderr, " ".join(args))
    assert "␛" in r.stdout + r.stderr or args[0] in ("fx", "stage") or "activities" in args


@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_reports_show_stored_text_inert(pipe: Any, hostile: Any, args: list[str]) -> None:
    r = ok(pipe("report", *args, "--from", "2020-01-01") if args == ["winrate"] else
           pipe("report", *args))  # fmt: skip
    assert_inert(r.stdout + r.stderr, "report " + " ".join(args))


def test_changes_messages_and_errors_show_stored_text_inert(pipe: Any, hostile: Any) -> None:
    runs = [
        pipe("edit", "deal", str(hostile["open"]), "--amount", "400"),
        pipe("move", str(hostile["open"]), "proposal"),
        pipe("done", "1"),
        pipe("show", "deal", EVIL),  # not found: the reference is shown inert
        pipe("move", str(hostile["open"]), EVIL),
        pipe("list", "deals", "--owner", EVIL),
        pipe("list", "deals", "--search", EVIL),
        pipe("add", "deal", "x", "--account", EVIL),
        pipe("add", "deal", EVIL),
    ]
    for r in runs:
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
        assert_inert(r.stdout + r.stderr, r.stderr)


def test_json_and_csv_keep_the_exact_stored_value(pipe: Any, hostile: Any) -> None:
    deals = ok(pipe("list", "deals", "--json")).json
    assert {d["title"] for d in deals} == {EVIL}
    assert ok(pipe("show", "account", "1", "--json")).json["name"] == EVIL


def test_report_files_are_written_inert(pipe: Any, hostile: Any, tmp_path: Any) -> None:
    svg, html = tmp_path / "r.svg", tmp_path / "r.html"
    ok(pipe("report", "winrate", "--by", "source", "--svg", str(svg), "--html", str(html)))
    assert_inert(svg.read_text(), "svg")
    assert_inert(html.read_text(), "html")
