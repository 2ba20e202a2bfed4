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
from pipecli.core.errors import EXIT_ERROR, Invalid, PipeError
from pipecli.core.text import printable

PROTECTED_SUFFIXES = ("", "-wal", "-shm", "-journal")


class WriteFailed(PipeError):
    """The output file could not be written (disk full, file system gone read-only...);
    the old file, if any, is left whole."""

    exit_code = EXIT_ERROR


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None (PostgreSQL, in-memory)."""
    from pipecli.core.config import sqlite_file

    return sqlite_file(url)


def protected(settings: Settings) -> list[Path]:
    """Files no output may replace: the database and its companions, and the config file."""
    out: list[Path] = []
    db = sqlite_path(settings.db_url)
    if db is not None:
        out += [Path(str(db) + suffix) for suffix in PROTECTED_SUFFIXES]
    if settings.config_path is not None:
        out.append(settings.config_path)
    return out


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return path.absolute()


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists() and os.path.samefile(a, b):
            return True
    except (OSError, ValueError):
        pass
    return _resolved(a) == _resolved(b)


def check_target(
    path: str | Path, settings: Settings, field: str = "output", mkdir: bool = False
) -> Path:
    """The path to write to, or Invalid (exit 2) naming why it may not be written."""
    shown = printable(str(path))
    if str(path).strip() == "":
        raise Invalid(field, str(path), "is empty: name a file")
    if "\x00" in str(path):
        raise Invalid(field, shown, "must not contain the character U+0000 (NUL)")
    try:
        return _check(Path(path).expanduser(), settings, field, mkdir, shown)
    except OSError as exc:  # a name too long, a loop of links...
        raise Invalid(field, shown, f"cannot be written: {exc.strerror or exc}") from None


def _check(target: Path, settings: Settings, field: str, mkdir: bool, shown: str) -> Path:
    for guarded in protected(settings):
        if _same(target, guarded):
            what = "the configuration file" if guarded == settings.config_path else "the database"
            if guarded.name.endswith(PROTECTED_SUFFIXES[1:]) and guarded != settings.config_path:
                what = f"the database's {guarded.name.rsplit('-', 1)[1].upper()} file"
            raise Invalid(field, shown, f"is {what}; writing there would destroy it")
    if target.is_dir():
        raise Invalid(field, shown, "is a directory; name a file in it")
    if target.exists() and not target.is_file():
        raise Invalid(field, shown, "is not a regular file")
    folder = target.parent
    if not folder.exists():
        if not mkdir:
            raise Invalid(
                field,
                shown,
                f"folder {printable(str(folder))!r} does not exist (--mkdir creates it)",
            )
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise Invalid(field, shown, f"cannot create its folder: {exc.strerror}") from None
    elif not folder.is_dir():
        raise Invalid(field, shown, f"{printable(str(folder))!r} is not a folder")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise Invalid(field, shown, "cannot be written (permission denied or read-only)")
    return target


@contextmanager
def atomic(target: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file object whose content replaces `target` only when the block ends without error:
    written to a temporary file in the same folder, fsynced, renamed over the target.
    An OSError (disk full, read-only file system) becomes WriteFailed; the old file stays."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise Invalid(
            "output", printable(str(target)), f"cannot be written: {exc.strerror}"
        ) from None
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
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise WriteFailed(
                f"{printable(str(target))}: could not be written ({exc.strerror or exc}); "
                "the old file, if any, is unchanged"
            ) from None
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
