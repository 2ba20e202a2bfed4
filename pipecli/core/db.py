"""Engines and sessions: one place that knows SQLite from PostgreSQL.

`open_store(settings)` makes the engine, brings the schema to the current Alembic head (creating the
database on first use) and seeds the default pipeline. Checking the schema costs one small query;
Alembic itself is imported only when an upgrade is due, so everyday commands start fast.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, ProgrammingError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from pipecli.core.errors import DatabaseUnavailable
from pipecli.core.migrations import HEAD

BUSY_TIMEOUT_MS = 60_000
"""How long a SQLite writer waits for another's write transaction to end before it gives up: far
longer than the longest one pipecli holds (an import writes its checked rows in one short burst),
so a `pipe add task` during a big import waits its turn instead of failing."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's own transaction handling (BEGIN only before DML) is switched off: the "begin"
    # event below emits BEGIN itself, DEFERRED or IMMEDIATE as the unit of work asks
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # set once; it persists
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN for a SQLite transaction: IMMEDIATE (take the write lock now, waiting up to the
    busy timeout for it) when the connection's `sqlite_begin` option says so, else DEFERRED.
    A unit that reads and then writes must start IMMEDIATE: a deferred one whose snapshot went
    stale while it waited would fail at its first write ("database is locked")."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    raw: Any = conn.connection.driver_connection
    try:
        conn.exec_driver_sql(f"BEGIN {mode}")
    except OperationalError as exc:
        if "readonly" not in str(exc.orig).replace(" ", "").lower():
            raise
        conn.exec_driver_sql("BEGIN")  # a read-only file: reads go on, a write fails as it would
    conn.info["pipe_changes_at_begin"] = raw.total_changes


def make_engine(url: str) -> Engine:
    """An engine for `url`: SQLite gets WAL, foreign keys and a busy timeout; its folder is made.

    A SQLite file is opened by its path exactly as `config.sqlite_file` reads it from the URL
    (never re-parsed as a URI: `#`, `?` and `%` are part of the name)."""
    if url.startswith("sqlite"):
        import sqlite3

        from sqlalchemy.pool import QueuePool, StaticPool

        from pipecli.core.config import sqlite_file

        path = sqlite_file(url)
        if path is None:
            engine = _create("sqlite://", poolclass=StaticPool)
        else:
            try:
                _create_private(path)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"database: cannot create {path}: {exc.strerror or exc}"
                ) from exc
            if path.is_dir():
                raise DatabaseUnavailable(f"database: {path} is a directory, not a database file")
            file = str(path)

            def connect() -> sqlite3.Connection:
                return sqlite3.connect(
                    file, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
                )

            engine = _create("sqlite://", creator=connect, poolclass=QueuePool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return _create(url, pool_pre_ping=True)


def _create_private(path: Path) -> None:
    """Make the folders leading to a new SQLite database 0700 and the file itself 0600: a CRM
    holds other people's names and numbers. SQLite gives its -wal/-shm files the database's own
    mode. An existing folder or file keeps the mode its owner gave it."""
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def begin_write(session: Session) -> None:
    """The unit of work writes from here on: on SQLite, hold the write lock from now to the end.

    A unit opened for reading (`Workspace.unit(write=False)`, as the importer's checking pass
    is) that has written nothing yet ends its read transaction and starts an IMMEDIATE one, so
    that its first write cannot fail on a snapshot another writer made stale. Anything else:
    no-op (PostgreSQL's MVCC needs nothing; a unit that already wrote holds the lock)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
        return
    session.flush()
    raw: Any = conn.connection.driver_connection
    if raw.total_changes != conn.info.get("pipe_changes_at_begin"):
        return
    session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _create(url: str, **kw: Any) -> Engine:
    """create_engine, with a URL it cannot use reported as the database being unavailable."""
    from pipecli.core.config import redact, scrub

    try:
        return create_engine(url, **kw)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise DatabaseUnavailable(
            f"database: cannot use {redact(url)}: {scrub(str(exc), url)}"
        ) from exc


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError) as exc:
        if _is_connect_error(exc):
            raise DatabaseUnavailable(f"database unavailable: {_first_line(exc)}") from exc
        return None


def _is_connect_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    markers = (
        "unable to open",
        "connection",
        "could not connect",
        "authentication",
        "does not exist",
    )
    return "alembic_version" not in msg and any(m in msg for m in markers)


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def upgrade(engine: Engine, revision: str = "head", now: datetime | None = None) -> None:
    """Run Alembic migrations up to `revision` (imports Alembic: only when due) and, in the same
    transaction, seed the default pipeline if there is none: a new database appears whole."""
    from alembic import command

    from pipecli.core.migrations import alembic_config
    from pipecli.core.services.pipelines import seed_default

    with engine.connect() as conn, _migration_lock(conn):
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if revision in ("head", HEAD):
            with Session(bind=conn) as session:
                seed_default(session, now or datetime.now(UTC))
                session.flush()
        conn.commit()


MIGRATION_LOCK = 7_166_220_431  # any constant: the PostgreSQL advisory lock pipecli migrates under


@contextmanager
def _migration_lock(conn: Connection) -> Iterator[None]:
    """Make a migration one atomic transaction that other processes wait for.

    SQLite: the connection begins IMMEDIATE (see `_sqlite_begin`: pipecli emits BEGIN itself,
    so DDL is transactional too) and takes the write lock first. PostgreSQL: DDL is
    transactional already; an advisory lock makes a second process wait instead of colliding.
    """
    if conn.dialect.name == "sqlite":
        conn.execution_options(sqlite_begin="IMMEDIATE")
        conn.exec_driver_sql("SELECT 1")  # begins the transaction, IMMEDIATE
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    yield


def ensure_schema(engine: Engine, now: datetime | None = None) -> bool:
    """Bring the schema to head; True when it was created or upgraded now.

    Two processes may find a new database empty at once: one migrates, the other's attempt
    fails (the tables exist by then), and it goes on when it sees the schema at head.
    """
    if current_revision(engine) == HEAD:
        return False
    try:
        upgrade(engine, now=now)
    except DatabaseError as exc:
        if current_revision(engine) == HEAD:
            return False
        raise DatabaseUnavailable(f"database unavailable: {_first_line(exc)}") from exc
    return True


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()


@dataclass
class Store:
    """An opened database: the engine and a factory of sessions that commit or roll back as one."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, class_=Session, expire_on_commit=False)

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back whole on any error.
        `write` (SQLite): the unit takes the write lock when it begins (BEGIN IMMEDIATE), so
        its writes cannot fail on a stale snapshot; a read-only unit (or the importer's
        checking pass, see `begin_write`) passes False."""
        options = {"sqlite_begin": "IMMEDIATE"} if write else {}
        session: Session = self._factory(execution_options=options)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, now: datetime | None = None) -> Store:
    """Open (and on first use create) the database at `url`, with the default pipeline seeded."""
    engine = make_engine(url)
    try:
        ensure_schema(engine, now)
        store = Store(engine, url)
    except DatabaseError as exc:  # includes OperationalError; e.g. "file is not a database"
        engine.dispose()
        raise DatabaseUnavailable(f"database unavailable: {_first_line(exc)}") from exc
    except DatabaseUnavailable as exc:
        engine.dispose()
        from pipecli.core.config import scrub

        raise DatabaseUnavailable(scrub(str(exc), url)) from exc.__cause__
    return store
