"""Import benchmark: `pipe import deals` against a raw csv + sqlite3 executemany floor, same run.

- generates a deals CSV (default 1,000,000 rows; `--rows 50000` for a quick run) with accounts,
  owners, amounts with thousands separators, stages (won and lost among them) and dates;
- imports it with `pipe import deals FILE` as a real subprocess into a fresh SQLite database and
  reads that child's peak memory from `resource.getrusage(RUSAGE_CHILDREN)`;
- loads the same file into another fresh database with the stdlib only (csv.reader, int minor
  units, a dict of accounts, sqlite3 executemany of deals and one history row each);
- prints rows/s of both, the ratio (target >= 0.30) and the peak memory (target < 300 MB).

The floor does far less (no validation pass, no date or money parsing beyond int(), no matching
on external ids, no probability rules), which is the point: it is the speed of the storage.
Run: `python bench/bench_import.py [--rows N] [--keep DIR]`. Exit code 0 always.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

PY = sys.executable
STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]


def generate(path: Path, rows: int) -> None:
    rnd = random.Random(42)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "account", "owner", "amount", "currency", "stage", "close",
                    "created"])  # fmt: skip
        for i in range(rows):
            created = start + timedelta(minutes=rnd.randrange(0, 900_000))
            close = created.date() + timedelta(days=rnd.randrange(10, 200))
            cents = rnd.randrange(10_000, 50_000_000)
            w.writerow([
                f"D-{i}", f"Deal {i}", f"Account {rnd.randrange(0, 20_000)}",
                f"Rep {rnd.randrange(0, 25)}", f"{cents // 100:,}.{cents % 100:02d}", "USD",
                rnd.choice(STAGES), close.isoformat(), created.strftime("%Y-%m-%dT%H:%M:%S"),
            ])  # fmt: skip


def _fresh_db(path: Path, env: dict[str, str]) -> None:
    subprocess.run([PY, "-m", "pipecli", "--db", str(path), "db", "upgrade"], env=env,
                   stdout=subprocess.DEVNULL, check=True)  # fmt: skip


def run_pipe(csv_path: Path, db: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `pipe import deals` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [PY, "-m", "pipecli", "--db", str(db), "import", "deals", str(csv_path), "--create-owner"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("note: peak memory not above earlier children; figure is an upper bound")
    return seconds, peak / 1024  # ru_maxrss is KiB on Linux


def run_raw(csv_path: Path, db: Path) -> float:
    """The floor: stdlib csv + sqlite3 executemany into the same tables."""
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    stage_ids = {n.lower(): i for i, n in conn.execute("SELECT id, name FROM stage")}
    stage_ids["closed won"], stage_ids["closed lost"] = stage_ids["won"], stage_ids["lost"]
    accounts: dict[str, int] = {}
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    with csv_path.open(newline="", encoding="utf-8") as fh, conn:
        reader = csv.reader(fh)
        next(reader)
        batch: list[tuple[object, ...]] = []
        for row in reader:
            ext, title, account, _owner, amount, cur, stage, close, created = row
            acct = accounts.get(account)
            if acct is None:
                cur_ = conn.execute(
                    "INSERT INTO account (uuid, name, created_at, updated_at) VALUES (?,?,?,?)",
                    (str(uuid.uuid4()), account, now, now),
                )
                acct = accounts[account] = int(cur_.lastrowid or 0)
            minor = int(amount.replace(",", "").replace(".", ""))
            batch.append((str(uuid.uuid4()), ext, title, 1, stage_ids[stage.lower()], acct,
                          minor, cur, 10, 0, close, created, created, now))  # fmt: skip
            if len(batch) == 2000:
                _flush(conn, batch)
                batch = []
        _flush(conn, batch)
    conn.close()
    return time.perf_counter() - start


def _flush(conn: sqlite3.Connection, batch: list[tuple[object, ...]]) -> None:
    if not batch:
        return
    conn.executemany(
        "INSERT INTO deal (uuid, external_id, title, pipeline_id, stage_id, account_id, "
        "amount_minor, currency, probability, probability_manual, expected_close, "
        "stage_entered_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        batch,
    )
    first = conn.execute("SELECT max(id) FROM deal").fetchone()[0] - len(batch) + 1
    conn.executemany(
        "INSERT INTO stagechange (uuid, deal_id, at, change, to_stage_id, amount_minor, "
        "currency, probability) VALUES (?,?,?,?,?,?,?,?)",
        [(str(uuid.uuid4()), first + i, b[11], "create", b[4], b[6], b[7], 10)
         for i, b in enumerate(batch)],
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="Folder to keep the CSV and databases in.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep or tmp)
        base.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PIPE_CONFIG=str(base / "c.toml"), PIPE_USER="bench")
        env.pop("PIPE_NOW", None)
        data = base / "deals.csv"
        t0 = time.perf_counter()
        generate(data, args.rows)
        print(f"generated {args.rows:,} rows ({data.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        pipe_db, raw_db = base / "pipe.db", base / "raw.db"
        for db in (pipe_db, raw_db):
            db.unlink(missing_ok=True)
            _fresh_db(db, env)
        t_pipe, peak = run_pipe(data, pipe_db, env)
        t_raw = run_raw(data, raw_db)
    rate_pipe, rate_raw = args.rows / t_pipe, args.rows / t_raw
    print(f"pipe import deals  {t_pipe:8.1f} s  {rate_pipe:10,.0f} rows/s")
    print(f"raw csv+sqlite3    {t_raw:8.1f} s  {rate_raw:10,.0f} rows/s")
    print(f"ratio {rate_pipe / rate_raw:.2f}  (target >= 0.30)")
    print(f"peak memory of the import {peak:.0f} MB  (target < 300 MB)")


if __name__ == "__main__":
    main()
