"""Start-up benchmarks for the CLI, as ratios against floors measured in the same run.

- `pipe add lead` median wall time / `python -c "import sqlmodel"` median  (target <= 1.25)
- `pipe --version` median wall time / `python -c "import typer"` median    (target <= 1.5)

Each command runs as a real subprocess without a TTY, alternating with its floor so that noise
on a shared machine hits both alike. Run: `python bench/bench_cli.py [--runs 21]`.
Exit code 0 always: ratios are printed for people and CI logs, never asserted (machines are noisy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
PIPE = [PY, "-m", "pipecli"]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _pair(cmd: list[str], floor: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    ours, base = [], []
    for i in range(runs):
        if i % 2:
            ours.append(_time(cmd, env))
            base.append(_time(floor, env))
        else:
            base.append(_time(floor, env))
            ours.append(_time(cmd, env))
    return statistics.median(ours), statistics.median(base)


def compile_bytecode() -> None:
    """Compile pipecli's modules as `pip install` does for an installed package: an editable
    install (or PYTHONDONTWRITEBYTECODE=1) would otherwise compile every module from source on
    every run, which no user's installed `pipe` does. The floors' packages are compiled already."""
    import compileall

    import pipecli

    compileall.compile_dir(str(Path(pipecli.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ, PIPE_DB=str(Path(tmp) / "bench.db"), PIPE_CONFIG=str(Path(tmp) / "c.toml")
        )
        env.pop("PIPE_NOW", None)
        subprocess.run([*PIPE, "db", "upgrade"], env=env, stdout=subprocess.DEVNULL, check=True)
        add = [*PIPE, "add", "lead", "Li Wei", "--company", "Acme Ltd", "--value", "12000"]
        t_add, t_sqlmodel = _pair(add, [PY, "-c", "import sqlmodel"], args.runs, env)
        t_ver, t_typer = _pair([*PIPE, "--version"], [PY, "-c", "import typer"], args.runs, env)
    print(f"pipe add lead   {t_add * 1000:7.1f} ms   import sqlmodel {t_sqlmodel * 1000:7.1f} ms"
          f"   ratio {t_add / t_sqlmodel:.2f}  (target <= 1.25)")  # fmt: skip
    print(f"pipe --version  {t_ver * 1000:7.1f} ms   import typer    {t_typer * 1000:7.1f} ms"
          f"   ratio {t_ver / t_typer:.2f}  (target <= 1.50)")  # fmt: skip


if __name__ == "__main__":
    main()
