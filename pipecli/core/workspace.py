"""The workspace: the one way any front end opens the store and runs a unit of work.

The CLI (one unit per command), the board (one unit per action, run in thread workers) and the
cron digest all go through it, so every front end gets the same migrations check, the same
engine settings for its backend, the same commit-or-roll-back and the same error types:

    with Workspace.open(settings) as ws:
        with ws.unit(now=moment) as ctx:      # a Ctx, as every service takes
            deals.move(ctx, 3, "proposal")
        print(ctx.notices)                     # what the services wanted the user to hear

A unit commits when its block ends and rolls back whole on any exception. Database failures
(a locked file, a server gone away) leave it as `DatabaseUnavailable`, a `PipeError` with its
exit code, so front ends map one family of errors and never catch SQLAlchemy's. A workspace
holds no global state: two workspaces on two databases can live in one process (tests do).

Optimistic concurrency (models.Versioned): a write from a stale read (another process changed
the row since this unit, or the board's earlier unit, read it) raises SQLAlchemy's
`StaleDataError`; the unit rolls back and it leaves here, the one place, as a `Conflict` (exit 4)
naming the record, who changed it and when:

    deal 3 was changed by Ann Lee at 2026-12-03 19:20:05 UTC after it was read; nothing was
    saved: read it again and retry

Each flush notes which versioned rows it is about to write and at which version (and stamps
`updated_by` with the acting user on every changed row that has it); a service that checks a
version a front end read earlier (`common.check_version`) notes it the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pipecli.core.config import Settings, scrub, zone
from pipecli.core.db import Store, open_store
from pipecli.core.errors import Conflict, DatabaseUnavailable
from pipecli.core.models import Versioned, metadata
from pipecli.core.services.common import READ_VERSIONS
from pipecli.core.services.context import Ctx

ACTOR = "pipe_actor"  # session.info key: the acting user's name, for `updated_by`


class Workspace:
    """An opened store and the settings it was opened with. Thread-safe: each unit has its own
    session, and the engine's pool hands each thread its own connection."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    @classmethod
    def open(cls, settings: Settings, now: datetime | None = None) -> Workspace:
        """Open (on first use create and migrate) the database that `settings` names."""
        return cls(open_store(settings.db_url, now), settings)

    @contextmanager
    def unit(self, now: datetime, write: bool = True) -> Iterator[Ctx]:
        """One unit of work at the moment `now` (timezone-aware): yields the services' context,
        commits at the end of the block, rolls back on any error. `write=False` for a unit that
        only reads, or reads long before it writes (the importer; see `db.begin_write`). The
        moment is seen in the user's zone (`[user] timezone`), so "today" is the user's day."""
        local = now.astimezone(zone(self.settings)) if self.settings.timezone else now
        opened: list[Session] = []
        try:
            with self.store.session(write) as session:
                opened.append(session)
                session.info[ACTOR] = self.settings.user_name
                event.listen(session, "before_flush", _before_flush)
                yield Ctx(session=session, settings=self.settings, now=local)
        except StaleDataError as exc:
            noted = opened[0].info.get(READ_VERSIONS, []) if opened else []
            raise Conflict(self._stale_message(noted, exc)) from exc
        except OperationalError as exc:
            first = str(exc.orig or exc).strip().splitlines()
            raise DatabaseUnavailable(
                scrub(f"database unavailable: {first[0] if first else exc}", self.settings.db_url)
            ) from exc

    def _stale_message(self, noted: list[tuple[str, int, int]], exc: StaleDataError) -> str:
        """Which of the rows the unit read is no longer at the version it read, and who changed
        it when: read afresh, after the unit rolled back."""
        with self.store.engine.connect() as conn:
            for table_name, record_id, read in reversed(noted):
                table = metadata.tables[table_name]
                cols = [table.c.version]
                cols += [table.c[n] for n in ("updated_by", "updated_at") if n in table.c]
                row = conn.execute(select(*cols).where(table.c.id == record_id)).first()
                if row is None:
                    return (
                        f"{table_name} {record_id} was deleted after it was read; nothing was saved"
                    )
                if row[0] == read:
                    continue
                by = f" by {row[1]}" if len(row) > 1 and row[1] else ""
                at = f" at {row[2]:%Y-%m-%d %H:%M:%S} UTC" if len(row) > 2 and row[2] else ""
                return (
                    f"{table_name} {record_id} was changed{by}{at} after it was read"
                    " (someone else saved it meanwhile); nothing was saved: read it again and retry"
                )
        first = str(exc).splitlines()[0] if str(exc) else "a record"
        return (
            f"a record was changed by someone else after it was read ({first}); nothing was saved"
        )

    def close(self) -> None:
        """Close every connection; the workspace cannot be used afterwards."""
        self.store.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Note the version each changed versioned row is written from (for the conflict message)
    and stamp `updated_by` with the acting user on changed and new rows that have it."""
    actor = session.info.get(ACTOR)
    noted = session.info.setdefault(READ_VERSIONS, [])
    for obj in session.dirty:
        if isinstance(obj, Versioned) and session.is_modified(obj):
            noted.append((type(obj).__tablename__, getattr(obj, "id", None), obj.version))
            if hasattr(obj, "updated_by"):
                obj.updated_by = actor
    for obj in session.deleted:
        if isinstance(obj, Versioned):
            noted.append((type(obj).__tablename__, getattr(obj, "id", None), obj.version))
    for obj in session.new:
        if hasattr(obj, "updated_by") and obj.updated_by is None:
            obj.updated_by = actor
