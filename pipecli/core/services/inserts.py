"""Many rows into one table at once: SQLAlchemy Core `insert()` run as the driver's executemany,
inside the caller's unit of work.

The fast path every batched writer shares: the deal writer (services.bulk), the demo, the
importer, and a stage's new probability followed by its deals (services.pipelines). It knows
tables and columns only, no rule of any kind, so it imports nothing from the services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from pipecli.core.services.context import Ctx


def executemany(ctx: Ctx, table: Any, rows: list[dict[str, Any]]) -> None:
    """`insert(table)` for many rows (all with the same keys), run as the driver's executemany.

    SQLAlchemy's generic per-row parameter handling costs more than the insert itself at this
    volume, so the Core statement is compiled once and each row goes through only the bind
    processors its columns need (UTC times, dates, booleans), in the dialect's parameter style.
    """
    if not rows:
        return
    conn = ctx.session.connection()
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    procs = {
        k: p
        for k in keys
        if (p := table.c[k].type._cached_bind_processor(conn.dialect)) is not None
    }
    order = compiled.positiontup
    if order is not None:  # positional (SQLite's qmark)
        params: list[Any] = [
            tuple(procs[k](v) if (v := r[k]) is not None and k in procs else v for k in order)
            for r in rows
        ]
    else:  # named (psycopg's pyformat)
        params = [
            {k: procs[k](v) if v is not None and k in procs else v for k, v in r.items()}
            for r in rows
        ]
    conn.exec_driver_sql(compiled.string, params)


def insert_returning_ids(ctx: Ctx, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` (each with a fresh `uuid`) by executemany; their new ids, in order.

    The ids are read back by UUID in one query: executemany without RETURNING is the drivers'
    fast path on both backends (with RETURNING, SQLite's falls back to a statement per row).
    """
    if not rows:
        return []
    conn = ctx.session.connection()
    executemany(ctx, table, rows)
    uuids = [r["uuid"] for r in rows]
    query = select(table.c.uuid, table.c.id).where(table.c.uuid.in_(uuids))
    ids = {str(u): int(i) for u, i in conn.execute(query)}
    return [int(ids[u]) for u in uuids]
