"""Migrations are the schema: HEAD matches Alembic, and the migrated database matches the models."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine


def test_head_constant_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from pipecli.core.migrations import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_migrated_schema_matches_models(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from pipecli.core.models import metadata

    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_first_use_creates_and_seeds(tmp_path: Path) -> None:
    from pipecli.core.db import current_revision, make_engine, open_store
    from pipecli.core.migrations import HEAD

    path = tmp_path / "deep" / "dir" / "pipe.db"
    store = open_store(f"sqlite:///{path}")
    store.dispose()
    assert path.exists()
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        stages = conn.exec_driver_sql("SELECT name FROM stage ORDER BY position").scalars().all()
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        fks = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    engine.dispose()
    assert stages == ["Prospecting", "Qualification", "Proposal", "Negotiation", "Won", "Lost"]
    assert mode == "wal" and fks == 1


def test_second_open_does_not_seed_again(tmp_path: Path) -> None:
    from pipecli.core.db import open_store

    url = f"sqlite:///{tmp_path / 'pipe.db'}"
    open_store(url).dispose()
    store = open_store(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM pipeline").scalar() == 1
    store.dispose()


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    from alembic import command

    from pipecli.core.db import current_revision, make_engine, upgrade
    from pipecli.core.migrations import HEAD, alembic_config

    engine = make_engine(db_url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_upgrade_from_first_schema_keeps_data(tmp_path: Path) -> None:
    from sqlmodel import Session, select

    from pipecli.core.db import make_engine, upgrade
    from pipecli.core.models import Lead

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO lead (uuid, name, status, currency, created_at, updated_at) "
            "VALUES ('u-1', 'Li Wei', 'new', 'CNY', '2026-01-02 03:04:05', '2026-01-02 03:04:05')"
        )
    upgrade(engine)
    with Session(engine) as session:
        lead = session.exec(select(Lead)).one()
    engine.dispose()
    assert (lead.name, lead.currency, lead.external_id) == ("Li Wei", "CNY", None)
