"""Report benchmark: every report on a large generated pipeline, as ratios against a floor.

Generates --deals N demo deals (default 1,000,000) with their history through the bulk writer
(services.demo) into a fresh SQLite file (or --db URL, which must hold no deals), then times each
report's `build` in-process. The floor, measured in the same run on the same data, is one full
scan of the history table (`SELECT count(*), max(at) FROM stagechange`): a report's ratio says
how many history scans it costs. Exit code 0 always: numbers are printed, never asserted.
Run: `python bench/bench_reports.py [--deals 1000000] [--runs 3] [--db URL]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from pipecli.core import demo
from pipecli.core.config import load_settings
from pipecli.core.db import open_store
from pipecli.core.reports import (
    accuracy,
    calibrate,
    cycle,
    forecast,
    funnel,
    slipped,
    stale,
    velocity,
    winrate,
)
from pipecli.core.reports.scope import Filters
from pipecli.core.services.context import Ctx

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
REPORTS: dict[str, Callable[[Ctx], Any]] = {
    "funnel": lambda c: funnel.build(c, Filters()),
    "funnel sequential": lambda c: funnel.build(c, Filters(), "sequential"),
    "forecast": lambda c: forecast.build(c, Filters(), "quarter", 4, False, "500000"),
    "forecast as-of": lambda c: forecast.build(c, Filters(as_of="2026-07-01"), "quarter", 4),
    "forecast-accuracy": lambda c: accuracy.build(c, Filters(), 4),
    "winrate by owner": lambda c: winrate.build(c, Filters(), "owner"),
    "cycle": lambda c: cycle.build(c, Filters()),
    "velocity": lambda c: velocity.build(c, Filters()),
    "stale": lambda c: stale.build(c, Filters()),
    "slipped": lambda c: slipped.build(c, Filters()),
    "calibrate": lambda c: calibrate.build(c, Filters()),
}


def _timed(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = open_store(url, NOW)
        settings = load_settings(url)
        start = time.perf_counter()
        with store.session() as session:
            made = demo.create(Ctx(session, settings, NOW), args.deals, seed=1)
        print(f"generated {made} deals in {time.perf_counter() - start:.1f}s", file=sys.stderr)
        with store.session() as session:
            ctx = Ctx(session, settings, NOW)
            scan = text("SELECT count(*), max(at) FROM stagechange")
            floor = _timed(lambda: session.execute(scan).all(), args.runs)
            print(f"{'floor: history scan':24} {floor:8.3f}s")
            for name, build in REPORTS.items():
                took = _timed(lambda b=build: b(ctx), args.runs)  # type: ignore[misc]
                print(f"{name:24} {took:8.3f}s  ratio {took / floor:6.1f}")
        store.dispose()


if __name__ == "__main__":
    main()
