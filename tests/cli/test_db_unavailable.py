"""A database that cannot be reached or created: exit 10 and one line, for every kind of command.

These tests need no test database, so they use their own runner (not the `pipe` fixture, which is
parametrised over the backends).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.helpers import ok, refused
from tests.conftest import Run

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"
Cli = Callable[..., Run]


@pytest.fixture
def cli() -> Cli:
    from typer.testing import CliRunner

    from pipecli.cli import app

    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), env=env or {}, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def under_a_file(tmp_path: Path) -> str:
    """A database path whose parent directory cannot be created: a file is in the way."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    return str(blocker / "sub" / "pipe.db")


COMMANDS = [
    ["list", "deals"],
    ["list", "deals", "--json"],
    ["add", "lead", "Li Wei"],
    ["show", "deal", "1"],
    ["move", "1", "proposal"],
    ["pipeline", "list"],
    ["stage", "list"],
    ["db", "upgrade"],
    ["db", "current"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_unreachable_server(cli: Cli, argv: list[str]) -> None:
    line = refused(cli("--db", UNREACHABLE, *argv), 10, "database unavailable")
    assert "127.0.0.1" in line


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_path_under_a_file(cli: Cli, under_a_file: str, argv: list[str]) -> None:
    refused(cli("--db", under_a_file, *argv), 10, "database", "cannot create")
    assert not Path(under_a_file).exists()


def test_unreachable_from_environment(cli: Cli) -> None:
    refused(cli("list", "deals", env={"PIPE_DB": UNREACHABLE}), 10, "database unavailable")


def test_option_wins_over_environment(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    r = ok(cli("--db", str(good), "list", "deals", "--json", env={"PIPE_DB": UNREACHABLE}))
    assert r.json == [] and good.is_file()


def test_commands_without_a_database_still_work(cli: Cli) -> None:
    assert ok(cli("--db", UNREACHABLE, "calc", "eoq+2w")).stdout.split()[0] == "2027-01-14"
    assert ok(cli("--db", UNREACHABLE, "schema", "deal", "--json")).json[0]["name"] == "id"
    assert ok(cli("--db", UNREACHABLE, "db", "path")).stdout.startswith("postgresql")
    assert ok(cli("--db", UNREACHABLE, "--version")).stdout.startswith("pipe ")


def test_file_that_is_not_a_database(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, I am not SQLite\n" * 10)
    refused(cli("--db", str(path), "list", "deals"), 10, "database")
