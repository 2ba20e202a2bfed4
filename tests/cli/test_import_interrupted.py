"""An import killed half-way leaves nothing behind: it is one transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def test_killed_import_leaves_no_partial_data(tmp_path: Path) -> None:
    db = tmp_path / "pipe.db"
    csv = tmp_path / "deals.csv"
    with csv.open("w") as fh:
        fh.write("title,account,amount,stage\n")
        for i in range(200_000):
            fh.write(f"Deal {i},Account {i % 500},{i % 9000 + 100},Qualification\n")
    env = dict(os.environ, PIPE_DB=str(db))
    env.pop("PIPE_NOW", None)
    subprocess.run([sys.executable, "-m", "pipecli", "db", "upgrade"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    proc = subprocess.Popen([sys.executable, "-m", "pipecli", "import", "deals", str(csv)],
                            env=env, **quiet)  # fmt: skip
    deadline = time.monotonic() + 60
    wal = Path(f"{db}-wal")
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 1_000_000):
        time.sleep(0.05)  # wait until the import is writing
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    import sqlite3

    conn = sqlite3.connect(db)
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("deal", "account", "stagechange")]  # fmt: skip
    conn.close()
    assert counts == [0, 0, 0]
