"""Migration 0006 (follow-up cadences, digest ledger, digest indexes) upgrades a database that
holds data, on SQLite and PostgreSQL, and downgrades again."""

from __future__ import annotations

from sqlalchemy import inspect


def _to(db_url: str, revision: str, down: bool) -> None:
    from alembic import command

    from pipecli.core.db import make_engine
    from pipecli.core.migrations import alembic_config

    engine = make_engine(db_url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


def test_upgrade_from_0004_keeps_tasks_and_adds_tables_and_indexes(db_url: str) -> None:
    from pipecli.core.db import current_revision, make_engine
    from pipecli.core.migrations import HEAD

    _to(db_url, "0004", down=True)
    engine = make_engine(db_url)
    assert "followup" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO task (uuid, title, kind, priority, due_date, created_at, updated_at) "
            "VALUES ('t-1', 'Call Li', 'call', 'high', '2026-11-20', "
            "'2026-11-01 09:00:00', '2026-11-01 09:00:00')"
        )
    _to(db_url, "head", down=False)
    assert current_revision(engine) == HEAD
    found = inspect(engine)
    assert {"followup", "digestdelivery"} <= set(found.get_table_names())
    assert {"ix_task_open_due", "ix_task_owner_open_due"} <= {
        i["name"] for i in found.get_indexes("task")
    }
    assert {"ix_deal_stage_close", "ix_deal_stage_entered"} <= {
        i["name"] for i in found.get_indexes("deal")
    }
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT title, priority FROM task").all() == [
            ("Call Li", "high")
        ]
    engine.dispose()
    _to(db_url, "0004", down=True)
    _to(db_url, "head", down=False)
