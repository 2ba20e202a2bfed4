"""Files pipecli creates hold customers' data and stay private: a new SQLite database (and the
-wal/-shm files SQLite makes beside it) is 0600, the folders pipecli makes for it 0700, and a
backup is 0600 — whatever the umask, with real processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

PIPE = [sys.executable, "-m", "pipecli"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run([*PIPE, *args], env=env, check=True, capture_output=True,
                   preexec_fn=lambda: os.umask(0o022))  # fmt: skip


def test_new_database_its_folders_and_backups_are_private(tmp_path: Path) -> None:
    db = tmp_path / "team" / "crm" / "pipe.db"
    env = dict(os.environ, PIPE_DB=str(db), PIPE_CONFIG=str(tmp_path / "config.toml"))
    _run(env, "add", "lead", "Li Wei", "--company", "Acme")
    assert _mode(db) == 0o600
    assert _mode(db.parent) == 0o700 and _mode(db.parent.parent) == 0o700
    for extra in ("pipe.db-wal", "pipe.db-shm"):
        if (db.parent / extra).exists():
            assert _mode(db.parent / extra) == 0o600, extra
    backup = tmp_path / "bk.db"
    _run(env, "backup", "-o", str(backup))
    assert _mode(backup) == 0o600


def test_an_existing_database_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    env = dict(os.environ, PIPE_DB=str(db), PIPE_CONFIG=str(tmp_path / "config.toml"))
    _run(env, "add", "lead", "Li Wei")
    db.chmod(0o640)
    _run(env, "add", "lead", "Wang Fang")
    assert _mode(db) == 0o640
