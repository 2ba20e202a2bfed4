"""Migration 0007 (user roles and removal) upgrades a database whose users own records, on SQLite
and PostgreSQL: every user stays, with the role `rep`; downgrading drops the two columns only."""

from __future__ import annotations

from sqlalchemy import inspect

from tests.core.test_migration_0006 import _to


def test_upgrade_from_0006_keeps_users_as_reps(db_url: str) -> None:
    from pipecli.core.db import make_engine

    _to(db_url, "0006", down=True)
    engine = make_engine(db_url)
    assert "role" not in {c["name"] for c in inspect(engine).get_columns("user")}
    with engine.begin() as conn:
        conn.exec_driver_sql(
            'INSERT INTO "user" (uuid, name, email, created_at) '
            "VALUES ('u-1', 'Wang Fang', 'wang@example.com', '2026-11-01 09:00:00')"
        )
    _to(db_url, "head", down=False)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, email, role, removed_at FROM \"user\" WHERE uuid = 'u-1'"
        ).all()
    assert [tuple(r) for r in rows] == [("Wang Fang", "wang@example.com", "rep", None)]
    _to(db_url, "0006", down=True)
    columns = {c["name"] for c in inspect(engine).get_columns("user")}
    assert "role" not in columns and "removed_at" not in columns
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM \"user\" WHERE uuid = 'u-1'").all() == [
            ("Wang Fang",)
        ]
    engine.dispose()
    _to(db_url, "head", down=False)
