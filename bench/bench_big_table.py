"""Big-table benchmark (issue 13, target 3): `pipe list deals --status all --limit 0` as a table
against the same list as `--json`, both whole-command wall times in the same run.

- to a pipe: the command's stdout is a pipe this script reads to the end;
- to a terminal: the command runs under `script` (a pseudo-terminal, `stty cols` wide), whose
  output this script reads to the end (skipped, and said so, when `script` is absent);
- first line: how long until the table's first line arrives on the pipe, against the whole run
  (rows are written a page at a time, so it comes before the last rows are formatted).

Target: table ≤ 1.5 × json, to a pipe and to a terminal. Data: `pipe demo --deals N --seed 1`
in a fresh SQLite file (or `--db PATH` to reuse one). Run:
`python bench/bench_big_table.py [--deals 10000] [--runs 3] [--cols 120] [--db /tmp/big.db]`.
Exit code 0 always: figures are printed, never asserted (machines are noisy).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 1.5
PIPE = [sys.executable, "-m", "pipecli"]
LIST = ["list", "deals", "--status", "all", "--limit", "0"]


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["PIPE_DB"] = str(db)
    return env


def run_piped(db: Path, args: list[str]) -> tuple[float, float, int]:
    """Seconds to the first line, seconds to the end, and lines read, stdout a pipe."""
    start = time.perf_counter()
    proc = subprocess.Popen([*PIPE, *args], stdout=subprocess.PIPE, env=_env(db))
    assert proc.stdout is not None
    first = proc.stdout.readline()
    first_at = time.perf_counter() - start
    lines = (1 if first else 0) + sum(1 for _ in proc.stdout)
    proc.wait()
    return first_at, time.perf_counter() - start, lines


def run_tty(db: Path, args: list[str], cols: int) -> tuple[float, int]:
    """Seconds to the end, and bytes read, stdout a pseudo-terminal `cols` wide (`script`)."""
    cmd = f"stty cols {cols} rows 50; {shlex.join([*PIPE, *args])}"
    start = time.perf_counter()
    out = subprocess.run(
        ["script", "-qec", cmd, "/dev/null"], stdout=subprocess.PIPE, env=_env(db), check=True
    ).stdout
    return time.perf_counter() - start, len(out)


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cols", type=int, default=120, help="terminal width under `script`")
    ap.add_argument("--db", type=Path, help="reuse this demo database (made if missing)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = a.db or Path(tmp) / "big.db"
        if not db.exists():
            print(f"making {db}: pipe demo --deals {a.deals:,} ...", flush=True)
            subprocess.run(
                [*PIPE, "demo", "--deals", str(a.deals), "--seed", "1"],
                env=_env(db), check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        rows = run_piped(db, [*LIST, "--json"])[2]
        print(f"{sys.executable} · {os.cpu_count()} cores · {db} · median of {a.runs} runs")
        print(f"{'case':<24} {'table s':>8} {'json s':>8} {'ratio':>6}  target  met")
        table = [run_piped(db, LIST) for _ in range(a.runs)]
        json_ = [run_piped(db, [*LIST, "--json"]) for _ in range(a.runs)]
        t, j = median([r[1] for r in table]), median([r[1] for r in json_])
        print(f"{'pipe':<24} {t:8.2f} {j:8.2f} {t / j:6.2f}  ≤ {TARGET}   {_met(t / j)}")
        if shutil.which("script"):
            table_tty = [run_tty(db, LIST, a.cols)[0] for _ in range(a.runs)]
            json_tty = [run_tty(db, [*LIST, "--json"], a.cols)[0] for _ in range(a.runs)]
            t2, j2 = median(table_tty), median(json_tty)
            name = f"terminal ({a.cols} cols)"
            print(f"{name:<24} {t2:8.2f} {j2:8.2f} {t2 / j2:6.2f}  ≤ {TARGET}   {_met(t2 / j2)}")
        else:
            print("terminal: skipped (`script` is not installed)")
        first = median([r[0] for r in table])
        print(f"table, first line after {first:.2f} s of {t:.2f} s ({table[0][2]:,} lines; "
              f"json: {rows:,} lines)")  # fmt: skip
    return 0


def _met(ratio: float) -> str:
    return "yes" if ratio <= TARGET else "NO"


if __name__ == "__main__":
    sys.exit(main())
