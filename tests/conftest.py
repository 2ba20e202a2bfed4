"""Shared fixtures: one test suite, run on SQLite always and on PostgreSQL when configured.

- `db_url` is parametrised over backends. SQLite: a fresh file per test, copied from a template
  migrated once. PostgreSQL (PIPE_TEST_POSTGRES_URL): a schema of this run's own, created and
  migrated once per worker, emptied between tests and dropped at the end. Under CI=true an
  unreachable server fails the run instead of skipping.
- Every test runs with PIPE_DB, PIPE_CONFIG, PIPE_USER and PIPE_NOW pointing at throwaway values:
  no test touches a user's real data, and "now" is fixed at NOW.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest

if TYPE_CHECKING:
    from pipecli.core.db import Store
    from pipecli.core.services.context import Ctx

NOW = datetime.fromisoformat("2026-11-23T10:00:00+00:00")  # a Monday
PG_ENV = "PIPE_TEST_POSTGRES_URL"

# The types of the shared fixtures, for the tests' parameters.
MakeCtx = Callable[..., AbstractContextManager["Ctx", None]]
Snapshot = Callable[[], dict[str, list[tuple[Any, ...]]]]
T = TypeVar("T")


def not_none(value: T | None) -> T:
    """`value`, which the test expects to be set (a nullable column, an optional result)."""
    assert value is not None
    return value


def _backends() -> list[Any]:
    return ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipecli.core.db import open_store

    path = tmp_path_factory.mktemp("template") / "template.db"
    store = open_store(f"sqlite:///{path}", NOW)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} must be set when CI=true")
        pytest.skip(f"{PG_ENV} not set")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from pipecli.core.config import normalize_db_url
    from pipecli.core.db import open_store

    url = make_url(normalize_db_url(base))
    schema = f"pipe_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {url.render_as_string()} unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    test_url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = test_url.render_as_string(hide_password=False)
    open_store(rendered, NOW).dispose()
    try:
        yield rendered
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _reset_postgres(url: str) -> None:
    """Empty every table and restart ids, then seed again: each test starts from first use."""
    from sqlalchemy import create_engine

    from pipecli.core.models import metadata
    from pipecli.core.services.pipelines import seed_default

    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.tables.values())
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    from sqlmodel import Session

    with Session(engine) as session:
        seed_default(session, NOW)
        session.commit()
    engine.dispose()


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "pipe.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_schema_url")
    _reset_postgres(url)
    return url


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIPE_DB", str(tmp_path / "not-used.db"))
    monkeypatch.setenv("PIPE_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("PIPE_USER", "Ann")
    monkeypatch.setenv("PIPE_NOW", NOW.isoformat())
    monkeypatch.delenv("PIPE_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    from pipecli.core.db import open_store

    st = open_store(db_url, NOW)
    yield st
    st.dispose()


@pytest.fixture
def make_ctx(store: Store) -> Iterator[MakeCtx]:
    """`with make_ctx() as ctx:` — one committed unit of work at NOW (or `now=`)."""
    from contextlib import contextmanager

    from pipecli.core.config import load_settings
    from pipecli.core.services.context import Ctx

    @contextmanager
    def factory(now: datetime = NOW, **settings: Any) -> Iterator[Ctx]:
        from dataclasses import replace

        base = replace(load_settings(store.url), **settings)
        with store.session() as session:
            yield Ctx(session=session, settings=base, now=now)

    # a unit never swallows an error (store.session re-raises): `None` lets mypy see that
    yield cast(MakeCtx, factory)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


Pipe = Callable[..., Run]


_APP: list[Any] = []


def _click_app() -> Any:
    """The whole CLI, converted to a Click command once per session (Typer's public
    `typer.main.get_command`): the conversion is most of an in-process run, and the result does
    not change between tests. Click's own CliRunner runs a Click command as it is."""
    import typer.main

    from pipecli.cli import build_app

    if not _APP:
        _APP.append(typer.main.get_command(build_app()))
    return _APP[0]


@pytest.fixture
def pipe(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Pipe:
    """Run the CLI in-process against the test database: pipe("add", "lead", "Li Wei")."""
    from typer.testing import CliRunner

    monkeypatch.setenv("PIPE_DB", db_url)
    runner = CliRunner()
    command = _click_app()

    def run(*args: str, now: str | None = None, env: dict[str, str] | None = None) -> Run:
        extra = dict(env or {})
        if now:
            extra["PIPE_NOW"] = now
        return invoke(runner, command, list(args), extra)

    return run


def invoke(runner: Any, command: Any, args: list[str], env: dict[str, str]) -> Run:
    """Run a prepared Click command as CliRunner.invoke would, through the runner's public
    isolation (stdin, stdout, stderr and environment swapped for the call)."""
    with runner.isolation(env=env) as (out, err, _):
        code: Any = 0
        try:
            command.main(args=args, prog_name="pipe")
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    if not isinstance(code, int):
        stdout, code = stdout + f"{code}\n".encode(), 1
    return Run(code, stdout.decode().replace("\r\n", "\n"), stderr.decode().replace("\r\n", "\n"))


@pytest.fixture
def snapshot(db_url: str) -> Snapshot:
    """Every row of every table, to show that a refused command changed nothing."""
    from sqlalchemy import create_engine, select

    from pipecli.core.models import metadata

    def take() -> dict[str, list[tuple[Any, ...]]]:
        engine = create_engine(db_url)
        out = {}
        with engine.connect() as conn:
            for table in metadata.tables.values():
                rows = conn.execute(select(table)).all()
                out[table.name] = sorted((tuple(r) for r in rows), key=repr)
        engine.dispose()
        return out

    return take
