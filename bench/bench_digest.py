"""The digest at size: `pipe digest` on 100,000 tasks and 100,000 deals, against `pipe add lead`
on the same database, measured in the same run (target: digest <= 1.5 x add lead).

The data is a team of five over three years: most tasks done, the open ones spread over the
coming year with some overdue; three quarters of the deals closed, the open ones spread over
the stages with expected closes around today, some rotting or late; accounts with first wins,
contacts with birthdays, follow-up cadences with logged activities. The digest reads only what
needs attention through its indexes, so its cost should not grow with the table sizes.

Run: `python bench/bench_digest.py [--tasks 100000] [--deals 100000] [--runs 11] [--db FILE]`.
Exit code 0 always: the ratio is printed, never asserted (machines are noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import PIPE, _pair, compile_bytecode

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OWNERS = ("Ann", "Bob", "Chen Jing", "Dana", "Eli")


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _day(n: int) -> str:
    return (NOW.date() + timedelta(days=n)).isoformat()


def generate(path: Path, n_tasks: int, n_deals: int, seed: int = 1) -> None:
    """Create (migrate) the database with pipe itself, then fill it with plain batched inserts."""
    env = dict(os.environ, PIPE_DB=str(path), PIPE_CONFIG=str(path.with_suffix(".toml")))
    subprocess.run([*PIPE, "db", "upgrade"], env=env, stdout=subprocess.DEVNULL, check=True)
    rnd = random.Random(seed)
    con = sqlite3.connect(path)
    now = _ts(NOW)
    con.executemany(
        "INSERT INTO user (uuid, name, created_at) VALUES (?, ?, ?)",
        [(str(uuid.uuid4()), name, now) for name in OWNERS],
    )
    stages = dict(con.execute("SELECT name, id FROM stage").fetchall())
    pipeline = con.execute("SELECT id FROM pipeline").fetchone()[0]
    n_accounts = max(n_deals // 20, 1)
    con.executemany(
        "INSERT INTO account (uuid, name, owner_id, created_at, updated_at) VALUES (?,?,?,?,?)",
        [(str(uuid.uuid4()), f"Account {i}", i % 5 + 1, now, now) for i in range(n_accounts)],
    )
    con.executemany(
        "INSERT INTO contact (uuid, name, birthday, account_id, owner_id, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?)",
        [
            (str(uuid.uuid4()), f"Contact {i}",
             date(1960 + rnd.randrange(45), 1, 1) + timedelta(days=rnd.randrange(365)),
             i % n_accounts + 1, i % 5 + 1, now, now)
            for i in range(n_accounts * 2)
        ],
    )  # fmt: skip
    con.executemany(
        "INSERT INTO deal (uuid, title, pipeline_id, stage_id, account_id, owner_id, amount_minor,"
        " currency, probability, probability_manual, expected_close, stage_entered_at,"
        " created_at, updated_at, closed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [_deal(rnd, i, stages, pipeline, n_accounts) for i in range(n_deals)],
    )
    con.executemany(
        "INSERT INTO task (uuid, title, kind, priority, due_date, done_at, owner_id, deal_id,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [_task(rnd, i, n_deals) for i in range(n_tasks)],
    )
    con.executemany(
        "INSERT INTO followup (uuid, contact_id, every_n, every_unit, owner_id, started_at)"
        " VALUES (?,?,?,?,?,?)",
        [(str(uuid.uuid4()), i + 1, 14, "d", i % 5 + 1, _ts(NOW - timedelta(days=60)))
         for i in range(0, n_accounts * 2, 40)],
    )  # fmt: skip
    con.executemany(
        "INSERT INTO activity (uuid, kind, subject, at, contact_id, created_at)"
        " VALUES (?,?,?,?,?,?)",
        [(str(uuid.uuid4()), "call", "Call", _ts(NOW - timedelta(days=rnd.randrange(40))),
          i + 1, now) for i in range(0, n_accounts * 2, 20)],
    )  # fmt: skip
    con.commit()
    con.execute("ANALYZE")
    con.close()


def _deal(
    rnd: random.Random, i: int, stages: dict[str, int], pipeline: int, n_accounts: int
) -> tuple[object, ...]:
    created = NOW - timedelta(days=rnd.randrange(3 * 365), hours=rnd.randrange(24))
    closed = rnd.random() < 0.85
    if closed:
        won = rnd.random() < 0.3
        at = min(created + timedelta(days=rnd.randrange(1, 120)), NOW - timedelta(days=1))
        stage, prob, close, entered, closed_at = (
            stages["Won" if won else "Lost"],
            100 if won else 0,
            at.date().isoformat(),
            at,
            _ts(at),
        )
    else:
        name = rnd.choice(("Prospecting", "Qualification", "Proposal", "Negotiation"))
        stage, prob = stages[name], {"Prospecting": 10, "Qualification": 20}.get(name, 50)
        close, closed_at = _day(rnd.randrange(-5, 240)), None
        fresh = rnd.random() < 0.9  # most open deals moved lately, some sit still
        entered = NOW - timedelta(
            days=rnd.randrange(0, 12 if fresh else 60), hours=rnd.randrange(24)
        )
    amount = rnd.randrange(1_000, 200_000) * 100
    return (
        str(uuid.uuid4()), f"Deal {i}", pipeline, stage, i % n_accounts + 1, i % 5 + 1, amount,
        "USD", prob, False, close, _ts(entered), _ts(created), _ts(created), closed_at,
    )  # fmt: skip


def _task(rnd: random.Random, i: int, n_deals: int) -> tuple[object, ...]:
    if rnd.random() < 0.9:  # done, in the past
        due = NOW - timedelta(days=rnd.randrange(1, 3 * 365))
        done: str | None = _ts(due + timedelta(hours=rnd.randrange(48)))
    else:  # open: a few overdue, the rest over the coming year
        due = NOW + timedelta(
            days=rnd.randrange(-10, 365) if rnd.random() < 0.15 else rnd.randrange(0, 365)
        )
        done = None
    return (
        str(uuid.uuid4()), f"Task {i}", "call", "normal", due.date().isoformat(), done,
        i % 5 + 1, i % n_deals + 1, _ts(due - timedelta(days=7)), _ts(due - timedelta(days=7)),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--db", type=Path, default=None, help="reuse (or create) this database")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "digest.db"
        if not path.exists():
            start = time.perf_counter()
            generate(path, args.tasks, args.deals)
            print(f"generated {args.tasks:,} tasks, {args.deals:,} deals in "
                  f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        env = dict(os.environ, PIPE_DB=str(path), PIPE_CONFIG=str(Path(tmp) / "c.toml"),
                   PIPE_USER="Ann", PIPE_NOW=NOW.isoformat(), TZ="UTC")  # fmt: skip
        lines = subprocess.run([*PIPE, "digest"], env=env, capture_output=True, text=True)
        print(f"pipe digest prints {len(lines.stdout.splitlines())} lines")
        add = [*PIPE, "add", "lead", "Li Wei", "--company", "Acme Ltd", "--value", "12000"]
        t_digest, t_add = _pair([*PIPE, "digest"], add, args.runs, env)
        t_all, t_add2 = _pair([*PIPE, "digest", "--owner", "all"], add, args.runs, env)
    print(f"pipe digest              {t_digest * 1000:7.1f} ms"
          f"   pipe add lead {t_add * 1000:7.1f} ms"
          f"   ratio {t_digest / t_add:.2f}  (target <= 1.50)")  # fmt: skip
    print(f"pipe digest --owner all  {t_all * 1000:7.1f} ms"
          f"   pipe add lead {t_add2 * 1000:7.1f} ms   ratio {t_all / t_add2:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
