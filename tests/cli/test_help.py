"""`--help` reads like a manual: values named (`TEXT`, `DATE`, `N`...), flags bare, the top-level
commands in panels, and examples at the end of each command's help.

`pipe --help`, `pipe add deal --help` and `pipe list tasks --help` are snapshots (real
subprocesses at COLUMNS=100, NO_COLOR=1; files under tests/cli/__snapshots__/test_help/, updated
with `pytest --snapshot-update` after a deliberate change). Every command of the registry is
walked for Python-type metavars, and every example in every help is parsed as the command line
it claims to be.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from syrupy.location import PyTestLocation

from pipecli.cli import REGISTRY
from tests.conftest import _click_app, invoke

PYTHON_TYPES = re.compile(r"<bool>|<list\[|<int range>|\[x>=|<\w+>|\{\w*\}")


class HelpText(SingleFileSnapshotExtension):
    """One help screen per file, as text."""

    _write_mode = WriteMode.TEXT
    _file_extension = "txt"


@pytest.fixture
def help_snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    """Syrupy's snapshot (tests/conftest.py's `snapshot` is the database's rows)."""
    return SnapshotAssertion(
        update_snapshots=request.config.option.update_snapshots,
        extension_class=HelpText,
        test_location=PyTestLocation(request.node),
        session=request.session.config._syrupy,  # type: ignore[attr-defined]
    )


def _help(*argv: str) -> str:
    """`pipe ARGV --help` as a user runs it: a subprocess without a TTY, 100 columns, no colour."""
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", TERM="dumb")
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipecli", *argv, "--help"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return "\n".join(line.rstrip() for line in done.stdout.splitlines()) + "\n"


@pytest.mark.parametrize(
    "argv", [(), ("add", "deal"), ("list", "tasks")], ids=["pipe", "add-deal", "list-tasks"]
)
def test_help_screens(argv: tuple[str, ...], help_snapshot: SnapshotAssertion) -> None:
    text = _help(*argv)
    assert not PYTHON_TYPES.search(text), PYTHON_TYPES.findall(text)
    assert text == help_snapshot


def test_top_level_panels_in_order() -> None:
    text = _help()
    panels = re.findall(r"╭─ ([^─]+?) ─", text)
    assert panels == [
        "Options",
        "Records",
        "Deals and tasks",
        "Reports",
        "Data in and out",
        "Team and setup",
    ]
    # each top-level command is listed once, in its panel, in the registry's order
    listed = re.findall(r"^│ ([a-z][a-z-]*) ", text.split("╭─ Records")[1], re.M)
    assert listed == list(REGISTRY)
    assert "Commands" not in panels


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def _commands() -> list[tuple[tuple[str, ...], Any]]:
    return list(_walk(_click_app()))


def _run_help(path: tuple[str, ...]) -> str:
    from typer.testing import CliRunner

    r = invoke(CliRunner(), _click_app(), [*path, "--help"], {"COLUMNS": "100"})
    assert r.exit_code == 0, r.stderr
    return r.stdout


def test_no_help_shows_python_types() -> None:
    paths = [path for path, _ in _commands()]
    assert {p[0] for p in paths if p} == set(REGISTRY)  # the walk reached every command
    assert len(paths) > 80
    bad = {}
    for path in paths:
        found = PYTHON_TYPES.findall(_run_help(path))
        if found:
            bad[" ".join(path)] = found
    assert bad == {}


def _examples(text: str) -> list[str]:
    assert "Examples:" in text
    return [line.strip(" │")[2:] for line in text.split("Examples:")[1].splitlines()
            if line.strip().startswith("$ ")]  # fmt: skip


def _must_have_examples(path: tuple[str, ...]) -> bool:
    return len(path) == 1 or (len(path) == 2 and path[0] in ("add", "list", "edit", "report"))


def test_commands_end_with_examples_that_parse() -> None:
    """Every top-level command, and each `add`, `list`, `edit` and `report` subcommand, ends with
    two or three examples; each example (of any command) is a command line Click accepts: known
    options, the right arguments (parsed, not run)."""
    root = _click_app()
    seen = 0
    for path, command in _commands():
        if not path:
            continue
        text = _run_help(path)
        if not _must_have_examples(path) and "Examples:" not in text:
            continue
        lines = _examples(text)
        assert 2 <= len(lines) <= 3, (path, lines)
        assert text.rstrip().endswith(lines[-1]), path
        for line in lines:
            argv = shlex.split(line)
            while "=" in argv[0]:  # PIPE_USER=Bo pipe ...
                argv.pop(0)
            assert argv[0] == "pipe", line
            _parses(root, argv[1:], line)
            seen += 1
        del command
    assert seen > 100


def _parses(root: Any, argv: list[str], line: str) -> None:
    """Parse `argv` down the command tree as Click would run it, without invoking anything."""
    command, name, args, parent = root, "pipe", list(argv), None
    while True:
        ctx = command.make_context(name, args, parent=parent)
        rest = [*ctx._protected_args, *ctx.args]
        if not hasattr(command, "commands") or (not rest and command.invoke_without_command):
            assert not rest, (line, rest)
            return
        name, command, args = command.resolve_command(ctx, rest)
        assert command is not None, line
        parent = ctx
