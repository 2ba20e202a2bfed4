"""The installed CLI as real processes without a TTY: concurrent first use, usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PIPE = [sys.executable, "-m", "pipecli"]


def _env(db: str) -> dict[str, str]:
    env = dict(os.environ, PIPE_DB=db)
    env.pop("PIPE_NOW", None)
    env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as for users: flushed before os._exit
    return env


def test_concurrent_first_use_of_a_new_database(tmp_path: Path) -> None:
    """Three processes find the database missing at once: one creates it, none fails."""
    env = _env(str(tmp_path / "new" / "pipe.db"))
    script = (
        "import subprocess, sys\n"
        "codes = [subprocess.run(sys.argv[2:] + ['add', 'deal', f'{sys.argv[1]}-{i}'],"
        " stdout=subprocess.DEVNULL).returncode for i in range(4)]\n"
        "sys.exit(max(codes))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(n), *PIPE], env=env) for n in range(3)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    out = subprocess.run([*PIPE, "list", "deals", "-n", "0", "--json"], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert len(json.loads(out.stdout)) == 12
    pipes = subprocess.run([*PIPE, "pipeline", "list", "--json"], env=env,
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert [p["name"] for p in json.loads(pipes.stdout)] == ["Default"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["list", "tasks", "--stage", "won"], "No such option: --stage"),  # --deal exists now
        (["done", "7", "9"], "unexpected extra argument"),
        (["list", "deals", "-n", "-1"], "--limit"),
        (["nosuch"], "No such command 'nosuch'"),
        (["report", "winrate", "--svg", "/nonexistent/r.svg"], "'/nonexistent' does not exist"),
        (["add", "deal", "X", "--json", "--csv"], "--json and --csv"),
        (["report", "funnel", "--csv", "--json"], "--json and --csv"),
    ],
)
def test_usage_errors_are_one_line_exit_2(tmp_path: Path, argv: list[str], needle: str) -> None:
    r = subprocess.run([*PIPE, *argv], env=_env(str(tmp_path / "p.db")),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pipe: ") and needle in lines[0]
    assert r.stdout == ""


def test_calc_takes_negative_offsets(tmp_path: Path) -> None:
    env = dict(_env(str(tmp_path / "p.db")), PIPE_NOW="2026-11-23T10:00:00+00:00")
    r = subprocess.run([*PIPE, "calc", "-2w"], env=env, capture_output=True, text=True)
    assert (r.returncode, r.stdout.split()[0]) == (0, "2026-11-09")


def test_piped_tables_are_not_wrapped(tmp_path: Path) -> None:
    env = _env(str(tmp_path / "p.db"))
    env.pop("COLUMNS", None)
    title = "A deal title long enough that an eighty column table would have to wrap it"
    subprocess.run([*PIPE, "add", "deal", title, "--amount", "1250000.50"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    r = subprocess.run([*PIPE, "list", "deals"], env=env, capture_output=True, text=True)
    row = r.stdout.splitlines()[2]
    assert title in row and "1,250,000.50 USD" in row


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PIPE, *argv], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)  # fmt: skip


def test_output_is_complete_and_status_kept_when_the_process_leaves(tmp_path: Path) -> None:
    """main() ends the process with os._exit: what was written must still arrive, whole,
    what was committed must be there for the next process, and errors keep their exit code."""
    env = _env(str(tmp_path / "p.db"))
    assert _run(["demo", "--deals", "300"], env).returncode == 0
    out = _run(["list", "deals", "-n", "0", "--status", "all", "--json"], env)
    assert out.returncode == 0 and len(json.loads(out.stdout)) == 300  # > one pipe buffer
    missing = _run(["show", "deal", "99999"], env)
    assert (missing.returncode, missing.stdout) == (3, "")
    assert missing.stderr.startswith("pipe: ") and "99999" in missing.stderr


@pytest.mark.parametrize("fmt", ["--csv"])  # written row by row: a later write fails
def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path, fmt: str) -> None:
    env = _env(str(tmp_path / "p.db"))
    subprocess.run([*PIPE, "demo", "--deals", "300"], env=env, capture_output=True, check=True)
    proc = subprocess.Popen([*PIPE, "list", "deals", "-n", "0", "--status", "all", fmt], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()  # like `pipe list deals | head -c 10`
    err = proc.stderr.read().decode()
    # status 141, what a shell reports for Unix tools killed by SIGPIPE
    assert proc.wait(timeout=60) == 141 and err == ""


def test_closed_stdout_or_stderr_still_runs_and_exits_0(tmp_path: Path) -> None:
    env = _env(str(tmp_path / "p.db"))
    for closed, redirect in (("stdout", ">&-"), ("stderr", "2>&-")):  # as typed in a shell
        script = f'"$@" {redirect}'
        r = subprocess.run(["sh", "-c", script, "sh", *PIPE, "add", "deal", f"closed {closed}"],
                           env=env, stdin=subprocess.DEVNULL, capture_output=True)  # fmt: skip
        assert r.returncode == 0, r
    out = _run(["list", "deals", "--json"], env)
    assert [d["title"] for d in json.loads(out.stdout)] == ["closed stdout", "closed stderr"]
    script = '"$@" 2>&-'  # an error with nowhere to say it keeps its exit code
    r = subprocess.run(["sh", "-c", script, "sh", *PIPE, "show", "deal", "99"], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True)  # fmt: skip
    assert r.returncode == 3
