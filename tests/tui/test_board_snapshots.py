"""Snapshots of each screen at 120x36 with the seeded data and PIPE_NOW (SQLite only: the
picture does not depend on the backend). Update with `pytest --snapshot-update` and look at the
SVGs in __snapshots__ before committing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.tui.conftest import settle, until

SIZE = (120, 36)


@pytest.fixture
def db_url(tmp_path: Any, sqlite_template: Any) -> str:
    import shutil

    path = tmp_path / "pipe.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("board", []),
        ("deal", ["j", "enter"]),
        ("tasks", ["T"]),
        ("reports", ["R"]),
        ("help", ["question_mark"]),
    ],
)
def test_screen(
    name: str, keys: list[str], make_app: Callable[..., Any], snap_compare: Any
) -> None:
    async def before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        await settle(pilot)
        from textual.widgets import DataTable

        def sized() -> bool:  # tables size their columns when idle, after the rows arrive
            tables = list(pilot.app.screen.query(DataTable))
            return not any(t._require_update_dimensions or t._new_rows for t in tables)

        assert await until(pilot, sized), "tables never sized their columns"
        await pilot.wait_for_scheduled_animations()

    app = make_app(poll_seconds=3600)
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
