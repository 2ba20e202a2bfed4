"""The benchmark harness: runs the benchmarks that write result rows and appends them to
bench/RESULTS.md (a dated section per run: machine, arguments, one table row per case).

Today that is bench_reports_sql.py (every report against hand-written SQL on the same file; it
exits non-zero when the two disagree on any number, and so does this harness). Arguments after
`--` go to it, e.g. `python bench/run.py -- --deals 100000 --runs 3` or `-- --db /tmp/big.db`.
Run: `python bench/run.py [-- ARGS]`.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BENCHES = ["bench_reports_sql.py"]
HEADER = (
    "| bench | case | deals | pipe ms | hand SQL ms | ratio | pipe peak MB | agree |\n"
    "|---|---|---:|---:|---:|---:|---:|---|\n"
)


def main() -> int:
    extra = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    failed = 0
    rows: list[dict[str, object]] = []
    for bench in BENCHES:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "rows.json"
            cmd = [sys.executable, str(HERE / bench), *extra, "--results", str(out)]
            code = subprocess.run(cmd, cwd=HERE).returncode
            failed |= code
            if out.exists():
                rows.extend(json.loads(out.read_text()))
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = [
        f"\n## {when} · {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite · args: {' '.join(extra) or '(defaults)'}\n\n",
        HEADER,
    ]
    for r in rows:
        section.append(
            f"| {r['bench']} | {r['case']} | {r['deals']:,} | {r['pipe_ms']:,} | {r['hand_ms']:,} "
            f"| {r['ratio']} | {r['peak_mb']} | {'yes' if r['agree'] else 'NO'} |\n"
        )
    if failed:
        section.append(f"\nA benchmark exited with status {failed}.\n")
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nWritten by `python bench/run.py`; newest last. Times are "
            "medians of whole-command wall times (interpreter start-up included on both sides).\n"
        )
    with RESULTS.open("a") as fh:
        fh.writelines(section)
    print(f"wrote {len(rows)} rows to {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
