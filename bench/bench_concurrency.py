"""No lost update under concurrent use (issue 12): 8 processes x 200 mixed updates through the CLI
on the same 5 deals, on SQLite and on PostgreSQL.

- makes a fresh database (a temporary SQLite file; on PostgreSQL a schema of its own in the
  database `--postgres URL` or PIPE_TEST_POSTGRES_URL names, dropped afterwards);
- runs tests/concurrency.py: `--procs` workers each run `--ops` commands (`edit --amount`,
  `edit --close`, `edit --title`, `move`) as real `python -m pipecli` processes, one after the
  other, while a reader runs `pipe digest` and `pipe list deals`;
- checks its invariants: the final state equals the acknowledged operations applied (versions,
  history replayed in commit order), every refused command exited 4 with the conflict message,
  no "database is locked" on stderr, `PRAGMA integrity_check` ok;
- prints per backend: wall time, commands per second, acknowledged / refused as stale / refused
  as already in the stage, reader runs, and the median and slowest command.

Run: `python bench/bench_concurrency.py [--procs 8] [--ops 200] [--deals 5] [--backend sqlite]`.
Exit code 1 if any invariant failed on any backend.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import concurrency


def _postgres_schema(base: str) -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    from pipecli.core.config import normalize_db_url

    url = make_url(normalize_db_url(base))
    schema = f"pipe_bench_{uuid.uuid4().hex[:10]}"
    _admin(url.render_as_string(hide_password=False), f'CREATE SCHEMA "{schema}"')
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def _admin(url: str, sql: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def bench(url: str, label: str, procs: int, ops: int, deals: int) -> bool:
    deal_ids = concurrency.setup(url, deals)
    outcome = concurrency.run(url, procs, ops, deal_ids)
    problems = concurrency.check(url, outcome, deal_ids)
    times = sorted(op.seconds for op in outcome.ops)
    total = len(outcome.ops)
    print(
        f"{label}: {procs} procs x {ops} updates on {deals} deals in {outcome.seconds:.1f} s"
        f" ({total / outcome.seconds:.1f} commands/s); acknowledged {outcome.acknowledged},"
        f" refused stale {outcome.stale}, refused already-in-stage {outcome.same_stage};"
        f" reader runs {outcome.reads}; command median {statistics.median(times):.2f} s,"
        f" slowest {times[-1]:.2f} s; invariants: {'ok' if not problems else 'FAILED'}"
    )
    for p in problems[:20]:
        print(f"  {p}")
    return not problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--ops", type=int, default=200)
    ap.add_argument("--deals", type=int, default=5)
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--postgres", default=os.environ.get("PIPE_TEST_POSTGRES_URL", ""))
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PIPE_CONFIG"] = str(Path(tmp) / "config.toml")
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{Path(tmp) / 'stress.db'}"
            ok &= bench(url, "sqlite", args.procs, args.ops, args.deals)
        if args.backend in ("postgres", "both"):
            if not args.postgres:
                print("postgres: skipped (no --postgres URL or PIPE_TEST_POSTGRES_URL)")
            else:
                url, schema = _postgres_schema(args.postgres)
                try:
                    ok &= bench(url, "postgres", args.procs, args.ops, args.deals)
                finally:
                    from pipecli.core.config import normalize_db_url

                    _admin(normalize_db_url(args.postgres), f'DROP SCHEMA "{schema}" CASCADE')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
