"""The concurrency stress run (issue 12): many `pipe` processes updating the same few deals at
once, and the checks that nothing was lost. tests/cli/test_stress.py runs it bounded on both
backends; bench/bench_concurrency.py runs it big (8 processes x 200 updates) and prints figures.

Each worker is a thread that runs its planned commands one after the other as real processes
(`python -m pipecli`, its own PIPE_USER), so `procs` CLI processes run at any moment; a reader
thread runs `pipe digest` and `pipe list deals` meanwhile. The commands are read-modify-write:
`edit D --amount`, `edit D --close`, `edit D --title` and `move D STAGE`, with values unique to
the command, so the stored result names the command that wrote it.

What `check` proves, per deal:
- every command exited 0 (acknowledged) or 4 (refused): a stale write names the deal and who
  changed it ("deal 3 was changed by Rep 2 at ..."), a move into the stage the deal is in by
  then says so ("is already in"); no "database is locked" ever reached stderr;
- the row version grew by exactly the number of acknowledged commands on the deal (each is one
  UPDATE): no acknowledged command was overwritten unseen, none refused was written;
- the history rows (one per amount, close-date change and move, each a snapshot of the deal)
  are exactly the acknowledged commands' values, and replayed in commit order from the starting
  state each snapshot equals the state so far (no write from a stale read) and the last equals
  the stored deal: the final state is the acknowledged operations applied;
- the title is the value of an acknowledged title edit (or the first title if none);
- SQLite: `PRAGMA integrity_check` is ok.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

PIPE = [sys.executable, "-m", "pipecli"]
OPEN_STAGES = ("prospecting", "qualification", "proposal", "negotiation")
KINDS = ("amount", "close", "title", "move")
LOCKED = "database is locked"


@dataclass
class Op:
    worker: int
    seq: int
    deal: int
    kind: str
    value: str
    code: int = -1
    stderr: str = ""
    seconds: float = 0.0

    @property
    def argv(self) -> list[str]:
        if self.kind == "move":
            return ["move", str(self.deal), self.value]
        return ["edit", "deal", str(self.deal), f"--{self.kind}", self.value]


@dataclass
class Outcome:
    ops: list[Op]
    seconds: float
    reads: int = 0
    read_failures: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return sum(op.code == 0 for op in self.ops)

    @property
    def stale(self) -> int:
        return sum(op.code == 4 and "was changed by" in op.stderr for op in self.ops)

    @property
    def same_stage(self) -> int:
        return sum(op.code == 4 and "is already in" in op.stderr for op in self.ops)


def env_for(url: str, user: str) -> dict[str, str]:
    env = dict(os.environ, PIPE_DB=url, PIPE_USER=user, NO_COLOR="1")
    env.pop("PIPE_NOW", None)  # real time: each change has its own updated_at
    return env


def plan(worker: int, count: int, deal_ids: list[int], seed: int) -> list[Op]:
    """`count` commands for one worker; values are unique across workers and commands (close
    dates stay within the years pipecli accepts for up to 50 workers of 1,000 commands)."""
    rng = random.Random(seed * 1000 + worker)
    ops = []
    for seq in range(count):
        kind, deal = rng.choice(KINDS), rng.choice(deal_ids)
        unique = (worker + 1) * 10_000 + seq
        value = {
            "amount": f"{unique}.25",
            "close": (date(2027, 1, 1) + timedelta(days=worker * 1000 + seq)).isoformat(),
            "title": f"deal {deal} by w{worker} #{seq}",
            "move": rng.choice(OPEN_STAGES),
        }[kind]
        ops.append(Op(worker, seq, deal, kind, value))
    return ops


def setup(url: str, deals: int) -> list[int]:
    """`deals` deals in the first stage, made one by one before the run."""
    env = env_for(url, "Setup")
    for n in range(deals):
        subprocess.run([*PIPE, "add", "deal", f"Stress {n + 1}", "--amount", "1000"],
                       env=env, check=True, capture_output=True)  # fmt: skip
    return list(range(1, deals + 1))


def run(url: str, procs: int, per_proc: int, deal_ids: list[int], seed: int = 12) -> Outcome:
    """Run `procs` workers of `per_proc` commands each, and a reader, at the same time."""
    plans = [plan(w, per_proc, deal_ids, seed) for w in range(procs)]
    done = threading.Event()
    outcome = Outcome([op for ops in plans for op in ops], 0.0)

    def work(ops: list[Op]) -> None:
        env = env_for(url, f"Rep {ops[0].worker}")
        for op in ops:
            start = time.perf_counter()
            r = subprocess.run([*PIPE, *op.argv], env=env, capture_output=True, text=True,
                               stdin=subprocess.DEVNULL)  # fmt: skip
            op.code, op.stderr, op.seconds = r.returncode, r.stderr, time.perf_counter() - start

    def read() -> None:  # the digest and a listing, as cron and a second rep run them
        env = env_for(url, "Reader")
        commands = (["digest", "--owner", "all"], ["list", "deals", "--json"])
        while not done.is_set():
            for argv in commands:
                r = subprocess.run([*PIPE, *argv], env=env, capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL)  # fmt: skip
                outcome.reads += 1
                if r.returncode not in (0, 5) or LOCKED in r.stderr:
                    outcome.read_failures.append(f"{argv}: {r.returncode} {r.stderr.strip()}")

    threads = [threading.Thread(target=work, args=(ops,)) for ops in plans]
    reader = threading.Thread(target=read)
    start = time.perf_counter()
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome.seconds = time.perf_counter() - start
    done.set()
    reader.join()
    return outcome


def check(url: str, outcome: Outcome, deal_ids: list[int]) -> list[str]:
    """Every violation of the invariants in the module docstring (empty: all hold)."""
    from sqlalchemy import create_engine, text

    from pipecli.core.config import normalize_db_url

    problems = [f"reader: {f}" for f in outcome.read_failures]
    for op in outcome.ops:
        if LOCKED in op.stderr:
            problems.append(f"{op.argv}: {LOCKED!r} reached stderr")
        if op.code == 0:
            continue
        stale = f"deal {op.deal} was changed by " in op.stderr and "UTC" in op.stderr
        same = op.kind == "move" and f"deal {op.deal} is already in" in op.stderr
        if op.code != 4 or not (stale or same):
            problems.append(f"{op.argv}: exit {op.code}: {op.stderr.strip()}")
    engine = create_engine(normalize_db_url(url))
    with engine.connect() as conn:
        stage_ids: dict[str, int] = dict(
            conn.execute(text("SELECT lower(name), id FROM stage")).all()
        )
        for deal_id in deal_ids:
            mine = [op for op in outcome.ops if op.deal == deal_id]
            problems += _check_deal(conn, deal_id, mine, stage_ids)
        if engine.dialect.name == "sqlite":
            ok = conn.execute(text("PRAGMA integrity_check")).scalar()
            if ok != "ok":
                problems.append(f"integrity_check: {ok}")
    engine.dispose()
    return problems


def _check_deal(conn: Any, deal_id: int, ops: list[Op], stage_ids: dict[str, int]) -> list[str]:
    from sqlalchemy import text

    problems: list[str] = []
    acked = [op for op in ops if op.code == 0]
    deal = conn.execute(
        text("SELECT version, title, amount_minor, expected_close, stage_id FROM deal"
             " WHERE id = :id"),
        {"id": deal_id},
    ).one()  # fmt: skip
    if deal.version != 1 + len(acked):
        problems.append(f"deal {deal_id}: version {deal.version}, {len(acked)} acknowledged")
    rows = conn.execute(
        text("SELECT change, amount_minor, expected_close, to_stage_id FROM stagechange"
             " WHERE deal_id = :id ORDER BY id"),
        {"id": deal_id},
    ).all()  # fmt: skip
    first, history = rows[0], rows[1:]  # the create row, then one per acknowledged command
    kinds = {"amount": "amount", "close_date": "close", "move": "move"}
    written = sorted((kinds.get(r.change, r.change), _value(r, stage_ids)) for r in history)
    wanted = sorted(
        (op.kind, _wanted(op, stage_ids)) for op in acked if op.kind != "title"
    )  # fmt: skip
    if written != wanted:
        problems.append(f"deal {deal_id}: history {written} != acknowledged {wanted}")
    state = (first.amount_minor, _day(first.expected_close), first.to_stage_id)
    for r in history:
        amount, close, stage = state
        if r.change == "amount":
            amount = r.amount_minor
        elif r.change == "close_date":
            close = _day(r.expected_close)
        else:
            stage = r.to_stage_id
        state = (amount, close, stage)
        if (r.amount_minor, _day(r.expected_close), r.to_stage_id) != state:
            problems.append(f"deal {deal_id}: history row {tuple(r)} from a stale read")
    stored = (deal.amount_minor, _day(deal.expected_close), deal.stage_id)
    if stored != state:
        problems.append(f"deal {deal_id}: stored {stored} != history replayed {state}")
    titles = [op.value for op in acked if op.kind == "title"] or [f"Stress {deal_id}"]
    if deal.title not in titles:
        problems.append(f"deal {deal_id}: title {deal.title!r} from no acknowledged edit")
    return problems


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _value(row: Any, stage_ids: dict[str, int]) -> str:
    if row.change == "amount":
        return str(row.amount_minor)
    if row.change == "close_date":
        return str(_day(row.expected_close))
    return str(row.to_stage_id)


def _wanted(op: Op, stage_ids: dict[str, int]) -> str:
    if op.kind == "amount":
        return str(int(op.value.replace(".", "")))
    if op.kind == "close":
        return op.value
    return str(stage_ids[op.value])
