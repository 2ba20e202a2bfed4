"""Alembic migrations: the only way pipecli's schema changes.

`HEAD` names the newest revision so that a run can tell, with one query and without importing
Alembic, whether the database is current (tests/core/test_migrations.py checks it matches Alembic).
To add a migration: change models.py, then
`alembic -c pipecli/core/migrations/alembic.ini revision --autogenerate -m "..."` with `PIPE_DB`
pointing at a database at the previous head; review the file; update HEAD.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0008"
HERE = Path(__file__).resolve().parent


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg
