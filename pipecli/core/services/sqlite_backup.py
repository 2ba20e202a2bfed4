"""`pipe backup` / `pipe restore` for SQLite: a consistent copy, checked before it is trusted.

Copying the file with `cp` while pipecli (or cron) writes can catch it half-written, and misses
what is still in the WAL file; `sqlite3.Connection.backup` copies a consistent snapshot page by
page and takes the WAL into account. Neither command says it succeeded on faith:

- backup copies into a temporary file beside the target, runs `PRAGMA integrity_check` on the copy
  and compares its row count per table with the source's (counted in the snapshot that was
  copied); only then is the copy renamed over the target. Any difference is an error.
- restore checks the backup the same way before it touches anything, first saves the database
  it replaces as a backup would (`beside`: `<db name>-<time>.db` beside it, itself a checked
  copy), copies the backup in and checks the result against the backup's counts.
- `beside(db, now)` names a backup made without `-o`: `pipe-20261203T184512.db` for `pipe.db`,
  in the database's folder; a name already taken gets `-2`, `-3`... so no backup is replaced.

Files are opened by their exact path: read-only opens go through a percent-encoded `file:` URI, so
`#`, `?`, `%`, spaces and non-ASCII in a path name that file and no other. PostgreSQL has its own
tools (pg_dump, pg_restore), so both commands refuse there and say so.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from pipecli.core.config import redact, sqlite_file
from pipecli.core.errors import Invalid, PipeError
from pipecli.core.text import printable

PG_HINT = (
    "is PostgreSQL; back it up with pg_dump (pg_dump -Fc URL > pipe.dump; pg_restore to restore)"
)


class CopyFailed(PipeError):
    """A copy did not come out identical to its source: nothing was replaced (exit 1)."""


@dataclass(frozen=True)
class Copied:
    """What a checked copy holds: rows per table (the same in the source and the copy)."""

    path: Path
    counts: dict[str, int]
    kept: Path | None = None  # restore: where the replaced database was kept

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; Invalid for any other database."""
    if not url.startswith("sqlite"):
        raise Invalid("database", redact(url), PG_HINT)
    path = sqlite_file(url)
    if path is None:
        raise Invalid("database", url, "is not a file")
    return path


def beside(db: Path, now: datetime) -> Path:
    """A free file name for a copy of `db` made at `now`, in its folder: `<stem>-<time><suffix>`
    (`pipe-20261203T184512.db`), then `-2`, `-3`... when that is taken."""
    stem, suffix = db.stem, db.suffix or ".db"
    base = f"{stem}-{now:%Y%m%dT%H%M%S}"
    for n in range(1, 1000):
        path = db.with_name(f"{base}{suffix}" if n == 1 else f"{base}-{n}{suffix}")
        if not path.exists() and not path.is_symlink():
            return path
    raise Invalid("output", _shown(db.parent), "holds too many backups made this second")


def _shown(path: Path | str) -> str:
    return printable(str(path))


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to exactly the file at `path` (a percent-encoded file: URI)."""
    return sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (SQLite's own tables left out)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def check(conn: sqlite3.Connection, what: str) -> dict[str, int]:
    """integrity_check and pipecli's schema marker; the row counts. CopyFailed otherwise."""
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise CopyFailed(f"{what}: integrity check failed: {'; '.join(result[:3])}")
        conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return counts(conn)
    except sqlite3.DatabaseError as exc:
        raise CopyFailed(f"{what}: is not a readable pipecli database ({exc})") from None


def _compare(expected: dict[str, int], got: dict[str, int], what: str) -> None:
    if expected != got:
        diff = [
            f"{t}: {expected.get(t, 0)} vs {got.get(t, 0)}"
            for t in sorted(set(expected) | set(got))
            if expected.get(t) != got.get(t)
        ]
        raise CopyFailed(f"{what}: row counts differ from the source ({', '.join(diff[:5])})")


def _copy_checked(source: sqlite3.Connection, target: Path, what: str) -> dict[str, int]:
    """Copy `source` into a temporary file beside `target`, check it (integrity, row counts
    per table equal to the source's in the copied snapshot), make it a single self-contained
    file, fsync, and rename it over `target`. The counts; CopyFailed and nothing replaced
    otherwise."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        source.execute("BEGIN")  # one read snapshot: counted, then copied
        expected = counts(source)
        dest = sqlite3.connect(tmp_name)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm beside the copy
            got = check(dest, what)
        finally:
            dest.close()
        source.execute("COMMIT")
        _compare(expected, got, what)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return got
    except sqlite3.DatabaseError as exc:
        raise CopyFailed(f"{what}: copy failed ({exc})") from None
    except OSError as exc:
        raise CopyFailed(f"{what}: cannot write {_shown(target)} ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def backup(url: str, target: Path) -> Copied:
    """Copy the database at `url` into `target` (already checked by `outfiles.check_target`),
    replacing it only once the copy is checked."""
    source = sqlite_path(url)
    if not source.is_file():
        raise Invalid("database", _shown(source), "does not exist yet; nothing to back up")
    if target.absolute() == source.absolute():
        raise Invalid("output", _shown(target), "is the database itself")
    conn = read_only(source)
    try:
        return Copied(target, _copy_checked(conn, target, f"backup {_shown(target)}"))
    finally:
        conn.close()


def restore(url: str, backup_file: str | Path, now: datetime) -> Copied:
    """Replace the database at `url` with the copy in `backup_file`: the backup is checked
    first, the database it replaces is saved first (checked too) as `beside(db, now)`."""
    target = sqlite_path(url)
    src = Path(backup_file).expanduser()
    shown = _shown(backup_file)
    try:
        if not src.is_file():
            raise Invalid("file", shown, "does not exist" if not src.exists() else "is not a file")
    except OSError as exc:
        raise Invalid("file", shown, f"cannot be read ({exc.strerror})") from None
    if target.exists() and os.path.samefile(src, target):
        raise Invalid("file", shown, "is the database itself")
    conn = read_only(src)
    try:
        try:
            expected = check(conn, f"file {shown}")
        except CopyFailed as err:
            raise Invalid("file", shown, "is not a pipecli SQLite database") from err
        kept = None
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            kept = beside(target, now)
            live = read_only(target)
            try:
                _copy_checked(live, kept, f"copy of the replaced database {_shown(kept)}")
            finally:
                live.close()
        dest = sqlite3.connect(str(target), timeout=60)
        try:
            conn.execute("BEGIN")
            conn.backup(dest)
            conn.execute("COMMIT")
            got = check(dest, f"restored database {_shown(target)}")
        except sqlite3.DatabaseError as exc:
            raise CopyFailed(f"restore into {_shown(target)} failed ({exc})") from None
        finally:
            dest.close()
        where = f"; the replaced database is kept as {_shown(kept)}" if kept else ""
        _compare(expected, got, f"restored database {_shown(target)}{where}")
        return Copied(target, got, kept)
    finally:
        conn.close()
