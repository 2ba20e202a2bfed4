"""The one way pipecli writes a file a user named (`export -o`, `--svg`, `--html`, `backup -o`,
quote documents, and any later option): it never lands on the user's data.

`check_target(path, settings)` refuses, before any work is done, a target that is the live SQLite
database or one of its `-wal`/`-shm`/`-journal` files, the config file, or a directory, and a
missing folder unless `mkdir` is asked for. `write_bytes`/`open_text`/`atomic` then write to a
temporary file in the same folder, fsync it and rename it over the target, so an export that fails
or is killed half-way leaves the old file whole and never a torn one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pipecli.core.config import Settings
from pipecli.core.errors import Invalid

PROTECTED_SUFFIXES = ("", "-wal", "-shm", "-journal")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None (PostgreSQL, in-memory)."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def protected(settings: Settings) -> list[Path]:
    """Files no output may replace: the database and its companions, and the config file."""
    out: list[Path] = []
    db = sqlite_path(settings.db_url)
    if db is not None:
        out += [Path(str(db) + suffix) for suffix in PROTECTED_SUFFIXES]
    if settings.config_path is not None:
        out.append(settings.config_path)
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_target(
    path: str | Path, settings: Settings, field: str = "output", mkdir: bool = False
) -> Path:
    """The path to write to, or Invalid (exit 2) naming why it may not be written."""
    target = Path(path).expanduser()
    if str(path).strip() == "":
        raise Invalid(field, str(path), "is empty: name a file")
    for guarded in protected(settings):
        if _same(target, guarded):
            what = "the configuration file" if guarded == settings.config_path else "the database"
            raise Invalid(field, str(path), f"is {what}; writing there would destroy it")
    if target.is_dir():
        raise Invalid(field, str(path), "is a directory; name a file in it")
    folder = target.parent
    if not folder.exists():
        if not mkdir:
            raise Invalid(field, str(path), f"folder {str(folder)!r} does not exist (--mkdir)")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Invalid(field, str(path), f"cannot create folder: {exc.strerror}") from None
    elif not folder.is_dir():
        raise Invalid(field, str(path), f"{str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise Invalid(field, str(path), "cannot be written (permission denied)")
    return target


@contextmanager
def atomic(target: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file object whose content replaces `target` only when the block ends without error:
    written to a temporary file in the same folder, fsynced, renamed over the target."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        fh: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def write_bytes(target: Path, data: bytes) -> None:
    with atomic(target, binary=True) as fh:
        fh.write(data)


def write_text(target: Path, text: str) -> None:
    with atomic(target) as fh:
        fh.write(text)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
