"""The commands that shape and describe the data rather than record it: pipelines, stages,
schema, calc, db, --version; and the CSV form of every list (header = `pipe schema KIND`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipecli import __version__
from pipecli.core.schema import field_names
from tests.cli.helpers import add_deal, csv_rows, data, has_fields, ok, refused
from tests.conftest import Pipe, not_none

# --- pipelines, stages -----------------------------------------------------------------------


def test_pipeline_list(pipe: Pipe) -> None:
    add_deal(pipe)
    rows = data(pipe("pipeline", "list", "--json"))
    assert len(rows) == 1
    has_fields(rows[0], "pipeline")
    assert rows[0]["name"] == "Default" and rows[0]["default"] is True
    assert rows[0]["stages"] == [
        "Prospecting", "Qualification", "Proposal", "Negotiation", "Won", "Lost",
    ]  # fmt: skip
    assert rows[0]["open_deals"] == 1


def test_stage_add_and_list(pipe: Pipe) -> None:
    ok(pipe("stage", "add", "Demo", "--pipeline", "default", "--after", "qualification",
            "--probability", "30"))  # fmt: skip
    rows = data(pipe("stage", "list", "--json"))
    for row in rows:
        has_fields(row, "stage")
    assert [(s["name"], s["position"]) for s in rows] == [
        ("Prospecting", 1), ("Qualification", 2), ("Demo", 3), ("Proposal", 4),
        ("Negotiation", 5), ("Won", 6), ("Lost", 7),
    ]  # fmt: skip
    demo = rows[2]
    assert (demo["probability"], demo["outcome"], demo["category"]) == (30, "open", "pipeline")
    assert demo["pipeline"] == "Default" and demo["deals"] == 0
    deal = add_deal(pipe, "X", "--stage", "demo")
    assert (deal["stage"], deal["probability"]) == ("Demo", 30)


# --- schema, calc, db, version -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["deal", "leads", "task", "activity", "history", "stage"])
def test_schema(pipe: Pipe, kind: str) -> None:
    from pipecli.core.schema import kind_name

    rows = data(pipe("schema", kind, "--json"))
    assert [r["name"] for r in rows] == field_names(not_none(kind_name(kind)))
    assert all(set(r) == {"name", "type", "doc"} for r in rows)
    text = ok(pipe("schema", kind)).stdout.splitlines()
    assert [line.split()[0] for line in text] == field_names(not_none(kind_name(kind)))


def test_calc(pipe: Pipe) -> None:
    assert ok(pipe("calc", "eoq+2w")).stdout.split()[0] == "2027-01-14"
    assert ok(pipe("calc", "fri", "10am")).stdout.split()[:2] == ["2026-11-27", "10:00"]
    refused(pipe("calc", "blurgsday"), 2, "blurgsday")


def test_db_path(pipe: Pipe, db_url: str) -> None:
    out = ok(pipe("db", "path")).stdout.strip()
    if db_url.startswith("sqlite"):
        assert out == db_url.removeprefix("sqlite:///")
    else:
        assert out.startswith("postgresql") and "127.0.0.1" in out


def test_db_upgrade_up_to_date(pipe: Pipe) -> None:
    assert "up to date" in ok(pipe("db", "upgrade")).stdout
    assert ok(pipe("db", "current")).stdout.strip() == ok(pipe("db", "current")).stdout.strip()


def test_db_upgrade_creates_a_new_database(pipe: Pipe, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    out = ok(pipe("--db", str(path), "db", "upgrade")).stdout
    assert "was empty" in out and path.is_file()
    assert data(pipe("--db", str(path), "pipeline", "list", "--json"))[0]["name"] == "Default"
    assert "up to date" in ok(pipe("--db", str(path), "db", "upgrade")).stdout


def test_version(pipe: Pipe) -> None:
    r = ok(pipe("--version"))
    assert r.stdout.strip() == f"pipe {__version__}"


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["list", "deals"], "deal"),
        (["list", "leads"], "lead"),
        (["list", "accounts"], "account"),
        (["list", "contacts"], "contact"),
        (["list", "tasks"], "task"),
        (["list", "activities"], "activity"),
        (["pipeline", "list"], "pipeline"),
        (["stage", "list"], "stage"),
    ],
)
def test_csv_header_is_the_schema(pipe: Pipe, args: list[str], kind: str) -> None:
    add_deal(pipe, "Deal, with comma", "--tag", "a", "--tag", "b", "--amount", "5")
    ok(pipe("add", "lead", "Lee", "--company", "Acme"))
    ok(pipe("add", "contact", "Li", "--account", "Acme"))
    ok(pipe("add", "task", "t", "--deal", "1", "--due", "fri 10am"))
    ok(pipe("log", "note", "n", "--deal", "1"))
    rows = csv_rows(pipe(*args, "--csv"))
    assert rows[0] == field_names(kind)
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    as_json = data(pipe(*args, "--json"))
    assert len(rows) - 1 == len(as_json)


def test_csv_cells(pipe: Pipe) -> None:
    add_deal(pipe, "Deal, with comma", "--tag", "b", "--tag", "a", "--amount", "5")
    header, row = csv_rows(pipe("list", "deals", "--csv"))
    cell = dict(zip(header, row, strict=True))
    assert cell["title"] == "Deal, with comma" and cell["tags"] == "a;b"
    assert cell["amount"] == "5.00" and cell["close"] == "" and cell["archived"] == "false"
