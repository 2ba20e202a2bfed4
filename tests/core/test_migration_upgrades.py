"""Every earlier schema upgrades to head with its data intact, on SQLite and PostgreSQL.

For each revision before head: the database is taken down to that revision, every table it has
gets a row with a value in every column (read from the schema as it stood then, so a table added
later is covered without a change here), and the database is upgraded to head. Each row must come
back with the same value in every column it had, and no row may be lost. Then the database goes
down to that revision again: a downgrade must either keep the rows of the tables it keeps or
refuse as a whole (PostgreSQL and SQLite run Alembic's steps in one transaction here).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from pipecli.core.migrations import HEAD


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    from pipecli.core.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return sorted(rev.revision for rev in script.walk_revisions() if rev.revision != HEAD)


def _to(engine: sa.Engine, revision: str, down: bool) -> None:
    from alembic import command

    from pipecli.core.migrations import alembic_config

    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _value(table: sa.Table, column: sa.Column[Any], parents: dict[str, dict[str, Any]]) -> Any:
    """A value for `column` that its type and length allow, recognisable when read back."""
    for fk in column.foreign_keys:  # a table later in the order (a cycle) is linked after
        parent = parents.get(fk.column.table.name)
        return None if parent is None else parent[fk.column.name]
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 7
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal("12.5")
    if isinstance(kind, sa.Float):
        return 1.5
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 11, 2, 9, 30, 15)
    if isinstance(kind, sa.Date):
        return date(2026, 11, 2)
    if isinstance(kind, sa.Time):
        return time(14, 30)
    if isinstance(kind, sa.String):
        text = f"{table.name}-{column.name}"
        return text[-kind.length :] if kind.length else text
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def _ordered(tables: list[sa.Table]) -> list[sa.Table]:
    """Parents before children by the links that must be set (NOT NULL foreign keys); optional
    links may point forward (deal and lead refer to each other) and are set after."""
    needs = {
        t.name: {fk.column.table.name for c in t.columns if not c.nullable for fk in c.foreign_keys}
        - {t.name}
        for t in tables
    }
    done: list[sa.Table] = []
    while len(done) < len(tables):
        ready = [t for t in tables if t not in done and needs[t.name] <= {d.name for d in done}]
        assert ready, f"a cycle of required links among {sorted(needs)}"
        done.extend(sorted(ready, key=lambda t: t.name))
    return done


Key = dict[str, Any]


def _fill(engine: sa.Engine) -> dict[str, tuple[Key, dict[str, Any]]]:
    """A row in every table, every column set; per table: the row's key and its values."""
    meta = sa.MetaData()
    meta.reflect(engine)
    tables = _ordered([t for t in meta.tables.values() if t.name != "alembic_version"])
    rows: dict[str, tuple[Key, dict[str, Any]]] = {}
    with engine.begin() as conn:
        for table in tables:
            parents = {name: {**key, **values} for name, (key, values) in rows.items()}
            pk = list(table.primary_key.columns)
            auto = pk if len(pk) == 1 and isinstance(pk[0].type, sa.Integer) else []
            values = {c.name: _value(table, c, parents) for c in table.columns if c not in auto}
            inserted = conn.execute(sa.insert(table).values(values)).inserted_primary_key
            assert inserted is not None
            key = dict(zip([c.name for c in table.primary_key.columns], inserted, strict=True))
            rows[table.name] = (key, {k: v for k, v in values.items() if k not in key})
        for table in tables:  # links to tables inserted later (deal <-> lead), self-links
            key, values = rows[table.name]
            late = {
                c.name: {**rows[fk.column.table.name][0], **rows[fk.column.table.name][1]}[
                    fk.column.name
                ]
                for c in table.columns
                for fk in c.foreign_keys
                if c.name in values and values[c.name] is None
            }
            if late:
                where = [table.c[k] == v for k, v in key.items()]
                conn.execute(sa.update(table).where(*where).values(late))
                values.update(late)
    return rows


def _read(engine: sa.Engine, name: str, key: Key) -> dict[str, Any] | None:
    table = sa.Table(name, sa.MetaData(), autoload_with=engine)
    where = [table.c[k] == v for k, v in key.items()]
    with engine.connect() as conn:
        found = conn.execute(sa.select(table).where(*where)).mappings().first()
    return dict(found) if found is not None else None


def _counts(engine: sa.Engine) -> dict[str, int]:
    names = [n for n in sa.inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        return {
            n: int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(n))).scalar_one())
            for n in names
        }


@pytest.mark.parametrize("revision", _revisions())
def test_a_filled_database_at_an_earlier_revision_upgrades_with_every_row_intact(
    db_url: str, revision: str
) -> None:
    from pipecli.core.db import current_revision, make_engine

    engine = make_engine(db_url)
    try:
        _to(engine, "base", down=True)
        _to(engine, revision, down=False)
        filled = _fill(engine)
        before = _counts(engine)
        _to(engine, "head", down=False)
        assert current_revision(engine) == HEAD
        after = _counts(engine)
        for name, (key, values) in filled.items():
            assert after[name] == before[name], f"{name}: rows lost or added by the upgrade"
            got = _read(engine, name, key)
            assert got is not None, f"{name} row {key} is gone after the upgrade"
            changed = {k: (v, got[k]) for k, v in values.items() if got[k] != v}
            assert not changed, f"{name}: values changed by the upgrade: {changed}"
        # and down again: the tables that stay keep their row
        _to(engine, revision, down=True)
        assert current_revision(engine) == revision
        for name, (key, values) in filled.items():
            got = _read(engine, name, key)
            assert got is not None, f"{name} row {key} is gone after the downgrade"
            assert {k: got[k] for k in values} == values, name
    finally:
        _to(engine, "head", down=False)
        engine.dispose()
