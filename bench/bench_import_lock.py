"""Writers are not starved by a big import: `pipe add task` while `pipe import deals` runs.

- generates a deals CSV (default 100,000 rows, as bench_import.py does) and imports it with
  `pipe import deals FILE` as a real subprocess into a fresh SQLite database;
- meanwhile starts `pipe add task` again and again (real subprocesses): every one must succeed;
- the import runs with `PIPE_IMPORT_TIMINGS=1` and reports how long its check pass took and how
  long its write transaction held the lock (from BEGIN IMMEDIATE to COMMIT, measured inside the
  import; target <= 2 s for 100,000 rows), printed with the ratio to the target;
- a watcher thread tries `BEGIN IMMEDIATE` with no busy timeout every 20 ms and records the
  longest stretch during which the write lock was held by someone else (the same hold seen from
  outside, plus the `add task` commands' own short ones);
- prints the import time, the longest lock hold, and the slowest `add task` during the import as
  a ratio of the same command on the idle database (the floor, measured in this run).

Run: `python bench/bench_import_lock.py [--rows N]`. Exit code 1 if an `add task` failed or
the import did not write every row; 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import generate

PY = sys.executable
TARGET_S = 2.0  # per 100,000 rows


def pipe(env: dict[str, str], *args: str) -> tuple[int, float, str]:
    start = time.perf_counter()
    r = subprocess.run([PY, "-m", "pipecli", *args], env=env, capture_output=True, text=True)
    return r.returncode, time.perf_counter() - start, r.stderr.strip()


class LockWatch(threading.Thread):
    """The longest time the database's write lock was held by another connection."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.since: float | None  # when the write lock was first found taken, while it still is
        self.db, self.stop, self.longest, self.since = db, threading.Event(), 0.0, None

    def run(self) -> None:
        conn = sqlite3.connect(self.db, timeout=0, isolation_level=None)
        while not self.stop.is_set():
            now = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                if self.since is not None:
                    self.longest = max(self.longest, now - self.since)
                self.since = None
            except sqlite3.OperationalError:
                if self.since is None:
                    self.since = now
            time.sleep(0.02)
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, db = folder / "deals.csv", folder / "pipe.db"
        generate(csv_path, args.rows)
        env = {**os.environ, "PIPE_DB": str(db), "PIPE_CONFIG": str(folder / "c.toml"),
               "PIPE_USER": "Bench"}  # fmt: skip
        assert pipe(env, "add", "task", "warm up")[0] == 0
        floor = min(pipe(env, "add", "task", f"idle {i}")[1] for i in range(3))
        watch = LockWatch(db)
        watch.start()
        started = time.perf_counter()
        imp = subprocess.Popen(
            [PY, "-m", "pipecli", "import", "deals", str(csv_path), "--create-owner"],
            env={**env, "PIPE_IMPORT_TIMINGS": "1"}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        during: list[tuple[int, float, str]] = []
        while imp.poll() is None:
            during.append(pipe(env, "add", "task", f"during {len(during)}"))
        elapsed = time.perf_counter() - started
        _out, err = imp.communicate()
        watch.stop.set()
        watch.join()
        deals = sqlite3.connect(db).execute("SELECT count(*) FROM deal").fetchone()[0]
    failed = [d for d in during if d[0] != 0]
    slowest = max((d[1] for d in during), default=0.0)
    print(f"rows {args.rows:,}: import {elapsed:.1f} s, exit {imp.returncode}, {deals:,} deals")
    target = TARGET_S * args.rows / 100_000
    timing = re.search(r"check ([\d.]+) s, write lock held ([\d.]+) s", err)
    if timing:
        check, held = float(timing[1]), float(timing[2])
        print(f"import's write transaction held the lock {held:.2f} s = {held / target:.2f} x "
              f"the target ({target:.2f} s); its check pass took {check:.1f} s")  # fmt: skip
    else:
        print("import's write transaction: no timing reported")
    print(f"longest write-lock hold seen by a watcher: {watch.longest:.2f} s "
          f"= {watch.longest / target:.2f} x the target")  # fmt: skip
    print(f"add task during the import: {len(during)} run, {len(failed)} failed; slowest "
          f"{slowest:.2f} s = {slowest / floor:.2f} x idle ({floor:.2f} s)")  # fmt: skip
    for code, _, text in failed[:3]:
        print(f"  failed ({code}): {text}")
    if imp.returncode != 0:
        print(f"  import failed: {err.strip()[:300]}")
    return 1 if failed or imp.returncode != 0 or deals != args.rows else 0


if __name__ == "__main__":
    sys.exit(main())
