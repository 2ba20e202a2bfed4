"""`pipe backup` / `pipe restore` for SQLite: a consistent copy through SQLite's online backup API.

Copying the file with `cp` while pipecli (or cron) writes can catch it half-written, and misses
what is still in the WAL file; `sqlite3.Connection.backup` copies a consistent snapshot page by
page and takes the WAL into account. PostgreSQL has its own tools (pg_dump, pg_restore), so both
commands refuse there and say so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipecli.core.errors import Invalid

PG_HINT = (
    "is PostgreSQL; back it up with pg_dump (pg_dump -Fc URL > pipe.dump; pg_restore to restore)"
)


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; Invalid for any other database."""
    if not url.startswith("sqlite"):
        shown = url.split("@")[-1]
        raise Invalid("database", shown, PG_HINT)
    path = url.split("///", 1)[1] if "///" in url else ""
    if not path or path == ":memory:":
        raise Invalid("database", url, "is not a file")
    return Path(path)


def backup(url: str, target: str | Path) -> Path:
    """Copy the database at `url` into the file `target` (replaced if it exists)."""
    source = sqlite_path(url)
    if not source.is_file():
        raise Invalid("database", str(source), "does not exist yet; nothing to back up")
    out = Path(target)
    if out.resolve() == source.resolve():
        raise Invalid("output", str(target), "is the database itself")
    _copy(sqlite3.connect(f"file:{source}?mode=ro", uri=True), out)
    return out


def restore(url: str, backup_file: str | Path) -> Path:
    """Replace the database at `url` with the copy in `backup_file` (checked to be pipecli's)."""
    target = sqlite_path(url)
    src = Path(backup_file)
    if not src.is_file():
        raise Invalid("file", str(backup_file), "does not exist")
    conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise Invalid("file", str(backup_file), "is not a pipecli SQLite database") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(conn, target)
    return target


def _copy(source: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()
