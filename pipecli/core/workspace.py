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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType

from sqlalchemy.exc import OperationalError

from pipecli.core.config import Settings, scrub, zone
from pipecli.core.db import Store, open_store
from pipecli.core.errors import DatabaseUnavailable
from pipecli.core.services.context import Ctx


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
        try:
            with self.store.session(write) as session:
                yield Ctx(session=session, settings=self.settings, now=local)
        except OperationalError as exc:
            first = str(exc.orig or exc).strip().splitlines()
            raise DatabaseUnavailable(
                scrub(f"database unavailable: {first[0] if first else exc}", self.settings.db_url)
            ) from exc

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
