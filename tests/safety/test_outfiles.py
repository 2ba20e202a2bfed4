"""Rule 1 on every option that writes a file: never onto the database, its WAL/SHM/journal, the
config file or a folder; a missing folder only with --mkdir; a read-only folder refused; and a
write that is killed half-way leaves the old file whole (temporary file + fsync + rename)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import ok

WRITERS = {
    "export csv": ["export", "deals", "-o"],
    "export json": ["export", "deals", "-f", "json", "-o"],
    "export jsonl": ["export", "leads", "-f", "jsonl", "-o"],
    "export xlsx": ["export", "accounts", "-f", "xlsx", "-o"],
    "export ics": ["export", "tasks", "-f", "ics", "-o"],
    "export all": ["export", "all", "-o"],
    "report --svg": ["report", "funnel", "--svg"],
    "report --html": ["report", "winrate", "--html"],
    "backup -o": ["backup", "-o"],
}


def _db_file(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def _refused(r: Any, *needles: str) -> None:
    assert r.exit_code == 2, (r.exit_code, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pipe: "), lines
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def data(pipe: Any) -> None:
    ok(pipe("add", "deal", "Acme – 40 seats", "--account", "Acme", "--amount", "1200"))
    ok(pipe("add", "lead", "Li Wei"))
    ok(pipe("add", "task", "Call", "--due", "fri"))


@pytest.mark.parametrize("writer", WRITERS, ids=str)
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_database_and_its_companions_are_refused(
    pipe: Any, db_url: str, snapshot: Any, data: None, writer: str, suffix: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a PostgreSQL database has no file to protect")
    target = Path(str(_db_file(db_url)) + suffix)
    before_bytes = target.read_bytes() if target.exists() and not suffix else None
    before = snapshot()
    _refused(pipe(*WRITERS[writer], str(target)), "database", "destroy")
    assert snapshot() == before
    if before_bytes is not None:
        ok(pipe("list", "deals"))  # the database still opens
    if suffix in ("-journal",):
        assert not target.exists()


@pytest.mark.parametrize("writer", WRITERS, ids=str)
def test_database_reached_through_a_link_or_a_relative_path_is_refused(
    pipe: Any, db_url: str, snapshot: Any, data: None, writer: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    if not db_url.startswith("sqlite"):
        pytest.skip("a PostgreSQL database has no file to protect")
    db = _db_file(db_url)
    link = tmp_path / "link.db"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    os.link(db, hard)
    monkeypatch.chdir(db.parent)
    before = snapshot()
    for target in (str(link), str(hard), db.name, f"./{db.name}", f"../{db.parent.name}/{db.name}"):
        _refused(pipe(*WRITERS[writer], target), "database")
    assert snapshot() == before


@pytest.mark.parametrize("writer", WRITERS, ids=str)
def test_config_file_and_folders_are_refused(
    pipe: Any, db_url: str, snapshot: Any, data: None, writer: str, tmp_path: Path
) -> None:
    if writer == "backup -o" and not db_url.startswith("sqlite"):
        pytest.skip("backup is refused on PostgreSQL before any target is looked at")
    config = Path(os.environ["PIPE_CONFIG"])
    config.write_text('[user]\nname = "Ann"\n')
    before = snapshot()
    _refused(pipe(*WRITERS[writer], str(config)), "configuration file")
    assert config.read_text() == '[user]\nname = "Ann"\n'
    _refused(pipe(*WRITERS[writer], str(tmp_path)), "is a directory")
    missing = tmp_path / "no" / "such" / "out.file"
    _refused(pipe(*WRITERS[writer], str(missing)), "does not exist", "--mkdir")
    assert not (tmp_path / "no").exists()
    assert snapshot() == before
    r = ok(pipe(*WRITERS[writer], str(missing), "--mkdir"))
    assert missing.is_file() and missing.stat().st_size > 0, r.stderr
    assert not [p for p in missing.parent.iterdir() if p.name.endswith(".part")]


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in: a read-only tmpfs when running as root (who ignores
    permission bits), else a folder without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                       capture_output=True)  # fmt: skip
    if r.returncode != 0:
        pytest.skip(f"cannot make a read-only folder as root here: {r.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.parametrize("writer", WRITERS, ids=str)
def test_read_only_folder_is_refused(
    pipe: Any, db_url: str, data: None, writer: str, read_only_folder: Path
) -> None:
    if writer == "backup -o" and not db_url.startswith("sqlite"):
        pytest.skip("backup is refused on PostgreSQL before any target is looked at")
    _refused(pipe(*WRITERS[writer], str(read_only_folder / "out.file")), "cannot be written")
    assert list(read_only_folder.iterdir()) == []


def test_a_killed_export_leaves_the_old_file_whole(db_url: str, tmp_path: Path) -> None:
    """A real `pipe export all -o FILE` killed (SIGKILL) while it writes: FILE is still the
    old one, byte for byte; the new content only ever lands whole, by rename."""
    env = {**os.environ, "PIPE_DB": db_url}
    run = [sys.executable, "-m", "pipecli"]
    subprocess.run([*run, "demo", "--deals", "1500", "--seed", "1"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    target = tmp_path / "backup.jsonl"
    target.write_text("OLD CONTENT\n")
    proc = subprocess.Popen([*run, "export", "all", "-o", str(target)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        assert proc.poll() is None, "the export ended before it was seen writing"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    while any(p.stat().st_size == 0 for p in tmp_path.iterdir() if p.name.endswith(".part")):
        time.sleep(0.001)  # kill it once it has written part of the new file
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert target.read_text() == "OLD CONTENT\n"
    r = subprocess.run([*run, "export", "all", "-o", str(target)], env=env, capture_output=True,
                       text=True)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert target.read_text().count("\n") > 1500
