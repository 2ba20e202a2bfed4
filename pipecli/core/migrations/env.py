"""Alembic environment: runs on the connection pipecli hands over, or on PIPE_DB from the CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pipecli.core import models

target_metadata = models.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from pipecli.core.config import load_settings
    from pipecli.core.db import make_engine

    engine = make_engine(load_settings().db_url)
    with engine.begin() as conn:
        _run(conn)


run()
