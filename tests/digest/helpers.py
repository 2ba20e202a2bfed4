"""Running `pipe digest` as cron does: a real process, no TTY, an environment like `env -i`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PIPE = [sys.executable, "-m", "pipecli"]
HEADING = re.compile(r"^(?P<title>\S.*) \((?P<n>\d+)\)$")


def cron_env(db_url: str, config: Path, now: str | None, **extra: str) -> dict[str, str]:
    """What cron gives (no HOME, no TERM, a minimal PATH) plus pipecli's own variables."""
    env = {
        "PIPE_DB": db_url,
        "PIPE_CONFIG": str(config),
        "PIPE_USER": "Ann",
        "PATH": "/usr/bin:/bin",
    }
    if now:
        env["PIPE_NOW"] = now
    return {**env, **extra}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PIPE, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def sections(text: str) -> dict[str, list[str]]:
    """Section title -> its item lines (indented lines under a `Title (n)` heading)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        m = HEADING.match(line)
        if m and not line.startswith("=="):
            current = out.setdefault(m["title"], [])
        elif line.startswith("  ") and current is not None:
            current.append(line.strip())
        elif not line.strip():
            current = None
    return out
