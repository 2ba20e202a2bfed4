"""Board tests: a seeded database (made through the CLI, as a user would), a PipeApp on it, and
helpers that wait for the app's database workers instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Any:
    """Syrupy's `snapshot` (pytest-textual-snapshot's `snap_compare` builds on it); the suite's
    own `snapshot` fixture (every table's rows) has the same name, so it is restored here."""
    from syrupy.assertion import SnapshotAssertion
    from syrupy.extensions.amber import AmberSnapshotExtension
    from syrupy.location import PyTestLocation

    return SnapshotAssertion(
        update_snapshots=request.config.option.update_snapshots,
        extension_class=AmberSnapshotExtension,
        test_location=PyTestLocation(request.node),
        session=request.session.config._syrupy,  # type: ignore[attr-defined]
    )


def seed(pipe: Callable[..., Any]) -> None:
    """Fixed data: four open deals (one Chinese title, one overdue, one rotting, one in EUR with
    a rate), a task on deal 1."""
    early = "2026-09-01T10:00:00+00:00"
    steps = [
        (("stage", "edit", "qualification", "--rot-days", "30"), None),
        (("add", "deal", "Acme – 40 seats", "--account", "Acme Ltd", "--amount", "12000",
          "--close", "2026-12-15"), None),
        (("add", "deal", "华为 – 年度续约", "--account", "华为技术有限公司", "--amount", "30000",
          "--close", "2026-11-30"), None),
        (("add", "deal", "Globex – pilot", "--account", "Globex", "--amount", "8000",
          "--close", "2026-11-01", "--stage", "qualification"), early),
        (("add", "deal", "Initech – renewal", "--amount", "€5,000", "--close", "2027-01-20",
          "--stage", "proposal"), None),
        (("fx", "set", "EUR", "USD", "1.10", "--date", "2026-01-01"), None),
        (("add", "task", "Call Li about pricing", "--deal", "1", "--due", "today"), None),
    ]  # fmt: skip
    for args, now in steps:
        r = pipe(*args, now=now)
        assert r.exit_code == 0, (args, r.stderr)


@pytest.fixture
def seeded(pipe: Callable[..., Any], db_url: str) -> str:
    seed(pipe)
    return db_url


@pytest.fixture
def make_app(seeded: str) -> Iterator[Callable[..., Any]]:
    from pipecli.core.config import load_settings
    from pipecli.core.workspace import Workspace
    from pipecli.tui.app import PipeApp

    opened: list[Workspace] = []

    def factory(**kwargs: Any) -> PipeApp:
        ws = Workspace.open(load_settings(seeded))
        opened.append(ws)
        return PipeApp(ws, **kwargs)

    yield factory
    for ws in opened:
        ws.close()


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let the app's workers finish and their results reach the screen (a screen that loads
    says `ready` once its first load is shown)."""
    import time

    deadline = time.monotonic() + 20
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    while not getattr(pilot.app.screen, "ready", True) and time.monotonic() < deadline:
        await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Any, check: Callable[[], bool], seconds: float = 20) -> bool:
    """Wait for `check()` to hold, one app idle at a time (no fixed sleep: a loaded machine
    only takes longer); false if it still does not hold after `seconds`."""
    import time

    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.01)
        await pilot.app.workers.wait_for_complete()
    return True
