"""Writers are not starved: `pipe add task` started while a big import runs succeeds (it waits
for the import's short write transaction instead of failing with "database is locked"), and the
import stays all-or-nothing. bench/bench_import_lock.py runs the same at 100,000 rows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROWS = 6000


def test_add_task_during_an_import_succeeds(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from bench_import import generate

    db, csv_path = tmp_path / "pipe.db", tmp_path / "deals.csv"
    generate(csv_path, ROWS)
    env = {**os.environ, "PIPE_DB": str(db)}
    run = [sys.executable, "-m", "pipecli"]
    subprocess.run([*run, "add", "task", "first"], env=env, check=True, capture_output=True)
    imp = subprocess.Popen([*run, "import", "deals", str(csv_path), "--create-owner"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    adds: list[tuple[bool, int, str]] = []
    deadline = time.monotonic() + 300  # a hung import fails the test instead of hanging it
    while (imp.poll() is None or not adds) and time.monotonic() < deadline:
        started_during = imp.poll() is None
        r = subprocess.run([*run, "add", "task", f"during {len(adds)}"], env=env,
                           capture_output=True, text=True)  # fmt: skip
        adds.append((started_during, r.returncode, r.stderr))
        time.sleep(0.05)
    _out, err = imp.communicate(timeout=60)
    assert imp.returncode == 0, err
    assert any(during for during, _, _ in adds), "no add task ran while the import did"
    assert [(code, e) for _, code, e in adds if code != 0] == []
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM deal").fetchone()[0] == ROWS
    assert conn.execute("SELECT count(*) FROM task").fetchone()[0] == 1 + len(adds)
    conn.close()


def test_a_refused_import_keeps_nothing_while_others_write(tmp_path: Path) -> None:
    """All or nothing still: a bad last row refuses the whole file, the tasks added meanwhile
    stay."""
    db, csv_path = tmp_path / "pipe.db", tmp_path / "deals.csv"
    rows = "\n".join(f"Deal {i},{i}" for i in range(3000))
    csv_path.write_text(f"title,amount\n{rows}\nBad,\u001b[2J\n", encoding="utf-8")
    env = {**os.environ, "PIPE_DB": str(db)}
    run = [sys.executable, "-m", "pipecli"]
    imp = subprocess.Popen([*run, "import", "deals", str(csv_path), "--create-owner"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    r = subprocess.run([*run, "add", "task", "meanwhile"], env=env, capture_output=True, text=True)
    _, err = imp.communicate()
    assert r.returncode == 0, r.stderr
    assert imp.returncode == 2 and "line 3002" in err
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM deal").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM task").fetchone()[0] == 1


def test_a_refused_import_stuck_on_its_stderr_holds_no_lock(tmp_path: Path) -> None:
    """A refused file's thousands of error lines go to a stderr nobody reads yet: the import
    blocks on the full pipe, but only after it has let go of the database (its check pass may
    have written: the accounts its rows name)."""
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from bench_import import generate

    db, csv_path = tmp_path / "pipe.db", tmp_path / "deals.csv"
    generate(csv_path, ROWS)  # every row names an owner nobody created: each is refused
    env = {**os.environ, "PIPE_DB": str(db)}
    run = [sys.executable, "-m", "pipecli"]
    subprocess.run([*run, "add", "task", "first"], env=env, check=True, capture_output=True)
    imp = subprocess.Popen([*run, "import", "deals", str(csv_path)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wchan = Path(f"/proc/{imp.pid}/wchan")
    deadline = time.monotonic() + 120
    while imp.poll() is None and time.monotonic() < deadline:
        if wchan.exists() and wchan.read_text() == "anon_pipe_write":
            break  # blocked writing its refusals to the unread pipe
        time.sleep(0.05)
    r = subprocess.run([*run, "add", "task", "meanwhile"], env=env, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    _, err = imp.communicate(timeout=60)
    assert r.returncode == 0, r.stderr
    assert imp.returncode == 3 and err.count("not found") > 2000


STAGED = "title,amount,stage\nFirst,100,Discovery\nSecond,200,Proposal\nThird,300,Discovery\n"


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[bool, str]]]:
    """Every INSERT, UPDATE or DELETE of the database that any engine runs, each with whether
    the import had taken its write lock (`db.begin_write`) by then. (The rows an import prepares
    in its own temporary tables are not the database.)"""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from pipecli.core import db

    seen: list[tuple[bool, str]] = []
    locked = [False]
    real_begin = db.begin_write

    def begin_write(session: Any) -> None:
        locked[0] = True
        real_begin(session)

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        head = statement.split("(", 1)[0].strip()
        if head.split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE") and " temp." not in head:
            seen.append((locked[0], head))

    monkeypatch.setattr(db, "begin_write", begin_write)
    event.listen(Engine, "before_cursor_execute", watch)
    yield seen
    event.remove(Engine, "before_cursor_execute", watch)


def test_create_stages_checks_without_writing(
    pipe: Any, snapshot: Any, writes: list[tuple[bool, str]], tmp_path: Path
) -> None:
    """With --create-stages, a file with a bad row writes nothing at all (not even its new
    stages, not even for a while): the database's rows are unchanged and no statement wrote."""
    assert pipe("add", "task", "first").exit_code == 0
    path = tmp_path / "deals.csv"
    path.write_text(STAGED + "Fourth,not money,Discovery\n", encoding="utf-8")
    before = snapshot()
    writes.clear()
    r = pipe("import", "deals", str(path), "--create-stages")
    assert r.exit_code == 2 and "line 5" in r.stderr, r.stderr
    assert writes == []
    assert snapshot() == before


def test_create_stages_adds_them_in_the_write(
    pipe: Any, writes: list[tuple[bool, str]], tmp_path: Path
) -> None:
    """The same file without its bad row: the stage is added, once, inside the write unit
    (after every check passed), and the deals are in it."""
    path = tmp_path / "deals.csv"
    path.write_text(STAGED, encoding="utf-8")
    assert pipe("add", "task", "first").exit_code == 0
    writes.clear()
    r = pipe("import", "deals", str(path), "--create-stages", "--json")
    assert r.exit_code == 0, r.stderr
    assert writes and all(locked for locked, _ in writes), writes
    stages = pipe("stage", "list", "--json").json
    names = [s["name"] for s in stages]
    assert names.count("Discovery") == 1
    deals = pipe("list", "deals", "--json").json
    assert sorted((d["title"], d["stage"]) for d in deals) == [
        ("First", "Discovery"), ("Second", "Proposal"), ("Third", "Discovery"),
    ]  # fmt: skip
