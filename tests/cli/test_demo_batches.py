"""`pipe demo` commits in batches: another process can write while it runs, and SQLite's
write-ahead log stays a fraction of what one transaction for the whole run would need."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PIPE = [sys.executable, "-m", "pipecli"]
DEALS = 12_000


def _deals(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("select count(*) from deal").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_second_writer_is_not_locked_out_while_demo_runs(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    env = dict(os.environ, PIPE_DB=str(db))
    env.pop("PIPE_NOW", None)
    demo = subprocess.Popen(
        [*PIPE, "demo", "--deals", str(DEALS)], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while _deals(db) == 0:  # accounts first, then the first batch of deals
            assert demo.poll() is None, demo.communicate()
            time.sleep(0.05)
        started = _deals(db)
        # a writer locked out for the whole run would fail here
        added = subprocess.run([*PIPE, "add", "deal", "Written meanwhile", "--json"], env=env,
                               capture_output=True, text=True, timeout=120)  # fmt: skip
        assert added.returncode == 0, added.stderr
        during = _deals(db)
        _, err = demo.communicate(timeout=600)
        assert demo.returncode == 0, err
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert started < during < DEALS + 1, "the second write must land while demo is still writing"
    assert _deals(db) == DEALS + 1
    shown = subprocess.run([*PIPE, "show", "deal", str(json.loads(added.stdout)["id"]), "--json"],
                           env=env, capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(shown.stdout)["title"] == "Written meanwhile"


def test_the_write_ahead_log_stays_a_fraction_of_the_database(tmp_path: Path) -> None:
    """One transaction for the whole run grows the log to about the database's size; batches
    let SQLite's automatic checkpoint reuse it. Only the file's size is watched here: a reader
    polling the database would hold snapshots that keep the checkpoint from resetting the log."""
    db = tmp_path / "demo.db"
    env = dict(os.environ, PIPE_DB=str(db))
    env.pop("PIPE_NOW", None)
    demo = subprocess.Popen(
        [*PIPE, "demo", "--deals", str(DEALS)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wal = db.with_name("demo.db-wal")
    biggest = 0
    try:
        while demo.poll() is None:
            biggest = max(biggest, wal.stat().st_size if wal.exists() else 0)
            time.sleep(0.02)
    finally:
        if demo.poll() is None:
            demo.kill()
        _, err = demo.communicate()
    assert demo.returncode == 0, err
    assert biggest < db.stat().st_size / 2, (biggest, db.stat().st_size)
