"""Engines and sessions: one place that knows SQLite from PostgreSQL.

`open_store(settings)` makes the engine, brings the schema to the current Alembic head (creating the
database on first use) and seeds the default pipeline. Checking the schema costs one small query;
Alembic itself is imported only when an upgrade is due, so everyday commands start fast.
"""

from __future__ import annotations

import re
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


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # set once; it persists
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`: SQLite gets WAL, foreign keys and a busy timeout; its folder is made."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(f"database: cannot create {path}: {exc}") from exc
        engine = _create(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return _create(url, pool_pre_ping=True)


def _create(url: str, **kw: Any) -> Engine:
    """create_engine, with a URL it cannot use reported as the database being unavailable."""
    try:
        return create_engine(url, **kw)
    except (ArgumentError, ImportError, ValueError) as exc:
        shown = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
        raise DatabaseUnavailable(f"database: cannot use {shown}: {exc}") from exc


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

    SQLite: pysqlite runs DDL outside transactions by default, so the connection is switched to
    explicit transactions and BEGIN IMMEDIATE takes the write lock first. PostgreSQL: DDL is
    transactional already; an advisory lock makes a second process wait instead of colliding.
    """
    if conn.dialect.name != "sqlite":
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        yield
        return
    raw: Any = conn.connection.driver_connection
    raw.isolation_level = None
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield
    finally:
        raw.isolation_level = ""


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
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back whole on any error."""
        session: Session = self._factory()
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
    return store
