"""Backup and restore with `#`, `?`, `%`, a space and non-ASCII in both the database's path and
the backup's: each path names exactly that file (no stray file, nothing cut at `#` or `?`), and
"backed up" is printed only after the copy's integrity check and row counts agree."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

NAMES = ["a#b", "what?", "100% my crm", "客户数据", "é#?% mix%41#x?y=1"]


def _pipe(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIPE_DB": db}
    return subprocess.run([sys.executable, "-m", "pipecli", *args], env=env,
                          capture_output=True, text=True)  # fmt: skip


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("name", NAMES)
def test_backup_and_restore_with_odd_paths(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    db = folder / f"{name}.db"
    for url in (str(db), f"sqlite:///{db}"):  # a path, and the same path as a URL
        r = _pipe(url, "add", "lead", "Li Wei", "--company", "Acme")
        assert r.returncode == 0, r.stderr
    assert _files(tmp_path) == {name, f"{name}/{name}.db"}  # nothing beside it, nothing cut
    copy = tmp_path / f"copy {name}.db"
    r = _pipe(str(db), "backup", "-o", str(copy))
    assert r.returncode == 0 and "backed up" in r.stderr and "integrity checked" in r.stderr
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM lead").fetchone()[0] == 2
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert _pipe(str(db), "add", "lead", "Later").returncode == 0
    r = _pipe(str(db), "restore", str(copy), "--yes")
    assert r.returncode == 0, r.stderr
    assert "kept as" in r.stderr
    # saved first as `pipe backup` names a copy: NAME-YYYYMMDDTHHMMSS.db beside the database
    saved = re.escape(name) + r"-\d{8}T\d{6}\.db"
    kept = [p for p in folder.iterdir() if re.fullmatch(saved, p.name)]
    assert len(kept) == 1
    assert sqlite3.connect(kept[0]).execute("SELECT count(*) FROM lead").fetchone()[0] == 3
    r = _pipe(str(db), "list", "leads", "--json")
    assert [x["name"] for x in __import__("json").loads(r.stdout)] == ["Li Wei", "Li Wei"]
    stray = _files(tmp_path) - {name, f"{name}/{name}.db", f"copy {name}.db",
                                f"{name}/{kept[0].name}"}  # fmt: skip
    assert not {s for s in stray if not s.endswith(("-wal", "-shm"))}, stray


def test_backup_is_checked_not_trusted(tmp_path: Path) -> None:
    """A "backup" that is not a pipecli database is refused by restore before anything is
    replaced; a damaged database is refused by backup (its integrity check fails)."""
    db = tmp_path / "p.db"
    assert _pipe(str(db), "add", "lead", "Li").returncode == 0
    junk = tmp_path / "junk#1.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    before = db.read_bytes()
    r = _pipe(str(db), "restore", str(junk), "--yes")
    assert r.returncode == 2 and "not a pipecli SQLite database" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert db.read_bytes() == before
    # a damaged source: a page of the lead table overwritten
    broken = tmp_path / "broken.db"
    conn = sqlite3.connect(db)
    conn.execute("VACUUM INTO ?", (str(broken),))
    conn.close()
    data = bytearray(broken.read_bytes())
    page = 4096
    for i in range(2 * page, min(len(data), 40 * page), page):
        data[i : i + 12] = b"\x07" * 12  # b-tree page headers: type, cell counts, offsets
    broken.write_bytes(bytes(data))
    out = tmp_path / "out.db"
    r = _pipe(str(broken), "backup", "-o", str(out))
    assert r.returncode != 0 and "backed up" not in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert not out.exists()


def test_backup_and_restore_refuse_bad_targets(tmp_path: Path) -> None:
    db = tmp_path / "a#b" / "pipe.db"
    assert _pipe(str(db), "add", "lead", "Li").returncode == 0
    for target in (str(db), f"{db}-wal", str(tmp_path)):
        r = _pipe(str(db), "backup", "-o", target)
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
    r = _pipe(str(db), "restore", str(db), "--yes")
    assert r.returncode == 2 and "database itself" in r.stderr
    r = _pipe(str(db), "restore", str(tmp_path / "missing #.db"), "--yes")
    assert r.returncode == 2 and "does not exist" in r.stderr


@pytest.mark.parametrize("url", ["postgresql://u:Zq7x@Kp9w:Mm3r@127.0.0.1:1/db",
                                 "postgresql://u:Zq7x:Kp9w@Mm3r@127.0.0.1:1/db",
                                 "postgresql://u:Zq7x%40Kp9w@127.0.0.1:1/db",
                                 "postgresql://u:Zq7xKp9wMm3r@127.0.0.1:notaport/db",
                                 "postgresql://u:Zq7x@Kp9w@@@/db"])  # fmt: skip
def test_no_part_of_a_database_password_is_shown(url: str, tmp_path: Path) -> None:
    parts = ("Zq7x", "Kp9w", "Mm3r")
    for cmd in (["add", "lead", "x"], ["db", "path"], ["backup", "-o", str(tmp_path / "x.db")]):
        r = _pipe(url, *cmd)
        assert r.returncode != 0 or cmd[:2] == ["db", "path"], (cmd, r.stderr)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
        assert len(r.stderr.splitlines()) <= 2
        for part in parts:
            assert part not in r.stdout + r.stderr, (cmd, part, r.stdout, r.stderr)


def test_a_password_with_at_and_colon_reaches_the_server(tmp_path: Path) -> None:
    """Parsed right: the user and password arrive intact (PostgreSQL says which user failed)."""
    from sqlalchemy.engine import make_url

    from pipecli.core.config import normalize_db_url

    url = make_url(normalize_db_url("postgresql://ann:p@ss:w@rd/x@db.example:5433/pipe"))
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "ann", "p@ss:w@rd/x", "db.example", 5433, "pipe")  # fmt: skip
    base = os.environ.get("PIPE_TEST_POSTGRES_URL")
    if base:
        good = make_url(normalize_db_url(base))
        hostile = f"postgresql://{good.username}:p@ss:w@rd@{good.host}:{good.port}/{good.database}"
        r = _pipe(hostile, "pipeline", "list")  # trust auth: any password is accepted
        assert r.returncode == 0, r.stderr


def test_odd_sqlite_urls_are_exact(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for given, file in [("~/crm/a#b/pipe.db", tmp_path / "crm/a#b/pipe.db"),
                        ("sqlite:///~/x?mode=ro.db", tmp_path / "x?mode=ro.db"),
                        (f"sqlite:///{tmp_path}/a%20b.db", tmp_path / "a%20b.db")]:  # fmt: skip
        r = _pipe(given, "add", "lead", "Li")
        assert r.returncode == 0, r.stderr
        assert file.is_file(), (given, _files(tmp_path))
        assert _pipe(given, "db", "path").stdout.strip() == str(file)
    assert not (tmp_path / "crm" / "a").exists() and not (tmp_path / "a b.db").exists()
