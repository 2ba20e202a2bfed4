"""The import service without the CLI: progress goes through the caller's callback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipecli.core import imports


def test_progress_callback_and_batches(make_ctx: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "BATCH", 3)
    path = tmp_path / "d.csv"
    path.write_text("title,amount\n" + "".join(f"D{i},{i}\n" for i in range(7)))
    calls: list[tuple[str, int, int | None]] = []
    with make_ctx() as ctx:
        result = imports.import_file(
            ctx, path, imports.Options("deal"), progress=lambda *a: calls.append(a)
        )
    assert result.rows == 7 and result.count("deal").created == 7
    assert [n for _, n, _ in calls] == [3, 3, 1]
    assert {phase for phase, _, _ in calls} == {"import"}
