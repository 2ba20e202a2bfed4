"""Boundaries held by tests: the core imports no front end; `--help`/`--version` stay light.

Each check runs in a fresh interpreter (a real subprocess without a TTY) and reads sys.modules.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FRONT_ENDS = ("typer", "textual", "rich", "pipecli.commands", "pipecli.tui", "pipecli.render")
HEAVY = ("sqlmodel", "sqlalchemy", "textual", "alembic")


def _modules_after(code: str) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_core_imports_no_front_end() -> None:
    code = (
        "import importlib, pkgutil, pipecli.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'pipecli.core.'):\n"
        "    if '.migrations.' not in m.name: importlib.import_module(m.name)\n"
    )
    loaded = _modules_after(code)
    assert "pipecli.core.services.deals" in loaded  # the walk really imported the services
    bad = sorted(m for m in loaded if m.split(".")[0] in FRONT_ENDS or m.startswith(FRONT_ENDS))
    assert bad == []


@pytest.mark.parametrize(
    "argv", [["--help"], ["--version"], ["add", "--help"], ["list", "deals", "--help"]]
)
def test_help_and_version_do_not_load_the_store(argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['pipe', *{argv!r}]\n"
        "from pipecli.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
    )
    loaded = _modules_after(code)
    assert "pipecli.cli" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []


def test_version_subprocess_without_tty() -> None:
    from pipecli import __version__

    r = subprocess.run(
        [sys.executable, "-m", "pipecli", "--version"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert r.returncode == 0
    assert r.stdout.strip() == f"pipe {__version__}"
