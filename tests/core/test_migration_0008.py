"""Migration 0008 (row versions, `updated_by`) upgrades a database with data on SQLite and
PostgreSQL: every row stays, at version 1 with nobody named as its last writer; downgrading drops
the new columns only."""

from __future__ import annotations

from sqlalchemy import inspect

from tests.core.test_migration_0006 import _to


def test_upgrade_from_0007_starts_every_row_at_version_1(db_url: str) -> None:
    from pipecli.core.db import make_engine

    _to(db_url, "0007", down=True)
    engine = make_engine(db_url)
    assert "version" not in {c["name"] for c in inspect(engine).get_columns("deal")}
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO account (uuid, name, created_at, updated_at) "
            "VALUES ('a-1', 'Acme', '2026-11-01 09:00:00', '2026-11-02 09:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO deal (uuid, title, pipeline_id, stage_id, account_id, amount_minor,"
            " currency, probability, probability_manual, stage_entered_at, created_at,"
            " updated_at) SELECT 'd-1', 'Acme renewal', 1, 1, id, 120000, 'USD', 10, false,"
            " '2026-11-01 09:00:00', '2026-11-01 09:00:00', '2026-11-02 09:00:00'"
            " FROM account WHERE uuid = 'a-1'"
        )
    _to(db_url, "head", down=False)
    with engine.connect() as conn:
        deal = conn.exec_driver_sql(
            "SELECT title, amount_minor, version, updated_by FROM deal WHERE uuid = 'd-1'"
        ).all()
        stages = conn.exec_driver_sql("SELECT DISTINCT version FROM stage").all()
        account = conn.exec_driver_sql("SELECT name, version FROM account").all()
    assert [tuple(r) for r in deal] == [("Acme renewal", 120000, 1, None)]
    assert [tuple(r) for r in stages] == [(1,)]
    assert [tuple(r) for r in account] == [("Acme", 1)]
    _to(db_url, "0007", down=True)
    for table in ("deal", "stage", "user", "quoteline", "followup"):
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        assert "version" not in columns and "updated_by" not in columns
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT title, amount_minor FROM deal").all()
    assert [tuple(r) for r in rows] == [("Acme renewal", 120000)]
    engine.dispose()
    _to(db_url, "head", down=False)
